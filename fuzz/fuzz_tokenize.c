/* fuzz_tokenize.c - libFuzzer target for the tokenizers' input handling.
 *
 * The first byte picks the tokenizer and whether special tokens are read;
 * the rest is the text (any bytes, including invalid UTF-8). Checks:
 * encoding never fails on input of this size, count agrees with encode,
 * every id decodes, and decode(encode(x)) gives back x with invalid UTF-8
 * repaired (U+2581 read as a space for gemma3; claude, which normalizes to
 * NFKC, is only checked for encode/count agreement). terse_count_cut: for
 * the whole text and for a prefix (its length from the second byte), the
 * place returned splits the text into two parts whose counts add up to
 * the whole's. Counting by lines (tok_counter_keep, no flags): the kept
 * text's count is the whole count, and the text with its lines in reverse
 * order, counted by the same counter from the kept lines, counts what
 * terse_count says.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tokenize/tokenizer.h"
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
    {
        size_t lens[2], k, p, c1, c2;
        lens[0] = len;
        lens[1] = len ? (size_t)data[size > 1 ? 1 : 0] * len / 256 + 1 : 0;
        for (k = 0; k < 2; k++) {
            if (lens[k] > len || !(p = terse_count_cut(t, text, lens[k], flags)))
                continue;
            if (p >= lens[k] || terse_count(t, text, p, flags, &c1) != TERSE_OK ||
                terse_count(t, text + p, len - p, flags, &c2) != TERSE_OK || c1 + c2 != count)
                abort();
        }
    }
    if (!flags) {
        struct tok_counter c;
        char *rev = malloc(len + 1);
        size_t kept = 0, rc = 0, want = 0, o = 0, e = len;
        if (!rev)
            return 0;
        while (e > 0) { /* the lines (each with its '\n') from the last */
            size_t b = e - 1;
            while (b > 0 && text[b - 1] != '\n')
                b--;
            memcpy(rev + o, text + b, e - b);
            o += e - b;
            e = b;
        }
        tok_counter_init(&c, t);
        if (tok_counter_keep(&c, text, len, &kept) != TERSE_OK || kept != count)
            abort();
        if (terse_count(t, rev, len, 0, &want) != TERSE_OK || tok_counter_count(&c, rev, len, &rc) != TERSE_OK ||
            rc != want)
            abort();
        tok_counter_free(&c);
        free(rev);
    }
    return 0;
}
