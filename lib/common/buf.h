/* buf.h - a growable byte buffer.
 *
 * Appends never fail silently: after an allocation failure the buffer is
 * marked `oom`, further appends are ignored, and the owner checks `oom`
 * once at the end (so call sites stay short).
 */
#ifndef TERSE_COMMON_BUF_H
#define TERSE_COMMON_BUF_H

#include <stddef.h>

struct buf {
    char *p;
    size_t len, cap;
    int oom;
};

/* Appends n bytes (p may be NULL when n == 0). */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_addc(struct buf *b, char c);
void buf_adds(struct buf *b, const char *s);
/* Makes sure there is room for n more bytes; returns 0 or -1 (oom). */
int buf_reserve(struct buf *b, size_t n);
/* Returns the contents as a NUL-terminated string owned by the caller and
 * resets the buffer; NULL after an allocation failure. */
char *buf_take(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
