/* test_code.c - the code pass: levels per language, tool comments,
 * docstrings, language recognition, fences, multi-file input, max with a
 * query and a budget, parse errors and hostile input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "../../lib/common/buf.h"
#include "../../lib/common/utf8.h"
#include "../../lib/detect/detect.h"
#include "../../lib/passes/code.h"
#include "../../lib/passes/code_lang.h"
#include "check.h"
#include "terse.h"

/* The code pass alone on a NUL-terminated source; returns a new string. */
static char *pass(const char *src, int lang, int level, struct code_stats *st)
{
    struct code_opts o;
    struct code_stats dummy;
    struct buf b = {0};
    char *s;
    size_t n;
    memset(&o, 0, sizeof o);
    memset(&dummy, 0, sizeof dummy);
    o.lang = lang;
    o.level = level;
    if (code_compress(src, strlen(src), &o, &b, st ? st : &dummy) != TERSE_OK)
        return NULL;
    buf_addc(&b, 0);
    s = buf_take(&b, &n);
    return s;
}

/* terse_compress with a file name or language; r released by the caller. */
static int run(const char *text, size_t len, const char *name, const char *lang, int level, size_t budget,
               const char *query, terse_result *r)
{
    terse_options o;
    terse_options_init(&o);
    o.level = level;
    o.name = name;
    o.lang = lang;
    o.budget = budget;
    if (query) {
        o.query = query;
        o.query_len = strlen(query);
    }
    return compress_with(&o, text, len, r);
}

static const char py[] =
    "#!/usr/bin/env python3\n"
    "# -*- coding: utf-8 -*-\n"
    "# Copyright (c) 2024 Example Corp.\n"
    "# Licensed under the Apache License, Version 2.0.\n"
    "\"\"\"Tools for widgets.\n"
    "\n"
    "Long description of the module.\n"
    "\"\"\"\n"
    "import os\n"
    "\n"
    "\n"
    "class Widget:\n"
    "    \"\"\"A widget. It has parts.\"\"\"\n"
    "\n"
    "    def size(self, scale=2):  # the size\n"
    "        \"\"\"Return the size. Scaled by scale.\"\"\"\n"
    "        x = self.parts  # type: list\n"
    "        if x:\n"
    "            return len(x) * scale\n"
    "        return 0\n";

static void test_python_levels(void)
{
    struct code_stats st;
    char *e = pass(py, CODE_PYTHON, TERSE_LEVEL_EXACT, NULL);
    char *s = pass(py, CODE_PYTHON, TERSE_LEVEL_SAFE, NULL);
    char *b, *m;
    memset(&st, 0, sizeof st);
    b = pass(py, CODE_PYTHON, TERSE_LEVEL_BALANCED, &st);
    m = pass(py, CODE_PYTHON, TERSE_LEVEL_MAX, NULL);
    CHECK(e && s && b && m);
    if (!e || !s || !b || !m)
        goto out;
    /* exact: one space per level, no blank lines, comments kept */
    CHECK(strstr(e, "class Widget:\n \"\"\"A widget. It has parts.\"\"\"\n def size(self,scale=2): # the size\n") !=
          NULL);
    CHECK(strstr(e, "\n  if x:return len(x)*scale\n  return 0") != NULL);
    CHECK(strstr(e, "# Copyright (c) 2024") != NULL);
    /* safe: the license header becomes a marker naming the license */
    CHECK(strstr(s, "# [license header elided: Apache]\n") != NULL);
    CHECK(strstr(s, "Copyright") == NULL && strstr(s, "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n") == s);
    /* balanced: comments go but those a tool reads; docstrings to their first sentence */
    CHECK(strstr(b, "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n") == b);
    CHECK(strstr(b, "# the size") == NULL && strstr(b, "x=self.parts# type: list") != NULL);
    CHECK(strstr(b, "\"\"\"Tools for widgets.\"\"\"\nimport os") != NULL);
    CHECK(strstr(b, "\"\"\"Return the size.\"\"\"") != NULL && strstr(b, "Scaled") == NULL);
    CHECK(st.docstrings_cut == 3 && st.comments_removed == 1 && st.license_headers == 1);
    /* max: the skeleton */
    CHECK(strstr(m, "class Widget:\n \"\"\"A widget.\"\"\"\n def size(self,scale=2):\n  \"\"\"Return the size.\"\"\"\n"
                    "  ...") != NULL);
    CHECK(strstr(m, "return") == NULL && strstr(m, "import os") != NULL);
out:
    free(e);
    free(s);
    free(b);
    free(m);
}

static void test_c_and_js(void)
{
    static const char c[] = "/* Copyright (c) 2024 Example Corp.\n * Permission is hereby granted, free of charge, to any "
                            "person. */\n#include <stdio.h>\n#define SQ(a) ((a) * (a))\n"
                            "#define ONE (1)\n/* fall through */\nint f(int a, int b) {\n    // add them\n"
                            "    return a - -b; /* done */\n}\n";
    static const char js[] = "// SPDX-License-Identifier: MIT\n// @ts-nocheck\nconst re = x / 2 / y; // divide\nfunction g(a) {\n  return a.replace(/ +/g,' ');\n}\n";
    char *e = pass(c, CODE_C, TERSE_LEVEL_EXACT, NULL);
    char *b = pass(c, CODE_C, TERSE_LEVEL_BALANCED, NULL);
    char *m = pass(c, CODE_C, TERSE_LEVEL_MAX, NULL);
    char *jb = pass(js, CODE_JAVASCRIPT, TERSE_LEVEL_BALANCED, NULL);
    CHECK(e && b && m && jb);
    if (e && b && m && jb) {
        CHECK(strstr(e, "#define SQ(a) ((a) * (a))\n#define ONE (1)\n") != NULL); /* "ONE (1)" is not "ONE(1)" */
        CHECK(strstr(e, "return a- -b;") != NULL);                              /* "- -" is not "--" */
        CHECK(strstr(b, "/* [license header elided: MIT] */\n") == b);
        CHECK(strstr(b, "/* fall through */") != NULL && strstr(b, "add them") == NULL &&
              strstr(b, "done") == NULL);
        CHECK(strstr(m, "int f(int a,int b){…}") != NULL);
        CHECK(strcmp(jb, "// SPDX-License-Identifier: MIT\n// @ts-nocheck\nconst re=x / 2 / y;\nfunction g(a){\nreturn a.replace(/ +/g,' ');\n}") == 0);
    }
    free(e);
    free(b);
    free(m);
    free(jb);
    /* tree-sitter-go takes a statement at the top level only with a line
     * break or `;` after it: fuzz_code found " + ommenx\n" written as
     * "+ommenx", which does not parse */
    {
        char *g = pass(" + ommenx\n", CODE_GO, TERSE_LEVEL_BALANCED, NULL);
        char *f = pass("package main\nfunc f() {}\n", CODE_GO, TERSE_LEVEL_BALANCED, NULL);
        CHECK(g && strcmp(g, "+ommenx\n") == 0 && code_parses(g, strlen(g), CODE_GO));
        CHECK(f && strcmp(f, "package main\nfunc f(){}") == 0); /* a declaration needs none */
        free(g);
        free(f);
    }
}

/* The parts of a concatenated string are strings; the comments and line
 * breaks between them are layout (the Python encodings' tables were copied
 * whole, comments and all, before). max: declaration-only code becomes a
 * skeleton with every function, type and method name kept. */
/* The syntax tree of src[0..n) in language lang as an S-expression (named
 * nodes and fields); a new string, or NULL. */
static char *tree_of(const char *src, size_t n, int lang)
{
    TSParser *p = ts_parser_new();
    TSTree *t;
    char *s = NULL;
    ts_parser_set_language(p, code_lang_get(lang)->grammar());
    t = ts_parser_parse_string(p, NULL, src, (uint32_t)n);
    if (t) {
        s = ts_node_string(ts_tree_root_node(t));
        ts_tree_delete(t);
    }
    ts_parser_delete(p);
    return s;
}

/* C and C++ read a sign and a digit with no space between as one signed
 * number literal, so after a parenthesised type "sizeof(int)+1" is sizeof
 * of a cast of +1: the space after the operator stays at every level. */
static void test_c_signed_literals(void)
{
    static const char *const srcs[] = {
        "int x = sizeof(int) + 1;\n", "int x = sizeof(int) - 1;\n", "double x = sizeof(int) + 1.5;\n",
        "int x = sizeof(int) + 0x1;\n", "int x = (size_t) + 1;\n", "long y = sizeof (struct s) - 2 * n;\n",
        "int z = a - 1 + (b)+1;\n",
    };
    size_t i;
    int lang, level;
    for (lang = CODE_C; lang <= CODE_CPP; lang++)
        for (i = 0; i < sizeof srcs / sizeof *srcs; i++)
            for (level = TERSE_LEVEL_EXACT; level <= TERSE_LEVEL_BALANCED; level++) {
                char *out = pass(srcs[i], lang, level, NULL);
                char *a = tree_of(srcs[i], strlen(srcs[i]), lang), *b = out ? tree_of(out, strlen(out), lang) : NULL;
                CHECK(a && b && strcmp(a, b) == 0);
                if (a && b && strcmp(a, b) != 0)
                    fprintf(stderr, "# %.*s -> %s\n#   %s\n#   %s\n", (int)strlen(srcs[i]) - 1, srcs[i], out, a, b);
                free(a);
                free(b);
                free(out);
            }
}

/* 1 when src parses as Python: tree-sitter finds no error and no block
 * without a statement (tree-sitter accepts "def f():" followed by a
 * comment alone; Python does not). */
static int python_parses(const char *src)
{
    TSParser *p = ts_parser_new();
    TSTree *t;
    TSTreeCursor c;
    int ok;
    ts_parser_set_language(p, code_lang_get(CODE_PYTHON)->grammar());
    t = ts_parser_parse_string(p, NULL, src, (uint32_t)strlen(src));
    ok = t && !ts_node_has_error(ts_tree_root_node(t));
    c = ts_tree_cursor_new(ts_tree_root_node(t));
    while (ok) {
        TSNode n = ts_tree_cursor_current_node(&c);
        if (strcmp(ts_node_type(n), "block") == 0) {
            uint32_t i, stmts = 0;
            for (i = 0; i < ts_node_named_child_count(n); i++)
                stmts += strcmp(ts_node_type(ts_node_named_child(n, i)), "comment") != 0;
            ok = stmts > 0;
        }
        if (ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c))
                goto done;
    }
done:
    ts_tree_cursor_delete(&c);
    ts_tree_delete(t);
    ts_parser_delete(p);
    return ok;
}

/* max elides a Python body to "...": when a comment that max keeps (a
 * tool's, or one that looks like it) follows the header's colon, the
 * marker goes on the next line, not into the comment (imaplib.py's
 * _Authenticator.encode, tomllib's "# noqa" after a signature). */
static void test_python_max_comment_bodies(void)
{
    static const char *const srcs[] = {
        "class A:\n    def encode(self, inp):\n        #\n        #  Invoke b2a_base64 iteratively,\n"
        "        #  line feed from the result and append.\n        #\n        oup = b''\n        return oup\n\n"
        "    def decode(self, inp):\n        return inp\n",
        "def tag(vrtl, bd):\n    # type: (List[int], int) -> str\n    return str(vrtl)\n",
        "def is_(self, key, flag):  # noqa: A003\n    return key == flag\n",
        "def f(x):  # type: ignore\n    # pragma: no cover\n    return x\n",
    };
    size_t i;
    for (i = 0; i < sizeof srcs / sizeof *srcs; i++) {
        char *m = pass(srcs[i], CODE_PYTHON, TERSE_LEVEL_MAX, NULL);
        CHECK(m && python_parses(m) && strstr(m, "...") != NULL);
        if (m && !python_parses(m))
            fprintf(stderr, "# max output does not parse:\n%s\n", m);
        free(m);
    }
}

/* max keeps every name the name check of tests/code promises: a member
 * list whose only definitions are wrapped (a Java record or enum with a
 * method, TypeScript's "export function" signature in an interface) is
 * not elided whole. */
static void test_max_wrapped_names(void)
{
    static const struct {
        int lang;
        const char *src, *names[3];
    } cases[] = {
        {CODE_JAVA, "public class U { record C(int p) { void foo() { return; } } }\n", {"U", "C(", "foo("}},
        {CODE_JAVA, "public class V { enum E { A, B; int size() { return 1; } } int x; }\n", {"V", "E", "size("}},
        {CODE_TYPESCRIPT, "interface I {\n  export function f(x: number): number;\n}\n", {"I", "function f(", NULL}},
        {CODE_TYPESCRIPT, "namespace N { interface J { export function g(x: number): number; } }\n",
         {"N", "J", "function g("}},
        {CODE_CPP, "class A { friend int f(A a); int x; };\n", {"A", "f(", NULL}},
    };
    size_t i, j;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *m = pass(cases[i].src, cases[i].lang, TERSE_LEVEL_MAX, NULL);
        CHECK(m != NULL);
        for (j = 0; m && j < 3 && cases[i].names[j]; j++) {
            CHECK(strstr(m, cases[i].names[j]) != NULL);
            if (!strstr(m, cases[i].names[j]))
                fprintf(stderr, "# max lost %s: %s\n", cases[i].names[j], m);
        }
        free(m);
    }
}

static void test_skeletons(void)
{
    static const char cat[] = "table = (\n    'a'     # 0x61 -> A\n    'b'     # 0x62 -> B\n)\n";
    static const char h[] = "#ifndef X_H\n#define X_H\n#define EV_A 1\t\t/* a */\n#define EV_B 2\n#define KEY_C 3\n"
                            "#define SQ(a) ((a) * (a))\nstruct s { int a; long b; };\nenum e { E1, E2 };\n"
                            "int f(int a, char *b) __attribute__((nonnull(2)));\n#endif\n";
    static const char ts[] = "interface I {\n  a: string;\n  b?: number;\n  on(e: 'x', f: () => void): this;\n"
                             "  on(e: 'y', f: () => void): this;\n  off(): void;\n}\ninterface P { a: string; b: number }\n"
                             "export { a, b, c, d, e, f, g };\n";
    /* the field's arrow function is elided with the field; the methods after it still lose their bodies */
    static const char cls[] = "class A {\n  x = () => { return 1; };\n  m() { return 2; }\n}\n";
    char *cm = pass(cls, CODE_TYPESCRIPT, TERSE_LEVEL_MAX, NULL);
    char *pb = pass(cat, CODE_PYTHON, TERSE_LEVEL_BALANCED, NULL);
    char *hm = pass(h, CODE_C, TERSE_LEVEL_MAX, NULL);
    char *tm = pass(ts, CODE_TYPESCRIPT, TERSE_LEVEL_MAX, NULL);
    CHECK(pb && hm && tm && cm);
    CHECK(cm && strcmp(cm, "class A{\n\xe2\x80\xa6\nm(){\xe2\x80\xa6}\n}") == 0);
    if (pb && hm && tm) {
        CHECK(strcmp(pb, "table=('a' 'b')") == 0);
        CHECK(code_parses(pb, strlen(pb), CODE_PYTHON));
        CHECK(strcmp(hm, "#ifndef X_H\n#define X_H\n/* 3 macros: EV_\xe2\x80\xa6, KEY_\xe2\x80\xa6 */\n"
                         "#define SQ(a) \xe2\x80\xa6\nstruct s{\xe2\x80\xa6};\nenum e{\xe2\x80\xa6};\n"
                         "int f(int a,char*b);\n#endif\n") == 0);
        CHECK(strcmp(tm, "interface I{\n\xe2\x80\xa6\non(e:'x',f:()=>void):this;\n\xe2\x80\xa6\noff():void;\n}\n"
                         "interface P{\xe2\x80\xa6}\nexport{a,b,c,\xe2\x80\xa6};") == 0);
    }
    free(pb);
    free(hm);
    free(tm);
    free(cm);
}

static void test_lang_recognition(void)
{
    CHECK(code_lang_from_path("src/app.py", 10) == CODE_PYTHON);
    CHECK(code_lang_from_path("a/b.tsx", 7) == CODE_TSX);
    CHECK(code_lang_from_path("x.hpp", 5) == CODE_CPP);
    CHECK(code_lang_from_path("Makefile", 8) == CODE_NONE);
    CHECK(code_lang_from_path(".bashrc", 7) == CODE_NONE);
    CHECK(code_lang_parse("py", 2) == CODE_PYTHON && code_lang_parse("C++", 3) == CODE_CPP &&
          code_lang_parse("golang", 6) == CODE_GO && code_lang_parse("cobol", 5) == CODE_NONE);
    CHECK(terse_lang_parse("Rust") == CODE_RUST && terse_lang_parse("nope") == -1);
    CHECK(strcmp(terse_lang_name(0), "python") == 0 && terse_lang_name(CODE_LANG_COUNT) == NULL);
#define GUESS(s, want) CHECK(code_lang_guess(s, strlen(s)) == (want))
    GUESS("import os\n\ndef main():\n    print(os.getcwd())\n", CODE_PYTHON);
    GUESS("#include <stdio.h>\nint main(void) {\n    return 0;\n}\n", CODE_C);
    GUESS("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(1)\n}\n", CODE_GO);
    GUESS("use std::io;\nfn main() {\n    let mut s = String::new();\n}\n", CODE_RUST);
    GUESS("public class A {\n    public static void main(String[] a) {\n        System.out.println(1);\n    }\n}\n",
          CODE_JAVA);
    GUESS("const x = require('x');\nfunction f() {\n  console.log(x);\n}\n", CODE_JAVASCRIPT);
    GUESS("#!/bin/bash\nset -e\nif [ -f x ]; then\n  echo \"$(date)\"\nfi\n", CODE_BASH);
    GUESS("The meeting is at noon. Bring the slides.\n", CODE_NONE);
    /* prose whose words only begin like code: "itself.", "first", "then" */
    GUESS("Its meaning changed over time.\nIt came to stand for love itself.\nfirst came the word\nthen the idea\n",
          CODE_NONE);
#undef GUESS
    /* prose lines that end in ")" or "}}" or start with "except" are not code lines */
    {
        static const char list[] = "Uses of the method include:\nsearch engines (such as Google Search)\n"
                                   "recommendation systems (offered by Netflix or Amazon)\n"
                                   "except for a few cases (see below)\n";
        static const char form[] = "Case Study Date: {{CASESTUDYDATE}}\nLast Updated: {{LASTUPDATED}}\n"
                                   "Status: {{STATUS}}\n";
        static const char calls[] = "x = f(1)\ny = g(x)\nprint(y)\n";
        CHECK(detect_type(list, strlen(list)) == TERSE_TYPE_PROSE);
        CHECK(detect_type(form, strlen(form)) == TERSE_TYPE_PROSE);
        CHECK(detect_type(calls, strlen(calls)) == TERSE_TYPE_CODE);
    }
}

static void test_pipeline(void)
{
    static const char md[] = "Intro text here.\n\n```python\ndef f(x):\n    # note\n    return x\n```\n\n"
                             "```\n#include <stdio.h>\nint main(void) {\n    return 0; // zero\n}\n```\n";
    static const char multi[] = "<file path=\"a.py\">\ndef f():\n    # c\n    return 1\n</file>\n"
                                "<file path=\"b.c\">\nint g(void) {\n    return 2; // two\n}\n</file>\n";
    static const char multi2[] = "// File: a.js\nlet a = 1; // one\n\n=== b.py ===\nx = [\n    1,  # one\n]\n";
    static const char broken[] = "def f(:\n    return )\n";
    terse_result r;
    CHECK(run(py, strlen(py), "w.py", NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
    CHECK(r.type == TERSE_TYPE_CODE && r.parse_errors == 0 && r.elided == 0 &&
          strstr(r.text, "x=self.parts# type: list"));
    terse_result_free(&r);
    /* "except *E" is an except clause to tree-sitter, "except*E" an except*
     * one: the space stays (found on CPython's test_except_star.py) */
    {
        static const char star[] = "try:\n    f()\nexcept *TypeError as e:\n    g()\nexcept* ValueError:\n    h()\n";
        CHECK(run(star, strlen(star), "s.py", NULL, TERSE_LEVEL_EXACT, 0, NULL, &r) == TERSE_OK);
        CHECK(r.parse_errors == 0 && strstr(r.text, "except *TypeError as e:") && strstr(r.text, "except*ValueError:"));
        terse_result_free(&r);
    }
    CHECK(run(py, strlen(py), NULL, "python", TERSE_LEVEL_EXACT, 0, NULL, &r) == TERSE_OK);
    CHECK(r.type == TERSE_TYPE_CODE && r.tokens_out < r.tokens_in);
    terse_result_free(&r);
    /* no name, no --lang: the content, confirmed by a clean parse */
    CHECK(run(py, strlen(py), NULL, NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
    CHECK(r.type == TERSE_TYPE_CODE && strstr(r.text, "x=self.parts# type: list"));
    terse_result_free(&r);
    /* fences: tagged and untagged */
    CHECK(run(md, strlen(md), NULL, NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
    CHECK(strstr(r.text, "```python\ndef f(x):return x\n```") != NULL);
    CHECK(strstr(r.text, "```\n#include <stdio.h>\nint main(void){\nreturn 0;\n}\n```") != NULL);
    terse_result_free(&r);
    /* multi-file input: each file by its path */
    CHECK(run(multi, strlen(multi), NULL, NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
    CHECK(r.type == TERSE_TYPE_CODE);
    CHECK(strcmp(r.text, "<file path=\"a.py\">\ndef f():return 1\n</file>\n<file path=\"b.c\">\nint g(void){\n"
                         "return 2;\n}\n</file>\n") == 0);
    terse_result_free(&r);
    /* detected without --type: the headers name files of known languages */
    {
        static const char repo[] = "This file is a merged representation of the codebase.\n\n"
                                   "<file path=\"src/a.py\">\n\"\"\"The module.\n\nMore about it.\"\"\"\n"
                                   "# a comment\n# another comment\nx = 1\n</file>\n";
        CHECK(run(repo, strlen(repo), NULL, NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
        CHECK(r.type == TERSE_TYPE_CODE && strstr(r.text, "<file path=\"src/a.py\">\n\"\"\"The module.\"\"\"\nx=1\n</file>"));
    }
    terse_result_free(&r);
    CHECK(run("=== Summary ===\nThe deploy did not fail.\n", 41, NULL, NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) ==
          TERSE_OK);
    CHECK(r.type == TERSE_TYPE_PROSE);
    terse_result_free(&r);
    CHECK(run(multi2, strlen(multi2), "all.txt", NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK ||
          r.type == TERSE_TYPE_CODE);
    terse_result_free(&r);
    {
        terse_options o;
        terse_ctx *c;
        terse_options_init(&o);
        o.type = TERSE_TYPE_CODE;
        c = terse_ctx_new(&o, NULL);
        CHECK(c && terse_compress(c, multi2, strlen(multi2), &r) == TERSE_OK);
        CHECK(c && strcmp(r.text, "// File: a.js\nlet a=1;\n=== b.py ===\nx=[1,]\n") == 0);
        terse_result_free(&r);
        terse_ctx_free(c);
    }
    /* a parse error: passed through, counted */
    CHECK(run(broken, strlen(broken), "x.py", NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
    CHECK(r.parse_errors == 1 && strncmp(r.text, broken, strlen(broken) - 1) == 0);
    terse_result_free(&r);
    /* an unknown --lang is a bad option */
    {
        terse_options o;
        int rc = 0;
        terse_options_init(&o);
        o.lang = "cobol";
        CHECK(terse_ctx_new(&o, &rc) == NULL && rc == TERSE_EINVAL);
    }
}

static void test_max_query_budget(void)
{
    static const char src[] = "def parse_header(line):\n    \"\"\"Parse one header line.\"\"\"\n"
                              "    name, _, value = line.partition(':')\n    return name.strip(), value.strip()\n\n"
                              "def send_body(sock, data):\n    \"\"\"Send the body.\"\"\"\n    total = 0\n"
                              "    while total < len(data):\n        total += sock.send(data[total:])\n    return total\n\n"
                              "def main():\n    print(parse_header('a: b'))\n";
    terse_result r, full;
    size_t skel;
    /* the query keeps the relevant body whole */
    CHECK(run(src, strlen(src), "h.py", NULL, TERSE_LEVEL_MAX, 0, NULL, &r) == TERSE_OK);
    skel = r.tokens_out;
    CHECK(r.elided == 3); /* the three bodies */
    CHECK(strstr(r.text, "partition") == NULL && strstr(r.text, "def send_body(sock,data):") != NULL);
    terse_result_free(&r);
    CHECK(run(src, strlen(src), "h.py", NULL, TERSE_LEVEL_MAX, 0, "how is a header parsed", &r) == TERSE_OK);
    CHECK(strstr(r.text, "partition") != NULL && strstr(r.text, "sock.send") == NULL);
    terse_result_free(&r);
    CHECK(run(src, strlen(src), "h.py", NULL, TERSE_LEVEL_BALANCED, 0, NULL, &full) == TERSE_OK);
    /* a budget between the skeleton and the whole: the most relevant body fits */
    CHECK(run(src, strlen(src), "h.py", NULL, TERSE_LEVEL_MAX, skel + 26, "send the body over the socket", &r) ==
          TERSE_OK);
    CHECK(r.tokens_out <= skel + 26 && strstr(r.text, "sock.send") != NULL && strstr(r.text, "partition") == NULL);
    terse_result_free(&r);
    /* a budget the whole file fits: the lowest level that fits */
    CHECK(run(src, strlen(src), "h.py", NULL, TERSE_LEVEL_MAX, full.tokens_out, NULL, &r) == TERSE_OK);
    CHECK(r.level == TERSE_LEVEL_EXACT && r.tokens_out <= full.tokens_out); /* no comments to drop */
    terse_result_free(&r);
    terse_result_free(&full);
    /* below the skeleton: TERSE_EBUDGET with the skeleton's size */
    CHECK(run(src, strlen(src), "h.py", NULL, TERSE_LEVEL_MAX, 5, NULL, &r) == TERSE_EBUDGET);
    CHECK(r.min_tokens == skel);
}

/* A count callback that answers the first `left` calls with the length
 * in bytes and then fails with `status`. */
struct failing_count {
    int left, status, calls;
};

static int count_then_fail(void *arg, const char *s, size_t n, size_t *count)
{
    struct failing_count *f = arg;
    (void)s;
    f->calls++;
    if (f->left-- <= 0)
        return f->status;
    *count = n;
    return TERSE_OK;
}

/* A count that fails inside the budget fitting of the code pass reaches
 * the caller as its own status: not replaced by out of memory (the pass
 * once kept only a sticky oom flag, so TERSE_EINVAL came back as
 * TERSE_ENOMEM). Each point of failure, from the first count on. */
static void test_count_status_forwarded(void)
{
    static const char src[] = "def a(x):\n    y = x + 1\n    return y * 2\n\n"
                              "def b(x):\n    return [i for i in range(x) if i % 3]\n\n"
                              "def c():\n    print(a(1), b(2))\n";
    struct failing_count f;
    int k, ok = 1, reached = 0;
    size_t budget;
    {
        /* a budget between the skeleton and the whole file (counted in
         * bytes), so that the fitter weighs bodies */
        struct code_opts o;
        struct code_stats st;
        struct buf b = {0};
        memset(&o, 0, sizeof o);
        memset(&st, 0, sizeof st);
        f.left = 1000000;
        o.lang = CODE_PYTHON;
        o.level = TERSE_LEVEL_MAX;
        o.budget = 1;
        o.count = count_then_fail;
        o.count_arg = &f;
        CHECK(code_compress(src, strlen(src), &o, &b, &st) == TERSE_EBUDGET);
        budget = st.min_tokens + 30;
        buf_free(&b);
    }
    for (k = 0; k < 60; k++) {
        struct code_opts o;
        struct code_stats st;
        struct buf b = {0};
        int rc;
        memset(&o, 0, sizeof o);
        memset(&st, 0, sizeof st);
        f.left = k;
        f.status = TERSE_EINVAL;
        f.calls = 0;
        o.lang = CODE_PYTHON;
        o.level = TERSE_LEVEL_MAX;
        o.budget = budget;
        o.count = count_then_fail;
        o.count_arg = &f;
        rc = code_compress(src, strlen(src), &o, &b, &st);
        if (f.left < 0) { /* the callback failed during this call */
            reached++;
            if (rc != TERSE_EINVAL) {
                printf("#   count failing after %d calls: status %d, expected %d\n", k, rc, TERSE_EINVAL);
                ok = 0;
            }
        }
        buf_free(&b);
    }
    CHECK(ok);
    CHECK(reached > 5); /* the budget's counts were reached, more than once */
}

/* max with a budget and no bodies to restore (a header): the room left
 * by the skeleton goes to declarations written whole, most referenced
 * first, and a run of macros folds around the kept ones. */
static void test_budget_declarations(void)
{
    static const char h[] = "#ifndef P_H\n#define P_H\n"
                            "#define OP_ADD 1\n#define OP_SUB 2\n#define OP_MUL 3\n#define OP_DIV 4\n#define OP_MOD 5\n"
                            "#define OP_LAST OP_MOD\n#define OP_NEG 7\n#define OP_NOT 8\n"
                            "typedef struct { int kind; long value; const char *name; } token;\n"
                            "struct lexer { const char *src; unsigned long pos, len; int line, column; };\n"
                            "struct parser { struct lexer lx; token cur; token peek; int errors; };\n"
                            "int parse(struct parser *p, token *out);\n"
                            "int lex(struct lexer *lx, token *out);\n#endif\n";
    terse_result r, again;
    size_t skel, whole, budget;
    CHECK(run(h, strlen(h), "p.h", NULL, TERSE_LEVEL_MAX, 0, NULL, &r) == TERSE_OK);
    skel = r.tokens_out;
    CHECK(strstr(r.text, "typedef struct{\xe2\x80\xa6}token;") != NULL);
    terse_result_free(&r);
    CHECK(run(h, strlen(h), "p.h", NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
    whole = r.tokens_out;
    terse_result_free(&r);
    CHECK(skel + 20 < whole);
    budget = skel + 12;
    CHECK(run(h, strlen(h), "p.h", NULL, TERSE_LEVEL_MAX, budget, NULL, &r) == TERSE_OK);
    CHECK(r.level == TERSE_LEVEL_MAX && r.tokens_out <= budget && r.tokens_out > skel);
    /* token, the most referenced name, is written whole; the structs that
     * need more room stay a skeleton; every name is still there */
    CHECK(strstr(r.text, "const char*name;}token;") != NULL);
    CHECK(strstr(r.text, "struct parser{\xe2\x80\xa6};") != NULL);
    CHECK(strstr(r.text, "int parse(struct parser*p,token*out);") != NULL);
    CHECK(run(h, strlen(h), "p.h", NULL, TERSE_LEVEL_MAX, budget, NULL, &again) == TERSE_OK);
    CHECK(again.len == r.len && memcmp(again.text, r.text, r.len) == 0);
    terse_result_free(&again);
    terse_result_free(&r);
    /* every budget from the skeleton to the whole file is met, every name
     * stays; OP_MOD, referenced by OP_LAST, is kept whole at some budget
     * with the macros before and after it folded into two markers */
    {
        int split = 0, ok = 1;
        for (budget = skel; budget < whole; budget++) {
            if (run(h, strlen(h), "p.h", NULL, TERSE_LEVEL_MAX, budget, NULL, &r) != TERSE_OK) {
                ok = 0;
                break;
            }
            ok &= r.tokens_out <= budget && strstr(r.text, "}token;") && strstr(r.text, "struct lexer{") &&
                  strstr(r.text, "int lex(") && strstr(r.text, "int parse(");
            split |= strstr(r.text, "/* 4 macros: OP_\xe2\x80\xa6 */\n#define OP_MOD 5\n/* 3 macros: OP_\xe2\x80\xa6 */") !=
                     NULL;
            terse_result_free(&r);
        }
        CHECK(ok && split);
    }
}

static void test_hostile_input(void)
{
    static const char bad_utf8[] = "x = '\xff\xfe'  # caf\xc3\n";
    size_t depth = 10000, i, n;
    char *deep = malloc(4 * depth + 64), *bin = malloc(65536);
    terse_result r;
    unsigned x = 12345;
    CHECK(deep && bin);
    if (!deep || !bin)
        goto out;
    /* 10,000 levels of brackets, blocks and nested definitions */
    n = (size_t)sprintf(deep, "x = ");
    for (i = 0; i < depth; i++)
        deep[n++] = '[';
    for (i = 0; i < depth; i++)
        deep[n++] = ']';
    deep[n++] = '\n';
    CHECK(run(deep, n, "d.py", NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
    CHECK(r.len == n - 3 && r.parse_errors == 0); /* "x=" and no final newline */
    terse_result_free(&r);
    for (n = 0, i = 0; i < depth; i++)
        deep[n++] = '{';
    for (i = 0; i < depth; i++)
        deep[n++] = '}';
    CHECK(run(deep, n, "d.c", NULL, TERSE_LEVEL_MAX, 0, NULL, &r) == TERSE_OK);
    CHECK(r.parse_errors == 0 && r.len == n); /* tree-sitter-c takes top-level blocks */
    terse_result_free(&r);
    /* binary data and invalid UTF-8 */
    for (i = 0; i < 65536; i++) {
        x = x * 1103515245u + 12345u;
        bin[i] = (char)(x >> 16);
    }
    for (i = 0; i < CODE_LANG_COUNT; i++) {
        CHECK(run(bin, 65536, NULL, terse_lang_name(i), TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
        CHECK(utf8_first_invalid((const unsigned char *)r.text, r.len) == r.len && r.tokens_out <= r.tokens_in);
        terse_result_free(&r);
    }
    CHECK(run(bad_utf8, sizeof bad_utf8 - 1, "u.py", NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
    CHECK(r.text && strcmp(r.text, "x='\xef\xbf\xbd\xef\xbf\xbd'") == 0 && r.tokens_out < r.tokens_in);
    terse_result_free(&r);
out:
    free(deep);
    free(bin);
}

/* 70,000 unclosed brackets (tree-sitter 0.20.7 corrupted its heap freeing
 * the tree of about 65,500): through every grammar, TSX tags, a markdown
 * fence and a chat message. The input stays as it was (it does not parse)
 * and nothing crashes; tests/deep.sh runs 10^6 under valgrind. */
static void test_unclosed_brackets(void)
{
    size_t depth = 70000, i, n;
    char *s = malloc(3 * depth + 256);
    terse_result r;
    int lang;
    CHECK(s != NULL);
    if (!s)
        return;
    for (lang = 0; lang < CODE_LANG_COUNT; lang++) {
        memset(s, lang == CODE_JSON ? '[' : '(', depth);
        CHECK(run(s, depth, NULL, terse_lang_name(lang), TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
        CHECK(r.len == depth && r.parse_errors == 1);
        terse_result_free(&r);
    }
    for (n = 0, i = 0; i < depth; i++, n += 3)
        memcpy(s + n, "<a>", 3);
    CHECK(run(s, n, NULL, "tsx", TERSE_LEVEL_MAX, 0, NULL, &r) == TERSE_OK);
    CHECK(r.len == n && r.parse_errors == 1);
    terse_result_free(&r);
    n = (size_t)sprintf(s, "# Deep\n\nThe input below never closes.\n\n```python\n");
    memset(s + n, '(', depth);
    n += depth;
    n += (size_t)sprintf(s + n, "\n```\n\nThat is all.\n");
    CHECK(run(s, n, NULL, NULL, TERSE_LEVEL_BALANCED, 0, NULL, &r) == TERSE_OK);
    CHECK(r.parse_errors == 1 && r.len < n);
    terse_result_free(&r);
    n = (size_t)sprintf(s, "{\"messages\":[{\"role\":\"user\",\"content\":\"Why?\\n```json\\n");
    memset(s + n, '[', depth);
    n += depth;
    n += (size_t)sprintf(s + n, "\\n```\"}]}");
    CHECK(run(s, n, NULL, NULL, TERSE_LEVEL_MAX, 0, NULL, &r) == TERSE_OK);
    CHECK(r.len > depth);
    terse_result_free(&r);
    free(s);
}

const struct test_case code_tests[] = {
    {"code: python at each level", test_python_levels},
    {"code: C and JavaScript", test_c_and_js},
    {"code: C and C++ keep the space before a signed literal", test_c_signed_literals},
    {"code: python max output parses after kept comments", test_python_max_comment_bodies},
    {"code: max keeps the names of wrapped definitions", test_max_wrapped_names},
    {"code: concatenated strings, declaration skeletons at max", test_skeletons},
    {"code: languages from paths, names and content", test_lang_recognition},
    {"code: file names, fences, multi-file input, parse errors", test_pipeline},
    {"code: max with a query and a budget", test_max_query_budget},
    {"code: max with a budget writes declarations whole", test_budget_declarations},
    {"code: a count's failure status is forwarded, not made out of memory", test_count_status_forwarded},
    {"code: deep nesting, binary data, invalid UTF-8", test_hostile_input},
    {"code: 70,000 unclosed brackets in every grammar, a fence, a chat", test_unclosed_brackets},
    {NULL, NULL},
};
