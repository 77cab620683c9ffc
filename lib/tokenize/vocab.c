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
    v->id_bits = vocab_id_bits(h->n_tokens);
    v->id_mask = (1u << v->id_bits) - 1;
    v->trie = AT(struct vocab_trie_node, h->off_trie_nodes);
    v->trie_root = AT(uint32_t, h->off_trie_root);
    v->trie_edges = AT(uint32_t, h->off_trie_edges);
    v->byte_ids = AT(uint32_t, h->off_byte_ids);
    v->special = AT(uint32_t, h->off_special);
    if (h->kind == VOCAB_BYTE_BPE)
        v->byte_pairs = AT(uint32_t, h->off_byte_pairs);
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
    uint64_t h = hash_bytes(s, n);
    uint32_t i = (uint32_t)h & v->hash_mask, tag = vocab_slot_tag(h, v->id_bits);
    for (;; i = (i + 1) & v->hash_mask) {
        uint32_t e = v->hash[i], id, off;
        if (!e)
            return UINT32_MAX;
        if ((e & ~v->id_mask) != tag)
            continue; /* another token's slot: its bytes need not be read */
        id = (e & v->id_mask) - 1;
        off = v->tok_off[id];
        if (v->tok_off[id + 1] - off == n && hash_same_bytes(v->tok_bytes + off, s, n))
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
        return TERSE_ENOMEM;
    }
    k->ids = p;
    k->cap = cap;
    return TERSE_OK;
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
    /* one slot per 64 bytes of input, 1,024 to 32,768 slots (1.8 MB): a
     * long text has more distinct words, and a direct-mapped cache that is
     * too small for them keeps evicting the common ones (on 3.2 MB of prose,
     * 8,192 slots compressed at 17.5 MB/s, 32,768 at 19.6) */
    slots = 1024;
    while (slots < 32768 && slots * 64 < n)
        slots *= 2;
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

/* One 4-ary heap: keys in a[0..*n), and posmap[(uint32_t)key >> shift]
 * holds each entry's index. */
struct qheap {
    uint64_t *a;
    uint32_t *n;
    uint32_t *posmap;
    uint32_t shift;
};

static inline void q_set(const struct qheap *q, uint32_t at, uint64_t key)
{
    q->a[at] = key;
    q->posmap[(uint32_t)key >> q->shift] = at;
}

static void q_up(const struct qheap *q, uint32_t at)
{
    uint64_t key = q->a[at];
    while (at > 0) {
        uint32_t p = (at - 1) / 4;
        if (q->a[p] <= key)
            break;
        q_set(q, at, q->a[p]);
        at = p;
    }
    q_set(q, at, key);
}

static void q_down(const struct qheap *q, uint32_t at)
{
    uint64_t key = q->a[at];
    uint32_t n = *q->n;
    for (;;) {
        uint32_t c = 4 * at + 1, best, k, end;
        if (c >= n)
            break;
        best = c;
        end = c + 4 < n ? c + 4 : n;
        for (k = c + 1; k < end; k++)
            if (q->a[k] < q->a[best])
                best = k;
        if (key <= q->a[best])
            break;
        q_set(q, at, q->a[best]);
        at = best;
    }
    q_set(q, at, key);
}

/* Puts key (whose posmap slot is pm) where it belongs: inserts, moves or
 * (remove != 0) deletes it. */
static void q_update(const struct qheap *q, uint32_t pm, uint64_t key, int remove)
{
    uint32_t at = q->posmap[pm];
    if (remove) {
        uint64_t last;
        if (at == UINT32_MAX)
            return;
        q->posmap[pm] = UINT32_MAX;
        last = q->a[--*q->n];
        if (at == *q->n)
            return;
        q_set(q, at, last);
        q_down(q, at);
        q_up(q, q->posmap[(uint32_t)last >> q->shift]);
        return;
    }
    if (at == UINT32_MAX) {
        at = (*q->n)++;
        q_set(q, at, key);
        q_up(q, at);
    } else if (key < q->a[at]) {
        q_set(q, at, key);
        q_up(q, at);
    } else {
        q_set(q, at, key);
        q_down(q, at);
    }
}

size_t node_heap_size(uint32_t m)
{
    size_t blocks = ((size_t)m + NH_BLOCK - 1) / NH_BLOCK + 1;
    return (size_t)m * 8 + blocks * 8 + (size_t)m * 4 + blocks * 8 + 16;
}

void node_heap_init(struct node_heap *h, void *mem, uint32_t m)
{
    size_t blocks = ((size_t)m + NH_BLOCK - 1) / NH_BLOCK + 1, i;
    char *p = mem;
    h->key = (uint64_t *)(void *)p;
    p += (size_t)m * 8;
    h->top = (uint64_t *)(void *)p;
    p += blocks * 8;
    h->pos = (uint32_t *)(void *)p;
    p += (size_t)m * 4;
    h->bn = (uint32_t *)(void *)p;
    p += blocks * 4;
    h->top_pos = (uint32_t *)(void *)p;
    for (i = 0; i < m; i++)
        h->pos[i] = UINT32_MAX;
    for (i = 0; i < blocks; i++) {
        h->bn[i] = 0;
        h->top_pos[i] = UINT32_MAX;
    }
    h->ntop = 0;
    h->n = 0;
}

/* Re-files block b's minimum in the top heap. */
static void nh_block_changed(struct node_heap *h, uint32_t b)
{
    struct qheap top = {h->top, &h->ntop, h->top_pos, NH_SHIFT};
    if (h->bn[b] == 0)
        q_update(&top, b, 0, 1);
    else
        q_update(&top, b, h->key[(size_t)b * NH_BLOCK], 0);
}

void node_heap_set(struct node_heap *h, uint32_t i, uint32_t rank)
{
    uint32_t b = i >> NH_SHIFT;
    struct qheap q = {h->key + (size_t)b * NH_BLOCK, &h->bn[b], h->pos, 0};
    uint64_t before = h->bn[b] ? q.a[0] : UINT64_MAX;
    int present = h->pos[i] != UINT32_MAX;
    if (rank == NO_RANK) {
        if (!present)
            return;
        q_update(&q, i, 0, 1);
        h->n--;
    } else {
        q_update(&q, i, (uint64_t)rank << 32 | i, 0);
        if (!present)
            h->n++;
    }
    if ((h->bn[b] ? q.a[0] : UINT64_MAX) != before)
        nh_block_changed(h, b);
}

uint32_t node_heap_pop(struct node_heap *h)
{
    uint32_t node = (uint32_t)h->top[0];
    node_heap_set(h, node, NO_RANK);
    return node;
}
