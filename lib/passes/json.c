/* json.c - JSON validation, minification and top-level members; json.h.
 *
 * Validation and member boundaries read JSON through the document model of
 * lib/common/json.c, so there is one JSON grammar in the library.
 */
#include "json.h"

#include <string.h>

#include "../common/json.h"

int json_valid(const char *s, size_t n)
{
    struct json_doc *d = json_parse(s, n, NULL);
    json_doc_free(d);
    return d != NULL;
}

/* Strips whitespace outside strings. Not a parse: it also minifies the
 * member fragments ("key": value) that compress_json cuts a document into,
 * and it is one pass with no allocation. */
void json_minify(const char *s, size_t n, struct buf *out)
{
    size_t i = 0, run = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            if (j >= n)
                j = n - 1;
            if (i > run)
                buf_add(out, s + run, i - run);
            buf_add(out, s + i, j + 1 - i);
            i = run = j + 1;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (i > run)
                buf_add(out, s + run, i - run);
            run = ++i;
            continue;
        }
        i++;
    }
    if (n > run)
        buf_add(out, s + run, n - run);
}

/* Returns the offset just past the JSON value that starts at or after s[i]
 * (whitespace skipped), or 0 when there is none; *kind receives its kind. */
static size_t value_end(const char *s, size_t n, size_t i, int *kind)
{
    size_t end;
    struct json_doc *d = json_parse_prefix(s + i, n - i, &end, NULL);
    if (!d)
        return 0;
    *kind = json_root(d)->kind;
    json_doc_free(d);
    return i + end;
}

/* Returns the offset of the first non-whitespace byte at or after i. */
static size_t skip_space(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

size_t json_members(const char *s, size_t n, size_t *starts, size_t *ends, size_t cap,
                    int *is_object)
{
    size_t count = 0, i = skip_space(s, n, 0), e;
    char close;
    int kind;
    if (i >= n || (s[i] != '{' && s[i] != '['))
        return 0;
    *is_object = s[i] == '{';
    close = *is_object ? '}' : ']';
    i = skip_space(s, n, i + 1);
    if (i < n && s[i] == close)
        return 0;
    for (;;) {
        size_t st = i = skip_space(s, n, i);
        if (*is_object) {
            if (i >= n || s[i] != '"' || !(e = value_end(s, n, i, &kind)))
                return 0;
            i = skip_space(s, n, e);
            if (i >= n || s[i] != ':')
                return 0;
            i++;
        }
        if (!(e = value_end(s, n, i, &kind)))
            return 0;
        if (count < cap) {
            starts[count] = st;
            ends[count] = e;
        }
        count++;
        i = skip_space(s, n, e);
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        return count < cap ? count : cap;
    }
}

size_t json_lines(const char *s, size_t n, struct buf *out)
{
    size_t i = 0, count = 0;
    buf_addc(out, '[');
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, a = skip_space(s, e, i);
        if (a < e) {
            struct json_doc *d = json_parse(s + a, e - a, NULL);
            if (!d)
                return 0;
            if (count++)
                buf_addc(out, ',');
            json_write(json_root(d), out);
            json_doc_free(d);
        }
        i = e + 1;
    }
    buf_addc(out, ']');
    return count >= 2 ? count : 0;
}
