/* rank.h - the order in which a budget keeps things: most relevant first,
 * earlier first on ties (a total order, so qsort is deterministic). Used
 * by pick.c (chat turns, memories), the pipeline's segment and JSON member
 * fitting, and the code pass's bodies and declarations.
 */
#ifndef TERSE_SELECT_RANK_H
#define TERSE_SELECT_RANK_H

#include <stddef.h>

struct rank {
    double score; /* relevance: higher first */
    size_t index; /* position: lower first on equal scores */
};

/* qsort comparator of struct rank. */
int rank_cmp(const void *a, const void *b);

#endif
