/* rewrite.c - the provider adapters: which strings of a request body are
 * compressed, at which level, and the body written back.
 *
 * A body is parsed into the library's lossless JSON model
 * (lib/common/json.h: numbers, escapes and key order as written), each
 * string that the route's adapter picks is compressed through the cache,
 * and the body is written back minified with those strings replaced and
 * every other value exactly as the client wrote it. This is the only file
 * of proxy/ that uses an internal header of the library.
 *
 * What each adapter picks (docs/proxy.md has the table):
 *   tool and function results           tool-level (safe), type auto
 *   earlier user and assistant text     user-level, assistant-level (balanced), prose
 *   system prompts, the newest turn     counted, never changed
 * Everything else (tool definitions, schemas, tool calls, images, audio,
 * files, thinking blocks, unknown fields) is written back as it came.
 *
 * Cache safety: a string's replacement depends only on the string, its
 * role's level, the tokenizer and the minimum size, never on its
 * neighbours (the context budget, off by default, is the one exception).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"
/* the named internal subset: the JSON model and its byte buffer */
#include "../lib/common/buf.h"  /* struct buf, buf_add, buf_take, buf_free */
#include "../lib/common/json.h" /* json_parse, json_get, json_write, json_write_string */

enum text_kind { KIND_KEEP, KIND_TOOL, KIND_USER, KIND_ASSISTANT };

#define MAX_TOKENIZERS 8

struct rewriter {
    const struct proxy_config *cfg;
    struct proxy_cache *cache;
    /* [tokenizer][level][0 prose, 1 auto] */
    terse_ctx *ctx[MAX_TOKENIZERS][4][2];
    const terse_tokenizer *tok[MAX_TOKENIZERS];
    size_t ntok;
};

struct edit {
    const struct json_value *v;
    char *text;
    size_t len;
};

/* An earlier text that the context budget may shorten. */
struct candidate {
    const struct json_value *v;
    size_t tokens; /* its tokens now (compressed or not) */
    int auto_type; /* a tool result: type auto, else prose */
};

struct job {
    struct rewriter *rw;
    size_t tok; /* index into rw->tok */
    struct edit *edits;
    size_t n_edits, cap_edits;
    struct candidate *cands;
    size_t n_cands, cap_cands;
    const struct json_value *query; /* the newest user text, for the budget */
    int in_newest;                  /* the adapter is in the newest turn */
    struct rewrite_stats *st;
    int failed;     /* a compression failed: fail open */
    char why[160];
    /* the cache keys' options by level (+1: PROXY_LEVEL_NONE first) and
     * auto type, made once per request ("" until then) */
    char opts[TERSE_LEVEL_MAX + 2][2][96];
};

struct rewriter *rewriter_new(const struct proxy_config *cfg, struct proxy_cache *cache)
{
    struct rewriter *rw = calloc(1, sizeof(*rw));
    const terse_tokenizer *t;
    size_t i;
    int lv, ty;
    if (!rw)
        return NULL;
    rw->cfg = cfg;
    rw->cache = cache;
    for (i = 0; (t = terse_tokenizer_at(i)) != NULL && i < MAX_TOKENIZERS; i++) {
        rw->tok[i] = t;
        for (lv = 0; lv < 4; lv++)
            for (ty = 0; ty < 2; ty++) {
                terse_options o;
                int status;
                terse_options_init(&o);
                o.level = lv;
                o.type = ty ? TERSE_TYPE_AUTO : TERSE_TYPE_PROSE;
                o.tokenizer = t;
                rw->ctx[i][lv][ty] = terse_ctx_new(&o, &status);
                if (!rw->ctx[i][lv][ty]) {
                    rw->ntok = i + 1;
                    rewriter_free(rw);
                    return NULL;
                }
            }
    }
    rw->ntok = i;
    return rw;
}

void rewriter_free(struct rewriter *rw)
{
    size_t i;
    int lv, ty;
    if (!rw)
        return;
    for (i = 0; i < rw->ntok; i++)
        for (lv = 0; lv < 4; lv++)
            for (ty = 0; ty < 2; ty++)
                terse_ctx_free(rw->ctx[i][lv][ty]);
    free(rw);
}

/* ---- routes ------------------------------------------------------------------ */

int proxy_route_of(const char *path, int *provider, char *model, size_t model_len)
{
    static const char gem[] = "/v1beta/models/", gem1[] = "/v1/models/";
    if (model_len)
        model[0] = '\0';
    *provider = PROVIDER_OTHER;
    if (strcmp(path, "/v1/chat/completions") == 0) {
        *provider = PROVIDER_OPENAI;
        return ROUTE_OPENAI_CHAT;
    }
    if (strcmp(path, "/v1/responses") == 0) {
        *provider = PROVIDER_OPENAI;
        return ROUTE_OPENAI_RESPONSES;
    }
    if (strcmp(path, "/v1/messages") == 0 || strcmp(path, "/v1/messages/count_tokens") == 0) {
        *provider = PROVIDER_ANTHROPIC;
        return ROUTE_ANTHROPIC_MESSAGES;
    }
    /* Gemini: /v1beta/models/M:method, or the stable /v1/models/M:method
     * (OpenAI's /v1/models/M has no colon) */
    if (strncmp(path, gem, sizeof(gem) - 1) == 0 ||
        (strncmp(path, gem1, sizeof(gem1) - 1) == 0 && strchr(path + sizeof(gem1) - 1, ':'))) {
        const char *m = path + (path[3] == 'b' ? sizeof(gem) - 1 : sizeof(gem1) - 1);
        const char *colon = strchr(m, ':');
        *provider = PROVIDER_GEMINI;
        if (colon && !memchr(m, '/', (size_t)(colon - m)) &&
            (strcmp(colon, ":generateContent") == 0 ||
             strcmp(colon, ":streamGenerateContent") == 0 || strcmp(colon, ":countTokens") == 0)) {
            size_t n = (size_t)(colon - m);
            if (n >= model_len)
                n = model_len ? model_len - 1 : 0;
            if (model_len) {
                memcpy(model, m, n);
                model[n] = '\0';
            }
            return ROUTE_GEMINI_CONTENTS;
        }
        return ROUTE_PASS;
    }
    if (strncmp(path, "/v1beta/", 8) == 0 || strncmp(path, "/upload/", 8) == 0)
        *provider = PROVIDER_GEMINI;
    return ROUTE_PASS;
}

/* ---- one text ------------------------------------------------------------------ */

static int add_edit(struct job *j, const struct json_value *v, char *text, size_t len)
{
    if (j->n_edits == j->cap_edits) {
        size_t nc = j->cap_edits ? j->cap_edits * 2 : 16;
        struct edit *ne = realloc(j->edits, nc * sizeof(*ne));
        if (!ne)
            return -1;
        j->edits = ne;
        j->cap_edits = nc;
    }
    j->edits[j->n_edits].v = v;
    j->edits[j->n_edits].text = text;
    j->edits[j->n_edits].len = len;
    j->n_edits++;
    return 0;
}

static void add_candidate(struct job *j, const struct json_value *v, size_t tokens, int auto_type)
{
    if (j->n_cands == j->cap_cands) {
        size_t nc = j->cap_cands ? j->cap_cands * 2 : 16;
        struct candidate *ne = realloc(j->cands, nc * sizeof(*ne));
        if (!ne) {
            j->failed = 1;
            snprintf(j->why, sizeof(j->why), "out of memory");
            return;
        }
        j->cands = ne;
        j->cap_cands = nc;
    }
    j->cands[j->n_cands].v = v;
    j->cands[j->n_cands].tokens = tokens;
    j->cands[j->n_cands].auto_type = auto_type;
    j->n_cands++;
}

static int level_of(const struct job *j, int kind)
{
    const struct proxy_config *c = j->rw->cfg;
    switch (kind) {
    case KIND_TOOL: return c->tool_level;
    case KIND_USER: return c->user_level;
    case KIND_ASSISTANT: return c->assistant_level;
    default: return PROXY_LEVEL_NONE;
    }
}

/* Counts or compresses the string v as a text of kind: through the cache,
 * adding an edit when the compressed form is shorter in tokens. */
static void consider(struct job *j, const struct json_value *v, int kind)
{
    struct rewriter *rw = j->rw;
    int level = level_of(j, kind);
    int auto_type = kind == KIND_TOOL;
    char *opts;
    struct cache_key key;
    struct cache_entry e;
    if (!v || v->kind != JSON_STRING || j->failed)
        return;
    j->st->texts++;
    if (level != PROXY_LEVEL_NONE && v->str_len < rw->cfg->min_size)
        level = PROXY_LEVEL_NONE;
    if (level < PROXY_LEVEL_NONE || level > TERSE_LEVEL_MAX) {
        j->failed = 1;
        snprintf(j->why, sizeof(j->why), "level %d out of range", level);
        return;
    }
    opts = j->opts[level + 1][auto_type];
    if (!opts[0])
        snprintf(opts, sizeof(j->opts[0][0]), "%s|%d|%d", terse_tokenizer_name(rw->tok[j->tok]), level,
                 auto_type);
    key = cache_key_of(v->str, v->str_len, opts);
    if (cache_get(rw->cache, key, &e)) {
        j->st->cache_hits++;
    } else if (level == PROXY_LEVEL_NONE) {
        memset(&e, 0, sizeof(e));
        if (terse_count(rw->tok[j->tok], v->str, v->str_len, 0, &e.tokens_in) != TERSE_OK) {
            j->failed = 1;
            snprintf(j->why, sizeof(j->why), "counting tokens failed");
            return;
        }
        e.tokens_out = e.tokens_in;
        cache_put(rw->cache, key, &e);
    } else {
        terse_result r;
        int status = terse_compress(rw->ctx[j->tok][level][auto_type], v->str, v->str_len, &r);
        if (status != TERSE_OK) {
            j->failed = 1;
            snprintf(j->why, sizeof(j->why), "compression failed: %s", terse_strerror(status));
            return;
        }
        memset(&e, 0, sizeof(e));
        e.tokens_in = e.tokens_out = r.tokens_in;
        if (r.tokens_out < r.tokens_in && (r.len != v->str_len || memcmp(r.text, v->str, r.len))) {
            e.text = r.text; /* taken from the result */
            e.len = r.len;
            e.tokens_out = r.tokens_out;
            r.text = NULL;
        }
        terse_result_free(&r);
        cache_put(rw->cache, key, &e);
    }
    j->st->tokens_before += e.tokens_in;
    j->st->tokens_after += e.tokens_out;
    if (e.text) {
        j->st->compressed++;
        if (add_edit(j, v, e.text, e.len) != 0) {
            free(e.text);
            j->failed = 1;
            snprintf(j->why, sizeof(j->why), "out of memory");
            return;
        }
    }
    if (kind != KIND_KEEP && !j->in_newest)
        add_candidate(j, v, e.tokens_out, auto_type);
}

static int str_is(const struct json_value *v, const char *s)
{
    return v && v->kind == JSON_STRING && strcmp(v->str, s) == 0;
}

/* Every string of v (a tool's structured result) as a tool result. */
static void consider_leaves(struct job *j, const struct json_value *v, int depth)
{
    size_t i;
    if (!v || depth > 64)
        return;
    if (v->kind == JSON_STRING)
        consider(j, v, KIND_TOOL);
    else if (v->kind == JSON_ARRAY || v->kind == JSON_OBJECT)
        for (i = 0; i < v->n; i++)
            consider_leaves(j, &v->items[i], depth + 1);
}

/* content: a string, or an array of parts whose text parts (type in
 * text_types, text in member "text") are considered as kind. */
static void consider_content(struct job *j, const struct json_value *content, int kind,
                             const char *const *text_types)
{
    size_t i, t;
    if (!content)
        return;
    if (content->kind == JSON_STRING) {
        consider(j, content, kind);
        return;
    }
    if (content->kind != JSON_ARRAY)
        return;
    for (i = 0; i < content->n; i++) {
        const struct json_value *part = &content->items[i], *type = json_get(part, "type");
        for (t = 0; text_types[t]; t++)
            if (str_is(type, text_types[t])) {
                consider(j, json_get(part, "text"), kind);
                break;
            }
    }
}

/* The first text of content (a string, or the first part of one of
 * text_types), or NULL: the newest user text, the budget's query. */
static const struct json_value *first_text(const struct json_value *content,
                                           const char *const *text_types)
{
    size_t i, t;
    if (!content)
        return NULL;
    if (content->kind == JSON_STRING)
        return content;
    if (content->kind != JSON_ARRAY)
        return NULL;
    for (i = 0; i < content->n; i++) {
        const struct json_value *part = &content->items[i], *type = json_get(part, "type");
        const struct json_value *text = json_get(part, "text");
        for (t = 0; text_types[t]; t++)
            if (str_is(type, text_types[t]) && text && text->kind == JSON_STRING)
                return text;
    }
    return NULL;
}

/* Whether a message's content has text written by the user (not only tool
 * results): a string, or a part of one of text_types. */
static int has_user_text(const struct json_value *content, const char *const *text_types)
{
    size_t i, t;
    if (!content)
        return 0;
    if (content->kind == JSON_STRING)
        return 1;
    if (content->kind != JSON_ARRAY)
        return 0;
    for (i = 0; i < content->n; i++) {
        const struct json_value *type = json_get(&content->items[i], "type");
        for (t = 0; text_types[t]; t++)
            if (str_is(type, text_types[t]))
                return 1;
    }
    return 0;
}

/* The kind of an earlier (or newest-turn) text of role. */
static int role_kind(const struct json_value *role, size_t i, size_t newest_user)
{
    if (i >= newest_user && newest_user != (size_t)-1)
        return KIND_KEEP; /* the newest turn is sent as written */
    if (str_is(role, "user"))
        return KIND_USER;
    if (str_is(role, "assistant") || str_is(role, "model"))
        return KIND_ASSISTANT;
    return KIND_KEEP;
}

/* ---- adapters ------------------------------------------------------------------ */

static const char *const openai_text[] = {"text", "input_text", "output_text", NULL};
static const char *const anthropic_text[] = {"text", NULL};

/* OpenAI chat completions: messages[] with roles system, developer, user,
 * assistant, tool, function. */
static void adapt_openai_chat(struct job *j, const struct json_value *root)
{
    const struct json_value *msgs = json_get(root, "messages");
    size_t i, newest = (size_t)-1;
    if (!msgs || msgs->kind != JSON_ARRAY)
        return;
    for (i = 0; i < msgs->n; i++)
        if (str_is(json_get(&msgs->items[i], "role"), "user"))
            newest = i;
    for (i = 0; i < msgs->n; i++) {
        const struct json_value *m = &msgs->items[i], *role = json_get(m, "role");
        const struct json_value *content = json_get(m, "content");
        j->in_newest = newest != (size_t)-1 && i >= newest;
        if (str_is(role, "tool") || str_is(role, "function"))
            consider_content(j, content, KIND_TOOL, openai_text);
        else
            consider_content(j, content, role_kind(role, i, newest), openai_text);
        if (i == newest)
            j->query = first_text(content, openai_text);
    }
}

/* OpenAI responses: instructions, and input as a string or a list of
 * items (messages, function_call_output, ...). */
static void adapt_openai_responses(struct job *j, const struct json_value *root)
{
    const struct json_value *input = json_get(root, "input");
    size_t i, newest = (size_t)-1;
    consider(j, json_get(root, "instructions"), KIND_KEEP);
    if (!input)
        return;
    if (input->kind == JSON_STRING) {
        consider(j, input, KIND_KEEP);
        j->query = input;
        return;
    }
    if (input->kind != JSON_ARRAY)
        return;
    for (i = 0; i < input->n; i++)
        if (str_is(json_get(&input->items[i], "role"), "user"))
            newest = i;
    for (i = 0; i < input->n; i++) {
        const struct json_value *it = &input->items[i], *type = json_get(it, "type");
        const struct json_value *role = json_get(it, "role");
        j->in_newest = newest != (size_t)-1 && i >= newest;
        if (str_is(type, "function_call_output") || str_is(type, "custom_tool_call_output")) {
            const struct json_value *out = json_get(it, "output");
            consider_content(j, out, KIND_TOOL, openai_text);
        } else if (role && (!type || str_is(type, "message"))) {
            const struct json_value *content = json_get(it, "content");
            consider_content(j, content, role_kind(role, i, newest), openai_text);
            if (i == newest)
                j->query = first_text(content, openai_text);
        }
    }
}

/* Anthropic messages (and count_tokens): system, and messages[] of user and
 * assistant with content blocks; tool_result blocks are tool results. */
static void adapt_anthropic(struct job *j, const struct json_value *root)
{
    const struct json_value *msgs = json_get(root, "messages");
    const struct json_value *sys = json_get(root, "system");
    size_t i, k, newest = (size_t)-1;
    consider_content(j, sys, KIND_KEEP, anthropic_text);
    if (!msgs || msgs->kind != JSON_ARRAY)
        return;
    for (i = 0; i < msgs->n; i++) {
        const struct json_value *m = &msgs->items[i];
        if (str_is(json_get(m, "role"), "user") &&
            has_user_text(json_get(m, "content"), anthropic_text))
            newest = i;
    }
    for (i = 0; i < msgs->n; i++) {
        const struct json_value *m = &msgs->items[i], *content = json_get(m, "content");
        int kind = role_kind(json_get(m, "role"), i, newest);
        j->in_newest = newest != (size_t)-1 && i >= newest;
        if (!content)
            continue;
        if (content->kind == JSON_STRING) {
            consider(j, content, kind);
            if (i == newest)
                j->query = content;
            continue;
        }
        if (content->kind != JSON_ARRAY)
            continue;
        for (k = 0; k < content->n; k++) {
            const struct json_value *b = &content->items[k], *type = json_get(b, "type");
            if (str_is(type, "text")) {
                consider(j, json_get(b, "text"), kind);
                if (i == newest && !j->query)
                    j->query = json_get(b, "text");
            } else if (str_is(type, "tool_result")) {
                consider_content(j, json_get(b, "content"), KIND_TOOL, anthropic_text);
            }
        }
    }
}

/* Gemini generateContent, streamGenerateContent and countTokens:
 * systemInstruction, and contents[] of user and model with parts; a
 * functionResponse's strings are tool results; parts with thoughts or
 * thought signatures are left as they are. */
static void adapt_gemini(struct job *j, const struct json_value *root)
{
    const struct json_value *gcr = json_get(root, "generateContentRequest");
    const struct json_value *contents, *sys;
    size_t i, k, newest = (size_t)-1;
    if (gcr && gcr->kind == JSON_OBJECT)
        root = gcr;
    contents = json_get(root, "contents");
    sys = json_get(root, "systemInstruction");
    if (!sys)
        sys = json_get(root, "system_instruction");
    if (sys) {
        const struct json_value *parts = json_get(sys, "parts");
        for (k = 0; parts && parts->kind == JSON_ARRAY && k < parts->n; k++)
            consider(j, json_get(&parts->items[k], "text"), KIND_KEEP);
    }
    if (!contents || contents->kind != JSON_ARRAY)
        return;
    for (i = 0; i < contents->n; i++) {
        const struct json_value *c = &contents->items[i], *parts = json_get(c, "parts");
        const struct json_value *role = json_get(c, "role");
        if (!(str_is(role, "user") || (!role && contents->n == 1)) || !parts ||
            parts->kind != JSON_ARRAY)
            continue;
        for (k = 0; k < parts->n; k++)
            if (json_get(&parts->items[k], "text"))
                newest = i;
    }
    for (i = 0; i < contents->n; i++) {
        const struct json_value *c = &contents->items[i], *parts = json_get(c, "parts");
        int kind = role_kind(json_get(c, "role"), i, newest);
        j->in_newest = newest != (size_t)-1 && i >= newest;
        if (!parts || parts->kind != JSON_ARRAY)
            continue;
        for (k = 0; k < parts->n; k++) {
            const struct json_value *p = &parts->items[k];
            const struct json_value *fr = json_get(p, "functionResponse");
            if (!fr)
                fr = json_get(p, "function_response");
            if (fr) {
                consider_leaves(j, json_get(fr, "response"), 0);
            } else if (json_get(p, "thought") || json_get(p, "thoughtSignature") ||
                       json_get(p, "thought_signature")) {
                consider(j, json_get(p, "text"), KIND_KEEP);
            } else {
                consider(j, json_get(p, "text"), kind);
                if (i == newest && !j->query)
                    j->query = json_get(p, "text");
            }
        }
    }
}

/* ---- the context budget -------------------------------------------------------- */

static struct edit *find_edit(struct job *j, const struct json_value *v);

/* Puts text (taken) in place of the string v, over any earlier edit. */
static int set_edit(struct job *j, const struct json_value *v, char *text, size_t len)
{
    struct edit *e = find_edit(j, v);
    if (e) {
        free(e->text);
        e->text = text;
        e->len = len;
        return 0;
    }
    if (add_edit(j, v, text, len) == 0)
        return 0;
    free(text);
    j->failed = 1;
    snprintf(j->why, sizeof(j->why), "out of memory");
    return -1;
}

/* Fits the earlier texts (everything before the newest turn) into what the
 * budget leaves after the system prompt and the newest turn: each text gets
 * a share in proportion to its tokens and is compressed to it at up to
 * `max`, with the newest user text as the query, so that terse keeps the
 * segments most relevant to the question and marks what it drops. A text
 * that cannot be fitted to its share becomes "[terse: N tokens elided]".
 * Messages are never removed, so tool calls keep their results. */
static void fit_budget(struct job *j)
{
    size_t budget = j->rw->cfg->budget, i, fixed, sum = 0, avail;
    for (i = 0; i < j->n_cands; i++)
        sum += j->cands[i].tokens;
    fixed = j->st->tokens_after - sum; /* system prompt, newest turn */
    avail = budget > fixed ? budget - fixed : 0;
    for (i = 0; i < j->n_cands && !j->failed; i++) {
        struct candidate *c = &j->cands[i];
        size_t share = (size_t)((double)c->tokens * (double)avail / (double)(sum ? sum : 1));
        size_t out_tokens;
        terse_options o;
        terse_result r;
        char *text = NULL;
        size_t text_len = 0;
        int status, pass;
        if (share >= c->tokens)
            continue; /* it fits its share as it is */
        terse_options_init(&o);
        o.level = TERSE_LEVEL_MAX;
        o.tokenizer = j->rw->tok[j->tok];
        if (j->query) {
            o.query = j->query->str;
            o.query_len = j->query->str_len;
        }
        o.budget = share ? share : 1;
        /* from the original text; a tool result as its type first (JSON
         * members), then as prose (its lines and sentences by relevance) */
        for (pass = c->auto_type ? 0 : 1; pass < 2; pass++) {
            terse_ctx *ctx;
            o.type = pass == 0 ? TERSE_TYPE_AUTO : TERSE_TYPE_PROSE;
            ctx = terse_ctx_new(&o, &status);
            if (!ctx) {
                j->failed = 1;
                snprintf(j->why, sizeof(j->why), "%s", terse_strerror(status));
                return;
            }
            status = terse_compress(ctx, c->v->str, c->v->str_len, &r);
            terse_ctx_free(ctx);
            if (status != TERSE_EBUDGET || pass == 1)
                break;
            terse_result_free(&r);
        }
        if (status == TERSE_OK && r.tokens_out < c->tokens) {
            text = r.text;
            text_len = r.len;
            out_tokens = r.tokens_out;
            r.text = NULL;
        } else if (status == TERSE_EBUDGET) {
            char marker[96];
            size_t mlen = (size_t)snprintf(marker, sizeof(marker), "[terse: %zu tokens elided]",
                                           c->tokens);
            if (terse_count(o.tokenizer, marker, mlen, 0, &out_tokens) == TERSE_OK &&
                out_tokens < c->tokens && (text = malloc(mlen + 1)) != NULL) {
                memcpy(text, marker, mlen + 1);
                text_len = mlen;
            }
        } else if (status != TERSE_OK) {
            j->failed = 1;
            snprintf(j->why, sizeof(j->why), "compression failed: %s", terse_strerror(status));
        }
        if (status == TERSE_OK || status == TERSE_EBUDGET)
            terse_result_free(&r);
        if (!text || j->failed) {
            free(text);
            continue;
        }
        if (set_edit(j, c->v, text, text_len) != 0)
            return;
        j->st->tokens_after -= c->tokens - out_tokens;
        j->st->elided_messages++;
        j->st->elided_tokens += c->tokens - out_tokens;
        c->tokens = out_tokens;
    }
}

/* ---- writing --------------------------------------------------------------------- */

static int edit_cmp(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v;
}

static struct edit *find_edit(struct job *j, const struct json_value *v)
{
    size_t i;
    for (i = 0; i < j->n_edits; i++)
        if (j->edits[i].v == v)
            return &j->edits[i];
    return NULL;
}

static const struct edit *lookup(const struct job *j, const struct json_value *v)
{
    size_t lo = 0, hi = j->n_edits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (j->edits[mid].v == v)
            return &j->edits[mid];
        if (j->edits[mid].v < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void write_value(const struct job *j, const struct json_value *v, struct buf *out)
{
    size_t k;
    if (v->kind == JSON_STRING) {
        const struct edit *e = lookup(j, v);
        if (e)
            json_write_string(e->text, e->len, out);
        else
            json_write(v, out);
    } else if (v->kind == JSON_ARRAY) {
        buf_addc(out, '[');
        for (k = 0; k < v->n; k++) {
            if (k)
                buf_addc(out, ',');
            write_value(j, &v->items[k], out);
        }
        buf_addc(out, ']');
    } else if (v->kind == JSON_OBJECT) {
        buf_addc(out, '{');
        for (k = 0; k < v->n; k++) {
            if (k)
                buf_addc(out, ',');
            json_write(&v->keys[k], out);
            buf_addc(out, ':');
            write_value(j, &v->items[k], out);
        }
        buf_addc(out, '}');
    } else {
        json_write(v, out);
    }
}

/* ---- the entry point ------------------------------------------------------------ */

/* Returns the offset of the first byte that is not valid UTF-8, or n.
 * ASCII is passed over 8 bytes at a time: this reads every request body. */
static size_t utf8_invalid_at(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len, k;
        unsigned cp;
        if (c < 0x80) {
            uint64_t w;
            i++;
            while (i + 8 <= n && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ULL)))
                i += 8;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            len = 2, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            len = 3, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            len = 4, cp = c & 0x07;
        else
            return i;
        if (i + len > n)
            return i;
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
            return i;
        i += len;
    }
    return n;
}

static const terse_tokenizer *default_tokenizer(int route)
{
    switch (route) {
    case ROUTE_ANTHROPIC_MESSAGES: return terse_tokenizer_find("claude");
    case ROUTE_GEMINI_CONTENTS: return terse_tokenizer_find("gemma3");
    default: return terse_tokenizer_find("o200k");
    }
}

int rewrite_request(struct rewriter *rw, int route, const char *model_hint, const char *body,
                    size_t len, char **out, size_t *out_len, struct rewrite_stats *st, char *err,
                    size_t err_len)
{
    struct json_error je;
    struct json_doc *doc;
    const struct json_value *root, *model;
    const terse_tokenizer *t = NULL;
    struct job j;
    size_t bad, i;
    int rc;
    memset(st, 0, sizeof(*st));
    *out = NULL;
    *out_len = 0;
    if (route == ROUTE_PASS)
        return 1;
    bad = utf8_invalid_at((const unsigned char *)body, len);
    if (bad < len) {
        snprintf(err, err_len, "the request body is not valid UTF-8 (byte %zu)", bad);
        return -1;
    }
    doc = json_parse(body, len, &je);
    if (!doc) {
        if (strstr(je.msg, "memory")) {
            snprintf(err, err_len, "out of memory parsing the request body");
            return -2;
        }
        snprintf(err, err_len, "the request body is not valid JSON: line %zu, column %zu: %s",
                 je.line, je.col, je.msg);
        return -1;
    }
    root = json_root(doc);
    if (root->kind != JSON_OBJECT) {
        json_doc_free(doc);
        snprintf(err, err_len, "the request body must be a JSON object");
        return -1;
    }
    model = json_get(root, "model");
    if (model && model->kind == JSON_STRING)
        snprintf(st->model, sizeof(st->model), "%s", model->str);
    else if (model_hint)
        snprintf(st->model, sizeof(st->model), "%s", model_hint);
    if (st->model[0])
        t = terse_tokenizer_find(st->model);
    if (!t)
        t = default_tokenizer(route);
    memset(&j, 0, sizeof(j));
    j.rw = rw;
    j.st = st;
    for (i = 0; i < rw->ntok; i++)
        if (rw->tok[i] == t)
            j.tok = i;
    switch (route) {
    case ROUTE_OPENAI_CHAT: adapt_openai_chat(&j, root); break;
    case ROUTE_OPENAI_RESPONSES: adapt_openai_responses(&j, root); break;
    case ROUTE_ANTHROPIC_MESSAGES: adapt_anthropic(&j, root); break;
    default: adapt_gemini(&j, root); break;
    }
    if (!j.failed && rw->cfg->budget && st->tokens_after > rw->cfg->budget)
        fit_budget(&j);
    rc = 1;
    if (j.failed) {
        snprintf(err, err_len, "%s", j.why);
        rc = -2;
    } else if (j.n_edits) {
        struct buf b = {0};
        qsort(j.edits, j.n_edits, sizeof(*j.edits), edit_cmp);
        write_value(&j, root, &b);
        if (b.oom) {
            buf_free(&b);
            snprintf(err, err_len, "out of memory writing the request body");
            rc = -2;
        } else {
            *out = buf_take(&b, out_len);
            rc = *out ? 0 : -2;
            if (!*out)
                snprintf(err, err_len, "out of memory writing the request body");
        }
    }
    for (i = 0; i < j.n_edits; i++)
        free(j.edits[i].text);
    free(j.edits);
    free(j.cands);
    json_doc_free(doc);
    return rc;
}
