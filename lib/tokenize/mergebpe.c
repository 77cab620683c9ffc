/* mergebpe.c - BPE with an explicit merge list and byte fallback, as in
 * Hugging Face tokenizers' BPE model (SentencePiece-converted vocabularies
 * such as Gemma 3's).
 *
 * Gemma 3's pipeline: the normalizer turns U+0020 into U+2581 ("▁"); the
 * pre-tokenizer splits on U+0020, which no longer occurs, so a whole chunk
 * of text between two added tokens is one BPE word. Merging starts from the
 * chunk's code points and always applies the listed merge of lowest rank
 * (the leftmost on ties); a final symbol that is not in the vocabulary is
 * emitted as the <0xXX> tokens of its UTF-8 bytes.
 *
 * Speed: a chunk is cut into independent words between every two adjacent
 * code points that never occur next to each other inside a token (the
 * build-time pair set; Gemma 3's vocabulary has only 34,014 such pairs). No
 * merge can cross such a cut, since its result would be a token containing
 * both, so the result is identical, words are short (under 4 code points
 * on average, even in minified JSON without spaces), and repeated words are
 * served from the per-call piece cache.
 */
#include <string.h>

#include "../common/hash.h"
#include "../common/utf8.h"
#include "tokenizer.h"

#define UNKNOWN UINT32_MAX
#define SPACE_MARK 0x2581u

static inline const struct vocab_merge *merge_find(const struct vocab *v, uint32_t a, uint32_t b)
{
    uint32_t i;
    if (a == UNKNOWN || b == UNKNOWN)
        return NULL;
    i = (uint32_t)hash_pair(a, b) & v->merge_mask;
    for (;; i = (i + 1) & v->merge_mask) {
        const struct vocab_merge *e = &v->merges[i];
        if (e->left == UINT32_MAX)
            return NULL;
        if (e->left == a && e->right == b)
            return e;
    }
}

/* One initial symbol: a code point of valid UTF-8 at s[i]. */
static inline uint32_t symbol_at(const struct vocab *v, const unsigned char *s, size_t i, size_t *len,
                                 uint32_t *cp)
{
    unsigned c = s[i];
    if (c < 0x80) {
        *len = 1;
        *cp = c == ' ' ? SPACE_MARK : c;
        return v->ascii_ids[c];
    }
    *cp = utf8_decode_valid(s + i, len);
    if (*cp == SPACE_MARK)
        return v->ascii_ids[' '];
    return vocab_lookup(v, s + i, *len);
}

static void emit_symbol(const struct vocab *v, uint32_t id, const unsigned char *s, uint32_t off,
                        struct tok_sink *k)
{
    if (id != UNKNOWN) {
        sink_push(k, id);
    } else {
        /* byte fallback: an unknown symbol is a single code point */
        size_t L = utf8_len_valid(s[off]), j;
        for (j = 0; j < L; j++)
            sink_push(k, v->byte_ids[s[off + j]]);
    }
}

#define SMALL_WORD 64

/* Merges the symbols sym[0..m) (offsets off[]) of one word by rescanning
 * the pair ranks: for short words. */
static void merge_small(const struct vocab *v, const unsigned char *s, uint32_t *sym, uint32_t *off,
                        size_t m, struct tok_sink *k)
{
    uint32_t rank[SMALL_WORD], res[SMALL_WORD];
    size_t np = m, i;
    for (i = 0; i + 1 < m; i++) {
        const struct vocab_merge *e = merge_find(v, sym[i], sym[i + 1]);
        rank[i] = e ? e->rank : NO_RANK;
        res[i] = e ? e->result : UNKNOWN;
    }
    for (;;) {
        uint32_t best = NO_RANK;
        size_t at = 0;
        for (i = 0; i + 1 < np; i++)
            if (rank[i] < best) { /* cppcheck-suppress uninitvar ; set for i + 1 < m above */
                best = rank[i];
                at = i;
            }
        if (best == NO_RANK)
            break;
        sym[at] = res[at];
        /* symbol at + 1 and pair at + 1 go away */
        memmove(sym + at + 1, sym + at + 2, (np - at - 2) * sizeof *sym);
        memmove(off + at + 1, off + at + 2, (np - at - 2) * sizeof *off);
        if (at + 3 <= np) {
            memmove(rank + at + 1, rank + at + 2, (np - at - 3) * sizeof *rank);
            memmove(res + at + 1, res + at + 2, (np - at - 3) * sizeof *res);
        }
        np--;
        if (at + 1 < np) {
            const struct vocab_merge *e = merge_find(v, sym[at], sym[at + 1]);
            rank[at] = e ? e->rank : NO_RANK;
            res[at] = e ? e->result : UNKNOWN;
        }
        if (at > 0) {
            const struct vocab_merge *e = merge_find(v, sym[at - 1], sym[at]);
            rank[at - 1] = e ? e->rank : NO_RANK;
            res[at - 1] = e ? e->result : UNKNOWN;
        }
    }
    for (i = 0; i < np; i++)
        emit_symbol(v, sym[i], s, off[i], k);
}

/* The same with a heap over a linked list, for long words (a megabyte of
 * one repeated character is one word). mem (8-byte aligned) holds the
 * queue (node_heap_size) and two arrays of m u32. */
static void merge_large(const struct vocab *v, const unsigned char *s, uint32_t *sym, uint32_t *off,
                        uint32_t m, uint32_t *mem, struct tok_sink *k)
{
    uint32_t *nxt, *prv, i;
    struct node_heap h;
    size_t hs = (node_heap_size(m) + 7) & ~(size_t)7;
    node_heap_init(&h, mem, m);
    nxt = (uint32_t *)(void *)((char *)mem + hs);
    prv = nxt + m;
    for (i = 0; i < m; i++) {
        nxt[i] = i + 1;
        prv[i] = i - 1;
    }
    for (i = 0; i + 1 < m; i++) {
        const struct vocab_merge *e = merge_find(v, sym[i], sym[i + 1]);
        node_heap_set(&h, i, e ? e->rank : NO_RANK);
    }
    while (h.n) {
        uint32_t a = node_heap_pop(&h), b = nxt[a];
        const struct vocab_merge *e = merge_find(v, sym[a], sym[b]);
        sym[a] = e->result;
        nxt[a] = nxt[b];
        if (nxt[b] < m)
            prv[nxt[b]] = a;
        node_heap_set(&h, b, NO_RANK);
        e = nxt[a] < m ? merge_find(v, sym[a], sym[nxt[a]]) : NULL;
        node_heap_set(&h, a, e ? e->rank : NO_RANK);
        if (a > 0) {
            uint32_t q = prv[a];
            e = merge_find(v, sym[q], sym[a]);
            node_heap_set(&h, q, e ? e->rank : NO_RANK);
        }
    }
    for (i = 0; i < m; i = nxt[i])
        emit_symbol(v, sym[i], s, off[i], k);
}

/* Encodes one word s[a..b) (a slice of the whole text s). */
static int encode_word(const struct vocab *v, const unsigned char *s, size_t a, size_t b,
                       struct tok_sink *k, struct tok_scratch *sc)
{
    uint32_t small_sym[SMALL_WORD], small_off[SMALL_WORD];
    uint32_t *sym = small_sym, *off = small_off, m = 0, cp;
    size_t i, len, max_syms = b - a;
    uint64_t hash = 0;
    const struct piece_cache_slot *hit = piece_cache_get(sc, s + a, b - a, &hash);
    if (hit) {
        for (i = 0; i < hit->n_ids; i++)
            sink_push(k, hit->ids[i]);
        return TERSE_OK;
    }
    if (sc->cache && max_syms <= PIECE_CACHE_MAX_BYTES) {
        /* encode into a local sink, then remember and forward the ids */
        uint32_t local[4 * PIECE_CACHE_MAX_BYTES];
        struct tok_sink lk = {local, 0, sizeof local / sizeof local[0], 1, 0};
        for (i = a; i < b; i += len) {
            sym[m] = symbol_at(v, s, i, &len, &cp);
            off[m++] = (uint32_t)(i - a);
        }
        if (m == 1)
            emit_symbol(v, sym[0], s + a, off[0], &lk);
        else
            merge_small(v, s + a, sym, off, m, &lk);
        piece_cache_put(sc, hash, s + a, b - a, local, lk.n);
        for (i = 0; i < lk.n; i++)
            sink_push(k, local[i]);
        return TERSE_OK;
    }
    if (max_syms > SMALL_WORD) {
        if (max_syms >= UINT32_MAX / 8)
            return TERSE_ETOOBIG;
        sym = scratch_get(sc, max_syms * 2 * sizeof(uint32_t) +
                                  ((node_heap_size((uint32_t)max_syms) + 7) & ~(size_t)7) +
                                  max_syms * 2 * sizeof(uint32_t));
        if (!sym)
            return TERSE_ENOMEM;
        off = sym + max_syms;
    }
    for (i = a; i < b; i += len) {
        sym[m] = symbol_at(v, s, i, &len, &cp);
        off[m++] = (uint32_t)(i - a);
    }
    if (m == 1)
        emit_symbol(v, sym[0], s + a, off[0], k);
    else if (m <= SMALL_WORD)
        merge_small(v, s + a, sym, off, m, k);
    else
        merge_large(v, s + a, sym, off, m, sym + 2 * max_syms, k);
    return TERSE_OK;
}

/* Whether code points a and b (U+0020 and U+2581 both given as 0x20) occur
 * next to each other in some token. */
static inline int joinable(const struct vocab *v, uint32_t a, uint32_t b)
{
    uint64_t key;
    uint32_t i;
    if (a < 128 && b < 128)
        return (v->pair_ascii[(a * 128 + b) / 32] >> ((a * 128 + b) % 32)) & 1;
    if (a == 0x20)
        a = SPACE_MARK;
    if (b == 0x20)
        b = SPACE_MARK;
    key = (uint64_t)a << 32 | b;
    for (i = (uint32_t)hash_pair(a, b) & v->pair_mask;; i = (i + 1) & v->pair_mask) {
        if (v->pairs[i] == key)
            return 1;
        if (v->pairs[i] == UINT64_MAX)
            return 0;
    }
}

/* See tokenizer.h. */
int mergebpe_joinable(const struct vocab *v, uint32_t a, uint32_t b)
{
    return joinable(v, a, b);
}

int mergebpe_encode_ordinary(const struct vocab *v, const unsigned char *s, size_t n,
                             struct tok_sink *k, struct tok_scratch *sc)
{
    size_t i = 0, word = 0, len;
    uint32_t prev = UINT32_MAX, cp;
    while (i < n) {
        cp = utf8_decode_valid(s + i, &len);
        if (cp == SPACE_MARK)
            cp = 0x20; /* the pair set writes U+2581 as 0x20 */
        if (prev != UINT32_MAX && !joinable(v, prev, cp)) {
            int rc = encode_word(v, s, word, i, k, sc);
            if (rc != TERSE_OK)
                return rc;
            word = i;
        }
        prev = cp;
        i += len;
    }
    if (n > word)
        return encode_word(v, s, word, n, k, sc);
    return TERSE_OK;
}
