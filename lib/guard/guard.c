/* guard.c - fidelity checks; see guard.h. */
#include "guard.h"

#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/lex.h"

static int is_protected(const char *s, const struct lex_tok *t, int sentence_start,
                        guard_common_word_fn common)
{
    switch (t->kind) {
    case LX_NUMBER:
    case LX_URL:
    case LX_EMAIL:
    case LX_PATH:
    case LX_NAME:
    case LX_CODE:
    case LX_QUOTE:
        return 1;
    case LX_WORD:
        if (t->flags & LXF_NEG)
            return 1;
        if (t->flags & LXF_CAP) {
            size_t k;
            int acronym = t->len >= 2;
            for (k = 0; k < t->len && acronym; k++)
                acronym = s[t->start + k] >= 'A' && s[t->start + k] <= 'Z';
            if (sentence_start && !acronym && common && common(s + t->start, t->len))
                return 0;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

int guard_is_protected(const char *s, const struct lex_tok *t, int sentence_start, guard_common_word_fn common)
{
    return is_protected(s, t, sentence_start, common);
}

/* A token's fingerprint: its length and first and last bytes. Equal tokens
 * have equal fingerprints, so counting compares one word per token of a
 * small array before it compares bytes. */
static uint32_t fingerprint(const char *s, const struct lex_tok *t)
{
    const unsigned char *p = (const unsigned char *)s + t->start;
    return (uint32_t)t->len << 16 ^ (uint32_t)p[0] << 8 ^ p[t->len ? t->len - 1 : 0];
}

/* Fingerprints of toks[0..n) into fp (n entries). */
static void fingerprints(const char *s, const struct lex_tok *toks, size_t n, uint32_t *fp)
{
    size_t i;
    for (i = 0; i < n; i++)
        fp[i] = fingerprint(s, &toks[i]);
}

/* Counts the tokens of toks[0..n) over s (fingerprints fp) that equal
 * item[0..len) (fingerprint f). Word comparisons are exact
 * (case-sensitive): a name must survive as written. */
static size_t count_tok(const char *s, const struct lex_tok *toks, const uint32_t *fp, size_t n, uint32_t f,
                        const char *item, size_t len)
{
    size_t i, c = 0;
    for (i = 0; i < n; i++)
        if (fp[i] == f && hash_same_bytes(s + toks[i].start, item, len))
            c++;
    return c;
}

/* Occurrences of item[0..len) in s[0..n) as a substring. */
static size_t count_sub(const char *s, size_t n, const char *item, size_t len)
{
    size_t c = 0, i = 0;
    while (len && i + len <= n) {
        const char *hit = memchr(s + i, item[0], n - i - len + 1);
        if (!hit)
            break;
        i = (size_t)(hit - s);
        if (memcmp(s + i, item, len) == 0) {
            c++;
            i += len;
        } else {
            i++;
        }
    }
    return c;
}

int guard_check(const char *in, size_t in_len, const char *out, size_t out_len,
                guard_common_word_fn common, const char **first_missing, size_t *missing_len)
{
    struct lex_tok stack_in[128], stack_out[128];
    struct lex_tok *ti = stack_in, *to = stack_out;
    size_t ni, no;
    int ok;
    if (in_len > 128) {
        ti = malloc(in_len * sizeof *ti);
        if (!ti)
            return 0;
    }
    if (out_len > 128) {
        to = malloc(out_len * sizeof *to);
        if (!to) {
            if (ti != stack_in)
                free(ti);
            return 0;
        }
    }
    ni = lex_text(in, in_len, ti);
    no = lex_text(out, out_len, to);
    ok = guard_check_lexed(in, in_len, ti, ni, out, out_len, to, no, common, first_missing, missing_len);
    if (ti != stack_in)
        free(ti);
    if (to != stack_out)
        free(to);
    return ok;
}

int guard_check_lexed(const char *in, size_t in_len, const struct lex_tok *ti, size_t ni, const char *out,
                      size_t out_len, const struct lex_tok *to, size_t no, guard_common_word_fn common,
                      const char **first_missing, size_t *missing_len)
{
    size_t i, first = lex_sentence_start(in, ti, ni);
    uint32_t stack_fp[256], *fi = stack_fp, *fo;
    int ok = 1;
    if (ni + no > 256 && !(fi = malloc((ni + no) * sizeof *fi)))
        return 0;
    fo = fi + ni;
    fingerprints(in, ti, ni, fi);
    fingerprints(out, to, no, fo);
    for (i = 0; i < ni && ok; i++) {
        const struct lex_tok *t = &ti[i];
        /* sentence-initial as the passes see it (lex_sentence_start) */
        if (!is_protected(in, t, i == first, common))
            continue;
        /* the first occurrence decides; later ones were counted with it */
        if (count_tok(in, ti, fi, i, fi[i], in + t->start, t->len) > 0)
            continue;
        if (t->kind == LX_QUOTE) {
            /* a quoted string survives if its text does (the marks of a
             * short quoted term may go) */
            size_t m = in[t->start] == '"' ? 1 : 3, need = 0, k;
            const char *inner = in + t->start + m;
            size_t ilen = t->len - 2 * m;
            /* as many copies as there are such quotes in the input (the same
             * words outside quotes may legitimately change) */
            for (k = 0; k < ni; k++)
                if (ti[k].kind == LX_QUOTE && ti[k].len == t->len &&
                    memcmp(in + ti[k].start + m, inner, ilen) == 0)
                    need++;
            if (count_sub(out, out_len, inner, ilen) < need) {
                ok = 0;
                if (first_missing) {
                    *first_missing = in + t->start;
                    *missing_len = t->len;
                }
            }
            continue;
        }
        /* a number may lose the bracket before its sign ("(-18)" becomes
         * "-18", which lexes differently): numbers count as substrings */
        if ((t->kind == LX_NUMBER ? count_sub(out, out_len, in + t->start, t->len)
                                  : count_tok(out, to, fo, no, fi[i], in + t->start, t->len)) <
            count_tok(in, ti, fi, ni, fi[i], in + t->start, t->len)) {
            ok = 0;
            if (first_missing) {
                *first_missing = in + t->start;
                *missing_len = t->len;
            }
        }
    }
    /* every digit group survives too, wherever it sits ("4,350" inside
     * "150-to-4,350-pound" is no number token) */
    for (i = 0; i < in_len && ok;) {
        size_t e;
        if (!(in[i] >= '0' && in[i] <= '9')) {
            i++;
            continue;
        }
        e = i + 1;
        while (e < in_len && ((in[e] >= '0' && in[e] <= '9') ||
                              ((in[e] == ',' || in[e] == '.') && e + 1 < in_len && in[e + 1] >= '0' &&
                               in[e + 1] <= '9')))
            e++;
        if (count_sub(out, out_len, in + i, e - i) < count_sub(in, in_len, in + i, e - i)) {
            ok = 0;
            if (first_missing) {
                *first_missing = in + i;
                *missing_len = e - i;
            }
        }
        i = e;
    }
    if (fi != stack_fp)
        free(fi);
    return ok;
}
