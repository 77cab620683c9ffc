/* pick.h - the one budget fitter: which items (segments of a document,
 * members of a JSON container, chat turns, memories, lines of tool output,
 * code bodies and declarations) to keep, most relevant first, so that the
 * output fits a token budget.
 *
 * The caller owns the items and knows how to write them out; pick_items
 * only sets their `keep` field and asks the caller, through `measure`, for
 * the exact token count of the output with the current keeps. The kinds of
 * content differ only in a struct pick_rules (their named rules are below:
 * pick_segments, pick_members, pick_turns, pick_bodies).
 *
 * It runs in three steps, each exact where it decides:
 *   1. estimate: most relevant first, an item is kept when the sum of the
 *      estimates (its `tokens`, or `full_tokens` for its full form, plus
 *      `marker`) stays within the budget; the first `exact_first` ones are
 *      tried by an exact count instead;
 *   2. correct: while the exact count is over, the least relevant kept item
 *      is shortened (full to short form) or dropped;
 *   3. fill: what the estimate's caution left unused is offered to the
 *      items left out, most relevant first, each kept only if an exact
 *      count allows.
 */
#ifndef TERSE_SELECT_PICK_H
#define TERSE_SELECT_PICK_H

#include <stddef.h>
#include <stdint.h>

struct pick_item {
    double score;       /* relevance: higher is kept first; ties: earlier first */
    size_t tokens;      /* estimated cost of the item in the output */
    size_t full_tokens; /* with has_full: estimated cost of its full form */
    uint8_t has_full;   /* the item has a second, fuller form (keep 2) */
    uint8_t fixed;      /* always kept (keep set to 1), not ranked */
    uint8_t out;        /* never kept (keep left as given), not ranked */
    uint8_t keep;       /* in: a ranked item kept already (the estimate
                         * leaves it as it is, the correction may drop it);
                         * out: 0 left out, 1 kept, 2 kept in full form */
};

/* How one kind of content is fitted. */
struct pick_rules {
    size_t marker;      /* added to each kept item's estimate (a text's
                         * marker for what is left out around it) */
    size_t exact_first; /* the estimate tries this many of the most
                         * relevant by exact count (JSON members: 8) */
    size_t max_rounds;  /* correction rounds before giving up (all ranked
                         * items left out, TERSE_OK: the caller has checked
                         * that the base fits); 0: no limit */
    size_t fill_tries;  /* exact counts of the fill step; 0: no limit */
    uint8_t measure_base; /* the estimate starts from the exact count of
                           * the output with the keeps as given, not 0 */
    uint8_t need_one;   /* a result must keep one ranked item (when there
                         * is one): else TERSE_EBUDGET */
    uint8_t drop_excess; /* the correction drops, least relevant first, as
                          * many items as the excess costs, not one */
    uint8_t fill_room;  /* the fill stops at the budget and skips an item
                         * costlier than the room left; else it skips only
                         * one costlier than the whole budget */
    uint8_t fill_free_first; /* the fill's first try is not counted in
                              * fill_tries */
    uint8_t fill_when_none; /* with need_one: when the estimate kept no
                             * ranked item but the base fits, the fill tries
                             * them by exact count before TERSE_EBUDGET */
};

/* A document's segments (lib/pipeline/fit.c: marker and measure_base set
 * by the caller), a JSON container's members, chat turns, memories and
 * lines of tool output, a code file's bodies and declarations. */
extern const struct pick_rules pick_segments;
extern const struct pick_rules pick_members;
extern const struct pick_rules pick_turns;
extern const struct pick_rules pick_bodies;

/* Sets *tokens to the exact token count of the output with the items'
 * current keep flags; returns TERSE_OK or the failure's TERSE_* status. */
typedef int (*pick_measure)(void *arg, size_t *tokens);

/* Sets keep on the n items so that measure() <= budget by the rules r (see
 * above); the output is the caller's to write afterwards. Returns
 * TERSE_OK; TERSE_EBUDGET when not even the fixed items and the most
 * relevant ranked one fit (with need_one; *min_tokens then holds that
 * output's count, otherwise it is not touched); TERSE_ENOMEM, or a status
 * measure returned. */
int pick_items(struct pick_item *it, size_t n, size_t budget, const struct pick_rules *r, pick_measure measure,
               void *arg, size_t *min_tokens);

#endif
