/* slurp.h - a whole file in memory, for the test, reference and benchmark
 * programs (tokref, jsonrt, code_equiv, bench_tok, bench_json). Header-only
 * and self-contained, so that programs linked against the public
 * libterse.a (whose internals are hidden) can use it too. */
#ifndef TERSE_TESTS_SLURP_H
#define TERSE_TESTS_SLURP_H

#include <stdio.h>
#include <stdlib.h>

/* Returns the bytes of the file at path with a NUL after them (not counted
 * in *len), to be freed by the caller; NULL when the file cannot be opened
 * or read, or memory runs out. Reads in chunks, so pipes work too. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL, *q;
    size_t n = 0, cap = 0, got;
    int bad = 0;
    if (!f)
        return NULL;
    do {
        if (cap - n < 65536 + 1) {
            cap = cap ? cap * 2 : 2 * 65536;
            if (!(q = realloc(p, cap))) {
                bad = 1;
                break;
            }
            p = q;
        }
        got = fread(p + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    bad |= ferror(f);
    fclose(f);
    if (bad) {
        free(p);
        return NULL;
    }
    p[n] = 0;
    *len = n;
    return p;
}

#endif
