/* fuzz_proxy.c - libFuzzer target for the proxy's request parsing and
 * rewriting (proxy/rewrite.c): every route's adapter on any body.
 *
 * The first byte picks the route, the levels (tool results, user and
 * assistant turns), the minimum size and a context budget; the rest is the
 * body. Checks: only the documented results (0 rewritten, 1 unchanged, -1
 * a client error with a message, never -2 here); a rewritten body is JSON
 * that differs from the input only in the values of strings (same kinds,
 * keys in the same order, numbers as written); never more tokens after
 * than before; the same bytes when run twice (a second run comes from the
 * cache, so this also checks the cache); and with every level "none" the
 * body is never rewritten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "../proxy/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_shape(const struct json_value *a, const struct json_value *b)
{
    size_t i;
    if (a->kind != b->kind)
        return 0;
    if (a->kind == JSON_STRING)
        return 1;
    if (a->kind == JSON_NUMBER)
        return a->raw_len == b->raw_len && memcmp(a->raw, b->raw, a->raw_len) == 0;
    if (a->kind != JSON_ARRAY && a->kind != JSON_OBJECT)
        return 1;
    if (a->n != b->n)
        return 0;
    for (i = 0; i < a->n; i++) {
        if (a->kind == JSON_OBJECT && !json_equal(&a->keys[i], &b->keys[i]))
            return 0;
        if (!same_shape(&a->items[i], &b->items[i]))
            return 0;
    }
    return 1;
}

static struct proxy_cache *cache;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int routes[4] = {ROUTE_OPENAI_CHAT, ROUTE_OPENAI_RESPONSES,
                                  ROUTE_ANTHROPIC_MESSAGES, ROUTE_GEMINI_CONTENTS};
    struct proxy_config cfg;
    struct rewriter *rw;
    struct rewrite_stats st, st2;
    char err[256], *out = NULL, *out2 = NULL;
    size_t out_len = 0, out2_len = 0;
    const char *body;
    size_t len;
    int rc, rc2;
    if (size < 1)
        return 0;
    if (!cache)
        cache = cache_new((size_t)8 << 20, NULL, 60);
    if (!cache)
        abort();
    proxy_config_defaults(&cfg);
    cfg.tool_level = (data[0] >> 2) & 1 ? TERSE_LEVEL_SAFE : TERSE_LEVEL_EXACT;
    cfg.user_level = cfg.assistant_level = (data[0] >> 3) & 1 ? TERSE_LEVEL_BALANCED : TERSE_LEVEL_MAX;
    cfg.min_size = (data[0] >> 4) & 1 ? 0 : 24;
    cfg.budget = (data[0] >> 5) & 1 ? 40 : 0;
    body = (const char *)data + 1;
    len = size - 1;
    rw = rewriter_new(&cfg, cache);
    if (!rw)
        abort();
    rc = rewrite_request(rw, routes[data[0] & 3], "gemini-2.5-pro", body, len, &out, &out_len, &st,
                         err, sizeof(err));
    if (rc != 0 && rc != 1 && rc != -1) {
        fprintf(stderr, "rewrite_request returned %d: %s\n", rc, err);
        abort();
    }
    if (rc == -1 && strlen(err) == 0)
        abort();
    if (rc >= 0 && st.tokens_after > st.tokens_before && !cfg.budget)
        abort();
    if (rc == 0) {
        struct json_doc *a = json_parse(body, len, NULL), *b = json_parse(out, out_len, NULL);
        if (!a || !b || !same_shape(json_root(a), json_root(b))) {
            fprintf(stderr, "the rewritten body changed more than strings\n");
            abort();
        }
        json_doc_free(a);
        json_doc_free(b);
    }
    rc2 = rewrite_request(rw, routes[data[0] & 3], "gemini-2.5-pro", body, len, &out2, &out2_len,
                          &st2, err, sizeof(err));
    if (rc2 != rc || out_len != out2_len || (out_len && memcmp(out, out2, out_len) != 0) ||
        st2.tokens_before != st.tokens_before || st2.tokens_after != st.tokens_after) {
        fprintf(stderr, "a second run (from the cache) differs\n");
        abort();
    }
    free(out);
    free(out2);
    rewriter_free(rw);
    /* with every level none, nothing is rewritten */
    cfg.tool_level = cfg.user_level = cfg.assistant_level = PROXY_LEVEL_NONE;
    cfg.budget = 0;
    rw = rewriter_new(&cfg, cache);
    if (!rw)
        abort();
    rc2 = rewrite_request(rw, routes[data[0] & 3], NULL, body, len, &out2, &out2_len, &st2, err,
                          sizeof(err));
    if (rc2 == 0 || (rc2 == 1 && st2.tokens_after != st2.tokens_before)) {
        fprintf(stderr, "level none rewrote the body\n");
        abort();
    }
    free(out2);
    rewriter_free(rw);
    return 0;
}
