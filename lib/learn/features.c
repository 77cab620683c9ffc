/* features.c - the features of a word for the word-importance model; see
 * features.h. Each feature is a tag and a 64-bit value (a word's
 * hash_bytes, a pair of them, a small class number, up to 8 bytes packed),
 * mixed into 32 bits; docs/model-format.md lists them. Nothing needs a
 * vocabulary: the model's table is indexed by the hashes.
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

/* Whether byte c is part of a word for the document table: an ASCII
 * letter or a byte of a non-ASCII character (the lexer's words, closely
 * enough: a word is looked up by its lexer token, and one that the scan
 * cut differently is only "not seen"). */
static int doc_letter(unsigned char c)
{
    /* bit c of the table: A-Z, a-z, 0x80-0xFF */
    static const uint64_t set[4] = {0, 0x07fffffe07fffffeULL, ~0ULL, ~0ULL};
    return (int)((set[c >> 6] >> (c & 63)) & 1);
}

struct learn_doc *learn_doc_new(const char *doc, size_t n)
{
    struct learn_doc *d = calloc(1, sizeof *d);
    size_t i, cap = 16, words;
    if (!d || n > UINT32_MAX)
        goto fail;
    /* a word: letters, with single inner hyphens or apostrophes */
    for (i = 0, words = 0; i < n; i++)
        words += doc_letter((unsigned char)doc[i]) && (i == 0 || !doc_letter((unsigned char)doc[i - 1]));
    while (cap < 2 * words + 2)
        cap *= 2;
    d->key = calloc(cap, sizeof *d->key);
    d->first = calloc(cap, sizeof *d->first);
    if (!d->key || !d->first)
        goto fail;
    d->base = doc;
    d->n = n;
    d->mask = cap - 1;
    for (i = 0; i < n;) {
        size_t a = i, slot;
        uint64_t k;
        if (!doc_letter((unsigned char)doc[i])) {
            i++;
            continue;
        }
        while (i < n && (doc_letter((unsigned char)doc[i]) ||
                         ((doc[i] == '-' || doc[i] == '\'') && i + 1 < n && doc_letter((unsigned char)doc[i + 1]) &&
                          i > a)))
            i++;
        k = word_hash(doc + a, i - a);
        for (slot = k & d->mask; d->key[slot] && d->key[slot] != k; slot = (slot + 1) & d->mask)
            ;
        if (!d->key[slot]) {
            d->key[slot] = k;
            d->first[slot] = (uint32_t)a;
        }
    }
    return d;
fail:
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

/* 1 when the word p[0..n) occurred earlier in d, 0 when not, 2 when p is
 * not in d. */
static unsigned seen_before(const struct learn_doc *d, const char *p, size_t n)
{
    uint64_t k;
    size_t slot;
    if (!d || p < d->base || p + n > d->base + d->n)
        return 2;
    k = word_hash(p, n);
    for (slot = k & d->mask; d->key[slot]; slot = (slot + 1) & d->mask)
        if (d->key[slot] == k)
            return d->first[slot] < (size_t)(p - d->base);
    return 0;
}

/* The o200k rank class of " word" (lower case): a single token early in
 * the merge order is a common word. 0-5 by id (under 1,000, 3,000, 10,000,
 * 30,000, 100,000, above), 6 when it is not one token, 7 without a list. */
static unsigned frequency(const struct learn_env *e, const char *w, size_t n)
{
    unsigned char b[WMAX_BYTES];
    uint32_t id;
    if (!e || n + 1 > sizeof b)
        return 7;
    b[0] = ' ';
    memcpy(b + 1, w, n);
    id = vocab_lookup(&e->o200k, b, n + 1);
    return id == UINT32_MAX ? 6 : id < 1000 ? 0 : id < 3000 ? 1 : id < 10000 ? 2 : id < 30000 ? 3 : id < 100000 ? 4 : 5;
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

/* The tags of the features (docs/model-format.md): a feature is
 * hash_mix(value * K + tag) for a 64-bit value, so that the word's hash is
 * computed once and each feature costs one multiply and one mix. */
enum {
    F_BIAS = 1, F_W, F_P, F_N, F_PW, F_WN, F_SHAPE, F_WS, F_LEN, F_S3, F_S2, F_P4, F_POS, F_END, F_WPOS,
    F_PC, F_NC, F_WPC, F_WNC, F_PSTOP, F_FREQ, F_REP, F_REPF, F_WREP, F_C3
};

static uint32_t feat(unsigned tag, uint64_t v)
{
    return (uint32_t)hash_mix(v * 0x9e3779b97f4a7c15ULL + tag * 0xc2b2ae3d27d4eb4fULL + 1);
}

/* Two values as one. */
static uint64_t pair(uint64_t a, uint64_t b)
{
    return hash_mix(a * 0xff51afd7ed558ccdULL ^ b);
}

/* Up to 8 bytes as an integer. */
static uint64_t pack(const char *p, size_t n)
{
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < n && i < 8; i++)
        v |= (uint64_t)(unsigned char)p[i] << (8 * i);
    return v;
}

/* The class of a count of words: 0, 1, 2, 3, 4-6, 7-10, 11-20, 21+. */
static unsigned bucket(size_t k)
{
    return k <= 3 ? (unsigned)k : k <= 6 ? 4 : k <= 10 ? 5 : k <= 20 ? 6 : 7;
}

size_t learn_features(const struct learn_env *e, const struct learn_doc *d, const char *s,
                      const struct lex_tok *t, size_t nt, size_t i, size_t first, uint32_t *out)
{
    char w[WMAX], pw[WMAX], nw[WMAX];
    unsigned char pc = '^', nc = '$';
    size_t wn, pn = 1, nn = 1, k = 0, j, before = 0, after = 0;
    const struct lex_tok *x = &t[i];
    unsigned shape, pb, ab, fq, rep;
    uint64_t hw, hp, hn;
    wn = token_name(s, x, w);
    pw[0] = '^';
    nw[0] = '$';
    /* the neighbouring words (or numbers, or other items), over punctuation;
     * the punctuation right before and after */
    for (j = i; j > 0; j--) {
        const struct lex_tok *y = &t[j - 1];
        if (y->kind == LX_PUNCT) {
            if (j == i)
                pc = (unsigned char)s[y->start];
            continue;
        }
        pn = token_name(s, y, pw);
        break;
    }
    for (j = i + 1; j < nt; j++) {
        const struct lex_tok *y = &t[j];
        if (y->kind == LX_PUNCT) {
            if (j == i + 1)
                nc = (unsigned char)s[y->start];
            continue;
        }
        nn = token_name(s, y, nw);
        break;
    }
    /* words before and after it in the sentence, counted up to 21 */
    for (j = i; j > first && j > 0 && before < 21; j--)
        before += t[j - 1].kind != LX_PUNCT;
    for (j = i + 1; j < nt && after < 21; j++)
        after += t[j].kind != LX_PUNCT;
    if (x->flags & LXF_NEG)
        shape = 5;
    else if (x->flags & LXF_CAP)
        shape = i == first ? 4 : x->len > 1 && s[x->start + 1] >= 'A' && s[x->start + 1] <= 'Z' ? 3 : 2;
    else if (memchr(s + x->start, '-', x->len))
        shape = 1;
    else
        shape = 0;
    pb = bucket(before);
    ab = bucket(after);
    hw = hash_bytes(w, wn);
    hp = hash_bytes(pw, pn);
    hn = hash_bytes(nw, nn);
    out[k++] = feat(F_BIAS, 0);
    out[k++] = feat(F_W, hw);
    out[k++] = feat(F_P, hp);
    out[k++] = feat(F_N, hn);
    out[k++] = feat(F_PW, pair(hp, hw));
    out[k++] = feat(F_WN, pair(hw, hn));
    out[k++] = feat(F_SHAPE, shape);
    out[k++] = feat(F_WS, pair(hw, shape));
    out[k++] = feat(F_LEN, bucket(x->len > 3 ? x->len - 3 : 0));
    if (wn > 4) {
        out[k++] = feat(F_S3, pack(w + wn - 3, 3));
        out[k++] = feat(F_S2, pack(w + wn - 2, 2));
        out[k++] = feat(F_P4, pack(w, 4));
    }
    out[k++] = feat(F_POS, pb);
    out[k++] = feat(F_END, ab);
    out[k++] = feat(F_WPOS, pair(hw, pb));
    out[k++] = feat(F_PC, pc);
    out[k++] = feat(F_NC, nc);
    out[k++] = feat(F_WPC, pair(hw, pc));
    out[k++] = feat(F_WNC, pair(hw, nc));
    out[k++] = feat(F_PSTOP, (uint64_t)(pw[0] != '^' && stop_word_is(pw, pn)));
    fq = frequency(e, w, wn);
    rep = seen_before(d, s + x->start, x->len);
    out[k++] = feat(F_FREQ, fq);
    out[k++] = feat(F_REP, rep);
    out[k++] = feat(F_REPF, rep * 16 + fq);
    out[k++] = feat(F_WREP, pair(hw, rep));
    /* character trigrams of "^word$" (at most 16) */
    if (wn >= 4) {
        char b[WMAX + 2];
        size_t m = wn + 2, g;
        b[0] = '^';
        memcpy(b + 1, w, wn);
        b[wn + 1] = '$';
        for (g = 0; g + 3 <= m && g < 16; g++)
            out[k++] = feat(F_C3, pack(b + g, 3));
    }
    return k;
}
