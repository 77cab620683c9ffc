/* rank.c - most relevant first, earlier on ties; rank.h. */
#include "rank.h"

int rank_cmp(const void *a, const void *b)
{
    const struct rank *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}
