/* code_write.c - writing the code pass's output: leaves copied, the gaps
 * between them rewritten to the one fact they carry (a line break, a space
 * or nothing), Python's indentation rebuilt; see code_internal.h.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "code_internal.h"
#include "code_lang.h"

/* See code_internal.h. */
void code_take_gap(struct emit *e, size_t to)
{
    size_t p;
    int raw = 0;
    for (p = e->prev_end; p < to; p++) {
        char c = e->src[p];
        if (c == '\n')
            e->pend_nl = 1;
        else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
            e->pend_sp = 1;
        else
            raw = 1;
    }
    if (raw && !e->collect) {
        buf_add(e->out, e->src + e->prev_end, to - e->prev_end);
        e->pend_nl = e->pend_sp = e->removed = 0;
        e->started = 1;
    }
    e->prev_end = to;
}

/* Python: the column of the token at s, as Python's tokenizer counts it
 * (tabs to the next multiple of 8, a form feed restarts). */
static size_t column(const struct emit *e, size_t s)
{
    size_t b = s, col = 0;
    while (b > 0 && e->src[b - 1] != '\n')
        b--;
    for (; b < s; b++) {
        if (e->src[b] == '\t')
            col = (col / 8 + 1) * 8;
        else if (e->src[b] == '\f')
            col = 0;
        else
            col++;
    }
    return col;
}

/* See code_internal.h. */
void code_indent(struct emit *e, size_t level)
{
    size_t i;
    for (i = 0; i < level; i++)
        buf_adds(e->out, e->unit);
}

/* 1 for a byte of a word: letters, digits, _, $ and any non-ASCII byte. */
static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           c >= 0x80;
}

/* 1 for an operator character, one that may fuse with a neighbour ("- -" is not "--"). */
static int op_byte(char c)
{
    return c && strchr("+-*/%<>=!&|^~.:?@#\\", c) != NULL;
}

/* 1 when a space must stay between what was written and the token at s:
 * two words, two operator characters (which could fuse: "- -", "> >"), a
 * number and a dot, a quote on either side (string prefixes, literal
 * suffixes, lifetimes), a slash (regex or comment), or a preprocessor
 * line (where "X (a)" and "X(a)" differ), Python's "except *" (see below), C's
 * "+ 1" after a sign (see below). Everywhere else the space only
 * costs tokens. Bash keeps every space: there it separates words. */
static int needs_space(const struct emit *e, size_t s)
{
    char a, b = e->src[s];
    if (b == '\n' || b == '\r')
        return 0;
    if (!e->out->len || e->L->grammar == code_lang_get(CODE_BASH)->grammar)
        return 1;
    a = e->out->p[e->out->len - 1];
    if ((word_byte((unsigned char)a) && word_byte((unsigned char)b)) || (op_byte(a) && op_byte(b)) ||
        (word_byte((unsigned char)a) && b == '.') || (a == '.' && word_byte((unsigned char)b)) || a == '/' ||
        b == '/')
        return 1;
    if (b == '*' && e->L->grammar == code_lang_get(CODE_PYTHON)->grammar && e->out->len >= 6 &&
        memcmp(e->out->p + e->out->len - 6, "except", 6) == 0 &&
        (e->out->len == 6 || !word_byte((unsigned char)e->out->p[e->out->len - 7])))
        return 1; /* tree-sitter reads "except *E" as an except clause, "except*E" as an except* one */
    if (e->c_family && (a == '+' || a == '-') && b >= '0' && b <= '9')
        return 1; /* C's number literal takes a sign: "sizeof(int)+1" and "(T)+1" read as casts of "+1" */
    if (strchr("\"'`", a) || strchr("\"'`", b)) {
        /* a quote next to a word may be a string prefix (b"", L'', u8"") or a
         * literal suffix; in Rust a quote may start a lifetime */
        if (word_byte((unsigned char)a) || word_byte((unsigned char)b) || (strchr("\"'`", a) && strchr("\"'`", b)) ||
            e->L->grammar == code_lang_get(CODE_RUST)->grammar)
            return 1;
    }
    return e->pp_line;
}

/* See code_internal.h. */
void code_separate(struct emit *e, size_t s, int is_comment)
{
    if (!e->started) {
        e->started = 1;
    } else if (e->pend_nl && e->out->len && e->out->p[e->out->len - 1] == '\n' &&
               (e->out->len < 2 || e->out->p[e->out->len - 2] != '\\') && e->L->layout == LAYOUT_LINES) {
        /* a token that is a line break (C's preprocessor lines) already ended the line */
    } else if (e->pend_nl && e->L->layout == LAYOUT_INDENT && (e->brackets > 0 || e->join_line) &&
               !e->last_line_comment && !is_comment) {
        /* Python inside brackets: a line break means nothing, and the line
         * after it would cost an indentation token; join the lines. Also a
         * one-statement block after its header's colon (joinable_block). */
        if (needs_space(e, s))
            buf_addc(e->out, ' ');
    } else if (e->pend_nl && (e->L->layout != LAYOUT_FREE || e->last_line_comment)) {
        buf_addc(e->out, '\n');
        if (e->L->layout == LAYOUT_INDENT && e->brackets == 0) {
            size_t col = column(e, s);
            if (!is_comment) {
                while (e->idepth > 0 && e->istack[e->idepth] > col)
                    e->idepth--;
                if (col > e->istack[e->idepth]) {
                    if (e->idepth + 1 >= e->icap) {
                        size_t cap = e->icap * 2;
                        size_t *p = realloc(e->istack, cap * sizeof *p);
                        if (!p) {
                            status_fail(&e->status, TERSE_ENOMEM);
                            return;
                        }
                        e->istack = p;
                        e->icap = cap;
                    }
                    e->istack[++e->idepth] = col;
                }
            }
            code_indent(e, e->idepth);
        } else if (e->L->layout == LAYOUT_INDENT) {
            /* inside brackets Python ignores indentation, but tree-sitter's
             * scanner reads a shallower line as a dedent: stay at the block's */
            code_indent(e, e->idepth);
        }
    } else if (e->L->layout != LAYOUT_FREE && (e->pend_sp || e->removed || e->pend_nl) && needs_space(e, s)) {
        buf_addc(e->out, ' ');
    }
    e->pend_nl = e->pend_sp = e->removed = 0;
}

/* See code_internal.h. */
void code_put(struct emit *e, size_t s, size_t en, const char *text, size_t tn, int is_comment)
{
    code_take_gap(e, s);
    if (e->collect) {
        e->prev_end = en;
        return;
    }
    code_separate(e, s, is_comment);
    if (!is_comment)
        e->join_line = 0;
    if (e->c_family && (e->out->len == 0 || (e->out->p[e->out->len - 1] == '\n' &&
                                             (e->out->len < 2 || e->out->p[e->out->len - 2] != '\\'))))
        e->pp_line = (text ? text[0] : e->src[s]) == '#'; /* a line starts: a preprocessor line? */
    if (text)
        buf_add(e->out, text, tn);
    else
        buf_add(e->out, e->src + s, en - s);
    if (e->L->layout == LAYOUT_INDENT && en - s == 1) {
        char c = e->src[s];
        if (c == '(' || c == '[' || c == '{')
            e->brackets++;
        else if ((c == ')' || c == ']' || c == '}') && e->brackets > 0)
            e->brackets--;
    }
    e->last_line_comment = is_comment && (e->src[s] == '#' || (en - s >= 2 && e->src[s + 1] == '/'));
    e->prev_end = en;
}

/* See code_internal.h. */
void code_drop(struct emit *e, size_t s, size_t en)
{
    code_take_gap(e, s);
    e->prev_end = en;
    e->removed = 1;
    /* a block comment over several lines ends a line where line ends
     * matter (JavaScript's and Go's semicolon insertion read it so) */
    if (e->L->layout == LAYOUT_LINES && memchr(e->src + s, '\n', en - s))
        e->pend_nl = 1;
}
