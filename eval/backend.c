/* backend.c - `terse compress --backend URL`: the rewrite callback of the
 * library (terse_options.rewrite) as an OpenAI-compatible chat-completions
 * client (llama.cpp's server, vLLM, Ollama, the hosted APIs).
 *
 * Each chunk is one request: the system prompt (the seed project's by
 * default) and the user message "Compress:\n" + chunk, at temperature 0.
 * Replies come from the SQLite cache when it has them (cache.c, keyed by
 * the whole request: endpoint, model, prompt, chunk); the rest are asked
 * b->jobs at a time, through http.c's POST with its retries and backoff on
 * transport errors, 429 and 5xx (Retry-After obeyed) and its timeout. The
 * key comes from the environment (TERSE_BACKEND_KEY) and travels only in a
 * header. The library checks every rewrite; this file only fetches them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "../lib/common/utf8.h"
#include "eval.h"
#include "terse.h"

const char eval_backend_default_prompt[] =
    "You are a semantic compression engine. Compress the input into minimal tokens while preserving all "
    "information for equivalent LLM reasoning. Use dense notation: labeled fields, standard abbreviations, "
    "and symbols (\xe2\x86\x92 | + @). Never lose information.";

int eval_backend_open(struct eval_backend *b, char *err, size_t errlen)
{
    size_t n = strlen(b->url);
    while (n && b->url[n - 1] == '/')
        n--;
    if (strncmp(b->url, "http://", 7) != 0 && strncmp(b->url, "https://", 8) != 0) {
        snprintf(err, errlen, "--backend needs an http:// or https:// base URL, not '%s'", b->url);
        return -1;
    }
    if (n + sizeof "/chat/completions" > sizeof b->endpoint) {
        snprintf(err, errlen, "--backend URL is too long");
        return -1;
    }
    snprintf(b->endpoint, sizeof b->endpoint, "%.*s/chat/completions", (int)n, b->url);
    if (!b->model)
        b->model = "default";
    if (!b->prompt)
        b->prompt = eval_backend_default_prompt;
    if (b->jobs < 1)
        b->jobs = 1;
    b->key = eval_env("TERSE_BACKEND_KEY");
    eval_model_price(b->model, &b->price_in, &b->price_out);
    b->cache = NULL;
    if (b->cache_path && !(b->cache = eval_cache_open(b->cache_path, err, errlen)))
        return -1;
    eval_http_global_init();
    return 0;
}

void eval_backend_close(struct eval_backend *b)
{
    eval_cache_close(b->cache);
    b->cache = NULL;
    free(b->calls);
    b->calls = NULL;
    b->n_calls = 0;
}

void eval_backend_body(const struct eval_backend *b, const char *text, size_t len, struct buf *out)
{
    char num[96];
    buf_adds(out, "{\"model\":");
    json_write_string(b->model, strlen(b->model), out);
    snprintf(num, sizeof num, ",\"temperature\":0,\"max_tokens\":%d,\"stream\":false,", b->max_tokens);
    buf_adds(out, num);
    buf_adds(out, "\"messages\":[{\"role\":\"system\",\"content\":");
    json_write_string(b->prompt, strlen(b->prompt), out);
    buf_adds(out, "},{\"role\":\"user\",\"content\":\"Compress:\\n");
    {
        /* the chunk, escaped, inside the same string */
        struct buf tmp = {0};
        json_write_string(text, len, &tmp);
        if (tmp.len >= 2)
            buf_add(out, tmp.p + 1, tmp.len - 2);
        out->oom |= tmp.oom;
        buf_free(&tmp);
    }
    buf_adds(out, "\"}]}");
}

/* A usage count of u (a JSON number), or -1. */
static long usage_count(const struct json_value *u, const char *key)
{
    const struct json_value *v = json_get(u, key);
    return v && v->kind == JSON_NUMBER ? strtol(v->raw, NULL, 10) : -1;
}

char *eval_backend_reply(const char *body, size_t body_len, size_t *len, long *tokens_in, long *tokens_out,
                         char *err, size_t errlen)
{
    struct json_error je;
    struct json_doc *d;
    const struct json_value *r, *ch, *c, *fr;
    const char *s;
    size_t n;
    char *out;
    *tokens_in = *tokens_out = -1;
    if (utf8_first_invalid((const unsigned char *)body, body_len) != body_len) {
        snprintf(err, errlen, "the response is not valid UTF-8");
        return NULL;
    }
    if (!(d = json_parse(body, body_len, &je))) {
        snprintf(err, errlen, "the response is not JSON (%s at line %zu)", je.msg, je.line);
        return NULL;
    }
    r = json_root(d);
    ch = json_get(r, "choices");
    c = ch && ch->kind == JSON_ARRAY && ch->n ? json_get(json_get(&ch->items[0], "message"), "content") : NULL;
    fr = ch && ch->kind == JSON_ARRAY && ch->n ? json_get(&ch->items[0], "finish_reason") : NULL;
    if (!c || c->kind != JSON_STRING) {
        snprintf(err, errlen, "no choices[0].message.content string in the response");
        json_doc_free(d);
        return NULL;
    }
    if (fr && fr->kind == JSON_STRING && strcmp(fr->str, "length") == 0) {
        snprintf(err, errlen, "the reply was cut off at max_tokens (finish_reason \"length\")");
        json_doc_free(d);
        return NULL;
    }
    *tokens_in = usage_count(json_get(r, "usage"), "prompt_tokens");
    *tokens_out = usage_count(json_get(r, "usage"), "completion_tokens");
    s = c->str;
    n = c->str_len;
    while (n && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'))
        s++, n--;
    if (n >= 7 && memcmp(s, "<think>", 7) == 0) {
        /* a reasoning model's thoughts come first: the rewrite follows them */
        const char *e = NULL;
        size_t k;
        for (k = 7; k + 8 <= n && !e; k++)
            if (memcmp(s + k, "</think>", 8) == 0)
                e = s + k + 8;
        if (!e) {
            snprintf(err, errlen, "the reply is an unfinished <think> block");
            json_doc_free(d);
            return NULL;
        }
        n -= (size_t)(e - s);
        s = e;
    }
    out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = 0;
        *len = n;
    } else {
        snprintf(err, errlen, "out of memory");
    }
    json_doc_free(d);
    return out;
}

/* The work shared by the request threads. */
struct run {
    struct eval_backend *b;
    terse_rewrite *chunks;
    size_t n, next;
    pthread_mutex_t lock; /* next, the cache, b->requests */
    int oom;
};

/* The cache key: the whole request (endpoint and body) as text. */
static void cache_key(const struct eval_backend *b, const char *body, size_t len, struct buf *key)
{
    buf_adds(key, "backend\n");
    buf_adds(key, b->endpoint);
    buf_adds(key, "\n");
    buf_add(key, body, len);
}

/* One chunk: through the cache, or a request. */
static void one(struct run *run, size_t i)
{
    struct eval_backend *b = run->b;
    struct eval_backend_call *call = &b->calls[i];
    terse_rewrite *c = &run->chunks[i];
    struct buf body = {0}, key = {0}, resp = {0};
    char *hit = NULL, *auth = NULL;
    double t0 = eval_now();
    size_t requests = 0;
    long tin = -1, tout = -1;
    eval_backend_body(b, c->text, c->len, &body);
    cache_key(b, body.p, body.len, &key);
    if (body.oom || key.oom) {
        run->oom = 1;
        goto out;
    }
    if (b->cache) {
        pthread_mutex_lock(&run->lock);
        hit = eval_cache_get(b->cache, key.p, key.len);
        pthread_mutex_unlock(&run->lock);
    }
    if (hit) {
        c->out = hit;
        c->out_len = strlen(hit);
        c->cached = 1;
        c->cost = 0;
        call->cached = call->ok = 1;
    } else {
        const char *headers[2] = {NULL, NULL};
        if (b->key && *b->key) {
            size_t kl = strlen(b->key) + sizeof "Authorization: Bearer ";
            if (!(auth = malloc(kl))) {
                run->oom = 1;
                goto out;
            }
            snprintf(auth, kl, "Authorization: Bearer %s", b->key);
            headers[0] = auth;
        }
        {
            struct eval_http_opts ho;
            ho.retries = b->retries;
            ho.backoff_ms = b->backoff_ms;
            ho.timeout_s = b->timeout_s;
            if (eval_http_post(b->endpoint, headers, &ho, body.p, body.len, &resp, &requests, call->err,
                               sizeof call->err) == 0) {
                c->out = eval_backend_reply(resp.p ? resp.p : "", resp.len, &c->out_len, &tin, &tout, call->err,
                                            sizeof call->err);
                call->ok = c->out != NULL;
            }
        }
        if (call->ok) {
            c->cost = tin >= 0 && tout >= 0 && b->price_in >= 0
                          ? ((double)tin * b->price_in + (double)tout * b->price_out) / 1e6
                          : -1;
            if (b->cache) {
                pthread_mutex_lock(&run->lock);
                eval_cache_put(b->cache, key.p, key.len, c->out);
                pthread_mutex_unlock(&run->lock);
            }
        }
    }
out:
    c->seconds = eval_now() - t0;
    call->seconds = c->seconds;
    call->cost = c->cost;
    pthread_mutex_lock(&run->lock);
    b->requests += requests;
    pthread_mutex_unlock(&run->lock);
    free(auth);
    buf_free(&body);
    buf_free(&key);
    buf_free(&resp);
}

static void *worker(void *arg)
{
    struct run *run = arg;
    eval_http_thread_begin();
    for (;;) {
        size_t i;
        pthread_mutex_lock(&run->lock);
        i = run->next++;
        pthread_mutex_unlock(&run->lock);
        if (i >= run->n)
            break;
        one(run, i);
    }
    eval_http_thread_end();
    return NULL;
}

int eval_backend_rewrite(void *user, struct terse_rewrite *chunks, size_t n)
{
    struct eval_backend *b = user;
    struct run run;
    pthread_t th[64];
    int k, started = 0, jobs = b->jobs > 64 ? 64 : b->jobs;
    free(b->calls);
    b->calls = calloc(n ? n : 1, sizeof *b->calls);
    b->n_calls = n;
    if (!b->calls)
        return TERSE_ENOMEM;
    memset(&run, 0, sizeof run);
    run.b = b;
    run.chunks = chunks;
    run.n = n;
    pthread_mutex_init(&run.lock, NULL);
    if ((size_t)jobs > n)
        jobs = (int)n;
    for (k = 0; k < jobs; k++)
        if (pthread_create(&th[k], NULL, worker, &run) == 0)
            started++;
    if (!started)
        worker(&run); /* no threads: one at a time, here */
    for (k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    pthread_mutex_destroy(&run.lock);
    return run.oom ? TERSE_ENOMEM : TERSE_OK;
}
