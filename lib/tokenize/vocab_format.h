/* vocab_format.h - the layout of the vocabulary blobs that tools/mkvocab.c
 * writes at build time and that are linked into libterse (see
 * lib/tokenize/vocab_data.S, generated). A blob is read in place: loading a
 * tokenizer is reading this header, with no parsing, hashing or allocation.
 *
 * All integers are little-endian u32. Every section starts at a multiple of
 * 8 bytes from the start of the blob; `off_*` fields are those byte offsets.
 */
#ifndef TERSE_TOKENIZE_VOCAB_FORMAT_H
#define TERSE_TOKENIZE_VOCAB_FORMAT_H

#include <stdint.h>

#define VOCAB_MAGIC 0x42565354u /* "TSVB" */
#define VOCAB_VERSION 1u

enum vocab_kind {
    VOCAB_BYTE_BPE = 1,  /* tiktoken-style: rank of a byte string is its id */
    VOCAB_MERGE_BPE = 2  /* HF/SentencePiece-style: explicit merge list */
};

/* A hash slot of the merge table (VOCAB_MERGE_BPE). left == UINT32_MAX
 * marks an empty slot. */
struct vocab_merge {
    uint32_t left, right, rank, result;
};

/* value: 0, or (token id + 1) | 0x80000000 when the token is special. */
struct vocab_trie_node {
    uint32_t edge_start, n_edges, value;
};

struct vocab_header {
    uint32_t magic, version, kind;
    uint32_t n_tokens;      /* ids are 0..n_tokens-1 */
    uint32_t off_tok_off;   /* u32[n_tokens + 1]: byte offsets into tok_bytes */
    uint32_t off_tok_bytes; /* the token strings, concatenated */
    uint32_t hash_bits;     /* token hash: u32[1 << hash_bits], id + 1, 0 = empty */
    uint32_t off_hash;
    uint32_t n_special;     /* special tokens: recognized only on request */
    uint32_t off_special;   /* u32[n_special]: their ids (strings in tok_bytes) */
    /* VOCAB_MERGE_BPE only (zero otherwise) */
    uint32_t merge_bits;    /* struct vocab_merge[1 << merge_bits] */
    uint32_t off_merges;
    uint32_t n_added;       /* added tokens, always split out of text */
    uint32_t off_added;     /* u32[n_added]: their ids */
    /* A byte trie of the added and special tokens, for the longest match at
     * a position: root children in a 256-entry table, other nodes with
     * sorted edge lists. */
    uint32_t n_trie;          /* struct vocab_trie_node[n_trie]; node 0 is the root */
    uint32_t off_trie_nodes;
    uint32_t off_trie_root;   /* u32[256]: child of the root per byte, 0 = none */
    uint32_t off_trie_edges;  /* u32[]: byte << 24 | child node */
    uint32_t off_byte_ids;    /* u32[256]: id of each single byte: the byte-fallback
                                 tokens <0xXX> (merge BPE) or the one-byte
                                 tokens (byte BPE) */
    uint32_t unk_id;
    /* The pairs of adjacent code points (a, b) that occur inside some
     * token (U+0020 read as U+2581). Between any other pair no merge can
     * ever happen, so text may be cut there into independent words. */
    uint32_t off_pair_ascii;  /* u32[128 * 128 / 32]: bit a * 128 + b, both ASCII,
                                 with 0x20 standing for U+2581 */
    uint32_t pair_bits;       /* u64[1 << pair_bits]: (a << 32 | b), UINT64_MAX = empty */
    uint32_t off_pairs;
    uint32_t off_ascii_ids;   /* u32[128]: id of each ASCII character as an initial
                                 symbol (merge BPE; U+0020 maps to U+2581),
                                 UINT32_MAX when it has none */
};

#endif
