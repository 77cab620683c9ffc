/* expect_decode.h - what decode(encode(text)) must give back, for the tests
 * and fuzz targets that check round trips: the text with invalid UTF-8
 * repaired, and for gemma3 every U+2581 read as a space (its normalizer
 * makes spaces and U+2581 the same symbol). Not for claude, which gives
 * the NFKC form. */
#ifndef TERSE_TESTS_EXPECT_DECODE_H
#define TERSE_TESTS_EXPECT_DECODE_H

#include <stdlib.h>
#include <string.h>

#include "../../lib/common/utf8.h"

/* Returns a new buffer (free it) with *len bytes, or NULL without memory. */
static inline unsigned char *expect_decode(const char *tokenizer, const unsigned char *s, size_t n,
                                           size_t *len)
{
    size_t rlen = utf8_repaired_len(s, n), a, b;
    unsigned char *rep = malloc(rlen + 1);
    if (!rep)
        return NULL;
    utf8_repair(s, n, rep);
    if (strcmp(tokenizer, "gemma3") == 0) {
        for (a = b = 0; a < rlen; a++) {
            if (a + 2 < rlen && rep[a] == 0xE2 && rep[a + 1] == 0x96 && rep[a + 2] == 0x81) {
                rep[b++] = ' ';
                a += 2;
            } else {
                rep[b++] = rep[a];
            }
        }
        rlen = b;
    }
    *len = rlen;
    return rep;
}

#endif
