/* tool.h - tool and terminal output (docs/tool-output.md): lossless
 * encodings that a model reads without a decoder, undone byte for byte by
 * tool_decode (terse decode).
 *
 * The encoded text starts with a line "~tool ..." that says how to read
 * the markers it uses; after it, a line not starting with '~' is a line of
 * the output, and these are markers:
 *
 *     ~pN           the next N lines are paths; a line indented by D
 *                   spaces shares the first D '/'-parts of the path above
 *     ~N P{*}       the next N lines are the rest of lines that start
 *                   with P (grep hits grouped by file)
 *     ~hN           the next N lines are grep hits of different files; a
 *                   line indented by D spaces shares the first D '/'-parts
 *                   of the path (up to its first ':') of the hit above
 *     ~tN COLS      the next N lines are table rows, fields separated by
 *                   single spaces, the last field the rest of the row;
 *                   COLS places each column: <C starts at column C, >C
 *                   ends at column C, + one space after the previous;
 *                   "=V" after one: that column is V on every row, and
 *                   left out of the rows
 *     ~xN, ~xN/K    the line (the K lines) above occur N times in all
 *     ~rCN          a line of N characters C (a ruler)
 *     ~d F I        the four lines "diff --git a/F b/F", "index I",
 *                   "--- a/F", "+++ b/F"
 *     ~c H          "commit H" and the Author line of the commit above
 *     ~~TEXT        a line that starts with '~'
 *     ~-N           (balanced and max) N lines like those around left out
 *     ~noeol        (last) the output does not end with a line break
 */
#ifndef TERSE_PASSES_TOOL_H
#define TERSE_PASSES_TOOL_H

#include <stddef.h>

#include "../common/buf.h"
#include "terse.h"

struct tok_counter;

/* The start of every encoded text. */
#define TOOL_HEAD "~tool "

/* Appends the encoding of the tool output s[0..n) (any bytes) to out. At
 * TERSE_LEVEL_SAFE it is lossless; at balanced and max, runs of more than
 * a few alike lines keep their first two and last line, every line that
 * tool_important_line accepts and every line that holds a word of query
 * (query_len bytes, may be NULL), and the others become "~-N" markers.
 * Returns TERSE_OK or TERSE_ENOMEM. */
int tool_encode(const char *s, size_t n, int level, const char *query, size_t query_len, struct buf *out);

/* Appends an encoding of s[0..n) of at most budget tokens, counted by the call's counter tok: the
 * lines ranked like segments (BM25 against the query, then lines that
 * report an error, a failure or a warning, which are always kept; the
 * first and last lines next), the most relevant kept, each run of the
 * others a "~-N" marker, the kept lines encoded at level max. Returns
 * TERSE_OK; TERSE_EBUDGET when not even the lines always kept fit
 * (*min_tokens: their count); TERSE_ENOMEM. */
int tool_fit(const char *s, size_t n, const char *query, size_t query_len, struct tok_counter *tok,
             size_t budget, struct buf *out, size_t *min_tokens);

/* Appends the text that the encoding s[0..n) stands for to out (a text
 * that does not start with TOOL_HEAD is copied unchanged). Returns
 * TERSE_OK; TERSE_EFORMAT with a one-line message in err[0..err_len) when
 * a marker is malformed (out is then incomplete); TERSE_ENOMEM (err: "out
 * of memory") when memory runs out. A ~-N marker (lossy) is kept. */
int tool_decode(const char *s, size_t n, struct buf *out, char *err, size_t err_len);

/* The lines that the "~-N" markers of the encoding s[0..n) left out. */
size_t tool_left_out(const char *s, size_t n);

/* Returns 1 if s[0..n) starts with TOOL_HEAD. */
int tool_is_encoded(const char *s, size_t n);

#endif
