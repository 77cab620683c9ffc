/* tabular_decode.c - tabular encoding back to minified JSON; see tabular.h
 * and docs/tabular-json.md (the grammar this follows).
 *
 * One pass, writing JSON as it reads: block objects line by line (the
 * indentation says where an object ends), table rows cell by cell (each
 * row's cells go to a scratch buffer first, because a flattened group is
 * written only when one of its cells is present), flow values by
 * recursive descent. Quoted strings are copied as written, so escapes
 * survive; bare strings are escaped by json_write_string.
 */
#include "tabular.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/utf8.h"

struct dec {
    const char *s;
    size_t n, i;
    struct buf *out;
    const char *msg;
    size_t erri;
    int depth;
    int oom; /* memory ran out: TERSE_ENOMEM, whatever the message */
};

/* Records the error at offset at (the first one wins) and returns -1. */
static int fail(struct dec *d, size_t at, const char *msg)
{
    if (!d->msg) {
        d->msg = msg;
        d->erri = at;
    }
    return -1;
}

/* Records that memory ran out (not a fault of the input) and returns -1. */
static int nomem(struct dec *d)
{
    d->oom = 1;
    return fail(d, d->i, "out of memory");
}

/* Counts one more level of nesting; returns 0, or -1 past JSON_MAX_DEPTH
 * (the output must parse again with the same limit). */
static int enter(struct dec *d)
{
    if (++d->depth > JSON_MAX_DEPTH)
        return fail(d, d->i, "nesting too deep");
    return 0;
}

/* Skips JSON whitespace (inside flow values). */
static void skip_ws(struct dec *d)
{
    while (d->i < d->n && (d->s[d->i] == ' ' || d->s[d->i] == '\t' || d->s[d->i] == '\n' ||
                           d->s[d->i] == '\r'))
        d->i++;
}

/* Skips spaces only (they never end a line). */
static void skip_spaces(struct dec *d)
{
    while (d->i < d->n && d->s[d->i] == ' ')
        d->i++;
}

/* Returns the offset of the line break at or after i, or d->n. */
static size_t line_end(const struct dec *d, size_t i)
{
    const char *e = memchr(d->s + i, '\n', d->n - i);
    return e ? (size_t)(e - d->s) : d->n;
}

/* Returns 1 for a hex digit. */
static int hexd(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Reads the JSON string literal at d->i (a '"'), checking it as JSON does,
 * and appends it as written to out. Returns 0 or -1. */
static int string(struct dec *d, struct buf *out)
{
    const unsigned char *s = (const unsigned char *)d->s;
    size_t i = d->i + 1, start = d->i;
    while (i < d->n && s[i] != '"') {
        if (s[i] == '\\') {
            if (i + 1 >= d->n)
                return fail(d, start, "unterminated string");
            if (s[i + 1] == 'u') {
                if (i + 5 >= d->n || !hexd((char)s[i + 2]) || !hexd((char)s[i + 3]) ||
                    !hexd((char)s[i + 4]) || !hexd((char)s[i + 5]))
                    return fail(d, i, "\\u must be followed by four hex digits");
                i += 6;
            } else if (strchr("\"\\/bfnrt", s[i + 1]) && s[i + 1]) {
                i += 2;
            } else {
                return fail(d, i, "invalid escape in string");
            }
        } else if (s[i] < 0x20) {
            return fail(d, i, "control character in a quoted string");
        } else if (s[i] >= 0x80) {
            uint32_t cp;
            size_t k = utf8_decode(s + i, d->n - i, &cp);
            if (!k)
                return fail(d, i, "invalid UTF-8");
            i += k;
        } else {
            i++;
        }
    }
    if (i >= d->n)
        return fail(d, start, "unterminated string");
    buf_add(out, d->s + start, i + 1 - start);
    d->i = i + 1;
    return 0;
}

/* Appends the bare value s[a..b): a number or literal as it is, anything
 * else as a JSON string. */
static void bare(struct dec *d, size_t a, size_t b, struct buf *out)
{
    if (json_is_number(d->s + a, b - a) || tab_is_literal(d->s + a, b - a))
        buf_add(out, d->s + a, b - a);
    else
        json_write_string(d->s + a, b - a, out);
}

/* Reads a key at d->i, quoted or bare (a bare key ends at any of stops or a
 * control character), and appends it as a JSON string. Returns 0 or -1. */
static int key(struct dec *d, const char *stops, struct buf *out)
{
    size_t a = d->i;
    if (d->i < d->n && d->s[d->i] == '"')
        return string(d, out);
    while (d->i < d->n && (unsigned char)d->s[d->i] >= 0x20 && !strchr(stops, d->s[d->i]))
        d->i++;
    if (d->i == a)
        return fail(d, a, "expected a key");
    json_write_string(d->s + a, d->i - a, out);
    return 0;
}

/* ---- table headers and rows -------------------------------------------- */

/* A node of the column tree: a leaf (one cell of a row) or a flattened
 * group, whose leaves are the cells lo..hi-1. */
struct node {
    size_t key_off, key_len; /* JSON key in the header's key buffer */
    size_t first, next;      /* children and siblings (0: none; index+1) */
    size_t last;             /* last child (index+1) */
    size_t lo, hi;
    int leaf;
};

struct header {
    struct buf keys;
    struct node *nodes; /* nodes[0] is the root */
    size_t n, cap, leaves;
};

/* Releases a header's key buffer and nodes. */
static void header_free(struct header *h)
{
    buf_free(&h->keys);
    free(h->nodes);
}

/* Appends a node as the last child of node parent; returns its index + 1,
 * or 0 when out of memory. */
static size_t add_node(struct header *h, size_t parent, size_t key_off, size_t key_len, int leaf)
{
    struct node *x;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        struct node *t = realloc(h->nodes, cap * sizeof(*t));
        if (!t)
            return 0;
        h->nodes = t;
        h->cap = cap;
    }
    x = &h->nodes[h->n];
    memset(x, 0, sizeof(*x));
    x->key_off = key_off;
    x->key_len = key_len;
    x->leaf = leaf;
    x->lo = h->leaves;
    x->hi = h->leaves;
    if (h->n) {
        struct node *p = &h->nodes[parent];
        if (p->last)
            h->nodes[p->last - 1].next = h->n + 1;
        else
            p->first = h->n + 1;
        p->last = h->n + 1;
    }
    return ++h->n;
}

/* Reads the column list after a '{' at d->i, up to and including its '}',
 * as children of node parent: "name" is a column, "name{...}" a group of
 * columns (a flattened nested object). Returns 0 or -1. */
static int columns(struct dec *d, struct header *h, size_t parent, int depth)
{
    if (depth > 16)
        return fail(d, d->i, "column groups nested too deep");
    d->i++; /* '{' */
    for (;;) {
        size_t off = h->keys.len, id;
        if (key(d, ",{}:", &h->keys))
            return -1;
        if (h->keys.oom)
            return nomem(d);
        if (d->i < d->n && d->s[d->i] == '{') {
            id = add_node(h, parent, off, h->keys.len - off, 0);
            if (!id)
                return nomem(d);
            if (columns(d, h, id - 1, depth + 1))
                return -1;
            h->nodes[id - 1].hi = h->leaves;
        } else {
            id = add_node(h, parent, off, h->keys.len - off, 1);
            if (!id)
                return nomem(d);
            h->leaves++;
            h->nodes[id - 1].hi = h->leaves;
        }
        if (d->i < d->n && d->s[d->i] == ',') {
            d->i++;
            continue;
        }
        if (d->i < d->n && d->s[d->i] == '}') {
            d->i++;
            return 0;
        }
        return fail(d, d->i, "expected ',' or '}' in a table header");
    }
}

/* Reads the header "{cols}" at d->i into h. Returns 0 or -1. */
static int header(struct dec *d, struct header *h)
{
    memset(h, 0, sizeof(*h));
    if (!add_node(h, 0, 0, 0, 0))
        return nomem(d);
    if (columns(d, h, 0, 0))
        return -1;
    h->nodes[0].hi = h->leaves;
    return 0;
}

/* A row's cells: where each present cell's JSON is in the row buffer. */
struct cell {
    size_t off, len;
    int present;
};

/* Appends the object of node x's children for one row. */
static void put_group(const struct header *h, size_t x, const struct cell *cells,
                      const struct buf *rowbuf, struct buf *out)
{
    size_t c;
    int first = 1;
    buf_addc(out, '{');
    for (c = h->nodes[x].first; c; c = h->nodes[c - 1].next) {
        const struct node *y = &h->nodes[c - 1];
        size_t l;
        int any = 0;
        for (l = y->lo; l < y->hi && !any; l++)
            any = cells[l].present;
        if (!any)
            continue;
        if (!first)
            buf_addc(out, ',');
        first = 0;
        buf_add(out, h->keys.p + y->key_off, y->key_len);
        buf_addc(out, ':');
        if (y->leaf)
            buf_add(out, rowbuf->p + cells[y->lo].off, cells[y->lo].len);
        else
            put_group(h, c - 1, cells, rowbuf, out);
    }
    buf_addc(out, '}');
}

static int flow(struct dec *d, struct buf *out);

/* Reads one cell at d->i into rowbuf: empty (absent) when the next
 * character is one of ends; a quoted string; a flow container; or a bare
 * value ending at one of ends. Returns 0 or -1. */
static int cell(struct dec *d, const char *ends, int in_flow, struct cell *c, struct buf *rowbuf)
{
    size_t a;
    if (in_flow)
        skip_ws(d);
    c->off = rowbuf->len;
    c->present = 0;
    if (d->i >= d->n || strchr(ends, d->s[d->i]))
        return 0;
    c->present = 1;
    if (d->s[d->i] == '"' || d->s[d->i] == '[' || d->s[d->i] == '{') {
        if (flow(d, rowbuf))
            return -1;
    } else {
        a = d->i;
        while (d->i < d->n && !strchr(ends, d->s[d->i]) &&
               (in_flow ? (unsigned char)d->s[d->i] >= 0x20 && !strchr("[{\"", d->s[d->i]) : 1))
            d->i++;
        {
            size_t b = d->i;
            while (b > a && d->s[b - 1] == ' ')
                b--;
            bare(d, a, b, rowbuf);
        }
    }
    c->len = rowbuf->len - c->off;
    if (in_flow)
        skip_ws(d);
    return 0;
}

/* Reads the rows of a table with header h: n_rows lines (block form) or
 * rows separated by ';' up to ']' (flow form), and appends the JSON
 * array. Returns 0 or -1. */
static int rows(struct dec *d, const struct header *h, size_t n_rows, int in_flow, int keyed,
                struct buf *out)
{
    struct cell *cells = calloc(h->leaves ? h->leaves : 1, sizeof(*cells));
    struct buf rowbuf = {0};
    size_t r, saved_n = d->n;
    int rc = -1;
    if (!cells)
        return nomem(d);
    if (enter(d) || enter(d))
        goto done;
    buf_addc(out, keyed ? '{' : '[');
    for (r = 0; in_flow || r < n_rows; r++) {
        size_t k = 0;
        rowbuf.len = 0;
        if (!in_flow)
            d->n = line_end(d, d->i);
        if (r)
            buf_addc(out, ',');
        if (keyed) {
            if (key(d, ":", out))
                goto done;
            if (d->i >= d->n || d->s[d->i] != ':') {
                fail(d, d->i, "expected ':' after a row's key");
                goto done;
            }
            d->i++;
            if (d->i < d->n && d->s[d->i] == ' ')
                d->i++;
            buf_addc(out, ':');
        }
        for (;;) {
            if (k == h->leaves) {
                fail(d, d->i, "a row has more cells than its header has columns");
                goto done;
            }
            if (cell(d, in_flow ? ",;]" : ",", in_flow, &cells[k], &rowbuf))
                goto done;
            k++;
            if (d->i < d->n && d->s[d->i] == ',') {
                d->i++;
                continue;
            }
            break;
        }
        if (k != h->leaves) {
            fail(d, d->i, "a row has fewer cells than its header has columns");
            goto done;
        }
        if (rowbuf.oom) { /* the cells' offsets point past what it holds */
            nomem(d);
            goto done;
        }
        put_group(h, 0, cells, &rowbuf, out);
        if (!in_flow) {
            if (d->i != d->n) {
                fail(d, d->i, "unexpected text at the end of a row");
                goto done;
            }
            d->n = saved_n;
            if (r + 1 < n_rows) {
                if (d->i >= d->n) {
                    fail(d, d->i, "the table has fewer rows than its header says");
                    goto done;
                }
                d->i++; /* '\n' */
            }
            continue;
        }
        if (d->i < d->n && d->s[d->i] == ';') {
            d->i++;
            continue;
        }
        if (d->i < d->n && d->s[d->i] == ']') {
            d->i++;
            break;
        }
        fail(d, d->i, "expected ',', ';' or ']' in a table row");
        goto done;
    }
    buf_addc(out, keyed ? '}' : ']');
    d->depth -= 2;
    rc = 0;
done:
    d->n = saved_n;
    free(cells);
    buf_free(&rowbuf);
    return rc;
}

/* ---- flow values ---------------------------------------------------------- */

/* Returns 1 if the '{' at d->i opens a table header: its first key is
 * followed by ',', '{' or '}' rather than ':'. */
static int is_header(struct dec *d)
{
    size_t save = d->i;
    struct buf scratch = {0};
    const char *msg = d->msg;
    int yes = 0;
    d->i++;
    skip_ws(d);
    if (key(d, ",{}:;[]\"", &scratch) == 0) {
        skip_ws(d);
        yes = d->i < d->n && strchr(",{}", d->s[d->i]) != NULL;
    }
    d->msg = msg;
    d->i = save;
    if (scratch.oom)
        d->oom = 1;
    buf_free(&scratch);
    return yes;
}

/* Reads a flow value at d->i (after whitespace) and appends its JSON.
 * Returns 0 or -1. */
static int flow(struct dec *d, struct buf *out)
{
    size_t a, b;
    int first = 1;
    skip_ws(d);
    if (d->i >= d->n)
        return fail(d, d->i, "expected a value");
    switch (d->s[d->i]) {
    case '"':
        return string(d, out);
    case '{':
        if (enter(d))
            return -1;
        d->i++;
        buf_addc(out, '{');
        for (;;) {
            skip_ws(d);
            if (first && d->i < d->n && d->s[d->i] == '}')
                break;
            if (!first)
                buf_addc(out, ',');
            first = 0;
            if (key(d, ":,;[]{}\"", out))
                return -1;
            skip_ws(d);
            if (d->i >= d->n || d->s[d->i] != ':')
                return fail(d, d->i, "expected ':' after a key");
            d->i++;
            buf_addc(out, ':');
            if (flow(d, out))
                return -1;
            skip_ws(d);
            if (d->i < d->n && d->s[d->i] == ',') {
                d->i++;
                continue;
            }
            if (d->i < d->n && d->s[d->i] == '}')
                break;
            return fail(d, d->i, "expected ',' or '}'");
        }
        d->i++;
        buf_addc(out, '}');
        d->depth--;
        return 0;
    case '[':
        if (enter(d))
            return -1;
        d->i++;
        skip_ws(d);
        if (d->i < d->n && d->s[d->i] == '{' && is_header(d)) {
            struct header h;
            int rc;
            rc = header(d, &h);
            if (rc == 0) {
                skip_ws(d);
                if (d->i >= d->n || d->s[d->i] != ':')
                    rc = fail(d, d->i, "expected ':' after a table header");
                else
                    d->i++;
            }
            if (rc == 0)
                rc = rows(d, &h, 0, 1, 0, out);
            header_free(&h);
            d->depth--;
            return rc;
        }
        buf_addc(out, '[');
        for (;;) {
            skip_ws(d);
            if (first && d->i < d->n && d->s[d->i] == ']')
                break;
            if (!first)
                buf_addc(out, ',');
            first = 0;
            if (flow(d, out))
                return -1;
            skip_ws(d);
            if (d->i < d->n && d->s[d->i] == ',') {
                d->i++;
                continue;
            }
            if (d->i < d->n && d->s[d->i] == ']')
                break;
            return fail(d, d->i, "expected ',' or ']'");
        }
        d->i++;
        buf_addc(out, ']');
        d->depth--;
        return 0;
    default:
        a = d->i;
        while (d->i < d->n && (unsigned char)d->s[d->i] >= 0x20 &&
               !strchr(",;[]{}\"", d->s[d->i]))
            d->i++;
        b = d->i;
        while (b > a && d->s[b - 1] == ' ')
            b--;
        if (b == a)
            return fail(d, a, "expected a value");
        bare(d, a, b, out);
        return 0;
    }
}

/* ---- block form ----------------------------------------------------------- */

/* Reads "[N]", "[N:]" (keyed) or "[N of M]" (the first N rows of M) at
 * d->i into *n and *keyed. Returns 0 or -1. */
static int row_count(struct dec *d, size_t *n, int *keyed)
{
    size_t v = 0, a;
    d->i++; /* '[' */
    a = d->i;
    while (d->i < d->n && d->s[d->i] >= '0' && d->s[d->i] <= '9') {
        if (v > (SIZE_MAX - 9) / 10)
            return fail(d, a, "row count too large");
        v = v * 10 + (size_t)(d->s[d->i++] - '0');
    }
    *keyed = d->i < d->n && d->s[d->i] == ':';
    if (*keyed)
        d->i++;
    if (!*keyed && d->n - d->i > 4 && memcmp(d->s + d->i, " of ", 4) == 0) {
        /* "[K of N]": K rows of N (balanced, max): K rows decode */
        size_t b = d->i += 4;
        while (d->i < d->n && d->s[d->i] >= '0' && d->s[d->i] <= '9')
            d->i++;
        if (d->i == b)
            return fail(d, d->i, "expected the total after 'of'");
    }
    if (d->i == a || d->i >= d->n || d->s[d->i] != ']')
        return fail(d, d->i, "expected a row count like [12] or [12:]");
    d->i++;
    if (d->i >= d->n || d->s[d->i] != '{')
        return fail(d, d->i, "expected '{' and the column names after the row count");
    if (v == 0)
        return fail(d, a, "a table has at least one row");
    *n = v;
    return 0;
}

/* Reads a block table "[N]{cols}:" and its N rows at d->i, appending the
 * JSON array. Returns 0 or -1. */
static int block_table(struct dec *d, struct buf *out)
{
    struct header h;
    size_t n_rows;
    int rc, keyed;
    if (row_count(d, &n_rows, &keyed))
        return -1;
    rc = header(d, &h);
    if (rc == 0 && (d->i >= d->n || d->s[d->i] != ':'))
        rc = fail(d, d->i, "expected ':' after a table header");
    if (rc == 0) {
        d->i++;
        if (d->i < d->n && d->s[d->i] != '\n')
            rc = fail(d, d->i, "expected the end of the line after a table header");
    }
    if (rc == 0) {
        if (d->i < d->n)
            d->i++;
        rc = rows(d, &h, n_rows, 0, keyed, out);
        if (rc == 0 && d->i < d->n)
            d->i++; /* the last row's '\n' */
    }
    header_free(&h);
    return rc;
}

/* Reads the value that fills the rest of a "key: value" line, appending
 * its JSON; d->i ends at the end of the line. Returns 0 or -1. */
static int line_value(struct dec *d, struct buf *out)
{
    size_t e = line_end(d, d->i), saved = d->n;
    int rc;
    if (d->i >= e)
        return fail(d, d->i, "expected a value");
    if (d->s[d->i] == '"' || d->s[d->i] == '[' || d->s[d->i] == '{') {
        d->n = e;
        rc = flow(d, out);
        skip_spaces(d);
        if (rc == 0 && d->i != e)
            rc = fail(d, d->i, "unexpected text after a value");
        d->n = saved;
        return rc;
    }
    bare(d, d->i, e, out);
    d->i = e;
    return 0;
}

/* Reads the members of a block object indented by depth spaces, starting
 * at a line start, and appends the JSON object. Ends at the first line
 * indented less (or the end). Returns 0 or -1. */
static int block(struct dec *d, size_t depth, struct buf *out)
{
    int first = 1;
    if (enter(d))
        return -1;
    buf_addc(out, '{');
    while (d->i < d->n) {
        size_t sp = 0;
        while (d->i + sp < d->n && d->s[d->i + sp] == ' ')
            sp++;
        if (sp < depth && !first)
            break;
        if (sp != depth)
            return fail(d, d->i + sp, first && sp < depth ? "expected an indented member"
                                                          : "unexpected indentation");
        d->i += sp;
        if (!first)
            buf_addc(out, ',');
        first = 0;
        if (key(d, ":[", out))
            return -1;
        if (d->i < d->n && d->s[d->i] == '[') {
            buf_addc(out, ':');
            if (block_table(d, out))
                return -1;
            continue;
        }
        if (d->i >= d->n || d->s[d->i] != ':')
            return fail(d, d->i, "expected ':' after a key");
        d->i++;
        buf_addc(out, ':');
        if (d->i >= d->n || d->s[d->i] == '\n') {
            size_t next;
            if (d->i < d->n)
                d->i++;
            /* "key:" with no member indented under it: an empty object */
            for (next = d->i; next < d->n && d->s[next] == ' ';)
                next++;
            if (d->i >= d->n || next - d->i <= depth) {
                buf_add(out, "{}", 2);
                continue;
            }
            if (block(d, depth + 1, out))
                return -1;
            continue;
        }
        if (d->s[d->i] != ' ')
            return fail(d, d->i, "expected a space after ':'");
        d->i++;
        if (line_value(d, out))
            return -1;
        if (d->i < d->n)
            d->i++; /* '\n' */
    }
    if (first)
        return fail(d, d->i, "expected an indented member");
    buf_addc(out, '}');
    d->depth--;
    return 0;
}

/* ---- the document ----------------------------------------------------------- */

/* Returns 1 if the text at d->i starts a block table: "[digits]{". */
static int at_table(const struct dec *d)
{
    size_t i = d->i + 1;
    if (i >= d->n || d->s[i] < '0' || d->s[i] > '9')
        return 0;
    while (i < d->n && d->s[i] >= '0' && d->s[i] <= '9')
        i++;
    if (i < d->n && d->s[i] == ':')
        i++;
    if (d->n - i > 4 && memcmp(d->s + i, " of ", 4) == 0)
        for (i += 4; i < d->n && d->s[i] >= '0' && d->s[i] <= '9';)
            i++;
    return i + 1 < d->n && d->s[i] == ']' && d->s[i + 1] == '{';
}

/* Reads the whole document: a root table, a flow value, a quoted or bare
 * scalar, or a block object (see the grammar). Returns 0 or -1. */
static int document(struct dec *d)
{
    size_t e;
    skip_ws(d);
    if (d->i >= d->n)
        return fail(d, d->i, "empty input");
    switch (d->s[d->i]) {
    case '[':
        if (at_table(d))
            return block_table(d, d->out);
        return flow(d, d->out);
    case '{':
        return flow(d, d->out);
    case '"': {
        size_t save = d->i, mark = d->out->len;
        if (string(d, d->out))
            return -1;
        skip_spaces(d);
        if (d->i < d->n && (d->s[d->i] == ':' || d->s[d->i] == '[')) {
            d->i = save;
            d->out->len = mark;
            return block(d, 0, d->out);
        }
        return 0;
    }
    default:
        e = line_end(d, d->i);
        {
            size_t b = e;
            while (b > d->i && d->s[b - 1] == ' ')
                b--;
            if (json_is_number(d->s + d->i, b - d->i) || tab_is_literal(d->s + d->i, b - d->i)) {
                buf_add(d->out, d->s + d->i, b - d->i);
                d->i = b;
                return 0;
            }
        }
        return block(d, 0, d->out);
    }
}

int tab_decode(const char *s, size_t n, struct buf *out, struct json_error *err)
{
    struct dec d;
    memset(&d, 0, sizeof(d));
    d.s = s;
    d.n = n;
    d.out = out;
    d.erri = utf8_first_invalid((const unsigned char *)s, n);
    if (d.erri < n)
        fail(&d, d.erri, "invalid UTF-8");
    else if (document(&d) == 0) {
        skip_ws(&d);
        if (d.i < n)
            fail(&d, d.i, "unexpected text after the value");
    }
    if (out->oom)
        nomem(&d);
    if (d.msg) {
        if (err) {
            size_t i, line = 1, col = 1;
            for (i = 0; i < d.erri && i < n; i++) {
                if (s[i] == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            err->offset = d.erri;
            err->line = line;
            err->col = col;
            snprintf(err->msg, sizeof(err->msg), "%s", d.oom ? "out of memory" : d.msg);
        }
        return d.oom ? TERSE_ENOMEM : TERSE_EFORMAT;
    }
    return TERSE_OK;
}
