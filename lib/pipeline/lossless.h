/* lossless.h - the lossless encodings of whole inputs at safe and up: JSON
 * (or JSON Lines) in the tabular form (passes/tabular_encode.c), logs
 * folded (passes/log.c), tool output encoded (passes/tool.c), each if it
 * meets the budget, at the lowest level that does.
 */
#ifndef TERSE_PIPELINE_LOSSLESS_H
#define TERSE_PIPELINE_LOSSLESS_H

#include <stddef.h>

struct buf;
struct job;

/* The encoding that type (TERSE_TYPE_JSON, _LOG or _TOOL; any other: none)
 * calls for at *level. Sets *done when out holds the output, *tokens its
 * tokens, *level the level applied and *dropped what balanced or max left
 * out; *escaped_log when an input that itself looked encoded had to be
 * escaped (it must stay encoded, even when longer). text[0..len) is the
 * input as given, j->doc its normalized form; tokens_in is the count of
 * text (LOG_TOKENS_UNKNOWN in a piece, which counts none). Returns
 * TERSE_OK (also when the encoding does not apply or does not fit: *done
 * stays 0 and out empty) or the failure's status. */
int compress_lossless(struct job *j, const char *text, size_t len, int type, size_t tokens_in, int *level,
                      struct buf *out, size_t *tokens, size_t *dropped, int *done, int *escaped_log);

#endif
