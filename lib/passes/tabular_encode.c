/* tabular_encode.c - JSON value to tabular encoding; see tabular.h and
 * docs/tabular-json.md.
 *
 * Each container may be written in more than one form (an object as
 * indented "key: value" lines or as a flow {...}; an array of objects as a
 * table, flattened or not, or as a flow [...]). The encoder renders the
 * candidates and keeps the one with the fewest tokens. The flow form of a
 * container does not depend on where it stands, so it is rendered once and
 * remembered (a pointer-keyed table), which keeps the work linear in the
 * size of the document times its depth.
 */
#include "tabular.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tokenize/tokenizer.h" /* tok_counter_count */

/* Deeper objects are written in flow form only (block indentation grows
 * with depth). */
#define MAX_BLOCK_DEPTH 24
/* Nested objects are flattened into dotted columns down to this depth,
 * and down to MAX_FLATTEN_DEEP when that costs fewer tokens still (deeply
 * nested schemas, as TOON's key folding does). */
#define MAX_FLATTEN 3
#define MAX_FLATTEN_DEEP 16
/* More columns than this and an array is not written as a table. */
#define MAX_COLUMNS 512
/* A table written one row a line is easier to read than the same table on
 * one flow line: it is taken when it costs at most 1% more (by estimate)
 * than the flow form. The final output is still never more tokens than
 * minified JSON. */
#define LINES_SLACK(t) ((t) + (t) / 100 + 1)
/* Two tables for the same long array are compared on their first rows. */
#define TABLE_SAMPLE 64
/* Token estimates (est): exact up to EST_EXACT bytes, else sampled. (A
 * third of the bytes, once used below 512 bytes, misjudged forms by a
 * third: a 486-byte keyed table "cost" more than a 717-byte flow line.) */
#define EST_EXACT 1024
#define EST_WINDOWS 6
#define EST_WINDOW 256

struct memo_slot {
    const struct json_value *v;
    size_t off, len;
};

/* A container's table plan, kept for every candidate form that needs it:
 * ok 1 with the columns (flattened or not, whichever won), ok 0 when the
 * container is not a table. */
struct plan_slot {
    const struct json_value *v;
    struct col *cols;
    size_t n;
    int ok;
};

struct enc {
    struct tok_counter *counter;
    const struct tab_limits *lim;
    int oom;
    struct buf memo_text;        /* flow forms, back to back */
    struct memo_slot *memo;      /* open addressing, cap a power of two */
    size_t memo_n, memo_cap;
    size_t block_tables;         /* members written as block tables so far */
    struct plan_slot *plans;     /* the table plan of each array or object */
    size_t plans_n, plans_cap;
};

/* A table column: a key, and for a flattened nested object its own
 * columns. leaves counts the cells the column takes in a row. */
struct col {
    const struct json_value *key;
    struct col *sub;
    size_t nsub, leaves;
};

/* Returns the exact tokens of s[0..n) on the encoder's tokenizer (n when
 * counting fails for memory: an over-estimate, which only makes a form
 * look worse). */
static size_t ntok(struct enc *e, const char *s, size_t n)
{
    size_t c = 0;
    if (tok_counter_count(e->counter, n ? s : "", n, &c) != TERSE_OK)
        return n;
    return c;
}

/* Returns the tokens of s[0..n), estimated for long texts: exact up to
 * EST_EXACT bytes, else from EST_WINDOWS windows of EST_WINDOW bytes
 * spread over the text, scaled by bytes. Choosing between candidate forms needs only their relative size,
 * and this keeps the choice from tokenizing every subtree at every level;
 * the final output is counted exactly (tab_encode). */
static size_t est(struct enc *e, const char *s, size_t n)
{
    size_t w, total = 0, bytes = 0;
    if (n <= EST_EXACT)
        return ntok(e, s, n);
    for (w = 0; w < EST_WINDOWS; w++) {
        size_t a = (n - EST_WINDOW) / (EST_WINDOWS - 1) * w, b;
        while (a < n && ((unsigned char)s[a] & 0xC0) == 0x80)
            a++;
        b = a + EST_WINDOW < n ? a + EST_WINDOW : n;
        while (b < n && ((unsigned char)s[b] & 0xC0) == 0x80)
            b++;
        total += ntok(e, s + a, b - a);
        bytes += b - a;
    }
    return bytes ? (size_t)((double)total * (double)n / (double)bytes) : ntok(e, s, n);
}

/* Appends depth spaces (depth < MAX_BLOCK_DEPTH): one a level. */
static void indent(struct buf *out, int depth)
{
    static const char sp[] = "                        ";
    buf_add(out, sp, (size_t)depth);
}

/* Writes a key: bare when the rules allow and its decoded text is what it
 * means (no lone surrogate escape), else its JSON string literal (escapes
 * as written). */
static void put_key(const struct json_value *k, struct buf *out)
{
    if (!k->lone && tab_key_ok(k->str, k->str_len)) {
        buf_add(out, k->str, k->str_len);
    } else {
        buf_addc(out, '"');
        buf_add(out, k->raw, k->raw_len);
        buf_addc(out, '"');
    }
}

/* Writes a string cut to about max bytes (at a character boundary) with a
 * marker that says how many characters were left out, quoted. */
static void put_cut(const struct json_value *v, size_t max, struct buf *out)
{
    size_t keep = max, i, more = 0;
    char mark[48];
    struct buf t = {0};
    while (keep > 0 && ((unsigned char)v->str[keep] & 0xC0) == 0x80)
        keep--;
    for (i = keep; i < v->str_len; i++)
        more += ((unsigned char)v->str[i] & 0xC0) != 0x80;
    buf_add(&t, v->str, keep);
    snprintf(mark, sizeof mark, "\xE2\x80\xA6[+%zu chars]", more);
    buf_adds(&t, mark);
    json_write_string(t.p, t.len, out);
    if (t.oom)
        out->oom = 1;
    buf_free(&t);
}

/* Writes a scalar at place: strings bare when the rules allow and the
 * decoded text is what they mean (then the decoded text; a lone surrogate
 * escape has no UTF-8 spelling), else as written between quotes; at balanced and max a
 * long string is cut (put_cut). */
static void put_scalar(const struct enc *e, const struct json_value *v, int place,
                       struct buf *out)
{
    if (v->kind == JSON_STRING && e->lim && e->lim->max_string &&
        v->str_len > e->lim->max_string + 32) {
        put_cut(v, e->lim->max_string, out);
        return;
    }
    switch (v->kind) {
    case JSON_NULL:
        buf_add(out, "null", 4);
        break;
    case JSON_TRUE:
        buf_add(out, "true", 4);
        break;
    case JSON_FALSE:
        buf_add(out, "false", 5);
        break;
    case JSON_NUMBER:
        buf_add(out, v->raw, v->raw_len);
        break;
    default:
        if (!v->lone && tab_bare_ok(v->str, v->str_len, place)) {
            buf_add(out, v->str, v->str_len);
        } else {
            buf_addc(out, '"');
            buf_add(out, v->raw, v->raw_len);
            buf_addc(out, '"');
        }
    }
}

/* Returns 1 for arrays and objects. */
static int is_container(const struct json_value *v)
{
    return v->kind == JSON_ARRAY || v->kind == JSON_OBJECT;
}

/* Returns 1 if two keys are the same string ("\uD800" is not "\uFFFD"). */
static int same_key(const struct json_value *a, const struct json_value *b)
{
    return json_string_same(a, b);
}

/* ---- column plans --------------------------------------------------------- */

/* Releases the columns c[0..n) and their groups (c may be NULL). */
static void free_cols(struct col *c, size_t n)
{
    size_t i;
    for (i = 0; c && i < n; i++)
        free_cols(c[i].sub, c[i].nsub);
    free(c);
}

/* The number of columns of c[0..n), those of groups included. */
static size_t count_cols(const struct col *c, size_t n)
{
    size_t i, k = n;
    for (i = 0; i < n; i++)
        k += count_cols(c[i].sub, c[i].nsub);
    return k;
}

/* Builds the columns shared by the objects objs[0..m): the union of their
 * keys in an order in which every object's keys appear in their own order.
 * With flat > 0, a column whose values are all non-empty objects that
 * themselves have such an order becomes a group of columns (recursively,
 * flat levels deep). Returns 1 with *cols and *ncols set, 0 when there is no
 * such order (an object out of order, a duplicate key, not all objects,
 * too many columns), -1 when out of memory. */
static int plan(const struct json_value *const *objs, size_t m, int flat, struct col **cols,
                size_t *ncols)
{
    const struct json_value **keys = NULL;
    const struct json_value **cells = NULL, **vals = NULL;
    struct col *c = NULL;
    size_t nk = 0, capk = 0, i, j, ci;
    int rc = 0;
    for (i = 0; i < m; i++) {
        size_t next = 0;
        if (objs[i]->kind != JSON_OBJECT)
            goto done;
        for (j = 0; j < objs[i]->n; j++) {
            const struct json_value *k = &objs[i]->keys[j];
            size_t at = next;
            while (at < nk && !same_key(keys[at], k))
                at++;
            if (at == nk) {
                size_t before;
                for (before = 0; before < next; before++)
                    if (same_key(keys[before], k))
                        goto done; /* out of order, or a duplicate */
                if (nk == MAX_COLUMNS)
                    goto done;
                if (nk == capk) {
                    const struct json_value **t;
                    capk = capk ? capk * 2 : 16;
                    t = realloc(keys, capk * sizeof(*t));
                    if (!t) {
                        rc = -1;
                        goto done;
                    }
                    keys = t;
                }
                memmove(keys + next + 1, keys + next, (nk - next) * sizeof(*keys));
                keys[next] = k;
                nk++;
                at = next;
            }
            next = at + 1;
        }
    }
    if (nk == 0)
        goto done;
    c = calloc(nk, sizeof(*c));
    if (!c) {
        rc = -1;
        goto done;
    }
    for (ci = 0; ci < nk; ci++) {
        c[ci].key = keys[ci];
        c[ci].leaves = 1;
    }
    if (flat > 0) {
        /* the cell matrix: cells[i * nk + ci] is object i's value of
         * column ci, or NULL */
        cells = calloc(m * nk, sizeof(*cells));
        vals = malloc(m * sizeof(*vals));
        if (!cells || !vals) {
            rc = -1;
            goto done;
        }
        for (i = 0; i < m; i++)
            for (j = 0, ci = 0; j < objs[i]->n; j++, ci++) {
                while (!same_key(keys[ci], &objs[i]->keys[j]))
                    ci++;
                cells[i * nk + ci] = &objs[i]->items[j];
            }
        for (ci = 0; ci < nk; ci++) {
            size_t nv = 0;
            int ok = 1, r;
            for (i = 0; i < m && ok; i++) {
                const struct json_value *v = cells[i * nk + ci];
                if (!v)
                    continue;
                if (v->kind != JSON_OBJECT || v->n == 0)
                    ok = 0;
                else
                    vals[nv++] = v;
            }
            if (!ok || nv == 0)
                continue;
            r = plan(vals, nv, flat - 1, &c[ci].sub, &c[ci].nsub);
            if (r < 0) {
                rc = -1;
                goto done;
            }
            if (r > 0) {
                size_t s;
                c[ci].leaves = 0;
                for (s = 0; s < c[ci].nsub; s++)
                    c[ci].leaves += c[ci].sub[s].leaves;
            }
        }
    }
    *cols = c;
    *ncols = nk;
    c = NULL;
    rc = 1;
done:
    if (c)
        free_cols(c, nk);
    free(keys);
    free(cells);
    free(vals);
    return rc;
}

/* Writes the column names, comma separated; a flattened group as
 * name{its columns}. */
static void put_header(const struct col *c, size_t n, struct buf *out)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (i)
            buf_addc(out, ',');
        put_key(c[i].key, out);
        if (c[i].sub) {
            buf_addc(out, '{');
            put_header(c[i].sub, c[i].nsub, out);
            buf_addc(out, '}');
        }
    }
}

static void flow(struct enc *e, const struct json_value *v, struct buf *out);

/* Writes the cells of obj (NULL: absent) for the columns c[0..n), each
 * preceded by ',' except the row's first. An absent value is an empty
 * cell. */
static void put_cells(struct enc *e, const struct col *c, size_t n, const struct json_value *obj,
                      int place, int *first, struct buf *out)
{
    size_t i, j = 0;
    for (i = 0; i < n; i++) {
        const struct json_value *v = NULL;
        if (obj && j < obj->n && same_key(&obj->keys[j], c[i].key))
            v = &obj->items[j++];
        if (c[i].sub) {
            put_cells(e, c[i].sub, c[i].nsub, v, place, first, out);
            continue;
        }
        if (!*first)
            buf_addc(out, ',');
        *first = 0;
        if (!v)
            continue;
        if (is_container(v))
            flow(e, v, out);
        else
            put_scalar(e, v, place, out);
    }
}

/* Writes v as a table with columns c (only its first max_rows rows when
 * max_rows is not 0: a sample to compare tables by). An array in flow form
 * is "[{cols}:row;row]"; in block form "[N]{cols}:" and one row a line
 * (the caller has written the key). An object (block form only) is a
 * keyed table, "[N:]{cols}:", each row a line "key: cells". */
static void put_table(struct enc *e, const struct json_value *v, const struct col *c, size_t n,
                      int in_flow, size_t max_rows, struct buf *out)
{
    char num[64];
    size_t i, rows = v->n;
    int first, keyed = v->kind == JSON_OBJECT;
    if (in_flow) {
        buf_add(out, "[{", 2);
    } else {
        int len;
        if (!keyed && e->lim && e->lim->sample_rows && v->n > 2 * e->lim->sample_rows) {
            /* balanced, max: the first rows of a long table, and how many
             * there are */
            rows = e->lim->sample_rows;
            len = snprintf(num, sizeof(num), "[%zu of %zu]{", rows, v->n);
        } else {
            len = snprintf(num, sizeof(num), keyed ? "[%zu:]{" : "[%zu]{", v->n);
        }
        buf_add(out, num, (size_t)len);
    }
    put_header(c, n, out);
    buf_add(out, "}:", 2);
    if (max_rows && rows > max_rows)
        rows = max_rows; /* a sample, only to compare two tables */
    for (i = 0; i < rows; i++) {
        if (!in_flow)
            buf_addc(out, '\n');
        else if (i)
            buf_addc(out, ';');
        if (keyed) {
            put_key(&v->keys[i], out);
            buf_add(out, ": ", 2);
        }
        first = 1;
        put_cells(e, c, n, &v->items[i], in_flow ? TAB_FLOW : TAB_CELL, &first, out);
    }
    if (in_flow)
        buf_addc(out, ']');
}

/* Returns 1 if v is an array or object of at least two values, all of them
 * objects: a table candidate. */
static int tableish(const struct json_value *v)
{
    size_t i;
    if ((v->kind != JSON_ARRAY && v->kind != JSON_OBJECT) || v->n < 2)
        return 0;
    for (i = 0; i < v->n; i++)
        if (v->items[i].kind != JSON_OBJECT)
            return 0;
    return 1;
}

/* ---- flow form, remembered per container ---------------------------------- */

static size_t memo_hash(const struct json_value *v, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)v * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 32) & (cap - 1);
}

/* Returns the remembered flow form of container v, or NULL. */
static struct memo_slot *memo_find(struct enc *e, const struct json_value *v)
{
    size_t i;
    if (!e->memo_cap)
        return NULL;
    for (i = memo_hash(v, e->memo_cap); e->memo[i].v; i = (i + 1) & (e->memo_cap - 1))
        if (e->memo[i].v == v)
            return &e->memo[i];
    return NULL;
}

/* Remembers s[0..n) as the flow form of v (the table doubles at half
 * full); on allocation failure sets e->oom and remembers nothing. */
static void memo_put(struct enc *e, const struct json_value *v, const char *s, size_t n)
{
    size_t i, off = e->memo_text.len;
    if (e->memo_n * 2 >= e->memo_cap) {
        size_t cap = e->memo_cap ? e->memo_cap * 2 : 1024, k;
        struct memo_slot *t = calloc(cap, sizeof(*t));
        if (!t) {
            e->oom = 1;
            return;
        }
        for (k = 0; k < e->memo_cap; k++)
            if (e->memo[k].v) {
                for (i = memo_hash(e->memo[k].v, cap); t[i].v; i = (i + 1) & (cap - 1))
                    ;
                t[i] = e->memo[k];
            }
        free(e->memo);
        e->memo = t;
        e->memo_cap = cap;
    }
    buf_add(&e->memo_text, s, n);
    for (i = memo_hash(v, e->memo_cap); e->memo[i].v; i = (i + 1) & (e->memo_cap - 1))
        ;
    e->memo[i].v = v;
    e->memo[i].off = off;
    e->memo[i].len = n;
    e->memo_n++;
}

/* Returns the remembered table plan of v, or NULL. */
static struct plan_slot *plan_find(struct enc *e, const struct json_value *v)
{
    size_t i;
    if (!e->plans_cap)
        return NULL;
    for (i = memo_hash(v, e->plans_cap); e->plans[i].v; i = (i + 1) & (e->plans_cap - 1))
        if (e->plans[i].v == v)
            return &e->plans[i];
    return NULL;
}

/* Plans v (an array or object of objects) as a table, plain and with
 * nested objects flattened, keeps the better of the two (compared on the
 * first TABLE_SAMPLE rows of a long table, written as in_flow says) and
 * remembers it. Returns the slot, or NULL when out of memory. */
static struct plan_slot *plan_put(struct enc *e, const struct json_value *v, int in_flow)
{
    static const int depth[3] = {0, MAX_FLATTEN, MAX_FLATTEN_DEEP};
    const struct json_value **objs;
    struct col *c[3] = {NULL, NULL, NULL};
    size_t nc[3] = {0, 0, 0}, i, prev_nodes = 0;
    struct plan_slot *ps;
    int k, use = 0;
    if (e->plans_n * 2 >= e->plans_cap) {
        size_t cap = e->plans_cap ? e->plans_cap * 2 : 256;
        struct plan_slot *t2 = calloc(cap, sizeof(*t2));
        if (!t2) {
            e->oom = 1;
            return NULL;
        }
        for (k = 0; (size_t)k < e->plans_cap; k++)
            if (e->plans[k].v) {
                for (i = memo_hash(e->plans[k].v, cap); t2[i].v; i = (i + 1) & (cap - 1))
                    ;
                t2[i] = e->plans[k];
            }
        free(e->plans);
        e->plans = t2;
        e->plans_cap = cap;
    }
    objs = malloc(v->n * sizeof(*objs));
    if (!objs) {
        e->oom = 1;
        return NULL;
    }
    for (i = 0; i < v->n; i++)
        objs[i] = &v->items[i];
    for (k = 0; k < 3; k++) {
        size_t nodes;
        int r = plan(objs, v->n, depth[k], &c[k], &nc[k]);
        if (r < 0)
            e->oom = 1;
        if (r <= 0)
            break;
        nodes = count_cols(c[k], nc[k]);
        if (k && nodes == prev_nodes) {
            /* nothing (more) to flatten: the same table as before (a
             * count of columns, groups included: a group of one column,
             * if{properties{const}}, has as many leaves as no group) */
            free_cols(c[k], nc[k]);
            c[k] = NULL;
            nc[k] = 0;
            break;
        }
        prev_nodes = nodes;
    }
    free(objs);
    if (c[0] && c[1]) {
        size_t sample = v->n > 2 * TABLE_SAMPLE ? TABLE_SAMPLE : 0, tks[3] = {0, 0, 0}, best;
        struct buf t = {0};
        for (k = 0; k < 3 && c[k]; k++) {
            t.len = 0;
            put_table(e, v, c[k], nc[k], in_flow, sample, &t);
            tks[k] = est(e, t.p, t.len);
        }
        buf_free(&t);
        /* the fewest tokens; on a tie the shallower (the earlier) */
        best = tks[0];
        for (k = 1; k < 3 && c[k]; k++)
            if (tks[k] < best) {
                best = tks[k];
                use = k;
            }
    }
    for (k = 0; k < 3; k++)
        if (k != use)
            free_cols(c[k], nc[k]);
    for (i = memo_hash(v, e->plans_cap); e->plans[i].v; i = (i + 1) & (e->plans_cap - 1))
        ;
    ps = &e->plans[i];
    ps->v = v;
    ps->cols = c[use];
    ps->n = nc[use];
    ps->ok = c[use] != NULL;
    e->plans_n++;
    return ps;
}

/* Writes v as a table (its remembered plan; see plan_put) in flow or block
 * form, as lead[0..lead_len) + table (+ '\n' when nl), and keeps it in
 * *best if it beats *best_tokens (SIZE_MAX: nothing yet). */
static void try_tables(struct enc *e, const struct json_value *v, int in_flow, const char *lead,
                       size_t lead_len, int nl, struct buf *best, size_t *best_tokens)
{
    struct plan_slot *ps = plan_find(e, v);
    struct buf t = {0};
    size_t tk;
    if (!ps) {
        ps = plan_put(e, v, in_flow);
        if (!ps)
            return;
    }
    if (!ps->ok)
        return;
    buf_add(&t, lead, lead_len);
    put_table(e, v, ps->cols, ps->n, in_flow, 0, &t);
    if (nl)
        buf_addc(&t, '\n');
    if (t.oom) {
        e->oom = 1;
    } else if ((tk = est(e, t.p, t.len)) < *best_tokens) {
        struct buf x = *best;
        *best = t;
        t = x;
        *best_tokens = tk;
    }
    buf_free(&t);
}

/* Returns 1 if the objects of array v (tableish) all have the same keys in
 * the same order. */
static int uniform(const struct json_value *v)
{
    size_t i, k;
    for (i = 1; i < v->n; i++) {
        if (v->items[i].n != v->items[0].n)
            return 0;
        for (k = 0; k < v->items[0].n; k++)
            if (!same_key(&v->items[i].keys[k], &v->items[0].keys[k]))
                return 0;
    }
    return v->items[0].n > 0;
}

/* Returns 1 if, on its first TABLE_SAMPLE objects, the long array v
 * (tableish) costs fewer tokens as a flow table (without flattening) than
 * as [{k:v},...]. */
static int table_wins_sample(struct enc *e, const struct json_value *v)
{
    struct json_value head = *v;
    const struct json_value **objs;
    struct col *c = NULL;
    struct buf a = {0}, b = {0};
    size_t n = 0, k, ta, tb;
    int r, wins = 0;
    head.n = TABLE_SAMPLE;
    objs = malloc(head.n * sizeof(*objs));
    if (!objs)
        return 0;
    for (k = 0; k < head.n; k++)
        objs[k] = &v->items[k];
    r = plan(objs, head.n, 0, &c, &n);
    free(objs);
    if (r <= 0)
        return 0;
    put_table(e, &head, c, n, 1, 0, &a);
    free_cols(c, n);
    buf_addc(&b, '[');
    for (k = 0; k < head.n; k++) {
        if (k)
            buf_addc(&b, ',');
        flow(e, &v->items[k], &b);
    }
    buf_addc(&b, ']');
    if (!a.oom && !b.oom) {
        ta = est(e, a.p, a.len);
        tb = est(e, b.p, b.len);
        wins = ta < tb;
    }
    buf_free(&a);
    buf_free(&b);
    return wins;
}

/* Appends the flow form of v: scalars as at TAB_FLOW, objects as
 * {key:value,...}, arrays as [a,b] or, when cheaper, a flow table. */
static void flow(struct enc *e, const struct json_value *v, struct buf *out)
{
    struct memo_slot *m;
    struct buf plain = {0};
    size_t k;
    if (!is_container(v)) {
        put_scalar(e, v, TAB_FLOW, out);
        return;
    }
    m = memo_find(e, v);
    if (m) {
        buf_add(out, e->memo_text.p + m->off, m->len);
        return;
    }
    if (v->kind == JSON_ARRAY && tableish(v) &&
        (uniform(v) || (v->n > 2 * TABLE_SAMPLE && table_wins_sample(e, v)))) {
        /* objects with the same keys: a table always beats [{k:v},...];
         * a long array of other objects: when the table wins on the first
         * rows. Then [{k:v},...] need not be written to be compared. */
        size_t bt = SIZE_MAX;
        try_tables(e, v, 1, "", 0, 0, &plain, &bt);
        if (plain.len)
            goto done;
    }
    buf_addc(&plain, v->kind == JSON_ARRAY ? '[' : '{');
    for (k = 0; k < v->n; k++) {
        if (k)
            buf_addc(&plain, ',');
        if (v->kind == JSON_OBJECT) {
            put_key(&v->keys[k], &plain);
            buf_addc(&plain, ':');
        }
        flow(e, &v->items[k], &plain);
    }
    buf_addc(&plain, v->kind == JSON_ARRAY ? ']' : '}');
    if (plain.oom)
        e->oom = 1;
    if (v->kind == JSON_ARRAY && tableish(v)) {
        struct buf best = {0};
        size_t bt = est(e, plain.p, plain.len);
        size_t before = bt;
        try_tables(e, v, 1, "", 0, 0, &best, &bt);
        if (bt < before) {
            buf_free(&plain);
            plain = best;
        } else {
            buf_free(&best);
        }
    }
done:
    memo_put(e, v, plain.p, plain.len);
    buf_add(out, plain.p, plain.len);
    buf_free(&plain);
}

/* ---- block form ----------------------------------------------------------- */

static void block(struct enc *e, const struct json_value *obj, int depth, struct buf *out);

/* Appends member k of obj as block lines at depth (each line ends with
 * '\n'), in its cheapest form. */
static void member(struct enc *e, const struct json_value *obj, size_t k, int depth,
                   struct buf *out)
{
    const struct json_value *v = &obj->items[k];
    struct buf line = {0}, best = {0};
    size_t bt = SIZE_MAX, t;
    indent(&line, depth);
    put_key(&obj->keys[k], &line);
    if (!is_container(v) || v->n == 0) {
        /* an empty object is "key:" with nothing indented under it */
        if (v->kind == JSON_OBJECT) {
            buf_addc(&line, ':');
        } else if (is_container(v)) {
            buf_add(&line, ": []", 4);
        } else {
            buf_add(&line, ": ", 2);
            put_scalar(e, v, TAB_LINE, &line);
        }
        buf_addc(&line, '\n');
        buf_add(out, line.p, line.len);
        buf_free(&line);
        return;
    }
    /* the flow form */
    buf_add(&best, line.p, line.len);
    buf_add(&best, ": ", 2);
    flow(e, v, &best);
    buf_addc(&best, '\n');
    bt = est(e, best.p, best.len);
    if (tableish(v)) {
        /* a block table: key[N]{cols}: or key[N:]{cols}: then the rows,
         * unindented */
        size_t slack = LINES_SLACK(bt), before = slack;
        try_tables(e, v, 0, line.p, line.len, 1, &best, &slack);
        if (slack != before) {
            bt = slack;
            e->block_tables++;
        }
    }
    if (v->kind == JSON_OBJECT && depth + 1 < MAX_BLOCK_DEPTH) {
        struct buf b = {0};
        buf_add(&b, line.p, line.len);
        buf_add(&b, ":\n", 2);
        block(e, v, depth + 1, &b);
        t = est(e, b.p, b.len);
        if (t < bt) {
            buf_free(&best);
            best = b;
            bt = t;
        } else {
            buf_free(&b);
        }
    }
    if (best.oom || line.oom)
        e->oom = 1;
    buf_add(out, best.p, best.len);
    buf_free(&best);
    buf_free(&line);
}

/* Appends the members of obj as block lines at depth. */
static void block(struct enc *e, const struct json_value *obj, int depth, struct buf *out)
{
    size_t k;
    for (k = 0; k < obj->n; k++)
        member(e, obj, k, depth, out);
}

int tab_encode(const struct json_value *v, struct tok_counter *counter,
               const struct tab_limits *lim, struct buf *out, size_t *tokens)
{
    struct enc e;
    struct buf best = {0}, t = {0};
    size_t bt = SIZE_MAX, tk, tm, k;
    memset(&e, 0, sizeof(e));
    e.counter = counter;
    e.lim = lim;
    if (is_container(v)) {
        /* the cheapest of the candidate forms, by estimate (a root
         * scalar is written as JSON: a bare string could read as a
         * "key: value" line) */
        flow(&e, v, &best);
        bt = est(&e, best.p, best.len);
        if (tableish(v)) {
            size_t slack = LINES_SLACK(bt), before = slack;
            try_tables(&e, v, 0, "", 0, 0, &best, &slack);
            if (slack != before)
                bt = slack;
        }
        if (v->kind == JSON_OBJECT && v->n) {
            size_t tables = e.block_tables;
            block(&e, v, 0, &t);
            if (t.len && t.p[t.len - 1] == '\n')
                t.len--;
            tk = est(&e, t.p, t.len);
            /* lines with a table in them get the slack of tables */
            if (tk < (e.block_tables > tables ? LINES_SLACK(bt) : bt)) {
                struct buf x = best;
                best = t;
                t = x;
                bt = tk;
            }
            /* a small document: the estimate (a third of the bytes) cannot
             * tell `{type:commonjs}` (6 tokens) from `type: commonjs` (4),
             * so the two are counted exactly and the fewer tokens win */
            if (best.len <= EST_EXACT && t.len <= EST_EXACT &&
                ntok(&e, t.p, t.len) < ntok(&e, best.p, best.len)) {
                struct buf x = best;
                best = t;
                t = x;
            }
        }
    }
    /* minified JSON is itself a valid encoding: the fallback. It is
     * counted exactly unless the estimate puts it 25% above the chosen
     * form (a long document: the estimate's error is a few percent) */
    t.len = 0;
    json_write(v, &t);
    bt = best.len ? ntok(&e, best.p, best.len) : SIZE_MAX;
    tm = est(&e, t.p ? t.p : "", t.len);
    if (t.len <= EST_EXACT || bt == SIZE_MAX || (double)bt * 1.25 > (double)tm)
        tm = ntok(&e, t.p ? t.p : "", t.len);
    if (best.oom || t.oom || e.oom || e.memo_text.oom) {
        e.oom = 1;
    } else if (bt < tm) {
        buf_add(out, best.p, best.len);
    } else {
        buf_add(out, t.p, t.len);
        bt = tm;
    }
    if (tokens)
        *tokens = bt;
    buf_free(&best);
    buf_free(&t);
    buf_free(&e.memo_text);
    free(e.memo);
    for (k = 0; k < e.plans_cap; k++)
        if (e.plans[k].v)
            free_cols(e.plans[k].cols, e.plans[k].n);
    free(e.plans);
    return e.oom || out->oom ? TERSE_ENOMEM : TERSE_OK;
}
