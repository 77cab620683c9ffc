/* score.c - relevance of segments (BM25 against the query, or the
 * position without one) and the query's words; see score.h.
 */
#include "score.h"

#include <stdlib.h>

#include "../common/lex.h"
#include "../common/words.h"
#include "../passes/prose.h"
#include "../select/relevance.h"
#include "document.h"

/* Segments with a query: BM25, the kind of answer asked for, a quarter
 * of the neighbours' in the same block, headings, earlier first. */
static const struct relevance_rules segments_by_query = {
    .near = 0.25,
    .near_in_group = 1,
    .answer_kinds = 1,
    .position = REL_POS_EARLIER,
    .position_offset = 10,
};

/* Segments without a query: headings, then the first sentence of each
 * block, earlier first. */
static const struct relevance_rules segments_by_place = {
    .position = REL_POS_EARLIER,
    .position_offset = 2,
};

/* See score.h: the prior segments_by_query adds (relevance.c's
 * REL_POS_EARLIER with position_offset 10). */
double score_position(size_t i)
{
    return 1.0 / (double)(i + segments_by_query.position_offset);
}

/* See score.h. */
int score_segments(struct job *j)
{
    size_t i;
    int query = j->o->query && j->o->query_len, rc;
    struct relevance_item *it = malloc((j->n_segs + 1) * sizeof *it);
    double *sc = malloc((j->n_segs + 1) * sizeof *sc);
    if (!it || !sc) {
        free(it);
        free(sc);
        return TERSE_ENOMEM;
    }
    for (i = 0; i < j->n_segs; i++) {
        const struct seg *g = &j->segs[i];
        int first = i == 0 || j->segs[i - 1].block != g->block;
        it[i].s = j->doc + g->start;
        it[i].n = g->end - g->start;
        it[i].group = g->block;
        it[i].bonus = query ? (g->kind == SEG_HEADING ? 0.5 : 0)
                            : (g->kind == SEG_HEADING ? 3.0 : 0) + (first ? 1.0 : 0);
    }
    rc = relevance_score(j->o->query, j->o->query_len, it, j->n_segs, query ? &segments_by_query : &segments_by_place,
                         sc, NULL);
    for (i = 0; rc == TERSE_OK && i < j->n_segs; i++)
        j->segs[i].score = sc[i];
    free(it);
    free(sc);
    return rc;
}

/* See score.h. */
void query_words(struct job *j)
{
    struct lex_tok toks[64];
    const char *q = j->o->query;
    size_t n, i, used = 0, len = j->o->query_len;
    if (!q || !len)
        return;
    if (len > 64)
        len = 64;
    while (len < j->o->query_len && len > 0 && ((unsigned char)q[len] & 0xC0) == 0x80)
        len--;
    n = lex_text(q, len, toks);
    for (i = 0; i < n && j->q.n < 32; i++) {
        size_t k, L = toks[i].len;
        if (toks[i].kind != LX_WORD || used + L + 1 > sizeof j->qbuf ||
            stop_word_is(q + toks[i].start, L))
            continue;
        for (k = 0; k < L; k++) {
            char c = q[toks[i].start + k];
            j->qbuf[used + k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        j->qbuf[used + L] = 0;
        j->qwords[j->q.n] = j->qbuf + used;
        j->qlens[j->q.n] = L;
        j->q.n++;
        used += L + 1;
    }
    j->q.words = j->qwords;
    j->q.lens = j->qlens;
}
