/* log.c - log folding and unfolding; see log.h.
 *
 * A line is read as fields (maximal runs of non-blank characters) and the
 * blanks around them. Two lines are "alike" when they have the same number
 * of fields, exactly the same blanks, and at least a third of their fields
 * in common. A run of alike lines (each alike with the run's first line)
 * becomes a template, in which every field that is the same on all lines
 * stays and the others are "{}", and one row a line holding the varying
 * fields separated by single spaces: fields have no blanks, so the rows
 * split back exactly. A run is folded only when that costs fewer tokens
 * than the lines themselves, and the whole log only when the result,
 * header included, is smaller than the input.
 */
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tokenize/tokenizer.h"
#include "levels.h" /* level_get */

/* Lines with more fields than this are never templated. */
#define MAX_FIELDS 64
/* Level max keeps this many lines on each side of an error or warning. */
#define CONTEXT_LINES 3

struct line {
    const char *p;
    size_t n; /* without the '\n' */
};

struct fields {
    size_t nf;
    size_t s[MAX_FIELDS], e[MAX_FIELDS];
};

/* Returns 1 for the characters between fields: space and tab. */
static int blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits l into fields; returns 0, or -1 when it has more than MAX_FIELDS
 * or none. */
static int split(const struct line *l, struct fields *f)
{
    size_t i = 0;
    f->nf = 0;
    while (i < l->n) {
        while (i < l->n && blank(l->p[i]))
            i++;
        if (i >= l->n)
            break;
        if (f->nf == MAX_FIELDS)
            return -1;
        f->s[f->nf] = i;
        while (i < l->n && !blank(l->p[i]))
            i++;
        f->e[f->nf++] = i;
    }
    return f->nf ? 0 : -1;
}

/* Returns 1 if field k of a and of b are the same bytes. */
static int same_field(const struct line *a, const struct fields *fa, const struct line *b,
                      const struct fields *fb, size_t k)
{
    size_t la = fa->e[k] - fa->s[k];
    return la == fb->e[k] - fb->s[k] && memcmp(a->p + fa->s[k], b->p + fb->s[k], la) == 0;
}

/* Returns 1 if b is alike a (see the file comment). */
static int alike(const struct line *a, const struct fields *fa, const struct line *b,
                 const struct fields *fb)
{
    size_t k, same = 0;
    if (fa->nf != fb->nf || fa->nf < 2 || fa->s[0] != fb->s[0] ||
        a->n - fa->e[fa->nf - 1] != b->n - fb->e[fb->nf - 1] || memcmp(a->p, b->p, fa->s[0]) != 0)
        return 0;
    for (k = 0; k < fa->nf; k++) {
        if (k + 1 < fa->nf) {
            size_t ga = fa->s[k + 1] - fa->e[k];
            if (ga != fb->s[k + 1] - fb->e[k] || memcmp(a->p + fa->e[k], b->p + fb->e[k], ga) != 0)
                return 0;
        }
        same += (size_t)same_field(a, fa, b, fb, k);
    }
    if (memcmp(a->p + fa->e[fa->nf - 1], b->p + fb->e[fb->nf - 1], a->n - fa->e[fa->nf - 1]) != 0)
        return 0;
    return same * 3 >= fa->nf && same < fa->nf;
}

/* Returns the tokens of s[0..n) (n when counting fails for memory: an
 * over-estimate, which only makes folding look worse). */
static size_t ntok(struct tok_counter *tok, const char *s, size_t n)
{
    size_t c = 0;
    if (tok_counter_count(tok, n ? s : "", n, &c) != TERSE_OK)
        return n;
    return c;
}

/* Appends line l, escaped when it starts with '~', and a '\n'. */
static void put_line(const struct line *l, struct buf *out)
{
    if (l->n && l->p[0] == '~')
        buf_addc(out, '~');
    buf_add(out, l->p, l->n);
    buf_addc(out, '\n');
}

/* Parses a canonical integer (what "%lld" writes back: no '+', no
 * leading zero, not "-0", at most 15 digits) into *v; returns 1 or 0. */
static int parse_int(const char *p, size_t n, long long *v)
{
    size_t i = 0;
    int neg = 0;
    *v = 0;
    if (n && p[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i >= n || n - i > 15 || (p[i] == '0' && (n - i > 1 || neg)))
        return 0;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        *v = *v * 10 + (p[i] - '0');
    }
    if (neg)
        *v = -*v;
    return 1;
}

/* Parses a time of day "HH:MM:SS" into seconds; returns 1 or 0. */
static int parse_time(const char *p, size_t n, long long *v)
{
    int h, m, s;
    if (n != 8 || p[2] != ':' || p[5] != ':')
        return 0;
    if (p[0] < '0' || p[0] > '2' || p[1] < '0' || p[1] > '9' || p[3] < '0' || p[3] > '5' ||
        p[4] < '0' || p[4] > '9' || p[6] < '0' || p[6] > '5' || p[7] < '0' || p[7] > '9')
        return 0;
    h = (p[0] - '0') * 10 + p[1] - '0';
    m = (p[3] - '0') * 10 + p[4] - '0';
    s = (p[6] - '0') * 10 + p[7] - '0';
    if (h > 23)
        return 0;
    *v = h * 3600 + m * 60 + s;
    return 1;
}

/* Returns how column k of the run lines[a..b) is best written: 1 as
 * differences of integers, 2 as differences of times of day (seconds),
 * both "+N"/"-N" after the first row's value; 0 as the values. Differences
 * are taken when they are at least 20% shorter than the values. */
static int delta_kind(const struct line *lines, size_t a, size_t b, size_t k)
{
    int kind;
    for (kind = 1; kind <= 2; kind++) {
        size_t i, plain = 0, diff = 0;
        long long prev = 0, v;
        for (i = a; i < b; i++) {
            struct fields f;
            const char *fp;
            size_t fl;
            char d[32];
            split(&lines[i], &f);
            fp = lines[i].p + f.s[k];
            fl = f.e[k] - f.s[k];
            if (!(kind == 1 ? parse_int(fp, fl, &v) : parse_time(fp, fl, &v)))
                break;
            plain += fl;
            diff += i == a ? fl : (size_t)snprintf(d, sizeof d, "%+lld", v - prev);
            prev = v;
        }
        if (i == b)
            return diff * 10 < plain * 8 ? kind : 0;
    }
    return 0;
}

/* Writes the run lines[a..b) (alike, b - a >= 2) folded into fold.
 * Returns 0, or -1 when it cannot be folded (a kept field holds "{}"). */
static int fold_run(const struct line *lines, size_t a, size_t b, struct buf *fold)
{
    struct fields f0, f;
    int constant[MAX_FIELDS], delta[MAX_FIELDS];
    long long prev[MAX_FIELDS];
    size_t i, k;
    char head[32];
    split(&lines[a], &f0);
    for (k = 0; k < f0.nf; k++)
        constant[k] = 1;
    for (i = a + 1; i < b; i++) {
        split(&lines[i], &f);
        for (k = 0; k < f0.nf; k++)
            if (constant[k] && !same_field(&lines[a], &f0, &lines[i], &f, k))
                constant[k] = 0;
    }
    for (k = 0; k < f0.nf; k++)
        delta[k] = constant[k] ? 0 : delta_kind(lines, a, b, k);
    snprintf(head, sizeof head, "~%zu ", b - a);
    buf_adds(fold, head);
    buf_add(fold, lines[a].p, f0.s[0]);
    for (k = 0; k < f0.nf; k++) {
        size_t end = k + 1 < f0.nf ? f0.s[k + 1] : lines[a].n;
        if (constant[k]) {
            const char *fp = lines[a].p + f0.s[k];
            size_t fl = f0.e[k] - f0.s[k], x;
            for (x = 0; x + 1 < fl; x++)
                if (fp[x] == '{' && (fp[x + 1] == '}' || (fp[x + 1] == '+' && x + 2 < fl && fp[x + 2] == '}')))
                    return -1;
            buf_add(fold, fp, fl);
        } else {
            buf_adds(fold, delta[k] ? "{+}" : "{}");
        }
        buf_add(fold, lines[a].p + f0.e[k], end - f0.e[k]);
    }
    if (fold->len >= 3 && memcmp(fold->p + fold->len - 3, "{*}", 3) == 0)
        return -1; /* would read as a prefix template */
    buf_addc(fold, '\n');
    for (i = a; i < b; i++) {
        int first = 1;
        split(&lines[i], &f);
        for (k = 0; k < f.nf; k++) {
            const char *fp = lines[i].p + f.s[k];
            size_t fl = f.e[k] - f.s[k];
            if (constant[k])
                continue;
            if (!first)
                buf_addc(fold, ' ');
            first = 0;
            if (delta[k]) {
                long long v = 0;
                char d[32];
                if (delta[k] == 1)
                    parse_int(fp, fl, &v);
                else
                    parse_time(fp, fl, &v);
                if (i > a) {
                    snprintf(d, sizeof d, "%+lld", v - prev[k]);
                    buf_adds(fold, d);
                    prev[k] = v;
                    continue;
                }
                prev[k] = v;
            }
            buf_add(fold, fp, fl);
        }
        buf_addc(fold, '\n');
    }
    return 0;
}

/* Returns 1 if the k lines at a are the same as the k lines at c. */
static int same_block(const struct line *lines, size_t a, size_t c, size_t k)
{
    size_t x;
    for (x = 0; x < k; x++)
        if (lines[a + x].n != lines[c + x].n || memcmp(lines[a + x].p, lines[c + x].p, lines[a + x].n) != 0)
            return 0;
    return 1;
}

/* Returns the length of the longest run lines[a..) (below b) whose lines
 * all start with the prefix p[0..pl) and go on after it. */
static size_t prefix_run(const struct line *lines, size_t a, size_t b, const char *p, size_t pl)
{
    size_t j = a;
    while (j < b && lines[j].n > pl && memcmp(lines[j].p, p, pl) == 0)
        j++;
    return j - a;
}

/* Finds the best prefix run at lines[i] (below b): the lines that share
 * the first m fields of lines[i] and the blanks after them, for the m
 * that saves the most tokens (about the prefix's tokens on every line
 * but the first). Stores the prefix length in *pl and returns the run
 * length (0: none of 2 or more lines). */
static size_t best_prefix(const struct line *lines, size_t i, size_t b, struct tok_counter *tok,
                          size_t *pl)
{
    struct fields f;
    size_t m, best = 0, best_save = 0;
    if (i + 1 >= b || split(&lines[i], &f) != 0)
        return 0;
    for (m = 1; m < f.nf; m++) {
        const char *p = lines[i].p;
        size_t len = f.s[m], run = prefix_run(lines, i, b, p, len), save, x;
        if (run < 2)
            break;
        for (x = 0; x + 1 < len; x++)
            if (p[x] == '{' && (p[x + 1] == '}' || p[x + 1] == '*'))
                return best;
        save = (run - 1) * ntok(tok, p, len);
        if (save > best_save) {
            best_save = save;
            best = run;
            *pl = len;
        }
    }
    return best;
}

/* Returns 1 if l mentions an error or a warning (level max keeps the lines
 * around it). */
static int important(const struct line *l)
{
    static const char *const words[] = {"error", "warn", "fail", "fatal", "panic",
                                        "exception", "traceback", "critical", "abort"};
    size_t i, w;
    for (i = 0; i < l->n; i++) {
        char c = l->p[i];
        if (i && ((l->p[i - 1] | 0x20) >= 'a' && (l->p[i - 1] | 0x20) <= 'z'))
            continue; /* only at the start of a word */
        if ((c | 0x20) < 'a' || (c | 0x20) > 'z')
            continue;
        for (w = 0; w < sizeof words / sizeof words[0]; w++) {
            size_t L = strlen(words[w]), x;
            if (i + L > l->n)
                continue;
            for (x = 0; x < L && (l->p[i + x] | 0x20) == words[w][x]; x++)
                ;
            if (x == L)
                return 1;
        }
    }
    return 0;
}

/* Prefix runs nest at most this deep. */
#define MAX_PREFIX_DEPTH 4
/* A repeated block of lines (~xN/K) has at most this many lines. */
#define MAX_BLOCK 8

/* Folds the lines[a..b) (all kept) into out, counting folds in *folds.
 * depth is the number of prefix runs around them. Returns 0 or -1 (out
 * of memory). */
static int fold_lines(const struct line *lines, size_t a, size_t b, struct tok_counter *tok,
                      struct buf *out, size_t *folds, int depth)
{
    struct buf sc = {0}, *scratch = &sc;
    size_t i = a;
    while (i < b) {
        size_t j = i + 1;
        struct fields fi, fj;
        {
            /* a block of 2 to MAX_BLOCK lines repeated: the block once and a
             * count (repeated stack frames, retried steps) */
            size_t k, best_k = 0, best_m = 0;
            for (k = 2; k <= MAX_BLOCK && i + 2 * k <= b; k++) {
                size_t m = 1;
                while (i + (m + 1) * k <= b && same_block(lines, i, i + m * k, k))
                    m++;
                if (m >= 2 && k * (m - 1) > best_k * (best_m ? best_m - 1 : 0)) {
                    best_k = k;
                    best_m = m;
                }
            }
            if (best_k && !same_block(lines, i, i + 1, 1)) {
                char mark[40];
                for (k = 0; k < best_k; k++)
                    put_line(&lines[i + k], out);
                snprintf(mark, sizeof mark, "~x%zu/%zu\n", best_m, best_k);
                buf_adds(out, mark);
                (*folds)++;
                i += best_k * best_m;
                continue;
            }
        }
        while (j < b && lines[j].n == lines[i].n && memcmp(lines[j].p, lines[i].p, lines[i].n) == 0)
            j++;
        if (j - i >= 2) {
            /* repeated lines: the line once and a count, when cheaper */
            char mark[32];
            size_t lt = ntok(tok, lines[i].p, lines[i].n) + 1;
            snprintf(mark, sizeof mark, "~x%zu\n", j - i);
            put_line(&lines[i], out);
            if (ntok(tok, mark, strlen(mark)) < lt * (j - i - 1)) {
                buf_adds(out, mark);
                (*folds)++;
            } else {
                size_t k;
                for (k = i + 1; k < j; k++)
                    put_line(&lines[k], out);
            }
            i = j;
            continue;
        }
        j = i + 1;
        if (split(&lines[i], &fi) == 0) {
            while (j < b && split(&lines[j], &fj) == 0 && alike(&lines[i], &fi, &lines[j], &fj))
                j++;
        }
        {
            /* the better of a run of alike lines and a prefix run */
            size_t k, plain = 0, save_a = 0, save_p = 0, pl = 0, pj, ta = 0;
            struct buf alt = {0};
            scratch->len = 0;
            if (j - i >= 2 && fold_run(lines, i, j, scratch) == 0) {
                for (k = i; k < j; k++)
                    plain += ntok(tok, lines[k].p, lines[k].n) + 1;
                ta = ntok(tok, scratch->p, scratch->len);
                save_a = ta < plain ? plain - ta : 0;
            }
            pj = depth < MAX_PREFIX_DEPTH ? best_prefix(lines, i, b, tok, &pl) : 0;
            if (pj >= 2) {
                /* the prefix once, then the rests, themselves folded */
                struct line *rest = malloc(pj * sizeof(*rest));
                size_t tp, sub = 0;
                char head[32];
                if (!rest) {
                    buf_free(scratch);
                    return -1;
                }
                plain = 0;
                for (k = 0; k < pj; k++) {
                    plain += ntok(tok, lines[i + k].p, lines[i + k].n) + 1;
                    rest[k].p = lines[i + k].p + pl;
                    rest[k].n = lines[i + k].n - pl;
                }
                snprintf(head, sizeof head, "~%zu ", pj);
                buf_adds(&alt, head);
                buf_add(&alt, lines[i].p, pl);
                buf_add(&alt, "{*}\n", 4);
                if (fold_lines(rest, 0, pj, tok, &alt, &sub, depth + 1) != 0) {
                    free(rest);
                    buf_free(&alt);
                    buf_free(scratch);
                    return -1;
                }
                free(rest);
                tp = ntok(tok, alt.p, alt.len);
                save_p = tp < plain ? plain - tp : 0;
            }
            if (save_p > save_a) {
                buf_add(out, alt.p, alt.len);
                (*folds)++;
                i += pj;
                buf_free(&alt);
                continue;
            }
            buf_free(&alt);
            if (save_a > 0) {
                buf_add(out, scratch->p, scratch->len);
                (*folds)++;
                i = j;
                continue;
            }
        }
        put_line(&lines[i], out);
        i++;
    }
    buf_free(scratch);
    return out->oom ? -1 : 0;
}

int log_fold(const char *s, size_t n, struct tok_counter *tok, size_t in_tokens, int level, struct buf *out,
             size_t *out_tokens)
{
    struct line *lines;
    struct buf body = {0};
    unsigned char *keep = NULL;
    size_t nl = 0, cap = 64, i, folds = 0, start = out->len, ft = LOG_TOKENS_UNKNOWN;
    int eol = n > 0 && s[n - 1] == '\n', any_important = 0;
    lines = calloc(cap, sizeof(*lines));
    if (!lines)
        return TERSE_ENOMEM;
    for (i = 0; i < n;) {
        const char *e = memchr(s + i, '\n', n - i);
        size_t end = e ? (size_t)(e - s) : n;
        if (nl == cap) {
            struct line *t = realloc(lines, (cap *= 2) * sizeof(*t));
            if (!t) {
                free(lines);
                return TERSE_ENOMEM;
            }
            lines = t;
        }
        lines[nl].p = s + i;
        lines[nl].n = end - i;
        nl++;
        i = end + 1;
    }
    if (level_get(level)->log_error_context && nl) {
        keep = calloc(nl, 1);
        if (!keep) {
            free(lines);
            return TERSE_ENOMEM;
        }
        for (i = 0; i < nl; i++)
            if (important(&lines[i])) {
                size_t a = i > CONTEXT_LINES ? i - CONTEXT_LINES : 0, b;
                for (b = a; b < nl && b <= i + CONTEXT_LINES; b++)
                    keep[b] = 1;
                any_important = 1;
            }
    }
    if (keep && any_important) {
        for (i = 0; i < nl;) {
            size_t j = i;
            while (j < nl && keep[j] == keep[i])
                j++;
            if (keep[i]) {
                if (fold_lines(lines, i, j, tok, &body, &folds, 0) != 0)
                    body.oom = 1;
            } else {
                char mark[40];
                snprintf(mark, sizeof mark, "~-%zu\n", j - i);
                buf_adds(&body, mark);
                folds++;
            }
            i = j;
        }
    } else {
        if (fold_lines(lines, 0, nl, tok, &body, &folds, 0) != 0)
            body.oom = 1;
    }
    if (!eol && nl)
        buf_adds(&body, "~noeol\n");
    if (body.oom) {
        free(lines);
        free(keep);
        buf_free(&body);
        return TERSE_ENOMEM;
    }
    buf_adds(out, LOG_HEAD);
    buf_add(out, body.p, body.len);
    /* the folded form only when it is smaller, or when the log itself
     * starts like a folded one (then it must be escaped) */
    if (log_is_folded(s, n)) {
        ft = LOG_TOKENS_UNKNOWN; /* kept folded whatever it costs */
    } else if (folds == 0 || (ft = ntok(tok, out->p + start, out->len - start)) >=
                                 (in_tokens != LOG_TOKENS_UNKNOWN ? in_tokens : ntok(tok, s, n))) {
        out->len = start;
        buf_add(out, s, n);
        ft = in_tokens;
    }
    if (out_tokens)
        *out_tokens = ft != LOG_TOKENS_UNKNOWN ? ft : ntok(tok, out->p + start, out->len - start);
    free(lines);
    free(keep);
    buf_free(&body);
    return out->oom ? TERSE_ENOMEM : TERSE_OK;
}

int log_is_folded(const char *s, size_t n)
{
    size_t h = strlen(LOG_HEAD);
    return n >= h && memcmp(s, LOG_HEAD, h) == 0;
}

/* Parses the decimal number s[0..n) (1 or more digits, no sign) into *v;
 * returns 0 or -1. */
static int number(const char *s, size_t n, size_t *v)
{
    size_t i;
    *v = 0;
    if (n == 0 || n > 12)
        return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (size_t)(s[i] - '0');
    }
    return 0;
}

/* Writes "line N: msg" to err and returns TERSE_EFORMAT. */
static int bad(char *err, size_t err_len, size_t line, const char *msg)
{
    if (err && err_len)
        snprintf(err, err_len, "line %zu: %s", line, msg);
    return TERSE_EFORMAT;
}

/* Writes the value of a {+} slot: in row 0 the value itself (an integer
 * or a time of day, which sets *kind), later "+N"/"-N" added to *prev.
 * Returns 0, or -1 when the value or the result is not valid. */
static int put_delta(const char *p, size_t n, size_t row, int *kind, long long *prev,
                     struct buf *line)
{
    long long v;
    char d[32];
    if (row == 0) {
        if (parse_int(p, n, &v))
            *kind = 1;
        else if (parse_time(p, n, &v))
            *kind = 2;
        else
            return -1;
        *prev = v;
        buf_add(line, p, n);
        return 0;
    }
    if (n < 2 || (p[0] != '+' && p[0] != '-') || !parse_int(p + 1, n - 1, &v) || v < 0 || !*kind)
        return -1;
    v = p[0] == '-' ? *prev - v : *prev + v;
    if (*kind == 2) {
        if (v < 0 || v >= 86400)
            return -1;
        snprintf(d, sizeof d, "%02lld:%02lld:%02lld", v / 3600, v / 60 % 60, v % 60);
    } else {
        if (v > 999999999999999LL || v < -999999999999999LL)
            return -1;
        snprintf(d, sizeof d, "%lld", v);
    }
    *prev = v;
    buf_adds(line, d);
    return 0;
}

/* The unfolding state: the prefixes of the open prefix runs (outermost
 * first, concatenated in pfx) with the lines each still covers, and the
 * last line written (for ~x). */
struct unfold {
    struct buf *out;
    struct buf pfx;
    size_t plen[MAX_PREFIX_DEPTH + 1], left[MAX_PREFIX_DEPTH + 1];
    int open;
    size_t off[MAX_BLOCK], len[MAX_BLOCK]; /* the last lines written, a ring */
    size_t written;
};

/* Writes one line: the open prefixes, then p[0..n), then '\n'; closes the
 * prefix runs that it completes. */
static void emit(struct unfold *u, const char *p, size_t n)
{
    size_t r = u->written++ % MAX_BLOCK;
    u->off[r] = u->out->len;
    buf_add(u->out, u->pfx.p, u->pfx.len);
    buf_add(u->out, p, n);
    u->len[r] = u->out->len - u->off[r];
    buf_addc(u->out, '\n');
    while (u->open > 0) {
        if (--u->left[u->open - 1] > 0) {
            int k;
            for (k = 0; k < u->open - 1; k++)
                u->left[k]--;
            return;
        }
        u->pfx.len -= u->plen[u->open - 1];
        u->open--;
    }
}

/* ~xN or ~xN/K at p[0..len) (line ln): the K lines above (1 without /K)
 * again, N times in all. Returns TERSE_OK, TERSE_EFORMAT (with err) or
 * TERSE_ENOMEM. */
static int unfold_repeat(struct unfold *u, const char *p, size_t len, size_t ln, char *err, size_t err_len)
{
    const char *slash = memchr(p, '/', len);
    size_t k = 1, v, r, q;
    struct buf blk = {0};
    int rc = TERSE_OK;
    if (number(p + 2, (slash ? (size_t)(slash - p) : len) - 2, &v) || v < 2 ||
        (slash && (number(slash + 1, len - (size_t)(slash + 1 - p), &k) || k < 1 || k > MAX_BLOCK)) ||
        u->written < k)
        return bad(err, err_len, ln, "a repeat marker needs a count of 2 or more after the lines it repeats");
    /* the K lines above without the open prefixes, which emit adds */
    for (q = 0; q < k && rc == TERSE_OK; q++) {
        size_t at = (u->written - k + q) % MAX_BLOCK;
        if (u->len[at] < u->pfx.len)
            rc = bad(err, err_len, ln, "a repeat marker crosses a prefix template");
        else {
            buf_add(&blk, u->out->p + u->off[at] + u->pfx.len, u->len[at] - u->pfx.len);
            buf_addc(&blk, '\n');
        }
    }
    if (rc == TERSE_OK && blk.oom)
        rc = TERSE_ENOMEM;
    for (r = 1; r < v && rc == TERSE_OK; r++) {
        size_t o = 0;
        while (o < blk.len) {
            const char *e2 = memchr(blk.p + o, '\n', blk.len - o);
            emit(u, blk.p + o, (size_t)(e2 - (blk.p + o)));
            o = (size_t)(e2 - blk.p) + 1;
        }
    }
    buf_free(&blk);
    return rc;
}

/* The v rows of template t[0..tl) ("~N T" on line *ln), from s[*i..n):
 * each row's values fill T's {} and {+} slots in order. Advances *i and
 * *ln. Returns TERSE_OK, TERSE_EFORMAT (with err) or TERSE_ENOMEM. */
static int unfold_rows(struct unfold *u, const char *s, size_t n, size_t *i, size_t *ln, const char *t, size_t tl,
                       size_t v, char *err, size_t err_len)
{
    int dkind[MAX_FIELDS], rc = TERSE_OK;
    long long dprev[MAX_FIELDS];
    size_t r;
    memset(dkind, 0, sizeof dkind);
    for (r = 0; r < v && rc == TERSE_OK; r++) {
        const char *re, *rp;
        size_t rend, rl, x = 0, ri = 0, slot = 0;
        struct buf line = {0};
        if (*i >= n)
            return bad(err, err_len, *ln, "a template has fewer rows than its count says");
        re = memchr(s + *i, '\n', n - *i);
        rend = re ? (size_t)(re - s) : n;
        rp = s + *i;
        rl = rend - *i;
        *i = rend + 1;
        ++*ln;
        while (x < tl && rc == TERSE_OK) {
            int is_delta = x + 2 < tl && t[x] == '{' && t[x + 1] == '+' && t[x + 2] == '}';
            if ((x + 1 < tl && t[x] == '{' && t[x + 1] == '}') || is_delta) {
                size_t vs = ri;
                while (ri < rl && rp[ri] != ' ')
                    ri++;
                if (ri == vs || slot >= MAX_FIELDS)
                    rc = bad(err, err_len, *ln, "a row has fewer values than its template");
                else if (is_delta)
                    rc = put_delta(rp + vs, ri - vs, r, &dkind[slot], &dprev[slot], &line)
                             ? bad(err, err_len, *ln, "a bad difference in a {+} slot")
                             : TERSE_OK;
                else
                    buf_add(&line, rp + vs, ri - vs);
                slot++;
                if (ri < rl)
                    ri++;
                x += is_delta ? 3 : 2;
            } else {
                buf_addc(&line, t[x++]);
            }
        }
        if (rc == TERSE_OK && (ri < rl || (rl && rp[rl - 1] == ' ')))
            rc = bad(err, err_len, *ln, "a row has more values than its template");
        if (rc == TERSE_OK && line.oom)
            rc = TERSE_ENOMEM;
        if (rc == TERSE_OK)
            emit(u, line.p, line.len);
        buf_free(&line);
    }
    return rc;
}

int log_unfold(const char *s, size_t n, struct buf *out, char *err, size_t err_len)
{
    size_t i = strlen(LOG_HEAD), ln = 1;
    struct unfold u;
    int rc = TERSE_OK;
    if (!log_is_folded(s, n)) {
        buf_add(out, s, n);
        if (!out->oom)
            return TERSE_OK;
        if (err && err_len)
            snprintf(err, err_len, "out of memory");
        return TERSE_ENOMEM;
    }
    memset(&u, 0, sizeof(u));
    u.out = out;
    while (i < n && rc == TERSE_OK) {
        const char *e = memchr(s + i, '\n', n - i);
        size_t end = e ? (size_t)(e - s) : n, len = end - i, v;
        const char *p = s + i, *sp, *t;
        ln++;
        i = end + 1;
        if (len == 0 || p[0] != '~') {
            emit(&u, p, len);
        } else if (len >= 2 && p[1] == '~') {
            emit(&u, p + 1, len - 1);
        } else if (len >= 2 && p[1] == 'x') {
            rc = unfold_repeat(&u, p, len, ln, err, err_len);
        } else if (len == 6 && memcmp(p, "~noeol", 6) == 0) {
            if (i < n)
                rc = bad(err, err_len, ln, "~noeol must be the last line");
            else if (out->len && out->p[out->len - 1] == '\n')
                out->len--;
        } else if (len >= 2 && p[1] == '-') {
            emit(&u, p, len); /* lines left out at level max: the marker stays */
        } else if (!(sp = memchr(p, ' ', len)) || number(p + 1, (size_t)(sp - p) - 1, &v) || v < 1) {
            rc = bad(err, err_len, ln, "unknown marker (a log line that starts with '~' is written '~~')");
        } else {
            size_t tl = len - (size_t)(sp + 1 - p);
            t = sp + 1;
            if (tl >= 3 && memcmp(t + tl - 3, "{*}", 3) == 0) {
                /* a prefix run: the next v lines (after unfolding) start
                 * with the prefix */
                if (u.open == MAX_PREFIX_DEPTH + 1) {
                    rc = bad(err, err_len, ln, "prefix templates nested too deep");
                    break;
                }
                buf_add(&u.pfx, t, tl - 3);
                u.plen[u.open] = tl - 3;
                u.left[u.open] = v;
                u.open++;
                continue;
            }
            rc = unfold_rows(&u, s, n, &i, &ln, t, tl, v, err, err_len);
        }
    }
    if (rc == TERSE_OK && u.open)
        rc = bad(err, err_len, ln, "a prefix template covers more lines than follow");
    if (out->oom || u.pfx.oom) { /* it ran out first: not the input's fault */
        if (err && err_len)
            snprintf(err, err_len, "out of memory");
        rc = TERSE_ENOMEM;
    }
    buf_free(&u.pfx);
    return rc;
}
