/* code_dispatch.c - code in the pipeline: code input through the code
 * pass (one file or many, at a level or a budget), fences of known
 * languages, the shape tests that tell code from prose; see code_dispatch.h.
 */
#include "code_dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../passes/code.h"
#include "../passes/code_lang.h"
#include "../passes/levels.h" /* LEVEL_WORDING */
#include "../tokenize/tokenizer.h"
#include "document.h"

static int code_count(void *arg, const char *s, size_t n, size_t *c)
{
    const struct job *j = arg;
    return tok_counter_count(j->counter, s, n, c);
}

static void code_options(struct job *j, int lang, int level, size_t budget, struct code_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lang = lang;
    o->level = level;
    o->query = j->o->query;
    o->query_len = j->o->query_len;
    o->budget = budget;
    o->count = code_count;
    o->count_arg = j;
}

/* What max replaced by markers in code, for terse_result.elided. */
static size_t code_elided(const struct code_stats *st)
{
    return st->bodies_elided + st->members_elided + st->values_elided;
}

/* The code pass's figures of the output kept, for terse_result. */
static void note_code_stats(struct job *j, const struct code_stats *st)
{
    j->parse_errors = st->parse_errors;
    j->elided = code_elided(st);
}

/* See code_dispatch.h. */
int compress_fence(struct job *j, struct seg *g, const char *src, size_t n, int level, struct buf *b)
{
    const char *nl = memchr(src, '\n', n), *info;
    size_t c0, c1, close, il = 0;
    int lang;
    struct code_opts o;
    struct code_stats st;
    if (!nl)
        return 0;
    c0 = (size_t)(nl - src) + 1;
    info = src;
    while (info < nl && (*info == ' ' || *info == '`' || *info == '~'))
        info++;
    while (info + il < nl && info[il] != ' ' && info[il] != '\t' && info[il] != '{' && info[il] != ',')
        il++;
    /* the closing fence: the last line, when it is one */
    close = n;
    while (close > c0 && src[close - 1] != '\n')
        close--;
    if (close > c0 && (src[close] == '`' || src[close] == '~' || src[close] == ' ')) {
        c1 = close - 1;
    } else {
        c1 = n; /* not closed: the code runs to the end */
        close = n;
    }
    if (c1 < c0)
        return 0;
    lang = il ? code_lang_parse(info, il) : code_lang_guess(src + c0, c1 - c0);
    if (lang == CODE_NONE)
        return 0;
    memset(&st, 0, sizeof st);
    code_options(j, lang, level, 0, &o);
    buf_add(b, src, c0);
    {
        int rc = code_compress(src + c0, c1 - c0, &o, b, &st);
        if (rc != TERSE_OK) {
            status_fail(&j->status, rc); /* the pipeline returns the job's status */
            b->oom = 1;
            return 1;
        }
    }
    g->parse_error = st.parse_errors != 0;
    g->elided = (uint32_t)code_elided(&st);
    if (close < n) {
        buf_addc(b, '\n');
        buf_add(b, src + close, n - close);
    }
    return 1;
}

/* See code_dispatch.h. */
int input_lang(const struct job *j)
{
    const terse_options *o = j->o;
    int lang = CODE_NONE;
    if (o->lang)
        lang = code_lang_parse(o->lang, strlen(o->lang));
    if (lang == CODE_NONE && o->name)
        lang = code_lang_from_path(o->name, strlen(o->name));
    return lang;
}

/* See code_dispatch.h. */
int multi_file_code(const struct job *j)
{
    size_t np = code_split_files(j->doc, j->n, NULL, 0), i;
    struct code_part *parts;
    int found = 0;
    if (!np || !(parts = malloc(np * sizeof *parts)))
        return 0;
    code_split_files(j->doc, j->n, parts, np);
    for (i = 0; i < np && !found; i++)
        found = code_lang_from_path(j->doc + parts[i].p0, parts[i].p1 - parts[i].p0) != CODE_NONE;
    free(parts);
    return found;
}

/* Compresses the whole code input at `level` into out: one file, or each
 * file of a multi-file input (code_split_files) with the language of its
 * path, headers kept. With a budget (max only) each file gets a share in
 * proportion to its size. Returns TERSE_OK, TERSE_EBUDGET (a file's share
 * not met), or the first other failure's status. */
static int code_all(struct job *j, int lang, int level, size_t budget, struct buf *out, struct code_stats *st)
{
    struct code_part *parts;
    struct code_opts o;
    size_t np = code_split_files(j->doc, j->n, NULL, 0), i, at = 0;
    int rc = TERSE_OK;
    if (np == 0) {
        if (lang == CODE_NONE)
            lang = code_lang_guess(j->doc, j->n);
        if (lang == CODE_NONE) {
            buf_add(out, j->doc, j->n);
            return TERSE_OK;
        }
        code_options(j, lang, level, budget, &o);
        return code_compress(j->doc, j->n, &o, out, st);
    }
    parts = malloc(np * sizeof *parts);
    if (!parts)
        return TERSE_ENOMEM;
    code_split_files(j->doc, j->n, parts, np);
    for (i = 0; i < np && (rc == TERSE_OK || rc == TERSE_EBUDGET); i++) {
        const struct code_part *p = &parts[i];
        int fl = code_lang_from_path(j->doc + p->p0, p->p1 - p->p0);
        size_t b1 = p->b1;
        buf_add(out, j->doc + at, p->h1 - at); /* text before, and the header */
        while (b1 > p->b0 && (j->doc[b1 - 1] == '\n' || j->doc[b1 - 1] == ' ' || j->doc[b1 - 1] == '\t'))
            b1--;
        if (fl == CODE_NONE)
            fl = lang != CODE_NONE ? lang : code_lang_guess(j->doc + p->b0, b1 - p->b0);
        if (fl == CODE_NONE) {
            buf_add(out, j->doc + p->b0, b1 - p->b0);
        } else {
            int r;
            code_options(j, fl, level, budget ? budget * (b1 - p->b0) / (j->n ? j->n : 1) + 1 : 0, &o);
            r = code_compress(j->doc + p->b0, b1 - p->b0, &o, out, st);
            if (r != TERSE_OK)
                rc = r;
        }
        if (b1 > p->b0)
            buf_addc(out, '\n');
        at = p->t1 > p->t0 ? p->t0 : p->b1;
    }
    buf_add(out, j->doc + at, j->n - at);
    free(parts);
    return rc;
}

/* See code_dispatch.h. */
int compress_code(struct job *j, int lang, struct buf *out, int *level, size_t *min_tokens)
{
    struct code_stats st;
    size_t budget = j->o->budget, got = 0;
    int L, rc;
    memset(&st, 0, sizeof st);
    if (!budget) {
        rc = code_all(j, lang, *level, 0, out, &st);
        note_code_stats(j, &st);
        return rc;
    }
    for (L = TERSE_LEVEL_EXACT; L <= *level && L <= LEVEL_WORDING; L++) {
        memset(&st, 0, sizeof st);
        out->len = 0;
        if ((rc = code_all(j, lang, L, 0, out, &st)) != TERSE_OK)
            return rc;
        if (out->oom)
            return TERSE_ENOMEM;
        got = count_tokens(j, out->p ? out->p : "", out->len);
        note_code_stats(j, &st);
        if (got <= budget) {
            *level = L;
            return TERSE_OK;
        }
    }
    if (*level < TERSE_LEVEL_MAX) {
        *min_tokens = got;
        return TERSE_EBUDGET;
    }
    memset(&st, 0, sizeof st);
    out->len = 0;
    rc = code_all(j, lang, TERSE_LEVEL_MAX, budget, out, &st);
    if (rc != TERSE_OK && rc != TERSE_EBUDGET)
        return rc;
    got = count_tokens(j, out->p ? out->p : "", out->len);
    if (rc == TERSE_EBUDGET || got > budget) {
        /* the per-file shares missed: every body elided */
        memset(&st, 0, sizeof st);
        out->len = 0;
        if ((rc = code_all(j, lang, TERSE_LEVEL_MAX, 0, out, &st)) != TERSE_OK)
            return rc;
        if (out->oom)
            return TERSE_ENOMEM;
        got = count_tokens(j, out->p ? out->p : "", out->len);
        if (got > budget) {
            *min_tokens = got;
            return TERSE_EBUDGET;
        }
    }
    note_code_stats(j, &st);
    return TERSE_OK;
}

/* See code_dispatch.h. */
int code_shaped(const char *s, size_t n)
{
    size_t i = 0, lines = 0;
    if (n > 256 * 1024)
        return 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        if (e - i > 200)
            return 0;
        lines++;
        i = e + 1;
    }
    return lines && n / lines <= 100;
}
