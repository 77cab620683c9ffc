/* buf.c - a growable byte buffer; see buf.h. */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

int buf_reserve(struct buf *b, size_t n)
{
    size_t cap;
    char *p;
    if (b->oom)
        return -1;
    if (b->len + n + 1 <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1)
        cap *= 2;
    p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

/* Appends go straight to the bytes when there is room (the common case:
 * capacity doubles), and through buf_reserve only to grow. */
void buf_add(struct buf *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (b->oom || b->len + n >= b->cap) {
        if (buf_reserve(b, n) != 0)
            return;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

void buf_addc(struct buf *b, char c)
{
    if (!b->oom && b->len + 1 < b->cap) {
        b->p[b->len++] = c;
        return;
    }
    buf_add(b, &c, 1);
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

char *buf_take(struct buf *b, size_t *len)
{
    char *p;
    if (b->oom || buf_reserve(b, 0) != 0) {
        buf_free(b);
        return NULL;
    }
    b->p[b->len] = 0;
    p = b->p;
    if (len)
        *len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void buf_free(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
