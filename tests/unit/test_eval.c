/* test_eval.c - the pieces of `terse eval` that decide its figures:
 * answer normalization and retention, EM and token F1, numbers, model
 * specs, request bodies and provider responses. (The whole reports are
 * checked against an independent recount in tests/eval.sh.)
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../eval/eval.h"
#include "../../lib/common/json.h"
#include "check.h"

static int norm_is(const char *in, const char *want)
{
    char *n = eval_normalize(in, strlen(in));
    int ok = n && strcmp(n, want) == 0;
    if (!ok)
        printf("#   normalize(\"%s\") = \"%s\", expected \"%s\"\n", in, n ? n : "(null)", want);
    free(n);
    return ok;
}

static void test_normalize(void)
{
    CHECK(norm_is("The Eiffel Tower!", "eiffel tower"));
    CHECK(norm_is("an apple a day", "apple day"));
    CHECK(norm_is("Theater, anecdote, Aa", "theater anecdote aa"));
    CHECK(norm_is("Anne's  U.S.-based\tCAFÉ", "annes usbased café"));
    CHECK(norm_is("1,200 \xC2\xA0 km", "1200 km"));  /* NBSP is whitespace */
    CHECK(norm_is("the", ""));
    CHECK(norm_is("a-b", "ab"));
    CHECK(norm_is("\xC3\xA9the", "éthe")); /* a letter before: not an article */
}

static void test_retention(void)
{
    CHECK(eval_strict_kept("battle of hastings 1066", "battle of hastings"));
    CHECK(!eval_strict_kept("battle near hastings", "battle of hastings"));
    CHECK(eval_content_kept("battle near hastings", "battle of hastings"));
    CHECK(!eval_content_kept("hastings battle", "battle of hastings")); /* order matters */
    CHECK(eval_content_kept("it was him", "him"));                       /* stop words only: strict */
    CHECK(!eval_content_kept("it was he", "him"));
}

static void test_scores(void)
{
    CHECK(eval_exact_match("The Paris.", "paris") == 1);
    CHECK(eval_exact_match("Paris, France", "Paris") == 0);
    CHECK(fabs(eval_token_f1("Paris, France", "Paris") - 2.0 / 3.0) < 1e-9);
    CHECK(fabs(eval_token_f1("Tuesday.", "on Tuesday") - 2.0 / 3.0) < 1e-9);
    CHECK(eval_token_f1("London", "Paris") == 0);
    CHECK(fabs(eval_token_f1("a b b", "b b c") - 0.8) < 1e-9); /* multisets; "a" is an article: P 1, R 2/3 */
    CHECK(eval_numeric_match("So she makes $1,234 per day.", "1234") == 1);
    CHECK(eval_numeric_match("18 or 19", "18") == 0); /* the last number counts */
    CHECK(eval_numeric_match("no idea", "18") == 0);
}

static void test_numbers(void)
{
    struct buf b = {0};
    const char *t = "Paid 1,200 then 3.5, then 1200 again; 7.";
    CHECK_EQ_SIZE(eval_numbers(t, strlen(t), &b), 3); /* 1200, 3.5, 7 */
    CHECK(b.p && strcmp(b.p, "1200") == 0);
    CHECK_EQ_SIZE(eval_numbers_kept(b.p, 3, "1200 and 7", 10), 2);
    buf_free(&b);
}

static void test_model_specs(void)
{
    struct eval_model m;
    char err[256];
    CHECK(eval_model_parse("gpt-4o-mini", &m, err, sizeof err) == 0 && m.provider == PROV_OPENAI &&
          strcmp(m.key_var, "OPENAI_API_KEY") == 0 && m.price_in == 0.15);
    eval_model_free(&m);
    CHECK(eval_model_parse("claude-haiku-4-5", &m, err, sizeof err) == 0 && m.provider == PROV_ANTHROPIC);
    eval_model_free(&m);
    CHECK(eval_model_parse("gemini:gemini-2.5-flash", &m, err, sizeof err) == 0 && m.provider == PROV_GEMINI &&
          strcmp(m.name, "gemini-2.5-flash") == 0);
    eval_model_free(&m);
    CHECK(eval_model_parse("compat:llama=http://h:8080/v1/", &m, err, sizeof err) == 0 &&
          m.provider == PROV_COMPAT && strcmp(m.name, "llama") == 0 && strcmp(m.base_url, "http://h:8080/v1") == 0 &&
          m.price_in < 0);
    eval_model_free(&m);
    CHECK(eval_model_parse("mistral-large", &m, err, sizeof err) == -1 && strstr(err, "compat:"));
    CHECK(eval_model_parse("bogus:x", &m, err, sizeof err) == -1 && strstr(err, "unknown provider"));
    CHECK(eval_model_parse("compat:llama", &m, err, sizeof err) == -1);
}

static void test_request_body(void)
{
    struct eval_model m;
    struct eval_params p = {64, 0};
    struct buf b = {0};
    const char *prompt = "say \"hi\"\nnow\\";
    char err[256];
    struct json_doc *d;
    const struct json_value *msg;
    CHECK(eval_model_parse("anthropic:claude-x", &m, err, sizeof err) == 0);
    eval_request_body(&m, &p, prompt, &b);
    d = json_parse(b.p, b.len, NULL);
    msg = d ? json_get(json_get(json_root(d), "messages")->items, "content") : NULL;
    CHECK(msg && strcmp(msg->str, prompt) == 0);
    CHECK(d && strcmp(json_get(json_root(d), "max_tokens")->raw, "64") == 0);
    json_doc_free(d);
    eval_model_free(&m);
    b.len = 0;
    CHECK(eval_model_parse("gemini-2.5-pro", &m, err, sizeof err) == 0);
    eval_request_body(&m, &p, prompt, &b);
    d = json_parse(b.p, b.len, NULL);
    buf_addc(&b, 0); /* for strstr */
    CHECK(d && strstr(b.p, "\"maxOutputTokens\":64") && !json_get(json_root(d), "model"));
    json_doc_free(d);
    eval_model_free(&m);
    b.len = 0;
    CHECK(eval_model_parse("o4-mini", &m, err, sizeof err) == 0);
    eval_request_body(&m, &p, prompt, &b);
    buf_addc(&b, 0);
    CHECK(strstr(b.p, "\"max_completion_tokens\":64") && !strstr(b.p, "temperature"));
    eval_model_free(&m);
    b.len = 0;
    CHECK(eval_model_parse("gpt-4o", &m, err, sizeof err) == 0);
    eval_request_body(&m, &p, prompt, &b);
    buf_addc(&b, 0);
    CHECK(strstr(b.p, "\"max_tokens\":64,\"temperature\":0"));
    eval_model_free(&m);
    buf_free(&b);
}

static int reply_is(int prov, const char *body, const char *want)
{
    char err[256], *t = eval_response_text(prov, body, strlen(body), err, sizeof err);
    int ok = want ? t && strcmp(t, want) == 0 : !t && strstr(err, "SAFETY") != NULL;
    if (!ok)
        printf("#   reply %s, error %s\n", t ? t : "(null)", t ? "" : err);
    free(t);
    return ok;
}

static void test_responses(void)
{
    char err[256];
    CHECK(reply_is(PROV_OPENAI, "{\"choices\":[{\"message\":{\"content\":\"Par\\u00eds\"}}]}", "Par\xC3\xADs"));
    CHECK(reply_is(PROV_OPENAI, "{\"choices\":[{\"message\":{\"content\":null,\"refusal\":\"no\"}}]}", ""));
    CHECK(reply_is(PROV_ANTHROPIC,
                   "{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"tool_use\",\"text\":\"x\"},"
                   "{\"type\":\"text\",\"text\":\"b\"}]}",
                   "ab"));
    CHECK(reply_is(PROV_GEMINI, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"},{\"text\":\"y\"}]}}]}", "xy"));
    CHECK(reply_is(PROV_GEMINI, "{\"candidates\":[{\"finishReason\":\"SAFETY\"}]}", NULL));
    CHECK(!eval_response_text(PROV_OPENAI, "<html>", 6, err, sizeof err) && strstr(err, "not JSON"));
    CHECK(!eval_response_text(PROV_ANTHROPIC, "{}", 2, err, sizeof err) && strstr(err, "no reply text"));
    {
        const char *e = "{\"error\":{\"message\":\"rate\\nlimited\"}}";
        eval_response_error(e, strlen(e), err, sizeof err);
    }
    CHECK(strcmp(err, "rate limited") == 0);
}

/* Another process's connection that holds a write lock on the cache for
 * a moment (it creates the file, as a second `terse compress --backend`
 * starting at the same time does). */
struct holder {
    const char *path;
    int ready;
    pthread_mutex_t m;
    pthread_cond_t c;
};

static void *hold_lock(void *arg)
{
    struct holder *h = arg;
    sqlite3 *db = NULL;
    if (sqlite3_open(h->path, &db) == SQLITE_OK)
        sqlite3_exec(db, "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS other(x);", NULL, NULL, NULL);
    pthread_mutex_lock(&h->m);
    h->ready = 1;
    pthread_cond_signal(&h->c);
    pthread_mutex_unlock(&h->m);
    usleep(300 * 1000);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return NULL;
}

/* Opening the cache while another connection holds a write lock waits
 * for it (it once failed at once with "database is locked": setting WAL
 * mode and creating the table while another holds the lock is a deadlock
 * to SQLite, which then skips the busy timeout; two `terse compress
 * --backend` starting together on a new cache failed about 3 times in
 * 100). */
static void test_cache_open_waits(void)
{
    char dir[] = "/tmp/terse-cache-XXXXXX", path[64], err[256];
    struct holder h;
    pthread_t t;
    struct eval_cache *c;
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/cache.sqlite", dir);
    h.path = path;
    h.ready = 0;
    pthread_mutex_init(&h.m, NULL);
    pthread_cond_init(&h.c, NULL);
    CHECK(pthread_create(&t, NULL, hold_lock, &h) == 0);
    pthread_mutex_lock(&h.m);
    while (!h.ready)
        pthread_cond_wait(&h.c, &h.m);
    pthread_mutex_unlock(&h.m);
    err[0] = 0;
    c = eval_cache_open(path, err, sizeof err);
    if (!c)
        printf("#   %s\n", err);
    CHECK(c != NULL);
    if (c) {
        CHECK(eval_cache_put(c, "k", 1, "reply") == 0);
        eval_cache_close(c);
    }
    pthread_join(t, NULL);
    pthread_mutex_destroy(&h.m);
    pthread_cond_destroy(&h.c);
    {
        char f[96];
        snprintf(f, sizeof f, "%s-wal", path);
        unlink(f);
        snprintf(f, sizeof f, "%s-shm", path);
        unlink(f);
    }
    unlink(path);
    rmdir(dir);
}

const struct test_case eval_tests[] = {
    {"eval: normalize as quality.js", test_normalize},
    {"eval: strict and content retention", test_retention},
    {"eval: exact match, token F1, numeric match", test_scores},
    {"eval: numbers", test_numbers},
    {"eval: model specs", test_model_specs},
    {"eval: request bodies", test_request_body},
    {"eval: provider responses", test_responses},
    {"eval: opening the cache waits for another connection's lock", test_cache_open_waits},
    {NULL, NULL},
};
