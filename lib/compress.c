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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/lex.h"
#include "common/seen.h"
#include "common/utf8.h"
#include "detect/detect.h"
#include "guard/guard.h"
#include "passes/code.h"
#include "passes/code_lang.h"
#include "passes/chat.h"
#include "passes/json.h"
#include "passes/memory.h"
#include "passes/piece.h"
#include "passes/log.h"
#include "passes/prose.h"
#include "passes/tabular.h"
#include "select/bm25.h"
#include "tokenize/tokenizer.h"
#include "terse.h"

#define MARKER "[…]"

struct terse_ctx {
    terse_options o;
    char *query;
    char *name, *lang; /* copies of the options' strings */
    const struct prose_env *env; /* compress_ctx_piece: shared, not owned */
};

static const char *const level_names[] = {"exact", "safe", "balanced", "max"};
static const char *const type_names[] = {"auto", "prose", "code", "json", "log", "memory", "chat"};

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
    return type >= 0 && type <= TERSE_TYPE_CHAT ? type_names[type] : NULL;
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
    for (i = 0; name && i <= TERSE_TYPE_CHAT; i++)
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
    if (!o || o->level < 0 || o->level > TERSE_LEVEL_MAX || o->type < 0 || o->type > TERSE_TYPE_CHAT ||
        (!o->query && o->query_len) || (o->lang && code_lang_parse(o->lang, strlen(o->lang)) == CODE_NONE)) {
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
    *status = TERSE_OK;
    return c;
}

/* See passes/piece.h. */
terse_ctx *compress_ctx_piece(const terse_options *o, const struct prose_env *env, int *status)
{
    terse_ctx *c = terse_ctx_new(o, status);
    if (c)
        c->env = env;
    return c;
}

void terse_ctx_free(terse_ctx *ctx)
{
    if (!ctx)
        return;
    free(ctx->query);
    free(ctx->name);
    free(ctx->lang);
    free(ctx);
}

void terse_result_free(terse_result *r)
{
    if (!r)
        return;
    free(r->text);
    r->text = NULL;
    r->len = 0;
}

/* ---- segments ------------------------------------------------------------- */

enum seg_kind { SEG_SENTENCE, SEG_HEADING, SEG_VERBATIM, SEG_RULE };
enum sep_kind { SEP_SPACE, SEP_LINE, SEP_PARA };

struct block {
    size_t prefix, prefix_len; /* list marker or heading hashes, in doc */
    const char *lit;           /* or a literal prefix ("## " for a setext heading) */
    uint8_t sep;               /* before the block: SEP_LINE or SEP_PARA */
};

struct seg {
    size_t start, end; /* the text, in doc */
    uint32_t block;
    uint8_t kind;
    uint8_t removed; /* duplicate or decoration: gone without a marker */
    uint8_t keep;    /* budget selection: 0 dropped, 1 kept (out), 2 kept (full) */
    uint8_t json;    /* verbatim JSON in prose: 1 a JSON block, 2 a ```json fence */
    char *out;       /* at the job's level */
    size_t out_len;
    size_t tokens;   /* of out, plus one for the separator */
    char *full;      /* with a budget: at `balanced` (or the level if lower), or NULL */
    size_t full_len, full_tokens;
    double score;
    uint64_t bag;    /* word bag of out, for near duplicates */
    uint8_t fence;   /* a fenced block (verbatim): its code goes through the code pass */
    uint8_t parse_error; /* the fence's code did not parse */
    size_t elided;   /* the fence's code: what max replaced by markers (code_stats) */
    size_t words;    /* words in out */
    /* its tokens, when its paragraph was lexed whole: ptoks[tok_first ..
     * tok_first + tok_n) of the job, offsets relative to tok_base in doc */
    size_t tok_first, tok_base;
    uint32_t tok_n;
};

struct job {
    const terse_ctx *ctx;
    const char *doc;
    size_t n;
    struct block *blocks;
    size_t n_blocks, cap_blocks;
    struct seg *segs;
    size_t n_segs, cap_segs;
    struct prose_query q;
    const struct prose_env *env;
    struct prose_env *own_env; /* built for the call, freed at its end */
    struct lex_tok *lex_in; /* scratch: tokens of a segment and of its output */
    size_t lex_cap;
    struct tok_counter *counter; /* every token count of the call */
    struct lex_tok *ptoks;  /* tokens of the paragraphs, lexed once (see seg) */
    size_t n_ptoks, cap_ptoks;
    const char *qwords[32];
    size_t qlens[32];
    char qbuf[512];
    size_t fallbacks, duplicates, parse_errors, elided;
    struct json_doc *parsed; /* the input as JSON, if detection parsed it */
    int oom;
};

static int add_block(struct job *j, size_t prefix, size_t prefix_len, int sep)
{
    if (j->n_blocks == j->cap_blocks) {
        size_t cap = j->cap_blocks ? j->cap_blocks * 2 : 64;
        struct block *b = realloc(j->blocks, cap * sizeof *b);
        if (!b) {
            j->oom = 1;
            return -1;
        }
        j->blocks = b;
        j->cap_blocks = cap;
    }
    j->blocks[j->n_blocks].prefix = prefix;
    j->blocks[j->n_blocks].prefix_len = prefix_len;
    j->blocks[j->n_blocks].lit = NULL;
    j->blocks[j->n_blocks].sep = (uint8_t)sep;
    j->n_blocks++;
    return 0;
}

static void add_seg(struct job *j, size_t start, size_t end, int kind)
{
    struct seg *g;
    if (j->oom)
        return;
    if (j->n_segs == j->cap_segs) {
        size_t cap = j->cap_segs ? j->cap_segs * 2 : 256;
        struct seg *p = realloc(j->segs, cap * sizeof *p);
        if (!p) {
            j->oom = 1;
            return;
        }
        j->segs = p;
        j->cap_segs = cap;
    }
    g = &j->segs[j->n_segs++];
    memset(g, 0, sizeof *g);
    g->start = start;
    g->end = end;
    g->kind = (uint8_t)kind;
    g->block = (uint32_t)(j->n_blocks - 1);
}

static void on_sentence(void *arg, size_t start, size_t end)
{
    struct job *j = arg;
    add_seg(j, j->blocks[j->n_blocks - 1].prefix_len ? start : start, end, SEG_SENTENCE);
}

/* The offset of each sentence is relative to the paragraph; this wrapper
 * shifts them into the document. */
struct para_ctx {
    struct job *j;
    size_t base;
    size_t first; /* the paragraph's first token in j->ptoks */
};

static void on_para_sentence(void *arg, size_t start, size_t end, size_t tok_first, size_t tok_end)
{
    struct para_ctx *p = arg;
    struct job *j = p->j;
    size_t n = j->n_segs;
    on_sentence(j, p->base + start, p->base + end);
    if (j->n_segs > n) {
        struct seg *g = &j->segs[n];
        g->tok_first = p->first + tok_first;
        g->tok_n = (uint32_t)(tok_end - tok_first);
        g->tok_base = p->base;
    }
}

/* Splits the paragraph doc[text .. end) into sentence segments, lexing it
 * once: the segments keep their tokens for compress_seg. */
static void add_paragraph(struct job *j, size_t text, size_t end)
{
    struct para_ctx pc;
    size_t n = end - text;
    if (j->n_ptoks + n > j->cap_ptoks) {
        size_t cap = j->cap_ptoks ? j->cap_ptoks : 4096;
        struct lex_tok *p;
        while (cap < j->n_ptoks + n)
            cap *= 2;
        p = realloc(j->ptoks, cap * sizeof *p);
        if (!p) {
            j->oom = 1;
            return;
        }
        j->ptoks = p;
        j->cap_ptoks = cap;
    }
    pc.j = j;
    pc.base = text;
    pc.first = j->n_ptoks;
    n = lex_text(j->doc + text, n, j->ptoks + j->n_ptoks);
    j->n_ptoks += n;
    prose_sentences_lexed(j->doc + text, j->ptoks + pc.first, n, on_para_sentence, &pc);
}

struct line {
    size_t start, end; /* without the newline */
    size_t indent;     /* leading spaces (tab = 4) */
    size_t text;       /* first non-blank byte */
    /* the longest closing fence line ("```", "~~~~", nothing else) of
     * backticks [0] and tildes [1] at this line or after it, 0 if none */
    uint32_t close_after[2];
};

static int is_blank(const struct line *l)
{
    return l->text == l->end;
}

/* A line shaped like a fence ("```", "~~~" and more at the start): the
 * length of its run of backticks or tildes, else 0. */
static size_t fence_run(const char *d, const struct line *l)
{
    size_t k = 0;
    char c = d[l->text];
    if (l->indent > 3 || (c != '`' && c != '~'))
        return 0;
    while (l->text + k < l->end && d[l->text + k] == c)
        k++;
    return k >= 3 ? k : 0;
}

/* Whether line l closes a fence of run characters c: a run at least as
 * long and nothing else. */
static int fence_closes(const char *d, const struct line *l, char c, size_t run)
{
    size_t k = fence_run(d, l);
    return k >= run && d[l->text] == c && l->text + k == l->end;
}

/* Whether lines[i] opens a fenced block. A line shaped like a fence counts
 * only with an info string ("```python") or a closing line after it, so
 * that a reStructuredText underline ("~~~~~" under a title) or a stray
 * "```" does not make the rest of the input verbatim; a run of tildes
 * alone right under a line of text is such an underline. */
static int is_fence(const char *d, const struct line *lines, size_t nl, size_t i)
{
    const struct line *l = &lines[i];
    size_t run = fence_run(d, l);
    char c = d[l->text];
    if (!run)
        return 0;
    if (l->text + run < l->end)
        return 1; /* an info string (trailing blanks are trimmed) */
    if (c == '~' && i > 0 && !is_blank(&lines[i - 1]) && !fence_run(d, &lines[i - 1]))
        return 0;
    return i + 1 < nl && lines[i + 1].close_after[c == '~'] >= run;
}

static size_t heading_len(const char *d, const struct line *l)
{
    size_t k = 0;
    if (l->indent > 3)
        return 0;
    while (l->text + k < l->end && d[l->text + k] == '#' && k < 7)
        k++;
    if (k == 0 || k > 6 || (l->text + k < l->end && d[l->text + k] != ' ' && d[l->text + k] != '\t'))
        return 0;
    return k;
}

static int is_rule(const char *d, const struct line *l)
{
    size_t i, count = 0;
    char c = d[l->text];
    if (l->indent > 3 || (c != '-' && c != '*' && c != '_'))
        return 0;
    for (i = l->text; i < l->end; i++) {
        if (d[i] == c)
            count++;
        else if (d[i] != ' ' && d[i] != '\t')
            return 0;
    }
    return count >= 3;
}

/* Length of a list marker ("- ", "* ", "+ ", "12. ", "3) ") at the line's
 * text, or 0. */
static size_t list_marker(const char *d, const struct line *l)
{
    size_t i = l->text;
    if (i + 1 < l->end && (d[i] == '-' || d[i] == '*' || d[i] == '+') && (d[i + 1] == ' ' || d[i + 1] == '\t'))
        return 2;
    while (i < l->end && i - l->text < 9 && d[i] >= '0' && d[i] <= '9')
        i++;
    if (i > l->text && i + 1 < l->end && (d[i] == '.' || d[i] == ')') && (d[i + 1] == ' ' || d[i + 1] == '\t'))
        return i - l->text + 2;
    return 0;
}

/* 1 for a line of '=' (3 or more), 2 for one of '-', 3 for one of '~' (a
 * reStructuredText underline), else 0: the underline of a setext heading
 * when it follows a line of text. */
static int setext_level(const char *d, const struct line *l)
{
    size_t i;
    char c;
    if (l->indent > 3 || l->end - l->text < 3)
        return 0;
    c = d[l->text];
    if (c != '=' && c != '-' && c != '~')
        return 0;
    for (i = l->text; i < l->end; i++)
        if (d[i] != c)
            return 0;
    return c == '=' ? 1 : c == '-' ? 2 : 3;
}

static int block_start(const char *d, const struct line *lines, size_t nl, size_t i)
{
    const struct line *l = &lines[i];
    return is_fence(d, lines, nl, i) || heading_len(d, l) || is_rule(d, l) || list_marker(d, l) ||
           d[l->text] == '|';
}

static const char *const setext_heading[] = {"", "# ", "## ", "### "};

/* Whether the n >= 2 lines of a paragraph are records (log lines, tool
 * output, an address) rather than prose wrapped at a width: some line
 * ends where the next line's first word would still have fitted in 3/4
 * of the paragraph's widest line, or some line after the first is
 * indented more than the first. Wrapped prose breaks a line only when the
 * next word does not fit, so its line breaks carry no meaning and are
 * joined; the line breaks of records are kept, at every level. */
static int line_structured(const char *d, const struct line *ls, size_t n)
{
    size_t q, width = 0;
    for (q = 0; q < n; q++)
        if (ls[q].end - ls[q].start > width)
            width = ls[q].end - ls[q].start;
    for (q = 0; q + 1 < n; q++) {
        const struct line *b = &ls[q + 1];
        size_t w = 0;
        while (b->text + w < b->end && d[b->text + w] != ' ' && d[b->text + w] != '\t')
            w++;
        if (b->indent > ls[0].indent || (ls[q].end - ls[q].start + 1 + w) * 4 <= width * 3)
            return 1;
    }
    return 0;
}

/* Cuts the document into blocks and segments. */
static int segment_prose(struct job *j, int verbatim_only)
{
    const char *d = j->doc;
    struct line *lines = NULL;
    size_t nl = 0, cap = 0, i = 0, blanks = 0;
    while (i <= j->n) {
        const char *nlp = i < j->n ? memchr(d + i, '\n', j->n - i) : NULL;
        size_t e = nlp ? (size_t)(nlp - d) : j->n, t = i, ind = 0;
        if (i == j->n && nl > 0)
            break;
        if (nl == cap) {
            struct line *p;
            cap = cap ? cap * 2 : 256;
            p = realloc(lines, cap * sizeof *p);
            if (!p) {
                free(lines);
                return -1;
            }
            lines = p;
        }
        while (t < e && (d[t] == ' ' || d[t] == '\t')) {
            ind += d[t] == '\t' ? 4 : 1;
            t++;
        }
        while (e > t && (d[e - 1] == ' ' || d[e - 1] == '\t'))
            e--;
        lines[nl].start = i;
        lines[nl].end = e;
        lines[nl].text = t;
        lines[nl].indent = ind;
        nl++;
        if (!nlp)
            break;
        i = (size_t)(nlp - d) + 1;
    }
    for (i = nl; i-- > 0;) {
        size_t run = fence_run(d, &lines[i]);
        int c;
        for (c = 0; c < 2; c++)
            lines[i].close_after[c] = i + 1 < nl ? lines[i + 1].close_after[c] : 0;
        if (run && lines[i].text + run == lines[i].end) {
            c = d[lines[i].text] == '~';
            if (run > lines[i].close_after[c])
                lines[i].close_after[c] = run < UINT32_MAX ? (uint32_t)run : UINT32_MAX;
        }
    }
    for (i = 0; i < nl && !j->oom;) {
        const struct line *l = &lines[i];
        int sep = j->n_blocks == 0 ? SEP_PARA : blanks ? SEP_PARA : SEP_LINE;
        size_t k, h, m;
        if (is_blank(l)) {
            blanks++;
            i++;
            continue;
        }
        blanks = 0;
        if (verbatim_only) {
            /* code and logs: blank-line separated blocks, kept verbatim */
            for (k = i; k < nl && !is_blank(&lines[k]); k++)
                ;
            add_block(j, 0, 0, sep);
            add_seg(j, l->start, lines[k - 1].end, SEG_VERBATIM);
            i = k;
            continue;
        }
        if (is_fence(d, lines, nl, i)) {
            size_t run = fence_run(d, l);
            for (k = i + 1; k < nl && !fence_closes(d, &lines[k], d[l->text], run); k++)
                ;
            if (k == nl)
                k = nl - 1;
            add_block(j, 0, 0, sep);
            add_seg(j, l->start, lines[k].end, SEG_VERBATIM);
            if (!j->oom) {
                j->segs[j->n_segs - 1].fence = 1;
                if (k > i && l->end - l->text >= 7 &&
                    (memcmp(d + l->text + 3, "json", 4) == 0 || memcmp(d + l->text + 3, "JSON", 4) == 0))
                    j->segs[j->n_segs - 1].json = 2;
            }
            i = k + 1;
            continue;
        }
        if (i + 1 < nl && !list_marker(d, l) && !block_start(d, lines, nl, i) && setext_level(d, &lines[i + 1])) {
            /* "Title" over "===", "---" or "~~~": a heading, written "# Title" */
            add_block(j, 0, 0, sep);
            if (!j->oom)
                j->blocks[j->n_blocks - 1].lit = setext_heading[setext_level(d, &lines[i + 1])];
            add_seg(j, l->text, l->end, SEG_HEADING);
            i += 2;
            continue;
        }
        if ((h = heading_len(d, l)) != 0) {
            size_t t = l->text + h;
            while (t < l->end && (d[t] == ' ' || d[t] == '\t'))
                t++;
            add_block(j, l->start, t - l->start, sep);
            add_seg(j, t, l->end, SEG_HEADING);
            i++;
            continue;
        }
        if (is_rule(d, l)) {
            add_block(j, 0, 0, sep);
            add_seg(j, l->start, l->end, SEG_RULE);
            i++;
            continue;
        }
        if (d[l->text] == '|' || (l->indent >= 4 && (i == 0 || is_blank(&lines[i - 1])))) {
            int table = d[l->text] == '|';
            for (k = i + 1; k < nl && !is_blank(&lines[k]) &&
                            (table ? d[lines[k].text] == '|' : lines[k].indent >= 4);
                 k++)
                ;
            add_block(j, 0, 0, sep);
            add_seg(j, l->start, lines[k - 1].end, SEG_VERBATIM);
            i = k;
            continue;
        }
        if ((d[l->text] == '{' || d[l->text] == '[')) {
            for (k = i + 1; k < nl && !is_blank(&lines[k]); k++)
                ;
            if (json_valid(d + l->start, lines[k - 1].end - l->start)) {
                add_block(j, 0, 0, sep);
                add_seg(j, l->start, lines[k - 1].end, SEG_VERBATIM);
                if (!j->oom)
                    j->segs[j->n_segs - 1].json = 1;
                i = k;
                continue;
            }
        }
        m = list_marker(d, l);
        /* a paragraph or a list item: lines up to a blank or a new block */
        for (k = i + 1; k < nl && !is_blank(&lines[k]) && !block_start(d, lines, nl, k); k++)
            ;
        if (!m && line_structured(d, lines + i, k - i)) {
            /* records, not wrapped prose: a block per line, its indent kept */
            size_t q;
            for (q = i; q < k; q++) {
                add_block(j, lines[q].start, lines[q].text - lines[q].start, q == i ? sep : SEP_LINE);
                add_paragraph(j, lines[q].text, lines[q].end);
            }
            i = k;
            continue;
        }
        {
            size_t text = m ? l->text + m : l->text;
            while (text < l->end && (d[text] == ' ' || d[text] == '\t'))
                text++;
            add_block(j, l->start, m ? text - l->start : 0, sep);
            if (lines[k - 1].end > text)
                add_paragraph(j, text, lines[k - 1].end);
            else
                add_seg(j, text, text, SEG_SENTENCE);
        }
        i = k;
    }
    free(lines);
    return j->oom ? -1 : 0;
}

/* ---- compressing segments --------------------------------------------------- */

/* Exact tokens of s[0..n) on the job's tokenizer, through the job's
 * counter: its piece cache, warmed by the input, serves the segments and
 * the output, which are made of the same words. */
static size_t count_tokens(const struct job *j, const char *s, size_t n)
{
    size_t c = 0;
    if (tok_counter_count(j->counter, s, n, &c) != TERSE_OK)
        return n; /* out of memory: a safe over-estimate */
    return c;
}

/* Makes the job's lexer scratch hold two texts of n bytes each (a segment
 * and its output). Returns 0, or -1 (and marks the job) when memory runs
 * out. */
static int lex_reserve(struct job *j, size_t n)
{
    size_t cap;
    struct lex_tok *p;
    if (n + 1 <= j->lex_cap)
        return 0;
    cap = (n + 1) * 2;
    p = realloc(j->lex_in, cap * 2 * sizeof *p);
    if (!p) {
        j->oom = 1;
        return -1;
    }
    j->lex_in = p;
    j->lex_cap = cap;
    return 0;
}

/* The tokens of segment g into t (room for its length): a copy of those
 * its paragraph was lexed into, shifted to the segment's start, or a new
 * lexing. Returns their number. */
static size_t seg_tokens(const struct job *j, const struct seg *g, struct lex_tok *t)
{
    size_t k, shift;
    if (!g->tok_n)
        return lex_text(j->doc + g->start, g->end - g->start, t);
    shift = g->start - g->tok_base;
    for (k = 0; k < g->tok_n; k++) {
        t[k] = j->ptoks[g->tok_first + k];
        t[k].start -= (uint32_t)shift;
    }
    t[0].flags &= (uint8_t) ~(LXF_SPACE | LXF_NL);
    return g->tok_n;
}

/* ---- code ------------------------------------------------------------------------ */

static int code_count(void *arg, const char *s, size_t n, size_t *c)
{
    const struct job *j = arg;
    return tok_counter_count(j->counter, s, n, c) == TERSE_OK ? 0 : -1;
}

static void code_options(struct job *j, int lang, int level, size_t budget, struct code_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lang = lang;
    o->level = level;
    o->query = j->ctx->o.query;
    o->query_len = j->ctx->o.query_len;
    o->budget = budget;
    o->count = code_count;
    o->count_arg = j;
}

/* What max replaced by markers in code, for terse_result.elided. */
static size_t code_elided(const struct code_stats *st)
{
    return st->bodies_elided + st->members_elided + st->values_elided;
}

/* The code pass's figures of the output kept, for terse_result. */
static void note_code_stats(struct job *j, const struct code_stats *st)
{
    j->parse_errors = st->parse_errors;
    j->elided = code_elided(st);
}

/* A fenced block src[0..n) (fence lines included) whose language is known
 * from its info string ("```python") or, without one, from its content:
 * writes the fences and the code pass's output into b and returns 1.
 * Returns 0 (b untouched) when the language is unknown. */
static int compress_fence(struct job *j, struct seg *g, const char *src, size_t n, int level, struct buf *b)
{
    const char *nl = memchr(src, '\n', n), *info;
    size_t c0, c1, close, il = 0;
    int lang;
    struct code_opts o;
    struct code_stats st;
    if (!nl)
        return 0;
    c0 = (size_t)(nl - src) + 1;
    info = src;
    while (info < nl && (*info == ' ' || *info == '`' || *info == '~'))
        info++;
    while (info + il < nl && info[il] != ' ' && info[il] != '\t' && info[il] != '{' && info[il] != ',')
        il++;
    /* the closing fence: the last line, when it is one */
    close = n;
    while (close > c0 && src[close - 1] != '\n')
        close--;
    if (close > c0 && (src[close] == '`' || src[close] == '~' || src[close] == ' ')) {
        c1 = close - 1;
    } else {
        c1 = n; /* not closed: the code runs to the end */
        close = n;
    }
    if (c1 < c0)
        return 0;
    lang = il ? code_lang_parse(info, il) : code_lang_guess(src + c0, c1 - c0);
    if (lang == CODE_NONE)
        return 0;
    memset(&st, 0, sizeof st);
    code_options(j, lang, level, 0, &o);
    buf_add(b, src, c0);
    if (code_compress(src + c0, c1 - c0, &o, b, &st) != CODE_OK) {
        b->oom = 1;
        return 1;
    }
    g->parse_error = st.parse_errors != 0;
    g->elided = code_elided(&st);
    if (close < n) {
        buf_addc(b, '\n');
        buf_add(b, src + close, n - close);
    }
    return 1;
}

/* The language of a whole code input: --lang, else the file name, else
 * the content; CODE_NONE when none is known. */
static int input_lang(const struct job *j)
{
    const terse_options *o = &j->ctx->o;
    int lang = CODE_NONE;
    if (o->lang)
        lang = code_lang_parse(o->lang, strlen(o->lang));
    if (lang == CODE_NONE && o->name)
        lang = code_lang_from_path(o->name, strlen(o->name));
    return lang;
}

/* 1 when the input is multi-file code: it has file headers
 * (code_split_files) and at least one names a file of a known language
 * (so "=== Summary ===" in a text does not make it code). */
static int multi_file_code(const struct job *j)
{
    size_t np = code_split_files(j->doc, j->n, NULL, 0), i;
    struct code_part *parts;
    int found = 0;
    if (!np || !(parts = malloc(np * sizeof *parts)))
        return 0;
    code_split_files(j->doc, j->n, parts, np);
    for (i = 0; i < np && !found; i++)
        found = code_lang_from_path(j->doc + parts[i].p0, parts[i].p1 - parts[i].p0) != CODE_NONE;
    free(parts);
    return found;
}

/* Compresses the whole code input at `level` into out: one file, or each
 * file of a multi-file input (code_split_files) with the language of its
 * path, headers kept. With a budget (max only) each file gets a share in
 * proportion to its size. Returns a CODE_* status. */
static int code_all(struct job *j, int lang, int level, size_t budget, struct buf *out, struct code_stats *st)
{
    struct code_part *parts;
    struct code_opts o;
    size_t np = code_split_files(j->doc, j->n, NULL, 0), i, at = 0;
    int rc = CODE_OK;
    if (np == 0) {
        if (lang == CODE_NONE)
            lang = code_lang_guess(j->doc, j->n);
        if (lang == CODE_NONE) {
            buf_add(out, j->doc, j->n);
            return CODE_OK;
        }
        code_options(j, lang, level, budget, &o);
        return code_compress(j->doc, j->n, &o, out, st);
    }
    parts = malloc(np * sizeof *parts);
    if (!parts)
        return CODE_ENOMEM;
    code_split_files(j->doc, j->n, parts, np);
    for (i = 0; i < np && rc != CODE_ENOMEM; i++) {
        const struct code_part *p = &parts[i];
        int fl = code_lang_from_path(j->doc + p->p0, p->p1 - p->p0);
        size_t b1 = p->b1;
        buf_add(out, j->doc + at, p->h1 - at); /* text before, and the header */
        while (b1 > p->b0 && (j->doc[b1 - 1] == '\n' || j->doc[b1 - 1] == ' ' || j->doc[b1 - 1] == '\t'))
            b1--;
        if (fl == CODE_NONE)
            fl = lang != CODE_NONE ? lang : code_lang_guess(j->doc + p->b0, b1 - p->b0);
        if (fl == CODE_NONE) {
            buf_add(out, j->doc + p->b0, b1 - p->b0);
        } else {
            int r;
            code_options(j, fl, level, budget ? budget * (b1 - p->b0) / (j->n ? j->n : 1) + 1 : 0, &o);
            r = code_compress(j->doc + p->b0, b1 - p->b0, &o, out, st);
            if (r != CODE_OK)
                rc = r;
        }
        if (b1 > p->b0)
            buf_addc(out, '\n');
        at = p->t1 > p->t0 ? p->t0 : p->b1;
    }
    buf_add(out, j->doc + at, j->n - at);
    free(parts);
    return rc;
}

/* The code branch of terse_compress: the input at the level asked; with a
 * budget the lowest level that fits, and at max the skeleton plus the most
 * relevant bodies. Returns a TERSE_* status; sets *level to the level used. */
static int compress_code(struct job *j, int lang, struct buf *out, int *level, size_t *min_tokens)
{
    struct code_stats st;
    size_t budget = j->ctx->o.budget, got = 0;
    int L, rc;
    memset(&st, 0, sizeof st);
    if (!budget) {
        rc = code_all(j, lang, *level, 0, out, &st);
        note_code_stats(j, &st);
        return rc == CODE_OK ? TERSE_OK : TERSE_ENOMEM;
    }
    for (L = TERSE_LEVEL_EXACT; L <= *level && L <= TERSE_LEVEL_BALANCED; L++) {
        memset(&st, 0, sizeof st);
        out->len = 0;
        if (code_all(j, lang, L, 0, out, &st) != CODE_OK || out->oom)
            return TERSE_ENOMEM;
        got = count_tokens(j, out->p ? out->p : "", out->len);
        note_code_stats(j, &st);
        if (got <= budget) {
            *level = L;
            return TERSE_OK;
        }
    }
    if (*level < TERSE_LEVEL_MAX) {
        *min_tokens = got;
        return TERSE_EBUDGET;
    }
    memset(&st, 0, sizeof st);
    out->len = 0;
    rc = code_all(j, lang, TERSE_LEVEL_MAX, budget, out, &st);
    if (rc == CODE_ENOMEM)
        return TERSE_ENOMEM;
    got = count_tokens(j, out->p ? out->p : "", out->len);
    if (rc == CODE_EBUDGET || got > budget) {
        /* the per-file shares missed: every body elided */
        memset(&st, 0, sizeof st);
        out->len = 0;
        if (code_all(j, lang, TERSE_LEVEL_MAX, 0, out, &st) != CODE_OK || out->oom)
            return TERSE_ENOMEM;
        got = count_tokens(j, out->p ? out->p : "", out->len);
        if (got > budget) {
            *min_tokens = got;
            return TERSE_EBUDGET;
        }
    }
    note_code_stats(j, &st);
    return TERSE_OK;
}

/* Whether text that detection calls prose is shaped like a source file,
 * so that it is worth a trial parse: at most 256 KiB (a parse of prose runs
 * tree-sitter's error recovery, about 1 MB/s), no line over 200 bytes and
 * lines of 100 bytes or fewer on average (prose paragraphs are long lines,
 * code lines are short). */
static int code_shaped(const char *s, size_t n)
{
    size_t i = 0, lines = 0;
    if (n > 256 * 1024)
        return 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        if (e - i > 200)
            return 0;
        lines++;
        i = e + 1;
    }
    return lines && n / lines <= 100;
}

/* A JSON block or ```json fence of a prose document at safe and up: its
 * tabular encoding (the fence lines kept) into b. Returns 0, or -1 when it
 * is not JSON or the encoding is not fewer tokens than the block. */
static int embedded_json(struct job *j, const struct seg *g, int level, struct buf *b)
{
    const char *src = j->doc + g->start, *body = src;
    size_t n = g->end - g->start, bn = n, head = 0, tokens = 0, before = 0;
    struct json_doc *d;
    struct tab_limits lim;
    if (g->json == 2) {
        /* between the opening fence line and the closing one */
        const char *nl1 = memchr(src, '\n', n), *last = src + n;
        while (last > src && last[-1] != '\n')
            last--;
        if (!nl1 || last <= nl1 + 1)
            return -1;
        head = (size_t)(nl1 + 1 - src);
        body = nl1 + 1;
        bn = (size_t)(last - body);
    }
    d = json_parse(body, bn, NULL);
    if (!d)
        return -1;
    memset(&lim, 0, sizeof lim);
    if (level >= TERSE_LEVEL_BALANCED) {
        lim.sample_rows = level == TERSE_LEVEL_MAX ? 10 : 30;
        lim.max_string = level == TERSE_LEVEL_MAX ? 200 : 1000;
    }
    buf_add(b, src, head);
    if (tab_encode(json_root(d), j->ctx->o.tokenizer, level >= TERSE_LEVEL_BALANCED ? &lim : NULL,
                   b, &tokens) != TERSE_OK) {
        json_doc_free(d);
        b->len = 0;
        return -1;
    }
    json_doc_free(d);
    if (head) {
        buf_addc(b, '\n');
        buf_add(b, body + bn, n - head - bn);
    }
    before = count_tokens(j, src, n);
    if (b->oom || count_tokens(j, b->p, b->len) >= before) {
        b->len = 0;
        b->oom = 0;
        return -1;
    }
    return 0;
}

/* Compresses segment g at `level` into g->out (replacing what was there). */
static void compress_seg(struct job *j, struct seg *g, int level)
{
    struct buf b = {0};
    const char *src = j->doc + g->start;
    size_t n = g->end - g->start;
    free(g->out);
    g->out = NULL;
    g->out_len = 0;
    if (g->kind == SEG_VERBATIM && g->json && level >= TERSE_LEVEL_SAFE &&
        embedded_json(j, g, level, &b) == 0) {
        /* JSON inside prose: the tabular encoding, which was shorter */
    } else if (g->kind == SEG_VERBATIM && g->fence && compress_fence(j, g, src, n, level, &b)) {
        /* done: code in a fence */
    } else if (g->kind == SEG_VERBATIM) {
        /* trailing blanks of each line carry no meaning */
        size_t i = 0;
        b.len = 0;
        while (i < n) {
            const char *nlp = memchr(src + i, '\n', n - i);
            size_t e = nlp ? (size_t)(nlp - src) : n, t = e;
            while (t > i && (src[t - 1] == ' ' || src[t - 1] == '\t'))
                t--;
            buf_add(&b, src + i, t - i);
            if (!nlp)
                break;
            buf_addc(&b, '\n');
            i = e + 1;
        }
    } else if (g->kind == SEG_RULE) {
        if (level == TERSE_LEVEL_EXACT)
            buf_add(&b, src, n);
    } else {
        int L;
        /* lexed once: the pass and the guard share the tokens */
        struct lex_tok *ti, *to;
        size_t ni, no = 0, k;
        if (lex_reserve(j, n) != 0) {
            buf_free(&b);
            return;
        }
        ti = j->lex_in;
        ni = seg_tokens(j, g, ti);
        for (L = level;; L--) {
            b.len = 0;
            prose_compress_lexed(src, n, ti, ni, L, j->q.n ? &j->q : NULL, j->env, &b);
            if (b.oom)
                break;
            if (b.len + 1 > j->lex_cap) {
                if (lex_reserve(j, b.len) != 0)
                    break;
                ti = j->lex_in;
                ni = seg_tokens(j, g, ti);
            }
            to = j->lex_in + j->lex_cap;
            no = lex_text(b.p ? b.p : "", b.len, to);
            if (L == TERSE_LEVEL_EXACT ||
                guard_check_lexed(src, n, ti, ni, b.p ? b.p : "", b.len, to, no, prose_common_word, NULL, NULL))
                break;
            j->fallbacks++;
        }
        to = j->lex_in + j->lex_cap;
        /* the word bag of the output, for near duplicates */
        g->bag = 0;
        g->words = 0;
        for (k = 0; k < no && !j->oom; k++) {
            if (to[k].kind == LX_PUNCT)
                continue;
            g->bag |= (uint64_t)1 << (terse_hash_bytes(b.p + to[k].start, to[k].len) & 63);
            g->words++;
        }
        /* a segment that would cost more tokens stays at exact; only
         * outputs that did not get shorter in bytes can have grown */
        if (L > TERSE_LEVEL_EXACT && !b.oom && b.len >= n) {
            struct buf e = {0};
            prose_compress(src, n, TERSE_LEVEL_EXACT, NULL, j->env, &e);
            if (b.len >= e.len && !e.oom &&
                count_tokens(j, b.p, b.len) > count_tokens(j, e.p ? e.p : "", e.len)) {
                buf_free(&b);
                b = e;
            } else {
                buf_free(&e);
            }
        }
    }
    if (b.oom) {
        j->oom = 1;
        buf_free(&b);
        return;
    }
    g->out = buf_take(&b, &g->out_len);
    if (!g->out)
        j->oom = 1;
}

/* Fraction (in tenths) of the words of b that also occur in a. */
static size_t overlap_tenths(const char *a, size_t na, const char *b, size_t nb)
{
    struct lex_tok ta[128], tb[128];
    size_t ka, kb, x, y, common = 0, words = 0;
    if (na > 128 || nb > 128)
        return 0;
    ka = lex_text(a, na, ta);
    kb = lex_text(b, nb, tb);
    for (x = 0; x < kb; x++) {
        if (tb[x].kind == LX_PUNCT)
            continue;
        words++;
        for (y = 0; y < ka; y++)
            if (ta[y].len == tb[x].len && memcmp(a + ta[y].start, b + tb[x].start, tb[x].len) == 0) {
                common++;
                break;
            }
    }
    return words ? common * 10 / words : 0;
}

/* Returns segment g compressed at `level` as a new text (its length in
 * *len), leaving g's own output, word bag and the job's fallback count as
 * they were: an alternative version for the budget. NULL without memory. */
static char *compress_alt(struct job *j, struct seg *g, int level, size_t *len)
{
    char *keep = g->out, *alt;
    size_t keep_len = g->out_len, keep_words = g->words, fallbacks = j->fallbacks;
    uint64_t keep_bag = g->bag;
    g->out = NULL;
    compress_seg(j, g, level);
    alt = g->out;
    *len = g->out_len;
    g->out = keep;
    g->out_len = keep_len;
    g->bag = keep_bag;
    g->words = keep_words;
    j->fallbacks = fallbacks; /* counted once, at the job's level */
    return alt;
}

/* Marks exact duplicate sentences (safe and up) and near duplicates
 * (balanced and up: nine tenths of the words shared both ways, and nothing
 * protected that the earlier one lacks). The first occurrence stays. */
#define NEAR_WINDOW 256
#define NEAR_CHECKS 16

/* seen_first's equality: two segments with the same output. */
static int same_out(const void *arg, size_t a, size_t b)
{
    const struct seg *x = &((const struct job *)arg)->segs[a], *y = &((const struct job *)arg)->segs[b];
    return x->out_len == y->out_len && memcmp(x->out, y->out, x->out_len) == 0;
}

static void mark_duplicates(struct job *j, int level)
{
    struct near {
        uint64_t bag;
        size_t seg, words;
    } near[NEAR_WINDOW];
    size_t i, k, n_near = 0, near_next = 0, lo, hi, checks;
    struct seen outs;
    if (seen_init(&outs, j->n_segs) != 0) {
        j->oom = 1;
        return;
    }
    for (i = 0; i < j->n_segs; i++) {
        struct seg *g = &j->segs[i];
        if (g->kind != SEG_SENTENCE || g->end - g->start < 20 || g->removed)
            continue;
        if (seen_first(&outs, terse_hash_bytes(g->out, g->out_len), i, same_out, j) != SEEN_NEW) {
            g->removed = 1;
            j->duplicates++;
            continue;
        }
        if (level < TERSE_LEVEL_BALANCED || g->words < 6)
            continue;
        /* near duplicates among the last NEAR_WINDOW candidates (none of
         * which is removed: only the current segment ever is): the word
         * bags (set by compress_seg) first, from a small ring that stays
         * in the processor's cache, with word counts within 10% of each
         * other (lo <= words <= hi); then the words themselves */
        lo = (g->words * 9 + 9) / 10;
        hi = g->words * 10 / 9;
        /* the most recent candidates first, and at most NEAR_CHECKS word
         * comparisons per segment: a long run of lines of one shape (a
         * test log) would otherwise cost NEAR_WINDOW comparisons a line */
        for (k = 0, checks = 0; k < n_near && checks < NEAR_CHECKS; k++) {
            const struct near *c = &near[(near_next + NEAR_WINDOW - 1 - k) % NEAR_WINDOW];
            const struct seg *e;
            if (c->words - lo > hi - lo || terse_popcount64(c->bag ^ g->bag) > 10 ||
                c->seg < (i > 256 ? i - 256 : 0))
                continue;
            checks++;
            e = &j->segs[c->seg];
            if (overlap_tenths(e->out, e->out_len, g->out, g->out_len) >= 9 &&
                overlap_tenths(g->out, g->out_len, e->out, e->out_len) >= 9 &&
                guard_check(j->doc + g->start, g->end - g->start, j->doc + e->start, e->end - e->start,
                            prose_common_word, NULL, NULL)) {
                g->removed = 1;
                j->duplicates++;
                break;
            }
        }
        if (!g->removed) {
            near[near_next].seg = i;
            near[near_next].bag = g->bag;
            near[near_next].words = g->words;
            near_next = (near_next + 1) % NEAR_WINDOW;
            if (n_near < NEAR_WINDOW)
                n_near++;
        }
    }
    seen_free(&outs);
}

/* Compresses the segments that have no output yet (new clauses). */
static void compress_missing(struct job *j, int level)
{
    size_t i;
    for (i = 0; i < j->n_segs && !j->oom; i++)
        if (!j->segs[i].out && !j->segs[i].removed)
            compress_seg(j, &j->segs[i], level);
}

static void compress_all(struct job *j, int level)
{
    size_t i;
    j->fallbacks = 0;
    j->duplicates = 0;
    for (i = 0; i < j->n_segs && !j->oom; i++) {
        j->segs[i].removed = 0;
        compress_seg(j, &j->segs[i], level);
        if (j->segs[i].kind == SEG_RULE && level > TERSE_LEVEL_EXACT)
            j->segs[i].removed = 1;
    }
    if (level >= TERSE_LEVEL_SAFE && !j->oom)
        mark_duplicates(j, level);
}

/* Cuts sentences into clauses (at commas, semicolons, colons and dashes
 * outside quotes and brackets) so that a tight budget can keep the relevant
 * part of a long sentence. Returns 0, or -1 when memory runs out. */
static int split_clauses(struct job *j, int only_dropped)
{
    struct seg *old = j->segs;
    size_t n_old = j->n_segs, i;
    struct lex_tok *t = NULL;
    size_t t_cap = 0;
    j->segs = NULL;
    j->n_segs = j->cap_segs = 0;
    for (i = 0; i < n_old && !j->oom; i++) {
        struct seg *g = &old[i];
        size_t n = g->end - g->start, k, nt, start = g->start, words = 0, depth = 0;
        if (only_dropped && (g->keep || g->removed)) {
            /* kept as it is, outputs and all */
            add_seg(j, g->start, g->end, g->kind);
            if (!j->oom) {
                j->segs[j->n_segs - 1] = *g;
                g->out = g->full = NULL;
            }
            continue;
        }
        if (g->kind != SEG_SENTENCE || n < 40) {
            add_seg(j, g->start, g->end, g->kind);
            if (!j->oom)
                j->segs[j->n_segs - 1].block = g->block;
            continue;
        }
        if (n > t_cap) {
            struct lex_tok *p = realloc(t, n * sizeof *t);
            if (!p) {
                j->oom = 1;
                break;
            }
            t = p;
            t_cap = n;
        }
        nt = lex_text(j->doc + g->start, n, t);
        for (k = 0; k < nt; k++) {
            const char *c = j->doc + g->start + t[k].start;
            if (t[k].kind == LX_PUNCT && (*c == '(' || *c == '['))
                depth++;
            else if (t[k].kind == LX_PUNCT && (*c == ')' || *c == ']') && depth)
                depth--;
            if (t[k].kind != LX_PUNCT)
                words++;
            if (t[k].kind == LX_PUNCT && depth == 0 && words >= 4 && k + 1 < nt &&
                (*c == ',' || *c == ';' || *c == ':' || (unsigned char)*c == 0xE2)) {
                size_t end = g->start + t[k].start + t[k].len;
                add_seg(j, start, end, SEG_SENTENCE);
                if (!j->oom)
                    j->segs[j->n_segs - 1].block = g->block;
                start = g->start + t[k + 1].start;
                words = 0;
            }
        }
        add_seg(j, start, g->end, SEG_SENTENCE);
        if (!j->oom)
            j->segs[j->n_segs - 1].block = g->block;
    }
    for (i = 0; i < n_old; i++) {
        free(old[i].out);
        free(old[i].full);
    }
    free(old);
    free(t);
    return j->oom ? -1 : 0;
}

/* Writes the kept segments in order, with their separators and block
 * prefixes; each run of segments dropped by the budget becomes MARKER. */
static void assemble(const struct job *j, int budget_mode, struct buf *b, size_t *dropped)
{
    size_t i;
    long last_block = -1;
    int in_gap = 0, any = 0;
    *dropped = 0;
    for (i = 0; i < j->n_segs; i++) {
        const struct seg *g = &j->segs[i];
        int sep;
        if (g->removed || (g->out_len == 0 && g->kind != SEG_VERBATIM && g->kind != SEG_HEADING))
            continue;
        if (budget_mode && !g->keep) {
            (*dropped)++;
            if (in_gap)
                continue;
        }
        sep = (long)g->block == last_block ? SEP_SPACE : j->blocks[g->block].sep;
        if (any)
            buf_adds(b, sep == SEP_SPACE ? " " : sep == SEP_LINE ? "\n" : "\n\n");
        if ((long)g->block != last_block && j->blocks[g->block].lit)
            buf_adds(b, j->blocks[g->block].lit);
        else if ((long)g->block != last_block && j->blocks[g->block].prefix_len)
            buf_add(b, j->doc + j->blocks[g->block].prefix, j->blocks[g->block].prefix_len);
        last_block = (long)g->block;
        any = 1;
        if (budget_mode && !g->keep) {
            buf_adds(b, MARKER);
            in_gap = 1;
            continue;
        }
        in_gap = 0;
        if (budget_mode && g->keep == 2)
            buf_add(b, g->full, g->full_len);
        else
            buf_add(b, g->out, g->out_len);
    }
}

/* Segment order for the budget: most relevant first, earlier on ties. */
struct ranked {
    double score;
    size_t index;
};

static int by_score(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Relevance of each segment: BM25 against the query, or without one the
 * position (headings, then the first sentence of each block, earlier
 * first). */
static int score_segments(struct job *j)
{
    size_t i;
    const char *q = j->ctx->o.query;
    if (q && j->ctx->o.query_len) {
        struct bm25_seg *bs = malloc((j->n_segs + 1) * sizeof *bs);
        double *sc = malloc((j->n_segs + 1) * sizeof *sc);
        if (!bs || !sc || !j->n_segs) {
            free(bs);
            free(sc);
            if (!j->n_segs)
                return 0;
            return -1;
        }
        for (i = 0; i < j->n_segs; i++) {
            bs[i].s = j->doc + j->segs[i].start;
            bs[i].n = j->segs[i].end - j->segs[i].start;
        }
        if (bm25_score(q, j->ctx->o.query_len, bs, j->n_segs, sc) != 0) {
            free(bs);
            free(sc);
            return -1;
        }
        /* what kind of answer the question asks for: a segment that has
         * one (a number for "when"/"how many", a name for "who"/"where")
         * weighs more; for "why", a segment that gives a cause ("because",
         * "due to", "root cause") is relevant even when it shares no word
         * with the question */
        {
            int want_num = 0, want_name = 0, want_cause = 0;
            double top = 0;
            struct lex_tok qt[64];
            size_t qn = j->ctx->o.query_len < 64 ? j->ctx->o.query_len : 64, k, m;
            while (qn < j->ctx->o.query_len && qn > 0 && ((unsigned char)q[qn] & 0xC0) == 0x80)
                qn--; /* cut at a character boundary */
            qn = lex_text(q, qn, qt);
            for (k = 0; k < qn; k++) {
                const char *w = q + qt[k].start;
                size_t L = qt[k].len;
                if (lex_word_is(w, L, "when") || lex_word_is(w, L, "year") || lex_word_is(w, L, "many") ||
                    lex_word_is(w, L, "much") || lex_word_is(w, L, "percentage") || lex_word_is(w, L, "century") ||
                    lex_word_is(w, L, "date") || lex_word_is(w, L, "long"))
                    want_num = 1;
                if (lex_word_is(w, L, "who") || lex_word_is(w, L, "whom") || lex_word_is(w, L, "whose") ||
                    lex_word_is(w, L, "where"))
                    want_name = 1;
                if (lex_word_is(w, L, "why") || lex_word_is(w, L, "reason") || lex_word_is(w, L, "cause"))
                    want_cause = 1;
            }
            for (i = 0; want_cause && i < j->n_segs; i++)
                if (sc[i] > top)
                    top = sc[i];
            for (i = 0; (want_num || want_name || want_cause) && i < j->n_segs; i++) {
                struct lex_tok *st;
                size_t n = j->segs[i].end - j->segs[i].start, nt;
                int has = 0;
                if (sc[i] <= 0 && !want_cause)
                    continue;
                if (!(st = malloc((n + 1) * sizeof *st))) {
                    free(bs);
                    free(sc);
                    return -1;
                }
                nt = lex_text(j->doc + j->segs[i].start, n, st);
                for (m = 0; m < nt && !has && sc[i] > 0; m++)
                    has = (want_num && st[m].kind == LX_NUMBER) ||
                          (want_name && m > 0 && st[m].kind == LX_WORD && (st[m].flags & LXF_CAP));
                if (has)
                    sc[i] *= 1.3;
                for (m = 0, has = 0; want_cause && m < nt && !has; m++) {
                    const char *w = j->doc + j->segs[i].start + st[m].start;
                    size_t L = st[m].len;
                    has = st[m].kind == LX_WORD &&
                          (lex_word_is(w, L, "because") || lex_word_is(w, L, "cause") ||
                           lex_word_is(w, L, "caused") || lex_word_is(w, L, "causes") ||
                           lex_word_is(w, L, "reason") || lex_word_is(w, L, "reasons") ||
                           (lex_word_is(w, L, "due") && m + 1 < nt &&
                            lex_word_is(j->doc + j->segs[i].start + st[m + 1].start, st[m + 1].len, "to")));
                }
                free(st);
                if (has)
                    sc[i] += 0.35 * top;
            }
        }
        /* a segment next to a relevant one (same block) shares some of its
         * relevance: answers sit beside the words of the question */
        for (i = 0; i < j->n_segs; i++) {
            double near = 0;
            if (i > 0 && j->segs[i - 1].block == j->segs[i].block)
                near += sc[i - 1];
            if (i + 1 < j->n_segs && j->segs[i + 1].block == j->segs[i].block)
                near += sc[i + 1];
            j->segs[i].score = sc[i] + 0.25 * near + (j->segs[i].kind == SEG_HEADING ? 0.5 : 0) +
                               1.0 / (double)(i + 10);
        }
        free(bs);
        free(sc);
        return 0;
    }
    for (i = 0; i < j->n_segs; i++) {
        const struct seg *g = &j->segs[i];
        int first = i == 0 || j->segs[i - 1].block != g->block;
        j->segs[i].score = (g->kind == SEG_HEADING ? 3.0 : 0) + (first ? 1.0 : 0) +
                           1.0 / (double)(i + 2);
    }
    return 0;
}

static size_t assembled_tokens(const struct job *j, int budget_mode, size_t *dropped, struct buf *b)
{
    b->len = 0;
    assemble(j, budget_mode, b, dropped);
    if (b->oom)
        return (size_t)-1;
    return count_tokens(j, b->p ? b->p : "", b->len);
}

/* Fits the budget by relevance. Segments are taken most relevant first:
 * each at `balanced` (its wording intact) if that fits, else at the job's
 * level (`max`: telegraphic), else not at all; each run of segments left
 * out becomes one marker. The estimate is checked by exact counts, and
 * what is left of the budget is filled the same way. Returns TERSE_OK,
 * TERSE_EBUDGET when nothing fits, or TERSE_ENOMEM. */
static int fit_budget(struct job *j, struct buf *b, size_t *dropped, size_t *min_tokens, int preserve)
{
    size_t budget = j->ctx->o.budget, i, used = 0, kept = 0, marker, total = 0;
    struct ranked *order;
    int full_level = j->ctx->o.level < TERSE_LEVEL_BALANCED ? j->ctx->o.level : TERSE_LEVEL_BALANCED;
    if (score_segments(j) != 0)
        return TERSE_ENOMEM;
    order = malloc((j->n_segs + 1) * sizeof *order);
    if (!order)
        return TERSE_ENOMEM;
    marker = count_tokens(j, " " MARKER, strlen(" " MARKER));
    if (preserve) {
        used = assembled_tokens(j, 1, dropped, b);
        if (used == (size_t)-1) {
            free(order);
            return TERSE_ENOMEM;
        }
    }
    /* coverage or precision: when the budget holds most of the text at
     * the job's level, more segments (telegraphic) serve better than fewer
     * ones in full; when it is tight, the most relevant ones go in full */
    {
        size_t all = 0;
        for (i = 0; i < j->n_segs; i++)
            if (!j->segs[i].removed && j->segs[i].out_len && !(preserve && j->segs[i].keep))
                all += count_tokens(j, j->segs[i].out, j->segs[i].out_len) + 1;
        if (budget * 10 >= all * 4)
            full_level = j->ctx->o.level; /* no fuller versions */
    }
    for (i = 0; i < j->n_segs; i++) {
        struct seg *g = &j->segs[i];
        order[i].score = g->score;
        order[i].index = i;
        if (preserve && g->keep) {
            kept++;
            continue;
        }
        g->keep = 0;
        g->tokens = g->removed ? 0 : count_tokens(j, g->out, g->out_len) + 1;
        free(g->full);
        g->full = NULL;
        g->full_tokens = (size_t)-1;
        if (!g->removed && g->out_len && j->ctx->o.level > full_level &&
            (g->kind == SEG_SENTENCE || g->kind == SEG_HEADING)) {
            g->full = compress_alt(j, g, full_level, &g->full_len);
            if (!g->full) {
                free(order);
                return TERSE_ENOMEM;
            }
            g->full_tokens = count_tokens(j, g->full, g->full_len) + 1;
        }
    }
    qsort(order, j->n_segs, sizeof *order, by_score);
    /* the two most relevant segments keep even more of their wording
     * (`safe`) when that costs little of the budget (a long document under
     * a tight budget): they most likely hold what the query asks */
    for (i = 0; i < j->n_segs && i < 2 && !preserve && full_level > TERSE_LEVEL_SAFE; i++) {
        struct seg *g = &j->segs[order[i].index];
        size_t safe_len, t;
        char *safe;
        if (!g->full || g->score <= 0)
            continue;
        safe = compress_alt(j, g, TERSE_LEVEL_SAFE, &safe_len);
        if (!safe) {
            free(order);
            return TERSE_ENOMEM;
        }
        t = count_tokens(j, safe, safe_len) + 1;
        if (t * 100 <= budget * 15) {
            /* cheap against the budget (a long document): worth it */
            free(g->full);
            g->full = safe;
            g->full_len = safe_len;
            g->full_tokens = t;
        } else {
            free(safe);
        }
    }
    for (i = 0; i < j->n_segs; i++) {
        struct seg *g = &j->segs[order[i].index];
        if (g->removed || g->out_len == 0 || g->keep)
            continue;
        if (g->full && used + g->full_tokens + marker <= budget) {
            g->keep = 2;
            used += g->full_tokens + marker;
            kept++;
        } else if (used + g->tokens + marker <= budget) {
            g->keep = 1;
            used += g->tokens + marker;
            kept++;
        }
    }
    for (;;) {
        total = assembled_tokens(j, 1, dropped, b);
        if (total == (size_t)-1) {
            free(order);
            return TERSE_ENOMEM;
        }
        if (total <= budget && kept > 0)
            break;
        if (kept == 0) {
            /* not even the most relevant segment fits: say what would */
            for (i = 0; i < j->n_segs; i++) {
                struct seg *g = &j->segs[order[i].index];
                if (!g->removed && g->out_len) {
                    g->keep = 1;
                    *min_tokens = assembled_tokens(j, 1, dropped, b);
                    g->keep = 0;
                    break;
                }
            }
            free(order);
            return TERSE_EBUDGET;
        }
        /* over by the estimate's error: shorten or drop the least relevant */
        for (i = j->n_segs; i-- > 0;) {
            struct seg *g = &j->segs[order[i].index];
            if (g->keep == 2) {
                g->keep = 1;
                break;
            }
            if (g->keep == 1) {
                g->keep = 0;
                kept--;
                break;
            }
        }
    }
    /* the estimate charged a marker per segment: use what is left, most
     * relevant first, checking each addition with an exact count */
    for (i = 0; i < j->n_segs && total < budget; i++) {
        struct seg *g = &j->segs[order[i].index];
        int want;
        for (want = 2; want >= 1; want--) {
            size_t t2, cost = want == 2 ? g->full_tokens : g->tokens;
            if (g->keep >= want || g->removed || g->out_len == 0 || (want == 2 && !g->full))
                continue;
            if (cost > budget - total + marker + (g->keep == 1 ? g->tokens : 0))
                continue;
            {
                uint8_t was = g->keep;
                g->keep = (uint8_t)want;
                t2 = assembled_tokens(j, 1, dropped, b);
                if (t2 == (size_t)-1) {
                    free(order);
                    return TERSE_ENOMEM;
                }
                if (t2 <= budget) {
                    total = t2;
                    break;
                }
                g->keep = was;
            }
        }
    }
    assembled_tokens(j, 1, dropped, b);
    free(order);
    return b->oom ? TERSE_ENOMEM : TERSE_OK;
}

/* ---- JSON ---------------------------------------------------------------------- */

/* Writes the container with the kept members and one marker member for
 * the others; returns its token count. */
static size_t json_assemble(struct job *j, size_t n, int is_object, struct buf *out, size_t *dropped)
{
    char note[96];
    size_t d = 0, k;
    int first = 1;
    out->len = 0;
    buf_addc(out, is_object ? '{' : '[');
    for (k = 0; k < n; k++) {
        if (!j->segs[k].keep) {
            d++;
            continue;
        }
        if (!first)
            buf_addc(out, ',');
        buf_add(out, j->segs[k].out, j->segs[k].out_len);
        first = 0;
    }
    if (d) {
        if (is_object)
            snprintf(note, sizeof note, "%s\"…\":\"%zu of %zu entries omitted\"", first ? "" : ",", d, n);
        else
            snprintf(note, sizeof note, "%s\"… %zu of %zu items omitted\"", first ? "" : ",", d, n);
        buf_adds(out, note);
    }
    buf_addc(out, is_object ? '}' : ']');
    *dropped = d;
    if (out->oom)
        return (size_t)-1;
    return count_tokens(j, out->p, out->len);
}

/* Minified JSON; with a budget, the least relevant top-level members go,
 * replaced by one marker member that says how many. */
static int compress_json(struct job *j, struct buf *out, size_t *dropped, size_t *min_tokens)
{
    size_t n = 0, i, cap, budget = j->ctx->o.budget, kept, total;
    size_t *st, *en;
    int is_object = 0, rc = TERSE_OK;
    struct buf b = {0};
    json_minify(j->doc, j->n, out);
    if (out->oom)
        return TERSE_ENOMEM;
    if (!budget || count_tokens(j, out->p ? out->p : "", out->len) <= budget)
        return TERSE_OK;
    cap = j->n / 2 + 2;
    st = malloc(cap * sizeof *st);
    en = malloc(cap * sizeof *en);
    if (!st || !en) {
        free(st);
        free(en);
        return TERSE_ENOMEM;
    }
    n = json_members(j->doc, j->n, st, en, cap, &is_object);
    if (n == 0) {
        free(st);
        free(en);
        *min_tokens = count_tokens(j, out->p ? out->p : "", out->len);
        return TERSE_EBUDGET;
    }
    /* members become segments, compressed (minified) on their own */
    for (i = 0; i < n; i++) {
        add_block(j, 0, 0, SEP_SPACE);
        add_seg(j, st[i], en[i], SEG_VERBATIM);
    }
    free(st);
    free(en);
    if (j->oom)
        return TERSE_ENOMEM;
    for (i = 0; i < j->n_segs; i++) {
        struct seg *g = &j->segs[i];
        b.len = 0;
        json_minify(j->doc + g->start, g->end - g->start, &b);
        g->out = malloc(b.len + 1);
        if (!g->out || b.oom) {
            buf_free(&b);
            return TERSE_ENOMEM;
        }
        memcpy(g->out, b.p ? b.p : "", b.len);
        g->out_len = b.len;
        g->tokens = count_tokens(j, g->out, g->out_len) + 1;
    }
    buf_free(&b);
    if (score_segments(j) != 0)
        return TERSE_ENOMEM;
    {
        struct ranked *order = malloc((n + 1) * sizeof *order);
        size_t used, tries = 0, k;
        int probing = 0, filling = 0;
        if (!order)
            return TERSE_ENOMEM;
        for (i = 0; i < n; i++) {
            order[i].score = j->segs[i].score;
            order[i].index = i;
        }
        qsort(order, n, sizeof *order, by_score);
        used = json_assemble(j, n, is_object, out, dropped);
        kept = 0;
        for (i = 0; i < n; i++) {
            struct seg *g = &j->segs[order[i].index];
            if (i < 8) {
                /* the most relevant members by exact count: an estimate
                 * must not let a lesser one take their place */
                size_t t2;
                g->keep = 1;
                t2 = json_assemble(j, n, is_object, out, dropped);
                if (t2 <= budget) {
                    used = t2;
                    kept++;
                } else {
                    g->keep = 0;
                }
            } else if (used + g->tokens <= budget) {
                g->keep = 1;
                used += g->tokens;
                kept++;
            }
        }
        for (k = 0;;) {
            if (out->oom) {
                rc = TERSE_ENOMEM;
                break;
            }
            total = json_assemble(j, n, is_object, out, dropped);
            if (probing) {
                /* the output with only the most relevant member */
                *min_tokens = total;
                rc = TERSE_EBUDGET;
                break;
            }
            if (filling) {
                /* keep the tried member only if the exact count allows */
                if (total > budget)
                    j->segs[order[k - 1].index].keep = 0;
                while (k < n && (j->segs[order[k].index].keep || j->segs[order[k].index].tokens > budget))
                    k++;
                if (k >= n || ++tries > 64) {
                    total = json_assemble(j, n, is_object, out, dropped);
                    break;
                }
                j->segs[order[k++].index].keep = 1;
                continue;
            }
            if (total <= budget && kept > 0) {
                filling = 1; /* the estimate was cautious: try more */
                k = 0;
                while (k < n && j->segs[order[k].index].keep)
                    k++;
                if (k >= n)
                    break;
                j->segs[order[k++].index].keep = 1;
                continue;
            }
            if (kept == 0) {
                j->segs[order[0].index].keep = 1;
                probing = 1;
                continue;
            }
            for (i = n; i-- > 0;)
                if (j->segs[order[i].index].keep) {
                    j->segs[order[i].index].keep = 0;
                    kept--;
                    break;
                }
        }
        free(order);
    }
    return rc;
}

/* ---- the entry point ----------------------------------------------------------- */

/* Lower-case query words (not stop words), which `max` keeps. */
static void query_words(struct job *j)
{
    struct lex_tok toks[64];
    const char *q = j->ctx->o.query;
    size_t n, i, used = 0, len = j->ctx->o.query_len;
    if (!q || !len)
        return;
    if (len > 64)
        len = 64;
    while (len < j->ctx->o.query_len && len > 0 && ((unsigned char)q[len] & 0xC0) == 0x80)
        len--;
    n = lex_text(q, len, toks);
    for (i = 0; i < n && j->q.n < 32; i++) {
        size_t k, L = toks[i].len;
        if (toks[i].kind != LX_WORD || used + L + 1 > sizeof j->qbuf ||
            prose_is_stop_word(q + toks[i].start, L))
            continue;
        for (k = 0; k < L; k++) {
            char c = q[toks[i].start + k];
            j->qbuf[used + k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        j->qbuf[used + L] = 0;
        j->qwords[j->q.n] = j->qbuf + used;
        j->qlens[j->q.n] = L;
        j->q.n++;
        used += L + 1;
    }
    j->q.words = j->qwords;
    j->q.lens = j->qlens;
}

/* JSON at safe and up: the tabular encoding of docs/tabular-json.md, never
 * more tokens than minified JSON (the encoder falls back to it). JSON
 * Lines (when the text is not one value) are encoded as the array of their values after a
 * "#jsonl" line, which terse_expand turns back into lines. Balanced and
 * max may sample long tables and cut long strings, with markers. Returns
 * TERSE_OK, or TERSE_EFORMAT when the document is not JSON after all,
 * TERSE_ENOMEM. */
static int compress_json_tabular(struct job *j, int level, struct buf *out, size_t *tokens)
{
    struct buf arr = {0};
    struct json_doc *d;
    int lines;
    struct tab_limits lim;
    int rc;
    memset(&lim, 0, sizeof lim);
    if (level >= TERSE_LEVEL_BALANCED) {
        lim.sample_rows = level == TERSE_LEVEL_MAX ? 10 : 30;
        lim.max_string = level == TERSE_LEVEL_MAX ? 200 : 1000;
    }
    d = j->parsed ? j->parsed : json_parse(j->doc, j->n, NULL);
    j->parsed = NULL; /* freed below */
    lines = d == NULL;
    if (lines) {
        /* not one JSON value: JSON Lines? */
        if (!json_lines(j->doc, j->n, &arr)) {
            buf_free(&arr);
            return arr.oom ? TERSE_ENOMEM : TERSE_EFORMAT;
        }
        d = json_parse(arr.p, arr.len, NULL);
    }
    buf_free(&arr);
    if (!d)
        return TERSE_EFORMAT;
    if (lines)
        buf_adds(out, "#jsonl\n");
    rc = tab_encode(json_root(d), j->ctx->o.tokenizer, level >= TERSE_LEVEL_BALANCED ? &lim : NULL,
                    out, tokens);
    json_doc_free(d);
    if (lines && rc == TERSE_OK)
        *tokens = count_tokens(j, out->p, out->len);
    return rc;
}

/* Counts what balanced and max left out of the tabular form s[0..n): the
 * rows of each "[K of N]{" table header (N - K) and each string cut with a
 * "…[+N chars]" marker (one each). */
static size_t tab_left_out(const char *s, size_t n)
{
    size_t i, left = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '[' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
            char *e;
            unsigned long long k = strtoull(s + i + 1, &e, 10), all;
            if (e + 4 < s + n && memcmp(e, " of ", 4) == 0 && e[4] >= '0' && e[4] <= '9') {
                all = strtoull(e + 4, &e, 10);
                if (e + 1 < s + n && e[0] == ']' && e[1] == '{' && all > k)
                    left += (size_t)(all - k);
            }
        } else if ((unsigned char)s[i] == 0xE2 && i + 4 < n && memcmp(s + i, "\xE2\x80\xA6[+", 5) == 0) {
            left++;
        }
    }
    return left;
}

/* Counts the lines that max left out of the folded log s[0..n): the N of
 * each "~-N" line. */
static size_t log_left_out(const char *s, size_t n)
{
    size_t i, left = 0;
    for (i = 0; i + 2 < n; i++)
        if ((i == 0 || s[i - 1] == '\n') && s[i] == '~' && s[i + 1] == '-' && s[i + 2] >= '0' &&
            s[i + 2] <= '9')
            left += (size_t)strtoull(s + i + 2, NULL, 10);
    return left;
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
    for (; i < rl; i++) {
        if (r[i] == '\r') {
            d[o++] = '\n';
            if (i + 1 < rl && r[i + 1] == '\n')
                i++;
        } else {
            d[o++] = r[i];
        }
    }
    d[o] = 0;
    *out_len = o;
    return d;
}

/* Returns 1 if the budget selection kept a content segment (a sentence or
 * a verbatim block), not only headings, rules and markers. */
static int content_kept(const struct job *j)
{
    size_t i;
    for (i = 0; i < j->n_segs; i++) {
        const struct seg *g = &j->segs[i];
        if (g->keep && !g->removed && g->out_len &&
            (g->kind == SEG_SENTENCE || g->kind == SEG_VERBATIM))
            return 1;
    }
    return 0;
}

static int compress_text(const terse_ctx *ctx, const char *text, size_t len, terse_result *r);

/* One compression of text[0..len) with the options of ctx (see
 * terse_compress, which adds the budget's search and line break). UTF-16
 * with a byte-order mark is compressed as the UTF-8 it encodes (its NUL
 * bytes would otherwise be text); everything else as given. */
static int compress_once(const terse_ctx *ctx, const char *text, size_t len, terse_result *r)
{
    char *u8 = NULL;
    size_t u8_len = 0;
    int rc, conv = text ? utf16_bom_to_utf8((const unsigned char *)text, len, &u8, &u8_len) : 0;
    if (conv < 0) {
        if (r)
            memset(r, 0, sizeof *r);
        return TERSE_ENOMEM;
    }
    if (conv == 0)
        return compress_text(ctx, text, len, r);
    rc = compress_text(ctx, u8, u8_len, r);
    free(u8);
    return rc;
}

static int compress_text(const terse_ctx *ctx, const char *text, size_t len, terse_result *r)
{
    struct job j;
    struct tok_counter counter;
    struct buf out = {0};
    size_t i, dropped = 0, min_tokens = 0, pass_segments = 0;
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
    memset(&j, 0, sizeof j);
    tok_counter_init(&counter, ctx->o.tokenizer);
    j.counter = &counter;
    j.ctx = ctx;
    doc = normalize_input(text, len, &j.n);
    j.env = ctx->env ? ctx->env : (j.own_env = prose_env_new());
    if (!doc || !j.env) {
        free(doc);
        prose_env_free(j.own_env);
        tok_counter_free(&counter);
        return TERSE_ENOMEM;
    }
    j.doc = doc;
    r->tokens_in = ctx->env ? 0 : count_tokens(&j, text, len); /* a piece: the caller counts */
    type = ctx->o.type == TERSE_TYPE_AUTO ? detect_type_parsed(doc, j.n, &j.parsed) : ctx->o.type;
    level = ctx->o.level;
    query_words(&j);
    if (ctx->o.type == TERSE_TYPE_AUTO && (code_lang = input_lang(&j)) != CODE_NONE &&
        (code_lang != CODE_JSON || !(j.parsed || json_valid(doc, j.n))))
        type = TERSE_TYPE_CODE; /* the file name or --lang says which language */
    else if (type == TERSE_TYPE_CODE)
        code_lang = input_lang(&j);
    else if (ctx->o.type == TERSE_TYPE_AUTO && type == TERSE_TYPE_PROSE && multi_file_code(&j))
        type = TERSE_TYPE_CODE, code_lang = CODE_NONE; /* repomix-style files */
    else if (ctx->o.type == TERSE_TYPE_AUTO && type == TERSE_TYPE_PROSE && code_shaped(doc, j.n) &&
             (code_lang = code_lang_guess(doc, j.n)) != CODE_NONE && code_lang != CODE_JSON &&
             !code_split_files(doc, j.n, NULL, 0) && code_parses(doc, j.n, code_lang))
        type = TERSE_TYPE_CODE; /* comments and docstrings outweigh the code, but it parses */
    else
        code_lang = CODE_NONE;
    if (type == TERSE_TYPE_JSON && level >= TERSE_LEVEL_SAFE) {
        /* the tabular form, if it is JSON (or JSON Lines) and meets the
         * budget; else what follows. With a budget, the lowest level that
         * fits: minified JSON (exact) when it does, else the tabular form
         * from safe up */
        int L = level, exact_fits = 0;
        if (ctx->o.budget) {
            L = TERSE_LEVEL_SAFE;
            if (j.parsed || json_valid(doc, j.n)) {
                json_minify(doc, j.n, &out);
                if (out.oom)
                    rc = TERSE_ENOMEM;
                else
                    exact_fits = count_tokens(&j, out.p ? out.p : "", out.len) <= ctx->o.budget;
                out.len = 0;
            }
        }
        for (; L <= level && rc == TERSE_OK && !exact_fits && !tabular; L++) {
            out.len = 0;
            rc = compress_json_tabular(&j, L, &out, &tab_tokens);
            if (rc == TERSE_OK && (!ctx->o.budget || tab_tokens <= ctx->o.budget)) {
                tabular = 1;
                level = L;
                dropped = L >= TERSE_LEVEL_BALANCED ? tab_left_out(out.p, out.len) : 0;
            } else if (rc != TERSE_ENOMEM) {
                rc = TERSE_OK;
            }
        }
        out.len = tabular ? out.len : 0;
    }
    if (type == TERSE_TYPE_LOG && level >= TERSE_LEVEL_SAFE && rc == TERSE_OK && !tabular &&
        (!ctx->o.budget || r->tokens_in > ctx->o.budget)) {
        /* logs: repeated lines and runs of alike lines folded (lossless
         * at safe and balanced), if that meets the budget; with a budget,
         * the lowest level that fits (exact, the log as it is, when the
         * whole input does: the text path below) */
        int raw = utf8_first_invalid((const unsigned char *)text, len) == len, L;
        for (L = ctx->o.budget ? TERSE_LEVEL_SAFE : level; L <= level && rc == TERSE_OK && !tabular; L++) {
            out.len = 0;
            /* valid UTF-8 is folded as given, CRs and all, so that expanding
             * gives back every byte; invalid UTF-8 only after repair */
            rc = raw ? log_fold(text, len, ctx->o.tokenizer, L, &out)
                     : log_fold(doc, j.n, ctx->o.tokenizer, L, &out);
            /* a log that itself starts like a folded one had to be escaped,
             * which may cost tokens: given back as it is, it would unfold */
            if (rc == TERSE_OK) {
                tab_tokens = count_tokens(&j, out.p ? out.p : "", out.len);
                if (!ctx->o.budget || tab_tokens <= ctx->o.budget) {
                    tabular = 1;
                    level = L;
                    dropped = L == TERSE_LEVEL_MAX ? log_left_out(out.p, out.len) : 0;
                }
            }
        }
        if (!tabular)
            out.len = 0;
        escaped_log = tabular && raw && log_is_folded(text, len);
    }
    if (tabular || rc != TERSE_OK) {
        /* done above */
    } else if (type == TERSE_TYPE_CHAT) {
        struct chat_stats cs;
        rc = chat_compress(&ctx->o, doc, j.n, j.parsed, &out, &cs, &min_tokens);
        j.parsed = NULL; /* freed by the pass */
        dropped = cs.dropped;
        j.duplicates = cs.repeats;
        pass_segments = cs.segments;
    } else if (type == TERSE_TYPE_MEMORY) {
        struct memory_stats ms;
        rc = memory_compress(&ctx->o, doc, j.n, j.parsed, &out, &ms, &min_tokens);
        j.parsed = NULL; /* freed by the pass */
        dropped = ms.dropped;
        j.duplicates = ms.duplicates;
        pass_segments = ms.entries;
    } else if (type == TERSE_TYPE_CODE &&
               (code_lang != CODE_NONE || code_lang_guess(doc, j.n) != CODE_NONE ||
                code_split_files(doc, j.n, NULL, 0))) {
        rc = compress_code(&j, code_lang, &out, &level, &min_tokens);
        if (j.oom || out.oom)
            rc = TERSE_ENOMEM;
    } else if (type == TERSE_TYPE_JSON && (j.parsed || json_valid(doc, j.n))) {
        rc = compress_json(&j, &out, &dropped, &min_tokens);
        level = TERSE_LEVEL_EXACT;
    } else {
        int verbatim;
        if (type == TERSE_TYPE_JSON)
            type = TERSE_TYPE_PROSE; /* not valid JSON: compressed as prose */
        verbatim = type != TERSE_TYPE_PROSE;
        if (segment_prose(&j, verbatim) != 0) {
            rc = TERSE_ENOMEM;
            goto done;
        }
        if (verbatim)
            level = TERSE_LEVEL_EXACT;
        if (!ctx->o.budget) {
            compress_all(&j, level);
            if (level == TERSE_LEVEL_MAX && ctx->o.query && ctx->o.query_len && !j.oom) {
                /* relevance-aware: the segments most relevant to the query
                 * keep their wording (balanced), the rest are telegraphic */
                double top = 0;
                if (score_segments(&j) != 0) {
                    rc = TERSE_ENOMEM;
                    goto done;
                }
                for (i = 0; i < j.n_segs; i++)
                    if (j.segs[i].score > top)
                        top = j.segs[i].score;
                for (i = 0; i < j.n_segs && top > 0.5; i++)
                    if (!j.segs[i].removed && j.segs[i].score >= top / 2)
                        compress_seg(&j, &j.segs[i], TERSE_LEVEL_BALANCED);
            }
            assemble(&j, 0, &out, &dropped);
        } else {
            /* the lowest level that fits, else drop at the highest allowed */
            int L, fits = 0;
            for (L = TERSE_LEVEL_EXACT; L <= level && !j.oom; L++) {
                compress_all(&j, L);
                if (assembled_tokens(&j, 0, &dropped, &out) <= ctx->o.budget) {
                    fits = 1;
                    level = L;
                    break;
                }
            }
            if (!fits && !j.oom) {
                /* drop the least relevant sentences; when not even one
                 * fits, drop clauses instead */
                level = verbatim ? TERSE_LEVEL_EXACT : ctx->o.level;
                rc = fit_budget(&j, &out, &dropped, &min_tokens, 0);
                if (rc == TERSE_EBUDGET) {
                    if (split_clauses(&j, 0) != 0) {
                        rc = TERSE_ENOMEM;
                        goto done;
                    }
                    compress_all(&j, level);
                    rc = fit_budget(&j, &out, &dropped, &min_tokens, 0);
                } else if (rc == TERSE_OK) {
                    /* what is left of the budget takes the relevant clauses
                     * of the sentences that did not fit */
                    if (split_clauses(&j, 1) != 0) {
                        rc = TERSE_ENOMEM;
                        goto done;
                    }
                    compress_missing(&j, level);
                    rc = fit_budget(&j, &out, &dropped, &min_tokens, 1);
                }
                if (rc == TERSE_OK && !content_kept(&j))
                    rc = TERSE_EBUDGET; /* only headings and markers: no content */
            }
        }
        if (j.oom || out.oom)
            rc = TERSE_ENOMEM;
    }
    if (rc != TERSE_OK)
        goto done;
    r->tokens_out = ctx->env ? 0 : tabular ? tab_tokens : count_tokens(&j, out.p ? out.p : "", out.len);
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
    r->duplicates = j.duplicates;
    r->guard_fallbacks = j.fallbacks;
    r->parse_errors = j.parse_errors;
    r->elided = j.elided;
    for (i = 0; i < j.n_segs; i++) {
        r->parse_errors += j.segs[i].parse_error;
        r->elided += j.segs[i].elided;
    }
done:
    if (rc != TERSE_OK) {
        buf_free(&out);
        r->min_tokens = min_tokens;
        r->text = NULL;
    }
    for (i = 0; i < j.n_segs; i++) {
        free(j.segs[i].out);
        free(j.segs[i].full);
    }
    free(j.segs);
    free(j.blocks);
    free(doc);
    prose_env_free(j.own_env);
    free(j.lex_in);
    free(j.ptoks);
    json_doc_free(j.parsed);
    tok_counter_free(&counter);
    return rc;
}

/* The tokens of r's text as the caller sends it: with o.count_newline, a
 * line break is added after a text that does not end with one. */
static size_t sent_tokens(const terse_ctx *ctx, const terse_result *r, int *oom)
{
    char *t;
    size_t n = r->tokens_out;
    if (!ctx->o.count_newline || !r->len || r->text[r->len - 1] == '\n')
        return n;
    t = malloc(r->len + 1);
    if (!t) {
        *oom = 1;
        return n;
    }
    memcpy(t, r->text, r->len);
    t[r->len] = '\n';
    if (terse_count(ctx->o.tokenizer, t, r->len + 1, 0, &n) != TERSE_OK)
        *oom = 1;
    free(t);
    return n;
}

/* Compresses within budget (which must be > 0): at the budget, and, when
 * the line break of count_newline takes the text over it, at one token
 * less (a few times at most). TERSE_EBUDGET when that cannot be done. */
static int compress_within(const terse_ctx *ctx, size_t budget, const char *text, size_t len,
                           terse_result *r)
{
    terse_ctx c = *ctx;
    size_t b = budget;
    int tries, rc = TERSE_EBUDGET;
    for (tries = 0; tries < 8 && b > 0; tries++, b--) {
        int oom = 0;
        c.o.budget = b;
        rc = compress_once(&c, text, len, r);
        if (rc != TERSE_OK)
            return rc;
        if (sent_tokens(ctx, r, &oom) <= budget && !oom)
            return TERSE_OK;
        terse_result_free(r);
        if (oom)
            return TERSE_ENOMEM;
        rc = TERSE_EBUDGET;
    }
    return rc;
}

int terse_compress(const terse_ctx *ctx, const char *text, size_t len, terse_result *r)
{
    size_t lo, hi, tokens_in;
    terse_result t;
    int rc;
    if (!ctx || !ctx->o.budget)
        return compress_once(ctx, text, len, r);
    rc = compress_within(ctx, ctx->o.budget, text, len, r);
    if (rc != TERSE_EBUDGET)
        return rc;
    /* the smallest budget that succeeds: above the one that failed, at
     * most the tokens of the whole input (plus its line break), which
     * always fit at exact; found by bisection, so that the figure given
     * fails at one token less and succeeds as given */
    tokens_in = r->tokens_in;
    lo = ctx->o.budget; /* fails */
    hi = r->min_tokens > lo ? r->min_tokens : lo + 1;
    for (;;) {
        rc = compress_within(ctx, hi, text, len, &t);
        if (rc == TERSE_OK) {
            terse_result_free(&t);
            break;
        }
        if (rc != TERSE_EBUDGET)
            return rc;
        lo = hi;
        if (hi >= SIZE_MAX / 4)
            return TERSE_EBUDGET; /* r->min_tokens: the pass's own figure */
        /* the input and its line break: the exact level, which fits */
        hi = hi < tokens_in + 2 ? tokens_in + 2 : hi * 2;
    }
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        rc = compress_within(ctx, mid, text, len, &t);
        if (rc == TERSE_OK) {
            terse_result_free(&t);
            hi = mid;
        } else if (rc == TERSE_EBUDGET) {
            lo = mid;
        } else {
            return rc;
        }
    }
    r->min_tokens = hi;
    return TERSE_EBUDGET;
}
