/* seen.c - which earlier item equals this one; see seen.h. */
#include "seen.h"

#include <stdlib.h>

#include "terse.h"

int seen_init(struct seen *s, size_t n)
{
    size_t cap = 64;
    while (cap < n * 2)
        cap *= 2;
    s->mask = cap - 1;
    s->slot = calloc(cap, sizeof *s->slot);
    return s->slot ? TERSE_OK : TERSE_ENOMEM;
}

void seen_free(struct seen *s)
{
    free(s->slot);
    s->slot = NULL;
}

size_t seen_first(struct seen *s, uint64_t hash, size_t i, int (*same)(const void *arg, size_t a, size_t b),
                  const void *arg)
{
    size_t h;
    for (h = (size_t)hash & s->mask; s->slot[h]; h = (h + 1) & s->mask)
        if (same(arg, s->slot[h] - 1, i))
            return s->slot[h] - 1;
    s->slot[h] = i + 1;
    return SEEN_NEW;
}
