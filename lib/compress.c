/* compress.c - the compression pipeline: detect -> segment -> passes ->
 * guard -> fit.
 *
 * The input (UTF-8 repaired, line endings normalized) is cut into blocks
 * (paragraphs, list items, headings, code fences, tables, JSON blocks) and
 * blocks into segments (sentences, or the whole block when it is not
 * prose). Each segment is compressed on its own at the chosen level, so a
 * segment's output never depends on the text after it (cache-safe), then
 * checked by the guards: a segment that loses a protected item is redone
 * one level lower, and one that would cost more tokens is left as it was.
 * With a budget, levels are tried from `exact` up; if none fits, the least
 * relevant segments are dropped, each run of them replaced by a marker.
 *
 * This file is that pipeline, step by step (compress_run; terse_compress
 * adds UTF-16 conversion and, with a budget, the search for the smallest
 * budget that can be met): normalize,
 * decide the type (decide_type), the lossless encodings (compress_lossless),
 * the pass the type calls for (compress_by_type), the never-longer check,
 * the result. The steps themselves live in lib/pipeline/ (document.c,
 * prose_doc.c, code_dispatch.c, score.c, fit.c, json_pass.c) and in the
 * passes; the chat and memory passes come back here only through the pass
 * context's piece callback (compress_piece).
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/utf8.h"
#include "detect/detect.h"
#include "detect/tool_shape.h"
#include "passes/chat.h"
#include "passes/code.h"
#include "passes/code_lang.h"
#include "passes/levels.h" /* level_get */
#include "passes/log.h"
#include "passes/memory.h"
#include "passes/pass.h"
#include "passes/tool.h"
#include "pipeline/budget.h"
#include "pipeline/code_dispatch.h"
#include "learn/features.h"
#include "learn/model.h"
#include "pipeline/document.h"
#include "pipeline/fit.h"
#include "pipeline/json_pass.h"
#include "pipeline/lossless.h"
#include "pipeline/prose_doc.h"
#include "pipeline/score.h"
#include "tokenize/tokenizer.h"
#include "terse.h"

struct terse_ctx {
    terse_options o;
    char *query;
    char *name, *lang; /* copies of the options' strings */
    struct word_model *model; /* max's word-importance model, or NULL */
};

static const char *const level_names[] = {"exact", "safe", "balanced", "max"};
static const char *const type_names[] = {"auto", "prose", "code", "json", "log", "memory", "chat", "tool"};

const char *terse_level_name(int level)
{
    return level >= 0 && level <= TERSE_LEVEL_MAX ? level_names[level] : NULL;
}

const char *terse_lang_name(size_t i)
{
    const struct code_lang *L = i < CODE_LANG_COUNT ? code_lang_get((int)i) : NULL;
    return L ? L->name : NULL;
}

int terse_lang_parse(const char *name)
{
    return name ? code_lang_parse(name, strlen(name)) : -1;
}

const char *terse_type_name(int type)
{
    return type >= 0 && type <= TERSE_TYPE_TOOL ? type_names[type] : NULL;
}

int terse_level_parse(const char *name)
{
    int i;
    for (i = 0; name && i <= TERSE_LEVEL_MAX; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

int terse_type_parse(const char *name)
{
    int i;
    for (i = 0; name && i <= TERSE_TYPE_TOOL; i++)
        if (strcmp(name, type_names[i]) == 0)
            return i;
    return -1;
}

void terse_options_init(terse_options *o)
{
    memset(o, 0, sizeof *o);
    o->level = TERSE_LEVEL_BALANCED;
    o->type = TERSE_TYPE_AUTO;
    o->tokenizer = terse_tokenizer_find("o200k");
}

terse_ctx *terse_ctx_new(const terse_options *o, int *status)
{
    terse_ctx *c;
    int dummy;
    if (!status)
        status = &dummy;
    if (!o || o->level < 0 || o->level > TERSE_LEVEL_MAX || o->type < 0 || o->type > TERSE_TYPE_TOOL ||
        (!o->query && o->query_len) || (o->lang && code_lang_parse(o->lang, strlen(o->lang)) == CODE_NONE) ||
        (o->rewrite && (o->budget || o->level == TERSE_LEVEL_EXACT))) {
        *status = TERSE_EINVAL;
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        *status = TERSE_ENOMEM;
        return NULL;
    }
    c->o = *o;
    if (!c->o.tokenizer)
        c->o.tokenizer = terse_tokenizer_find("o200k");
    if (o->query) {
        c->query = malloc(o->query_len + 1);
        if (!c->query) {
            free(c);
            *status = TERSE_ENOMEM;
            return NULL;
        }
        memcpy(c->query, o->query, o->query_len);
        c->query[o->query_len] = 0;
        c->o.query = c->query;
    }
    if ((o->name && !(c->name = strdup(o->name))) || (o->lang && !(c->lang = strdup(o->lang)))) {
        terse_ctx_free(c);
        *status = TERSE_ENOMEM;
        return NULL;
    }
    c->o.name = c->name;
    c->o.lang = c->lang;
    /* the word model: only max without a budget or a query uses it (see
     * compress_run); a model file given is checked in any case */
    c->o.word_model = NULL;
    c->o.word_model_len = 0;
    if (!o->word_model_off &&
        (o->word_model || (o->level == TERSE_LEVEL_MAX && !o->budget && !o->query_len))) {
        const char *why = NULL;
        c->model = o->word_model ? word_model_load(o->word_model, o->word_model_len, &why) : word_model_default(&why);
        if (!c->model) {
            *status = why && strcmp(why, "out of memory") == 0 ? TERSE_ENOMEM : TERSE_EINVAL;
            terse_ctx_free(c);
            return NULL;
        }
    }
    *status = TERSE_OK;
    return c;
}

void terse_ctx_free(terse_ctx *ctx)
{
    if (!ctx)
        return;
    free(ctx->query);
    free(ctx->name);
    free(ctx->lang);
    word_model_free(ctx->model);
    free(ctx);
}

static const char *const verdict_names[] = {"accepted", "failed", "utf8", "number", "negation",
                                            "name", "identifier", "novel", "longer"};

const char *terse_verdict_name(int verdict)
{
    return verdict >= 0 && verdict < TERSE_VERDICT_COUNT ? verdict_names[verdict] : NULL;
}

/* Whether the input needs normalize_input: invalid UTF-8, a CR or a
 * leading byte-order mark. Most text needs none and is then used in place,
 * so that compress does not hold the input twice. */
static int needs_normalizing(const char *text, size_t len)
{
    return (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) || memchr(text, '\r', len) != NULL ||
           utf8_first_invalid((const unsigned char *)text, len) < len;
}

/* The input with invalid UTF-8 repaired, CR LF and CR turned into LF and a
 * leading byte-order mark removed. */
static char *normalize_input(const char *text, size_t len, size_t *out_len)
{
    size_t rl = utf8_repaired_len((const unsigned char *)text, len), i, o = 0;
    char *r = malloc(rl + 1), *d;
    if (!r)
        return NULL;
    utf8_repair((const unsigned char *)text, len, (unsigned char *)r);
    d = r;
    i = (rl >= 3 && memcmp(r, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    while (i < rl) { /* from CR to CR: most text has none */
        const char *cr = memchr(r + i, '\r', rl - i);
        size_t e = cr ? (size_t)(cr - r) : rl;
        if (o != i)
            memmove(d + o, r + i, e - i);
        o += e - i;
        i = e;
        if (i < rl) {
            d[o++] = '\n';
            i += i + 1 < rl && r[i + 1] == '\n' ? 2 : 1;
        }
    }
    d[o] = 0;
    *out_len = o;
    return d;
}

/* The content type, all of the decision in one place: --type, or
 * detection (detect/detect.c), and code confirmed by --lang or the file
 * name, by multi-file headers, or by a parse when comments and docstrings
 * outweigh the code. *code_lang is the language of code (or CODE_NONE). */
static int decide_type(struct job *j, int *code_lang)
{
    const terse_options *o = j->o;
    const char *doc = j->doc;
    int type = o->type == TERSE_TYPE_AUTO ? detect_type_tool(doc, j->n, &j->parsed, &j->tool_kind) : o->type;
    int lang = CODE_NONE;
    if (o->type == TERSE_TYPE_AUTO && (lang = input_lang(j)) != CODE_NONE &&
        (lang != CODE_JSON || !(j->parsed || json_valid(doc, j->n))))
        type = TERSE_TYPE_CODE; /* the file name or --lang says which language */
    else if (type == TERSE_TYPE_CODE)
        lang = input_lang(j);
    else if (o->type == TERSE_TYPE_AUTO && type == TERSE_TYPE_PROSE && multi_file_code(j))
        type = TERSE_TYPE_CODE, lang = CODE_NONE; /* repomix-style files */
    else if (o->type == TERSE_TYPE_AUTO && type == TERSE_TYPE_PROSE && code_shaped(doc, j->n) &&
             (lang = code_lang_guess(doc, j->n)) != CODE_NONE && lang != CODE_JSON &&
             !code_split_files(doc, j->n, NULL, 0) && code_parses(doc, j->n, lang))
        type = TERSE_TYPE_CODE; /* comments and docstrings outweigh the code, but it parses */
    else
        lang = CODE_NONE;
    *code_lang = lang;
    return type;
}

/* The input through the pass its type calls for: chat, memory, code (of a
 * known language or multi-file), valid JSON, or else the document (prose;
 * logs and code of no known language as verbatim blocks), with or without
 * a budget. *type and *level become what was applied. Returns TERSE_OK,
 * TERSE_EBUDGET (*min_tokens set) or the failure's status. */
static int compress_by_type(struct job *j, const struct pass_ctx *pc, int code_lang, struct buf *out, int *type,
                            int *level, size_t *dropped, size_t *min_tokens, size_t *pass_segments)
{
    int rc;
    if (*type == TERSE_TYPE_CHAT) {
        struct chat_stats cs;
        rc = chat_compress(pc, j->doc, j->n, j->parsed, out, &cs, min_tokens);
        j->parsed = NULL; /* freed by the pass */
        *dropped = cs.dropped;
        j->duplicates = cs.repeats;
        *pass_segments = cs.segments;
    } else if (*type == TERSE_TYPE_MEMORY) {
        struct memory_stats ms;
        rc = memory_compress(pc, j->doc, j->n, j->parsed, out, &ms, min_tokens);
        j->parsed = NULL; /* freed by the pass */
        *dropped = ms.dropped;
        j->duplicates = ms.duplicates;
        *pass_segments = ms.entries;
    } else if (*type == TERSE_TYPE_CODE &&
               (code_lang != CODE_NONE || code_lang_guess(j->doc, j->n) != CODE_NONE ||
                code_split_files(j->doc, j->n, NULL, 0))) {
        rc = compress_code(j, code_lang, out, level, min_tokens);
        if (out->oom)
            rc = TERSE_ENOMEM;
    } else if (*type == TERSE_TYPE_JSON && (j->parsed || json_valid(j->doc, j->n))) {
        rc = compress_json(j, out, dropped, min_tokens);
        *level = TERSE_LEVEL_EXACT;
    } else {
        int verbatim;
        if (*type == TERSE_TYPE_JSON)
            *type = TERSE_TYPE_PROSE; /* not valid JSON: compressed as prose */
        verbatim = *type != TERSE_TYPE_PROSE;
        if (segment_prose(j, verbatim) != TERSE_OK)
            return j->status != TERSE_OK ? j->status : TERSE_ENOMEM;
        if (verbatim)
            *level = TERSE_LEVEL_EXACT;
        rc = j->o->budget ? fit_doc(j, level, verbatim, out, dropped, min_tokens)
                          : compress_doc(j, *level, out, dropped);
        if (out->oom)
            rc = TERSE_ENOMEM;
    }
    /* a failure recorded in the job (a count's, memory) is the cause */
    return j->status != TERSE_OK ? j->status : rc;
}

/* A piece's run (a chat message, a memory: the passes' piece callback)
 * shares its parent's counter and word index, and counts no tokens: the
 * parent counts the whole text once. */
struct parent {
    struct tok_counter *counter;
    const struct prose_env *env;
    int depth;
};

static int compress_input(const terse_ctx *ctx, const struct parent *parent, const char *text, size_t len,
                          terse_result *r);

/* The passes' piece callback (passes/pass.h): the piece through the whole
 * pipeline, one level deeper; past PASS_MAX_DEPTH as prose, which has no
 * pieces, so that nesting ends. */
static int compress_piece(const struct pass_ctx *pc, int type, int level, const char *s, size_t n, char **out,
                          size_t *out_len)
{
    terse_ctx c;
    terse_result r;
    struct parent p;
    int rc;
    p.counter = pc->counter;
    p.env = pc->env;
    p.depth = pc->depth + 1;
    memset(&c, 0, sizeof c);
    c.o = *pc->o;
    c.o.type = p.depth > PASS_MAX_DEPTH ? TERSE_TYPE_PROSE : type;
    c.o.level = level;
    c.o.budget = 0;
    c.o.query = NULL;
    c.o.query_len = 0;
    c.o.rewrite = NULL; /* the backend rewrites prose documents, not pieces */
    rc = compress_input(&c, &p, s, n, &r);
    if (rc == TERSE_OK) {
        *out = r.text;
        *out_len = r.len;
    }
    return rc;
}

/* The budget search's callback (pipeline/budget.h): the whole pipeline
 * with the context arg at budget. */
static int compress_at_budget(const void *arg, size_t budget, const char *text, size_t len, terse_result *r)
{
    terse_ctx c = *(const terse_ctx *)arg;
    c.o.budget = budget;
    return compress_input(&c, NULL, text, len, r);
}

/* One compression (compress_input), and with a budget the search
 * (pipeline/budget.c) that keeps the CLI's line break within it and, when
 * the budget cannot be met, finds the smallest one that can. */
int terse_compress(const terse_ctx *ctx, const char *text, size_t len, terse_result *r)
{
    struct tok_counter counter;
    int rc;
    if (!ctx || !ctx->o.budget)
        return compress_input(ctx, NULL, text, len, r);
    tok_counter_init(&counter, ctx->o.tokenizer);
    rc = budget_search(&ctx->o, &counter, compress_at_budget, ctx, text, len, r);
    tok_counter_free(&counter);
    return rc;
}

static int compress_run(const terse_ctx *ctx, const struct parent *parent, const char *text, size_t len,
                        terse_result *r);

/* UTF-16 with a byte-order mark is compressed as the UTF-8 it encodes (its
 * NUL bytes would otherwise be text); everything else as given. (A piece
 * goes through here too, as it went through terse_compress.) */
static int compress_input(const terse_ctx *ctx, const struct parent *parent, const char *text, size_t len,
                          terse_result *r)
{
    char *u8 = NULL;
    size_t u8_len = 0;
    int rc = text ? utf16_bom_to_utf8((const unsigned char *)text, len, &u8, &u8_len) : TERSE_OK;
    if (rc != TERSE_OK) {
        if (r)
            memset(r, 0, sizeof *r);
        return rc;
    }
    if (!u8)
        return compress_run(ctx, parent, text, len, r);
    rc = compress_run(ctx, parent, u8, u8_len, r);
    free(u8);
    return rc;
}

/* The job's figures into the result: duplicates, guard fallbacks, parse
 * errors and elided bodies (the job's and its segments'), and the
 * backend's chunks (which r takes over) and verdicts. */
static void put_figures(struct job *j, terse_result *r)
{
    size_t i;
    r->duplicates = j->duplicates;
    r->guard_fallbacks = j->fallbacks;
    r->parse_errors = j->parse_errors;
    r->elided = j->elided;
    r->chunks = j->chunks;
    r->n_chunks = j->n_chunks;
    j->chunks = NULL;
    r->rewritten = j->rewritten;
    memcpy(r->rejected, j->rejected, sizeof r->rejected);
    for (i = 0; i < j->n_segs; i++) {
        r->parse_errors += j->segs[i].parse_error;
        r->elided += j->segs[i].elided;
    }
}

/* Frees what the job of a call holds (not its normalized document). */
static void job_release(struct job *j)
{
    size_t i;
    for (i = 0; i < j->n_segs; i++) {
        free(j->segs[i].out);
        free(j->segs[i].full);
    }
    free(j->segs);
    free(j->chunks);
    free(j->blocks);
    prose_env_free(j->own_env);
    learn_doc_free(j->words);
    free(j->lex_in);
    free(j->ptoks);
    json_doc_free(j->parsed);
}

/* One call of the pipeline on text[0..len) (UTF-8 or anything else but
 * UTF-16): normalize, decide the type, the lossless encodings, the pass
 * the type calls for, the never-longer check, the result. parent is NULL
 * for the call itself, the caller's counter and word index for a piece. */
static int compress_run(const terse_ctx *ctx, const struct parent *parent, const char *text, size_t len,
                        terse_result *r)
{
    struct job j;
    struct pass_ctx pc;
    struct tok_counter counter;
    struct buf out = {0};
    size_t dropped = 0, min_tokens = 0, pass_segments = 0;
    int rc = TERSE_OK, type, level, tabular = 0, code_lang = CODE_NONE, escaped_log = 0;
    size_t tab_tokens = 0;
    char *doc;
    if (!r)
        return TERSE_EINVAL;
    memset(r, 0, sizeof *r);
    if (!ctx || (!text && len))
        return TERSE_EINVAL;
    if (!text)
        text = "";
    if (len > DOC_MAX)
        return TERSE_ETOOBIG; /* a segment's offsets are 32-bit */
    memset(&j, 0, sizeof j);
    j.tool_kind = -1;
    tok_counter_init(&counter, ctx->o.tokenizer);
    j.counter = parent ? parent->counter : &counter;
    j.o = &ctx->o;
    if (needs_normalizing(text, len)) {
        doc = normalize_input(text, len, &j.n);
        j.doc = doc;
    } else {
        doc = NULL; /* used in place */
        j.doc = text;
        j.n = len;
    }
    /* the prose word lists: made below, when a pass may need them (not for
     * the lossless encodings, which are all most tool output takes) */
    j.env = parent ? parent->env : NULL;
    if (!j.doc) {
        tok_counter_free(&counter);
        return TERSE_ENOMEM;
    }
    pc.o = &ctx->o;
    pc.counter = j.counter;
    pc.env = j.env;
    pc.piece = compress_piece;
    pc.depth = parent ? parent->depth : 0;
    if (!parent) {
        /* the counter keeps the input's lines, which the encodings that
         * write most lines as they were then count from memory; a piece
         * counts nothing (its caller counts) */
        size_t c = 0;
        r->tokens_in = tok_counter_keep(&counter, text, len, &c) == TERSE_OK ? c : len;
    }
    type = decide_type(&j, &code_lang);
    level = ctx->o.level;
    query_words(&j);
    rc = compress_lossless(&j, text, len, type, parent ? LOG_TOKENS_UNKNOWN : r->tokens_in, &level, &out, &tab_tokens, &dropped, &tabular,
                           &escaped_log);
    if (!tabular && rc == TERSE_OK && !j.env && !(j.env = j.own_env = prose_env_new()))
        rc = TERSE_ENOMEM;
    /* The word model, and the words of the document it asks what occurred
     * before: only for a call at max with neither a budget nor a query
     * (the pieces of such a call, chat messages, take it from the call's
     * word index). With a query it cost answers (the pieces of a call
     * compress without the call's query, so the call decides for them); a
     * budget may settle on balanced, whose chat pass runs older messages
     * through max's prose rules, and balanced stays the same with or
     * without a model (docs/model-format.md). */
    if (!tabular && rc == TERSE_OK &&
        ((ctx->model && ctx->o.level == TERSE_LEVEL_MAX && !ctx->o.budget && !ctx->o.query_len) ||
         prose_env_model(j.env)) &&
        (!(j.words = learn_doc_new(j.doc, j.n)) ||
         (j.own_env && prose_env_use_model(j.own_env, ctx->model) != TERSE_OK)))
        rc = TERSE_ENOMEM;
    pc.env = j.env;
    if (!tabular && rc == TERSE_OK)
        rc = compress_by_type(&j, &pc, code_lang, &out, &type, &level, &dropped, &min_tokens, &pass_segments);
    if (rc != TERSE_OK)
        goto done;
    r->tokens_out = parent ? 0 : tabular ? tab_tokens : count_tokens(&j, out.p ? out.p : "", out.len);
    if (r->tokens_out > r->tokens_in && !escaped_log &&
        (!ctx->o.budget || r->tokens_in <= ctx->o.budget)) {
        /* never more tokens than the input: give the input back (with
         * invalid UTF-8 repaired, which the count already assumed) */
        size_t rl = utf8_repaired_len((const unsigned char *)text, len);
        out.len = 0;
        if (buf_reserve(&out, rl) == 0) {
            out.len = utf8_repair((const unsigned char *)text, len, (unsigned char *)out.p);
        }
        r->tokens_out = r->tokens_in;
        level = TERSE_LEVEL_EXACT;
    }
    r->text = buf_take(&out, &r->len);
    if (!r->text) {
        rc = TERSE_ENOMEM;
        goto done;
    }
    r->level = level;
    r->type = type;
    r->segments = j.n_segs + pass_segments;
    r->segments_dropped = dropped;
    put_figures(&j, r);
done:
    if (rc != TERSE_OK) {
        buf_free(&out);
        r->min_tokens = min_tokens;
        r->text = NULL;
    }
    job_release(&j);
    free(doc);
    tok_counter_free(&counter);
    return rc;
}
