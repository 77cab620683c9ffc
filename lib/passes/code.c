/* code.c - the code pass: whitespace, comments, docstrings and bodies over
 * the tree-sitter syntax tree; see code.h.
 *
 * The output is written leaf by leaf. A leaf is a token of the tree, or a
 * whole node that must stay byte for byte (strings, comments, character
 * literals, heredocs, regexes, JSX): its bytes are copied. Only the gaps
 * between leaves are rewritten, and a gap carries at most one fact: a line
 * break (kept where the language may read it: statement ends, Python
 * blocks, preprocessor lines, ASI), a space (kept: it may separate two
 * words), or nothing. Python's indentation is rebuilt from the original
 * columns with a stack, as Python's tokenizer does, so a block keeps its
 * depth with a narrower unit. Everything is iterative (a tree cursor and
 * a heap stack), so deeply nested input cannot overflow the C stack.
 */
#include "code.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <tree_sitter/api.h>

#include "../common/buf.h"
#include "../common/hash.h"
#include "../select/bm25.h"
#include "code_lang.h"
#include "terse.h"

/* Classes of grammar symbols, from their names (per call: no global state). */
enum {
    K_ATOMIC = 1 << 0,   /* copied whole: strings, literals, heredocs, regexes, JSX */
    K_COMMENT = 1 << 1,
    K_FUNC = 1 << 2,     /* a definition whose body max may elide */
    K_IDENT = 1 << 3,    /* an identifier (any kind) */
    K_STRING = 1 << 4,   /* Python: string (docstring candidate) */
    K_EXPR_STMT = 1 << 5,
    K_BLOCK = 1 << 6,    /* Python: block */
    K_MODULE = 1 << 7,   /* Python: module */
    K_DEF = 1 << 8,      /* Python: function_definition or class_definition */
    K_CLASS = 1 << 9,    /* a class (or interface) declaration */
    K_ASSIGN = 1 << 10,  /* an assignment or initialized declaration (max: long values elided) */
    K_MEMBERS = 1 << 11, /* a member list: struct, enum, interface, object type, class body */
    K_MEMBER = 1 << 12,  /* a member that max elides: a field, a property, an index or call signature */
    K_PPDEF = 1 << 13,   /* an object-like macro definition */
    K_PPFUNC = 1 << 14,  /* a function-like macro definition */
    K_ATTR = 1 << 15,    /* an attribute: __attribute__((...)), [[...]], __declspec(...) */
    K_METHOD = 1 << 16,  /* a member that max keeps: a method, a function, a nested declaration */
    K_LIST = 1 << 17,    /* an import or export list (max: long ones folded) */
    K_SIG = 1 << 18,     /* a function or method signature (max: overloads folded) */
    K_TYPEANN = 1 << 19, /* a type annotation (max: long types elided) */
    K_TYPEALIAS = 1 << 20 /* a type alias (max: a long value elided) */
};

/* One level of the walk: the node and what the walk decided about it. */
struct frame {
    TSNode node;
    uint32_t kind;
    uint8_t keep;  /* inside a body kept whole at max */
    uint8_t run;   /* max: the children written so far end in a run that max folds (RUN_*) */
    uint32_t named;            /* max: named children (comments aside) seen so far */
    size_t last_name, last_len; /* max: the name of the last of them (overloads), or 0, 0 */
    TSSymbol last_sym;
    size_t cand;   /* max: 1 + the candidate index of this definition, or 0 */
};

/* A definition whose body max may elide (e->cands), or, with a budget, a
 * declaration the skeleton shortens (e->decls, of collect_decls; body_*
 * unused). */
struct cand {
    size_t start, end;          /* the definition */
    size_t body_start, body_end;
    size_t name_start, name_end;
    size_t out_start, out_end;  /* where its body went in the last full output */
    double score;
    size_t tokens;              /* budget: what keeping it costs (body tokens minus marker tokens; for a
                                 * declaration, its whole form minus its skeleton) */
    TSNode node;                /* the definition's or declaration's node */
    uint8_t keep;
};

struct emit {
    const char *src;
    size_t n;
    const struct code_lang *L;
    const struct code_opts *o;
    int level;
    uint32_t *kind;             /* by symbol */
    uint32_t n_symbols;
    TSFieldId body_field, name_field, right_field, value_field, declarator_field;
    struct buf *out;
    struct code_stats *st;
    /* gap state */
    size_t prev_end;
    int pend_nl, pend_sp, removed, started, last_line_comment;
    int c_family, pp_line;      /* C or C++; the current output line is a preprocessor line */
    int join_line;              /* Python: the next token follows its block's header on its line */
    /* Python indentation */
    size_t *istack;
    size_t idepth, icap;
    long brackets;
    const char *unit;
    /* license header */
    size_t lic_start, lic_end;
    int lic_done;
    char lic_name[32];
    /* max */
    struct cand *cands;
    size_t n_cands, cap_cands, next_cand;
    struct cand *decls;         /* budget: declarations written whole when kept (collect_decls) */
    size_t n_decls, cap_decls, next_decl;
    int collect;                /* 1: only collect candidates, write nothing */
    int oom;
};

/* ---- symbol classes ------------------------------------------------------ */

/* 1 when the symbol name contains part. */
static int name_has(const char *name, const char *part)
{
    return strstr(name, part) != NULL;
}

/* Fills e->kind for every symbol of the grammar. Returns 0 or -1. */
static int classify(struct emit *e, const TSLanguage *lang)
{
    uint32_t i;
    e->n_symbols = ts_language_symbol_count(lang);
    e->kind = calloc(e->n_symbols + 1, sizeof *e->kind);
    if (!e->kind)
        return -1;
    for (i = 0; i < e->n_symbols; i++) {
        const char *nm = ts_language_symbol_name(lang, (TSSymbol)i);
        size_t L;
        uint32_t k = 0;
        if (!nm)
            continue;
        L = strlen(nm);
        if (strcmp(nm, "comment") == 0 || strcmp(nm, "line_comment") == 0 || strcmp(nm, "block_comment") == 0 ||
            strcmp(nm, "hash_bang_line") == 0)
            k |= K_COMMENT;
        else if (ts_language_symbol_type(lang, (TSSymbol)i) == TSSymbolTypeRegular &&
                 /* a concatenated string is a sequence of strings: walked */
                 ((name_has(nm, "string") && strcmp(nm, "concatenated_string") != 0) || name_has(nm, "heredoc") ||
                  name_has(nm, "char_literal") || name_has(nm, "character_literal") ||
                  name_has(nm, "rune_literal") || strcmp(nm, "regex") == 0 ||
                  strcmp(nm, "jsx_element") == 0 || strcmp(nm, "jsx_self_closing_element") == 0 ||
                  strcmp(nm, "text_block") == 0))
            k |= K_ATOMIC;
        if (L >= 10 && strcmp(nm + L - 10, "identifier") == 0)
            k |= K_IDENT;
        if (code_word_in(e->L->functions, nm, L))
            k |= K_FUNC;
        if (strcmp(nm, "assignment") == 0 || strcmp(nm, "variable_declarator") == 0 ||
            strcmp(nm, "field_definition") == 0 || strcmp(nm, "public_field_definition") == 0 ||
            strcmp(nm, "assignment_expression") == 0)
            k |= K_ASSIGN;
        if (ts_language_symbol_type(lang, (TSSymbol)i) == TSSymbolTypeRegular) {
            /* the declarations max writes as a skeleton (skeleton()) */
            if (code_word_in("field_declaration_list enumerator_list enum_body object_type interface_body class_body",
                             nm, L))
                k |= K_MEMBERS;
            if (code_word_in("property_signature index_signature call_signature construct_signature "
                             "public_field_definition field_declaration",
                             nm, L))
                k |= K_MEMBER;
            if (code_word_in("method_signature abstract_method_signature method_definition function_definition "
                             "declaration template_declaration function_signature",
                             nm, L))
                k |= K_METHOD;
            if (code_word_in("export_clause named_imports", nm, L))
                k |= K_LIST;
            if (code_word_in("method_signature function_signature abstract_method_signature", nm, L))
                k |= K_SIG;
            if (code_word_in("attribute_specifier attribute_declaration ms_declspec_modifier", nm, L))
                k |= K_ATTR;
            if (strcmp(nm, "type_annotation") == 0)
                k |= K_TYPEANN;
            else if (strcmp(nm, "type_alias_declaration") == 0)
                k |= K_TYPEALIAS;
            else if (strcmp(nm, "preproc_def") == 0)
                k |= K_PPDEF;
            else if (strcmp(nm, "preproc_function_def") == 0)
                k |= K_PPFUNC;
        }
        if (strcmp(nm, "class_declaration") == 0 || strcmp(nm, "class_definition") == 0 || strcmp(nm, "class") == 0 ||
            strcmp(nm, "abstract_class_declaration") == 0 || strcmp(nm, "interface_declaration") == 0)
            k |= K_CLASS;
        if (e->L->layout == LAYOUT_INDENT) {
            if (strcmp(nm, "string") == 0)
                k |= K_STRING;
            else if (strcmp(nm, "expression_statement") == 0)
                k |= K_EXPR_STMT;
            else if (strcmp(nm, "block") == 0)
                k |= K_BLOCK;
            else if (strcmp(nm, "module") == 0)
                k |= K_MODULE;
            else if (strcmp(nm, "function_definition") == 0 || strcmp(nm, "class_definition") == 0)
                k |= K_DEF;
        }
        e->kind[i] = k;
    }
    e->body_field = ts_language_field_id_for_name(lang, "body", 4);
    e->right_field = ts_language_field_id_for_name(lang, "right", 5);
    e->value_field = ts_language_field_id_for_name(lang, "value", 5);
    e->name_field = ts_language_field_id_for_name(lang, "name", 4);
    e->declarator_field = ts_language_field_id_for_name(lang, "declarator", 10);
    return 0;
}

/* Returns the K_* classes of a node (0 for a symbol out of the table). */
static uint32_t kind_of(const struct emit *e, TSNode n)
{
    TSSymbol s = ts_node_symbol(n);
    return s < e->n_symbols ? e->kind[s] : 0;
}

/* ---- comments ------------------------------------------------------------ */

/* 1 when s[0..n) starts with p, ignoring ASCII case. */
static int starts_ci(const char *s, size_t n, const char *p)
{
    size_t L = strlen(p);
    return n >= L && strncasecmp(s, p, L) == 0;
}

/* 1 when s[0..n) contains p, ignoring ASCII case. */
static int find_ci(const char *s, size_t n, const char *p)
{
    size_t L = strlen(p), i;
    for (i = 0; i + L <= n; i++)
        if (strncasecmp(s + i, p, L) == 0)
            return 1;
    return 0;
}

/* 1 when a tool reads this comment, so `balanced` keeps it: shebangs,
 * encoding lines, type comments, pragmas, linters' and compilers'
 * directives, Go build and cgo lines, TypeScript's @ts- and triple-slash
 * references, bundlers' annotations. */
static int tool_comment(const struct emit *e, size_t s, size_t end)
{
    static const char *const heads[] = {
        "type:", "noqa", "pylint:", "pragma", "fmt:", "mypy:", "pyright:", "isort:", "flake8", "ruff:",
        "nosec", "shellcheck", "go:", "+build", "export ", "line ", "nolint", "code generated", "@ts-",
        "<reference", "<amd-", "eslint", "jshint", "jslint", "global ", "prettier-ignore", "istanbul", "c8 ",
        "@flow", "@jsx", "#__pure__", "@__pure__", "#__no_side_effects__", "webpack", "vite-ignore",
        "sourcemappingurl", "sourceurl", "@preserve", "@license", "fallthrough", "fall through",
        "fall-through", "falls through", "clang-format", "iwyu", "linted", "notreached", "lint", "nolint",
        "coverity", "cppcheck-suppress", "@refresh", "biome-ignore", "deno-", "@vite", "rustfmt",
        "spdx-license-identifier",
    };
    const char *c = e->src + s;
    size_t n = end - s, i = 0, k;
    if (s == 0 && n >= 2 && c[0] == '#' && c[1] == '!')
        return 1; /* shebang */
    if (e->L->line_comment && e->L->line_comment[0] == '#') {
        /* an encoding declaration on line 1 or 2 (PEP 263) */
        size_t line = 0, p;
        for (p = 0; p < s; p++)
            if (e->src[p] == '\n' && ++line >= 2)
                break;
        if (line < 2 && (find_ci(c, n, "coding:") || find_ci(c, n, "coding=")))
            return 1;
    }
    while (i < n && (c[i] == '#' || c[i] == '/' || c[i] == '*' || c[i] == '!' || c[i] == ' ' || c[i] == '\t'))
        i++;
    for (k = 0; k < sizeof heads / sizeof heads[0]; k++)
        if (starts_ci(c + i, n - i, heads[k]))
            return 1;
    if (e->L->grammar == code_lang_get(CODE_GO)->grammar) {
        /* cgo: the comments just above import "C" are C code */
        size_t p = end;
        for (;;) {
            while (p < e->n && (e->src[p] == ' ' || e->src[p] == '\t' || e->src[p] == '\n'))
                p++;
            if (p + 1 < e->n && e->src[p] == '/' && e->src[p + 1] == '/') {
                const char *nl = memchr(e->src + p, '\n', e->n - p);
                p = nl ? (size_t)(nl - e->src) : e->n;
            } else if (p + 1 < e->n && e->src[p] == '/' && e->src[p + 1] == '*') {
                size_t q = p + 2;
                while (q + 1 < e->n && !(e->src[q] == '*' && e->src[q + 1] == '/'))
                    q++;
                p = q + 2;
            } else {
                break;
            }
        }
        if (p + 10 <= e->n && memcmp(e->src + p, "import \"C\"", 10) == 0)
            return 1;
    }
    /* "// @ts-nocheck", "# type: ignore" after other text on the line */
    return find_ci(c, n, "type: ignore") || find_ci(c, n, "noqa") || find_ci(c, n, "NOLINT") ||
           find_ci(c, n, "pragma:") || find_ci(c, n, "@ts-") || find_ci(c, n, "eslint-disable") ||
           find_ci(c, n, "pylint:");
}

/* ---- license headers (safe and above) -------------------------------------- */

/* Names the license a header text grants, for the marker ("" if unknown). */
static void license_name(const char *s, size_t n, char *name, size_t cap)
{
    static const char *const known[][2] = {
        {"gnu lesser general public", "LGPL"}, {"gnu library general public", "LGPL"},
        {"gnu affero general public", "AGPL"}, {"gnu general public", "GPL"}, {"apache license", "Apache"},
        {"mozilla public", "MPL"}, {"permission is hereby granted, free of charge", "MIT"}, {"mit license", "MIT"},
        {"python software foundation", "PSF"}, {"boost software license", "BSL"}, {"isc license", "ISC"},
        {"redistribution and use in source and binary forms", "BSD"}, {"eclipse public license", "EPL"},
        {"unlicense", "Unlicense"},
    };
    size_t i, k;
    name[0] = 0;
    for (i = 0; i + 24 <= n; i++)
        if (strncasecmp(s + i, "SPDX-License-Identifier:", 24) == 0) {
            i += 24;
            while (i < n && s[i] == ' ')
                i++;
            for (k = 0; i < n && k + 1 < cap && s[i] != ' ' && s[i] != '\n' && s[i] != '*' && (unsigned char)s[i] > ' ';
                 i++)
                name[k++] = s[i];
            name[k] = 0;
            return;
        }
    for (k = 0; k < sizeof known / sizeof known[0]; k++)
        if (find_ci(s, n, known[k][0])) {
            strncpy(name, known[k][1], cap - 1);
            name[cap - 1] = 0;
            return;
        }
}

/* Finds the license header: the comments at the top of the file (after a
 * shebang or an encoding line) when they mention a copyright or a
 * license. Sets e->lic_start/lic_end (equal when there is none). */
static void find_license(struct emit *e, TSNode root)
{
    uint32_t i, count = ts_node_named_child_count(root);
    size_t first = 0, last = 0;
    int have = 0;
    e->lic_start = e->lic_end = 0;
    for (i = 0; i < count; i++) {
        TSNode ch = ts_node_named_child(root, i);
        size_t s = ts_node_start_byte(ch), en = ts_node_end_byte(ch);
        if (!(kind_of(e, ch) & K_COMMENT))
            break;
        if (!have && tool_comment(e, s, en))
            continue;
        if (!have)
            first = s;
        have = 1;
        last = en;
    }
    if (!have)
        return;
    {
        const char *t = e->src + first;
        size_t n = last - first;
        if (n < 80)
            return; /* a one-line notice: a marker would cost as much */
        if (find_ci(t, n, "copyright") || find_ci(t, n, "license") || find_ci(t, n, "licence") ||
            find_ci(t, n, "all rights reserved") || find_ci(t, n, "permission is hereby granted")) {
            e->lic_start = first;
            e->lic_end = last;
            license_name(t, n, e->lic_name, sizeof e->lic_name);
        }
    }
}

/* ---- writing ----------------------------------------------------------------- */

/* Takes in the gap src[prev_end, to): what it means is kept in the pending
 * flags. A gap holding anything but blanks (a backslash-newline, which
 * some grammars leave out of the tree) is written as it is. */
static void take_gap(struct emit *e, size_t to)
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

/* Writes Python indentation: `level` units. */
static void indent(struct emit *e, size_t level)
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

/* Writes what the pending gap stands for before a token at s. */
static void separate(struct emit *e, size_t s, int is_comment)
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
                            e->oom = 1;
                            return;
                        }
                        e->istack = p;
                        e->icap = cap;
                    }
                    e->istack[++e->idepth] = col;
                }
            }
            indent(e, e->idepth);
        } else if (e->L->layout == LAYOUT_INDENT) {
            /* inside brackets Python ignores indentation, but tree-sitter's
             * scanner reads a shallower line as a dedent: stay at the block's */
            indent(e, e->idepth);
        }
    } else if (e->L->layout != LAYOUT_FREE && (e->pend_sp || e->removed || e->pend_nl) && needs_space(e, s)) {
        buf_addc(e->out, ' ');
    }
    e->pend_nl = e->pend_sp = e->removed = 0;
}

/* Writes the token src[s,en) (or `text` instead, when not NULL). */
static void put(struct emit *e, size_t s, size_t en, const char *text, size_t tn, int is_comment)
{
    take_gap(e, s);
    if (e->collect) {
        e->prev_end = en;
        return;
    }
    separate(e, s, is_comment);
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

/* Leaves out the node src[s,en): its gaps merge; a space stands for it if
 * nothing else separates its neighbours, a line break if it held one. */
static void drop(struct emit *e, size_t s, size_t en)
{
    take_gap(e, s);
    e->prev_end = en;
    e->removed = 1;
    /* a block comment over several lines ends a line where line ends
     * matter (JavaScript's and Go's semicolon insertion read it so) */
    if (e->L->layout == LAYOUT_LINES && memchr(e->src + s, '\n', en - s))
        e->pend_nl = 1;
}

/* ---- docstrings ---------------------------------------------------------------- */

/* 1 when the Python string node at frame d is a docstring: alone in an
 * expression statement that is the first statement of a module, class or
 * function (comments do not count). */
static int is_docstring(const struct emit *e, const struct frame *f, size_t d)
{
    TSNode stmt, owner;
    uint32_t i, count;
    if (!(f[d].kind & K_STRING) || d < 2 || !(f[d - 1].kind & K_EXPR_STMT))
        return 0;
    stmt = f[d - 1].node;
    if (ts_node_named_child_count(stmt) != 1)
        return 0;
    owner = f[d - 2].node;
    if (f[d - 2].kind & K_BLOCK) {
        if (d < 3 || !(f[d - 3].kind & K_DEF))
            return 0;
    } else if (!(f[d - 2].kind & K_MODULE)) {
        return 0;
    }
    count = ts_node_named_child_count(owner);
    for (i = 0; i < count; i++) {
        TSNode ch = ts_node_named_child(owner, i);
        if (kind_of(e, ch) & K_COMMENT)
            continue;
        return ts_node_start_byte(ch) == ts_node_start_byte(stmt);
    }
    return 0;
}

/* Cuts the docstring src[s,en) to its first sentence (first_line: its first
 * line) into *out. Returns the length, or 0 when it stays whole: nothing to
 * cut, an f- or b-string, or a cut that would end in a backslash or a quote
 * character (the closing quotes would change). */
static size_t docstring_cut(const char *src, size_t s, size_t en, int first_line, struct buf *out)
{
    size_t p = s, q, c0, c1, cut, k;
    char quote;
    while (p < en && strchr("rRuUbBfF", src[p]))
        p++;
    for (k = s; k < p; k++)
        if (strchr("bBfF", src[k]))
            return 0;
    if (p >= en || (src[p] != '"' && src[p] != '\''))
        return 0;
    quote = src[p];
    q = p + 3 <= en && src[p + 1] == quote && src[p + 2] == quote ? 3 : 1;
    if (en - p < 2 * q)
        return 0;
    c0 = p + q;
    c1 = en - q;
    while (c0 < c1 && (src[c0] == ' ' || src[c0] == '\t' || src[c0] == '\n' || src[c0] == '\r'))
        c0++;
    for (cut = c0; cut < c1; cut++) {
        if (src[cut] == '\\') {
            cut++;
            continue;
        }
        if (src[cut] == '\n') {
            size_t b = cut + 1;
            if (first_line)
                break;
            while (b < c1 && (src[b] == ' ' || src[b] == '\t' || src[b] == '\r'))
                b++;
            if (b < c1 && src[b] == '\n')
                break; /* a blank line ends the first paragraph */
        }
        if (src[cut] == '.' && (cut + 1 == c1 || src[cut + 1] == ' ' || src[cut + 1] == '\n' || src[cut + 1] == '\t')) {
            cut++;
            break;
        }
    }
    if (cut > c1)
        cut = c1;
    while (cut > c0 && (src[cut - 1] == ' ' || src[cut - 1] == '\t' || src[cut - 1] == '\n' || src[cut - 1] == '\r'))
        cut--;
    if (cut == c0 || (cut == c1 && c0 == p + q) || src[cut - 1] == '\\' || src[cut - 1] == quote)
        return 0;
    buf_add(out, src + s, p + q - s); /* prefix and opening quotes */
    buf_add(out, src + c0, cut - c0);
    buf_add(out, src + c1, q);
    return (p + q - s) + (cut - c0) + q;
}

/* ---- max: declaration skeletons ------------------------------------------------- */

enum { RUN_NONE, RUN_MEMBERS, RUN_MACROS, RUN_LIST, RUN_OVERLOADS };

/* The marker of what max elides: "…" (U+2026, one o200k token). */
#define ELLIPSIS "\xe2\x80\xa6"

/* max: an import or export list of more than LIST_KEEP + 2 names keeps
 * its first LIST_KEEP; a type longer than TYPE_MAX bytes becomes "…". */
#define LIST_KEEP 3
#define TYPE_MAX 80

/* A run of at least this many object-like macros is folded into one
 * marker line at max. */
#define MACRO_RUN 3

/* C and C++: 1 when the declaration or member node n declares a function
 * (a prototype, a method), not a function pointer or a variable: one of
 * its declarators, through pointers, references and attributes, is a
 * function declarator whose own declarator is a name. */
static int declares_function(const struct emit *e, TSNode n)
{
    TSTreeCursor c = ts_tree_cursor_new(n);
    int found = 0;
    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode d;
            if (ts_tree_cursor_current_field_id(&c) != e->declarator_field || !e->declarator_field)
                continue;
            d = ts_tree_cursor_current_node(&c);
            while (!ts_node_is_null(d) && (strcmp(ts_node_type(d), "pointer_declarator") == 0 ||
                                           strcmp(ts_node_type(d), "reference_declarator") == 0 ||
                                           strcmp(ts_node_type(d), "attributed_declarator") == 0)) {
                TSNode in = ts_node_child_by_field_id(d, e->declarator_field);
                d = ts_node_is_null(in) ? ts_node_named_child(d, ts_node_named_child_count(d) - 1) : in;
            }
            if (!ts_node_is_null(d) && strcmp(ts_node_type(d), "function_declarator") == 0) {
                TSNode in = ts_node_child_by_field_id(d, e->declarator_field);
                if (!ts_node_is_null(in) && !strstr(ts_node_type(in), "declarator"))
                    found = 1;
            }
        } while (!found && ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    return found;
}

/* 1 when the member n is one max elides: a field, a property, an index or
 * call signature (not a method, even one declared as a field). */
static int elided_member(const struct emit *e, TSNode n, uint32_t k)
{
    TSNode type;
    if (!(k & K_MEMBER) || (k & (K_FUNC | K_CLASS)) || declares_function(e, n))
        return 0;
    /* a nested struct, union, enum or class definition names a type: kept */
    type = ts_node_child_by_field_name(n, "type", 4);
    return ts_node_is_null(type) || !strstr(ts_node_type(type), "_specifier") ||
           ts_node_is_null(ts_node_child_by_field_id(type, e->body_field));
}

/* 1 when node n holds, at any depth, a named function, method, signature
 * or class (C and C++: a declaration of a function): what a member that is
 * not itself one may wrap (a Java record or enum with methods, TypeScript's
 * "export function f(): T;" in an interface, C++'s "friend int f(A);").
 * Iterative (a cursor). */
static int holds_named_definition(const struct emit *e, TSNode n)
{
    TSTreeCursor c = ts_tree_cursor_new(n);
    int found = 0;
    if (!ts_tree_cursor_goto_first_child(&c)) {
        ts_tree_cursor_delete(&c);
        return 0;
    }
    for (;;) {
        TSNode d = ts_tree_cursor_current_node(&c);
        if ((kind_of(e, d) & (K_FUNC | K_CLASS | K_METHOD)) &&
            (!ts_node_is_null(ts_node_child_by_field_id(d, e->name_field)) || declares_function(e, d))) {
            found = 1;
            break;
        }
        if (ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c) || ts_node_eq(ts_tree_cursor_current_node(&c), n))
                goto out;
    }
out:
    ts_tree_cursor_delete(&c);
    return found;
}

/* 1 when a member list holds something the skeleton keeps (a method, a
 * nested function, class or declaration, or a member that holds a named
 * one: holds_named_definition): then its fields are elided a run at a
 * time instead of the whole list, so every name of a definition the list
 * holds is written. */
static int holds_methods(const struct emit *e, TSNode list)
{
    TSTreeCursor c = ts_tree_cursor_new(list);
    int found = 0;
    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode ch = ts_tree_cursor_current_node(&c);
            uint32_t k = kind_of(e, ch);
            if (!ts_node_is_named(ch) || (k & K_COMMENT))
                continue;
            if ((k & (K_FUNC | K_CLASS | K_METHOD)) || ((k & K_MEMBER) && !elided_member(e, ch, k)) ||
                (!elided_member(e, ch, k) && holds_named_definition(e, ch)))
                found = 1;
        } while (!found && ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    return found;
}

/* The index of the first of the n candidates of arr (in document order)
 * that starts at byte s or later; n if none. */
static size_t cand_from(const struct cand *arr, size_t n, size_t s)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (arr[mid].start < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Budget: 1 when the declaration that starts at byte s is kept whole. */
static int decl_kept_at(const struct emit *e, size_t s)
{
    size_t i = cand_from(e->decls, e->n_decls, s);
    return i < e->n_decls && e->decls[i].start == s && e->decls[i].keep;
}

/* Writes the marker of a run of object-like macros that starts at the
 * cursor's node: a C comment line that says "12 macros: NID_…, SN_…,
 * EPERM" (up to four distinct name prefixes, each up to its first inner
 * underscore, or the whole name when it has none). The run must hold at
 * least MACRO_RUN definitions with a value (comments between them aside;
 * a define without a value, such as an include guard, ends it); returns 0
 * when it does not (nothing written), else 1. */
static int fold_macros(struct emit *e, const TSTreeCursor *cur)
{
    TSTreeCursor c = ts_tree_cursor_copy(cur);
    size_t count = 0, np = 0, s = ts_node_start_byte(ts_tree_cursor_current_node(cur)), i;
    struct { size_t at, len; } pre[4];
    int more = 0;
    struct buf mk = {0};
    char num[32];
    do {
        TSNode n = ts_tree_cursor_current_node(&c);
        uint32_t k = kind_of(e, n);
        TSNode name;
        size_t a, b, p;
        if (k & K_COMMENT)
            continue;
        if (!(k & K_PPDEF) || ts_node_is_null(ts_node_child_by_field_id(n, e->value_field)))
            break; /* a define without a value (an include guard, a flag) stays */
        if (e->n_decls && decl_kept_at(e, ts_node_start_byte(n)))
            break; /* written whole for the budget */
        count++;
        name = ts_node_child_by_field_id(n, e->name_field);
        if (ts_node_is_null(name))
            continue;
        a = ts_node_start_byte(name);
        b = ts_node_end_byte(name);
        for (p = a; p < b && e->src[p] == '_'; p++)
            ;
        while (p < b && e->src[p] != '_')
            p++;
        if (p + 1 < b)
            p++; /* the prefix, up to its first inner underscore */
        else
            p = b; /* no inner underscore: the whole name */
        for (i = 0; i < np; i++)
            if (pre[i].len == p - a && memcmp(e->src + pre[i].at, e->src + a, p - a) == 0)
                break;
        if (i < np)
            continue;
        if (np < 4) {
            pre[np].at = a;
            pre[np].len = p - a;
            np++;
        } else {
            more = 1;
        }
    } while (ts_tree_cursor_goto_next_sibling(&c));
    ts_tree_cursor_delete(&c);
    if (count < MACRO_RUN)
        return 0;
    snprintf(num, sizeof num, "%zu", count);
    buf_adds(&mk, "/* ");
    buf_adds(&mk, num);
    buf_adds(&mk, " macros");
    for (i = 0; i < np; i++) {
        buf_adds(&mk, i ? ", " : ": ");
        buf_add(&mk, e->src + pre[i].at, pre[i].len);
        if (e->src[pre[i].at + pre[i].len - 1] == '_')
            buf_adds(&mk, ELLIPSIS);
    }
    if (more)
        buf_adds(&mk, ", " ELLIPSIS);
    buf_adds(&mk, " */\n");
    if (mk.oom)
        e->oom = 1;
    else
        put(e, s, s, mk.p, mk.len, 0);
    buf_free(&mk);
    e->st->members_elided++;
    return 1;
}

/* max: node [s, en) belongs to a run of `run` elided as one "…": the
 * first of the run writes the marker, the rest are dropped. Returns 1. */
static int elide_run(struct emit *e, struct frame *up, size_t s, size_t en, int run)
{
    if (up->run == run) {
        drop(e, s, en);
    } else {
        put(e, s, en, ELLIPSIS, sizeof ELLIPSIS - 1, 0);
        up->run = run;
        e->st->members_elided++;
    }
    return 1;
}

/* max: writes the skeleton form of a declaration node, or returns 0 to
 * let the walk write it. Attributes go; a member list that holds no
 * method becomes "{…}"; in one that does, each run of fields or
 * properties becomes one "…"; a run of MACRO_RUN or more object-like
 * macros becomes one marker line (fold_macros); a macro's value longer
 * than eight bytes (trailing blanks aside) becomes "…"; a type longer than
 * TYPE_MAX bytes becomes "…"; import and export lists keep LIST_KEEP
 * names; a run of overloads keeps the first. Returns 1 when the node was
 * written or dropped. */
static int skeleton(struct emit *e, const TSTreeCursor *cur, struct frame *f, size_t depth)
{
    TSNode nd = f[depth].node;
    uint32_t k = f[depth].kind;
    size_t s = ts_node_start_byte(nd), en = ts_node_end_byte(nd);
    struct frame *up = depth ? &f[depth - 1] : NULL;
    if (k & K_ATTR) {
        drop(e, s, en);
        return 1;
    }
    if (up && up->run == RUN_MACROS) {
        if ((k & K_COMMENT) || ((k & K_PPDEF) && !ts_node_is_null(ts_node_child_by_field_id(nd, e->value_field)))) {
            drop(e, s, en);
            return 1;
        }
        up->run = RUN_NONE;
    }
    if (up && ts_node_is_named(nd) && !(k & K_COMMENT)) {
        /* overloads: a signature named as the one before it */
        TSNode nm = ts_node_child_by_field_id(nd, e->name_field);
        size_t ns = 0, nl = 0;
        int overload;
        if (!ts_node_is_null(nm)) {
            ns = ts_node_start_byte(nm);
            nl = ts_node_end_byte(nm) - ns;
        }
        overload = (k & K_SIG) && nl && up->last_len == nl && up->last_sym == ts_node_symbol(nd) &&
                   memcmp(e->src + up->last_name, e->src + ns, nl) == 0;
        up->named++;
        up->last_name = ns;
        up->last_len = nl;
        up->last_sym = ts_node_symbol(nd);
        if (overload)
            return elide_run(e, up, s, en, RUN_OVERLOADS);
        if ((up->kind & K_LIST) && up->named > LIST_KEEP && ts_node_named_child_count(up->node) > LIST_KEEP + 2)
            return elide_run(e, up, s, en, RUN_LIST);
    }
    if (up && (up->run == RUN_MEMBERS || up->run == RUN_LIST || up->run == RUN_OVERLOADS)) {
        if ((k & K_COMMENT) || (!ts_node_is_named(nd) && en - s == 1 && (e->src[s] == ';' || e->src[s] == ','))) {
            drop(e, s, en);
            return 1;
        }
        if (ts_node_is_named(nd) && (up->run != RUN_MEMBERS || !elided_member(e, nd, k)))
            up->run = RUN_NONE;
    }
    if ((k & K_MEMBERS) && ts_node_named_child_count(nd) > 0 && !holds_methods(e, nd)) {
        take_gap(e, s);
        if (!e->pp_line && !e->last_line_comment)
            e->pend_nl = 0; /* "struct x {…};" on one line */
        put(e, s, en, "{" ELLIPSIS "}", sizeof ELLIPSIS + 1, 0);
        e->st->members_elided++;
        return 1;
    }
    if (up && (up->kind & K_MEMBERS) && ts_node_is_named(nd) && elided_member(e, nd, k))
        return elide_run(e, up, s, en, RUN_MEMBERS);
    if (up && ts_node_is_named(nd) && en - s > TYPE_MAX &&
        ((up->kind & K_TYPEANN) ||
         ((up->kind & K_TYPEALIAS) && ts_tree_cursor_current_field_id(cur) == e->value_field && e->value_field))) {
        put(e, s, en, ELLIPSIS, sizeof ELLIPSIS - 1, 0);
        e->st->members_elided++;
        return 1;
    }
    if ((k & K_PPDEF) && up && fold_macros(e, cur)) {
        drop(e, s, en);
        up->run = RUN_MACROS;
        return 1;
    }
    if (up && (up->kind & (K_PPDEF | K_PPFUNC)) && ts_tree_cursor_current_field_id(cur) == e->value_field &&
        e->value_field) {
        /* a macro's value ends before the blanks that led to a comment */
        size_t t = en;
        while (t > s && (e->src[t - 1] == ' ' || e->src[t - 1] == '\t'))
            t--;
        if (t - s > 8) {
            put(e, s, en, ELLIPSIS, sizeof ELLIPSIS - 1, 0);
            e->st->members_elided++;
        } else {
            put(e, s, en, e->src + s, t - s, 0);
        }
        return 1;
    }
    return 0;
}

/* ---- the walk ------------------------------------------------------------------ */

/* The body max may elide of a definition node, or a null node: a block of
 * statements (not an arrow function's expression). */
static TSNode elidable_body(const struct emit *e, TSNode def)
{
    TSNode body = ts_node_child_by_field_id(def, e->body_field), none;
    memset(&none, 0, sizeof none);
    if (ts_node_is_null(body) || ts_node_child_count(body) == 0)
        return none;
    {
        const char *t = ts_node_type(body);
        if (!strstr(t, "block") && !strstr(t, "body") && !strstr(t, "compound_statement"))
            return none;
    }
    return body;
}

/* 1 when an anonymous function holds named definitions (a module
 * pattern, an IIFE bundle, a test suite's callback): max keeps such a
 * container and elides the definitions inside instead. */
static int holds_definitions(const struct emit *e, TSNode fn)
{
    TSTreeCursor c = ts_tree_cursor_new(fn);
    int found = 0;
    if (!ts_node_is_null(ts_node_child_by_field_id(fn, e->name_field)) || !ts_tree_cursor_goto_first_child(&c)) {
        ts_tree_cursor_delete(&c);
        return 0;
    }
    while (!found) {
        TSNode n = ts_tree_cursor_current_node(&c);
        uint32_t k = kind_of(e, n);
        if ((k & K_CLASS) || ((k & K_FUNC) && !ts_node_is_null(ts_node_child_by_field_id(n, e->name_field)))) {
            found = 1;
            break;
        }
        if (ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c) || ts_node_eq(ts_tree_cursor_current_node(&c), fn))
                goto out;
    }
out:
    ts_tree_cursor_delete(&c);
    return found;
}

/* Appends a candidate for node def, named by `name` (a null node: none),
 * to the array *arr of *n (capacity *cap). Returns it, or NULL without
 * memory. */
static struct cand *push_cand(struct cand **arr, size_t *n, size_t *cap, TSNode def, TSNode name)
{
    struct cand *c;
    if (*n == *cap) {
        size_t bigger = *cap ? *cap * 2 : 64;
        struct cand *p = realloc(*arr, bigger * sizeof *p);
        if (!p)
            return NULL;
        *arr = p;
        *cap = bigger;
    }
    c = &(*arr)[(*n)++];
    memset(c, 0, sizeof *c);
    c->start = ts_node_start_byte(def);
    c->end = ts_node_end_byte(def);
    c->node = def;
    if (!ts_node_is_null(name)) {
        c->name_start = ts_node_start_byte(name);
        c->name_end = ts_node_end_byte(name);
    }
    return c;
}

/* Lists a definition whose body max may elide. Returns 0, or -1 when
 * memory runs out. */
static int add_cand(struct emit *e, TSNode def, TSNode body)
{
    struct cand *c = push_cand(&e->cands, &e->n_cands, &e->cap_cands, def,
                               ts_node_child_by_field_id(def, e->name_field));
    if (!c)
        return -1;
    c->body_start = ts_node_start_byte(body);
    c->body_end = ts_node_end_byte(body);
    return 0;
}

/* Node types whose children are declarations at the level of the file:
 * preprocessor conditionals, extern "C" blocks, namespaces and ambient
 * modules. collect_decls looks inside them. */
static int decl_container(TSNode n)
{
    const char *t = ts_node_type(n);
    return code_word_in("preproc_ifdef preproc_if preproc_else preproc_elif preproc_elifdef linkage_specification "
                        "declaration_list namespace_definition ambient_declaration internal_module module "
                        "statement_block export_statement",
                        t, strlen(t));
}

/* 1 when a body candidate starts in [s, en). */
static int holds_cand(const struct emit *e, size_t s, size_t en)
{
    size_t i = cand_from(e->cands, e->n_cands, s);
    return i < e->n_cands && e->cands[i].start < en;
}

/* Lists declaration n (collect_decls). Returns 0, or -1 without memory. */
static int add_decl(struct emit *e, TSNode n)
{
    TSNode name = ts_node_child_by_field_id(n, e->name_field);
    if (ts_node_is_null(name) && e->declarator_field) {
        /* typedef struct {...} name; a declarator that is a plain name */
        TSNode d = ts_node_child_by_field_id(n, e->declarator_field);
        if (!ts_node_is_null(d) && ts_node_child_count(d) == 0)
            name = d;
    }
    return push_cand(&e->decls, &e->n_decls, &e->cap_decls, n, name) ? 0 : -1;
}

/* max with a budget: lists the declarations that the budget may write
 * whole instead of as a skeleton (e->decls, in document order). They are
 * the named nodes at the level of the file (inside decl_container nodes
 * too) that hold no body candidate, comments aside; each macro of a run
 * is one (fold_macros folds the macros between kept ones). Iterative (a
 * cursor). Returns 0, or -1 without memory. */
static int collect_decls(struct emit *e, TSNode root)
{
    TSTreeCursor c = ts_tree_cursor_new(root);
    size_t depth = 1;
    int rc = 0;
    if (!ts_tree_cursor_goto_first_child(&c)) {
        ts_tree_cursor_delete(&c);
        return 0;
    }
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&c);
        uint32_t k = kind_of(e, n);
        if (ts_node_is_named(n) && !(k & K_COMMENT)) {
            if (decl_container(n)) {
                if (ts_tree_cursor_goto_first_child(&c)) {
                    depth++;
                    continue;
                }
            } else if (!holds_cand(e, ts_node_start_byte(n), ts_node_end_byte(n)) && (rc = add_decl(e, n)) != 0) {
                break;
            }
        }
        while (!ts_tree_cursor_goto_next_sibling(&c)) {
            if (depth <= 1 || !ts_tree_cursor_goto_parent(&c))
                goto done;
            depth--;
        }
    }
done:
    ts_tree_cursor_delete(&c);
    return rc;
}

/* Budget: node nd [s, en) of the walk in the declaration it belongs to, if
 * any: records where the declaration's output starts (at its own node) and
 * returns 1 when it is kept whole. */
static int decl_at(struct emit *e, TSNode nd, size_t s, size_t en)
{
    struct cand *d;
    while (e->next_decl < e->n_decls && e->decls[e->next_decl].end <= s &&
           !ts_node_eq(nd, e->decls[e->next_decl].node))
        e->next_decl++;
    if (e->next_decl == e->n_decls)
        return 0;
    d = &e->decls[e->next_decl];
    if (s < d->start || en > d->end)
        return 0;
    if (ts_node_eq(nd, d->node))
        d->out_start = e->out->len;
    return d->keep;
}

/* Budget: the walk has written node nd; when it is the current
 * declaration, records where its output ends. */
static void decl_done(struct emit *e, TSNode nd)
{
    if (e->next_decl < e->n_decls && ts_node_eq(nd, e->decls[e->next_decl].node))
        e->decls[e->next_decl].out_end = e->out->len;
}

/* Writes the marker of an elided body (node `body`, owned by a definition
 * written at Python depth e->idepth). */
static void elide(struct emit *e, TSNode body)
{
    size_t bs = ts_node_start_byte(body), be = ts_node_end_byte(body);
    e->st->bodies_elided++;
    if (e->L->layout == LAYOUT_INDENT) {
        uint32_t i, count = ts_node_named_child_count(body);
        size_t mark = e->out->len;
        take_gap(e, bs);
        e->pend_nl = e->pend_sp = e->removed = 0;
        for (i = 0; i < count; i++) {
            TSNode ch = ts_node_named_child(body, i);
            if (kind_of(e, ch) & K_COMMENT)
                continue;
            if ((kind_of(e, ch) & K_EXPR_STMT) && ts_node_named_child_count(ch) == 1 &&
                (kind_of(e, ts_node_named_child(ch, 0)) & K_STRING)) {
                TSNode str = ts_node_named_child(ch, 0);
                buf_addc(e->out, '\n');
                indent(e, e->idepth + 1);
                mark = e->out->len;
                if (!docstring_cut(e->src, ts_node_start_byte(str), ts_node_end_byte(str), 1, e->out))
                    buf_add(e->out, e->src + ts_node_start_byte(str), ts_node_end_byte(str) - ts_node_start_byte(str));
                buf_addc(e->out, '\n');
                indent(e, e->idepth + 1);
                buf_adds(e->out, "...");
            }
            break;
        }
        if (mark == e->out->len && e->last_line_comment) {
            /* a comment kept after the header's colon ("# type: ...") runs
             * to the end of its line: the body goes on the next one */
            buf_addc(e->out, '\n');
            indent(e, e->idepth + 1);
            buf_adds(e->out, "...");
        } else if (mark == e->out->len) {
            buf_adds(e->out, " ...");
        }
    } else {
        take_gap(e, bs);
        separate(e, bs, 0);
        buf_adds(e->out, e->L->body_marker);
    }
    e->prev_end = be;
    e->last_line_comment = 0;
}

/* 1 when node n (the cursor's) is the value of an assignment and spans
 * more than three lines: max elides it (what the name is matters, not
 * the table it holds). */
static int long_value(const struct emit *e, const TSTreeCursor *cur, TSNode n)
{
    TSFieldId f = ts_tree_cursor_current_field_id(cur);
    if (!f || (f != e->right_field && f != e->value_field))
        return 0;
    {
        /* __all__ lists what a Python module exports: kept */
        size_t b = ts_node_start_byte(n);
        while (b > 0 && e->src[b - 1] != '\n')
            b--;
        while (e->src[b] == ' ' || e->src[b] == '\t')
            b++;
        if (ts_node_start_byte(n) - b >= 7 && memcmp(e->src + b, "__all__", 7) == 0)
            return 0;
    }
    return ts_node_end_point(n).row - ts_node_start_point(n).row >= 3;
}

/* Python: 1 when a block holds one simple statement (and at most comments
 * this level drops), so it can follow its header on the same line
 * ("if x: return y"): tree-sitter gives the same block either way, and
 * the line break and indentation cost tokens. */
static int joinable_block(const struct emit *e, TSNode block)
{
    static const char *const simple[] = {
        "expression_statement", "return_statement", "pass_statement", "break_statement", "continue_statement",
        "raise_statement", "assert_statement", "import_statement", "import_from_statement",
        "future_import_statement", "global_statement", "nonlocal_statement", "delete_statement",
        "print_statement", "exec_statement", "type_alias_statement",
    };
    uint32_t i, count = ts_node_named_child_count(block);
    int statements = 0, ok;
    size_t k;
    for (i = 0; i < count; i++) {
        TSNode ch = ts_node_named_child(block, i);
        if (kind_of(e, ch) & K_COMMENT) {
            if (e->level < TERSE_LEVEL_BALANCED || tool_comment(e, ts_node_start_byte(ch), ts_node_end_byte(ch)))
                return 0;
            continue;
        }
        if (++statements > 1)
            return 0;
        for (ok = 0, k = 0; k < sizeof simple / sizeof simple[0] && !ok; k++)
            ok = strcmp(ts_node_type(ch), simple[k]) == 0;
        if (!ok)
            return 0;
    }
    return statements == 1;
}

/* Walks the tree and writes it (or, in collect mode, only lists the
 * definitions whose bodies max may elide). Iterative: a cursor and a heap
 * stack of frames, so nesting depth costs heap, not C stack. */
static void walk(struct emit *e, TSNode root)
{
    TSTreeCursor cur = ts_tree_cursor_new(root);
    struct frame *f = malloc(64 * sizeof *f);
    size_t depth = 0, cap = 64;
    int max = e->level >= TERSE_LEVEL_MAX;
    if (!f) {
        e->oom = 1;
        ts_tree_cursor_delete(&cur);
        return;
    }
    memset(&f[0], 0, sizeof f[0]);
    f[0].node = root;
    f[0].kind = kind_of(e, root);
    e->next_cand = 0;
    e->next_decl = 0;
    while (!e->oom) {
        TSNode nd = f[depth].node;
        uint32_t k = f[depth].kind;
        size_t s = ts_node_start_byte(nd), en = ts_node_end_byte(nd);
        int fk = f[depth].keep; /* written whole: a kept body or declaration */
        if (e->n_decls && !e->collect && decl_at(e, nd, s, en)) {
            fk = 1;
            if (depth >= 1)
                f[depth - 1].run = RUN_NONE; /* a run of macros or overloads ends */
        }
        if (max && !e->collect && depth >= 1 && f[depth - 1].cand &&
            ts_tree_cursor_current_field_id(&cur) == e->body_field &&
            s == e->cands[f[depth - 1].cand - 1].body_start) {
            struct cand *c = &e->cands[f[depth - 1].cand - 1];
            if (!c->keep) {
                elide(e, nd);
                goto advance;
            }
            c->out_start = e->out->len;
        }
        if (max && !e->collect && !fk && skeleton(e, &cur, f, depth))
            goto advance;
        if (max && !e->collect && !fk && depth >= 1 && (f[depth - 1].kind & K_ASSIGN) &&
            !(k & (K_FUNC | K_CLASS | K_COMMENT)) && long_value(e, &cur, nd) && !holds_definitions(e, nd)) {
            /* max: a long value (a table, a big literal) is elided */
            char mk[8];
            size_t ml = 0;
            if (e->L->layout == LAYOUT_INDENT) {
                memcpy(mk, "...", 3);
                ml = 3;
            } else {
                char open = e->src[s];
                if (open == '{' || open == '[' || open == '(')
                    mk[ml++] = open;
                memcpy(mk + ml, "\xe2\x80\xa6", 3); /* … */
                ml += 3;
                if (open == '{' || open == '[' || open == '(')
                    mk[ml++] = open == '{' ? '}' : open == '[' ? ']' : ')';
            }
            put(e, s, en, mk, ml, 0);
            e->st->values_elided++;
            goto advance;
        }
        if (k & K_COMMENT) {
            if (e->collect) {
                /* nothing to write */
            } else if (s >= e->lic_start && en <= e->lic_end && e->lic_end > e->lic_start &&
                       e->level >= TERSE_LEVEL_SAFE) {
                if (!e->lic_done) {
                    char mk[96];
                    const char *lc = e->L->line_comment;
                    int c_style = e->L->grammar == code_lang_get(CODE_C)->grammar;
                    int ml;
                    e->lic_done = 1;
                    e->st->license_headers++;
                    ml = snprintf(mk, sizeof mk, "%s[license header elided%s%s]%s",
                                  c_style ? "/* " : lc[0] == '#' ? "# " : "// ", e->lic_name[0] ? ": " : "",
                                  e->lic_name, c_style ? " */" : "");
                    if (ml < 0 || (size_t)ml >= sizeof mk)
                        ml = (int)sizeof mk - 1;
                    put(e, s, en, mk, (size_t)ml, !c_style);
                } else {
                    drop(e, s, en);
                }
            } else if (e->level >= TERSE_LEVEL_BALANCED && !tool_comment(e, s, en)) {
                drop(e, s, en);
                e->st->comments_removed++;
            } else {
                put(e, s, en, NULL, 0, 1);
            }
        } else if (k & K_ATOMIC) {
            size_t mark = e->out->len;
            if (!e->collect && e->level >= TERSE_LEVEL_BALANCED && is_docstring(e, f, depth)) {
                struct buf tmp = {0};
                size_t tn = docstring_cut(e->src, s, en, max && !fk, &tmp);
                if (tn) {
                    put(e, s, en, tmp.p, tn, 0);
                    e->st->docstrings_cut++;
                }
                if (tmp.oom)
                    e->oom = 1;
                buf_free(&tmp);
            }
            if (mark == e->out->len)
                put(e, s, en, NULL, 0, 0);
        } else if (ts_node_child_count(nd) == 0) {
            if (en > s)
                put(e, s, en, NULL, 0, 0);
        } else {
            int keep = fk;
            if (max && !keep && (k & K_FUNC)) {
                TSNode body = elidable_body(e, nd);
                if (!ts_node_is_null(body) && !holds_definitions(e, nd)) {
                    if (e->collect) {
                        /* nested definitions belong to this one */
                        if (add_cand(e, nd, body) != 0)
                            e->oom = 1;
                        goto advance;
                    }
                    /* a candidate inside something the skeleton elided
                     * (a field's arrow function) was never reached */
                    while (e->next_cand < e->n_cands && e->cands[e->next_cand].start < s)
                        e->next_cand++;
                    if (e->next_cand < e->n_cands && e->cands[e->next_cand].start == s) {
                        f[depth].cand = ++e->next_cand;
                        if (e->cands[e->next_cand - 1].keep) {
                            keep = 1;
                            e->st->bodies_kept++;
                        }
                    }
                }
            }
            if ((k & K_BLOCK) && !e->collect && joinable_block(e, nd))
                e->join_line = 1;
            if (ts_tree_cursor_goto_first_child(&cur)) {
                if (depth + 1 >= cap) {
                    struct frame *p = realloc(f, cap * 2 * sizeof *p);
                    if (!p) {
                        e->oom = 1;
                        break;
                    }
                    f = p;
                    cap *= 2;
                }
                depth++;
                memset(&f[depth], 0, sizeof f[depth]);
                f[depth].node = ts_tree_cursor_current_node(&cur);
                f[depth].kind = kind_of(e, f[depth].node);
                f[depth].keep = (uint8_t)keep;
                continue;
            }
        }
    advance:
        if (e->n_decls && !e->collect)
            decl_done(e, f[depth].node);
        while (!ts_tree_cursor_goto_next_sibling(&cur)) {
            if (depth == 0 || !ts_tree_cursor_goto_parent(&cur))
                goto done;
            depth--;
            if (f[depth].cand && e->cands[f[depth].cand - 1].keep)
                e->cands[f[depth].cand - 1].out_end = e->out->len;
            if (e->n_decls && !e->collect)
                decl_done(e, f[depth].node);
        }
        f[depth].node = ts_tree_cursor_current_node(&cur);
        f[depth].kind = kind_of(e, f[depth].node);
        f[depth].cand = 0;
        f[depth].run = RUN_NONE;
        f[depth].named = 0;
        f[depth].last_name = f[depth].last_len = 0;
    }
done:
    free(f);
    ts_tree_cursor_delete(&cur);
}

/* ---- relevance (max with a query or a budget) ----------------------------------- */

/* Appends s[0..n) with identifiers split into words (snake_case and
 * camelCase parts), so that BM25 finds "parse header" in parseHeader. */
static void split_words(struct buf *b, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    (unsigned char)c >= 0x80;
        if (!alnum) {
            buf_addc(b, ' ');
            continue;
        }
        if (i > 0 && c >= 'A' && c <= 'Z' && s[i - 1] >= 'a' && s[i - 1] <= 'z')
            buf_addc(b, ' ');
        buf_addc(b, c);
    }
    buf_addc(b, ' ');
}

/* 1 for a byte of an identifier (ASCII). */
static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* Scores the n candidates of cands (bodies or declarations): BM25 of the
 * query over each one's split words, weighted up by how often the rest of
 * the file names it (aider's repo map ranks by references); without a
 * query the references alone, earlier first on ties. Returns 0 or -1. */
static int score_cands(struct emit *e, struct cand *cands, size_t n)
{
    struct buf words = {0}, q = {0};
    size_t *offs = NULL, i, tsize = 4096, used = 0, *table = NULL;
    struct bm25_seg *segs = NULL;
    double *sc = NULL;
    int rc = -1;
    if (!n)
        return 0;
    /* word counts over the whole file, in an open-addressing table of
     * hashes that doubles at half full */
    table = calloc(tsize * 2, sizeof *table); /* [hash, count] pairs; hash 0 = empty */
    offs = malloc((n + 1) * sizeof *offs);
    segs = malloc(n * sizeof *segs);
    sc = calloc(n, sizeof *sc);
    if (!table || !offs || !segs || !sc)
        goto out;
    for (i = 0; i < e->n;) {
        size_t j = i, slot;
        uint64_t h;
        if (!word_char(e->src[i])) {
            i++;
            continue;
        }
        while (j < e->n && word_char(e->src[j]))
            j++;
        h = terse_hash_bytes(e->src + i, j - i) | 1;
        for (slot = (size_t)h & (tsize - 1); table[2 * slot] && table[2 * slot] != (size_t)h;
             slot = (slot + 1) & (tsize - 1))
            ;
        if (!table[2 * slot] && ++used * 2 > tsize) {
            size_t k, *bigger = calloc(tsize * 4, sizeof *bigger);
            if (!bigger)
                goto out;
            for (k = 0; k < tsize; k++) {
                size_t sl;
                if (!table[2 * k])
                    continue;
                for (sl = table[2 * k] & (tsize * 2 - 1); bigger[2 * sl]; sl = (sl + 1) & (tsize * 2 - 1))
                    ;
                bigger[2 * sl] = table[2 * k];
                bigger[2 * sl + 1] = table[2 * k + 1];
            }
            free(table);
            table = bigger;
            tsize *= 2;
            used--;
            continue; /* look the word up again in the bigger table */
        }
        table[2 * slot] = (size_t)h;
        table[2 * slot + 1]++;
        i = j;
    }
    for (i = 0; i < n; i++) {
        struct cand *c = &cands[i];
        size_t refs = 0;
        if (c->name_end > c->name_start) {
            uint64_t h = terse_hash_bytes(e->src + c->name_start, c->name_end - c->name_start) | 1;
            size_t slot;
            for (slot = (size_t)h & (tsize - 1); table[2 * slot] && table[2 * slot] != (size_t)h;
                 slot = (slot + 1) & (tsize - 1))
                ;
            refs = table[2 * slot + 1] ? table[2 * slot + 1] - 1 : 0;
        }
        c->score = 0.5 * log((double)refs + 1.0) + 1.0 / (double)(i + 10);
        offs[i] = words.len;
        split_words(&words, e->src + c->start, c->end - c->start);
        if (c->name_end > c->name_start) /* the name counts twice */
            split_words(&words, e->src + c->name_start, c->name_end - c->name_start);
    }
    offs[n] = words.len;
    if (words.oom)
        goto out;
    if (e->o->query && e->o->query_len) {
        double top = 0;
        split_words(&q, e->o->query, e->o->query_len);
        if (q.oom)
            goto out;
        for (i = 0; i < n; i++) {
            segs[i].s = words.p + offs[i];
            segs[i].n = offs[i + 1] - offs[i];
        }
        if (bm25_score(q.p, q.len, segs, n, sc) != 0)
            goto out;
        for (i = 0; i < n; i++) {
            cands[i].score = sc[i] > 0 ? sc[i] * (1.0 + cands[i].score) : cands[i].score / 100.0;
            if (sc[i] > 0 && cands[i].score > top)
                top = cands[i].score;
        }
        /* without a budget: the bodies of the most relevant definitions stay */
        for (i = 0; i < n && !e->o->budget; i++)
            cands[i].keep = sc[i] > 0 && cands[i].score >= top / 2;
    }
    rc = 0;
out:
    buf_free(&words);
    buf_free(&q);
    free(offs);
    free(segs);
    free(sc);
    free(table);
    return rc;
}

/* Candidate order for the budget: most relevant first, earlier on ties. */
struct ranked_cand {
    double score;
    size_t index;
};

/* qsort order: higher score first, earlier candidate on ties. */
static int by_relevance(const void *a, const void *b)
{
    const struct ranked_cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* ---- the pass ---------------------------------------------------------------- */

/* Go: 1 when the last node of the file (comments aside) is a statement,
 * not a package clause or a function, method or import declaration.
 * tree-sitter-go takes statements at the top level (snippets) but wants
 * each ended by a line break or `;`, even the last ("x++" alone does not
 * parse, "x++\n" does), so a line break after one must stay. */
static int go_ends_in_statement(const struct emit *e, TSNode root)
{
    uint32_t i = ts_node_named_child_count(root);
    const char *t;
    while (i > 0 && (kind_of(e, ts_node_named_child(root, i - 1)) & K_COMMENT))
        i--;
    if (i == 0)
        return 0;
    t = ts_node_type(ts_node_named_child(root, i - 1));
    return !code_word_in("package_clause function_declaration method_declaration import_declaration", t, strlen(t));
}

/* Writes the whole tree at e->level into e->out (from empty). */
static void write_tree(struct emit *e, TSNode root)
{
    e->out->len = 0;
    e->prev_end = 0;
    e->pend_nl = e->pend_sp = e->removed = e->started = e->last_line_comment = e->pp_line = e->join_line = 0;
    e->idepth = 0;
    e->istack[0] = 0;
    e->brackets = 0;
    e->lic_done = 0;
    walk(e, root);
    /* C and C++: a preprocessor line must end with a line break */
    take_gap(e, e->n);
    if (e->pend_nl && !e->collect && (e->L->grammar == code_lang_get(CODE_C)->grammar ||
                                      e->L->grammar == code_lang_get(CODE_CPP)->grammar)) {
        /* a preprocessor line (maybe continued over several) must end with
         * a line break: keep the last one */
        size_t i = e->out->len;
        while (i > 0 && !(e->out->p[i - 1] == '\n' && (i < 2 || e->out->p[i - 2] != '\\')))
            i--;
        while (i < e->out->len && (e->out->p[i] == ' ' || e->out->p[i] == '\t'))
            i++;
        if (i < e->out->len && e->out->p[i] == '#')
            buf_addc(e->out, '\n');
    }
    if (e->pend_nl && !e->collect && e->L->grammar == code_lang_get(CODE_GO)->grammar && go_ends_in_statement(e, root))
        buf_addc(e->out, '\n');
}

/* Counts tokens with the caller's callback into *c; returns 0, or -1
 * (and marks e->oom) when it fails. */
static int count_out(struct emit *e, const char *s, size_t n, size_t *c)
{
    if (e->o->count(e->o->count_arg, s, n, c) != 0) {
        e->oom = 1;
        return -1;
    }
    return 0;
}

/* The budget's candidate at index i of the union of bodies (first) and
 * declarations. */
static struct cand *unit_at(struct emit *e, size_t i)
{
    return i < e->n_cands ? &e->cands[i] : &e->decls[i - e->n_cands];
}

/* Writes the tree with the keeps as they stand (the stats as in saved)
 * and counts it into *got. Returns 0, or -1 without memory. */
static int write_count(struct emit *e, TSNode root, const struct code_stats *saved, size_t *got)
{
    size_t i;
    for (i = 0; i < e->n_decls; i++)
        e->decls[i].out_start = e->decls[i].out_end = 0;
    *e->st = *saved;
    write_tree(e, root);
    return e->oom || count_out(e, e->out->p, e->out->len, got) != 0 ? -1 : 0;
}

/* The tokens of each of the n candidates' output in the last write (its
 * out range; 0 when it has none): into .tokens, or, with less, taken off
 * .tokens (at most down to 0). Returns 0, or -1 without memory. */
static int count_ranges(struct emit *e, struct cand *arr, size_t n, int less)
{
    size_t i;
    for (i = 0; i < n; i++) {
        struct cand *c = &arr[i];
        size_t t = 0;
        if (c->out_end > c->out_start && count_out(e, e->out->p + c->out_start, c->out_end - c->out_start, &t) != 0)
            return -1;
        c->tokens = !less ? t : c->tokens > t ? c->tokens - t : 0;
    }
    return 0;
}

/* max with a budget: everything whole if it fits; else the skeleton plus,
 * most relevant first, the bodies and the declarations (written whole
 * instead of as a skeleton) that fit, by exact counts. Returns CODE_OK or
 * CODE_EBUDGET (out: the skeleton). */
static int fit_bodies(struct emit *e, TSNode root)
{
    struct ranked_cand *rk;
    size_t i, total, skel, est, tries, n = e->n_cands + e->n_decls;
    struct code_stats saved = *e->st;
    for (i = 0; i < n; i++)
        unit_at(e, i)->keep = 1;
    if (write_count(e, root, &saved, &total) != 0)
        return CODE_ENOMEM;
    if (total <= e->o->budget)
        return CODE_OK;
    /* what each body and declaration costs: a body its tokens; a
     * declaration its whole form less its skeleton */
    if (count_ranges(e, e->cands, e->n_cands, 0) != 0 || count_ranges(e, e->decls, e->n_decls, 0) != 0)
        return CODE_ENOMEM;
    for (i = 0; i < n; i++)
        unit_at(e, i)->keep = 0;
    if (write_count(e, root, &saved, &skel) != 0 || count_ranges(e, e->decls, e->n_decls, 1) != 0)
        return CODE_ENOMEM;
    if (skel > e->o->budget) {
        e->st->min_tokens = skel;
        return CODE_EBUDGET;
    }
    rk = malloc((n ? n : 1) * sizeof *rk);
    if (!rk)
        return CODE_ENOMEM;
    for (i = 0; i < n; i++) {
        rk[i].score = unit_at(e, i)->score;
        rk[i].index = i;
    }
    qsort(rk, n, sizeof *rk, by_relevance);
    est = skel;
    for (i = 0; i < n; i++) {
        struct cand *c = unit_at(e, rk[i].index);
        if (est + c->tokens <= e->o->budget) {
            c->keep = 1;
            est += c->tokens;
        }
    }
    /* the estimate adds up pieces (a kept macro splits a folded run in
     * two markers, say); the exact count decides, dropping the least
     * relevant kept ones, as many as the excess costs, while over */
    for (tries = 0; tries < 64; tries++) {
        size_t got, freed = 0;
        if (write_count(e, root, &saved, &got) != 0) {
            free(rk);
            return CODE_ENOMEM;
        }
        if (got <= e->o->budget)
            break;
        for (i = n; i > 0 && freed < got - e->o->budget; i--) {
            struct cand *c = unit_at(e, rk[i - 1].index);
            if (c->keep) {
                c->keep = 0;
                freed += c->tokens ? c->tokens : 1;
            }
        }
        if (!freed)
            break;
    }
    if (tries == 64) { /* give up: the skeleton fits */
        for (i = 0; i < n; i++)
            unit_at(e, i)->keep = 0;
        *e->st = saved;
        write_tree(e, root);
    } else {
        /* the estimate leaves out the markers a kept one replaces: try the
         * next few most relevant by exact counts */
        size_t tried = 0;
        for (i = 0; i < n && tried < 8 && !e->oom; i++) {
            struct cand *c = unit_at(e, rk[i].index);
            size_t got;
            if (c->keep || c->tokens > e->o->budget)
                continue;
            tried++;
            c->keep = 1;
            if (write_count(e, root, &saved, &got) != 0)
                break;
            if (got > e->o->budget)
                c->keep = 0;
        }
        *e->st = saved;
        write_tree(e, root);
    }
    free(rk);
    return e->oom ? CODE_ENOMEM : CODE_OK;
}

/* ---- tree-sitter's memory ---------------------------------------------------- */

/* tree-sitter cannot report a failed allocation (it uses what it gets), and
 * its own allocator prints "tree-sitter failed to allocate N bytes" without
 * a newline and exits 1. Ours ends the process the way every out-of-memory
 * of terse does: one "terse:" line on stderr and status 2 (TERSE_EXIT_OOM
 * in code.h). This is the one place where the library ends the process. */
static void ts_out_of_memory(size_t n)
{
    fprintf(stderr, "terse: out of memory (the code parser could not get %zu bytes)\n", n);
    fflush(stderr);
    _Exit(CODE_EXIT_OOM);
}

static void *ts_malloc_or_exit(size_t n)
{
    void *p = malloc(n);
    if (!p && n)
        ts_out_of_memory(n);
    return p;
}

static void *ts_calloc_or_exit(size_t k, size_t n)
{
    void *p = calloc(k, n);
    if (!p && k && n)
        ts_out_of_memory(k * n);
    return p;
}

static void *ts_realloc_or_exit(void *q, size_t n)
{
    void *p = realloc(q, n);
    if (!p && n)
        ts_out_of_memory(n);
    return p;
}

static pthread_once_t ts_alloc_once = PTHREAD_ONCE_INIT;

static void ts_alloc_install(void)
{
    ts_set_allocator(ts_malloc_or_exit, ts_calloc_or_exit, ts_realloc_or_exit, free);
}

/* See code.h. One parser per call: a context holds no parser (no state). */
int code_parses(const char *src, size_t n, int lang)
{
    const struct code_lang *L = code_lang_get(lang);
    TSParser *p;
    TSTree *t = NULL;
    int ok = 0;
    pthread_once(&ts_alloc_once, ts_alloc_install);
    if (!L || n > UINT32_MAX || !(p = ts_parser_new()))
        return 0;
    if (ts_parser_set_language(p, L->grammar()) && (t = ts_parser_parse_string(p, NULL, src, (uint32_t)n)) != NULL)
        ok = !ts_node_has_error(ts_tree_root_node(t));
    if (t)
        ts_tree_delete(t);
    ts_parser_delete(p);
    return ok;
}

/* See code.h. Parses once; max with a query or budget walks the tree more
 * than once (collect, score, write and fit), never re-parsing. */
int code_compress(const char *src, size_t n, const struct code_opts *o, struct buf *out, struct code_stats *st)
{
    const struct code_lang *L = code_lang_get(o->lang);
    struct emit e;
    TSParser *parser;
    TSTree *tree = NULL;
    TSNode root;
    int rc = CODE_OK;
    struct buf tmp = {0};
    memset(&e, 0, sizeof e);
    if (!L || n > UINT32_MAX) {
        st->parse_errors++;
        buf_add(out, src, n);
        return out->oom ? CODE_ENOMEM : CODE_OK;
    }
    pthread_once(&ts_alloc_once, ts_alloc_install);
    parser = ts_parser_new();
    if (!parser || !ts_parser_set_language(parser, L->grammar()))
        goto fail;
    tree = ts_parser_parse_string(parser, NULL, src, (uint32_t)n);
    if (!tree)
        goto fail;
    root = ts_tree_root_node(tree);
    if (ts_node_has_error(root)) {
        st->parse_errors++;
        buf_add(out, src, n);
        goto done;
    }
    e.src = src;
    e.n = n;
    e.L = L;
    e.o = o;
    e.level = o->level;
    e.st = st;
    e.out = &tmp;
    e.unit = o->indent ? o->indent : CODE_INDENT;
    e.c_family = o->lang == CODE_C || o->lang == CODE_CPP;
    e.icap = 64;
    e.istack = malloc(e.icap * sizeof *e.istack);
    if (!e.istack || classify(&e, L->grammar()) != 0)
        goto fail;
    find_license(&e, root);
    if (e.level >= TERSE_LEVEL_MAX) {
        e.collect = 1;
        walk(&e, root);
        e.collect = 0;
        if (!e.oom && o->budget && o->count && collect_decls(&e, root) != 0)
            goto fail;
        if (e.oom || ((o->query_len || o->budget) && (score_cands(&e, e.cands, e.n_cands) != 0 ||
                                                      score_cands(&e, e.decls, e.n_decls) != 0)))
            goto fail;
    }
    if (e.level >= TERSE_LEVEL_MAX && o->budget && o->count) {
        rc = fit_bodies(&e, root);
        if (rc == CODE_ENOMEM)
            goto fail;
    } else {
        write_tree(&e, root);
    }
    if (e.oom || tmp.oom)
        goto fail;
    buf_add(out, tmp.p, tmp.len);
    goto done;
fail:
    rc = CODE_ENOMEM;
done:
    buf_free(&tmp);
    free(e.kind);
    free(e.istack);
    free(e.cands);
    free(e.decls);
    if (tree)
        ts_tree_delete(tree);
    if (parser)
        ts_parser_delete(parser);
    if (out->oom)
        rc = CODE_ENOMEM;
    return rc;
}
