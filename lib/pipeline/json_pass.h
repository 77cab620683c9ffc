/* json_pass.h - JSON input: the tabular encoding (safe and up) and, with a budget
 * that minified JSON misses, its top-level members kept by relevance with
 * one marker member for the rest.
 */
#ifndef TERSE_PIPELINE_JSON_PASS_H
#define TERSE_PIPELINE_JSON_PASS_H

#include <stddef.h>

struct buf;
struct job;
struct seg;

/* Minified JSON; with a budget, the least relevant top-level members go,
 * replaced by one marker member that says how many. */
int compress_json(struct job *j, struct buf *out, size_t *dropped, size_t *min_tokens);

/* JSON at safe and up: the tabular encoding of docs/tabular-json.md, never
 * more tokens than minified JSON (the encoder falls back to it). JSON
 * Lines (when the text is not one value) are encoded as the array of their values after a
 * "#jsonl" line, which terse_expand turns back into lines. Balanced and
 * max may sample long tables and cut long strings, with markers. Returns
 * TERSE_OK, or TERSE_EFORMAT when the document is not JSON after all,
 * TERSE_ENOMEM. */
int compress_json_tabular(struct job *j, int level, struct buf *out, size_t *tokens);

#endif
