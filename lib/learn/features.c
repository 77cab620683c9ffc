/* features.c - the features of a word for the word-importance model; see
 * features.h. Each feature is a short string (a tag, a colon, a value)
 * hashed with hash_bytes: "w:maximizing", "p:of", "wn:goal|was",
 * "shape:lower", ... so that the list in docs/model-format.md is the
 * definition and nothing needs a vocabulary.
 */
#include "features.h"

#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/lex.h"
#include "../common/words.h"
#include "../tokenize/tokenizer.h"

#define WMAX 32 /* a word's first WMAX bytes name it */
#define WMAX_BYTES (WMAX + 1)

struct learn_env {
    struct vocab o200k;
};

struct learn_env *learn_env_new(void)
{
    struct learn_env *e = calloc(1, sizeof *e);
    if (e)
        vocab_open(&e->o200k, terse_tokenizer_find("o200k")->blob);
    return e;
}

void learn_env_free(struct learn_env *e)
{
    free(e);
}

struct learn_doc {
    const char *base;
    size_t n;
    uint64_t *key;   /* hash of the lower-case word | 1, 0 = empty */
    uint32_t *first; /* its first offset */
    size_t mask;
};

static uint64_t word_hash(const char *s, size_t n)
{
    char w[64];
    size_t i;
    if (n > sizeof w)
        n = sizeof w;
    for (i = 0; i < n; i++)
        w[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    return hash_bytes(w, n) | 1;
}

struct learn_doc *learn_doc_new(const char *doc, size_t n)
{
    struct learn_doc *d = calloc(1, sizeof *d);
    struct lex_tok *t = malloc((n + 1) * sizeof *t);
    size_t nt, i, cap = 16, words = 0;
    if (!d || !t || n > UINT32_MAX)
        goto fail;
    nt = lex_text(doc, n, t);
    for (i = 0; i < nt; i++)
        words += t[i].kind == LX_WORD;
    while (cap < 2 * words + 2)
        cap *= 2;
    d->key = calloc(cap, sizeof *d->key);
    d->first = calloc(cap, sizeof *d->first);
    if (!d->key || !d->first)
        goto fail;
    d->base = doc;
    d->n = n;
    d->mask = cap - 1;
    for (i = 0; i < nt; i++) {
        uint64_t k;
        size_t slot;
        if (t[i].kind != LX_WORD)
            continue;
        k = word_hash(doc + t[i].start, t[i].len);
        for (slot = k & d->mask; d->key[slot] && d->key[slot] != k; slot = (slot + 1) & d->mask)
            ;
        if (!d->key[slot]) {
            d->key[slot] = k;
            d->first[slot] = t[i].start;
        }
    }
    free(t);
    return d;
fail:
    free(t);
    learn_doc_free(d);
    return NULL;
}

void learn_doc_free(struct learn_doc *d)
{
    if (!d)
        return;
    free(d->key);
    free(d->first);
    free(d);
}

/* "1" when the word p[0..n) occurred earlier in d, "0" when not, "?" when
 * p is not in d. */
static const char *seen_before(const struct learn_doc *d, const char *p, size_t n)
{
    uint64_t k;
    size_t slot;
    if (!d || p < d->base || p + n > d->base + d->n)
        return "?";
    k = word_hash(p, n);
    for (slot = k & d->mask; d->key[slot]; slot = (slot + 1) & d->mask)
        if (d->key[slot] == k)
            return d->first[slot] < (size_t)(p - d->base) ? "1" : "0";
    return "0";
}

/* The o200k rank class of " word" (lower case): a single token early in
 * the merge order is a common word. */
static const char *frequency(const struct learn_env *e, const char *w, size_t n)
{
    unsigned char b[WMAX_BYTES];
    uint32_t id;
    if (!e || n + 1 > sizeof b)
        return "long";
    b[0] = ' ';
    memcpy(b + 1, w, n);
    id = vocab_lookup(&e->o200k, b, n + 1);
    return id == UINT32_MAX ? "none" : id < 1000 ? "a" : id < 3000 ? "b" : id < 10000 ? "c" : id < 30000 ? "d"
                                                      : id < 100000 ? "e" : "f";
}


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

size_t learn_features(const struct learn_env *e, const struct learn_doc *d, const char *s,
                      const struct lex_tok *t, size_t nt, size_t i, size_t first, uint32_t *out)
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
    {
        const char *fq = frequency(e, w, wn), *rep = seen_before(d, s + x->start, x->len);
        out[k++] = feat("freq", fq, strlen(fq), NULL, 0);
        out[k++] = feat("rep", rep, 1, NULL, 0);
        out[k++] = feat("repf", rep, 1, fq, strlen(fq));
        out[k++] = feat("wrep", w, wn, rep, 1);
    }
    /* character trigrams of "^word$" (at most 16) */
    if (wn >= 4) {
        char b[WMAX + 2];
        size_t m = wn + 2, g;
        b[0] = '^';
        memcpy(b + 1, w, wn);
        b[wn + 1] = '$';
        for (g = 0; g + 3 <= m && g < 16; g++)
            out[k++] = feat("c3", b + g, 3, NULL, 0);
    }
    return k;
}
