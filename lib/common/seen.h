/* seen.h - which earlier item equals this one: an open-addressing table of
 * item indexes, for the passes that find repeats in one pass over a list
 * (duplicate sentences in lib/compress.c, repeated messages in
 * passes/chat.c, memories about one subject in passes/memory.c). The
 * caller keeps the items; the table holds their indexes, and equality is
 * the caller's callback.
 *
 *     struct seen s;
 *     if (seen_init(&s, n) != 0) return -1;
 *     for (i = 0; i < n; i++) {
 *         size_t first = seen_first(&s, hash_of(i), i, same, items);
 *         if (first != SEEN_NEW) ... item i repeats item first ...
 *     }
 *     seen_free(&s);
 */
#ifndef TERSE_COMMON_SEEN_H
#define TERSE_COMMON_SEEN_H

#include <stddef.h>
#include <stdint.h>

#define SEEN_NEW ((size_t)-1)

struct seen {
    size_t *slot; /* item index + 1, 0 = empty */
    size_t mask;
};

/* Makes a table for up to n items (at most half full). Returns TERSE_OK,
 * or TERSE_ENOMEM when memory runs out. */
int seen_init(struct seen *s, size_t n);
void seen_free(struct seen *s);

/* Returns the index of the first item added with an equal item (same(arg,
 * earlier, i) != 0; hash must be equal for equal items); when there is
 * none, adds item i and returns SEEN_NEW. */
size_t seen_first(struct seen *s, uint64_t hash, size_t i, int (*same)(const void *arg, size_t a, size_t b),
                  const void *arg);

#endif
