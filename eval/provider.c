/* provider.c - the wire formats of the model providers: OpenAI Chat
 * Completions (and any OpenAI-compatible server: llama.cpp, Ollama, vLLM),
 * Anthropic Messages, and Gemini generateContent.
 *
 * Each request is one user message at a fixed temperature and output cap,
 * so that a request's text says everything that determines its answer and
 * can key the cache. Base URLs come from OPENAI_BASE_URL,
 * ANTHROPIC_BASE_URL and GEMINI_BASE_URL when set (the tests point them at
 * a fake server), and keys from OPENAI_API_KEY, ANTHROPIC_API_KEY,
 * GEMINI_API_KEY (or GOOGLE_API_KEY) and, for compat servers,
 * COMPAT_API_KEY (optional).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "eval.h"

static const char *const provider_names[] = {"openai", "anthropic", "gemini", "compat"};

/* List prices in USD per million tokens (input, output), by model-name
 * prefix, longest first; used only for --dry-run's estimate, which says
 * so. Unknown models get no price. */
static const struct {
    const char *prefix;
    double in, out;
} prices[] = {
    {"gpt-4o-mini", 0.15, 0.60},   {"gpt-4o", 2.50, 10.00},        {"gpt-4.1-nano", 0.10, 0.40},
    {"gpt-4.1-mini", 0.40, 1.60},  {"gpt-4.1", 2.00, 8.00},        {"gpt-5-nano", 0.05, 0.40},
    {"gpt-5-mini", 0.25, 2.00},    {"gpt-5", 1.25, 10.00},         {"o4-mini", 1.10, 4.40},
    {"o3", 2.00, 8.00},            {"claude-3-5-haiku", 0.80, 4.00}, {"claude-haiku-4", 1.00, 5.00},
    {"claude-sonnet-4", 3.00, 15.00}, {"claude-opus-4", 15.00, 75.00}, {"gemini-2.5-flash-lite", 0.10, 0.40},
    {"gemini-2.5-flash", 0.30, 2.50}, {"gemini-2.5-pro", 1.25, 10.00}, {NULL, 0, 0}};

void eval_model_free(struct eval_model *m)
{
    free(m->spec);
    free(m->name);
    free(m->base_url);
    memset(m, 0, sizeof *m);
}

/* Returns a new copy of the base URL without a trailing slash. */
static char *base_from(const char *env, const char *dflt)
{
    const char *v = eval_env(env);
    char *s = strdup(v ? v : dflt);
    size_t n;
    if (!s)
        return NULL;
    n = strlen(s);
    while (n && s[n - 1] == '/')
        s[--n] = 0;
    return s;
}

int eval_model_parse(const char *spec, struct eval_model *m, char *err, size_t errlen)
{
    const char *colon = strchr(spec, ':'), *name = spec;
    size_t i;
    memset(m, 0, sizeof *m);
    m->provider = -1;
    if (colon) {
        for (i = 0; i < 4; i++)
            if (strlen(provider_names[i]) == (size_t)(colon - spec) &&
                strncmp(spec, provider_names[i], (size_t)(colon - spec)) == 0)
                m->provider = (int)i;
        if (m->provider < 0 && strncmp(colon, "://", 3) != 0) {
            snprintf(err, errlen, "unknown provider in '%s' (providers: openai, anthropic, gemini, compat)", spec);
            return -1;
        }
        if (m->provider >= 0)
            name = colon + 1;
    }
    if (m->provider < 0) {
        if (strncmp(name, "gpt-", 4) == 0 || strncmp(name, "o1", 2) == 0 || strncmp(name, "o3", 2) == 0 ||
            strncmp(name, "o4", 2) == 0 || strncmp(name, "chatgpt", 7) == 0)
            m->provider = PROV_OPENAI;
        else if (strncmp(name, "claude", 6) == 0)
            m->provider = PROV_ANTHROPIC;
        else if (strncmp(name, "gemini", 6) == 0 || strncmp(name, "gemma", 5) == 0)
            m->provider = PROV_GEMINI;
        else {
            snprintf(err, errlen, "cannot tell the provider of '%s': write openai:%s, anthropic:..., gemini:... "
                     "or compat:%s=URL", spec, spec, spec);
            return -1;
        }
    }
    m->spec = strdup(spec);
    if (m->provider == PROV_COMPAT) {
        const char *eq = strchr(name, '=');
        if (!eq || eq == name || !eq[1]) {
            snprintf(err, errlen, "'%s': a compat model is written compat:MODEL=BASE_URL", spec);
            free(m->spec);
            return -1;
        }
        m->name = strndup(name, (size_t)(eq - name));
        m->base_url = strdup(eq + 1);
        if (m->base_url) {
            size_t n = strlen(m->base_url);
            while (n && m->base_url[n - 1] == '/')
                m->base_url[--n] = 0;
        }
        m->key_var = "COMPAT_API_KEY";
    } else {
        m->name = strdup(name);
        if (m->provider == PROV_OPENAI) {
            m->base_url = base_from("OPENAI_BASE_URL", "https://api.openai.com/v1");
            m->key_var = "OPENAI_API_KEY";
        } else if (m->provider == PROV_ANTHROPIC) {
            m->base_url = base_from("ANTHROPIC_BASE_URL", "https://api.anthropic.com");
            m->key_var = "ANTHROPIC_API_KEY";
        } else {
            m->base_url = base_from("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com");
            m->key_var = eval_env("GEMINI_API_KEY") || !eval_env("GOOGLE_API_KEY") ? "GEMINI_API_KEY"
                                                                                   : "GOOGLE_API_KEY";
        }
    }
    if (!m->spec || !m->name || !m->base_url || !*m->name) {
        snprintf(err, errlen, "'%s': no model name", spec);
        eval_model_free(m);
        return -1;
    }
    eval_model_price(m->name, &m->price_in, &m->price_out);
    return 0;
}

void eval_model_price(const char *name, double *in, double *out)
{
    size_t i;
    *in = *out = -1;
    for (i = 0; prices[i].prefix; i++)
        if (strncmp(name, prices[i].prefix, strlen(prices[i].prefix)) == 0) {
            *in = prices[i].in;
            *out = prices[i].out;
            return;
        }
}

void eval_request_url(const struct eval_model *m, char *out, size_t outlen)
{
    switch (m->provider) {
    case PROV_ANTHROPIC:
        snprintf(out, outlen, "%s/v1/messages", m->base_url);
        break;
    case PROV_GEMINI:
        snprintf(out, outlen, "%s/v1beta/models/%s:generateContent", m->base_url, m->name);
        break;
    default:
        snprintf(out, outlen, "%s/chat/completions", m->base_url);
    }
}

/* OpenAI's reasoning models (o1, o3, o4, gpt-5) refuse max_tokens and any
 * temperature but the default: they take max_completion_tokens, which also
 * covers their hidden reasoning (so they need a larger --max-tokens). */
static int openai_reasoning(const char *name)
{
    return (name[0] == 'o' && name[1] >= '1' && name[1] <= '9') || strncmp(name, "gpt-5", 5) == 0;
}

void eval_request_body(const struct eval_model *m, const struct eval_params *p, const char *prompt,
                       struct buf *out)
{
    char num[160];
    if (m->provider == PROV_GEMINI) {
        buf_adds(out, "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":");
        json_write_string(prompt, strlen(prompt), out);
        snprintf(num, sizeof num, "}]}],\"generationConfig\":{\"temperature\":%g,\"maxOutputTokens\":%d%s}}",
                 p->temperature, p->max_tokens,
                 /* 2.5 Flash thinks by default, which would spend the output cap; it can be
                  * turned off (Pro cannot: give Pro a larger --max-tokens) */
                 strncmp(m->name, "gemini-2.5-flash", 16) == 0 ? ",\"thinkingConfig\":{\"thinkingBudget\":0}" : "");
        buf_adds(out, num);
        return;
    }
    buf_adds(out, "{\"model\":");
    json_write_string(m->name, strlen(m->name), out);
    if (m->provider == PROV_OPENAI && openai_reasoning(m->name))
        snprintf(num, sizeof num, ",\"max_completion_tokens\":%d,", p->max_tokens);
    else
        snprintf(num, sizeof num, ",\"max_tokens\":%d,\"temperature\":%g,", p->max_tokens, p->temperature);
    buf_adds(out, num);
    buf_adds(out, "\"messages\":[{\"role\":\"user\",\"content\":");
    json_write_string(prompt, strlen(prompt), out);
    buf_adds(out, "}]}");
}

/* Appends the text of every {"type":"text","text":...} block (Anthropic)
 * or every part's "text" (Gemini) of the array a. Returns how many. */
static size_t join_texts(const struct json_value *a, int need_type, struct buf *out)
{
    size_t i, n = 0;
    if (!a || a->kind != JSON_ARRAY)
        return 0;
    for (i = 0; i < a->n; i++) {
        const struct json_value *t = json_get(&a->items[i], "text"), *ty = json_get(&a->items[i], "type");
        if (!t || t->kind != JSON_STRING)
            continue;
        if (need_type && (!ty || ty->kind != JSON_STRING || strcmp(ty->str, "text") != 0))
            continue;
        buf_add(out, t->str, t->str_len);
        n++;
    }
    return n;
}

char *eval_response_text(int provider, const char *body, size_t len, char *err, size_t errlen)
{
    struct json_error je;
    struct json_doc *d = json_parse(body, len, &je);
    const struct json_value *r, *v;
    struct buf out = {0};
    size_t found = 0;
    if (!d) {
        snprintf(err, errlen, "the response is not JSON (%s at line %zu)", je.msg, je.line);
        return NULL;
    }
    r = json_root(d);
    if (provider == PROV_ANTHROPIC) {
        found = join_texts(json_get(r, "content"), 1, &out);
    } else if (provider == PROV_GEMINI) {
        v = json_get(r, "candidates");
        if (v && v->kind == JSON_ARRAY && v->n)
            found = join_texts(json_get(json_get(&v->items[0], "content"), "parts"), 0, &out);
        if (!found && v && v->kind == JSON_ARRAY && v->n) {
            const struct json_value *fr = json_get(&v->items[0], "finishReason");
            snprintf(err, errlen, "no text in the response (finishReason %s)",
                     fr && fr->kind == JSON_STRING ? fr->str : "missing");
            goto fail;
        }
    } else {
        v = json_get(r, "choices");
        if (v && v->kind == JSON_ARRAY && v->n) {
            const struct json_value *c = json_get(json_get(&v->items[0], "message"), "content");
            if (c && c->kind == JSON_STRING) {
                buf_add(&out, c->str, c->str_len);
                found = 1;
            } else if (c && c->kind == JSON_NULL) {
                found = 1; /* an empty answer (e.g. a refusal field instead) */
            }
        }
    }
    if (!found) {
        snprintf(err, errlen, "no reply text in the %s response", provider_names[provider]);
        goto fail;
    }
    buf_addc(&out, 0);
    json_doc_free(d);
    if (out.oom) {
        snprintf(err, errlen, "out of memory");
        buf_free(&out);
        return NULL;
    }
    return out.p;
fail:
    json_doc_free(d);
    buf_free(&out);
    return NULL;
}

int eval_http_ask(const struct eval_model *m, const struct eval_http_opts *o, const char *body,
                  size_t body_len, char **reply, size_t *calls, char *err, size_t errlen)
{
    char url[2048], auth[1024];
    const char *key = eval_env(m->key_var), *headers[3] = {NULL, NULL, NULL};
    struct buf resp = {0};
    int rc;
    if (!key && m->provider != PROV_COMPAT) {
        snprintf(err, errlen, "%s is not set (environment or .env)", m->key_var);
        return -1;
    }
    eval_request_url(m, url, sizeof url);
    if (key && strlen(key) > sizeof auth - 64) {
        snprintf(err, errlen, "%s is too long", m->key_var);
        return -1;
    }
    if (m->provider == PROV_ANTHROPIC) {
        snprintf(auth, sizeof auth, "x-api-key: %s", key);
        headers[0] = auth;
        headers[1] = "anthropic-version: 2023-06-01";
    } else if (m->provider == PROV_GEMINI) {
        snprintf(auth, sizeof auth, "x-goog-api-key: %s", key);
        headers[0] = auth;
    } else if (key) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
        headers[0] = auth;
    }
    rc = eval_http_post(url, headers, o, body, body_len, &resp, calls, err, errlen);
    memset(auth, 0, sizeof auth);
    if (rc == 0) {
        *reply = eval_response_text(m->provider, resp.p ? resp.p : "", resp.len, err, errlen);
        if (!*reply)
            rc = -1;
    }
    buf_free(&resp);
    return rc;
}
