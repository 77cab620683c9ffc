/* eval_main.c - `terse eval`: dispatch between the offline fidelity run
 * and the model judge, the help text, and `terse count --exact`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "eval.h"

int eval_main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        return eval_help();
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
