/* fuzz_tokenize.c - libFuzzer target for the tokenizers' input handling.
 *
 * The first byte picks the tokenizer and whether special tokens are read;
 * the rest is the text (any bytes, including invalid UTF-8). Checks:
 * encoding never fails on input of this size, count agrees with encode,
 * every id decodes, and decode(encode(x)) gives back x with invalid UTF-8
 * repaired (U+2581 read as a space for gemma3; claude, which normalizes to
 * NFKC, is only checked for encode/count agreement).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/support/expect_decode.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const terse_tokenizer *t;
    const char *text;
    size_t len, n, count, blen, rlen;
    uint32_t *ids;
    char *back;
    unsigned char *rep;
    unsigned flags;
    if (size < 1)
        return 0;
    t = terse_tokenizer_at(data[0] % 4);
    flags = (data[0] & 4) ? TERSE_TOKENS_SPECIAL : 0;
    text = (const char *)data + 1;
    len = size - 1;
    if (terse_encode(t, text, len, flags, &ids, &n) != TERSE_OK)
        abort();
    if (terse_count(t, text, len, flags, &count) != TERSE_OK || count != n)
        abort();
    if (terse_decode(t, ids, n, &back, &blen) != TERSE_OK)
        abort();
    if (strcmp(terse_tokenizer_name(t), "claude") != 0) {
        rep = expect_decode(terse_tokenizer_name(t), (const unsigned char *)text, len, &rlen);
        if (!rep)
            abort();
        if (blen != rlen || memcmp(back, rep, rlen) != 0)
            abort();
        free(rep);
    }
    terse_free(back);
    terse_free(ids);
    return 0;
}
