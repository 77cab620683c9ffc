/* relevance.h - the one scorer: how relevant each item (a segment of a
 * document, a JSON member, a chat turn, a memory, a line of tool output)
 * is, for the budget fitter (pick.h) to keep the most relevant first.
 *
 * score = BM25 against the query (0 without one), text's answer kinds
 *         (optional), + near * the neighbours' BM25, + the item's bonus,
 *         + a small position term;
 * or, with the rule prior_scales (the code pass's definitions, whose bonus
 * is how often the file names them), the bonus and position term make a
 * prior that scales BM25: BM25 * (1 + prior) for an item the query matches,
 * prior / 100 for one it does not, the prior alone without a query.
 * The kinds of content differ only in a struct relevance_rules and in the
 * bonus they give an item (a heading, the first line of tool output, the
 * references to a definition).
 */
#ifndef TERSE_SELECT_RELEVANCE_H
#define TERSE_SELECT_RELEVANCE_H

#include <stddef.h>
#include <stdint.h>

struct relevance_item {
    const char *s; /* the text BM25 reads (may be empty) */
    size_t n;
    size_t group;  /* neighbours count only within a group (a block) */
    double bonus;  /* added to the score */
};

enum relevance_position {
    REL_POS_NONE,    /* no position term */
    REL_POS_EARLIER, /* 1 / (i + position_offset): earlier first */
    REL_POS_LATER    /* (i + 1) / (n + 1) / 1000: later first, a tie-break */
};

struct relevance_rules {
    double near;             /* share of the neighbours' BM25 added */
    uint8_t near_in_group;   /* only neighbours of the same group */
    uint8_t answer_kinds;    /* a question's kind of answer weighs: a number
                              * for when/how many, a name for who/where, a
                              * cause for why (text and JSON) */
    uint8_t position;        /* enum relevance_position */
    size_t position_offset;  /* REL_POS_EARLIER */
    uint8_t prior_scales;    /* bonus + position scale BM25 (see above)
                              * instead of adding to it; no near */
};

/* Scores the n items against query[0..qlen) (NULL or empty: no query,
 * BM25 0) by the rules r into scores[]; when bm25 is not NULL, also each
 * item's query part (BM25 with the answer kinds; 0: the query does not
 * match it) into bm25[]. Returns TERSE_OK or TERSE_ENOMEM. */
int relevance_score(const char *query, size_t qlen, const struct relevance_item *it, size_t n,
                    const struct relevance_rules *r, double *scores, double *bm25);

#endif
