/* judge.c - `terse eval judge`: ask real models the data set's questions
 * over the original and the compressed context, and score the answers
 * against the gold answers.
 *
 *   terse eval judge --models SPEC[,SPEC...] [--sets squad,nq,kv,gsm8k,locomo|FILE.jsonl]
 *                    [--limit N] [--level L] [--judge-model SPEC] [--jobs N] [--retries N]
 *                    [--backoff-ms MS] [--timeout S] [--max-tokens N] [--cache FILE]
 *                    [--env-file FILE] [--data DIR] [--out DIR] [--dry-run]
 *
 * Scores: exact match and token F1 (SQuAD definitions) against the best
 * gold answer; numeric match for gsm8k; for free-form questions (LoCoMo,
 * JSONL records with "free_form": true) also the verdict of --judge-model
 * under a fixed rubric. Per model, score(compressed) / score(original);
 * over models, the minimum of that ratio: the figure that says whether
 * compression is safe for every model in use.
 *
 * Every call goes through the response cache first and is stored as soon
 * as it returns, so a rerun makes no calls and an interrupted run resumes
 * where it stopped. Identical requests within a run are made once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "eval.h"
#include "terse.h"

#define MAX_MODELS 16
#define MAX_SETS 16

static const char rubric[] =
    "You are grading an answer to a question against the gold answer.\n"
    "Question: %s\nGold answer: %s\nCandidate answer: %s\n"
    "Is the candidate answer correct, that is, does it state the same fact as the gold answer? "
    "Different wording is fine; a missing, vaguer or different fact is not. "
    "Reply with one word: CORRECT or INCORRECT.";

/* One request to one model. Requests with the same key share one call. */
struct call {
    int model;
    char *key;          /* provider kind, " ", base URL, "\n", body: the cache key */
    size_t key_len;
    size_t body_off;    /* the body starts at key + body_off */
    char *reply;        /* NULL until answered */
    char *error;        /* set when the call failed */
    int dup_of;         /* index of the call that answers this one, or -1 */
    int cached;
    size_t prompt_tokens;
};

/* One question asked of one model over one variant of the context. */
struct ask {
    int set, model, variant; /* variant 0 original, 1 compressed */
    const struct eval_item *item;
    const struct eval_question *q;
    int call;           /* the answer */
    int grade;          /* the rubric call, or -1 */
};

struct judge {
    struct eval_model models[MAX_MODELS];
    int n_models;
    struct eval_model grader;
    int has_grader;
    struct eval_params params;
    struct eval_http_opts http;
    struct eval_cache *cache;
    struct call *calls;
    size_t n_calls, cap_calls;
    size_t next;        /* next call index for the workers */
    size_t *todo;       /* calls to make, in order */
    size_t n_todo;
    size_t http_requests, cache_hits, failures;
    pthread_mutex_t lock;
    struct eval_progress progress;
};

static const char *const kind_names[] = {"openai", "anthropic", "gemini", "compat"};

/* Adds a call for prompt to model m (or the grader when m < 0). Returns
 * its index, or -1 when out of memory. */
static int add_call(struct judge *j, int m, const char *prompt)
{
    const struct eval_model *model = m < 0 ? &j->grader : &j->models[m];
    struct buf b = {0};
    struct call *c;
    size_t off;
    if (j->n_calls == j->cap_calls) {
        size_t cap = j->cap_calls ? j->cap_calls * 2 : 256;
        struct call *p = realloc(j->calls, cap * sizeof *p);
        if (!p)
            return -1;
        j->calls = p;
        j->cap_calls = cap;
    }
    /* the endpoint is part of the key: two servers that take the same
     * model name (compatible APIs, a proxy, a fake) give different answers */
    buf_adds(&b, kind_names[model->provider]);
    buf_addc(&b, ' ');
    buf_adds(&b, model->base_url ? model->base_url : "");
    buf_addc(&b, '\n');
    off = b.len;
    eval_request_body(model, &j->params, prompt, &b);
    buf_addc(&b, 0);
    if (b.oom) {
        buf_free(&b);
        return -1;
    }
    c = &j->calls[j->n_calls];
    memset(c, 0, sizeof *c);
    c->model = m;
    c->key = b.p;
    c->key_len = b.len - 1;
    c->body_off = off;
    c->dup_of = -1;
    {
        const terse_tokenizer *t = terse_tokenizer_find(model->name);
        if (!t)
            t = terse_tokenizer_find("o200k");
        terse_count(t, prompt, strlen(prompt), 0, &c->prompt_tokens);
    }
    return (int)j->n_calls++;
}

/* The calls being sorted: qsort has no context argument. */
static struct call *sort_calls;

/* qsort order of call indices: by request key, then by index, so that the
 * first of a group of identical requests is the one that is made. */
static int cmp_keys(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int r = strcmp(sort_calls[x].key, sort_calls[y].key);
    return r ? r : (x < y ? -1 : x > y);
}

/* Marks repeated requests as duplicates of the first, looks the others up
 * in the cache, and lists the ones still to make (in creation order). */
static int plan_calls(struct judge *j, size_t from)
{
    size_t n = j->n_calls - from, i;
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return -1;
    for (i = 0; i < n; i++)
        idx[i] = from + i;
    sort_calls = j->calls;
    qsort(idx, n, sizeof *idx, cmp_keys);
    for (i = 1; i < n; i++)
        if (strcmp(j->calls[idx[i]].key, j->calls[idx[i - 1]].key) == 0)
            j->calls[idx[i]].dup_of =
                j->calls[idx[i - 1]].dup_of >= 0 ? j->calls[idx[i - 1]].dup_of : (int)idx[i - 1];
    free(idx);
    free(j->todo);
    j->todo = malloc((n ? n : 1) * sizeof *j->todo);
    j->n_todo = 0;
    j->next = 0;
    if (!j->todo)
        return -1;
    for (i = from; i < j->n_calls; i++) {
        struct call *c = &j->calls[i];
        if (c->dup_of >= 0)
            continue;
        if (j->cache && (c->reply = eval_cache_get(j->cache, c->key, c->key_len)) != NULL) {
            c->cached = 1;
            j->cache_hits++;
            continue;
        }
        j->todo[j->n_todo++] = i;
    }
    return 0;
}

/* A worker thread: takes the next planned call, makes it (outside the
 * lock), stores the reply in the call and the cache, and repeats until the
 * plan is done. Returns NULL. */
static void *worker(void *ud)
{
    struct judge *j = ud;
    eval_http_thread_begin();
    for (;;) {
        struct call *c;
        const struct eval_model *m;
        char err[512], *reply = NULL;
        size_t requests = 0;
        int rc;
        pthread_mutex_lock(&j->lock);
        if (j->next == j->n_todo) {
            pthread_mutex_unlock(&j->lock);
            eval_http_thread_end();
            return NULL;
        }
        c = &j->calls[j->todo[j->next++]];
        pthread_mutex_unlock(&j->lock);
        m = c->model < 0 ? &j->grader : &j->models[c->model];
        rc = eval_http_ask(m, &j->http, c->key + c->body_off, c->key_len - c->body_off, &reply, &requests, err,
                           sizeof err);
        pthread_mutex_lock(&j->lock);
        j->http_requests += requests;
        if (rc == 0) {
            c->reply = reply;
            if (j->cache && eval_cache_put(j->cache, c->key, c->key_len, reply) != 0)
                fprintf(stderr, "terse: warning: could not store a reply in the cache\n");
        } else {
            c->error = strdup(err);
            j->failures++;
        }
        eval_progress_step(&j->progress, 1);
        pthread_mutex_unlock(&j->lock);
    }
}

/* Makes the planned calls with `jobs` threads. */
static void run_calls(struct judge *j, int jobs, const char *label)
{
    pthread_t th[64];
    int i, n = jobs < 1 ? 1 : jobs > 64 ? 64 : jobs;
    if (!j->n_todo)
        return;
    if ((size_t)n > j->n_todo)
        n = (int)j->n_todo;
    eval_progress_start(&j->progress, label, j->n_todo);
    for (i = 0; i < n; i++)
        if (pthread_create(&th[i], NULL, worker, j) != 0)
            break;
    if (i == 0)
        worker(j);
    while (i-- > 0)
        pthread_join(th[i], NULL);
    eval_progress_end(&j->progress);
}

/* The reply of a call, or of the call it duplicates; NULL if it failed. */
static const char *reply_of(const struct judge *j, int call)
{
    const struct call *c = &j->calls[call];
    if (c->dup_of >= 0)
        c = &j->calls[c->dup_of];
    return c->reply;
}

/* The error of a failed call (or of the call it duplicates), or NULL. */
static const char *error_of(const struct judge *j, int call)
{
    const struct call *c = &j->calls[call];
    if (c->dup_of >= 0)
        c = &j->calls[c->dup_of];
    return c->error;
}

/* The question prompt: the same words for every model and both variants,
 * so that only the context differs. */
static char *question_prompt(const char *context, const char *question)
{
    struct buf b = {0};
    buf_adds(&b, "Answer the question using only the context below. Reply with the answer only, in as few "
                 "words as possible, with no explanation.\n\nContext:\n");
    buf_adds(&b, context);
    buf_adds(&b, "\n\nQuestion: ");
    buf_adds(&b, question);
    buf_adds(&b, "\nAnswer:");
    buf_addc(&b, 0);
    return b.oom ? (buf_free(&b), NULL) : b.p;
}

/* Best score of reply over the gold answers. */
static void score(const struct eval_question *q, const char *reply, double *em, double *f1)
{
    size_t i;
    *em = *f1 = 0;
    for (i = 0; i < q->n_answers; i++) {
        double e = q->numeric ? eval_numeric_match(reply, q->answers[i]) : eval_exact_match(reply, q->answers[i]);
        double f = q->numeric ? e : eval_token_f1(reply, q->answers[i]);
        if (e > *em)
            *em = e;
        if (f > *f1)
            *f1 = f;
    }
}

/* Whether a rubric reply is the verdict CORRECT (after stray quotes,
 * asterisks and spaces; INCORRECT and anything else is not). */
static int graded_correct(const char *reply)
{
    while (*reply == ' ' || *reply == '\n' || *reply == '*' || *reply == '"')
        reply++;
    return strncmp(reply, "CORRECT", 7) == 0;
}

struct agg {
    size_t n, failed, rubric_n;
    double em[2], f1[2], rubric[2];
    size_t tokens[2];
};

/* score(compressed) / score(original); 1 when the original scores 0
 * (compression cannot lose what the model did not get). It may exceed 1. */
static double ratio(double comp, double orig)
{
    return orig > 0 ? comp / orig : 1;
}

/* Sums the scores of model m on set s over the questions both of whose
 * calls (original, compressed) were answered; the others count as failed
 * (the first error is kept for the message). Asks come in pairs:
 * asks[a] over the original, asks[a + 1] over the compressed context. */
static void aggregate(const struct judge *j, const struct ask *asks, size_t n_asks, int s, int m, struct agg *g,
                      const char **first_error)
{
    size_t a;
    memset(g, 0, sizeof *g);
    for (a = 0; a + 1 < n_asks; a += 2) {
        const struct ask *o = &asks[a], *c = &asks[a + 1];
        const char *ro, *rc2;
        int var;
        if (o->set != s || o->model != m)
            continue;
        ro = reply_of(j, o->call);
        rc2 = reply_of(j, c->call);
        if (!ro || !rc2) {
            g->failed++;
            if (!*first_error)
                *first_error = error_of(j, ro ? c->call : o->call);
            continue;
        }
        g->n++;
        for (var = 0; var < 2; var++) {
            const struct ask *x = var ? c : o;
            double em, f1;
            score(x->q, var ? rc2 : ro, &em, &f1);
            g->em[var] += em;
            g->f1[var] += f1;
            g->tokens[var] += j->calls[x->call].prompt_tokens;
        }
        if (o->grade >= 0 && c->grade >= 0 && reply_of(j, o->grade) && reply_of(j, c->grade)) {
            g->rubric_n++;
            g->rubric[0] += graded_correct(reply_of(j, o->grade));
            g->rubric[1] += graded_correct(reply_of(j, c->grade));
        }
    }
}

/* Adds, for every answered free-form question, a call asking the judge
 * model to grade the answer under the rubric, and plans those calls.
 * Returns 0, or -1 when out of memory. */
static int add_rubric_calls(struct judge *j, struct ask *asks, size_t n_asks)
{
    size_t from = j->n_calls, a;
    for (a = 0; a < n_asks; a++) {
        const char *r = reply_of(j, asks[a].call);
        struct buf gold = {0};
        char *p;
        size_t k, need;
        if (!asks[a].q->free_form || !r)
            continue;
        for (k = 0; k < asks[a].q->n_answers; k++) {
            if (k)
                buf_adds(&gold, " | ");
            buf_adds(&gold, asks[a].q->answers[k]);
        }
        buf_addc(&gold, 0);
        need = sizeof rubric + strlen(asks[a].q->question) + gold.len + strlen(r);
        p = malloc(need);
        if (p && gold.p) {
            snprintf(p, need, rubric, asks[a].q->question, gold.p, r);
            asks[a].grade = add_call(j, -1, p);
        }
        free(p);
        buf_free(&gold);
        if (asks[a].grade < 0)
            return -1;
    }
    return plan_calls(j, from);
}

/* --dry-run: prints the number of requests, how many the cache holds, and
 * per model the calls still to make, their input tokens (the model's
 * tokenizer, o200k when unknown) and an upper bound of their cost at list
 * prices (every answer as long as --max-tokens). */
static void print_dry_run(const struct judge *j, size_t n_asks)
{
    int i;
    double total = 0;
    int unknown = 0;
    printf("terse eval judge --dry-run: %zu questions x %d models x 2 contexts = %zu requests, %zu distinct, "
           "%zu in the cache, %zu to make\n",
           n_asks / (size_t)(2 * j->n_models), j->n_models, n_asks, j->cache_hits + j->n_todo, j->cache_hits,
           j->n_todo);
    printf("%-40s %8s %12s %12s %10s\n", "model", "calls", "input tok", "max out tok", "max USD");
    for (i = 0; i < j->n_models; i++) {
        size_t calls = 0, tin = 0, k;
        for (k = 0; k < j->n_todo; k++) {
            const struct call *c = &j->calls[j->todo[k]];
            if (c->model == i) {
                calls++;
                tin += c->prompt_tokens;
            }
        }
        if (j->models[i].price_in >= 0) {
            double usd = ((double)tin * j->models[i].price_in +
                          (double)calls * (double)j->params.max_tokens * j->models[i].price_out) / 1e6;
            total += usd;
            printf("%-40s %8zu %12zu %12zu %10.4f\n", j->models[i].spec, calls, tin,
                   calls * (size_t)j->params.max_tokens, usd);
        } else {
            unknown = 1;
            printf("%-40s %8zu %12zu %12zu %10s\n", j->models[i].spec, calls, tin,
                   calls * (size_t)j->params.max_tokens, "unknown");
        }
    }
    printf("estimated cost at list prices: at most %.4f USD%s; input tokens counted with each model's "
           "tokenizer (o200k where none is known; claude's is an estimate)%s\n",
           total, unknown ? " plus the models without a known price" : "",
           j->has_grader ? "; rubric calls for free-form answers are not included" : "");
}

/* Appends the score table (markdown to md, JSON to js): one row per (set,
 * model), then the minimum over models of compressed / original, per set
 * and over all. Returns the first call error met, or NULL. */
static const char *write_scores(const struct judge *j, const struct ask *asks, size_t n_asks,
                                const struct eval_set *sets, int n_sets, const char *level_name, struct buf *md,
                                struct buf *js)
{
    int s, i;
    double min_f1 = -1, min_em = -1, min_rub = -1, set_f1[MAX_SETS], set_em[MAX_SETS];
    const char *first_error = NULL;
    buf_adds(md, "# terse eval judge: answers over the original and the compressed context (level ");
    buf_adds(md, level_name);
    buf_adds(md, ")\n\nEM and F1: SQuAD exact match and token F1 against the best gold answer (gsm8k: the last "
                 "number); rubric: the judge model's verdict on free-form answers; tokens: prompt tokens on "
                 "each model's tokenizer. Definitions: docs/eval.md.\n\n");
    buf_adds(md, "| set | model | questions | failed | EM orig | EM comp | F1 orig | F1 comp | F1 comp/orig |"
                  " rubric orig | rubric comp | tokens orig | tokens comp |\n"
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    buf_adds(js, "{\"level\":");
    json_write_string(level_name, strlen(level_name), js);
    buf_adds(js, ",\"results\":[");
    for (s = 0; s < n_sets; s++) {
        set_f1[s] = set_em[s] = -1;
        for (i = 0; i < j->n_models; i++) {
            struct agg g;
            char line[1024];
            aggregate(j, asks, n_asks, s, i, &g, &first_error);
            if (g.n) {
                double rf = ratio(g.f1[1], g.f1[0]), re = ratio(g.em[1], g.em[0]);
                if (min_f1 < 0 || rf < min_f1)
                    min_f1 = rf;
                if (set_f1[s] < 0 || rf < set_f1[s])
                    set_f1[s] = rf;
                if (set_em[s] < 0 || re < set_em[s])
                    set_em[s] = re;
                if (min_em < 0 || re < min_em)
                    min_em = re;
                if (g.rubric_n) {
                    double rr = ratio(g.rubric[1], g.rubric[0]);
                    if (min_rub < 0 || rr < min_rub)
                        min_rub = rr;
                }
            }
            {
                double n = g.n ? (double)g.n : 1;
                char rub[64] = "-", rub2[64] = "-";
                if (g.rubric_n) {
                    snprintf(rub, sizeof rub, "%.4f", g.rubric[0] / (double)g.rubric_n);
                    snprintf(rub2, sizeof rub2, "%.4f", g.rubric[1] / (double)g.rubric_n);
                }
                snprintf(line, sizeof line,
                         "| %s | %s | %zu | %zu | %.4f | %.4f | %.4f | %.4f | %.4f | %s | %s | %zu | %zu |\n",
                         sets[s].name, j->models[i].spec, g.n, g.failed, g.em[0] / n, g.em[1] / n, g.f1[0] / n,
                         g.f1[1] / n, ratio(g.f1[1], g.f1[0]), rub, rub2, g.tokens[0], g.tokens[1]);
                buf_adds(md, line);
                if (s || i)
                    buf_addc(js, ',');
                buf_adds(js, "{\"set\":");
                json_write_string(sets[s].name, strlen(sets[s].name), js);
                buf_adds(js, ",\"model\":");
                json_write_string(j->models[i].spec, strlen(j->models[i].spec), js);
                snprintf(line, sizeof line,
                         ",\"questions\":%zu,\"failed\":%zu,\"em_original\":%.4f,\"em_compressed\":%.4f,"
                         "\"f1_original\":%.4f,\"f1_compressed\":%.4f,\"f1_ratio\":%.4f,\"em_ratio\":%.4f,"
                         "\"rubric_questions\":%zu,\"rubric_original\":%.4f,\"rubric_compressed\":%.4f,"
                         "\"prompt_tokens_original\":%zu,\"prompt_tokens_compressed\":%zu}",
                         g.n, g.failed, g.em[0] / n, g.em[1] / n, g.f1[0] / n, g.f1[1] / n,
                         ratio(g.f1[1], g.f1[0]), ratio(g.em[1], g.em[0]), g.rubric_n,
                         g.rubric_n ? g.rubric[0] / (double)g.rubric_n : 0,
                         g.rubric_n ? g.rubric[1] / (double)g.rubric_n : 0, g.tokens[0], g.tokens[1]);
                buf_adds(js, line);
            }
        }
    }
    {
        char line[512];
        if (n_sets > 1)
            for (s = 0; s < n_sets; s++) {
                snprintf(line, sizeof line, "\n%s: minimum over models of F1 comp/orig %.4f, EM %.4f",
                         sets[s].name, set_f1[s] < 0 ? 0 : set_f1[s], set_em[s] < 0 ? 0 : set_em[s]);
                buf_adds(md, line);
            }
        buf_adds(md, n_sets > 1 ? "\nover all data sets:" : "");
        snprintf(line, sizeof line,
                 "\nminimum over models of score(compressed)/score(original): F1 %.4f, EM %.4f%s",
                 min_f1 < 0 ? 0 : min_f1, min_em < 0 ? 0 : min_em, min_rub >= 0 ? ", rubric " : "");
        buf_adds(md, line);
        if (min_rub >= 0) {
            snprintf(line, sizeof line, "%.4f", min_rub);
            buf_adds(md, line);
        }
        snprintf(line, sizeof line,
                 "\nlevel %s; %zu HTTP request%s, %zu repl%s from the cache, %zu failed call%s\n", level_name,
                 j->http_requests, j->http_requests == 1 ? "" : "s", j->cache_hits, j->cache_hits == 1 ? "y" : "ies",
                 j->failures, j->failures == 1 ? "" : "s");
        buf_adds(md, line);
        buf_adds(js, "],\"by_set\":[");
        for (s = 0; s < n_sets; s++) {
            buf_adds(js, s ? ",{\"set\":" : "{\"set\":");
            json_write_string(sets[s].name, strlen(sets[s].name), js);
            snprintf(line, sizeof line, ",\"min_f1_ratio\":%.4f,\"min_em_ratio\":%.4f}",
                     set_f1[s] < 0 ? 0 : set_f1[s], set_em[s] < 0 ? 0 : set_em[s]);
            buf_adds(js, line);
        }
        snprintf(line, sizeof line, "],\"min_f1_ratio\":%.4f,\"min_em_ratio\":%.4f,\"min_rubric_ratio\":",
                 min_f1 < 0 ? 0 : min_f1, min_em < 0 ? 0 : min_em);
        buf_adds(js, line);
        if (min_rub < 0)
            buf_adds(js, "null");
        else {
            snprintf(line, sizeof line, "%.4f", min_rub);
            buf_adds(js, line);
        }
        snprintf(line, sizeof line, ",\"http_requests\":%zu,\"cache_hits\":%zu,\"failed_calls\":%zu}\n",
                 j->http_requests, j->cache_hits, j->failures);
        buf_adds(js, line);
    }
    return first_error;
}

/* Frees comp[0..n), each shared pointer once. */
static void free_compressed(char **comp, int n)
{
    int i, k;
    for (i = 0; i < n; i++) {
        for (k = 0; k < i && comp[k] != comp[i]; k++)
            ;
        if (k == i)
            free(comp[i]);
    }
    for (i = 0; i < n; i++)
        comp[i] = NULL;
}

/* Compresses the item's context at level once per distinct tokenizer of
 * the n models: comp[i] is model i's compressed text, shared by the models
 * of one tokenizer (release with free_compressed). Returns 0, or -1 when
 * the library fails or memory runs out (comp is then released). */
static int compress_item(const struct eval_item *item, int level, const terse_tokenizer *const *toks, int n,
                         char **comp)
{
    int i, k;
    for (i = 0; i < n; i++) {
        terse_options o;
        terse_ctx *ctx;
        terse_result r;
        for (k = 0; k < i && toks[k] != toks[i]; k++)
            ;
        if (k < i) {
            comp[i] = comp[k];
            continue;
        }
        terse_options_init(&o);
        o.level = level;
        o.tokenizer = toks[i];
        ctx = terse_ctx_new(&o, NULL);
        if (!ctx || terse_compress(ctx, item->context, item->context_len, &r) != TERSE_OK) {
            terse_ctx_free(ctx);
            free_compressed(comp, i);
            return -1;
        }
        comp[i] = strdup(r.text);
        terse_result_free(&r);
        terse_ctx_free(ctx);
        if (!comp[i]) {
            free_compressed(comp, i);
            return -1;
        }
    }
    return 0;
}

/* Appends, for every model, the two asks of question q (over the original
 * and over that model's compressed context) and their calls. Returns 0,
 * or -1 when out of memory. */
static int add_question(struct judge *j, struct ask **asks, size_t *n_asks, size_t *cap, int set,
                        const struct eval_item *item, const struct eval_question *q, char *const *comp)
{
    int i, var;
    for (i = 0; i < j->n_models; i++)
        for (var = 0; var < 2; var++) {
            char *p = question_prompt(var ? comp[i] : item->context, q->question);
            struct ask *x;
            if (*n_asks == *cap) {
                size_t nc = *cap ? *cap * 2 : 256;
                struct ask *np = realloc(*asks, nc * sizeof *np);
                if (!np) {
                    free(p);
                    return -1;
                }
                *asks = np;
                *cap = nc;
            }
            x = &(*asks)[(*n_asks)++];
            x->set = set;
            x->model = i;
            x->variant = var;
            x->item = item;
            x->q = q;
            x->grade = -1;
            x->call = p ? add_call(j, i, p) : -1;
            free(p);
            if (x->call < 0)
                return -1;
        }
    return 0;
}

/* Adds the asks of at most limit questions of set (index s): evenly
 * spaced over the whole set, in order (question k*total/limit for k = 0,
 * 1, ...), so that a small run is not one article's questions; the same
 * choice every run. Each chosen item is compressed once per tokenizer.
 * Returns 0, or -1 with err set. */
static int add_set(struct judge *j, const struct eval_set *set, int s, size_t limit, int level,
                   const terse_tokenizer *const *toks, struct ask **asks, size_t *n_asks, size_t *cap, char *err,
                   size_t errlen)
{
    size_t total = 0, it, qi, idx = 0, k = 0, next;
    const struct eval_item *cur = NULL;
    char *comp[MAX_MODELS] = {0};
    int rc = 0;
    for (it = 0; it < set->n; it++)
        total += set->items[it].nq;
    next = 0; /* the index of the next question to take */
    for (it = 0; it < set->n && k < limit && k < total; it++) {
        const struct eval_item *item = &set->items[it];
        for (qi = 0; qi < item->nq && k < limit && k < total; qi++, idx++) {
            if (idx != next)
                continue;
            if (item != cur) {
                free_compressed(comp, j->n_models);
                cur = item;
                if (compress_item(item, level, toks, j->n_models, comp) != 0) {
                    snprintf(err, errlen, "cannot compress item %s of %s (out of memory?)", item->id, set->name);
                    return -1;
                }
            }
            if (add_question(j, asks, n_asks, cap, s, item, &item->q[qi], comp) != 0) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            k++;
            next = limit < total ? (size_t)((unsigned long long)k * total / limit) : k;
        }
        if (rc)
            break;
    }
    free_compressed(comp, j->n_models);
    return rc;
}

/* Writes DIR/judge-answers.jsonl: one line per question, model and
 * context, with the reply and its scores (or the call's error), so that a
 * lost answer can be looked at. Returns 0, or -1 with err set. */
static int write_answers(const struct judge *j, const struct ask *asks, size_t n_asks,
                         const struct eval_set *sets, const char *out_dir, char *err, size_t errlen)
{
    struct buf b = {0};
    char path[4096], num[160];
    size_t a;
    int rc;
    for (a = 0; a < n_asks; a++) {
        const struct ask *x = &asks[a];
        const char *reply = reply_of(j, x->call), *e = error_of(j, x->call);
        const char *spec = j->models[x->model].spec;
        buf_adds(&b, "{\"set\":");
        json_write_string(sets[x->set].name, strlen(sets[x->set].name), &b);
        buf_adds(&b, ",\"model\":");
        json_write_string(spec, strlen(spec), &b);
        buf_adds(&b, ",\"item\":");
        json_write_string(x->item->id, strlen(x->item->id), &b);
        buf_adds(&b, ",\"question_id\":");
        json_write_string(x->q->id, strlen(x->q->id), &b);
        buf_adds(&b, ",\"question\":");
        json_write_string(x->q->question, strlen(x->q->question), &b);
        buf_adds(&b, x->variant ? ",\"context\":\"compressed\"" : ",\"context\":\"original\"");
        if (reply) {
            double em, f1;
            score(x->q, reply, &em, &f1);
            buf_adds(&b, ",\"reply\":");
            json_write_string(reply, strlen(reply), &b);
            snprintf(num, sizeof num, ",\"em\":%.4f,\"f1\":%.4f", em, f1);
            buf_adds(&b, num);
            if (x->grade >= 0 && reply_of(j, x->grade))
                buf_adds(&b, graded_correct(reply_of(j, x->grade)) ? ",\"rubric\":1" : ",\"rubric\":0");
        } else {
            buf_adds(&b, ",\"error\":");
            json_write_string(e ? e : "", e ? strlen(e) : 0, &b);
        }
        buf_adds(&b, "}\n");
    }
    if (b.oom) {
        buf_free(&b);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(path, sizeof path, "%s/judge-answers.jsonl", out_dir);
    rc = eval_write_file(path, &b, err, errlen);
    buf_free(&b);
    return rc;
}

/* A whole decimal number within [min, max] (eval_parse_long). */
static int parse_int(const char *s, long min, long max, long *out)
{
    return eval_parse_long(s, min, max, out);
}

int eval_judge_main(int argc, char **argv)
{
    struct judge j;
    char *models_arg = NULL, *sets_arg = NULL, *names[MAX_SETS], *mspecs[MAX_MODELS];
    const char *data = getenv("TERSE_DATA"), *level_name = "balanced", *cache_path = NULL, *env_file = ".env",
               *out_dir = NULL, *grader_spec = NULL;
    char cache_default[4096], err[512];
    long limit = 20, jobs = 4, v;
    int dry = 0, no_cache = 0, env_required = 0, level, n_sets, i, s, rc = 0;
    struct eval_set sets[MAX_SETS];
    struct ask *asks = NULL;
    size_t n_asks = 0, cap_asks = 0, a;
    const terse_tokenizer *toks[MAX_MODELS];
    struct buf md = {0}, js = {0};

    memset(&j, 0, sizeof j);
    memset(sets, 0, sizeof sets);
    pthread_mutex_init(&j.lock, NULL);
    j.params.max_tokens = 64;
    j.params.temperature = 0;
    j.http.retries = 5;
    j.http.backoff_ms = 500;
    j.http.timeout_s = 120;
    if (!data)
        data = eval_default_data();
    for (i = 1; i < argc;) {
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (strcmp(o, "--dry-run") == 0) {
            dry = 1;
            takes = 0;
        } else if (strcmp(o, "--no-cache") == 0) {
            no_cache = 1;
            takes = 0;
        } else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            return eval_help();
        } else if (!val) {
            return eval_usage_error("'%s' needs a value or is unknown", o);
        } else if (strcmp(o, "--models") == 0) {
            models_arg = strdup(val);
        } else if (strcmp(o, "--sets") == 0) {
            sets_arg = strdup(val);
        } else if (strcmp(o, "--data") == 0) {
            data = val;
        } else if (strcmp(o, "--level") == 0) {
            level_name = val;
        } else if (strcmp(o, "--cache") == 0) {
            cache_path = val;
        } else if (strcmp(o, "--env-file") == 0) {
            env_file = val;
            env_required = 1;
        } else if (strcmp(o, "--out") == 0) {
            out_dir = val;
        } else if (strcmp(o, "--judge-model") == 0) {
            grader_spec = val;
        } else if (strcmp(o, "--limit") == 0) {
            if (parse_int(val, 1, 1000000, &limit))
                return eval_usage_error("--limit needs a positive number, not '%s'", val);
        } else if (strcmp(o, "--jobs") == 0) {
            if (parse_int(val, 1, 64, &jobs))
                return eval_usage_error("--jobs needs a number from 1 to 64, not '%s'", val);
        } else if (strcmp(o, "--retries") == 0) {
            if (parse_int(val, 0, 20, &v))
                return eval_usage_error("--retries needs a number from 0 to 20, not '%s'", val);
            j.http.retries = (int)v;
        } else if (strcmp(o, "--backoff-ms") == 0) {
            if (parse_int(val, 0, 60000, &v))
                return eval_usage_error("--backoff-ms needs a number from 0 to 60000, not '%s'", val);
            j.http.backoff_ms = v;
        } else if (strcmp(o, "--timeout") == 0) {
            if (parse_int(val, 1, 3600, &v))
                return eval_usage_error("--timeout needs seconds from 1 to 3600, not '%s'", val);
            j.http.timeout_s = v;
        } else if (strcmp(o, "--max-tokens") == 0) {
            if (parse_int(val, 1, 100000, &v))
                return eval_usage_error("--max-tokens needs a positive number, not '%s'", val);
            j.params.max_tokens = (int)v;
        } else {
            return eval_usage_error("unknown option '%s' for 'eval judge'", o);
        }
        i += 1 + takes;
    }
    if (!models_arg)
        return eval_usage_error("%s", "eval judge needs --models (e.g. openai:gpt-4o-mini,anthropic:claude-haiku-4-5)");
    if ((level = terse_level_parse(level_name)) < 0)
        return eval_usage_error("unknown level '%s' (levels: exact, safe, balanced, max)", level_name);
    if (eval_env_load(env_file, env_required, err, sizeof err) != 0)
        return eval_error_line(err);
    j.n_models = eval_split_list(models_arg, mspecs, MAX_MODELS);
    for (i = 0; i < j.n_models; i++) {
        const terse_tokenizer *t;
        if (eval_model_parse(mspecs[i], &j.models[i], err, sizeof err) != 0) {
            j.n_models = i;
            rc = eval_error_line(err);
            goto done;
        }
        t = terse_tokenizer_find(j.models[i].name);
        toks[i] = t ? t : terse_tokenizer_find("o200k");
    }
    if (grader_spec) {
        if (eval_model_parse(grader_spec, &j.grader, err, sizeof err) != 0) {
            rc = eval_error_line(err);
            goto done;
        }
        j.has_grader = 1;
    }
    if (!dry) {
        for (i = 0; i < j.n_models + j.has_grader; i++) {
            const struct eval_model *m = i < j.n_models ? &j.models[i] : &j.grader;
            if (m->provider != PROV_COMPAT && !eval_env(m->key_var)) {
                rc = eval_usage_error("%s is not set (environment or .env); it is needed for the models given", m->key_var);
                goto done;
            }
        }
    }
    if (!no_cache) {
        if (!cache_path) {
            eval_cache_default_path(cache_default, sizeof cache_default);
            cache_path = cache_default;
        }
        if (!(j.cache = eval_cache_open(cache_path, err, sizeof err))) {
            rc = eval_error_line(err);
            goto done;
        }
    }
    if (!sets_arg)
        sets_arg = strdup("squad");
    n_sets = eval_split_list(sets_arg, names, MAX_SETS);

    /* questions, contexts, prompts */
    for (s = 0; s < n_sets; s++) {
        if (eval_set_load(names[s], data, 0, &sets[s], err, sizeof err) != 0) {
            rc = eval_error_line(err);
            goto done;
        }
        if (sets[s].kind == SET_SEED || sets[s].kind == SET_JSON) {
            rc = eval_usage_error("data set '%s' has no questions to ask", names[s]);
            goto done;
        }
        if (add_set(&j, &sets[s], s, (size_t)limit, level, toks, &asks, &n_asks, &cap_asks, err, sizeof err) != 0) {
            rc = eval_error_line(err);
            goto done;
        }
    }
    if (plan_calls(&j, 0) != 0) {
        rc = 2;
        goto done;
    }

    if (dry) {
        print_dry_run(&j, n_asks);
        goto done;
    }

    eval_http_global_init();
    run_calls(&j, (int)jobs, "eval judge: answers");

    /* rubric calls for free-form questions */
    if (j.has_grader) {
        if (add_rubric_calls(&j, asks, n_asks) != 0) {
            rc = 2;
            goto done;
        }
        run_calls(&j, (int)jobs, "eval judge: rubric");
    }

    /* scores */
    {
        const char *first_error = write_scores(&j, asks, n_asks, sets, n_sets, level_name, &md, &js);
        if (md.oom || js.oom) {
            rc = 2;
            goto done;
        }
        fwrite(md.p, 1, md.len, stdout);
        if (out_dir && (eval_write_outputs(out_dir, "judge", &md, &js, err, sizeof err) != 0 ||
                        write_answers(&j, asks, n_asks, sets, out_dir, err, sizeof err) != 0)) {
            rc = eval_error_line(err);
            goto done;
        }
        if (j.failures) {
            fprintf(stderr, "terse: %zu call%s failed; first: %s\n", j.failures, j.failures == 1 ? "" : "s",
                    first_error ? first_error : "?");
            rc = 1;
        }
    }
done:
    for (a = 0; a < j.n_calls; a++) {
        free(j.calls[a].key);
        free(j.calls[a].reply);
        free(j.calls[a].error);
    }
    free(j.calls);
    free(j.todo);
    free(asks);
    for (s = 0; s < MAX_SETS; s++)
        if (sets[s].name || sets[s].items)
            eval_set_free(&sets[s]);
    for (i = 0; i < j.n_models; i++)
        eval_model_free(&j.models[i]);
    if (j.has_grader)
        eval_model_free(&j.grader);
    eval_cache_close(j.cache);
    buf_free(&md);
    buf_free(&js);
    free(models_arg);
    free(sets_arg);
    pthread_mutex_destroy(&j.lock);
    return rc;
}
