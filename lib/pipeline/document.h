/* document.h - the document of one call: its blocks and segments (the state every
 * step of the pipeline shares, struct job), segmentation into blocks and
 * sentences, clauses, the token counts of the call, and assembly of the
 * output from the segments.
 */
#ifndef TERSE_PIPELINE_DOCUMENT_H
#define TERSE_PIPELINE_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "../passes/prose.h"
#include "../common/status.h" /* status_fail */
#include "terse.h"

struct buf;
struct json_doc;
struct lex_tok;
struct tok_counter;

#define MARKER "[…]"

enum seg_kind { SEG_SENTENCE, SEG_HEADING, SEG_VERBATIM, SEG_RULE };
enum sep_kind { SEP_SPACE, SEP_LINE, SEP_PARA };

struct block {
    const char *lit;             /* or a literal prefix ("## " for a setext heading) */
    uint32_t prefix, prefix_len; /* list marker or heading hashes, in doc (DOC_MAX) */
    uint8_t sep;                 /* before the block: SEP_LINE or SEP_PARA */
};

/* A segment: a sentence, heading, verbatim block or rule of the document.
 * One per sentence, so its size is most of compress's memory on prose
 * (1,081,583 of them on 64 MB of /usr/share/doc): offsets, lengths and
 * counts are 32-bit, which the document's size limit (DOC_MAX) keeps
 * true, and the fields are ordered so that no padding is left but the
 * end's (88 bytes on LP64, was 136). */
struct seg {
    char *out;       /* at the job's level */
    char *full;      /* with a budget: at `balanced` (or the level if lower), or NULL */
    double score;
    uint64_t bag;    /* word bag of out, for near duplicates */
    uint32_t start, end; /* the text, in doc */
    uint32_t block;
    uint32_t out_len;
    uint32_t tokens;     /* of out, plus one for the separator */
    uint32_t full_len, full_tokens;
    uint32_t elided;     /* the fence's code: what max replaced by markers (code_stats) */
    uint32_t words;      /* words in out */
    /* its tokens, when its paragraph was lexed whole: ptoks[tok_first ..
     * tok_first + tok_n) of the job, offsets relative to tok_base in doc */
    uint32_t tok_first, tok_base, tok_n;
    uint8_t kind;
    uint8_t removed; /* duplicate or decoration: gone without a marker */
    uint8_t keep;    /* budget selection: 0 dropped, 1 kept (out), 2 kept (full) */
    uint8_t json;    /* verbatim JSON in prose: 1 a JSON block, 2 a ```json fence */
    uint8_t fence;   /* a fenced block (verbatim): its code goes through the code pass */
    uint8_t parse_error; /* the fence's code did not parse */
    uint8_t record;  /* a line of records: never a duplicate of another */
};

struct learn_doc;

/* The largest document the segment pipeline takes, in bytes: a segment's
 * offsets and lengths are 32-bit, and an output is at most a few bytes
 * longer than its text, so half of their range is left for that.
 * terse_compress refuses a larger input with TERSE_ETOOBIG. */
#define DOC_MAX ((size_t)UINT32_MAX / 2)

struct job {
    const terse_options *o; /* the call's options */
    const char *doc;
    size_t n;
    int tool_kind; /* detection's kind of tool output (detect/tool_shape.h), or -1: not known */
    struct block *blocks;
    size_t n_blocks, cap_blocks;
    struct seg *segs;
    size_t n_segs, cap_segs;
    struct prose_query q;
    const struct prose_env *env;
    struct prose_env *own_env; /* built for the call, freed at its end */
    struct learn_doc *words;   /* with a word model: where each word of doc first occurs */
    struct lex_tok *lex_in; /* scratch: tokens of a segment and of its output */
    size_t lex_cap;
    struct tok_counter *counter; /* every token count of the call */
    struct lex_tok *ptoks;  /* tokens of the paragraphs, lexed once (see seg) */
    size_t n_ptoks, cap_ptoks;
    const char *qwords[32];
    size_t qlens[32];
    char qbuf[512];
    size_t fallbacks, duplicates, parse_errors, elided;
    struct json_doc *parsed; /* the input as JSON, if detection parsed it */
    terse_chunk *chunks;     /* the rewrite callback's chunks (rewrite.c), or NULL */
    size_t n_chunks, rewritten, rejected[TERSE_VERDICT_COUNT];
    int status; /* TERSE_OK, or the first failure's TERSE_* status: stops the work */
};

/* Appends a block; returns TERSE_OK or TERSE_ENOMEM (the job fails). */
int add_block(struct job *j, size_t prefix, size_t prefix_len, int sep);

void add_seg(struct job *j, size_t start, size_t end, int kind);

/* Cuts the document into blocks and segments. Returns TERSE_OK or the
 * job's failure (j->status). */
int segment_prose(struct job *j, int verbatim_only);

/* Exact tokens of s[0..n) on the job's tokenizer, through the job's
 * counter: its piece cache, warmed by the input, serves the segments and
 * the output, which are made of the same words. When the count fails, the
 * job fails with its status (status_fail) and n is returned, an
 * over-estimate that lets the caller carry on to where it checks. */
size_t count_tokens(struct job *j, const char *s, size_t n);

/* Makes the job's lexer scratch hold two texts of n bytes each (a segment
 * and its output). Returns TERSE_OK, or TERSE_ENOMEM (and the job
 * fails). */
int lex_reserve(struct job *j, size_t n);

/* The tokens of segment g into t (room for its length): a copy of those
 * its paragraph was lexed into, shifted to the segment's start, or a new
 * lexing (also once the job's paragraph tokens are freed). Returns their
 * number. */
size_t seg_tokens(const struct job *j, const struct seg *g, struct lex_tok *t);

/* Cuts sentences into clauses (at commas, semicolons, colons and dashes
 * outside quotes and brackets) so that a tight budget can keep the relevant
 * part of a long sentence. Returns TERSE_OK or the job's failure
 * (j->status). */
int split_clauses(struct job *j, int only_dropped);

/* Writes the kept segments in order, with their separators and block
 * prefixes; each run of segments dropped by the budget becomes MARKER. */
void assemble(const struct job *j, int budget_mode, struct buf *b, size_t *dropped);

#endif
