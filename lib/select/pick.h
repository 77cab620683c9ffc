/* pick.h - choosing whole items (chat turns, memory entries) to fit a
 * token budget, most relevant first.
 *
 * The caller owns the items and knows how to write them out; pick_items
 * only sets their `keep` flags and asks the caller, through `measure`, for
 * the exact token count of the output with the current flags. Items that
 * must stay (the recent turns of a chat) are marked `fixed`.
 */
#ifndef TERSE_SELECT_PICK_H
#define TERSE_SELECT_PICK_H

#include <stddef.h>
#include <stdint.h>

struct pick_item {
    double score;    /* relevance: higher is kept first; ties: earlier first */
    size_t tokens;   /* estimated cost of the item in the output */
    uint8_t fixed;   /* always kept */
    uint8_t keep;    /* out: 1 kept, 0 left out */
};

/* Sets *tokens to the exact token count of the output with the items'
 * current keep flags; returns TERSE_OK or the failure's TERSE_* status. */
typedef int (*pick_measure)(void *arg, size_t *tokens);

/* Sets keep on the n items so that measure() <= budget, keeping the most
 * relevant items: first by the estimates, then corrected by exact counts
 * (dropping the least relevant kept item while over, then adding the most
 * relevant left-out ones while an exact count allows, at most 64 tries).
 * Returns TERSE_OK; TERSE_EBUDGET when not even the fixed items and the
 * most relevant other one fit (*min_tokens then holds that output's
 * count); TERSE_ENOMEM, or a status measure returned. */
int pick_items(struct pick_item *it, size_t n, size_t budget, pick_measure measure, void *arg,
               size_t *min_tokens);

#endif
