/* tabular.h - terse's tabular JSON encoding (docs/tabular-json.md): a
 * compact, line-based text form of any JSON value that decodes back to the
 * same value (numbers as written, strings, key order, duplicate keys).
 *
 * Objects become "key: value" lines (nested ones indented by one space a
 * level), arrays of objects become a header and rows, everything else a
 * relaxed JSON "flow" form whose strings are quoted only when they must be.
 * The encoder picks, per value, the form with fewer tokens on the given
 * tokenizer, and the whole document falls back to minified JSON (which
 * decodes to itself) when that is cheaper.
 */
#ifndef TERSE_PASSES_TABULAR_H
#define TERSE_PASSES_TABULAR_H

#include <stddef.h>

#include "../common/buf.h"
#include "../common/json.h"
#include "terse.h"

struct tok_counter;

/* Where a bare (unquoted) string stands, which decides the characters it
 * may hold: the rest of a "key: value" line, a cell of a table row, or
 * inside a flow value ([...] {...}). */
enum tab_place { TAB_LINE, TAB_CELL, TAB_FLOW };

/* Returns 1 if s[0..n) is true, false or null. */
int tab_is_literal(const char *s, size_t n);

/* Returns 1 if the string s[0..n) may be written without quotes at place
 * (the decoder reads it back as the same string). */
int tab_bare_ok(const char *s, size_t n, int place);

/* Returns 1 if s[0..n) may be written as an unquoted key or column name. */
int tab_key_ok(const char *s, size_t n);

/* Limits and marker strings of the sampled forms (balanced, max). */
struct tab_limits {
    size_t sample_rows;   /* 0: keep every row; else keep this many of a long table */
    size_t max_string;    /* 0: no cut; else cut longer strings, with a marker */
};

/* Appends the encoding of v to out, choosing forms by their token count on
 * the call's counter (counter), and stores its exact token count in *tokens (when not NULL): never
 * more than minified JSON's. lim may be NULL (lossless). Returns TERSE_OK
 * or TERSE_ENOMEM. */
int tab_encode(const struct json_value *v, struct tok_counter *counter,
               const struct tab_limits *lim, struct buf *out, size_t *tokens);

/* Decodes the encoding s[0..n) and appends the value as minified JSON to
 * out. Returns TERSE_OK; TERSE_EFORMAT with *err (line, column, message)
 * filled when s is not a valid encoding; TERSE_ENOMEM when memory runs out
 * (out's or its own; *err says so). */
int tab_decode(const char *s, size_t n, struct buf *out, struct json_error *err);

#endif
