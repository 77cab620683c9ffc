/* vocab.c - reading vocabulary blobs in place, and the small containers the
 * BPE engines share (id sink, scratch buffer, heap). */
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "tokenizer.h"

#define AT(type, off) ((const type *)(const void *)(blob + (off)))

void vocab_open(struct vocab *v, const unsigned char *blob)
{
    const struct vocab_header *h = AT(struct vocab_header, 0);
    memset(v, 0, sizeof *v);
    v->h = h;
    v->tok_off = AT(uint32_t, h->off_tok_off);
    v->tok_bytes = blob + h->off_tok_bytes;
    v->hash = AT(uint32_t, h->off_hash);
    v->hash_mask = (1u << h->hash_bits) - 1;
    v->trie = AT(struct vocab_trie_node, h->off_trie_nodes);
    v->trie_root = AT(uint32_t, h->off_trie_root);
    v->trie_edges = AT(uint32_t, h->off_trie_edges);
    v->byte_ids = AT(uint32_t, h->off_byte_ids);
    v->special = AT(uint32_t, h->off_special);
    if (h->kind == VOCAB_MERGE_BPE) {
        v->merges = AT(struct vocab_merge, h->off_merges);
        v->merge_mask = (1u << h->merge_bits) - 1;
        v->ascii_ids = AT(uint32_t, h->off_ascii_ids);
        v->pair_ascii = AT(uint32_t, h->off_pair_ascii);
        v->pairs = AT(uint64_t, h->off_pairs);
        v->pair_mask = (1u << h->pair_bits) - 1;
    }
}

uint32_t vocab_lookup(const struct vocab *v, const unsigned char *s, size_t n)
{
    uint32_t i = (uint32_t)terse_hash_bytes(s, n) & v->hash_mask;
    for (;; i = (i + 1) & v->hash_mask) {
        uint32_t e = v->hash[i], id, off;
        if (!e)
            return UINT32_MAX;
        id = e - 1;
        off = v->tok_off[id];
        if (v->tok_off[id + 1] - off == n && memcmp(v->tok_bytes + off, s, n) == 0)
            return id;
    }
}

int sink_grow(struct tok_sink *k)
{
    size_t cap = k->cap ? k->cap * 2 : 256;
    uint32_t *p = realloc(k->ids, cap * sizeof *p);
    if (!p) {
        k->oom = 1;
        k->store = 0; /* keep counting so the caller sees a consistent state */
        return -1;
    }
    k->ids = p;
    k->cap = cap;
    return 0;
}

void *scratch_get(struct tok_scratch *s, size_t bytes)
{
    if (bytes > s->cap) {
        size_t cap = bytes < 4096 ? 4096 : bytes + bytes / 2;
        void *p = realloc(s->buf, cap);
        if (!p)
            return NULL;
        s->buf = p;
        s->cap = cap;
    }
    return s->buf;
}

void scratch_free(struct tok_scratch *s)
{
    free(s->buf);
    free(s->cache);
    s->buf = NULL;
    s->cap = 0;
    s->cache = NULL;
}

int scratch_cache_init(struct tok_scratch *s, size_t n)
{
    size_t slots;
    if (n < 4096)
        return TERSE_OK; /* setting up costs more than it saves */
    slots = n < 65536 ? 1024 : 8192;
    s->cache = calloc(slots, sizeof *s->cache);
    if (!s->cache)
        return TERSE_ENOMEM;
    s->cache_mask = (uint32_t)slots - 1;
    return TERSE_OK;
}

void piece_cache_put(struct tok_scratch *s, uint64_t hash, const unsigned char *p, size_t m,
                     const uint32_t *ids, size_t n)
{
    struct piece_cache_slot *c;
    if (!s->cache || m > PIECE_CACHE_MAX_BYTES || n > PIECE_CACHE_MAX_IDS || n == 0)
        return;
    c = &s->cache[hash & s->cache_mask];
    c->len = (unsigned char)m;
    c->n_ids = (unsigned char)n;
    memcpy(c->bytes, p, m);
    memcpy(c->ids, ids, n * sizeof *ids);
}

static void nh_set(struct node_heap *h, uint32_t at, uint64_t key)
{
    h->key[at] = key;
    h->pos[(uint32_t)key] = at;
}

static void nh_sift_up(struct node_heap *h, uint32_t at)
{
    uint64_t key = h->key[at];
    while (at > 0) {
        uint32_t p = (at - 1) / 2;
        if (h->key[p] <= key)
            break;
        nh_set(h, at, h->key[p]);
        at = p;
    }
    nh_set(h, at, key);
}

static void nh_sift_down(struct node_heap *h, uint32_t at)
{
    uint64_t key = h->key[at];
    for (;;) {
        uint32_t c = 2 * at + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->key[c + 1] < h->key[c])
            c++;
        if (key <= h->key[c])
            break;
        nh_set(h, at, h->key[c]);
        at = c;
    }
    nh_set(h, at, key);
}

static void nh_remove_at(struct node_heap *h, uint32_t at)
{
    uint64_t last = h->key[--h->n];
    h->pos[(uint32_t)h->key[at]] = UINT32_MAX;
    if (at == h->n)
        return;
    nh_set(h, at, last);
    nh_sift_down(h, at);
    nh_sift_up(h, h->pos[(uint32_t)last]);
}

void node_heap_set(struct node_heap *h, uint32_t i, uint32_t rank)
{
    uint32_t at = h->pos[i];
    uint64_t key = (uint64_t)rank << 32 | i;
    if (rank == NO_RANK) {
        if (at != UINT32_MAX)
            nh_remove_at(h, at);
        return;
    }
    if (at == UINT32_MAX) {
        at = h->n++;
        nh_set(h, at, key);
        nh_sift_up(h, at);
        return;
    }
    if (key < h->key[at]) {
        nh_set(h, at, key);
        nh_sift_up(h, at);
    } else {
        nh_set(h, at, key);
        nh_sift_down(h, at);
    }
}

uint32_t node_heap_pop(struct node_heap *h)
{
    uint32_t top = (uint32_t)h->key[0];
    nh_remove_at(h, 0);
    return top;
}
