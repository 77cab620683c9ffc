/* tokref.c - compares terse's token ids with ids computed by the reference
 * implementations (tests/ref/reference.js) for the same texts.
 *
 *   tokref --tokenizer NAME [--special] TEXTS.tbin IDS.ibin
 *
 * TEXTS.tbin: records (u32 length, bytes); IDS.ibin: records (u32 count,
 * count u32 ids), little-endian, one per text. For every text it checks
 * that terse_encode gives the same ids, that terse_count agrees, and (for
 * tokenizers without normalization) that decoding the ids gives back the
 * text with invalid UTF-8 repaired. Prints the first mismatches in detail
 * and one summary line; exits 1 on any mismatch, 2 on unreadable input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/expect_decode.h"
#include "../support/slurp.h"
#include "terse.h"

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void show_text(const unsigned char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n && i < 160; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
            putchar(s[i]);
        else
            printf("\\x%02x", s[i]);
    }
    if (n > 160)
        printf("... (%zu bytes)", n);
}

static void show_ids(const char *label, const uint32_t *ids, size_t n, size_t from)
{
    size_t i;
    printf("    %s[%zu..]:", label, from);
    for (i = from; i < n && i < from + 12; i++)
        printf(" %u", ids[i]);
    printf("%s\n", i < n ? " ..." : "");
}

int main(int argc, char **argv)
{
    const char *name = NULL, *tpath = NULL, *ipath = NULL;
    unsigned flags = 0;
    unsigned char *texts, *idsf;
    size_t tlen, ilen, tp = 0, ip = 0, n_texts = 0, n_bad = 0, n_tokens = 0;
    const terse_tokenizer *t;
    int i, roundtrip;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tokenizer") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--special") == 0)
            flags |= TERSE_TOKENS_SPECIAL;
        else if (!tpath)
            tpath = argv[i];
        else if (!ipath)
            ipath = argv[i];
        else
            name = NULL, i = argc;
    }
    if (!name || !tpath || !ipath) {
        fprintf(stderr, "usage: tokref --tokenizer NAME [--special] TEXTS.tbin IDS.ibin\n");
        return 2;
    }
    t = terse_tokenizer_find(name);
    if (!t) {
        fprintf(stderr, "tokref: unknown tokenizer %s\n", name);
        return 2;
    }
    roundtrip = strcmp(name, "claude") != 0;
    texts = (unsigned char *)slurp(tpath, &tlen);
    idsf = (unsigned char *)slurp(ipath, &ilen);
    if (!texts || !idsf) {
        fprintf(stderr, "tokref: cannot read %s\n", texts ? ipath : tpath);
        return 2;
    }
    while (tp < tlen) {
        uint32_t L, cnt;
        uint32_t *ids, *want;
        size_t n, count, k;
        int bad = 0;
        if (tp + 4 > tlen || tp + 4 + rd32(texts + tp) > tlen || ip + 4 > ilen) {
            fprintf(stderr, "tokref: %s and %s do not match up at text %zu\n", tpath, ipath, n_texts);
            return 2;
        }
        L = rd32(texts + tp);
        cnt = rd32(idsf + ip);
        if (ip + 4 + (size_t)cnt * 4 > ilen) {
            fprintf(stderr, "tokref: %s is truncated at text %zu\n", ipath, n_texts);
            return 2;
        }
        want = malloc(((size_t)cnt + 1) * 4);
        for (k = 0; k < cnt; k++)
            want[k] = rd32(idsf + ip + 4 + 4 * k);
        if (terse_encode(t, (const char *)texts + tp + 4, L, flags, &ids, &n) != TERSE_OK ||
            terse_count(t, (const char *)texts + tp + 4, L, flags, &count) != TERSE_OK) {
            printf("  text %zu: encode failed\n", n_texts);
            bad = 1;
        } else {
            for (k = 0; k < n && k < cnt && ids[k] == want[k]; k++)
                ;
            if (k < n || k < cnt || count != n) {
                bad = 1;
                if (n_bad < 10) {
                    printf("  text %zu differs at token %zu (terse %zu tokens, count %zu, reference %u): ",
                           n_texts, k, n, count, cnt);
                    show_text(texts + tp + 4, L);
                    putchar('\n');
                    show_ids("terse", ids, n, k > 3 ? k - 3 : 0);
                    show_ids("ref  ", want, cnt, k > 3 ? k - 3 : 0);
                }
            } else if (roundtrip) {
                char *back;
                size_t blen, rlen;
                unsigned char *rep = expect_decode(name, texts + tp + 4, L, &rlen);
                if (!rep) {
                    fprintf(stderr, "tokref: out of memory\n");
                    return 2;
                }
                if (terse_decode(t, ids, n, &back, &blen) != TERSE_OK || blen != rlen ||
                    memcmp(back, rep, rlen) != 0) {
                    bad = 1;
                    if (n_bad < 10)
                        printf("  text %zu: decode(encode(text)) is not the text\n", n_texts);
                }
                if (!bad)
                    terse_free(back);
                free(rep);
            }
            terse_free(ids);
        }
        n_bad += (size_t)bad;
        n_tokens += cnt;
        free(want);
        tp += 4 + L;
        ip += 4 + (size_t)cnt * 4;
        n_texts++;
    }
    if (ip != ilen) {
        fprintf(stderr, "tokref: %s has more records than %s\n", ipath, tpath);
        return 2;
    }
    printf("tokref %s%s: %zu texts, %zu reference tokens, %zu mismatches\n", name,
           (flags & TERSE_TOKENS_SPECIAL) ? " --special" : "", n_texts, n_tokens, n_bad);
    free(texts);
    free(idsf);
    return n_bad ? 1 : 0;
}
