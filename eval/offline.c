/* offline.c - `terse eval` without a model: compress every item of each
 * data set at each level with each tokenizer and measure what was saved
 * and what survived.
 *
 *   terse eval [--sets squad,nq,kv,gsm8k,seed,locomo|FILE.jsonl] [--levels L,...]
 *              [--tokenizers T,...] [--limit N] [--budget PCT] [--data DIR] [--out DIR]
 *
 * Metrics per (data set, tokenizer, level), definitions in docs/eval.md:
 * total and median token ratio, strict and content answer retention (the
 * definitions of eval/quality.js), guard violations (the library's own
 * guard check over the whole output), number retention, exact recall of
 * the key-value UUIDs, and compression time per MB. Markdown goes to
 * stdout; --out DIR also writes DIR/report.md, DIR/report.json and one
 * SVG plot per tokenizer (DIR/fidelity-TOKENIZER.svg).
 */
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/lex.h"
#include "../lib/guard/guard.h"
#include "../lib/passes/prose.h"
#include "../lib/common/json.h"
#include "eval.h"
#include "terse.h"

#define MAX_SETS 16

struct cell {
    size_t items, errors, bytes, tin, tout, ref_tokens;
    size_t questions, strict, content;
    size_t nums, nums_kept, items_with_nums, items_all_nums;
    size_t guard_bad, kv_pair, kv_all;
    size_t over_budget; /* --budget: outputs over it (must stay 0) */
    size_t json_same;   /* toon: outputs that expand back to the same JSON */
    double seconds;
    double *ratios;
    size_t n_ratios;
};

/* Per-item facts computed once: normalized answers, numbers. */
struct prepared {
    char ***norm;       /* [question][answer] */
    struct buf nums;
    size_t n_nums;
};

/* A hexadecimal digit, either case (UUIDs). */
static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Whether s[0..) starts with a UUID (8-4-4-4-12 hex digits). */
static int uuid_at(const char *s, size_t left)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    size_t g, k, p = 0;
    if (left < 36)
        return 0;
    for (g = 0; g < 5; g++) {
        for (k = 0; k < (size_t)groups[g]; k++)
            if (!is_hex(s[p++]))
                return 0;
        if (g < 4 && s[p++] != '-')
            return 0;
    }
    return 1;
}

/* The first UUID at or after p in text, or NULL. */
static const char *next_uuid(const char *text, size_t len, const char *p)
{
    for (; p && (size_t)(p - text) + 36 <= len; p++)
        if (uuid_at(p, len - (size_t)(p - text)))
            return p;
    return NULL;
}

/* kv: whether the queried key is followed (first UUID after it) by its
 * value, and whether every UUID of the input occurs in the output. */
static void kv_check(const struct eval_item *it, const char *out, size_t len, int *pair, int *all)
{
    const char *k = strstr(out, it->kv_key), *u, *p;
    *pair = 0;
    if (k && (u = next_uuid(out, len, k + strlen(it->kv_key))) != NULL)
        *pair = strncmp(u, it->kv_value, 36) == 0;
    *all = 1;
    for (p = it->context; (p = next_uuid(it->context, it->context_len, p)) != NULL; p += 36) {
        char id[37];
        memcpy(id, p, 36);
        id[36] = 0;
        if (!strstr(out, id)) {
            *all = 0;
            break;
        }
    }
}

/* Whether some protected item of the input (number, negation, name,
 * URL, path, code span, quoted string: the library guard's rule,
 * guard_is_protected) occurs nowhere in the output. The pipeline checks
 * each segment against its own output; this checks the whole result, so
 * an item only needs to be somewhere in the output (a substring; a quoted
 * string by its inner text), which also accepts a duplicate sentence
 * replaced by a marker. A word is sentence-initial after . ! ? or a line
 * break, past any quotes, brackets and labels ("2)", "Name:") around the boundary. Returns -1 when out of memory. */
/* Whether item[0..len) occurs in s[0..n) (len > 0). */
static int contains(const char *s, size_t n, const char *item, size_t len)
{
    size_t i = 0;
    while (i + len <= n) {
        const char *hit = memchr(s + i, item[0], n - i - len + 1);
        if (!hit)
            return 0;
        i = (size_t)(hit - s);
        if (memcmp(s + i, item, len) == 0)
            return 1;
        i++;
    }
    return 0;
}

static int guard_violated(const char *in, size_t n, const char *out, size_t out_len)
{
    struct lex_tok *t = malloc((n ? n : 1) * sizeof *t);
    size_t nt, i;
    int start = 1, bad = 0;
    if (!t)
        return -1;
    nt = lex_text(in, n, t);
    for (i = 0; i < nt && !bad; i++) {
        const char *item = in + t[i].start;
        size_t len = t[i].len;
        char c = *item;
        if (t[i].flags & LXF_NL)
            start = 1;
        if (guard_is_protected(in, &t[i], start, prose_common_word)) {
            if (t[i].kind == LX_QUOTE) {
                size_t m = c == '"' ? 1 : 3;
                item += m;
                len = len > 2 * m ? len - 2 * m : 0;
            }
            bad = len && !contains(out, out_len, item, len);
        }
        /* punctuation after a sentence end (closing quotes and brackets,
         * opening ones of the next sentence) keeps the next word initial */
        /* and so does a leading label such as "2)" or "2017:" (lex_sentence_start),
         * or a speaker's name before ':' in a transcript ("Melanie: Wow, ...") */
        start = (t[i].kind == LX_PUNCT && (c == '.' || c == '!' || c == '?' || start)) ||
                (start && (t[i].kind == LX_NUMBER || t[i].kind == LX_WORD) && i + 1 < nt &&
                 t[i + 1].kind == LX_PUNCT &&
                 (in[t[i + 1].start] == ':' ||
                  (t[i].kind == LX_NUMBER && (in[t[i + 1].start] == ')' || in[t[i + 1].start] == '.'))));
    }
    free(t);
    return bad;
}

/* qsort order of doubles, ascending. */
/* toon: whether terse_expand(out) is the same JSON value as in
 * (json_equal: numbers as written, key order, strings decoded). Returns
 * 1, 0, or -1 when out of memory. */
static int json_round_trip(const char *in, size_t in_len, const char *out, size_t out_len)
{
    char *back = NULL;
    size_t back_len = 0;
    struct json_doc *a, *b;
    int rc = terse_expand(out, out_len, TERSE_TYPE_JSON, &back, &back_len, NULL, 0), same;
    if (rc == TERSE_ENOMEM)
        return -1;
    if (rc != TERSE_OK)
        return 0;
    a = json_parse(in, in_len, NULL);
    b = json_parse(back, back_len, NULL);
    same = a && b && json_equal(json_root(a), json_root(b));
    json_doc_free(a);
    json_doc_free(b);
    terse_free(back);
    return same;
}

/* qsort order of doubles, ascending. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorting v in place); the mean of the middle two
 * for even n; 0 for none. */
static double median(double *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* 100 * a / b, or 0 when b is 0. */
static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0;
}

/* Where lost answers are listed (DIR/lost.jsonl): the run's buffer and
 * the names of the current (set, tokenizer, level). */
struct lost_log {
    struct buf *b;
    const char *set, *tok, *level;
};

/* Appends one JSON line for question q of item it, not kept strictly (its
 * content words may still be there: "content" says), or not answered at
 * all when why is not NULL (a budget that cannot be met). */
static void log_lost(const struct lost_log *lg, const struct eval_item *it, const struct eval_question *q,
                     int content, const char *why)
{
    size_t a;
    struct buf *b = lg->b;
    buf_adds(b, "{\"set\":");
    json_write_string(lg->set, strlen(lg->set), b);
    buf_adds(b, ",\"tokenizer\":");
    json_write_string(lg->tok, strlen(lg->tok), b);
    buf_adds(b, ",\"level\":");
    json_write_string(lg->level, strlen(lg->level), b);
    buf_adds(b, ",\"item\":");
    json_write_string(it->id, strlen(it->id), b);
    buf_adds(b, ",\"question_id\":");
    json_write_string(q->id, strlen(q->id), b);
    buf_adds(b, ",\"question\":");
    json_write_string(q->question, strlen(q->question), b);
    buf_adds(b, ",\"answers\":[");
    for (a = 0; a < q->n_answers; a++) {
        if (a)
            buf_addc(b, ',');
        json_write_string(q->answers[a], strlen(q->answers[a]), b);
    }
    buf_adds(b, "]");
    if (why) {
        buf_adds(b, ",\"error\":");
        json_write_string(why, strlen(why), b);
    } else {
        buf_adds(b, content ? ",\"content_kept\":true" : ",\"content_kept\":false");
    }
    buf_adds(b, "}\n");
}

/* Compresses every item of set with (tok, level) into c. Returns 0 or -1
 * (out of memory, or an unexpected library error, with err set). */
static int run_cell(const struct eval_set *set, const struct prepared *prep, const terse_tokenizer *tok,
                    int level, struct cell *c, const struct lost_log *lost, struct eval_progress *pr, char *err,
                    size_t errlen)
{
    terse_options o;
    terse_ctx *ctx;
    size_t i, qi, ai;
    int status;
    terse_options_init(&o);
    o.tokenizer = tok;
    o.level = level;
    if (!(ctx = terse_ctx_new(&o, &status))) {
        snprintf(err, errlen, "compress: %s", terse_strerror(status));
        return -1;
    }
    c->ratios = calloc(set->n ? set->n : 1, sizeof *c->ratios);
    if (!c->ratios) {
        terse_ctx_free(ctx);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < set->n; i++) {
        const struct eval_item *it = &set->items[i];
        terse_result r;
        double t0 = eval_now();
        char *norm;
        int rc = terse_compress(ctx, it->context, it->context_len, &r);
        c->seconds += eval_now() - t0;
        c->items++;
        c->bytes += it->context_len;
        if (rc != TERSE_OK) {
            /* counted as keeping nothing, at the input's size */
            size_t n = 0;
            terse_count(tok, it->context, it->context_len, 0, &n);
            c->errors++;
            c->tin += n;
            c->tout += n;
            for (qi = 0; qi < it->nq; qi++)
                if (it->q[qi].offline) {
                    c->questions++;
                    log_lost(lost, it, &it->q[qi], 0, terse_strerror(rc));
                }
            c->nums += prep[i].n_nums;
            c->items_with_nums += prep[i].n_nums > 0;
            eval_progress_step(pr, 1);
            continue;
        }
        c->tin += r.tokens_in;
        c->tout += r.tokens_out;
        if (r.tokens_in)
            c->ratios[c->n_ratios++] = (double)r.tokens_out / (double)r.tokens_in;
        if (it->reference) {
            size_t n = 0;
            terse_count(tok, it->reference, strlen(it->reference), 0, &n);
            c->ref_tokens += n;
        }
        norm = eval_normalize(r.text, r.len);
        if (!norm)
            goto oom;
        for (qi = 0; qi < it->nq; qi++) {
            int s = 0, k = 0;
            if (!it->q[qi].offline)
                continue;
            c->questions++;
            for (ai = 0; ai < it->q[qi].n_answers; ai++) {
                const char *na = prep[i].norm[qi][ai];
                s |= eval_strict_kept(norm, na);
                k |= eval_content_kept(norm, na);
            }
            c->strict += s;
            c->content += k;
            if (!s)
                log_lost(lost, it, &it->q[qi], k, NULL);
        }
        free(norm);
        if (prep[i].n_nums) {
            size_t kept = eval_numbers_kept(prep[i].nums.p, prep[i].n_nums, r.text, r.len);
            c->nums += prep[i].n_nums;
            c->nums_kept += kept;
            c->items_with_nums++;
            c->items_all_nums += kept == prep[i].n_nums;
        }
        {
            int g = guard_violated(it->context, it->context_len, r.text, r.len);
            if (g < 0)
                goto oom;
            c->guard_bad += (size_t)g;
        }
        if (set->kind == SET_KV) {
            int pair, all;
            kv_check(it, r.text, r.len, &pair, &all);
            c->kv_pair += pair;
            c->kv_all += all;
        }
        if (set->kind == SET_JSON) {
            int same = json_round_trip(it->context, it->context_len, r.text, r.len);
            if (same < 0)
                goto oom;
            c->json_same += (size_t)same;
        }
        terse_result_free(&r);
        eval_progress_step(pr, 1);
        continue;
    oom: /* r holds a result */
        terse_result_free(&r);
        terse_ctx_free(ctx);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    terse_ctx_free(ctx);
    return 0;
}

/* --budget PCT: each offline question of each item is one call, with the
 * question (kv: the key) as the query and floor(PCT% of the item's
 * tokens) as the budget; level is the highest level tried. Retention is
 * judged for that question only. A call that fails (a budget that cannot
 * be met) or whose output is over the budget keeps nothing; its tokens
 * count as the input's, so savings are not flattered. */
static int run_cell_query(const struct eval_set *set, const struct prepared *prep, const terse_tokenizer *tok,
                          int level, unsigned pct_budget, struct cell *c, const struct lost_log *lost,
                          struct eval_progress *pr, char *err, size_t errlen)
{
    size_t i, qi, ai, n_calls = 0;
    for (i = 0; i < set->n; i++)
        for (qi = 0; qi < set->items[i].nq; qi++)
            n_calls += set->items[i].q[qi].offline;
    c->ratios = calloc(n_calls ? n_calls : 1, sizeof *c->ratios);
    if (!c->ratios) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < set->n; i++) {
        const struct eval_item *it = &set->items[i];
        size_t tin = 0;
        terse_count(tok, it->context, it->context_len, 0, &tin);
        for (qi = 0; qi < it->nq; qi++) {
            const struct eval_question *q = &it->q[qi];
            const char *query = it->kv_key ? it->kv_key : q->question;
            terse_options o;
            terse_ctx *ctx;
            terse_result r;
            double t0;
            int rc, status, s = 0, k = 0;
            char *norm;
            if (!q->offline)
                continue;
            terse_options_init(&o);
            o.tokenizer = tok;
            o.level = level;
            o.query = query;
            o.query_len = strlen(query);
            o.budget = (size_t)((unsigned long long)tin * pct_budget / 100);
            if (!o.budget)
                o.budget = 1;
            if (!(ctx = terse_ctx_new(&o, &status))) {
                snprintf(err, errlen, "compress: %s", terse_strerror(status));
                return -1;
            }
            t0 = eval_now();
            rc = terse_compress(ctx, it->context, it->context_len, &r);
            c->seconds += eval_now() - t0;
            terse_ctx_free(ctx);
            c->items++;
            c->questions++;
            c->bytes += it->context_len;
            c->tin += tin;
            c->nums += prep[i].n_nums;
            c->items_with_nums += prep[i].n_nums > 0;
            if (rc != TERSE_OK) {
                if (rc != TERSE_EBUDGET) {
                    snprintf(err, errlen, "compress: %s", terse_strerror(rc));
                    return -1;
                }
                c->errors++;
                c->tout += tin;
                c->ratios[c->n_ratios++] = 1;
                log_lost(lost, it, q, 0, "the budget cannot be met");
                eval_progress_step(pr, 1);
                continue;
            }
            if (r.tokens_out > o.budget) {
                c->over_budget++;
                c->tout += tin;
                c->ratios[c->n_ratios++] = 1;
                log_lost(lost, it, q, 0, "output over the budget");
                terse_result_free(&r);
                eval_progress_step(pr, 1);
                continue;
            }
            c->tout += r.tokens_out;
            c->ratios[c->n_ratios++] = tin ? (double)r.tokens_out / (double)tin : 1;
            if (!(norm = eval_normalize(r.text, r.len))) {
                terse_result_free(&r);
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            for (ai = 0; ai < q->n_answers; ai++) {
                s |= eval_strict_kept(norm, prep[i].norm[qi][ai]);
                k |= eval_content_kept(norm, prep[i].norm[qi][ai]);
            }
            free(norm);
            c->strict += s;
            c->content += k;
            if (!s)
                log_lost(lost, it, q, k, NULL);
            if (prep[i].n_nums) {
                size_t kept = eval_numbers_kept(prep[i].nums.p, prep[i].n_nums, r.text, r.len);
                c->nums_kept += kept;
                c->items_all_nums += kept == prep[i].n_nums;
            }
            if (set->kind == SET_KV) {
                int pair, all;
                kv_check(it, r.text, r.len, &pair, &all);
                c->kv_pair += pair;
                c->kv_all += all;
            }
            terse_result_free(&r);
            eval_progress_step(pr, 1);
        }
    }
    return 0;
}

/* The "answers retained" figure plotted for a set: strict retention for
 * question sets, the queried pair for kv, items keeping every number for
 * gsm8k and the seed pairs. */
static double kept_figure(int kind, const struct cell *c)
{
    if (kind == SET_KV)
        return pct(c->kv_pair, c->items);
    if (kind == SET_JSON)
        return pct(c->json_same, c->items);
    if (kind == SET_NUMBERS || kind == SET_SEED)
        return pct(c->items_all_nums, c->items_with_nums);
    return pct(c->strict, c->questions);
}

/* Answers present in the uncompressed input: the ceiling of retention. */
struct input_ret {
    size_t questions, strict, content;
};

/* Computes once per item what every (tokenizer, level) run compares
 * against: the normalized gold answers and the input's numbers; and the
 * retention over the uncompressed input. Allocation failures leave NULLs
 * that prepared_ok reports. */
static void prepare(const struct eval_set *set, struct prepared *prep, struct input_ret *in)
{
    size_t i, qi, ai;
    memset(in, 0, sizeof *in);
    for (i = 0; i < set->n; i++) {
        const struct eval_item *it = &set->items[i];
        char *norm = eval_normalize(it->context, it->context_len);
        prep[i].norm = calloc(it->nq ? it->nq : 1, sizeof *prep[i].norm);
        for (qi = 0; prep[i].norm && qi < it->nq; qi++) {
            prep[i].norm[qi] = calloc(it->q[qi].n_answers ? it->q[qi].n_answers : 1, sizeof(char *));
            for (ai = 0; prep[i].norm[qi] && ai < it->q[qi].n_answers; ai++)
                prep[i].norm[qi][ai] = eval_normalize(it->q[qi].answers[ai], strlen(it->q[qi].answers[ai]));
            if (norm && prep[i].norm[qi] && it->q[qi].offline) {
                int st = 0, ct = 0;
                for (ai = 0; ai < it->q[qi].n_answers; ai++)
                    if (prep[i].norm[qi][ai]) {
                        st |= eval_strict_kept(norm, prep[i].norm[qi][ai]);
                        ct |= eval_content_kept(norm, prep[i].norm[qi][ai]);
                    }
                in->questions++;
                in->strict += st;
                in->content += ct;
            }
        }
        free(norm);
        prep[i].n_nums = eval_numbers(it->context, it->context_len, &prep[i].nums);
    }
}

/* Whether prepare allocated everything. */
static int prepared_ok(const struct eval_set *set, const struct prepared *prep)
{
    size_t i, qi, ai;
    for (i = 0; i < set->n; i++) {
        if (!prep[i].norm || prep[i].nums.oom)
            return 0;
        for (qi = 0; qi < set->items[i].nq; qi++) {
            if (!prep[i].norm[qi])
                return 0;
            for (ai = 0; ai < set->items[i].q[qi].n_answers; ai++)
                if (!prep[i].norm[qi][ai])
                    return 0;
        }
    }
    return 1;
}

/* Frees what prepare made, and prep itself. */
static void unprepare(const struct eval_set *set, struct prepared *prep)
{
    size_t i, qi, ai;
    for (i = 0; prep && i < set->n; i++) {
        for (qi = 0; prep[i].norm && qi < set->items[i].nq; qi++) {
            for (ai = 0; prep[i].norm[qi] && ai < set->items[i].q[qi].n_answers; ai++)
                free(prep[i].norm[qi][ai]);
            free(prep[i].norm[qi]);
        }
        free(prep[i].norm);
        buf_free(&prep[i].nums);
    }
    free(prep);
}

/* printf to the end of b (one line of a report, at most 1 KB). */
static void addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_adds(b, tmp);
}

/* What a report is made of: the run's options, data sets and results. */
struct run {
    const char *data;
    long limit, budget;
    const struct eval_set *sets;
    int n_sets;
    const struct input_ret *inputs;
    const terse_tokenizer *const *toks;
    char *const *tnames;
    int n_toks;
    char *const *lnames;
    int n_levels;
    struct cell *cells; /* [set][tokenizer][level]; medians sort their ratios */
    size_t total_items;
    double t_start;
};

/* Appends the markdown report to md and the JSON report to js: the
 * definitions, the retention over the uncompressed input, and one row per
 * (set, tokenizer, level). Allocation failures show in md->oom, js->oom. */
static void write_report(const struct run *r, struct buf *md, struct buf *js)
{
    const char *data = r->data;
    long limit = r->limit, budget = r->budget;
    const struct eval_set *sets = r->sets;
    const struct input_ret *inputs = r->inputs;
    const terse_tokenizer *const *toks = r->toks;
    char *const *tnames = r->tnames, *const *lnames = r->lnames;
    int n_sets = r->n_sets, n_toks = r->n_toks, n_levels = r->n_levels, s, t, l;
    struct cell *cells = r->cells;
    addf(md, "# terse eval: fidelity per data set, tokenizer and level\n\n");
    addf(md, "data: %s%s; definitions: docs/eval.md. \"saved\" is 1 - total tokens out / total tokens in; "
              "retention is over the answerable questions; numbers: distinct numbers of the input kept in the "
              "output.\n",
         data, limit ? "" : "");
    if (limit)
        addf(md, "At most %ld items per data set (--limit).\n", limit);
    if (budget)
        addf(md, "--budget %ld%%: one call per question, the question (kv: the key) as --query, a budget of "
                  "floor(%ld%% of the item's tokens); the level is the highest tried; \"items\" counts calls; a "
                  "failed or over-budget call keeps nothing and counts at the input's size.\n",
             budget, budget);
    addf(md, "\nAnswers present in the uncompressed input (the ceiling of retention):\n\n"
              "| set | questions | strict %% | content %% |\n|---|---|---|---|\n");
    for (s = 0; s < n_sets; s++)
        if (inputs[s].questions)
            addf(md, "| %s | %zu | %.2f | %.2f |\n", sets[s].name, inputs[s].questions,
                 pct(inputs[s].strict, inputs[s].questions), pct(inputs[s].content, inputs[s].questions));
    addf(js, "{\"meta\":{\"data\":");
    json_write_string(data, strlen(data), js);
    addf(js, ",\"limit\":%ld,\"budget_pct\":%ld,\"version\":\"%s\",\"definitions\":{"
              "\"saved_pct\":\"100 * (1 - total tokens out / total tokens in)\","
              "\"median_ratio\":\"median over items of tokens out / tokens in\","
              "\"strict\":\"normalized gold answer is a substring of the normalized output (any gold answer)\","
              "\"content\":\"the non-stop words of the normalized answer occur in order in the normalized output\","
              "\"numbers\":\"distinct numbers (\\\\d[\\\\d,]*(\\\\.\\\\d+)?, commas removed) of the input present in the output\","
              "\"guard_violations\":\"items whose output lacks, anywhere, a protected item of the input (guard_is_protected)\","
              "\"kv_pair\":\"the first UUID after the queried key is its value\","
              "\"kv_all_uuids\":\"every UUID of the input occurs in the output\"}},\"inputs\":[",
         limit, budget, terse_version());
    for (s = 0; s < n_sets; s++) {
        addf(js, "%s{\"set\":", s ? "," : "");
        json_write_string(sets[s].name, strlen(sets[s].name), js);
        addf(js, ",\"items\":%zu,\"questions\":%zu", sets[s].n, inputs[s].questions);
        if (inputs[s].questions)
            addf(js, ",\"strict_retention\":%.2f,\"content_retention\":%.2f}",
                 pct(inputs[s].strict, inputs[s].questions), pct(inputs[s].content, inputs[s].questions));
        else
            addf(js, ",\"strict_retention\":null,\"content_retention\":null}");
    }
    addf(js, "],\"results\":[");
    for (t = 0; t < n_toks; t++) {
        addf(md, "\n## %s%s\n\n", tnames[t], terse_tokenizer_is_exact(toks[t]) ? "" : " (counts are an estimate)");
        addf(md, "| set | level | items | tokens in | tokens out | saved %% | median ratio | strict %% | "
                  "content %% | numbers kept %% | guard violations | kv pair / all UUIDs %% | JSON round trip %% | ref ratio | "
                  "failed | ms/MB |\n"
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (s = 0; s < n_sets; s++)
            for (l = 0; l < n_levels; l++) {
                struct cell *c = &cells[(s * n_toks + t) * n_levels + l];
                double saved = c->tin ? 100.0 * (1.0 - (double)c->tout / (double)c->tin) : 0;
                double med = median(c->ratios, c->n_ratios);
                double ms_mb = c->bytes ? c->seconds * 1000 / ((double)c->bytes / 1e6) : 0;
                char strict[32] = "-", content[32] = "-", kv[48] = "-", ref[32] = "-", nums[32] = "-", guard[32] = "-",
                     rt[32] = "-";
                if (sets[s].kind == SET_JSON)
                    snprintf(rt, sizeof rt, "%.2f", pct(c->json_same, c->items));
                if (c->questions) {
                    snprintf(strict, sizeof strict, "%.2f", pct(c->strict, c->questions));
                    snprintf(content, sizeof content, "%.2f", pct(c->content, c->questions));
                }
                if (c->nums)
                    snprintf(nums, sizeof nums, "%.2f", pct(c->nums_kept, c->nums));
                if (sets[s].kind == SET_KV)
                    snprintf(kv, sizeof kv, "%.2f / %.2f", pct(c->kv_pair, c->items), pct(c->kv_all, c->items));
                if (sets[s].kind == SET_SEED && c->tin)
                    snprintf(ref, sizeof ref, "%.4f", (double)c->ref_tokens / (double)c->tin);
                if (!budget)
                    snprintf(guard, sizeof guard, "%zu", c->guard_bad);
                addf(md, "| %s | %s | %zu | %zu | %zu | %.2f | %.4f | %s | %s | %s | %s | %s | %s | %s | %zu | %.0f |\n",
                     sets[s].name, lnames[l], c->items, c->tin, c->tout, saved, med, strict, content, nums, guard,
                     kv, rt, ref, c->errors + c->over_budget, ms_mb);
                if (s || t || l)
                    buf_addc(js, ',');
                addf(js, "{\"set\":");
                json_write_string(sets[s].name, strlen(sets[s].name), js);
                addf(js, ",\"tokenizer\":\"%s\",\"level\":\"%s\",\"items\":%zu,\"errors\":%zu,\"over_budget\":%zu,"
                          "\"bytes\":%zu,"
                          "\"tokens_in\":%zu,\"tokens_out\":%zu,\"saved_pct\":%.2f,\"total_ratio\":%.4f,"
                          "\"median_ratio\":%.4f,\"questions\":%zu,\"strict_kept\":%zu,\"content_kept\":%zu,",
                     tnames[t], lnames[l], c->items, c->errors, c->over_budget, c->bytes, c->tin, c->tout, saved,
                     c->tin ? (double)c->tout / (double)c->tin : 0, med, c->questions, c->strict, c->content);
                if (c->questions)
                    addf(js, "\"strict_retention\":%.2f,\"content_retention\":%.2f,", pct(c->strict, c->questions),
                         pct(c->content, c->questions));
                else
                    addf(js, "\"strict_retention\":null,\"content_retention\":null,");
                addf(js, "\"numbers\":%zu,\"numbers_kept\":%zu,\"items_with_numbers\":%zu,\"items_all_numbers\":%zu,"
                          "\"guard_violations\":%zu,",
                     c->nums, c->nums_kept, c->items_with_nums, c->items_all_nums, c->guard_bad);
                if (sets[s].kind == SET_KV)
                    addf(js, "\"kv_pair_recall\":%.2f,\"kv_all_uuids\":%.2f,", pct(c->kv_pair, c->items),
                         pct(c->kv_all, c->items));
                if (sets[s].kind == SET_JSON)
                    addf(js, "\"json_round_trip\":%.2f,", pct(c->json_same, c->items));
                if (sets[s].kind == SET_SEED)
                    addf(js, "\"reference_tokens\":%zu,\"reference_ratio\":%.4f,", c->ref_tokens,
                         c->tin ? (double)c->ref_tokens / (double)c->tin : 0);
                addf(js, "\"kept_pct\":%.2f,\"seconds\":%.3f,\"ms_per_mb\":%.1f}", kept_figure(sets[s].kind, c),
                     c->seconds, c->bytes ? c->seconds * 1000 / ((double)c->bytes / 1e6) : 0);
            }
    }
    addf(md, "\n%zu items, %d tokenizers, %d levels, %.1f s in total.\n", r->total_items, n_toks, n_levels,
         eval_now() - r->t_start);
    addf(js, "]}\n");
}

/* Writes DIR/lost.jsonl: every question whose answer was not kept
 * (strictly), per set, tokenizer and level. Returns 0 or -1 with err. */
static int write_lost(const char *out_dir, const struct buf *lost, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/lost.jsonl", out_dir);
    return eval_write_file(path, lost, err, errlen);
}

/* Writes DIR/fidelity-TOKENIZER.svg for each tokenizer: % tokens saved
 * against % answers retained (kept_figure), one point per level, one
 * series per data set. Returns 0, or -1 with err set. */
static int write_plots(const struct run *r, const char *out_dir, char *err, size_t errlen)
{
    const struct eval_set *sets = r->sets;
    const terse_tokenizer *const *toks = r->toks;
    char *const *tnames = r->tnames, *const *lnames = r->lnames;
    int n_sets = r->n_sets, n_toks = r->n_toks, n_levels = r->n_levels, s, t, l;
    const struct cell *cells = r->cells;
    for (t = 0; t < n_toks; t++) {
        struct eval_series ser[MAX_SETS];
        struct eval_point pts[MAX_SETS][8];
        struct buf svg = {0};
        char path[4096], title[128];
        for (s = 0; s < n_sets; s++) {
            for (l = 0; l < n_levels; l++) {
                const struct cell *c = &cells[(s * n_toks + t) * n_levels + l];
                pts[s][l].x = c->tin ? 100.0 * (1.0 - (double)c->tout / (double)c->tin) : 0;
                pts[s][l].y = kept_figure(sets[s].kind, c);
                pts[s][l].label = lnames[l];
            }
            ser[s].name = sets[s].name;
            ser[s].pts = pts[s];
            ser[s].n = (size_t)n_levels;
        }
        snprintf(title, sizeof title, "terse: tokens saved vs answers retained (%s%s)", tnames[t],
                 terse_tokenizer_is_exact(toks[t]) ? "" : ", estimate");
        eval_svg_plot(title, "% tokens saved", "% answers retained", ser, (size_t)n_sets, &svg);
        snprintf(path, sizeof path, "%s/fidelity-%s.svg", out_dir, tnames[t]);
        if (svg.oom || eval_write_file(path, &svg, err, errlen) != 0) {
            if (svg.oom)
                snprintf(err, errlen, "out of memory");
            buf_free(&svg);
            return -1;
        }
        buf_free(&svg);
    }
    return 0;
}

int eval_offline_main(int argc, char **argv)
{
    char *sets_arg = NULL, *levels_arg = NULL, *toks_arg = NULL, *names[MAX_SETS], *lnames[8], *tnames[8];
    const char *data = getenv("TERSE_DATA"), *out_dir = NULL;
    char err[512];
    long limit = 0, budget = 0;
    int n_sets = 0, n_levels = 0, n_toks = 0, levels[8], i, s, t, l, rc = 0;
    const terse_tokenizer *toks[8];
    struct eval_set sets[MAX_SETS];
    struct cell *cells = NULL;
    struct input_ret inputs[MAX_SETS];
    struct buf md = {0}, js = {0}, lost = {0};
    struct eval_progress pr;
    size_t total_items = 0;
    double t_start = eval_now();

    memset(sets, 0, sizeof sets);
    if (!data)
        data = eval_default_data();
    for (i = 1; i < argc; i += 2) {
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0)
            return eval_help();
        if (!val)
            return eval_usage_error("'%s' needs a value or is unknown", o);
        if (strcmp(o, "--sets") == 0) {
            free(sets_arg);
            sets_arg = strdup(val);
        } else if (strcmp(o, "--levels") == 0) {
            free(levels_arg);
            levels_arg = strdup(val);
        } else if (strcmp(o, "--tokenizers") == 0) {
            free(toks_arg);
            toks_arg = strdup(val);
        } else if (strcmp(o, "--data") == 0) {
            data = val;
        } else if (strcmp(o, "--out") == 0) {
            out_dir = val;
        } else if (strcmp(o, "--budget") == 0) {
            if (eval_parse_long(val, 1, 100, &budget)) {
                rc = eval_usage_error("--budget needs a percentage from 1 to 100, not '%s'", val);
                goto done;
            }
        } else if (strcmp(o, "--limit") == 0) {
            if (eval_parse_long(val, 1, LONG_MAX, &limit)) {
                rc = eval_usage_error("--limit needs a positive number, not '%s'", val);
                goto done;
            }
        } else {
            rc = eval_usage_error("unknown option '%s' for 'eval'", o);
            goto done;
        }
    }
    if (!sets_arg)
        sets_arg = strdup(budget ? "squad,nq,kv,locomo" : "squad,nq,kv,gsm8k,seed,locomo,toon");
    if (!levels_arg)
        levels_arg = strdup("exact,safe,balanced,max");
    if (!toks_arg)
        toks_arg = strdup("o200k,cl100k,gemma3,claude");
    if (!sets_arg || !levels_arg || !toks_arg) {
        rc = 2;
        goto done;
    }
    n_sets = eval_split_list(sets_arg, names, MAX_SETS);
    n_levels = eval_split_list(levels_arg, lnames, 8);
    n_toks = eval_split_list(toks_arg, tnames, 8);
    for (l = 0; l < n_levels; l++)
        if ((levels[l] = terse_level_parse(lnames[l])) < 0) {
            rc = eval_usage_error("unknown level '%s' (levels: exact, safe, balanced, max)", lnames[l]);
            goto done;
        }
    for (t = 0; t < n_toks; t++)
        if (!(toks[t] = terse_tokenizer_find(tnames[t])) || strcmp(terse_tokenizer_name(toks[t]), tnames[t]) != 0) {
            rc = eval_usage_error("unknown tokenizer '%s' (tokenizers: o200k, cl100k, gemma3, claude)", tnames[t]);
            goto done;
        }
    for (s = 0; s < n_sets; s++) {
        if (eval_set_load(names[s], data, (size_t)limit, &sets[s], err, sizeof err) != 0) {
            rc = eval_error_line(err);
            goto done;
        }
        if (budget) {
            size_t k, qi, nq = 0;
            for (k = 0; k < sets[s].n; k++)
                for (qi = 0; qi < sets[s].items[k].nq; qi++)
                    nq += sets[s].items[k].q[qi].offline;
            if (!nq) {
                rc = eval_usage_error("data set '%s' has no questions to use as --query with --budget", names[s]);
                goto done;
            }
            total_items += nq;
        } else {
            total_items += sets[s].n;
        }
    }
    cells = calloc((size_t)(n_sets * n_toks * n_levels), sizeof *cells);
    if (!cells) {
        rc = 2;
        goto done;
    }
    eval_progress_start(&pr, "eval", total_items * (size_t)(n_toks * n_levels));
    for (s = 0; s < n_sets; s++) {
        struct prepared *prep = calloc(sets[s].n, sizeof *prep);
        if (!prep) {
            rc = 2;
            goto done;
        }
        prepare(&sets[s], prep, &inputs[s]);
        if (!prepared_ok(&sets[s], prep)) {
            unprepare(&sets[s], prep);
            rc = 2;
            goto done;
        }
        pr.label = sets[s].name;
        for (t = 0; t < n_toks; t++)
            for (l = 0; l < n_levels; l++) {
                struct lost_log lg = {&lost, sets[s].name, tnames[t], lnames[l]};
                if ((budget ? run_cell_query(&sets[s], prep, toks[t], levels[l], (unsigned)budget,
                                             &cells[(s * n_toks + t) * n_levels + l], &lg, &pr, err, sizeof err)
                            : run_cell(&sets[s], prep, toks[t], levels[l], &cells[(s * n_toks + t) * n_levels + l],
                                       &lg, &pr, err, sizeof err)) != 0) {
                    unprepare(&sets[s], prep);
                    eval_progress_end(&pr);
                    fprintf(stderr, "terse: %s\n", err);
                    rc = 2;
                    goto done;
                }
            }
        unprepare(&sets[s], prep);
    }
    eval_progress_end(&pr);

    {
        struct run run = {data, limit, budget, sets, n_sets, inputs, toks, tnames, n_toks, lnames, n_levels,
                          cells, total_items, t_start};
        write_report(&run, &md, &js);
        if (md.oom || js.oom) {
            rc = 2;
            goto done;
        }
        fwrite(md.p, 1, md.len, stdout);
        if (lost.oom) {
            rc = 2;
            goto done;
        }
        if (out_dir && (eval_write_outputs(out_dir, "report", &md, &js, err, sizeof err) != 0 ||
                        write_plots(&run, out_dir, err, sizeof err) != 0 ||
                        write_lost(out_dir, &lost, err, sizeof err) != 0)) {
            rc = eval_error_line(err);
            goto done;
        }
    }
done:
    if (cells)
        for (i = 0; i < n_sets * n_toks * n_levels; i++)
            free(cells[i].ratios);
    free(cells);
    for (s = 0; s < MAX_SETS; s++)
        if (sets[s].name || sets[s].items)
            eval_set_free(&sets[s]);
    buf_free(&md);
    buf_free(&js);
    buf_free(&lost);
    free(sets_arg);
    free(levels_arg);
    free(toks_arg);
    return rc;
}
