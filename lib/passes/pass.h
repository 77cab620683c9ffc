/* pass.h - what a pass gets from the pipeline, in one pass context: the
 * options of the call, the call's token counter (every count of a pass goes
 * through it), the word index of the call, and a callback that compresses a
 * piece of the text (a chat message, a tool result, a memory) with the
 * whole pipeline, with the depth of the nesting. The passes never call the
 * public terse_compress: the pipeline (lib/compress.c) is above them and
 * hands them this instead, as it hands code_compress its count callback.
 */
#ifndef TERSE_PASSES_PASS_H
#define TERSE_PASSES_PASS_H

#include <stddef.h>

#include "terse.h"

struct prose_env;
struct tok_counter;
struct pass_ctx;

/* Compresses the piece s[0..n) at the given level and type (TERSE_TYPE_*;
 * AUTO detects it) with no budget and no query, into a new string *out of
 * *out_len bytes (the caller frees it). The piece's tokens are not counted
 * and the "never more tokens" check is left to the caller, which counts the
 * whole text once. Returns a TERSE_* status; *out is set only on TERSE_OK. */
typedef int (*pass_piece_fn)(const struct pass_ctx *pc, int type, int level, const char *s, size_t n,
                             char **out, size_t *out_len);

/* A piece nested deeper than this (a tool result inside a tool result ...)
 * is kept as it is: the pipeline does not recurse without end. */
#define PASS_MAX_DEPTH 4

struct pass_ctx {
    const terse_options *o;       /* the call's options */
    struct tok_counter *counter;  /* the call's token counter */
    const struct prose_env *env;  /* the call's word index */
    pass_piece_fn piece;          /* compresses a piece (the pipeline) */
    int depth;                    /* 0 for the input, 1 for its pieces, ... */
};

/* The exact tokens of s[0..n) on the call's tokenizer, through the call's
 * counter, into *count. Returns TERSE_OK or the counter's status. */
int pass_count(const struct pass_ctx *pc, const char *s, size_t n, size_t *count);

/* Compresses a piece through pc->piece (see pass_piece_fn). */
int pass_piece(const struct pass_ctx *pc, int type, int level, const char *s, size_t n, char **out,
               size_t *out_len);

#endif
