/* json.c - the library's one JSON syntax module; see json.h: the lossless
 * document model, the one number grammar (json_number_scan), and the text
 * helpers (validation, minification, top-level members, JSON Lines).
 *
 * One recursive-descent pass over the input. Every value lives in the
 * document's arena (a list of large blocks, freed at once), so parsing does
 * one small bump allocation per string, number and container and nothing
 * else. The members of a container are collected on a value stack shared by
 * all depths and copied into the arena once the container closes, when
 * their number is known. Strings without escapes (nearly all of them) are
 * copied once and serve as both raw and decoded text.
 */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Eight bytes at a time (SWAR): whether a word of 8 string bytes holds one
 * that JSON must escape, a byte below 0x20, '"' or '\\' (the exact "has a
 * byte less than" and "has a zero byte" word tests, exact as to whether
 * there is one). */
#define SWAR_ONES 0x0101010101010101ULL
#define SWAR_HIGHS 0x8080808080808080ULL
static inline int swar_needs_escape(uint64_t w)
{
    uint64_t q = w ^ (SWAR_ONES * '"'), b = w ^ (SWAR_ONES * '\\');
    return (((w - SWAR_ONES * 0x20) & ~w & SWAR_HIGHS) | ((q - SWAR_ONES) & ~q & SWAR_HIGHS) |
            ((b - SWAR_ONES) & ~b & SWAR_HIGHS)) != 0;
}

struct arena_block {
    struct arena_block *next;
    size_t cap, used;
    max_align_t data[];
};

struct json_doc {
    struct arena_block *blocks;
    size_t first_block; /* size of the first block, from the input size */
    struct json_value root;
};

/* Returns size bytes (aligned for any value) from the document's arena, or
 * NULL when malloc fails. The first block is sized from the input (small
 * documents, such as JSON Lines records, stay cheap); later blocks double
 * up to 4 MiB so a large document needs few mallocs. */
static void *arena_alloc(struct json_doc *d, size_t size)
{
    struct arena_block *b = d->blocks;
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (!b || b->cap - b->used < size) {
        size_t cap = b ? b->cap * 2 : d->first_block;
        if (cap > ((size_t)4 << 20))
            cap = (size_t)4 << 20;
        if (cap < size)
            cap = size;
        b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = d->blocks;
        d->blocks = b;
    }
    b->used += size;
    return (char *)b->data + b->used - size;
}

struct parser {
    const unsigned char *s;
    size_t n, i;
    struct json_doc *doc;
    struct json_value *stk; /* members of the open containers */
    size_t sn, scap;
    const char *msg; /* first error, at offset erri */
    size_t erri;
};

/* Records the error (the first one wins) and returns -1. */
static int fail(struct parser *p, size_t at, const char *msg)
{
    if (!p->msg) {
        p->msg = msg;
        p->erri = at;
    }
    return -1;
}

/* Byte classes inside a string: 0 = copy as is; 1 = '"' or '\\';
 * 2 = control character; 3 = non-ASCII lead byte (checked as UTF-8). */
static const unsigned char str_class[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

/* Skips JSON whitespace (space, tab, CR, LF). */
static void skip_ws(struct parser *p)
{
    const unsigned char *s = p->s;
    size_t i = p->i, n = p->n;
    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'))
        i++;
    p->i = i;
}

/* Returns the value (0-15) of hex digit c, or -1. */
static int hexval(unsigned c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    return -1;
}

/* The 16-bit value of the 4 hex digits at s (already validated). */
static uint32_t hex4(const unsigned char *s)
{
    return (uint32_t)(hexval(s[0]) << 12 | hexval(s[1]) << 8 | hexval(s[2]) << 4 | hexval(s[3]));
}

/* Decodes the escaped string body r[0..n) (validated by parse_string) to
 * out, which has room for n bytes (decoding never grows the text), and
 * returns the decoded length. A surrogate escape that is not half of a
 * well-formed pair decodes to U+FFFD and sets *lone to 1. */
static size_t unescape(const unsigned char *r, size_t n, unsigned char *out, int *lone)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint32_t cp;
        if (r[i] != '\\') {
            out[o++] = r[i++];
            continue;
        }
        switch (r[i + 1]) {
        case 'b': out[o++] = '\b'; i += 2; continue;
        case 'f': out[o++] = '\f'; i += 2; continue;
        case 'n': out[o++] = '\n'; i += 2; continue;
        case 'r': out[o++] = '\r'; i += 2; continue;
        case 't': out[o++] = '\t'; i += 2; continue;
        case 'u': break;
        default: out[o++] = r[i + 1]; i += 2; continue;
        }
        cp = hex4(r + i + 2);
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= n && r[i] == '\\' && r[i + 1] == 'u') {
            uint32_t lo = hex4(r + i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
            *lone = 1;
        }
        o += utf8_encode(cp, out + o);
    }
    return o;
}

/* Parses the string literal at p->i (which is '"') into v. Returns 0, or
 * -1 on an unterminated string, a bad escape, a raw control character or
 * invalid UTF-8. */
static int parse_string(struct parser *p, struct json_value *v)
{
    const unsigned char *s = p->s;
    size_t n = p->n, i = p->i + 1, start = i;
    int escaped = 0;
    char *raw;
    for (;;) {
        unsigned c;
        /* 8 bytes at a time while all are class 0 (ASCII from 0x20, not '"'
         * or '\\'), then byte by byte */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & SWAR_HIGHS) || swar_needs_escape(w))
                break;
            i += 8;
        }
        while (i < n && !str_class[s[i]])
            i++;
        if (i >= n)
            return fail(p, p->i, "unterminated string");
        c = s[i];
        if (c == '"')
            break;
        if (c == '\\') {
            unsigned e = i + 1 < n ? s[i + 1] : 0;
            escaped = 1;
            if (e == 'u') {
                if (i + 5 >= n || hexval(s[i + 2]) < 0 || hexval(s[i + 3]) < 0 ||
                    hexval(s[i + 4]) < 0 || hexval(s[i + 5]) < 0)
                    return fail(p, i, "\\u must be followed by four hex digits");
                i += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                       e == 'r' || e == 't') {
                i += 2;
            } else {
                return fail(p, i, "invalid escape in string");
            }
        } else if (c < 0x20) {
            return fail(p, i, "control character in string (must be escaped)");
        } else {
            uint32_t cp;
            size_t k = utf8_decode(s + i, n - i, &cp);
            if (!k)
                return fail(p, i, "invalid UTF-8 in string");
            i += k;
        }
    }
    v->kind = JSON_STRING;
    v->lone = 0;
    v->raw_len = i - start;
    raw = arena_alloc(p->doc, v->raw_len + 1);
    if (!raw)
        return fail(p, start, "out of memory");
    memcpy(raw, s + start, v->raw_len);
    raw[v->raw_len] = 0;
    v->raw = raw;
    if (!escaped) {
        v->str = raw;
        v->str_len = v->raw_len;
    } else {
        unsigned char *dec = arena_alloc(p->doc, v->raw_len + 1);
        if (!dec)
            return fail(p, start, "out of memory");
        v->str_len = unescape((const unsigned char *)raw, v->raw_len, dec, &v->lone);
        dec[v->str_len] = 0;
        v->str = (const char *)dec;
    }
    p->i = i + 1;
    return 0;
}

size_t json_number_scan(const char *s, size_t n, size_t *bad_at, const char **why)
{
    size_t i = 0, d;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        i++;
    } else if (i < n && s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        *bad_at = i;
        *why = i == 0 ? "expected a JSON value" : "expected a digit after '-'";
        return 0;
    }
    if (i < n && s[i] == '.') {
        d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d) {
            *bad_at = i;
            *why = "expected a digit after the decimal point";
            return 0;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d) {
            *bad_at = i;
            *why = "expected a digit in the exponent";
            return 0;
        }
    }
    return i;
}

int json_is_number(const char *s, size_t n)
{
    size_t at;
    const char *why;
    size_t len = json_number_scan(s, n, &at, &why);
    return len > 0 && len == n;
}

/* Parses the number at p->i into v (its text kept as written). Returns 0
 * or -1 when the text is not an RFC 8259 number. */
static int parse_number(struct parser *p, struct json_value *v)
{
    const unsigned char *s = p->s;
    size_t start = p->i, at, i;
    const char *why;
    char *raw;
    size_t len = json_number_scan((const char *)s + start, p->n - start, &at, &why);
    if (!len)
        return fail(p, start + at, why);
    i = start + len;
    raw = arena_alloc(p->doc, i - start + 1);
    if (!raw)
        return fail(p, start, "out of memory");
    memcpy(raw, s + start, i - start);
    raw[i - start] = 0;
    v->kind = JSON_NUMBER;
    v->raw = raw;
    v->raw_len = i - start;
    p->i = i;
    return 0;
}

/* Pushes v on the value stack; returns 0 or -1 (out of memory). */
static int push(struct parser *p, const struct json_value *v)
{
    if (p->sn == p->scap) {
        size_t cap = p->scap ? p->scap * 2 : 256;
        struct json_value *t = realloc(p->stk, cap * sizeof(*t));
        if (!t)
            return fail(p, p->i, "out of memory");
        p->stk = t;
        p->scap = cap;
    }
    p->stk[p->sn++] = *v;
    return 0;
}

static int parse_value(struct parser *p, struct json_value *v, int depth);

/* Parses the array or object at p->i into v. Members go on the value stack
 * (keys and values alternating for an object) and move into the arena when
 * the container closes. Returns 0 or -1. */
static int parse_container(struct parser *p, struct json_value *v, int depth)
{
    int object = p->s[p->i] == '{';
    unsigned char close = object ? '}' : ']';
    size_t base = p->sn, k, count;
    struct json_value item;
    if (depth >= JSON_MAX_DEPTH)
        return fail(p, p->i, "nesting too deep");
    p->i++;
    skip_ws(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
    } else {
        for (;;) {
            if (object) {
                skip_ws(p);
                if (p->i >= p->n || p->s[p->i] != '"')
                    return fail(p, p->i, "expected a string key");
                memset(&item, 0, sizeof(item));
                if (parse_string(p, &item) || push(p, &item))
                    return -1;
                skip_ws(p);
                if (p->i >= p->n || p->s[p->i] != ':')
                    return fail(p, p->i, "expected ':' after an object key");
                p->i++;
            }
            if (parse_value(p, &item, depth + 1) || push(p, &item))
                return -1;
            skip_ws(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->i < p->n && p->s[p->i] == close) {
                p->i++;
                break;
            }
            return fail(p, p->i,
                        object ? "expected ',' or '}' after an object member"
                               : "expected ',' or ']' after an array element");
        }
    }
    memset(v, 0, sizeof(*v));
    v->kind = object ? JSON_OBJECT : JSON_ARRAY;
    count = p->sn - base;
    v->n = object ? count / 2 : count;
    if (v->n) {
        v->items = arena_alloc(p->doc, v->n * sizeof(*v->items) * (object ? 2 : 1));
        if (!v->items)
            return fail(p, p->i, "out of memory");
        if (object) {
            v->keys = v->items + v->n;
            for (k = 0; k < v->n; k++) {
                v->keys[k] = p->stk[base + 2 * k];
                v->items[k] = p->stk[base + 2 * k + 1];
            }
        } else {
            memcpy(v->items, p->stk + base, v->n * sizeof(*v->items));
        }
    }
    p->sn = base;
    return 0;
}

/* Parses one value at p->i (after whitespace) into v. Returns 0 or -1. */
static int parse_value(struct parser *p, struct json_value *v, int depth)
{
    const unsigned char *s = p->s;
    skip_ws(p);
    memset(v, 0, sizeof(*v));
    if (p->i >= p->n)
        return fail(p, p->i, "expected a JSON value, found the end of the input");
    switch (s[p->i]) {
    case '{':
    case '[':
        return parse_container(p, v, depth);
    case '"':
        return parse_string(p, v);
    case 't':
        if (p->n - p->i >= 4 && memcmp(s + p->i, "true", 4) == 0) {
            v->kind = JSON_TRUE;
            p->i += 4;
            return 0;
        }
        break;
    case 'f':
        if (p->n - p->i >= 5 && memcmp(s + p->i, "false", 5) == 0) {
            v->kind = JSON_FALSE;
            p->i += 5;
            return 0;
        }
        break;
    case 'n':
        if (p->n - p->i >= 4 && memcmp(s + p->i, "null", 4) == 0) {
            v->kind = JSON_NULL;
            p->i += 4;
            return 0;
        }
        break;
    default:
        return parse_number(p, v);
    }
    return fail(p, p->i, "expected a JSON value");
}

/* Fills *err for an error at offset at of s (line and column counted in
 * bytes, both 1-based). */
static void set_error(struct json_error *err, const char *s, size_t at, const char *msg)
{
    size_t i, line = 1, col = 1;
    if (!err)
        return;
    for (i = 0; i < at; i++) {
        if (s[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    err->offset = at;
    err->line = line;
    err->col = col;
    snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

/* The shared body of json_parse and json_parse_prefix: whole says whether
 * only whitespace may follow the value. */
static struct json_doc *parse(const char *s, size_t n, size_t *end, int whole,
                              struct json_error *err)
{
    struct parser p;
    struct json_doc *d = calloc(1, sizeof(*d));
    if (!d) {
        set_error(err, s, 0, "out of memory");
        return NULL;
    }
    d->first_block = n < 256 ? 1024 : n < 32768 ? 4 * n : 131072;
    memset(&p, 0, sizeof(p));
    p.s = (const unsigned char *)s;
    p.n = n;
    p.doc = d;
    if (parse_value(&p, &d->root, 0) == 0) {
        if (end)
            *end = p.i;
        skip_ws(&p);
        if (whole && p.i < n)
            fail(&p, p.i, "unexpected text after the JSON value");
    }
    free(p.stk);
    if (p.msg) {
        set_error(err, s, p.erri, p.msg);
        json_doc_free(d);
        return NULL;
    }
    return d;
}

struct json_doc *json_parse(const char *s, size_t n, struct json_error *err)
{
    return parse(s, n, NULL, 1, err);
}

struct json_doc *json_parse_prefix(const char *s, size_t n, size_t *end, struct json_error *err)
{
    return parse(s, n, end, 0, err);
}

void json_doc_free(struct json_doc *d)
{
    struct arena_block *b, *next;
    if (!d)
        return;
    for (b = d->blocks; b; b = next) {
        next = b->next;
        free(b);
    }
    free(d);
}

const struct json_value *json_root(const struct json_doc *d)
{
    return &d->root;
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
    size_t k, len = strlen(key);
    if (!v || v->kind != JSON_OBJECT)
        return NULL;
    for (k = 0; k < v->n; k++)
        if (v->keys[k].str_len == len && memcmp(v->keys[k].str, key, len) == 0)
            return &v->items[k];
    return NULL;
}

void json_write(const struct json_value *v, struct buf *out)
{
    size_t k;
    switch (v->kind) {
    case JSON_NULL:
        buf_add(out, "null", 4);
        return;
    case JSON_FALSE:
        buf_add(out, "false", 5);
        return;
    case JSON_TRUE:
        buf_add(out, "true", 4);
        return;
    case JSON_NUMBER:
        buf_add(out, v->raw, v->raw_len);
        return;
    case JSON_STRING:
        if (buf_reserve(out, v->raw_len + 2) == 0) {
            out->p[out->len] = '"';
            memcpy(out->p + out->len + 1, v->raw, v->raw_len);
            out->p[out->len + 1 + v->raw_len] = '"';
            out->len += v->raw_len + 2;
        }
        return;
    case JSON_ARRAY:
        buf_addc(out, '[');
        for (k = 0; k < v->n; k++) {
            if (k)
                buf_addc(out, ',');
            json_write(&v->items[k], out);
        }
        buf_addc(out, ']');
        return;
    default:
        buf_addc(out, '{');
        for (k = 0; k < v->n; k++) {
            if (k)
                buf_addc(out, ',');
            json_write(&v->keys[k], out);
            buf_addc(out, ':');
            json_write(&v->items[k], out);
        }
        buf_addc(out, '}');
        return;
    }
}

void json_write_string(const char *s, size_t n, struct buf *out)
{
    static const char hexd[] = "0123456789abcdef";
    size_t i = 0, run = 0;
    buf_addc(out, '"');
    for (; i < n; i++) {
        unsigned char c;
        char esc[6];
        size_t el = 2;
        /* 8 bytes at a time while none needs an escape (a byte below 0x20,
         * '"' or '\\': the exact "has a byte less than" and "has a zero
         * byte" word tests) */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (swar_needs_escape(w))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_add(out, s + run, i - run);
        run = i + 1;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hexd[c >> 4];
            esc[5] = hexd[c & 15];
            el = 6;
        }
        buf_add(out, esc, el);
    }
    buf_add(out, s + run, n - run);
    buf_addc(out, '"');
}

/* Returns the next code point of the string body r[*i..n) (validated by
 * parse_string) and moves *i past it: an escaped surrogate pair is one
 * code point, a lone surrogate escape is its own value (0xD800-0xDFFF),
 * which raw UTF-8 cannot spell. */
static uint32_t next_unit(const unsigned char *r, size_t n, size_t *i)
{
    uint32_t cp;
    size_t k = *i;
    if (r[k] != '\\') {
        size_t len = utf8_decode(r + k, n - k, &cp);
        *i = k + (len ? len : 1);
        return len ? cp : r[k];
    }
    switch (r[k + 1]) {
    case 'b': *i = k + 2; return '\b';
    case 'f': *i = k + 2; return '\f';
    case 'n': *i = k + 2; return '\n';
    case 'r': *i = k + 2; return '\r';
    case 't': *i = k + 2; return '\t';
    case 'u': break;
    default: *i = k + 2; return r[k + 1];
    }
    cp = hex4(r + k + 2);
    k += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF && k + 6 <= n && r[k] == '\\' && r[k + 1] == 'u') {
        uint32_t lo = hex4(r + k + 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            k += 6;
        }
    }
    *i = k;
    return cp;
}

int json_string_same(const struct json_value *a, const struct json_value *b)
{
    const unsigned char *ra = (const unsigned char *)a->raw, *rb = (const unsigned char *)b->raw;
    size_t i = 0, j = 0;
    if (!a->lone && !b->lone)
        return a->str_len == b->str_len && memcmp(a->str, b->str, a->str_len) == 0;
    if (a->str_len != b->str_len)
        return 0;
    while (i < a->raw_len && j < b->raw_len)
        if (next_unit(ra, a->raw_len, &i) != next_unit(rb, b->raw_len, &j))
            return 0;
    return i == a->raw_len && j == b->raw_len;
}

int json_equal(const struct json_value *a, const struct json_value *b)
{
    size_t k;
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case JSON_NUMBER:
        return a->raw_len == b->raw_len && memcmp(a->raw, b->raw, a->raw_len) == 0;
    case JSON_STRING:
        return json_string_same(a, b);
    case JSON_ARRAY:
    case JSON_OBJECT:
        if (a->n != b->n)
            return 0;
        for (k = 0; k < a->n; k++) {
            if (a->kind == JSON_OBJECT && !json_equal(&a->keys[k], &b->keys[k]))
                return 0;
            if (!json_equal(&a->items[k], &b->items[k]))
                return 0;
        }
        return 1;
    default:
        return 1;
    }
}

/* ---- the document as text: validation, minification, members, JSON Lines
 * (what the pipeline and detection need without building a tree for it) */

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
