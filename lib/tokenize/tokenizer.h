/* tokenizer.h - internals shared by the tokenizer engines (not public).
 *
 * A tokenizer is an immutable descriptor (struct terse_tokenizer) pointing at
 * a vocabulary blob linked into the library. Encoding allocates only scratch
 * memory owned by the call, so any number of threads may use one tokenizer
 * at once.
 */
#ifndef TERSE_TOKENIZE_TOKENIZER_H
#define TERSE_TOKENIZE_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "../common/hash.h"
#include "terse.h"
#include "vocab_format.h"

enum tok_engine { ENGINE_BYTE_BPE, ENGINE_MERGE_BPE };
enum tok_pretok { PRETOK_NONE, PRETOK_O200K, PRETOK_CL100K, PRETOK_GPT2 };

struct terse_tokenizer {
    const char *name;
    const char *description;
    int exact;                 /* 0: an estimate (claude) */
    enum tok_engine engine;
    enum tok_pretok pretok;
    int nfkc;                  /* normalize input to NFKC first */
    const unsigned char *blob; /* vocab_format.h */
};

/* The parsed view of a blob: pointers into it, nothing allocated. */
struct vocab {
    const struct vocab_header *h;
    const uint32_t *tok_off;
    const unsigned char *tok_bytes;
    const uint32_t *hash;
    uint32_t hash_mask;
    uint32_t id_bits, id_mask; /* a hash slot: tag << id_bits | id + 1 */
    const struct vocab_merge *merges;
    uint32_t merge_mask;
    const struct vocab_trie_node *trie;
    const uint32_t *trie_root, *trie_edges;
    const uint32_t *byte_ids, *ascii_ids, *special;
    const uint32_t *byte_pairs; /* byte BPE: the token of two bytes, see vocab_format.h */
    const uint32_t *pair_ascii;
    const uint64_t *pairs;
    uint32_t pair_mask;
};

void vocab_open(struct vocab *v, const unsigned char *blob);

/* Returns the id of the token whose bytes are s[0..n), or UINT32_MAX. */
uint32_t vocab_lookup(const struct vocab *v, const unsigned char *s, size_t n);

/* Where encoded ids go: stored (encode) or only counted (count). */
struct tok_sink {
    uint32_t *ids;
    size_t n, cap;
    int store;
    int oom;
};

/* Doubles the room for ids. Returns TERSE_OK, or TERSE_ENOMEM with k->oom
 * set (the sink then only counts). */
int sink_grow(struct tok_sink *k);

static inline void sink_push(struct tok_sink *k, uint32_t id)
{
    if (k->store) {
        if (k->n == k->cap && sink_grow(k) != TERSE_OK)
            return;
        k->ids[k->n] = id;
    }
    k->n++;
}

/* A direct-mapped cache of the tokens of short pieces (words), owned by one
 * call: text repeats its words, and merging a word costs far more than
 * looking it up. A slot holds the piece's bytes, so a hit is exact. */
#define PIECE_CACHE_MAX_BYTES 22
#define PIECE_CACHE_MAX_IDS 8
struct piece_cache_slot {
    unsigned char len, n_ids;
    unsigned char bytes[PIECE_CACHE_MAX_BYTES];
    uint32_t ids[PIECE_CACHE_MAX_IDS];
};

/* Reusable scratch memory of one call; freed by scratch_free. */
struct tok_scratch {
    void *buf;
    size_t cap;
    struct piece_cache_slot *cache; /* NULL: no cache (short input) */
    uint32_t cache_mask;
};

/* Sets up the piece cache for an input of n bytes (none for short ones).
 * Returns TERSE_OK or TERSE_ENOMEM. */
int scratch_cache_init(struct tok_scratch *s, size_t n);

/* Returns the cached slot for p[0..m) if it holds exactly that piece. */
static inline const struct piece_cache_slot *piece_cache_get(const struct tok_scratch *s,
                                                             const unsigned char *p, size_t m,
                                                             uint64_t *hash_out);
/* Records the ids of p[0..m) (ids[0..n)) in the cache if they fit. */
void piece_cache_put(struct tok_scratch *s, uint64_t hash, const unsigned char *p, size_t m,
                     const uint32_t *ids, size_t n);

/* A counter that keeps its scratch memory and piece cache from one count
 * to the next, so that a text made of the same words as one counted before
 * (a compressed output after its input) is served from the cache. The
 * cache is sized by the first text. Not for concurrent use: one counter per
 * terse_compress call.
 *
 *     struct tok_counter c;
 *     tok_counter_init(&c, t);
 *     tok_counter_count(&c, in, in_len, &n_in);
 *     tok_counter_count(&c, out, out_len, &n_out);
 *     tok_counter_free(&c);
 */
struct tok_span; /* a counted line of a kept text (tokenizer.c) */
struct tok_counter {
    const struct terse_tokenizer *t;
    struct tok_scratch sc;
    struct tok_span *spans; /* open addressing; NULL until a text is kept */
    size_t spans_mask, n_spans;
};
void tok_counter_init(struct tok_counter *c, const struct terse_tokenizer *t);
/* Counts like terse_count without flags; same return values. */
int tok_counter_count(struct tok_counter *c, const char *text, size_t len, size_t *count);
/* Counts like tok_counter_count, and remembers the count of each line of
 * text (on o200k and cl100k), so that later counts of texts that repeat
 * whole lines of it (an encoding that writes most lines as they were)
 * take those lines' counts from here instead of tokenizing them again.
 * The "lines" are the stretches between places where a count may be cut
 * (after a line feed; see tok_line_end in tokenizer.c), so the sum is
 * exact. text is not copied: it must stay unchanged until
 * tok_counter_free. */
int tok_counter_keep(struct tok_counter *c, const char *text, size_t len, size_t *count);
void tok_counter_free(struct tok_counter *c);

void *scratch_get(struct tok_scratch *s, size_t bytes);
void scratch_free(struct tok_scratch *s);

/* Encode valid UTF-8 text that contains no added or special token. */
int bytebpe_encode_ordinary(const struct terse_tokenizer *t, const struct vocab *v,
                            const unsigned char *s, size_t n, struct tok_sink *k,
                            struct tok_scratch *sc);
/* Whether code points a and b occur next to each other inside some token
 * of a merge-BPE vocabulary (no merge crosses a pair that does not). */
int mergebpe_joinable(const struct vocab *v, uint32_t a, uint32_t b);
int mergebpe_encode_ordinary(const struct vocab *v, const unsigned char *s, size_t n,
                             struct tok_sink *k, struct tok_scratch *sc);

/* An indexed min-priority queue of BPE nodes keyed by (rank, node): the
 * lowest rank first, the leftmost node on ties, which is the merge order of
 * both tiktoken and Hugging Face BPE. Used on long pieces, where rescanning
 * all pairs after each merge would be quadratic.
 *
 * Two levels, for the cache: the nodes are cut into blocks of NH_BLOCK
 * consecutive nodes, each with its own small 4-ary heap, and a top heap
 * holds each block's minimum. A merge touches one or two neighbouring
 * blocks, so the working set stays small however long the piece is. */
#define NH_SHIFT 12
#define NH_BLOCK (1u << NH_SHIFT)

struct node_heap {
    uint64_t *key;      /* block b's heap is key[b * NH_BLOCK ...], rank << 32 | node */
    uint32_t *pos;      /* node -> index in its block's heap, UINT32_MAX if absent */
    uint32_t *bn;       /* entries in each block's heap */
    uint64_t *top;      /* the blocks' minimum keys, a 4-ary heap */
    uint32_t *top_pos;  /* block -> index in top, UINT32_MAX if absent */
    uint32_t ntop;
    uint32_t n;         /* nodes in the queue */
};

/* Bytes of memory a queue over m nodes needs (see node_heap_init). */
size_t node_heap_size(uint32_t m);
/* Lays the queue out in mem (node_heap_size(m) bytes, 8-byte aligned). */
void node_heap_init(struct node_heap *h, void *mem, uint32_t m);
/* Sets node i's rank (NO_RANK removes it from the queue). */
void node_heap_set(struct node_heap *h, uint32_t i, uint32_t rank);
/* Removes and returns the node with the lowest key (must not be empty). */
uint32_t node_heap_pop(struct node_heap *h);

#define NO_RANK UINT32_MAX

static inline const struct piece_cache_slot *piece_cache_get(const struct tok_scratch *s,
                                                             const unsigned char *p, size_t m,
                                                             uint64_t *hash_out)
{
    const struct piece_cache_slot *c;
    if (!s->cache || m > PIECE_CACHE_MAX_BYTES)
        return NULL;
    *hash_out = hash_bytes(p, m);
    c = &s->cache[*hash_out & s->cache_mask];
    if (c->len == m && c->n_ids && hash_same_bytes(c->bytes, p, m))
        return c;
    return NULL;
}

#endif
