/* features.c - the features of a word for the word-importance model; see
 * features.h. Each feature is a short string (a tag, a colon, a value)
 * hashed with hash_bytes: "w:maximizing", "p:of", "wn:goal|was",
 * "shape:lower", ... so that the list in docs/model-format.md is the
 * definition and nothing needs a vocabulary.
 */
#include "features.h"

#include <string.h>

#include "../common/hash.h"
#include "../common/lex.h"
#include "../common/words.h"

#define WMAX 32 /* a word's first WMAX bytes name it */

/* The lower-case form of token x (ASCII letters lowered, other bytes
 * kept), at most WMAX bytes, into w; returns its length. Numbers are "#",
 * other non-words "@" and their kind's digit. */
static size_t token_name(const char *s, const struct lex_tok *x, char *w)
{
    size_t i, n;
    if (x->kind == LX_NUMBER) {
        w[0] = '#';
        return 1;
    }
    if (x->kind != LX_WORD) {
        w[0] = '@';
        w[1] = (char)('0' + x->kind);
        return 2;
    }
    n = x->len < WMAX ? x->len : WMAX;
    for (i = 0; i < n; i++) {
        char c = s[x->start + i];
        w[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return n;
}

/* Hash of "tag:a" or, with b, "tag:a|b". */
static uint32_t feat(const char *tag, const char *a, size_t an, const char *b, size_t bn)
{
    char buf[8 + 2 * WMAX + 2];
    size_t n = strlen(tag);
    memcpy(buf, tag, n);
    buf[n++] = ':';
    memcpy(buf + n, a, an);
    n += an;
    if (b) {
        buf[n++] = '|';
        memcpy(buf + n, b, bn);
        n += bn;
    }
    return (uint32_t)hash_mix(hash_bytes(buf, n));
}

static const char *bucket(size_t k)
{
    static const char *const names[] = {"0", "1", "2", "3", "4-6", "7-10", "11-20", "21+"};
    return names[k == 0 ? 0 : k == 1 ? 1 : k == 2 ? 2 : k == 3 ? 3 : k <= 6 ? 4 : k <= 10 ? 5 : k <= 20 ? 6 : 7];
}

size_t learn_features(const char *s, const struct lex_tok *t, size_t nt, size_t i, size_t first,
                      uint32_t *out)
{
    char w[WMAX], pw[WMAX], nw[WMAX], pc[2] = {'^', 0}, nc[2] = {'$', 0};
    size_t wn, pn = 1, nn = 1, k = 0, j, before = 0, after = 0;
    const struct lex_tok *x = &t[i];
    const char *shape;
    const char *pb, *ab;
    wn = token_name(s, x, w);
    pw[0] = '^';
    nw[0] = '$';
    /* the neighbouring words (or numbers, or other items), over punctuation;
     * the punctuation right before and after */
    for (j = i; j > 0; j--) {
        const struct lex_tok *y = &t[j - 1];
        if (y->kind == LX_PUNCT) {
            if (j == i)
                pc[0] = s[y->start];
            continue;
        }
        pn = token_name(s, y, pw);
        break;
    }
    for (j = i + 1; j < nt; j++) {
        const struct lex_tok *y = &t[j];
        if (y->kind == LX_PUNCT) {
            if (j == i + 1)
                nc[0] = s[y->start];
            continue;
        }
        nn = token_name(s, y, nw);
        break;
    }
    for (j = first; j < i && j < nt; j++)
        before += t[j].kind != LX_PUNCT;
    for (j = i + 1; j < nt; j++)
        after += t[j].kind != LX_PUNCT;
    if (x->flags & LXF_NEG)
        shape = "neg";
    else if (x->flags & LXF_CAP)
        shape = i == first ? "cap-first" : x->len > 1 && s[x->start + 1] >= 'A' && s[x->start + 1] <= 'Z' ? "caps" : "cap";
    else if (memchr(s + x->start, '-', x->len))
        shape = "hyphen";
    else
        shape = "lower";
    pb = bucket(before);
    ab = bucket(after);
    out[k++] = feat("bias", "", 0, NULL, 0);
    out[k++] = feat("w", w, wn, NULL, 0);
    out[k++] = feat("p", pw, pn, NULL, 0);
    out[k++] = feat("n", nw, nn, NULL, 0);
    out[k++] = feat("pw", pw, pn, w, wn);
    out[k++] = feat("wn", w, wn, nw, nn);
    out[k++] = feat("shape", shape, strlen(shape), NULL, 0);
    out[k++] = feat("ws", w, wn, shape, strlen(shape));
    out[k++] = feat("len", bucket(x->len > 3 ? x->len - 3 : 0), strlen(bucket(x->len > 3 ? x->len - 3 : 0)), NULL, 0);
    if (wn > 4) {
        out[k++] = feat("s3", w + wn - 3, 3, NULL, 0);
        out[k++] = feat("s2", w + wn - 2, 2, NULL, 0);
        out[k++] = feat("p4", w, 4, NULL, 0);
    }
    out[k++] = feat("pos", pb, strlen(pb), NULL, 0);
    out[k++] = feat("end", ab, strlen(ab), NULL, 0);
    out[k++] = feat("wpos", w, wn, pb, strlen(pb));
    out[k++] = feat("pc", pc, 1, NULL, 0);
    out[k++] = feat("nc", nc, 1, NULL, 0);
    out[k++] = feat("wpc", w, wn, pc, 1);
    out[k++] = feat("wnc", w, wn, nc, 1);
    out[k++] = feat("stop", stop_word_is(s + x->start, x->len) ? "1" : "0", 1, NULL, 0);
    out[k++] = feat("pstop", pn && stop_word_is(pw, pn) ? "1" : "0", 1, NULL, 0);
    return k;
}
