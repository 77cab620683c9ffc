/* dataset.c - readers for the evaluation data sets.
 *
 * Each reader turns one upstream format (../shared/data/README.md) into
 * items: a context to compress and the questions whose gold answers must
 * survive it. Renderings follow eval/quality.js where it has one (NQ as
 * "Title\n\ntext", the key-value records as upstream's one-pair-per-line
 * JSON object), so that both harnesses measure the same texts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../lib/common/json.h"
#include "../lib/common/utf8.h"
#include "eval.h"

const char *const eval_set_names[] = {"squad", "nq", "kv", "gsm8k", "seed", "locomo", "toon", NULL};

/* DESIGN.md's ../shared/data beside the checkout when it is there, else
 * ../../shared/data (from a worktree one folder further down), else
 * ../shared/data (whose absence the readers then report). */
const char *eval_default_data(void)
{
    if (access("../shared/data/README.md", R_OK) != 0 && access("../../shared/data/README.md", R_OK) == 0)
        return "../../shared/data";
    return "../shared/data";
}

/* Reads through zlib, which passes files that are not gzip through
 * unchanged; the result is repaired to valid UTF-8 (json_parse needs it). */
char *eval_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    gzFile f = gzopen(path, "rb");
    struct buf b = {0};
    char *out;
    size_t fixed;
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, errno ? strerror(errno) : "out of memory");
        return NULL;
    }
    for (;;) {
        int got;
        if (buf_reserve(&b, 1 << 16) != 0)
            break;
        got = gzread(f, b.p + b.len, 1 << 16);
        if (got < 0) {
            int zerr;
            snprintf(err, errlen, "cannot read '%s': %s", path, gzerror(f, &zerr));
            gzclose(f);
            buf_free(&b);
            return NULL;
        }
        if (got == 0)
            break;
        b.len += (size_t)got;
    }
    gzclose(f);
    if (b.oom) {
        snprintf(err, errlen, "out of memory reading '%s'", path);
        buf_free(&b);
        return NULL;
    }
    fixed = utf8_repaired_len((const unsigned char *)(b.p ? b.p : ""), b.len);
    out = malloc(fixed + 1);
    if (!out) {
        snprintf(err, errlen, "out of memory reading '%s'", path);
        buf_free(&b);
        return NULL;
    }
    *len = utf8_repair((const unsigned char *)(b.p ? b.p : ""), b.len, (unsigned char *)out);
    out[*len] = 0;
    buf_free(&b);
    return out;
}

void eval_set_free(struct eval_set *set)
{
    size_t i, j, k;
    for (i = 0; i < set->n; i++) {
        struct eval_item *it = &set->items[i];
        for (j = 0; j < it->nq; j++) {
            for (k = 0; k < it->q[j].n_answers; k++)
                free(it->q[j].answers[k]);
            free(it->q[j].answers);
            free(it->q[j].id);
            free(it->q[j].question);
        }
        free(it->q);
        free(it->id);
        free(it->context);
        free(it->reference);
        free(it->kv_key);
        free(it->kv_value);
    }
    free(set->items);
    free(set->name);
    memset(set, 0, sizeof *set);
}

/* ---- building items ---- */

static int oom_flag;

/* A new NUL-terminated copy of s[0..n); NULL (and oom_flag set) when out
 * of memory, which the loaders check once at the end. */
static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) {
        oom_flag = 1;
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static char *dup_s(const char *s)
{
    return dup_n(s, strlen(s));
}

/* Appends a zeroed item named id to set (capacity doubles at powers of
 * two); NULL when out of memory. */
static struct eval_item *new_item(struct eval_set *set, const char *id)
{
    struct eval_item *it;
    /* the capacity is n rounded up to a power of two: grow at 0, 1, 2, 4, ... */
    if ((set->n & (set->n - 1)) == 0) {
        size_t cap = set->n ? set->n * 2 : 1;
        struct eval_item *p = realloc(set->items, cap * sizeof *p);
        if (!p) {
            oom_flag = 1;
            return NULL;
        }
        set->items = p;
    }
    it = &set->items[set->n++];
    memset(it, 0, sizeof *it);
    it->id = dup_s(id);
    return it;
}

/* Realloc-per-call growth is fine: items have a few questions each. */
static struct eval_question *new_question(struct eval_item *it, const char *id, const char *question)
{
    struct eval_question *p = realloc(it->q, (it->nq + 1) * sizeof *p), *q;
    if (!p) {
        oom_flag = 1;
        return NULL;
    }
    it->q = p;
    q = &it->q[it->nq++];
    memset(q, 0, sizeof *q);
    q->id = dup_s(id);
    q->question = dup_s(question);
    q->offline = 1;
    return q;
}

/* Adds a gold answer unless an identical one is there (quality.js keeps
 * distinct answers). Out of memory sets oom_flag. */
static void add_answer(struct eval_question *q, const char *a, size_t n)
{
    char **p;
    size_t i;
    for (i = 0; i < q->n_answers; i++)
        if (strlen(q->answers[i]) == n && memcmp(q->answers[i], a, n) == 0)
            return; /* distinct answers, as quality.js */
    p = realloc(q->answers, (q->n_answers + 1) * sizeof *p);
    if (!p) {
        oom_flag = 1;
        return;
    }
    q->answers = p;
    q->answers[q->n_answers++] = dup_n(a, n);
}

/* Sets an item's context to a copy of s[0..n). */
static void set_context(struct eval_item *it, const char *s, size_t n)
{
    it->context = dup_n(s, n);
    it->context_len = n;
}

/* A string member's decoded text, or NULL. */
static const char *str_of(const struct json_value *v, const char *key)
{
    const struct json_value *m = json_get(v, key);
    return m && m->kind == JSON_STRING ? m->str : NULL;
}

/* An answer written as a string, or a number (LoCoMo has both). */
static int answer_text(const struct json_value *m, const char **s, size_t *n)
{
    if (m && m->kind == JSON_STRING) {
        *s = m->str;
        *n = m->str_len;
        return 1;
    }
    if (m && m->kind == JSON_NUMBER) {
        *s = m->raw;
        *n = m->raw_len;
        return 1;
    }
    return 0;
}

#define FAIL(...)                                                                                        \
    do {                                                                                                 \
        snprintf(err, errlen, __VA_ARGS__);                                                              \
        goto fail;                                                                                       \
    } while (0)

/* ---- SQuAD v2: one item per paragraph, its answerable questions ---- */

/* SQuAD v2: one item per paragraph (all of them, also those with no
 * answerable question, as quality.js counts them), its answerable
 * questions with their distinct answers. Returns 0 or -1 with err. */
static int load_squad(const char *path, size_t limit, struct eval_set *set, char *err, size_t errlen)
{
    size_t len, a, p, k, j;
    char *text = eval_read_file(path, &len, err, errlen);
    struct json_error je;
    struct json_doc *d;
    const struct json_value *data;
    if (!text)
        return -1;
    d = json_parse(text, len, &je);
    free(text);
    if (!d)
        FAIL("%s:%zu: %s", path, je.line, je.msg);
    data = json_get(json_root(d), "data");
    if (!data || data->kind != JSON_ARRAY)
        FAIL("%s: no \"data\" array (not SQuAD JSON)", path);
    for (a = 0; a < data->n; a++) {
        const struct json_value *pars = json_get(&data->items[a], "paragraphs");
        if (!pars || pars->kind != JSON_ARRAY)
            FAIL("%s: article %zu has no \"paragraphs\" array", path, a);
        for (p = 0; p < pars->n; p++) {
            const struct json_value *par = &pars->items[p], *qas = json_get(par, "qas");
            const struct json_value *ctx = json_get(par, "context");
            struct eval_item *it;
            char id[32];
            if (limit && set->n == limit)
                goto done;
            if (!ctx || ctx->kind != JSON_STRING || !qas || qas->kind != JSON_ARRAY)
                FAIL("%s: article %zu paragraph %zu lacks \"context\" or \"qas\"", path, a, p);
            snprintf(id, sizeof id, "p%zu", set->n);
            if (!(it = new_item(set, id)))
                goto oom;
            set_context(it, ctx->str, ctx->str_len);
            for (k = 0; k < qas->n; k++) {
                const struct json_value *qa = &qas->items[k], *ans = json_get(qa, "answers"),
                                        *imp = json_get(qa, "is_impossible");
                const char *qid = str_of(qa, "id"), *qq = str_of(qa, "question");
                struct eval_question *q;
                if (imp && imp->kind == JSON_TRUE)
                    continue;
                if (!ans || ans->kind != JSON_ARRAY || !ans->n || !qq)
                    continue;
                if (!(q = new_question(it, qid ? qid : "", qq)))
                    goto oom;
                for (j = 0; j < ans->n; j++) {
                    const struct json_value *t = json_get(&ans->items[j], "text");
                    if (t && t->kind == JSON_STRING)
                        add_answer(q, t->str, t->str_len);
                }
            }
        }
    }
done:
    json_doc_free(d);
    return oom_flag ? (snprintf(err, errlen, "out of memory reading %s", path), -1) : 0;
oom:
    snprintf(err, errlen, "out of memory reading %s", path);
fail:
    json_doc_free(d);
    return -1;
}

/* ---- JSON Lines readers ---- */

enum jsonl_form { FORM_GENERIC, FORM_NQ, FORM_KV, FORM_GSM8K, FORM_SEED };

/* Upstream lost-in-the-middle rendering, as quality.js renderKv:
 * '{"k": "v",\n "k": "v",\n ... "k": "v"}'. */
static int render_kv(const struct json_value *recs, struct buf *out)
{
    size_t i;
    for (i = 0; i < recs->n; i++) {
        const struct json_value *p = &recs->items[i];
        if (p->kind != JSON_ARRAY || p->n != 2 || p->items[0].kind != JSON_STRING ||
            p->items[1].kind != JSON_STRING)
            return -1;
        buf_adds(out, i == 0 ? "{" : " ");
        json_write_string(p->items[0].str, p->items[0].str_len, out);
        buf_adds(out, ": ");
        json_write_string(p->items[1].str, p->items[1].str_len, out);
        buf_adds(out, i + 1 == recs->n ? "}" : ",\n");
    }
    return 0;
}

/* Reads one record of the given form into a new item. Returns 0, 1 when
 * the record is skipped (seed pairs outside domain nl, valid+test), or -1
 * with err set. */
static int jsonl_record(int form, const struct json_value *r, size_t line, struct eval_set *set, char *err,
                        size_t errlen)
{
    char id[48];
    struct eval_item *it;
    struct eval_question *q;
    const struct json_value *ans;
    size_t j;
    if (r->kind != JSON_OBJECT) {
        snprintf(err, errlen, "line %zu: expected a JSON object", line);
        return -1;
    }
    snprintf(id, sizeof id, "%s%zu", form == FORM_KV ? "r" : "q", set->n);
    if (form == FORM_SEED) {
        const char *dom = str_of(r, "domain"), *split = str_of(r, "split"), *v = str_of(r, "verbose"),
                   *c = str_of(r, "compressed"), *rid = str_of(r, "id");
        if (!dom || !split || !v || !c || !rid) {
            snprintf(err, errlen, "line %zu: a seed pair needs id, split, domain, verbose, compressed", line);
            return -1;
        }
        if (strcmp(dom, "nl") != 0 || (strcmp(split, "valid") != 0 && strcmp(split, "test") != 0))
            return 1;
        if (!(it = new_item(set, rid)))
            return -1;
        set_context(it, v, strlen(v));
        it->reference = dup_s(c);
        return 0;
    }
    if (form == FORM_KV) {
        const struct json_value *recs = json_get(r, "ordered_kv_records");
        const char *k = str_of(r, "key"), *v = str_of(r, "value");
        struct buf b = {0};
        char qtext[200];
        if (!recs || recs->kind != JSON_ARRAY || !k || !v) {
            snprintf(err, errlen, "line %zu: a key-value record needs ordered_kv_records, key, value", line);
            return -1;
        }
        if (render_kv(recs, &b) != 0) {
            buf_free(&b);
            snprintf(err, errlen, "line %zu: ordered_kv_records must be [string, string] pairs", line);
            return -1;
        }
        buf_addc(&b, 0);
        if (b.oom || !(it = new_item(set, id))) {
            buf_free(&b);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        it->context = b.p; /* the item owns the rendering now */
        it->context_len = b.len - 1;
        it->kv_key = dup_s(k);
        it->kv_value = dup_s(v);
        /* the question of upstream's key-value retrieval prompt */
        snprintf(qtext, sizeof qtext, "Extract the value corresponding to the specified key in the JSON object. Key: \"%s\"",
                 k);
        if (!(q = new_question(it, id, qtext)))
            return -1;
        add_answer(q, v, strlen(v));
        return 0;
    }
    if (form == FORM_GSM8K) {
        const char *qq = str_of(r, "question"), *a = str_of(r, "answer"), *hash;
        if (!qq || !a || !(hash = strstr(a, "#### "))) {
            snprintf(err, errlen, "line %zu: a gsm8k record needs question and an answer ending in '#### N'", line);
            return -1;
        }
        if (!(it = new_item(set, id)))
            return -1;
        set_context(it, qq, strlen(qq));
        if (!(q = new_question(it, id, "What is the final answer to the problem? Reply with the number only.")))
            return -1;
        q->offline = 0; /* the problem's own numbers are what must survive */
        q->numeric = 1;
        hash += 5;
        add_answer(q, hash, strcspn(hash, "\n\r "));
        return 0;
    }
    {
        const char *qq = str_of(r, "question"), *ctx = NULL, *rid = str_of(r, "id");
        struct buf b = {0};
        if (form == FORM_NQ) {
            const struct json_value *ctxs = json_get(r, "ctxs");
            const char *title, *text;
            if (!ctxs || ctxs->kind != JSON_ARRAY || !ctxs->n || !(title = str_of(&ctxs->items[0], "title")) ||
                !(text = str_of(&ctxs->items[0], "text"))) {
                snprintf(err, errlen, "line %zu: an NQ record needs ctxs[0].title and .text", line);
                return -1;
            }
            buf_adds(&b, title);
            buf_adds(&b, "\n\n");
            buf_adds(&b, text);
            buf_addc(&b, 0);
            ctx = b.p;
        } else {
            ctx = str_of(r, "context");
        }
        ans = json_get(r, "answers");
        if (!ans)
            ans = json_get(r, "answer");
        if (!ctx || !qq || !ans || (ans->kind != JSON_ARRAY && ans->kind != JSON_STRING && ans->kind != JSON_NUMBER)) {
            buf_free(&b);
            snprintf(err, errlen, "line %zu: expected {\"context\": string, \"question\": string, \"answers\": [strings]}",
                     line);
            return -1;
        }
        if (!(it = new_item(set, form == FORM_GENERIC && rid ? rid : id))) {
            buf_free(&b);
            return -1;
        }
        set_context(it, ctx, strlen(ctx));
        buf_free(&b);
        if (!(q = new_question(it, it->id, qq)))
            return -1;
        if (ans->kind == JSON_ARRAY) {
            for (j = 0; j < ans->n; j++) {
                const char *s;
                size_t n;
                if (!answer_text(&ans->items[j], &s, &n)) {
                    snprintf(err, errlen, "line %zu: answers must be strings or numbers", line);
                    return -1;
                }
                add_answer(q, s, n);
            }
        } else {
            const char *s = "";
            size_t n = 0;
            if (answer_text(ans, &s, &n))
                add_answer(q, s, n);
        }
        if (!q->n_answers) {
            snprintf(err, errlen, "line %zu: no gold answer", line);
            return -1;
        }
        {
            const struct json_value *ff = json_get(r, "free_form");
            q->free_form = ff && ff->kind == JSON_TRUE;
        }
        return 0;
    }
}

/* Reads JSON Lines of the given form, skipping blank lines, up to limit
 * items. Returns 0, or -1 with err naming the line. */
static int jsonl_parse_form(int form, const char *text, size_t len, size_t limit, struct eval_set *set,
                            char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    size_t line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *s = p;
        struct json_error je;
        struct json_doc *d;
        int rc;
        line++;
        p = nl ? nl + 1 : end;
        while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
            s++;
        if (s == e)
            continue;
        if (limit && set->n == limit)
            break;
        d = json_parse(s, (size_t)(e - s), &je);
        if (!d) {
            snprintf(err, errlen, "line %zu: not JSON: %s (column %zu)", line, je.msg, je.col);
            return -1;
        }
        err[0] = 0;
        rc = jsonl_record(form, json_root(d), line, set, err, errlen);
        json_doc_free(d);
        if (rc < 0) {
            if (!err[0]) /* the allocations of a record fail without a message */
                snprintf(err, errlen, "line %zu: out of memory", line);
            return -1;
        }
        if (oom_flag) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

int eval_jsonl_parse(const char *text, size_t len, size_t limit, struct eval_set *set, char *err, size_t errlen)
{
    oom_flag = 0;
    return jsonl_parse_form(FORM_GENERIC, text, len, limit, set, err, errlen);
}

/* Reads a JSON Lines file (gzip or plain) of the given form; errors are
 * prefixed with the path. */
static int load_jsonl(int form, const char *path, size_t limit, struct eval_set *set, char *err, size_t errlen)
{
    size_t len;
    char err2[200];
    char *text = eval_read_file(path, &len, err, errlen);
    int rc;
    if (!text)
        return -1;
    rc = jsonl_parse_form(form, text, len, limit, set, err2, sizeof err2);
    free(text);
    if (rc)
        snprintf(err, errlen, "%s: %s", path, err2);
    return rc;
}

/* ---- LoCoMo: one item per conversation ---- */

/* Renders "Session N (date):" then "Speaker: text" lines (with
 * " [shared photo: caption]" when a turn shares one), sessions separated
 * by a blank line. */
static int render_locomo(const struct json_value *conv, struct buf *out)
{
    int s, sessions = 0;
    for (s = 1; s < 200; s++) {
        char key[48];
        const struct json_value *turns, *date;
        size_t i;
        snprintf(key, sizeof key, "session_%d", s);
        turns = json_get(conv, key);
        if (!turns || turns->kind != JSON_ARRAY)
            continue;
        snprintf(key, sizeof key, "session_%d_date_time", s);
        date = json_get(conv, key);
        if (sessions++)
            buf_addc(out, '\n');
        snprintf(key, sizeof key, "Session %d", s);
        buf_adds(out, key);
        if (date && date->kind == JSON_STRING) {
            buf_adds(out, " (");
            buf_adds(out, date->str);
            buf_addc(out, ')');
        }
        buf_adds(out, ":\n");
        for (i = 0; i < turns->n; i++) {
            const char *sp = str_of(&turns->items[i], "speaker"), *tx = str_of(&turns->items[i], "text"),
                       *cap = str_of(&turns->items[i], "blip_caption");
            if (!sp || !tx)
                return -1;
            buf_adds(out, sp);
            buf_adds(out, ": ");
            buf_adds(out, tx);
            if (cap) {
                buf_adds(out, " [shared photo: ");
                buf_adds(out, cap);
                buf_addc(out, ']');
            }
            buf_addc(out, '\n');
        }
    }
    return sessions ? 0 : -1;
}

/* One LoCoMo conversation file: one item, the rendered conversation, with
 * the questions of categories 1 to 4 (5 is unanswerable by design), each
 * free-form. Returns 0 or -1 with err. */
static int load_locomo(const char *path, struct eval_set *set, char *err, size_t errlen)
{
    size_t len, i;
    char *text = eval_read_file(path, &len, err, errlen);
    struct json_error je;
    struct json_doc *d;
    const struct json_value *conv, *qa;
    struct buf b = {0};
    struct eval_item *it;
    const char *base = strrchr(path, '/');
    if (!text)
        return -1;
    d = json_parse(text, len, &je);
    free(text);
    if (!d)
        FAIL("%s:%zu: %s", path, je.line, je.msg);
    conv = json_root(d);
    qa = json_get(conv, "qa");
    if (render_locomo(conv, &b) != 0 || !qa || qa->kind != JSON_ARRAY || b.oom)
        FAIL("%s: not a LoCoMo conversation (session_N turns with speaker and text, and qa)", path);
    if (!(it = new_item(set, base ? base + 1 : path)))
        FAIL("out of memory reading %s", path);
    set_context(it, b.p, b.len);
    for (i = 0; i < qa->n; i++) {
        const struct json_value *x = &qa->items[i], *cat = json_get(x, "category");
        const char *qq = str_of(x, "question"), *s;
        size_t n;
        int c = cat && cat->kind == JSON_NUMBER ? atoi(cat->raw) : 0;
        struct eval_question *q;
        char qid[64];
        if (c < 1 || c > 4 || !qq || !answer_text(json_get(x, "answer"), &s, &n))
            continue; /* category 5 is unanswerable by design */
        snprintf(qid, sizeof qid, "%s/q%zu", it->id, i);
        if (!(q = new_question(it, qid, qq)))
            FAIL("out of memory reading %s", path);
        add_answer(q, s, n);
        q->free_form = 1;
    }
    buf_free(&b);
    json_doc_free(d);
    return 0;
fail:
    buf_free(&b);
    json_doc_free(d);
    return -1;
}

/* toon-bench: github-repos.json wrapped as {"repositories": [...]}, as
 * the upstream benchmark wraps it, then the eight generated documents;
 * one item each. A file that is not JSON is an error. */
static int load_toon(const char *dir, size_t limit, struct eval_set *set, char *err, size_t errlen)
{
    static const char *const files[] = {"github-repos.json", "generated/tabular.json", "generated/nested.json",
                                        "generated/analytics.json", "generated/github.json",
                                        "generated/event-logs.json", "generated/nested-config.json",
                                        "generated/keyed.json", "generated/nested-group.json", NULL};
    size_t i;
    for (i = 0; files[i] && (!limit || set->n < limit); i++) {
        char path[4096 + 64];
        size_t len;
        char *text;
        struct json_error je;
        struct json_doc *d;
        struct eval_item *it;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (!(text = eval_read_file(path, &len, err, errlen)))
            return -1;
        d = json_parse(text, len, &je);
        if (!d) {
            snprintf(err, errlen, "%s:%zu: %s", path, je.line, je.msg);
            free(text);
            return -1;
        }
        json_doc_free(d);
        if (!(it = new_item(set, files[i]))) {
            free(text);
            snprintf(err, errlen, "out of memory reading %s", path);
            return -1;
        }
        if (i == 0) {
            struct buf b = {0};
            buf_adds(&b, "{\"repositories\": ");
            buf_add(&b, text, len);
            buf_adds(&b, "}");
            set_context(it, b.p ? b.p : "", b.len);
            buf_free(&b);
        } else {
            set_context(it, text, len);
        }
        free(text);
    }
    return 0;
}

int eval_set_load(const char *name, const char *data_dir, size_t limit, struct eval_set *set, char *err,
                  size_t errlen)
{
    char path[4096];
    int rc;
    memset(set, 0, sizeof *set);
    oom_flag = 0;
    set->kind = SET_QA;
    if (strcmp(name, "squad") == 0) {
        snprintf(path, sizeof path, "%s/squad-v2/dev-v2.0.json", data_dir);
        rc = load_squad(path, limit, set, err, errlen);
    } else if (strcmp(name, "nq") == 0) {
        snprintf(path, sizeof path, "%s/nq-multidoc/nq-open-oracle.jsonl.gz", data_dir);
        rc = load_jsonl(FORM_NQ, path, limit, set, err, errlen);
    } else if (strcmp(name, "kv") == 0) {
        set->kind = SET_KV;
        snprintf(path, sizeof path, "%s/nq-multidoc/kv-retrieval-75_keys.jsonl.gz", data_dir);
        rc = load_jsonl(FORM_KV, path, limit, set, err, errlen);
    } else if (strcmp(name, "gsm8k") == 0) {
        set->kind = SET_NUMBERS;
        snprintf(path, sizeof path, "%s/gsm8k/test.jsonl", data_dir);
        rc = load_jsonl(FORM_GSM8K, path, limit, set, err, errlen);
    } else if (strcmp(name, "seed") == 0) {
        set->kind = SET_SEED;
        snprintf(path, sizeof path, "%s/seed-pairs/pairs.jsonl", data_dir);
        rc = load_jsonl(FORM_SEED, path, limit, set, err, errlen);
    } else if (strcmp(name, "locomo") == 0) {
        snprintf(path, sizeof path, "%s/locomo-dev/26.json", data_dir);
        rc = load_locomo(path, set, err, errlen);
        snprintf(path, sizeof path, "%s/locomo-dev/30.json", data_dir);
        if (rc == 0 && (!limit || set->n < limit))
            rc = load_locomo(path, set, err, errlen);
    } else if (strcmp(name, "toon") == 0) {
        set->kind = SET_JSON;
        snprintf(path, sizeof path, "%s/toon-bench", data_dir);
        rc = load_toon(path, limit, set, err, errlen);
    } else if (strchr(name, '/') || strstr(name, ".json")) {
        rc = load_jsonl(FORM_GENERIC, name, limit, set, err, errlen);
    } else {
        snprintf(err, errlen, "unknown data set '%s' (squad, nq, kv, gsm8k, seed, locomo, toon, or a .jsonl file)",
                 name);
        rc = -1;
    }
    if (rc == 0 && oom_flag) {
        snprintf(err, errlen, "out of memory reading %s", name);
        rc = -1;
    }
    if (rc == 0 && !set->n) {
        snprintf(err, errlen, "data set '%s' has no items", name);
        rc = -1;
    }
    if (rc == 0) {
        const char *base = strrchr(name, '/');
        set->name = dup_s(base ? base + 1 : name);
    }
    if (rc != 0)
        eval_set_free(set);
    return rc;
}
