/* json.h - JSON handling of the pipeline until the full JSON pass exists:
 * validation, minification, and the top-level members as segments that a
 * budget can drop (each dropped run replaced by an explicit marker).
 */
#ifndef TERSE_PASSES_JSON_H
#define TERSE_PASSES_JSON_H

#include <stddef.h>

#include "../common/buf.h"

/* Returns 1 if s[0..n) is exactly one JSON value (RFC 8259; surrounding
 * whitespace allowed), 0 otherwise. Depth is limited to JSON_MAX_DEPTH. */
int json_valid(const char *s, size_t n);

/* Appends s[0..n) (valid JSON, or a "key": value fragment of it) without
 * insignificant whitespace. */
void json_minify(const char *s, size_t n, struct buf *out);

/* The top-level members of a valid JSON object or array: for an object
 * each "key": value pair, for an array each element, as byte ranges into
 * s. Returns the number found (0 for a scalar), at most cap; *is_object
 * tells which container. */
size_t json_members(const char *s, size_t n, size_t *starts, size_t *ends, size_t cap,
                    int *is_object);

/* If s[0..n) is JSON Lines (at least two lines; every line that is not
 * blank is exactly one JSON value), appends the values as one minified
 * JSON array to out and returns how many there are; else returns 0 (out
 * may hold a partial array then). */
size_t json_lines(const char *s, size_t n, struct buf *out);

#endif
