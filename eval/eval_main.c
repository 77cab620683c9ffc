/* eval_main.c - `terse eval`: dispatch between the offline fidelity run
 * and the model judge, the help text, and `terse count --exact`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "eval.h"

int eval_parse_long(const char *s, long min, long max, long *out)
{
    long v = 0;
    size_t i;
    if (!s || !(s[0] >= '0' && s[0] <= '9') || (s[0] == '0' && s[1]))
        return -1;
    for (i = 0; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (max - (s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < min)
        return -1;
    *out = v;
    return 0;
}

int eval_split_list(char *s, char **out, int max)
{
    int n = 0;
    char *p = s, *c;
    while (p && *p && n < max) {
        c = strchr(p, ',');
        if (c)
            *c = 0;
        if (*p)
            out[n++] = p;
        p = c ? c + 1 : NULL;
    }
    return n;
}

int eval_error_line(const char *msg)
{
    fprintf(stderr, "terse: %s\n", msg);
    return 1;
}

int eval_usage_error(const char *fmt, const char *arg)
{
    fputs("terse: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see terse eval --help)\n", stderr);
    return 1;
}

static const char eval_help[] =
    "usage: terse eval [options]            fidelity of compression, no model needed\n"
    "       terse eval judge --models M,... [options]   ask models over original and compressed text\n"
    "\n"
    "terse eval options:\n"
    "  --sets LIST        squad,nq,kv,gsm8k,seed,locomo,toon (default: all) or FILE.jsonl with\n"
    "                     {\"context\": ..., \"question\": ..., \"answers\": [...]} per line\n"
    "  --levels LIST      exact,safe,balanced,max (default: all)\n"
    "  --tokenizers LIST  o200k,cl100k,gemma3,claude (default: all; claude is an estimate)\n"
    "  --limit N          at most N items per data set\n"
    "  --budget PCT       query-aware: one call per question, the question (kv: the key) as\n"
    "                     --query and PCT% of the item's tokens as --budget (sets with questions)\n"
    "  --data DIR         the data sets (default: $TERSE_DATA, else ../shared/data if there,\n"
    "                     else ../../shared/data)\n"
    "  --out DIR          also write DIR/report.md, DIR/report.json, DIR/lost.jsonl,\n"
    "                     DIR/fidelity-TOKENIZER.svg\n"
    "\n"
    "terse eval judge options:\n"
    "  --models LIST      openai:MODEL, anthropic:MODEL, gemini:MODEL, compat:MODEL=BASE_URL,\n"
    "                     or a bare gpt-*/claude-*/gemini-* name\n"
    "  --sets LIST        squad,nq,kv,gsm8k,locomo or FILE.jsonl (default: squad)\n"
    "  --limit N          questions per data set, evenly spaced over it (default 20)\n"
    "  --level L          compression level of the compressed context (default balanced)\n"
    "  --judge-model M    grade free-form answers (LoCoMo, \"free_form\": true) with this model\n"
    "  --jobs N           concurrent requests (default 4)\n"
    "  --retries N        retries on 429, 5xx and transport errors (default 5)\n"
    "  --backoff-ms MS    first retry delay, doubled each time; Retry-After wins (default 500)\n"
    "  --timeout S        per request (default 120)\n"
    "  --max-tokens N     answer length cap (default 64)\n"
    "  --cache FILE       response cache (default: $TERSE_CACHE or ~/.cache/terse/cache.sqlite)\n"
    "  --no-cache         neither read nor write the cache\n"
    "  --env-file FILE    read API keys from FILE (default: ./.env when present)\n"
    "  --dry-run          print the calls and a cost estimate, make no request\n"
    "  --out DIR          also write DIR/judge.md, DIR/judge.json, DIR/judge-answers.jsonl\n"
    "\n"
    "Keys: OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY (or GOOGLE_API_KEY), COMPAT_API_KEY;\n"
    "base URLs: OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GEMINI_BASE_URL. See docs/eval.md.\n";

int eval_main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(eval_help, stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "judge") == 0)
        return eval_judge_main(argc - 1, argv + 1);
    return eval_offline_main(argc, argv);
}

/* count_tokens counts the whole request (one user message), so the
 * answer includes the few tokens of the message framing; the cache key is
 * the endpoint and the request body, as for the judge. */
int eval_count_exact(const char *model, const char *text, size_t len, size_t *count, char *err, size_t errlen)
{
    struct eval_model m;
    struct eval_http_opts o = {5, 500, 60};
    struct eval_cache *cache;
    struct buf body = {0}, key = {0}, resp = {0};
    char path[4096], url[2048], auth[1024], *hit;
    const char *k, *headers[3];
    size_t calls = 0;
    int rc = -1;
    if (eval_env_load(".env", 0, err, errlen) != 0)
        return -1;
    if (eval_model_parse(model ? model : "anthropic:claude-sonnet-4-5", &m, err, errlen) != 0)
        return -1;
    if (m.provider != PROV_ANTHROPIC) {
        snprintf(err, errlen, "--exact counts need a Claude model, not '%s'", model);
        eval_model_free(&m);
        return -1;
    }
    if (!(k = eval_env("ANTHROPIC_API_KEY"))) {
        snprintf(err, errlen, "--exact needs ANTHROPIC_API_KEY (environment or .env)");
        eval_model_free(&m);
        return -1;
    }
    buf_adds(&body, "{\"model\":");
    json_write_string(m.name, strlen(m.name), &body);
    buf_adds(&body, ",\"messages\":[{\"role\":\"user\",\"content\":");
    json_write_string(text, len, &body);
    buf_adds(&body, "}]}");
    buf_adds(&key, "anthropic-count ");
    buf_adds(&key, m.base_url ? m.base_url : "");
    buf_addc(&key, '\n');
    buf_add(&key, body.p, body.len);
    if (body.oom || key.oom) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    eval_cache_default_path(path, sizeof path);
    if (!(cache = eval_cache_open(path, err, errlen)))
        goto out;
    if ((hit = eval_cache_get(cache, key.p, key.len)) != NULL) {
        *count = (size_t)strtoull(hit, NULL, 10);
        free(hit);
        eval_cache_close(cache);
        rc = 0;
        goto out;
    }
    snprintf(url, sizeof url, "%s/v1/messages/count_tokens", m.base_url);
    snprintf(auth, sizeof auth, "x-api-key: %s", k);
    headers[0] = auth;
    headers[1] = "anthropic-version: 2023-06-01";
    headers[2] = NULL;
    eval_http_global_init();
    if (eval_http_post(url, headers, &o, body.p, body.len, &resp, &calls, err, errlen) == 0) {
        struct json_doc *d = json_parse(resp.p ? resp.p : "", resp.len, NULL);
        const struct json_value *v = d ? json_get(json_root(d), "input_tokens") : NULL;
        if (v && v->kind == JSON_NUMBER && v->raw[0] != '-') {
            char num[32];
            *count = (size_t)strtoull(v->raw, NULL, 10);
            snprintf(num, sizeof num, "%zu", *count);
            eval_cache_put(cache, key.p, key.len, num);
            rc = 0;
        } else {
            snprintf(err, errlen, "count_tokens: no input_tokens in the response");
        }
        json_doc_free(d);
    }
    memset(auth, 0, sizeof auth);
    eval_cache_close(cache);
out:
    buf_free(&body);
    buf_free(&key);
    buf_free(&resp);
    eval_model_free(&m);
    return rc;
}
