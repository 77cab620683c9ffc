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
    uint32_t added_bits;    /* added-token hash: u32[1 << added_bits], id + 1 */
    uint32_t off_added_hash;
    uint32_t off_added_lens;  /* u32[256 * 2]: per first byte (start, count) into: */
    uint32_t off_added_lenv;  /* u32[]: distinct lengths, longest first */
    uint32_t off_byte_ids;    /* u32[256]: id of each single byte: the byte-fallback
                                 tokens <0xXX> (merge BPE) or the one-byte
                                 tokens (byte BPE) */
    uint32_t unk_id;
    uint32_t n_nosplit;       /* code points after which a word may not be cut */
    uint32_t off_nosplit;     /* u32[n_nosplit], sorted */
    uint32_t off_ascii_ids;   /* u32[128]: id of each ASCII character as an initial
                                 symbol (merge BPE; U+0020 maps to U+2581),
                                 UINT32_MAX when it has none */
    uint32_t reserved;
};

#endif
