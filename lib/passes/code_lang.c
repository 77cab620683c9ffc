/* code_lang.c - the language table and language recognition; see
 * code_lang.h. */
#include "code_lang.h"

#include <string.h>
#include <strings.h>

#include "../common/lex.h"
#include "../common/json.h"

const struct TSLanguage *tree_sitter_python(void);
const struct TSLanguage *tree_sitter_javascript(void);
const struct TSLanguage *tree_sitter_typescript(void);
const struct TSLanguage *tree_sitter_tsx(void);
const struct TSLanguage *tree_sitter_c(void);
const struct TSLanguage *tree_sitter_cpp(void);
const struct TSLanguage *tree_sitter_go(void);
const struct TSLanguage *tree_sitter_rust(void);
const struct TSLanguage *tree_sitter_java(void);
const struct TSLanguage *tree_sitter_json(void);
const struct TSLanguage *tree_sitter_bash(void);

#define JS_FUNCS "function_declaration generator_function_declaration method_definition function_expression " \
                 "generator_function arrow_function function"

static const struct code_lang langs[CODE_LANG_COUNT] = {
    {"python", "py python3 py3 pyi", ".py .pyi .pyw", tree_sitter_python, "#", LAYOUT_INDENT,
     "function_definition", "..."},
    {"javascript", "js jsx mjs cjs node", ".js .mjs .cjs .jsx", tree_sitter_javascript, "//", LAYOUT_LINES,
     JS_FUNCS, "{…}"},
    {"typescript", "ts mts cts", ".ts .mts .cts", tree_sitter_typescript, "//", LAYOUT_LINES, JS_FUNCS, "{…}"},
    {"tsx", "", ".tsx", tree_sitter_tsx, "//", LAYOUT_LINES, JS_FUNCS, "{…}"},
    {"c", "h", ".c .h", tree_sitter_c, "//", LAYOUT_LINES, "function_definition", "{…}"},
    {"cpp", "c++ cc cxx hpp hh hxx", ".cpp .cc .cxx .c++ .hpp .hh .hxx .h++ .ipp .tcc", tree_sitter_cpp, "//",
     LAYOUT_LINES, "function_definition lambda_expression", "{…}"},
    {"go", "golang", ".go", tree_sitter_go, "//", LAYOUT_LINES, "function_declaration method_declaration func_literal",
     "{…}"},
    {"rust", "rs", ".rs", tree_sitter_rust, "//", LAYOUT_LINES, "function_item", "{…}"},
    {"java", "", ".java", tree_sitter_java, "//", LAYOUT_LINES, "method_declaration constructor_declaration",
     "{…}"},
    {"json", "jsonc json5", ".json .jsonc", tree_sitter_json, NULL, LAYOUT_FREE, "", ""},
    {"bash", "sh shell zsh ksh", ".sh .bash .zsh .ksh", tree_sitter_bash, "#", LAYOUT_LINES, "function_definition",
     "{ …; }"},
};

/* See code_lang.h. */
const struct code_lang *code_lang_get(int id)
{
    return id >= 0 && id < CODE_LANG_COUNT ? &langs[id] : NULL;
}

/* See code_lang.h. Linear: the lists are a few words long. */
int code_word_in(const char *list, const char *w, size_t n)
{
    const char *p = list;
    if (!n)
        return 0;
    while (*p) {
        size_t L;
        while (*p == ' ')
            p++;
        L = strcspn(p, " ");
        if (L == n && strncasecmp(p, w, n) == 0)
            return 1;
        p += L;
    }
    return 0;
}

/* See code_lang.h. */
int code_lang_parse(const char *name, size_t n)
{
    int i;
    for (i = 0; i < CODE_LANG_COUNT; i++)
        if ((strlen(langs[i].name) == n && strncasecmp(langs[i].name, name, n) == 0) ||
            code_word_in(langs[i].aliases, name, n))
            return i;
    return CODE_NONE;
}

/* See code_lang.h. The extension is what follows the last dot of the
 * last path component; "Makefile" and ".bashrc" have none. */
int code_lang_from_path(const char *path, size_t n)
{
    size_t i = n, dot = n;
    int k;
    while (i > 0 && path[i - 1] != '/' && path[i - 1] != '\\') {
        if (path[i - 1] == '.' && dot == n)
            dot = i - 1;
        i--;
    }
    if (dot == n || dot == i) /* no extension, or a dot file */
        return CODE_NONE;
    for (k = 0; k < CODE_LANG_COUNT; k++)
        if (code_word_in(langs[k].exts, path + dot, n - dot))
            return k;
    return CODE_NONE;
}


/* 1 when s[0..n) starts with the word w: w followed by the end of the
 * line or by a character that cannot continue a word ("fi" is a word of
 * "fi;" but not of "first"). */
static int has_word(const char *s, size_t n, const char *w)
{
    size_t L = strlen(w);
    unsigned char c;
    if (!lex_starts(s, n, w))
        return 0;
    if (n == L)
        return 1;
    c = (unsigned char)s[L];
    return !(c == '_' || c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             c >= 0x80);
}

/* 1 when the line is a shell keyword that ends a line or a command: the
 * keyword alone, or followed by ";" or by a space and a redirection, pipe,
 * "&" or comment ("done < list", "fi;"); "then the idea" is a sentence. */
static int shell_word(const char *s, size_t n, const char *w)
{
    size_t L = strlen(w);
    if (!lex_starts(s, n, w))
        return 0;
    return n == L || s[L] == ';' || (s[L] == ' ' && L + 1 < n && strchr("<>|&;#", s[L + 1]) != NULL);
}

/* 1 when s[0..n) contains "self." at the start of a name (not the end of
 * "itself." in a sentence). */
static int has_self(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i + 5 <= n; i++)
        if (s[i] == 's' && memcmp(s + i, "self.", 5) == 0) {
            unsigned char c = i ? (unsigned char)s[i - 1] : ' ';
            if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c >= 0x80))
                return 1;
        }
    return 0;
}

/* Adds to score[] the evidence of one line (leading blanks removed). */
static void score_line(const char *s, size_t n, int score[CODE_LANG_COUNT])
{
    char last = n ? s[n - 1] : 0;
    if (lex_starts(s, n, "def ") || lex_starts(s, n, "elif ") || (has_word(s, n, "except") && last == ':') ||
        (lex_starts(s, n, "from ") && lex_contains(s, n, " import ")) || has_self(s, n) ||
        (lex_starts(s, n, "class ") && last == ':') || lex_starts(s, n, "async def "))
        score[CODE_PYTHON] += 3;
    if ((lex_starts(s, n, "import ") && last != ';' && !lex_contains(s, n, " from ")) ||
        (last == ':' && (lex_starts(s, n, "if ") || lex_starts(s, n, "for ") || lex_starts(s, n, "else") ||
                         lex_starts(s, n, "try") || lex_starts(s, n, "while ") || lex_starts(s, n, "with "))))
        score[CODE_PYTHON] += 1;
    if (lex_starts(s, n, "#include") || lex_starts(s, n, "#define") || lex_starts(s, n, "#if") ||
        lex_starts(s, n, "#endif") || lex_starts(s, n, "typedef ")) {
        score[CODE_C] += 2;
        score[CODE_CPP] += 1;
    }
    if (lex_starts(s, n, "static ") || lex_starts(s, n, "extern ") || lex_contains(s, n, "->") ||
        lex_starts(s, n, "struct ") || lex_starts(s, n, "void ") || lex_starts(s, n, "int "))
        score[CODE_C] += 1;
    if (lex_contains(s, n, "std::") || lex_starts(s, n, "template") || lex_starts(s, n, "namespace ") ||
        lex_starts(s, n, "public:") || lex_starts(s, n, "private:") || lex_starts(s, n, "using namespace") ||
        lex_contains(s, n, "#include <iostream>"))
        score[CODE_CPP] += 4;
    if (lex_starts(s, n, "package ") && last != ';')
        score[CODE_GO] += 4;
    if (lex_starts(s, n, "func ") || lex_contains(s, n, " := ") || lex_contains(s, n, "fmt."))
        score[CODE_GO] += 3;
    if (lex_starts(s, n, "fn ") || lex_starts(s, n, "pub fn ") || lex_contains(s, n, "let mut ") ||
        lex_starts(s, n, "impl") || (lex_starts(s, n, "use ") && lex_contains(s, n, "::")) || lex_starts(s, n, "#[") ||
        lex_starts(s, n, "pub struct ") || lex_contains(s, n, "println!"))
        score[CODE_RUST] += 3;
    if ((lex_starts(s, n, "package ") && last == ';') || lex_starts(s, n, "import java") ||
        lex_contains(s, n, "public class ") || lex_contains(s, n, "System.out") || lex_starts(s, n, "@Override") ||
        lex_contains(s, n, "private final ") || lex_contains(s, n, "public static void"))
        score[CODE_JAVA] += 3;
    if (lex_starts(s, n, "function ") || lex_starts(s, n, "const ") || lex_starts(s, n, "let ") ||
        lex_starts(s, n, "var ") || lex_contains(s, n, "=> ") || lex_contains(s, n, "require(") ||
        lex_contains(s, n, "module.exports") || lex_contains(s, n, "console.") || lex_starts(s, n, "export ") ||
        (lex_starts(s, n, "import ") && lex_contains(s, n, " from ")) || lex_contains(s, n, "===")) {
        score[CODE_JAVASCRIPT] += 2;
        score[CODE_TYPESCRIPT] += 2;
    }
    if (lex_starts(s, n, "interface ") || lex_starts(s, n, "export interface") || lex_starts(s, n, "type ") ||
        lex_starts(s, n, "export type ") || lex_contains(s, n, ": string") || lex_contains(s, n, ": number") ||
        lex_contains(s, n, ": boolean") || lex_starts(s, n, "import type") || lex_contains(s, n, "readonly ") ||
        lex_starts(s, n, "declare "))
        score[CODE_TYPESCRIPT] += 3;
    if (lex_starts(s, n, "#!/bin/") || lex_starts(s, n, "#!/usr/bin/env bash") ||
        lex_starts(s, n, "#!/usr/bin/env sh") || shell_word(s, n, "fi") || shell_word(s, n, "then") ||
        shell_word(s, n, "esac") || shell_word(s, n, "done") || lex_starts(s, n, "echo ") ||
        lex_starts(s, n, "export ") || lex_contains(s, n, "$(") || lex_contains(s, n, "${") || lex_starts(s, n, "set -"))
        score[CODE_BASH] += 2;
    if (lex_starts(s, n, "#!/usr/bin/env python") || lex_starts(s, n, "#!/usr/bin/python"))
        score[CODE_PYTHON] += 10;
    if (lex_starts(s, n, "#!/usr/bin/env node"))
        score[CODE_JAVASCRIPT] += 10;
}

/* See code_lang.h. Valid JSON is json; otherwise the language with the
 * most evidence, at least 2 points (one Python def, two JavaScript consts). */
int code_lang_guess(const char *s, size_t n)
{
    int score[CODE_LANG_COUNT] = {0};
    size_t i = 0, limit = n < 65536 ? n : 65536;
    int k, best = CODE_NONE, best_score = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i < n && (s[i] == '{' || s[i] == '[') && json_valid(s, n))
        return CODE_JSON;
    for (i = 0; i < limit;) {
        const char *nl = memchr(s + i, '\n', limit - i);
        size_t e = nl ? (size_t)(nl - s) : limit, t = i;
        while (t < e && (s[t] == ' ' || s[t] == '\t'))
            t++;
        while (e > t && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
            e--;
        if (e > t)
            score_line(s + t, e - t, score);
        i = (nl ? (size_t)(nl - s) : limit) + 1;
    }
    for (k = 0; k < CODE_LANG_COUNT; k++)
        if (score[k] > best_score) { /* ties: the earlier in the table */
            best_score = score[k];
            best = k;
        }
    return best_score >= 2 ? best : CODE_NONE;
}
