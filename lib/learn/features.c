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
    /* open addressing; an entry's fields together, one cache line */
    struct doc_word {
        uint64_t key;   /* word_key of the lower-case word, 0 = empty */
        uint32_t first; /* its first offset */
        unsigned char fq; /* 1 + its frequency class, once asked; 0 before */
    } *tab;
    size_t mask, used;
};

/* For each byte: the byte with an ASCII capital lowered when it is a
 * letter for the document table (then it is 'a' or above), the byte
 * itself for '-' and '\'' (inside a word), else 0. Letters are ASCII ones and
 * bytes of non-ASCII characters (the lexer's words, closely enough: a word
 * is looked up by its lexer token, and one that the scan cut differently
 * is only "not seen"). */
static const unsigned char doc_lower[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2d, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
    0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
    0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
    0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

/* A word's key in the document table: its first WORD_KEY_MAX bytes, ASCII
 * letters lowered, hashed a byte at a time (FNV-1a, then mixed with the
 * length), so that the table is built in one pass over the document
 * without copying a word; never 0. */
#define WORD_KEY_MAX 64
#define FNV_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv_lower(uint64_t h, unsigned char c)
{
    return (h ^ (unsigned char)((unsigned)c - 'A' < 26u ? c + 32 : c)) * FNV_PRIME;
}

/* the same for a byte of a word of the document table */
static uint64_t fnv_word(uint64_t h, unsigned char c)
{
    return (h ^ doc_lower[c]) * FNV_PRIME;
}

static uint64_t key_end(uint64_t h, size_t n)
{
    return hash_mix(h ^ (uint64_t)(n < WORD_KEY_MAX ? n : WORD_KEY_MAX) * 0xff51afd7ed558ccdULL) | 1;
}

static uint64_t word_key(const char *s, size_t n)
{
    uint64_t h = FNV_BASIS;
    size_t i, m = n < WORD_KEY_MAX ? n : WORD_KEY_MAX;
    for (i = 0; i < m; i++)
        h = fnv_lower(h, (unsigned char)s[i]);
    return key_end(h, n);
}

/* Doubles d's table; 0 when memory runs out. */
static int doc_grow(struct learn_doc *d)
{
    size_t cap = d->tab ? 2 * (d->mask + 1) : 1024, i, slot;
    struct doc_word *tab = calloc(cap, sizeof *tab);
    if (!tab)
        return 0;
    for (i = 0; d->tab && i <= d->mask; i++) {
        if (!d->tab[i].key)
            continue;
        for (slot = d->tab[i].key & (cap - 1); tab[slot].key; slot = (slot + 1) & (cap - 1))
            ;
        tab[slot] = d->tab[i];
    }
    free(d->tab);
    d->tab = tab;
    d->mask = cap - 1;
    return 1;
}

struct learn_doc *learn_doc_new(const char *doc, size_t n)
{
    struct learn_doc *d = calloc(1, sizeof *d);
    const unsigned char *u = (const unsigned char *)doc;
    size_t i;
    if (!d || n > UINT32_MAX || !doc_grow(d))
        goto fail;
    d->base = doc;
    d->n = n;
    /* a word: letters, with single inner hyphens or apostrophes */
    for (i = 0; i < n;) {
        size_t a = i, slot;
        uint64_t h = FNV_BASIS, k;
        if (doc_lower[u[i]] < 'a') {
            i++;
            continue;
        }
        for (;;) {
            if (i - a < WORD_KEY_MAX)
                h = fnv_word(h, u[i]);
            if (++i >= n)
                break;
            if (doc_lower[u[i]] >= 'a')
                continue;
            if ((u[i] == '-' || u[i] == '\'') && i + 1 < n && doc_lower[u[i + 1]] >= 'a')
                continue;
            break;
        }
        k = key_end(h, i - a);
        for (slot = k & d->mask; d->tab[slot].key && d->tab[slot].key != k; slot = (slot + 1) & d->mask)
            ;
        if (d->tab[slot].key)
            continue;
        d->tab[slot].key = k;
        d->tab[slot].first = (uint32_t)a;
        if (++d->used * 2 > d->mask && !doc_grow(d))
            goto fail;
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
    free(d->tab);
    free(d);
}

/* The slot of the word p[0..n) in d, or SIZE_MAX when p is not in d or
 * the word is not in d's table. */
static size_t doc_slot(const struct learn_doc *d, const char *p, size_t n)
{
    uint64_t k;
    size_t slot;
    if (!d || p < d->base || p + n > d->base + d->n)
        return SIZE_MAX;
    k = word_key(p, n);
    for (slot = k & d->mask; d->tab[slot].key; slot = (slot + 1) & d->mask)
        if (d->tab[slot].key == k)
            return slot;
    return SIZE_MAX;
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
    return (uint32_t)((v + tag * 0xc2b2ae3d27d4eb4fULL + 1) * 0x9e3779b97f4a7c15ULL >> 32);
}

/* Two values as one. */
static uint64_t pair(uint64_t a, uint64_t b)
{
    return a * 0xff51afd7ed558ccdULL + b;
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

size_t learn_sent_size(size_t nt)
{
    return nt * sizeof(uint64_t) + (nt + 1) * sizeof(uint32_t) + nt;
}

void learn_sent_init(struct learn_sent *c, void *mem, const struct lex_tok *t, size_t nt)
{
    size_t k;
    c->nt = nt;
    c->name = mem;
    c->words = (uint32_t *)(c->name + nt);
    c->known = (unsigned char *)(c->words + nt + 1);
    memset(c->known, 0, nt);
    c->words[0] = 0;
    for (k = 0; k < nt; k++)
        c->words[k + 1] = c->words[k] + (t[k].kind != LX_PUNCT);
}

void learn_sent_stop(struct learn_sent *c, size_t j, int stop)
{
    c->known[j] = (unsigned char)((c->known[j] & 1) | 2 | (stop ? 4 : 0));
}

/* The hash of token t[j]'s name, and in *stop whether that name is a stop
 * word (when stop is not NULL); from c when known. */
static uint64_t name_hash(const char *s, const struct lex_tok *t, size_t j, struct learn_sent *c, int *stop)
{
    char w[WMAX];
    size_t n;
    uint64_t h;
    if (c && (c->known[j] & 1) && (!stop || (c->known[j] & 2))) {
        if (stop)
            *stop = (c->known[j] & 4) != 0;
        return c->name[j];
    }
    n = token_name(s, &t[j], w);
    h = hash_bytes(w, n);
    if (c && (c->known[j] & 2)) {
        if (stop)
            *stop = (c->known[j] & 4) != 0;
        c->name[j] = h;
        c->known[j] |= 1;
        return h;
    }
    if (stop)
        *stop = stop_word_is(w, n);
    if (c) {
        c->name[j] = h;
        c->known[j] = (unsigned char)(stop ? 3 | (*stop ? 4 : 0) : 1);
    }
    return h;
}

/* Up to 3 bytes as an integer, as pack does. */
static uint64_t pack3(const char *p)
{
    return (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[1] << 8 | (uint64_t)(unsigned char)p[2] << 16;
}

/* What surrounds word t[i] of the sentence t[0..nt): the hashes of the
 * previous and the next item's names (over punctuation; "^" and "$" at the
 * sentence's ends), whether the previous one is a stop word, the
 * punctuation right before and after ('^', '$' when none), and the count
 * classes of the words before it (from first) and after it. */
struct around {
    uint64_t hp, hn;
    int pstop;
    unsigned char pc, nc;
    unsigned pb, ab;
};

static void around_word(const char *s, const struct lex_tok *t, size_t nt, size_t i, size_t first,
                        struct learn_sent *c, struct around *a)
{
    size_t j, before = 0, after = 0;
    int have_p = 0, have_n = 0;
    a->pc = '^';
    a->nc = '$';
    a->pstop = 0;
    for (j = i; j > 0; j--) {
        const struct lex_tok *y = &t[j - 1];
        if (y->kind == LX_PUNCT) {
            if (j == i)
                a->pc = (unsigned char)s[y->start];
            continue;
        }
        a->hp = name_hash(s, t, j - 1, c, &a->pstop);
        have_p = 1;
        break;
    }
    for (j = i + 1; j < nt; j++) {
        const struct lex_tok *y = &t[j];
        if (y->kind == LX_PUNCT) {
            if (j == i + 1)
                a->nc = (unsigned char)s[y->start];
            continue;
        }
        a->hn = name_hash(s, t, j, c, NULL);
        have_n = 1;
        break;
    }
    if (!have_p)
        a->hp = hash_bytes("^", 1);
    if (!have_n)
        a->hn = hash_bytes("$", 1);
    /* words before and after it in the sentence, counted up to 21 */
    if (c) {
        before = i > first ? c->words[i] - c->words[first] : 0;
        after = c->words[nt] - c->words[i + 1];
        before = before < 21 ? before : 21;
        after = after < 21 ? after : 21;
    } else {
        for (j = i; j > first && j > 0 && before < 21; j--)
            before += t[j - 1].kind != LX_PUNCT;
        for (j = i + 1; j < nt && after < 21; j++)
            after += t[j].kind != LX_PUNCT;
    }
    a->pb = bucket(before);
    a->ab = bucket(after);
}

size_t learn_features(const struct learn_env *e, const struct learn_doc *d, const char *s,
                      const struct lex_tok *t, size_t nt, size_t i, size_t first, struct learn_sent *c,
                      uint32_t *out)
{
    char w[WMAX];
    size_t wn, k = 0, slot;
    const struct lex_tok *x = &t[i];
    unsigned shape, pb, ab, fq, rep;
    unsigned char pc, nc;
    uint64_t hw, hp, hn;
    struct around a;
    wn = token_name(s, x, w);
    around_word(s, t, nt, i, first, c, &a);
    hp = a.hp;
    hn = a.hn;
    pc = a.pc;
    nc = a.nc;
    pb = a.pb;
    ab = a.ab;
    if (x->flags & LXF_NEG)
        shape = 5;
    else if (x->flags & LXF_CAP)
        shape = i == first ? 4 : x->len > 1 && s[x->start + 1] >= 'A' && s[x->start + 1] <= 'Z' ? 3 : 2;
    else if (memchr(s + x->start, '-', x->len))
        shape = 1;
    else
        shape = 0;
    if (c && (c->known[i] & 1))
        hw = c->name[i];
    else {
        hw = hash_bytes(w, wn);
        if (c) {
            c->name[i] = hw;
            c->known[i] |= 1;
        }
    }
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
        out[k++] = feat(F_S3, pack3(w + wn - 3));
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
    out[k++] = feat(F_PSTOP, (uint64_t)a.pstop);
    /* whether it occurred earlier: 1 yes, 0 no, 2 not in the document;
     * its frequency class, remembered by the document's table (a word of
     * WMAX bytes or fewer is its table entry, lower-cased) */
    slot = doc_slot(d, s + x->start, x->len);
    if (slot == SIZE_MAX) {
        rep = d && s + x->start >= d->base && s + x->start + x->len <= d->base + d->n ? 0 : 2;
        fq = frequency(e, w, wn);
    } else {
        rep = d->tab[slot].first < (size_t)(s + x->start - d->base);
        if (x->len > WMAX)
            fq = frequency(e, w, wn);
        else if (d->tab[slot].fq)
            fq = d->tab[slot].fq - 1u;
        else
            d->tab[slot].fq = (unsigned char)((fq = frequency(e, w, wn)) + 1);
    }
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
            out[k++] = feat(F_C3, pack3(b + g));
    }
    return k;
}
