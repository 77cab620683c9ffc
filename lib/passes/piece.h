/* piece.h - compressing pieces of a larger text (a chat message, a memory
 * entry) with the whole pipeline of lib/compress.c, without paying per
 * piece for what the caller does once for the whole text.
 */
#ifndef TERSE_PASSES_PIECE_H
#define TERSE_PASSES_PIECE_H

#include "terse.h"

struct prose_env;

/* Returns a context like terse_ctx_new(o, status) whose terse_compress
 * calls use env (the caller's word index, which must outlive the context)
 * instead of building one, and count no tokens: tokens_in and tokens_out
 * are 0 and the "never more tokens than the input" check is left to the
 * caller, which counts the whole text once. Release with terse_ctx_free.
 * Built so because a conversation of 400 turns would otherwise build 400
 * word indexes and tokenize every turn twice. */
terse_ctx *compress_ctx_piece(const terse_options *o, const struct prose_env *env, int *status);

#endif
