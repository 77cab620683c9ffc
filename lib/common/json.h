/* json.h - a JSON document model that loses nothing: numbers keep the text
 * they were written with, strings keep their escapes as written (and are
 * also available decoded), objects keep their key order and duplicate keys.
 *
 * Used by the JSON pass (tabular encoding, decode), the chat and memory
 * passes (reading and rewriting messages), and the eval readers.
 *
 * Ownership: json_parse() returns a document that owns every value in it
 * (one arena); values are valid until json_doc_free(). Nothing here keeps
 * a pointer into the input after json_parse() returns.
 *
 *     struct json_error e;
 *     struct json_doc *d = json_parse(text, len, &e);
 *     if (!d) { fprintf(stderr, "line %zu: %s\n", e.line, e.msg); return 1; }
 *     const struct json_value *v = json_get(json_root(d), "messages");
 *     json_doc_free(d);
 */
#ifndef TERSE_COMMON_JSON_H
#define TERSE_COMMON_JSON_H

#include <stddef.h>

#include "buf.h"

enum json_kind {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
};

struct json_value {
    int kind;            /* enum json_kind */
    /* JSON_STRING: 1 when an escape is a lone surrogate (\uD800 not followed
     * by a low half, or a low half alone), which str cannot hold: str then
     * differs from what raw means, and only raw says it. 0 otherwise. */
    int lone;
    /* JSON_NUMBER: the number exactly as written ("1.50e+3", "-0").
     * JSON_STRING: the bytes between the quotes, escapes as written. */
    const char *raw;
    size_t raw_len;
    /* JSON_STRING: the decoded text (valid UTF-8, NUL-terminated; a lone
     * surrogate escape decodes to U+FFFD). NULL for other kinds. */
    const char *str;
    size_t str_len;
    /* JSON_ARRAY: n elements. JSON_OBJECT: n members, keys[i] (kind
     * JSON_STRING) naming items[i], in input order, duplicates kept. */
    size_t n;
    struct json_value *items;
    struct json_value *keys;
};

struct json_error {
    size_t offset;       /* byte offset of the problem */
    size_t line, col;    /* 1-based */
    char msg[96];        /* "expected ',' or '}' after an object member" */
};

struct json_doc;

/* Parses s[0..n): exactly one JSON value (RFC 8259) with optional
 * whitespace around it. Input must be valid UTF-8 (callers repair it
 * first). Nesting deeper than JSON_MAX_DEPTH is an error, not a crash.
 * Returns NULL on a syntax error or allocation failure, with *err filled
 * when err is not NULL. */
#define JSON_MAX_DEPTH 10000
struct json_doc *json_parse(const char *s, size_t n, struct json_error *err);
void json_doc_free(struct json_doc *d);

/* Like json_parse, but the value may be followed by anything: parses the
 * one value at the start of s[0..n) (after whitespace) and stores in *end
 * the offset just past it. For JSON Lines and JSON embedded in text. */
struct json_doc *json_parse_prefix(const char *s, size_t n, size_t *end, struct json_error *err);
const struct json_value *json_root(const struct json_doc *d);

/* Returns the value of the first member named key (decoded comparison) of
 * an object, or NULL (also when v is not an object). */
const struct json_value *json_get(const struct json_value *v, const char *key);

/* Appends v as minified JSON: numbers and string escapes as they were
 * written, key order and duplicates kept. json_write(json_parse(x)) is
 * the minified form of x. */
void json_write(const struct json_value *v, struct buf *out);

/* Appends s[0..n) (any UTF-8) as a JSON string literal, quotes included,
 * escaping only what JSON requires (", \, control characters). */
void json_write_string(const char *s, size_t n, struct buf *out);

/* Returns 1 if a and b are the same JSON value: same kinds, numbers with
 * the same text as written, strings with the same sequence of UTF-16 code
 * units (json_string_same), the same keys in the same order (duplicates
 * included); 0 otherwise. */
int json_equal(const struct json_value *a, const struct json_value *b);

/* Returns 1 if the strings a and b (JSON_STRING) mean the same sequence of
 * UTF-16 code units: "\u00e9" and "\xC3\xA9" are the same, "\uD800" and
 * "\uFFFD" are not (their decoded str is the same). */
int json_string_same(const struct json_value *a, const struct json_value *b);

/* The number grammar of RFC 8259, the one the library uses (the parser,
 * the tabular encoding's bare values): json_number_scan returns the length
 * of the number at the start of s[0..n), or 0 when there is none, with
 * *bad_at the offset and *why the reason ("expected a digit in the
 * exponent"); json_is_number tells whether s[0..n) is exactly one number. */
size_t json_number_scan(const char *s, size_t n, size_t *bad_at, const char **why);
int json_is_number(const char *s, size_t n);

/* The document as text, without a tree kept (the pipeline and detection). */
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
