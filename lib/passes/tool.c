/* tool.c - encodings of tool and terminal output; see tool.h and
 * docs/tool-output.md.
 *
 * The input is read as lines (split at '\n' only, so that every other
 * byte, CRs included, stays in its line). From each line on, the first of
 * these that applies is written: a ruler, a diff header, a commit whose
 * author is the one above, a block of lines repeated, a group of grep hits
 * of one file, a block of paths, a block of table rows, else the line
 * itself. Every block is checked as it is built (a table row is taken only
 * if its columns place it back exactly), so decoding gives back every
 * byte. At balanced and max the lines are first thinned (runs of alike
 * lines), then encoded the same way.
 */
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../detect/tool_shape.h"
#include "../select/relevance.h"
#include "../select/pick.h"
#include "../tokenize/tokenizer.h" /* tok_counter_count */
#include "levels.h" /* level_get */
#include "terse.h"

#define MAX_COLS 32     /* a table has at most this many columns */
#define TABLE_SAMPLE 16 /* rows read to guess a table's layout */
#define RUN_MIN 8       /* balanced: runs longer than this are thinned */
#define MAX_REPEAT 8    /* ~xN/K: K at most this */

struct line {
    const char *p;
    size_t n;
    int marker; /* a "~-N" line of the thinning, written as it is */
    int verbatim; /* balanced, max: an error or warning, written as it is */
};

enum { USE_P = 1, USE_G = 2, USE_T = 4, USE_X = 8, USE_R = 16, USE_D = 32, USE_C = 64, USE_CUT = 128, USE_M = 256, USE_H = 512 };

/* The head line's legend: what each form used stands for, in this order. */
static const struct {
    unsigned use;
    const char *text;
} legend[] = {
    {USE_P, "; ~pN: N paths, indent D: first D /-parts as above"},
    {USE_G, "; ~N P{*}: N lines after P"},
    {USE_H, "; ~hN: N hits, indent D: first D /-parts of the path as above"},
    {USE_T, "; ~tN COLS: N rows 1-space apart (COLS: <C/>C starts/ends at column C, =V: all V, C\": a blank cell is the cell above)"},
    {USE_X, "; ~xN[/K]: line (K lines) above N times"},
    {USE_R, "; ~rCN: C N times"},
    {USE_D, "; ~d F I: diff --git a/F b/F, index I, ---/+++ F"},
    {USE_C, "; ~c H: commit H, Author as above (~c T H: and Date as above at time T)"},
    {USE_M, "; ~X=T: ~X stands for T"},
    {USE_CUT, "; ~-N: N like lines cut"},
};

#define MACROS 26      /* ~A .. ~Z */
#define MACRO_MIN 40   /* a shared start this long (bytes) becomes a macro */
#define MACRO_BACK 8   /* looked for in this many lines above */
#define MACRO_AHEAD 256

struct enc {
    const struct line *L;
    size_t m;
    struct buf *b;
    unsigned used;
    size_t author; /* index + 1 of the last "Author: " line seen, or 0 */
    size_t date;   /* index + 1 of the last "Date:" line seen, or 0 */
    const char *mac[MACROS]; /* the macros ~A .. ~Z: starts of lines */
    size_t macn[MACROS];
    size_t next_mac;
};

static int starts(const struct line *l, const char *p)
{
    size_t k = strlen(p);
    return l->n >= k && memcmp(l->p, p, k) == 0;
}

/* A line that a block may take: no marker, no line kept verbatim. */
static int free_line(const struct line *l)
{
    return !l->marker && !l->verbatim;
}

static int same_line(const struct line *a, const struct line *b)
{
    return a->n == b->n && free_line(a) && free_line(b) && memcmp(a->p, b->p, a->n) == 0;
}

/* Marks lines [a, b) as read (the author of ~c). */
static void seen(struct enc *e, size_t a, size_t b)
{
    for (; a < b; a++)
        if (!e->L[a].marker && starts(&e->L[a], "Author: "))
            e->author = a + 1;
        else if (!e->L[a].marker && starts(&e->L[a], "Date:"))
            e->date = a + 1;
}

/* A ruler: eight or more of one of "=-*_#+~." and nothing else. */
static int ruler(const struct line *l)
{
    size_t i;
    if (l->n < 8 || !l->p[0] || !strchr("=-*_#+~.", l->p[0])) /* strchr finds the NUL too */
        return 0;
    for (i = 1; i < l->n; i++)
        if (l->p[i] != l->p[0])
            return 0;
    return 1;
}

/* Writes line l as a line of the encoding. */
static void put_plain(struct enc *e, const struct line *l)
{
    char num[32];
    if (l->marker) {
        buf_add(e->b, l->p, l->n);
        e->used |= USE_CUT;
    } else if (ruler(l)) {
        snprintf(num, sizeof num, "~r%c%zu", l->p[0], l->n);
        buf_adds(e->b, num);
        e->used |= USE_R;
    } else {
        if (l->n && l->p[0] == '~')
            buf_addc(e->b, '~');
        buf_add(e->b, l->p, l->n);
    }
    buf_addc(e->b, '\n');
}

/* "diff --git a/F b/F", "index I", "--- a/F", "+++ b/F" at i: writes
 * "~d F I" and returns 4, else 0. */
static size_t put_diff(struct enc *e, size_t i)
{
    const struct line *L = e->L + i;
    size_t f, k;
    if (i + 4 > e->m || !free_line(&L[0]) || !free_line(&L[1]) || !free_line(&L[2]) || !free_line(&L[3]) ||
        !starts(&L[0], "diff --git a/") || !starts(&L[1], "index ") || L[1].n <= 6 || !starts(&L[2], "--- a/") ||
        !starts(&L[3], "+++ b/"))
        return 0;
    f = L[2].n - 6; /* F */
    if (f == 0 || L[3].n != 6 + f || memcmp(L[3].p + 6, L[2].p + 6, f) != 0 || L[0].n != 13 + f + 3 + f ||
        memcmp(L[0].p + 13, L[2].p + 6, f) != 0 || memcmp(L[0].p + 13 + f, " b/", 3) != 0 ||
        memcmp(L[0].p + 16 + f, L[2].p + 6, f) != 0)
        return 0;
    for (k = 0; k < f; k++)
        if (L[2].p[6 + k] == ' ')
            return 0;
    buf_adds(e->b, "~d ");
    buf_add(e->b, L[2].p + 6, f);
    buf_addc(e->b, ' ');
    buf_add(e->b, L[1].p + 6, L[1].n - 6);
    buf_addc(e->b, '\n');
    e->used |= USE_D;
    return 4;
}

/* Whether p (8 bytes or more) starts with a time "NN:NN:NN". */
static int is_time(const char *p)
{
    size_t k;
    for (k = 0; k < 8; k++)
        if (k == 2 || k == 5 ? p[k] != ':' : (p[k] < '0' || p[k] > '9'))
            return 0;
    return 1;
}

/* Where the first time "NN:NN:NN" of p[0..n) is, or n. */
static size_t time_at(const char *p, size_t n)
{
    size_t k;
    for (k = 0; k + 8 <= n; k++)
        if (p[k] == ':' && k >= 2 && is_time(p + k - 2))
            return k - 2;
    return n;
}

/* "commit H" followed by the same Author line as the commit above: writes
 * "~c H" and returns 2; when the Date line after them is the Date line
 * above but for its time T, "~c T H" and returns 3; else 0. */
static size_t put_commit(struct enc *e, size_t i)
{
    const struct line *a, *d, *pd;
    size_t t;
    if (!e->author || i + 2 > e->m || !free_line(&e->L[i]) || !free_line(&e->L[i + 1]) ||
        !starts(&e->L[i], "commit "))
        return 0;
    if (e->L[i].n >= 16 && is_time(e->L[i].p + 7) && e->L[i].p[15] == ' ')
        return 0; /* would read as "~c T H" */
    a = &e->L[e->author - 1];
    if (!same_line(&e->L[i + 1], a))
        return 0;
    if (e->date && i + 3 <= e->m && free_line(&e->L[i + 2]) && starts(&e->L[i + 2], "Date:")) {
        d = &e->L[i + 2];
        pd = &e->L[e->date - 1];
        t = time_at(pd->p, pd->n);
        if (d->n == pd->n && t < pd->n && is_time(d->p + t) && memcmp(d->p, pd->p, t) == 0 &&
            memcmp(d->p + t + 8, pd->p + t + 8, d->n - t - 8) == 0) {
            buf_adds(e->b, "~c ");
            buf_add(e->b, d->p + t, 8);
            buf_addc(e->b, ' ');
            buf_add(e->b, e->L[i].p + 7, e->L[i].n - 7);
            buf_addc(e->b, '\n');
            e->used |= USE_C;
            return 3;
        }
    }
    buf_adds(e->b, "~c ");
    buf_add(e->b, e->L[i].p + 7, e->L[i].n - 7);
    buf_addc(e->b, '\n');
    e->used |= USE_C;
    return 2;
}

/* A block of K lines repeated at i: writes it once and "~xN[/K]"; returns
 * the lines taken, or 0. */
static size_t put_repeat(struct enc *e, size_t i)
{
    size_t K, best = 0, bestK = 0, bestR = 0, k;
    char num[48];
    for (K = 1; K <= MAX_REPEAT && i + 2 * K <= e->m; K++) {
        size_t r = 1;
        for (;;) {
            size_t s = i + r * K;
            if (s + K > e->m)
                break;
            for (k = 0; k < K && same_line(&e->L[i + k], &e->L[s + k]); k++)
                ;
            if (k < K)
                break;
            r++;
        }
        if (r >= 2 && (K > 1 || r >= 3 || e->L[i].n >= 16) && r * K > best) {
            best = r * K;
            bestK = K;
            bestR = r;
        }
    }
    if (!best)
        return 0;
    for (k = 0; k < bestK; k++)
        put_plain(e, &e->L[i + k]);
    if (bestK == 1)
        snprintf(num, sizeof num, "~x%zu\n", bestR);
    else
        snprintf(num, sizeof num, "~x%zu/%zu\n", bestR, bestK);
    buf_adds(e->b, num);
    e->used |= USE_X;
    return best;
}

/* grep hits of one file at i: "~N P{*}" and the rests; returns the lines
 * taken, or 0. */
static size_t put_hits(struct enc *e, size_t i)
{
    size_t pl, j, q;
    char num[32];
    if (!free_line(&e->L[i]) || !tool_hit_line(e->L[i].p, e->L[i].n, &pl))
        return 0;
    for (j = i + 1; j < e->m && free_line(&e->L[j]) && tool_hit_line(e->L[j].p, e->L[j].n, &q) && q == pl &&
                    memcmp(e->L[j].p, e->L[i].p, pl) == 0;
         j++)
        ;
    if (j - i < 3 && !(j - i == 2 && pl >= 20))
        return 0;
    snprintf(num, sizeof num, "~%zu ", j - i);
    buf_adds(e->b, num);
    buf_add(e->b, e->L[i].p, pl);
    buf_adds(e->b, "{*}\n");
    for (q = i; q < j; q++) {
        buf_add(e->b, e->L[q].p + pl, e->L[q].n - pl);
        buf_addc(e->b, '\n');
    }
    e->used |= USE_G;
    return j - i;
}

/* The end of the first d '/'-parts of p[0..n): the d-th '/' or n when p
 * has d - 1 of them; (size_t)-1 when it has fewer. */
static size_t parts_end(const char *p, size_t n, size_t d)
{
    size_t i, seen_sl = 0;
    for (i = 0; i < n; i++)
        if (p[i] == '/' && ++seen_sl == d)
            return i;
    return seen_sl + 1 == d ? n : (size_t)-1;
}

/* The hits of one file that start at i (a group of put_hits when 3 or
 * more). */
static size_t same_file(const struct enc *e, size_t i)
{
    size_t pl, q, j;
    if (!free_line(&e->L[i]) || !tool_hit_line(e->L[i].p, e->L[i].n, &pl))
        return 0;
    for (j = i + 1; j < e->m && free_line(&e->L[j]) && tool_hit_line(e->L[j].p, e->L[j].n, &q) && q == pl &&
                    memcmp(e->L[j].p, e->L[i].p, pl) == 0;
         j++)
        ;
    return j - i;
}

/* The length of the path of a line: all of it (paths), or up to its
 * first ':' (hits). */
static size_t path_len(const char *p, size_t n, int hits)
{
    const char *c = hits ? memchr(p, ':', n) : NULL;
    return c ? (size_t)(c - p) : n;
}

/* A block of paths ("~pN") or of grep hits of different files ("~hN") at
 * i, as a tree: each line indented by the '/'-parts its path shares with
 * the path of the line above. Returns the lines taken, or 0. */
static size_t put_tree(struct enc *e, size_t i, int hits)
{
    size_t j, q, d;
    char num[32];
    if (hits) {
        for (j = i; j < e->m && same_file(e, j) > 0 && same_file(e, j) < 3; j += same_file(e, j))
            ;
    } else {
        for (j = i; j < e->m && free_line(&e->L[j]) && tool_path_line(e->L[j].p, e->L[j].n) &&
                    !tool_hit_line(e->L[j].p, e->L[j].n, NULL);
             j++)
            ;
    }
    if (j - i < 3)
        return 0;
    snprintf(num, sizeof num, hits ? "~h%zu\n" : "~p%zu\n", j - i);
    buf_adds(e->b, num);
    for (q = i; q < j; q++) {
        const struct line *P = &e->L[q > i ? q - 1 : q], *Q = &e->L[q];
        size_t best = 0, bend = 0, pn = path_len(P->p, P->n, hits);
        for (d = 1; q > i; d++) {
            size_t b = parts_end(P->p, pn, d);
            if (b == (size_t)-1 || b + 1 >= Q->n)
                break;
            if (memcmp(P->p, Q->p, b) != 0 || Q->p[b] != '/')
                break;
            if (Q->p[b + 1] != ' ') {
                best = d;
                bend = b + 1;
            }
        }
        for (d = 0; d < best; d++)
            buf_addc(e->b, ' ');
        buf_add(e->b, Q->p + bend, Q->n - bend);
        buf_addc(e->b, '\n');
    }
    e->used |= hits ? USE_H : USE_P;
    return j - i;
}

/* A table row's fields: the first ncol - 1 as [st, en), the last from
 * its start to the end of the line. Returns 1, or 0 when the row has
 * fewer than ncol fields. */
static int row_fields(const struct line *l, size_t ncol, size_t *st, size_t *en)
{
    size_t i = 0, k = 0;
    if (!free_line(l))
        return 0;
    while (k < ncol) {
        while (i < l->n && l->p[i] == ' ')
            i++;
        if (i >= l->n)
            return 0;
        st[k] = i;
        while (i < l->n && l->p[i] != ' ')
            i++;
        en[k++] = i;
    }
    en[ncol - 1] = l->n;
    return 1;
}

static size_t nfields(const struct line *l)
{
    size_t i = 0, nf = 0;
    while (i < l->n) {
        while (i < l->n && l->p[i] == ' ')
            i++;
        if (i >= l->n)
            break;
        nf++;
        while (i < l->n && l->p[i] != ' ')
            i++;
    }
    return nf;
}

/* Two spaces or more between two fields. */
static int has_gap(const struct line *l)
{
    size_t i;
    for (i = 1; i + 1 < l->n; i++)
        if (l->p[i] == ' ' && l->p[i + 1] == ' ' && l->p[i - 1] != ' ')
            return 1;
    return 0;
}

struct col {
    char kind; /* '<' start, '>' end, '+' one space after the previous */
    size_t pos;
    int konst;
    int ditto; /* a blank cell stands for the cell above */
};

/* Whether row fields st/en fit the columns. */
static int fits(const struct col *c, size_t ncol, const size_t *st, const size_t *en)
{
    size_t k;
    for (k = 0; k < ncol; k++) {
        if (c[k].kind == '<' ? st[k] != c[k].pos : c[k].kind == '>' ? en[k] != c[k].pos : st[k] != en[k - 1] + 1)
            return 0;
    }
    return 1;
}

/* The most common of v[0..n) into *best; returns its count. */
static size_t mode(const size_t *v, size_t n, size_t *best)
{
    size_t i, j, top = 0;
    *best = 0;
    for (i = 0; i < n; i++) {
        size_t c = 0;
        for (j = 0; j < n; j++)
            c += v[j] == v[i];
        if (c > top) {
            top = c;
            *best = v[i];
        }
    }
    return top;
}

/* Marks the columns (but the last) that are the same on rows [a, b) as
 * constant; returns how many. */
static size_t constant_cols(const struct enc *e, size_t a, size_t b, size_t ncol, struct col *c)
{
    size_t st0[MAX_COLS], en0[MAX_COLS], st[MAX_COLS], en[MAX_COLS], k, r, cnt = 0;
    (void)row_fields(&e->L[a], ncol, st0, en0);
    for (k = 0; k + 1 < ncol; k++)
        c[k].konst = en0[k] - st0[k] <= 64;
    c[ncol - 1].konst = 0;
    for (r = a + 1; r < b; r++) {
        (void)row_fields(&e->L[r], ncol, st, en);
        for (k = 0; k + 1 < ncol; k++)
            if (c[k].konst && (en[k] - st[k] != en0[k] - st0[k] ||
                               memcmp(e->L[r].p + st[k], e->L[a].p + st0[k], en0[k] - st0[k]) != 0))
                c[k].konst = 0;
    }
    for (k = 0; k + 1 < ncol; k++)
        cnt += (size_t)c[k].konst;
    return cnt;
}

/* The columns of the table whose first s rows (of at least ncol fields)
 * start at line i, into c: '<' starts at pos on most rows, '>' ends at pos
 * ('>' for numbers of one width, which are right-aligned), '+' follows the
 * column before it after one space. */
static void place_columns(const struct enc *e, size_t i, size_t s, size_t ncol, struct col *c)
{
    size_t sst[TABLE_SAMPLE][MAX_COLS], sen[TABLE_SAMPLE][MAX_COLS], v[TABLE_SAMPLE], k, r;
    for (r = 0; r < s; r++)
        (void)row_fields(&e->L[i + r], ncol, sst[r], sen[r]);
    for (k = 0; k < ncol; k++) {
        size_t a, b, p = 0, ca, cb;
        for (r = 0; r < s; r++)
            v[r] = sst[r][k];
        ca = mode(v, s, &a);
        for (r = 0; r < s; r++)
            v[r] = sen[r][k];
        cb = mode(v, s, &b);
        if (k)
            for (r = 0; r < s; r++)
                p += sst[r][k] == sen[r][k - 1] + 1;
        c[k].konst = 0;
        if (ca == cb && e->L[i].p[sst[0][k]] >= '0' && e->L[i].p[sst[0][k]] <= '9')
            ca--; /* as wide on every row: numbers are right-aligned */
        if (ca >= cb && ca >= p) {
            c[k].kind = '<';
            c[k].pos = a;
        } else if (cb >= p || k == 0) {
            c[k].kind = '>';
            c[k].pos = b;
        } else {
            c[k].kind = '+';
            c[k].pos = 0;
        }
    }
}

/* Writes "~tN COLS" and the rows first..j-1 by the columns c: constant
 * columns once in the header, a ditto column's cell blank when it is the
 * same as the one above. */
static void write_table(struct enc *e, const struct col *c, size_t ncol, size_t first, size_t j)
{
    size_t st[MAX_COLS], en[MAX_COLS], st0[MAX_COLS], en0[MAX_COLS], k, r;
    char num[48];
    (void)row_fields(&e->L[first], ncol, st0, en0);
    snprintf(num, sizeof num, "~t%zu", j - first);
    buf_adds(e->b, num);
    for (k = 0; k < ncol; k++) {
        if (c[k].kind == '+')
            buf_adds(e->b, " +");
        else {
            snprintf(num, sizeof num, " %c%zu", c[k].kind, c[k].pos);
            buf_adds(e->b, num);
        }
        if (c[k].ditto)
            buf_addc(e->b, '"');
        if (c[k].konst) {
            buf_addc(e->b, '=');
            buf_add(e->b, e->L[first].p + st0[k], en0[k] - st0[k]);
        }
    }
    buf_addc(e->b, '\n');
    for (r = first; r < j; r++) {
        int sep = 0;
        (void)row_fields(&e->L[r], ncol, st, en);
        for (k = 0; k < ncol; k++) {
            if (c[k].konst)
                continue;
            if (sep)
                buf_addc(e->b, ' ');
            if (c[k].ditto && r > first && en[k] - st[k] == en0[k] - st0[k] &&
                memcmp(e->L[r].p + st[k], e->L[r - 1].p + st0[k], en[k] - st[k]) == 0)
                ; /* blank: the cell above */
            else
                buf_add(e->b, e->L[r].p + st[k], en[k] - st[k]);
            sep = 1;
        }
        buf_addc(e->b, '\n');
        memcpy(st0, st, sizeof st0);
        memcpy(en0, en, sizeof en0);
    }
    e->used |= USE_T;
}

/* A block of table rows at i: "~tN COLS" and the rows; returns the lines
 * taken, or 0. */
static size_t put_table(struct enc *e, size_t i)
{
    size_t ncol, s, k, j, r, rows, first;
    size_t st[MAX_COLS], en[MAX_COLS], st0[MAX_COLS], en0[MAX_COLS];
    struct col c[MAX_COLS];
    if (i + 3 > e->m || !free_line(&e->L[i]) || !has_gap(&e->L[i]) || !has_gap(&e->L[i + 1]) || !has_gap(&e->L[i + 2]))
        return 0;
    ncol = nfields(&e->L[i]);
    for (s = 1; s < TABLE_SAMPLE && i + s < e->m; s++) {
        size_t nf = nfields(&e->L[i + s]);
        if (nf < 3 || !free_line(&e->L[i + s]))
            break;
        if (nf < ncol)
            ncol = nf;
    }
    if (ncol < 3 || ncol > MAX_COLS || s < 3)
        return 0;
    place_columns(e, i, s, ncol, c);
    /* words after the last aligned column belong to the last column */
    while (ncol > 3 && c[ncol - 1].kind == '+')
        ncol--;
    for (j = i; j < e->m && row_fields(&e->L[j], ncol, st, en) && fits(c, ncol, st, en); j++)
        ;
    first = i;
    rows = j - i;
    if (rows < 3)
        return 0;
    /* constant columns, over all rows or over all but the first (a
     * header) */
    {
        size_t all, rest;
        all = constant_cols(e, i, j, ncol, c);
        rest = j - i > 3 ? constant_cols(e, i + 1, j, ncol, c) : 0;
        if (rest > all) {
            put_plain(e, &e->L[i]);
            first = i + 1;
        } else {
            (void)constant_cols(e, i, j, ncol, c);
        }
        (void)row_fields(&e->L[first], ncol, st0, en0);
    }
    /* ditto columns: a cell the same as the one above is left blank
     * (cells are never empty, so a blank reads back as a ditto) */
    {
        size_t same[MAX_COLS] = {0};
        for (r = first; r < j; r++) {
            (void)row_fields(&e->L[r], ncol, st, en);
            for (k = 0; r > first && k + 1 < ncol; k++)
                same[k] += en[k] - st[k] == en0[k] - st0[k] &&
                           memcmp(e->L[r].p + st[k], e->L[r - 1].p + st0[k], en[k] - st[k]) == 0;
            memcpy(st0, st, sizeof st0);
            memcpy(en0, en, sizeof en0);
        }
        for (k = 0; k + 1 < ncol; k++)
            c[k].ditto = !c[k].konst && same[k] > 0;
    }
    c[ncol - 1].ditto = 0;
    write_table(e, c, ncol, first, j);
    return j - i;
}

/* A line that starts with a macro's text: "~X" and the rest. A line
 * that shares MACRO_MIN bytes or more (up to a space or a '/') with one of
 * the MACRO_BACK lines above, and with one of the MACRO_AHEAD below, first
 * defines a macro: "~X=TEXT". Returns 1 if written, else 0. */
static int put_macro(struct enc *e, size_t i)
{
    const struct line *l = &e->L[i];
    size_t k, best = MACROS, bn = 0, w;
    if (!free_line(l) || l->n < MACRO_MIN + 1)
        return 0;
    for (k = 0; k < MACROS; k++)
        if (e->mac[k] && e->macn[k] > bn && e->macn[k] < l->n && memcmp(l->p, e->mac[k], e->macn[k]) == 0 &&
            l->p[e->macn[k]] != '=') {
            best = k;
            bn = e->macn[k];
        }
    if (best == MACROS) {
        for (w = 1; w <= MACRO_BACK && w <= i; w++) {
            const struct line *a = &e->L[i - w];
            size_t c = 0, cut = 0;
            if (!free_line(a))
                continue;
            while (c < a->n && c < l->n && a->p[c] == l->p[c]) {
                c++;
                if (a->p[c - 1] == ' ' || a->p[c - 1] == '/')
                    cut = c;
            }
            if (cut > bn && cut < l->n && l->p[cut] != '=')
                bn = cut;
        }
        if (bn < MACRO_MIN)
            return 0;
        for (w = i + 1; w < e->m && w <= i + MACRO_AHEAD; w++)
            if (e->L[w].n > bn && memcmp(e->L[w].p, l->p, bn) == 0)
                break;
        if (w >= e->m || w > i + MACRO_AHEAD)
            return 0;
        best = e->next_mac++ % MACROS;
        e->mac[best] = l->p;
        e->macn[best] = bn;
        buf_addc(e->b, '~');
        buf_addc(e->b, (char)('A' + best));
        buf_addc(e->b, '=');
        buf_add(e->b, l->p, bn);
        buf_addc(e->b, '\n');
    }
    buf_addc(e->b, '~');
    buf_addc(e->b, (char)('A' + best));
    buf_add(e->b, l->p + bn, l->n - bn);
    buf_addc(e->b, '\n');
    e->used |= USE_M;
    return 1;
}

/* ---- thinning (balanced, max) ---- */

/* Returns 1 if s[0..n) contains w[0..m) in any ASCII case. */
static int has_ci(const char *s, size_t n, const char *w, size_t m)
{
    size_t i, k;
    for (i = 0; m && i + m <= n; i++) {
        for (k = 0; k < m; k++) {
            char a = s[i + k], b = w[k];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z')
                b = (char)(b - 'A' + 'a');
            if (a != b)
                break;
        }
        if (k == m)
            return 1;
    }
    return 0;
}

/* 1 if the line holds a word (3 letters or more) of the query. */
static int query_line(const struct line *l, const char *q, size_t qn)
{
    size_t i = 0;
    while (q && i < qn) {
        size_t b;
        while (i < qn && !((q[i] | 32) >= 'a' && (q[i] | 32) <= 'z') && !(q[i] >= '0' && q[i] <= '9'))
            i++;
        b = i;
        while (i < qn && (((q[i] | 32) >= 'a' && (q[i] | 32) <= 'z') || (q[i] >= '0' && q[i] <= '9') || q[i] == '_'))
            i++;
        if (i - b >= 3 && has_ci(l->p, l->n, q + b, i - b))
            return 1;
    }
    return 0;
}

/* The first field of a line without its digits, compared. */
static int same_head(const struct line *a, const struct line *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a->n && a->p[i] >= '0' && a->p[i] <= '9')
            i++;
        while (j < b->n && b->p[j] >= '0' && b->p[j] <= '9')
            j++;
        if (i >= a->n || a->p[i] == ' ' || j >= b->n || b->p[j] == ' ')
            return (i >= a->n || a->p[i] == ' ') && (j >= b->n || b->p[j] == ' ');
        if (a->p[i++] != b->p[j++])
            return 0;
    }
}

static size_t parent_len(const struct line *l)
{
    size_t k = l->n;
    while (k && l->p[k - 1] != '/')
        k--;
    return k;
}

/* Whether b is like a, the line before it: hits of one file, paths in one
 * directory, or lines of as many fields that start alike. */
static int alike(const struct line *a, const struct line *b)
{
    size_t pa, pb, na, nb;
    if (!a->n || !b->n)
        return 0;
    if (tool_hit_line(a->p, a->n, &pa) && tool_hit_line(b->p, b->n, &pb))
        return pa == pb && memcmp(a->p, b->p, pa) == 0;
    if (tool_path_line(a->p, a->n) && tool_path_line(b->p, b->n) && (pa = parent_len(a)) > 0)
        return pa == parent_len(b) && memcmp(a->p, b->p, pa) == 0;
    na = nfields(a);
    nb = nfields(b);
    if (na > 8)
        na = 8;
    if (nb > 8)
        nb = 8;
    return na == nb && (na >= 5 || same_head(a, b));
}

/* The lines of s[0..n) thinned at balanced and max into *out (markers in
 * pool); returns the count, or (size_t)-1 for lack of memory. */
static size_t thin(const struct line *L, size_t m, const char *q, size_t qn, struct line *out, char *pool)
{
    size_t i = 0, o = 0, used = 0, k;
    while (i < m) {
        size_t j = i + 1;
        while (j < m && alike(&L[j - 1], &L[j]))
            j++;
        if (j - i <= RUN_MIN) {
            for (k = i; k < j; k++)
                out[o++] = L[k];
        } else {
            size_t gap = 0;
            for (k = i; k <= j; k++) {
                int keep = k == j || k < i + 2 || k + 1 == j || tool_important_line(L[k].p, L[k].n) ||
                           query_line(&L[k], q, qn);
                if (keep) {
                    if (gap == 1)
                        out[o++] = L[k - 1];
                    else if (gap > 1) {
                        int w = snprintf(pool + used, 32, "~-%zu", gap);
                        out[o].p = pool + used;
                        out[o].n = (size_t)w;
                        out[o].verbatim = 0;
                        out[o++].marker = 1;
                        used += (size_t)w;
                    }
                    gap = 0;
                    if (k < j)
                        out[o++] = L[k];
                } else
                    gap++;
            }
        }
        i = j;
    }
    for (k = 0; k < o; k++)
        out[k].verbatim = !out[k].marker && tool_important_line(out[k].p, out[k].n);
    return o;
}

static int encode_lines(const struct line *L, size_t m, int noeol, struct buf *out);

/* The lines of s[0..n) into a new array *lines (the caller frees it);
 * returns their count, or (size_t)-1 for lack of memory. */
static size_t split_lines(const char *s, size_t n, struct line **lines)
{
    size_t i, m = 0, cap = 1;
    struct line *L;
    for (i = 0; i < n; i++) { /* memchr: this runs over every input */
        const char *nl = memchr(s + i, '\n', n - i);
        if (!nl)
            break;
        cap++;
        i = (size_t)(nl - s);
    }
    L = malloc(cap * sizeof *L);
    if (!L)
        return (size_t)-1;
    for (i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n;
        L[m].p = s + i;
        L[m].n = end - i;
        L[m].verbatim = 0;
        L[m++].marker = 0;
        i = end + 1;
    }
    *lines = L;
    return m;
}

struct fit {
    const struct line *L;
    size_t m;
    struct pick_item *it;
    struct line *T; /* the kept lines and markers */
    char *pool;
    int noeol;
    struct tok_counter *tok;
    struct buf *out;
};

/* pick_measure: the tokens of the encoding with the items' keep flags. */
static int fit_measure(void *arg, size_t *tokens)
{
    struct fit *f = arg;
    size_t i, o = 0, used = 0, gap = 0;
    for (i = 0; i <= f->m; i++) {
        if (i < f->m && !f->it[i].keep) {
            gap++;
            continue;
        }
        if (gap) {
            int w = snprintf(f->pool + used, 32, "~-%zu", gap);
            f->T[o].p = f->pool + used;
            f->T[o].n = (size_t)w;
            f->T[o].verbatim = 0;
            f->T[o++].marker = 1;
            used += (size_t)w;
            gap = 0;
        }
        if (i < f->m) {
            f->T[o] = f->L[i];
            f->T[o++].verbatim = tool_important_line(f->L[i].p, f->L[i].n);
        }
    }
    f->out->len = 0;
    if (encode_lines(f->T, o, f->noeol && f->it[f->m - 1].keep, f->out) != TERSE_OK)
        return TERSE_ENOMEM;
    return tok_counter_count(f->tok, f->out->p ? f->out->p : "", f->out->len, tokens);
}

int tool_fit(const char *s, size_t n, const char *query, size_t query_len, struct tok_counter *tok,
             size_t budget, struct buf *out, size_t *min_tokens)
{
    struct fit f;
    struct line *L = NULL;
    /* relevance first; the first and last lines next (their bonus) */
    static const struct relevance_rules lines = {.position = REL_POS_NONE};
    struct relevance_item *segs = NULL;
    double *scores = NULL;
    size_t m = split_lines(s, n, &L), i;
    int rc = TERSE_ENOMEM;
    memset(&f, 0, sizeof f);
    if (m == (size_t)-1)
        return TERSE_ENOMEM;
    f.L = L;
    f.m = m;
    f.noeol = n > 0 && s[n - 1] != '\n';
    f.tok = tok;
    f.out = out;
    f.it = calloc(m + 1, sizeof *f.it);
    f.T = malloc((2 * m + 1) * sizeof *f.T);
    f.pool = malloc(m * 24 + 32);
    segs = calloc(m + 1, sizeof *segs);
    scores = calloc(m + 1, sizeof *scores);
    if (!f.it || !f.T || !f.pool || !segs || !scores)
        goto done;
    for (i = 0; i < m; i++) {
        segs[i].s = L[i].p;
        segs[i].n = L[i].n;
        segs[i].bonus = i == 0 || i + 1 == m ? 0.5 : 0.0;
    }
    if ((rc = relevance_score(query, query_len, segs, m, &lines, scores, NULL)) != TERSE_OK)
        goto done;
    for (i = 0; i < m; i++) {
        f.it[i].fixed = (uint8_t)tool_important_line(L[i].p, L[i].n);
        f.it[i].score = scores[i];
        f.it[i].tokens = L[i].n / 4 + 1;
    }
    rc = m ? pick_items(f.it, m, budget, &pick_turns, fit_measure, &f, min_tokens) : TERSE_OK;
    if (rc == TERSE_OK) {
        size_t t;
        rc = m ? fit_measure(&f, &t) : encode_lines(L, 0, 0, out);
    }
done:
    free(L);
    free(f.it);
    free(f.T);
    free(f.pool);
    free(segs);
    free(scores);
    return rc;
}

int tool_encode(const char *s, size_t n, int level, const char *query, size_t query_len, struct buf *out)
{
    struct line *L = NULL, *T = NULL;
    char *pool = NULL;
    size_t m = split_lines(s, n, &L);
    int rc;
    if (m == (size_t)-1)
        return TERSE_ENOMEM;
    if (level_get(level)->tool_thin) {
        T = malloc((m + 1) * sizeof *T);
        pool = malloc(m * 16 + 32);
        if (!T || !pool) {
            free(L);
            free(T);
            free(pool);
            return TERSE_ENOMEM;
        }
        m = thin(L, m, query, query_len, T, pool);
        free(L);
        L = T;
    }
    rc = encode_lines(L, m, n > 0 && s[n - 1] != '\n', out);
    free(L);
    free(pool);
    return rc;
}

/* Appends the encoding of the lines L[0..m) (the last without its line
 * break when noeol) to out. Returns TERSE_OK or TERSE_ENOMEM. */
static int encode_lines(const struct line *L, size_t m, int noeol, struct buf *out)
{
    size_t i, k;
    struct buf body = {0};
    struct enc e;
    e.L = L;
    e.m = m;
    e.b = &body;
    e.used = 0;
    e.author = 0;
    e.date = 0;
    memset(e.mac, 0, sizeof e.mac);
    memset(e.macn, 0, sizeof e.macn);
    e.next_mac = 0;
    for (i = 0; i < m;) {
        if ((k = put_diff(&e, i)) == 0 && (k = put_commit(&e, i)) == 0 && (k = put_repeat(&e, i)) == 0 &&
            (k = put_hits(&e, i)) == 0 && (k = put_tree(&e, i, 1)) == 0 && (k = put_tree(&e, i, 0)) == 0 && (k = put_table(&e, i)) == 0 &&
            (k = (size_t)put_macro(&e, i)) == 0) {
            put_plain(&e, &L[i]);
            k = 1;
        }
        seen(&e, i, i + k);
        i += k;
    }
    if (noeol)
        buf_adds(&body, "~noeol\n");
    buf_adds(out, e.used & USE_CUT ? TOOL_HEAD "output, thinned" : TOOL_HEAD "output, lossless (terse decode)");
    for (k = 0; k < sizeof legend / sizeof legend[0]; k++)
        if (e.used & legend[k].use)
            buf_adds(out, legend[k].text);
    buf_addc(out, '\n');
    buf_add(out, body.p, body.len);
    k = body.oom || out->oom;
    buf_free(&body);
    return k ? TERSE_ENOMEM : TERSE_OK;
}

/* ---- decoding ---- */

size_t tool_left_out(const char *s, size_t n)
{
    size_t i = 0, total = 0;
    if (!s || !tool_is_encoded(s, n))
        return 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, v = 0, k = i + 2;
        if (e - i >= 3 && s[i] == '~' && s[i + 1] == '-') {
            while (k < e && s[k] >= '0' && s[k] <= '9')
                v = v * 10 + (size_t)(s[k++] - '0');
            if (k == e)
                total += v;
        }
        i = e + 1;
    }
    return total;
}

int tool_is_encoded(const char *s, size_t n)
{
    return n >= strlen(TOOL_HEAD) && memcmp(s, TOOL_HEAD, strlen(TOOL_HEAD)) == 0;
}

struct dec {
    struct buf *out;
    size_t *off; /* start of each line written */
    size_t nl, cap;
    size_t author, author_n; /* the last "Author: " line written */
    size_t date, date_n;     /* the last "Date:" line written */
    const char *mac[MACROS];
    size_t macn[MACROS];
    int have_author;
    int have_date;
    int oom;
    const char *s;    /* the encoding */
    size_t n, i, ln;  /* its length, the next line's start, the line number */
    char *err;        /* where a malformed marker is described */
    size_t err_len;
};

/* Starts a line of the output: records where. Returns its start, or
 * (size_t)-1 for lack of memory. */
static size_t begin_line(struct dec *d)
{
    if (d->nl == d->cap) {
        size_t c = d->cap ? d->cap * 2 : 256;
        size_t *o = realloc(d->off, c * sizeof *o);
        if (!o) {
            d->oom = 1;
            return (size_t)-1;
        }
        d->off = o;
        d->cap = c;
    }
    d->off[d->nl++] = d->out->len;
    return d->out->len;
}

/* Ends the line that started at at: notes an Author line, adds '\n'. */
static void end_line(struct dec *d, size_t at)
{
    if (d->out->len - at >= 8 && memcmp(d->out->p + at, "Author: ", 8) == 0) {
        d->author = at;
        d->author_n = d->out->len - at;
        d->have_author = 1;
    } else if (d->out->len - at >= 5 && memcmp(d->out->p + at, "Date:", 5) == 0) {
        d->date = at;
        d->date_n = d->out->len - at;
        d->have_date = 1;
    }
    buf_addc(d->out, '\n');
}

/* A line p[0..n) (not in the output buffer) of the output. */
static void emit(struct dec *d, const char *p, size_t n)
{
    size_t at = begin_line(d);
    if (at == (size_t)-1)
        return;
    buf_add(d->out, p, n);
    end_line(d, at);
}

/* Writes "line N: msg" (the current line) to the error and returns
 * TERSE_EFORMAT. */
static int fail(struct dec *d, const char *msg)
{
    if (d->err && d->err_len)
        snprintf(d->err, d->err_len, "line %zu: %s", d->ln, msg);
    return TERSE_EFORMAT;
}

/* A canonical count (1 to 12 digits, no leading zero) at *p; advances. */
static int count(const char **p, const char *end, size_t *v)
{
    const char *q = *p;
    *v = 0;
    if (q >= end || *q < '1' || *q > '9')
        return 0;
    while (q < end && *q >= '0' && *q <= '9' && q - *p < 12)
        *v = *v * 10 + (size_t)(*q++ - '0');
    if (q < end && *q >= '0' && *q <= '9')
        return 0;
    *p = q;
    return 1;
}

/* The next line of s[*i..n): [*p, *p + *len); returns 0 at the end. */
static int next_line(const char *s, size_t n, size_t *i, const char **p, size_t *len)
{
    const char *nl;
    if (*i >= n)
        return 0;
    nl = memchr(s + *i, '\n', n - *i);
    *p = s + *i;
    *len = nl ? (size_t)(nl - (s + *i)) : n - *i;
    *i += *len + 1;
    return 1;
}

/* One table row r[0..rn) placed by the columns c. Returns 0 or -1. */
static int table_row(struct dec *d, const struct col *c, size_t ncol, const char *const *kv, const size_t *kn,
                     const char **pv, size_t *pn, const char *r, size_t rn)
{
    size_t k, at = 0, cur = 0, start = begin_line(d);
    if (start == (size_t)-1)
        return -1;
    for (k = 0; k < ncol; k++) {
        const char *f;
        size_t fl, pad;
        if (kv[k]) {
            f = kv[k];
            fl = kn[k];
        } else if (k + 1 < ncol) {
            const char *sp = at < rn ? memchr(r + at, ' ', rn - at) : NULL;
            if (!sp)
                return -1;
            if (sp == r + at) { /* blank: the cell above */
                if (!c[k].ditto || !pv[k])
                    return -1;
                f = pv[k];
                fl = pn[k];
                at++;
            } else {
                f = r + at;
                fl = (size_t)(sp - f);
                at += fl + 1;
            }
            pv[k] = f;
            pn[k] = fl;
        } else {
            if (at >= rn)
                return -1;
            f = r + at;
            fl = rn - at;
            at = rn;
        }
        if (c[k].kind == '<') {
            if ((k && cur >= c[k].pos) || (!k && cur > c[k].pos))
                return -1;
            pad = c[k].pos - cur;
        } else if (c[k].kind == '>') {
            if (c[k].pos < fl || c[k].pos - fl < cur + (k ? 1 : 0))
                return -1;
            pad = c[k].pos - fl - cur;
        } else {
            if (!k)
                return -1;
            pad = 1;
        }
        if (pad > 65536)
            return -1;
        for (; pad; pad--, cur++)
            buf_addc(d->out, ' ');
        buf_add(d->out, f, fl);
        cur += fl;
    }
    if (at != rn)
        return -1;
    end_line(d, start);
    return 0;
}

/* "~tN COLS" from q (after "~t"): the count and the columns. */
static int table_head(const char *q, const char *end, size_t *v, struct col *c, const char **kv, size_t *kn,
                      size_t *ncol)
{
    *ncol = 0;
    if (!count(&q, end, v))
        return -1;
    while (q < end) {
        size_t k = *ncol;
        if (*q++ != ' ' || q >= end || k == MAX_COLS)
            return -1;
        c[k].kind = *q++;
        c[k].pos = 0;
        c[k].konst = 0;
        c[k].ditto = 0;
        kv[k] = NULL;
        kn[k] = 0;
        if (c[k].kind == '<' || c[k].kind == '>') {
            if (q < end && *q == '0')
                q++;
            else if (!count(&q, end, &c[k].pos))
                return -1;
        } else if (c[k].kind != '+') {
            return -1;
        }
        if (q < end && *q == '"') {
            q++;
            c[k].ditto = 1;
        }
        if (q < end && *q == '=') {
            const char *b = ++q;
            while (q < end && *q != ' ')
                q++;
            if (q == b)
                return -1;
            kv[k] = b;
            kn[k] = (size_t)(q - b);
        }
        (*ncol)++;
    }
    if (*ncol == 0 || kv[*ncol - 1] || c[*ncol - 1].ditto)
        return -1;
    for (size_t k = 0; k < *ncol; k++)
        if (kv[k] && c[k].ditto)
            return -1;
    return 0;
}

/* The decoders of the markers, one each: p[0..len) is the marker's line
 * (d->ln), the lines it covers are read from d->s at d->i. Each returns
 * TERSE_OK or TERSE_EFORMAT (fail); when memory runs out they stop and
 * leave it in d->oom or the output's oom flag, which tool_decode turns
 * into TERSE_ENOMEM. */

/* ~A=TEXT defines macro A; ~ATEXT writes A's text, then TEXT. */
static int dec_macro(struct dec *d, const char *p, size_t len)
{
    int x = p[1] - 'A';
    size_t at;
    if (len >= 3 && p[2] == '=') {
        d->mac[x] = p + 3;
        d->macn[x] = len - 3;
    } else if (!d->mac[x]) {
        return fail(d, "macro used before it is defined");
    } else if ((at = begin_line(d)) != (size_t)-1) {
        buf_add(d->out, d->mac[x], d->macn[x]);
        buf_add(d->out, p + 2, len - 2);
        end_line(d, at);
    }
    return TERSE_OK;
}

/* ~rCN: a ruler, the character C N times. */
static int dec_ruler(struct dec *d, const char *p, size_t len)
{
    const char *q = p + 3;
    size_t v, k, at;
    if (!count(&q, p + len, &v) || q != p + len || v > 1000000)
        return fail(d, "bad ~r ruler");
    if ((at = begin_line(d)) != (size_t)-1) {
        for (k = 0; k < v; k++)
            buf_addc(d->out, p[2]);
        end_line(d, at);
    }
    return TERSE_OK;
}

/* ~xN or ~xN/K: the K lines above (1 without /K), N times in all. */
static int dec_repeat(struct dec *d, const char *p, size_t len)
{
    struct buf *out = d->out;
    const char *q = p + 2, *end = p + len;
    size_t K = 1, v, base, len0, r, k, at;
    if (!count(&q, end, &v) || (q < end && (*q++ != '/' || !count(&q, end, &K))) || q != end || v < 2 ||
        K > MAX_REPEAT || K > d->nl || v > 10000000 || (out->len - d->off[d->nl - K]) * (v - 1) > ((size_t)1 << 28))
        return fail(d, "bad ~x repeat");
    base = d->nl - K;
    len0 = out->len;
    for (r = 1; r < v && !d->oom && !out->oom; r++)
        for (k = 0; k < K; k++) {
            size_t a = d->off[base + k], b = k + 1 < K ? d->off[base + k + 1] : len0;
            if (buf_reserve(out, b - a) != 0 || (at = begin_line(d)) == (size_t)-1)
                break;
            buf_add(out, out->p + a, b - a - 1);
            end_line(d, at);
        }
    return TERSE_OK;
}

/* ~d PATH INDEX: the four header lines of a git diff of one file. */
static int dec_diff(struct dec *d, const char *p, size_t len)
{
    static const char *const pre[4] = {"diff --git a/", "index ", "--- a/", "+++ b/"};
    const char *sp = memchr(p + 3, ' ', len - 3), *end = p + len;
    size_t k, at;
    if (!sp || sp == p + 3 || sp + 1 >= end)
        return fail(d, "bad ~d diff header");
    for (k = 0; k < 4 && (at = begin_line(d)) != (size_t)-1; k++) {
        size_t fl = (size_t)(sp - (p + 3));
        buf_adds(d->out, pre[k]);
        if (k == 1)
            buf_add(d->out, sp + 1, (size_t)(end - sp - 1));
        else
            buf_add(d->out, p + 3, fl);
        if (k == 0) {
            buf_adds(d->out, " b/");
            buf_add(d->out, p + 3, fl);
        }
        end_line(d, at);
    }
    return TERSE_OK;
}

/* ~c [TIME ]HASH: a git log entry by the author above, with the date
 * above at TIME. */
static int dec_commit(struct dec *d, const char *p, size_t len)
{
    struct buf *out = d->out;
    size_t at;
    int tm;
    if (!d->have_author)
        return fail(d, "~c without an Author line above");
    if ((at = begin_line(d)) == (size_t)-1)
        return TERSE_OK;
    tm = len >= 12 && is_time(p + 3) && p[11] == ' ';
    buf_adds(out, "commit ");
    buf_add(out, p + (tm ? 12 : 3), len - (tm ? 12 : 3));
    end_line(d, at);
    if (buf_reserve(out, d->author_n + 1) != 0 || (at = begin_line(d)) == (size_t)-1)
        return TERSE_OK;
    buf_add(out, out->p + d->author, d->author_n);
    end_line(d, at);
    if (tm) {
        size_t t, dn = d->date_n;
        if (!d->have_date || (t = time_at(out->p + d->date, dn)) == dn)
            return fail(d, "~c T without a Date line with a time above");
        if (buf_reserve(out, dn + 1) != 0 || (at = begin_line(d)) == (size_t)-1)
            return TERSE_OK;
        buf_add(out, out->p + d->date, t);
        buf_add(out, p + 3, 8);
        buf_add(out, out->p + d->date + t + 8, dn - t - 8);
        end_line(d, at);
    }
    return TERSE_OK;
}

/* ~pN (paths) or ~hN (grep hits): N lines, each indented by the number of
 * leading parts it shares with the path above. */
static int dec_paths(struct dec *d, const char *p, size_t len)
{
    struct buf *out = d->out;
    const char *q = p + 2;
    size_t prev = 0, prev_n = 0, v, r, at;
    int hits = p[1] == 'h';
    if (!count(&q, p + len, &v) || q != p + len)
        return fail(d, hits ? "bad ~h count" : "bad ~p count");
    for (r = 0; r < v; r++) {
        size_t dd = 0;
        if (!next_line(d->s, d->n, &d->i, &p, &len))
            return fail(d, "~p: fewer paths than its count");
        d->ln++;
        while (dd < len && p[dd] == ' ')
            dd++;
        if (dd == len || (dd && r == 0))
            return fail(d, "bad path line");
        if ((at = begin_line(d)) == (size_t)-1)
            break;
        if (dd) {
            size_t b = parts_end(out->p + prev, prev_n, dd);
            if (b == (size_t)-1)
                return fail(d, "path indented deeper than the path above");
            if (buf_reserve(out, b + 1) != 0)
                break;
            buf_add(out, out->p + prev, b);
            buf_addc(out, '/');
        }
        buf_add(out, p + dd, len - dd);
        prev = at;
        prev_n = path_len(out->p + at, out->len - at, hits);
        end_line(d, at);
    }
    return TERSE_OK;
}

/* ~tN COLS: N table rows placed by the columns. */
static int dec_table(struct dec *d, const char *p, size_t len)
{
    struct col c[MAX_COLS];
    const char *kv[MAX_COLS];
    size_t kn[MAX_COLS], pn[MAX_COLS] = {0}, ncol, v, r;
    const char *pv[MAX_COLS] = {NULL};
    if (table_head(p + 2, p + len, &v, c, kv, kn, &ncol) != 0)
        return fail(d, "bad ~t columns");
    for (r = 0; r < v; r++) {
        if (!next_line(d->s, d->n, &d->i, &p, &len))
            return fail(d, "~t: fewer rows than its count");
        d->ln++;
        if (table_row(d, c, ncol, kv, kn, pv, pn, p, len) != 0)
            return fail(d, "table row does not fit its columns");
    }
    return TERSE_OK;
}

/* ~N P{*}: the next N lines, each after the prefix P[0..pl). */
static int dec_prefix(struct dec *d, const char *P, size_t pl, size_t v)
{
    const char *p;
    size_t len, r, at;
    for (r = 0; r < v; r++) {
        if (!next_line(d->s, d->n, &d->i, &p, &len))
            return fail(d, "~N P{*}: fewer lines than its count");
        d->ln++;
        if ((at = begin_line(d)) == (size_t)-1)
            break;
        buf_add(d->out, P, pl);
        buf_add(d->out, p, len);
        end_line(d, at);
    }
    return TERSE_OK;
}

int tool_decode(const char *s, size_t n, struct buf *out, char *err, size_t err_len)
{
    struct dec d;
    size_t len;
    const char *p;
    int rc = TERSE_OK;
    if (err && err_len)
        err[0] = 0;
    if (!tool_is_encoded(s, n)) {
        buf_add(out, s, n);
        if (!out->oom)
            return TERSE_OK;
        if (err && err_len)
            snprintf(err, err_len, "out of memory");
        return TERSE_ENOMEM;
    }
    memset(&d, 0, sizeof d);
    d.out = out;
    d.s = s;
    d.n = n;
    d.ln = 1;
    d.err = err;
    d.err_len = err_len;
    (void)next_line(s, n, &d.i, &p, &len); /* the head */
    while (rc == TERSE_OK && !d.oom && !out->oom && next_line(s, n, &d.i, &p, &len)) {
        const char *end = p + len, *q = p + 1;
        size_t v;
        d.ln++;
        if (!len || p[0] != '~')
            emit(&d, p, len);
        else if (len >= 2 && p[1] == '~')
            emit(&d, p + 1, len - 1);
        else if (len == 6 && memcmp(p, "~noeol", 6) == 0) {
            if (d.i < n || !out->len)
                rc = fail(&d, "~noeol before the end");
            else
                out->len--;
        } else if (len >= 2 && p[1] >= 'A' && p[1] <= 'Z')
            rc = dec_macro(&d, p, len);
        else if (len >= 3 && p[1] == '-')
            emit(&d, p, len); /* the lossy marker, kept */
        else if (len >= 4 && p[1] == 'r')
            rc = dec_ruler(&d, p, len);
        else if (len >= 3 && p[1] == 'x')
            rc = dec_repeat(&d, p, len);
        else if (len >= 4 && p[1] == 'd' && p[2] == ' ')
            rc = dec_diff(&d, p, len);
        else if (len >= 3 && p[1] == 'c' && p[2] == ' ')
            rc = dec_commit(&d, p, len);
        else if (len >= 3 && (p[1] == 'p' || p[1] == 'h'))
            rc = dec_paths(&d, p, len);
        else if (len >= 3 && p[1] == 't')
            rc = dec_table(&d, p, len);
        else if (count(&q, end, &v) && q < end && *q == ' ' && end - q >= 4 && memcmp(end - 3, "{*}", 3) == 0)
            rc = dec_prefix(&d, q + 1, (size_t)(end - 3 - (q + 1)), v);
        else
            rc = fail(&d, "unknown ~ marker (a line of the output starting with ~ is written ~~)");
    }
    if (d.oom || out->oom) { /* it ran out first: not the input's fault */
        if (err && err_len)
            snprintf(err, err_len, "out of memory");
        rc = TERSE_ENOMEM;
    }
    free(d.off);
    return rc;
}
