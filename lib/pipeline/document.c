/* document.c - the document of one call: segmentation into blocks and
 * sentences, clauses, the call's token counts, assembly of the output;
 * see document.h.
 */
#include "document.h"

#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/json.h"
#include "../common/lex.h"
#include "../tokenize/tokenizer.h"

/* See document.h. */
int add_block(struct job *j, size_t prefix, size_t prefix_len, int sep)
{
    if (j->n_blocks == j->cap_blocks) {
        size_t cap = j->cap_blocks ? j->cap_blocks * 2 : 64;
        struct block *b = realloc(j->blocks, cap * sizeof *b);
        if (!b) {
            status_fail(&j->status, TERSE_ENOMEM);
            return TERSE_ENOMEM;
        }
        j->blocks = b;
        j->cap_blocks = cap;
    }
    j->blocks[j->n_blocks].prefix = (uint32_t)prefix; /* the document is at most DOC_MAX bytes */
    j->blocks[j->n_blocks].prefix_len = (uint32_t)prefix_len;
    j->blocks[j->n_blocks].lit = NULL;
    j->blocks[j->n_blocks].sep = (uint8_t)sep;
    j->n_blocks++;
    return TERSE_OK;
}

/* See document.h. */
void add_seg(struct job *j, size_t start, size_t end, int kind)
{
    struct seg *g;
    if (j->status != TERSE_OK)
        return;
    if (j->n_segs == j->cap_segs) {
        size_t cap = j->cap_segs ? j->cap_segs * 2 : 256;
        struct seg *p = realloc(j->segs, cap * sizeof *p);
        if (!p) {
            status_fail(&j->status, TERSE_ENOMEM);
            return;
        }
        j->segs = p;
        j->cap_segs = cap;
    }
    g = &j->segs[j->n_segs++];
    memset(g, 0, sizeof *g);
    g->start = (uint32_t)start; /* the document is at most DOC_MAX bytes */
    g->end = (uint32_t)end;
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
        g->tok_first = (uint32_t)(p->first + tok_first);
        g->tok_n = (uint32_t)(tok_end - tok_first);
        g->tok_base = (uint32_t)p->base;
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
            status_fail(&j->status, TERSE_ENOMEM);
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
 * joined; the line breaks of records are kept, at every level. Lines
 * that all start with the same 8 bytes or more, with no space among them
 * (fc-list's "/usr/share/fonts/...", a host name, a time stamp's date), are
 * records too: wrapped prose does not repeat a long first word. */
static int line_structured(const char *d, const struct line *ls, size_t n)
{
    size_t q, width = 0, same = SIZE_MAX;
    for (q = 0; q < n; q++)
        if (ls[q].end - ls[q].start > width)
            width = ls[q].end - ls[q].start;
    for (q = 1; q < n && same >= 8; q++) {
        size_t k = 0;
        while (k < same && ls[0].text + k < ls[0].end && ls[q].text + k < ls[q].end &&
               d[ls[0].text + k] == d[ls[q].text + k] && d[ls[0].text + k] != ' ' && d[ls[0].text + k] != '\t')
            k++;
        same = k;
    }
    if (n >= 2 && same >= 8)
        return 1;
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

/* The lines of j->doc (at least one) with their indents, trimmed ends and
 * where the fences that may close them end. Returns them (freed by the
 * caller) with their number in *n_lines, or NULL when memory runs out
 * (j->status says so). */
static struct line *read_lines(struct job *j, size_t *n_lines)
{
    const char *d = j->doc;
    struct line *lines = NULL;
    size_t nl = 0, cap = 0, i = 0;
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
                status_fail(&j->status, TERSE_ENOMEM);
                return NULL;
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
    *n_lines = nl;
    return lines;
}

/* See document.h. */
int segment_prose(struct job *j, int verbatim_only)
{
    const char *d = j->doc;
    size_t nl = 0, i, blanks = 0;
    struct line *lines = read_lines(j, &nl);
    if (!lines)
        return j->status;
    for (i = 0; i < nl && j->status == TERSE_OK;) {
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
            if (j->status == TERSE_OK) {
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
            if (j->status == TERSE_OK)
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
                if (j->status == TERSE_OK)
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
            /* records, not wrapped prose: a block per line, its indent
             * kept; a line that repeats another's ("Status: install ok
             * installed" of each package) says something of its own record */
            size_t q, first_seg = j->n_segs;
            for (q = i; q < k; q++) {
                add_block(j, lines[q].start, lines[q].text - lines[q].start, q == i ? sep : SEP_LINE);
                add_paragraph(j, lines[q].text, lines[q].end);
            }
            for (q = first_seg; q < j->n_segs; q++)
                j->segs[q].record = 1;
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
    return j->status;
}

/* See document.h. */
size_t count_tokens(struct job *j, const char *s, size_t n)
{
    size_t c = 0;
    int rc = tok_counter_count(j->counter, s, n, &c);
    if (rc != TERSE_OK) {
        status_fail(&j->status, rc);
        return n;
    }
    return c;
}

/* See document.h. */
int lex_reserve(struct job *j, size_t n)
{
    size_t cap;
    struct lex_tok *p;
    if (n + 1 <= j->lex_cap)
        return TERSE_OK;
    cap = (n + 1) * 2;
    p = realloc(j->lex_in, cap * 2 * sizeof *p);
    if (!p) {
        status_fail(&j->status, TERSE_ENOMEM);
        return TERSE_ENOMEM;
    }
    j->lex_in = p;
    j->lex_cap = cap;
    return TERSE_OK;
}

/* See document.h. */
size_t seg_tokens(const struct job *j, const struct seg *g, struct lex_tok *t)
{
    size_t k, shift;
    if (!g->tok_n || !j->ptoks)
        return lex_text(j->doc + g->start, g->end - g->start, t);
    shift = g->start - g->tok_base;
    for (k = 0; k < g->tok_n; k++) {
        t[k] = j->ptoks[g->tok_first + k];
        t[k].start -= (uint32_t)shift;
    }
    t[0].flags &= (uint8_t) ~(LXF_SPACE | LXF_NL);
    return g->tok_n;
}

/* See document.h. */
int split_clauses(struct job *j, int only_dropped)
{
    struct seg *old = j->segs;
    size_t n_old = j->n_segs, i;
    struct lex_tok *t = NULL;
    size_t t_cap = 0;
    j->segs = NULL;
    j->n_segs = j->cap_segs = 0;
    for (i = 0; i < n_old && j->status == TERSE_OK; i++) {
        struct seg *g = &old[i];
        size_t n = g->end - g->start, k, nt, start = g->start, words = 0, depth = 0;
        if (only_dropped && (g->keep || g->removed)) {
            /* kept as it is, outputs and all */
            add_seg(j, g->start, g->end, g->kind);
            if (j->status == TERSE_OK) {
                j->segs[j->n_segs - 1] = *g;
                g->out = g->full = NULL;
            }
            continue;
        }
        if (g->kind != SEG_SENTENCE || n < 40) {
            add_seg(j, g->start, g->end, g->kind);
            if (j->status == TERSE_OK)
                j->segs[j->n_segs - 1].block = g->block;
            continue;
        }
        if (n > t_cap) {
            struct lex_tok *p = realloc(t, n * sizeof *t);
            if (!p) {
                status_fail(&j->status, TERSE_ENOMEM);
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
            /* a clause ends at punctuation that a space follows: the
             * clauses are joined by one space again ("a,b" is not cut) */
            if (t[k].kind == LX_PUNCT && depth == 0 && words >= 4 && k + 1 < nt &&
                (t[k + 1].flags & LXF_SPACE) &&
                (*c == ',' || *c == ';' || *c == ':' || (unsigned char)*c == 0xE2)) {
                size_t end = g->start + t[k].start + t[k].len;
                add_seg(j, start, end, SEG_SENTENCE);
                if (j->status == TERSE_OK)
                    j->segs[j->n_segs - 1].block = g->block;
                start = g->start + t[k + 1].start;
                words = 0;
            }
        }
        add_seg(j, start, g->end, SEG_SENTENCE);
        if (j->status == TERSE_OK)
            j->segs[j->n_segs - 1].block = g->block;
    }
    for (i = 0; i < n_old; i++) {
        free(old[i].out);
        free(old[i].full);
    }
    free(old);
    free(t);
    return j->status;
}

/* See document.h. */
void assemble(const struct job *j, int budget_mode, struct buf *b, size_t *dropped)
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
