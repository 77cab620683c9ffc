/* code_syntax.c - what the code pass knows of a grammar's nodes: symbol
 * classes from their names, tool comments (lint pragmas, type-checker and
 * formatter directives) that must stay, license headers, Python docstrings;
 * see code_internal.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/buf.h"
#include "../common/hash.h"
#include "code_internal.h"
#include "code_lang.h"

/* 1 when the symbol name contains part. */
static int name_has(const char *name, const char *part)
{
    return strstr(name, part) != NULL;
}

/* See code_internal.h. */
int code_classify(struct emit *e, const TSLanguage *lang)
{
    uint32_t i;
    e->n_symbols = ts_language_symbol_count(lang);
    e->kind = calloc(e->n_symbols + 1, sizeof *e->kind);
    if (!e->kind)
        return TERSE_ENOMEM;
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
            /* the declarations max writes as a skeleton (code_skeleton()) */
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

/* See code_internal.h. */
uint32_t code_kind_of(const struct emit *e, TSNode n)
{
    TSSymbol s = ts_node_symbol(n);
    return s < e->n_symbols ? e->kind[s] : 0;
}

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

/* See code_internal.h. */
int code_tool_comment(const struct emit *e, size_t s, size_t end)
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

/* See code_internal.h. */
void code_find_license(struct emit *e, TSNode root)
{
    uint32_t i, count = ts_node_named_child_count(root);
    size_t first = 0, last = 0;
    int have = 0;
    e->lic_start = e->lic_end = 0;
    for (i = 0; i < count; i++) {
        TSNode ch = ts_node_named_child(root, i);
        size_t s = ts_node_start_byte(ch), en = ts_node_end_byte(ch);
        if (!(code_kind_of(e, ch) & K_COMMENT))
            break;
        if (!have && code_tool_comment(e, s, en))
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

/* See code_internal.h. */
int code_is_docstring(const struct emit *e, const struct frame *f, size_t d)
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
        if (code_kind_of(e, ch) & K_COMMENT)
            continue;
        return ts_node_start_byte(ch) == ts_node_start_byte(stmt);
    }
    return 0;
}

/* See code_internal.h. */
size_t code_docstring_cut(const char *src, size_t s, size_t en, int first_line, struct buf *out)
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
