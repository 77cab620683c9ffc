/* equiv.c - the syntax-tree equivalence check of the code pass, and its
 * savings over a corpus.
 *
 *   build/code_equiv [--lang LANG] [--list FILE] [--sample N] [--indent STR] [--dump DIR] [--kinds] [--quiet]
 *                    [PATH...]
 *
 * For each file (the language from its extension, or --lang): parse the
 * original; if it has errors, count it and go on. Otherwise compress it at
 * exact, safe and balanced, parse each output and compare the two trees
 * with comment nodes left out and Python docstrings compared by their kept
 * prefix: the same sequence of node types (named and anonymous), the same
 * leaf text. Also compress at max and check that every top-level function,
 * class and method name is still in the output, and (Python) that the
 * output parses. Prints one "not ok" line
 * per difference, then per level the o200k tokens in and out.
 * --list FILE reads paths, one a line ("-": stdin); --sample N keeps every
 * N-th of the paths (a deterministic sample); --dump DIR writes each output
 * that does not parse to DIR/NAME.LEVEL (nothing is written otherwise). Exit status 1 when any
 * difference or missing name was found. Speed: MB/s (10^6 bytes of the
 * checked files per second) of code_compress alone (parse included, token
 * counts not), by the wall clock and by the thread's CPU time (on a shared
 * machine the CPU figure is the single-thread speed). --kinds also prints
 * what the o200k tokens of the balanced output are spent on (count_kinds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tree_sitter/api.h>

#include "../../lib/common/buf.h"
#include "../../lib/passes/code.h"
#include "../../lib/passes/code_lang.h"
#include "../support/slurp.h"
#include "terse.h"

struct item {
    const char *type;
    const char *text; /* leaf text, or NULL for an inner node */
    size_t len;
    int doc;          /* a docstring: compared by prefix */
};

struct seq {
    struct item *v;
    size_t n, cap;
};

/* Appends an item; exits with status 2 when memory runs out. */
static void push(struct seq *q, const char *type, const char *text, size_t len, int doc)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 1024;
        q->v = realloc(q->v, q->cap * sizeof *q->v);
        if (!q->v) {
            fprintf(stderr, "code_equiv: out of memory\n");
            exit(2);
        }
    }
    q->v[q->n].type = type;
    q->v[q->n].text = text;
    q->v[q->n].len = len;
    q->v[q->n].doc = doc;
    q->n++;
}

/* 1 for the comment node types of the eleven grammars. */
static int is_comment(const char *t)
{
    return strcmp(t, "comment") == 0 || strcmp(t, "line_comment") == 0 || strcmp(t, "block_comment") == 0;
}

/* A Python docstring, by its own rule (independent of lib/passes/code.c):
 * a string alone in an expression statement that comes first (comments
 * aside) in a module or in the block of a def or class. */
static int docstring(TSNode n)
{
    TSNode st, owner, first;
    uint32_t i;
    if (strcmp(ts_node_type(n), "string") != 0)
        return 0;
    st = ts_node_parent(n);
    if (ts_node_is_null(st) || strcmp(ts_node_type(st), "expression_statement") != 0 ||
        ts_node_named_child_count(st) != 1)
        return 0;
    owner = ts_node_parent(st);
    if (ts_node_is_null(owner))
        return 0;
    if (strcmp(ts_node_type(owner), "block") == 0) {
        TSNode def = ts_node_parent(owner);
        if (ts_node_is_null(def) || (strcmp(ts_node_type(def), "function_definition") != 0 &&
                                     strcmp(ts_node_type(def), "class_definition") != 0))
            return 0;
    } else if (strcmp(ts_node_type(owner), "module") != 0) {
        return 0;
    }
    for (i = 0; i < ts_node_named_child_count(owner); i++) {
        first = ts_node_named_child(owner, i);
        if (!is_comment(ts_node_type(first)))
            return ts_node_start_byte(first) == ts_node_start_byte(st);
    }
    return 0;
}

/* The tree as a flat sequence, comments left out. Iterative. */
static void flatten(TSNode root, const char *src, int python, struct seq *q)
{
    TSTreeCursor c = ts_tree_cursor_new(root);
    q->n = 0;
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&c);
        const char *t = ts_node_type(n);
        int down = 0;
        if (is_comment(t)) {
            /* left out */
        } else if (python && docstring(n)) {
            push(q, t, src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n), 1);
        } else if (ts_node_child_count(n) == 0 && !ts_node_eq(n, root)) {
            push(q, t, src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n), 0);
        } else {
            push(q, t, NULL, 0, 0);
            down = 1;
        }
        if (down && ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c)) {
                ts_tree_cursor_delete(&c);
                return;
            }
    }
}

/* The content of a string literal without prefix and quotes, leading
 * blanks skipped (and trailing ones when trim). */
static void content(const char *s, size_t n, int trim, const char **c, size_t *cn)
{
    size_t p = 0, q;
    while (p < n && strchr("rRuUbBfF", s[p]))
        p++;
    q = p + 2 < n && s[p + 1] == s[p] && s[p + 2] == s[p] ? 3 : 1;
    s += p + q;
    n = n >= p + 2 * q ? n - p - 2 * q : 0;
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        n--;
    }
    while (trim && n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    *c = s;
    *cn = n;
}

/* Returns the index of the first difference, or (size_t)-1. */
static size_t compare(const struct seq *a, const struct seq *b)
{
    size_t i;
    for (i = 0; i < a->n && i < b->n; i++) {
        const struct item *x = &a->v[i], *y = &b->v[i];
        if (strcmp(x->type, y->type) != 0 || (!x->text) != (!y->text) || x->doc != y->doc)
            return i;
        if (x->doc) {
            const char *xc, *yc;
            size_t xn, yn;
            content(x->text, x->len, 0, &xc, &xn);
            content(y->text, y->len, 1, &yc, &yn);
            if (yn > xn || memcmp(xc, yc, yn) != 0)
                return i;
        } else if (x->text && (x->len != y->len || memcmp(x->text, y->text, x->len) != 0)) {
            return i;
        }
    }
    return a->n == b->n ? (size_t)-1 : i;
}

/* 1 when the node type t is one of the NULL-terminated list. */
static int one_of(const char *t, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(t, *list) == 0)
            return 1;
    return 0;
}

/* Adds the text of node nm as a name: a leaf, or a qualified name without
 * blanks ("ns::f", "A.B"). */
static void add_name(struct seq *q, TSNode nm, const char *t, const char *src)
{
    size_t s, e, i;
    if (ts_node_is_null(nm))
        return;
    s = ts_node_start_byte(nm);
    e = ts_node_end_byte(nm);
    if (e <= s || e - s > 200)
        return;
    for (i = s; i < e; i++)
        if (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '"' || src[i] == '\'')
            return;
    push(q, t, src + s, e - s, 0);
}

/* C and C++: follows a declarator through pointers, references,
 * attributes and parentheses to what it declares. */
static TSNode inner_declarator(TSNode d)
{
    for (;;) {
        const char *t;
        if (ts_node_is_null(d))
            return d;
        t = ts_node_type(d);
        if (strcmp(t, "pointer_declarator") == 0 || strcmp(t, "reference_declarator") == 0 ||
            strcmp(t, "attributed_declarator") == 0 || strcmp(t, "array_declarator") == 0 ||
            strcmp(t, "init_declarator") == 0 || strcmp(t, "function_declarator") == 0) {
            TSNode n = ts_node_child_by_field_name(d, "declarator", 10);
            if (ts_node_is_null(n)) /* C++'s reference_declarator has no field */
                n = ts_node_named_child(d, ts_node_named_child_count(d) - 1);
            d = n;
        } else if (strcmp(t, "parenthesized_declarator") == 0) {
            d = ts_node_named_child(d, 0);
        } else {
            return d;
        }
    }
}

/* C and C++: the name a declarator declares as a function (a prototype
 * "int f(void)", "char *g(int)"), or a null node: a function pointer
 * variable "int (*fp)(void)" or a plain variable declares no function. */
static TSNode function_name(TSNode d)
{
    TSNode none;
    memset(&none, 0, sizeof none);
    while (!ts_node_is_null(d) && (strcmp(ts_node_type(d), "pointer_declarator") == 0 ||
                                   strcmp(ts_node_type(d), "reference_declarator") == 0 ||
                                   strcmp(ts_node_type(d), "attributed_declarator") == 0)) {
        TSNode n = ts_node_child_by_field_name(d, "declarator", 10);
        d = ts_node_is_null(n) ? ts_node_named_child(d, ts_node_named_child_count(d) - 1) : n;
    }
    if (ts_node_is_null(d) || strcmp(ts_node_type(d), "function_declarator") != 0)
        return none;
    d = ts_node_child_by_field_name(d, "declarator", 10);
    if (ts_node_is_null(d) || strcmp(ts_node_type(d), "parenthesized_declarator") == 0 ||
        strstr(ts_node_type(d), "declarator"))
        return none;
    return d;
}

/* Top-level definition names (anything inside a function body left out):
 *   - functions, classes, interfaces, traits, enums and their methods, by
 *     their "name" field (Python, JavaScript, TypeScript's declarations and
 *     signatures in .d.ts files, type aliases and namespaces, Go, Rust, Java;
 *     method signatures of interfaces and classes, not of object types);
 *   - C and C++: function definitions and prototypes (each declarator of a
 *     declaration or a class member that declares a function), struct,
 *     union, enum and class definitions (a tag with a body), typedef names,
 *     function-like macros; C struct bodies are not entered (their members
 *     are not top-level), C++ class bodies are (methods). */
static void names(TSNode root, const char *src, int c_only, struct seq *q)
{
    static const char *const defs[] = {
        "function_definition", "class_definition", "function_declaration", "class_declaration",
        "method_definition", "method_declaration", "function_item", "struct_item", "trait_item",
        "interface_declaration", "constructor_declaration", "generator_function_declaration",
        "abstract_class_declaration", "enum_declaration", "function_signature", "method_signature",
        "abstract_method_signature", "type_alias_declaration", "internal_module", NULL,
    };
    static const char *const containers[] = {
        "class_definition", "class_declaration", "abstract_class_declaration", "interface_declaration",
        "trait_item", "struct_item", "internal_module", NULL,
    };
    static const char *const tags[] = {"struct_specifier", "union_specifier", "enum_specifier", "class_specifier", NULL};
    TSTreeCursor c = ts_tree_cursor_new(root);
    q->n = 0;
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&c);
        const char *t = ts_node_type(n);
        int down = 1;
        if (strcmp(t, "declaration") == 0 || strcmp(t, "field_declaration") == 0) {
            /* prototypes and method declarations: every declarator */
            uint32_t i, count = ts_node_child_count(n);
            for (i = 0; i < count; i++) {
                const char *f = ts_node_field_name_for_child(n, i);
                if (f && strcmp(f, "declarator") == 0)
                    add_name(q, function_name(ts_node_child(n, i)), t, src);
            }
        } else if (one_of(t, tags)) {
            if (!ts_node_is_null(ts_node_child_by_field_name(n, "body", 4)))
                add_name(q, ts_node_child_by_field_name(n, "name", 4), t, src);
            down = !c_only && strcmp(t, "enum_specifier") != 0;
        } else if (strcmp(t, "type_definition") == 0) {
            uint32_t i, count = ts_node_child_count(n);
            for (i = 0; i < count; i++) {
                const char *f = ts_node_field_name_for_child(n, i);
                if (f && strcmp(f, "declarator") == 0) {
                    TSNode d = inner_declarator(ts_node_child(n, i));
                    if (!ts_node_is_null(d) && strcmp(ts_node_type(d), "type_identifier") == 0)
                        add_name(q, d, t, src);
                }
            }
        } else if (strcmp(t, "preproc_function_def") == 0) {
            add_name(q, ts_node_child_by_field_name(n, "name", 4), t, src);
            down = 0;
        } else if (one_of(t, defs)) {
            TSNode nm = ts_node_child_by_field_name(n, "name", 4);
            if (strstr(t, "method_signature")) {
                /* an interface's or a class's method, not a member of an object type */
                TSNode up = ts_node_parent(n);
                if (ts_node_is_null(up) ||
                    (strcmp(ts_node_type(up), "interface_body") != 0 && strcmp(ts_node_type(up), "class_body") != 0))
                    memset(&nm, 0, sizeof nm);
            }
            if (ts_node_is_null(nm) && strcmp(t, "function_definition") == 0)
                nm = function_name(ts_node_child_by_field_name(n, "declarator", 10));
            add_name(q, nm, t, src);
            /* methods of classes count; anything inside a function body does not */
            down = one_of(t, containers);
        }
        if (down && ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c)) {
                ts_tree_cursor_delete(&c);
                return;
            }
    }
}

/* 1 for a byte of an identifier. */
static int ident_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* 1 when w occurs in s as a whole identifier: not inside a longer one. A
 * name that starts or ends with another byte (JavaScript's "#private")
 * needs no boundary on that side ("get#x(){}" names #x). */
static int word_at(const char *s, size_t n, const char *w, size_t wn)
{
    size_t i;
    for (i = 0; i + wn <= n; i++)
        if (memcmp(s + i, w, wn) == 0) {
            int bw = i > 0 && ident_byte(w[0]) && ident_byte(s[i - 1]);
            int aw = i + wn < n && ident_byte(w[wn - 1]) && ident_byte(s[i + wn]);
            if (!bw && !aw)
                return 1;
        }
    return 0;
}

/* The token-count callback of code_opts: o200k through terse_count. */
static int count_cb(void *arg, const char *s, size_t n, size_t *c)
{
    return terse_count(arg, s, n, 0, c);
}

/* What the o200k tokens of the balanced output are spent on (--kinds). */
enum {
    KIND_NEWLINE, KIND_INDENT, KIND_SPACE, KIND_DOCSTRING, KIND_STRING, KIND_COMMENT, KIND_IDENT, KIND_KEYWORD,
    KIND_PUNCT, KIND_NUMBER, KIND_OTHER, KIND_COUNT
};
static const char *const kind_names[KIND_COUNT] = {
    "line breaks", "indentation", "spaces", "docstrings", "other strings", "comments",
    "identifiers", "keywords", "punctuation", "numbers", "other",
};

struct totals {
    size_t files, bad_orig, diffs, missing, tokens_in, tokens[4], names, bytes;
    double seconds[4], cpu[4];
    int kinds;                  /* --kinds: count by kind */
    size_t by_kind[KIND_COUNT];
};

/* Adds the tokens of s[0..n) (parsed as root) to t->by_kind: each token
 * counts for the kind of its first byte that is not a blank (a token of
 * blanks only: for its first byte). Leaves are strings (whole), comments,
 * Python docstrings, identifiers, numbers, keywords (anonymous words) and
 * punctuation; the gaps are line breaks, indentation (blanks that start a
 * line) and spaces. */
static void count_kinds(TSNode root, const char *s, size_t n, int python, struct totals *t)
{
    const terse_tokenizer *tk = terse_tokenizer_find("o200k");
    unsigned char *kind = malloc(n + 1);
    uint32_t *ids = NULL;
    size_t nids = 0, i, pos = 0;
    int bol = 1;
    TSTreeCursor c = ts_tree_cursor_new(root);
    if (!kind) {
        fprintf(stderr, "code_equiv: out of memory\n");
        exit(2);
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '\n') {
            kind[i] = KIND_NEWLINE;
            bol = 1;
        } else if (bol && (s[i] == ' ' || s[i] == '\t')) {
            kind[i] = KIND_INDENT;
        } else {
            kind[i] = KIND_SPACE;
            bol = 0;
        }
    }
    for (;;) {
        TSNode nd = ts_tree_cursor_current_node(&c);
        const char *ty = ts_node_type(nd);
        int k = -1;
        if (is_comment(ty))
            k = KIND_COMMENT;
        else if (python && docstring(nd))
            k = KIND_DOCSTRING;
        else if (ts_node_is_named(nd) && (strstr(ty, "string") || strstr(ty, "char_literal")) &&
                 strcmp(ty, "concatenated_string") != 0)
            k = KIND_STRING;
        else if (ts_node_child_count(nd) == 0 && !ts_node_eq(nd, root)) {
            if (strstr(ty, "identifier"))
                k = KIND_IDENT;
            else if (strstr(ty, "integer") || strstr(ty, "float") || strstr(ty, "number"))
                k = KIND_NUMBER;
            else if (!ts_node_is_named(nd))
                k = (ty[0] >= 'a' && ty[0] <= 'z') || (ty[0] >= 'A' && ty[0] <= 'Z') ? KIND_KEYWORD : KIND_PUNCT;
            else
                k = KIND_OTHER;
        }
        if (k >= 0) {
            for (i = ts_node_start_byte(nd); i < ts_node_end_byte(nd) && i < n; i++)
                kind[i] = (unsigned char)k;
        } else if (ts_tree_cursor_goto_first_child(&c)) {
            continue;
        }
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c))
                goto walked;
    }
walked:
    ts_tree_cursor_delete(&c);
    if (terse_encode(tk, s, n, 0, &ids, &nids) != TERSE_OK) {
        fprintf(stderr, "code_equiv: cannot tokenize\n");
        exit(2);
    }
    for (i = 0; i < nids; i++) {
        char *text = NULL;
        size_t len = 0, j;
        int k = -1;
        if (terse_decode(tk, ids + i, 1, &text, &len) != TERSE_OK) {
            fprintf(stderr, "code_equiv: cannot decode\n");
            exit(2);
        }
        for (j = pos; j < pos + len && j < n && k < 0; j++)
            if (kind[j] != KIND_SPACE && kind[j] != KIND_INDENT && kind[j] != KIND_NEWLINE)
                k = kind[j];
        if (k < 0)
            k = pos < n ? kind[pos] : KIND_OTHER;
        t->by_kind[k]++;
        pos += len;
        terse_free(text);
    }
    terse_free(ids);
    free(kind);
}

/* Python: 1 when every block of the tree holds a statement. tree-sitter
 * accepts "def f():" followed by comments alone, Python does not. */
static int blocks_filled(TSNode root)
{
    TSTreeCursor c = ts_tree_cursor_new(root);
    int ok = 1;
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&c);
        if (strcmp(ts_node_type(n), "block") == 0) {
            uint32_t i, stmts = 0;
            for (i = 0; i < ts_node_named_child_count(n); i++)
                stmts += !is_comment(ts_node_type(ts_node_named_child(n, i)));
            if (!stmts) {
                ok = 0;
                break;
            }
        }
        if (ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c))
                goto out;
    }
out:
    ts_tree_cursor_delete(&c);
    return ok;
}

/* --dump DIR: where the outputs that fail to parse are written, or NULL
 * (the default: nothing is written anywhere). */
static const char *dump_dir;

/* Writes the output of path at level to DIR/BASENAME.LEVEL (--dump DIR). */
static void dump(const char *path, int level, const struct buf *out)
{
    const char *base = strrchr(path, '/');
    char name[4096];
    FILE *f;
    if (!dump_dir)
        return;
    snprintf(name, sizeof name, "%s/%s.%s", dump_dir, base ? base + 1 : path, terse_level_name(level));
    f = fopen(name, "wb");
    if (f) {
        int bad = fwrite(out->p ? out->p : "", 1, out->len, f) != out->len;
        if (fclose(f) != 0 || bad)
            f = NULL;
    }
    if (!f)
        fprintf(stderr, "code_equiv: cannot write %s\n", name);
    else
        printf("#   output written to %s\n", name);
}

/* Checks one file at every level and adds its figures to *t. */
static void check_file(const char *path, int lang, const char *unit, int quiet, struct totals *t)
{
    const terse_tokenizer *tk = terse_tokenizer_find("o200k");
    const struct code_lang *L;
    size_t n, tin = 0, i, level;
    char *src;
    TSParser *p = ts_parser_new();
    TSTree *orig;
    struct seq a = {0}, b = {0}, nm = {0};
    int python;
    if (lang == CODE_NONE)
        lang = code_lang_from_path(path, strlen(path));
    L = code_lang_get(lang);
    src = L ? slurp(path, &n) : NULL;
    if (!src) {
        ts_parser_delete(p);
        return;
    }
    python = lang == CODE_PYTHON;
    ts_parser_set_language(p, L->grammar());
    orig = ts_parser_parse_string(p, NULL, src, (uint32_t)n);
    t->files++;
    if (!orig || ts_node_has_error(ts_tree_root_node(orig))) {
        t->bad_orig++;
        if (!quiet)
            printf("# does not parse: %s\n", path);
        goto out;
    }
    t->bytes += n;
    terse_count(tk, src, n, 0, &tin);
    t->tokens_in += tin;
    flatten(ts_tree_root_node(orig), src, python, &a);
    names(ts_tree_root_node(orig), src, lang == CODE_C, &nm);
    for (level = TERSE_LEVEL_EXACT; level <= TERSE_LEVEL_MAX; level++) {
        struct code_opts o;
        struct code_stats st;
        struct buf out = {0};
        size_t tout = 0;
        struct timespec t0, t1, c0, c1;
        memset(&o, 0, sizeof o);
        memset(&st, 0, sizeof st);
        o.lang = lang;
        o.level = (int)level;
        o.indent = unit;
        o.count = count_cb;
        o.count_arg = (void *)tk;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
        if (code_compress(src, n, &o, &out, &st) != TERSE_OK || out.oom) {
            printf("not ok - %s: compress failed at %s\n", path, terse_level_name((int)level));
            t->diffs++;
            buf_free(&out);
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
        t->seconds[level] += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        t->cpu[level] += (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
        terse_count(tk, out.p ? out.p : "", out.len, 0, &tout);
        t->tokens[level] += tout;
        if (level == TERSE_LEVEL_MAX) {
            for (i = 0; i < nm.n; i++) {
                if (!word_at(out.p ? out.p : "", out.len, nm.v[i].text, nm.v[i].len)) {
                    printf("not ok - %s: max lost the name %.*s (%s)\n", path, (int)nm.v[i].len, nm.v[i].text,
                           nm.v[i].type);
                    t->missing++;
                }
            }
            t->names += nm.n;
            if (python) {
                /* Python's max elides bodies to "...": still Python */
                TSTree *got;
                ts_parser_reset(p);
                got = ts_parser_parse_string(p, NULL, out.p ? out.p : "", (uint32_t)out.len);
                if (!got || ts_node_has_error(ts_tree_root_node(got)) || !blocks_filled(ts_tree_root_node(got))) {
                    printf("not ok - %s: max output does not parse\n", path);
                    dump(path, (int)level, &out);
                    t->diffs++;
                }
                if (got)
                    ts_tree_delete(got);
            }
        } else {
            TSTree *got;
            ts_parser_reset(p);
            got = ts_parser_parse_string(p, NULL, out.p ? out.p : "", (uint32_t)out.len);
            if (!got || ts_node_has_error(ts_tree_root_node(got))) {
                printf("not ok - %s: %s output does not parse\n", path, terse_level_name((int)level));
                dump(path, (int)level, &out);
                t->diffs++;
            } else {
                size_t d;
                flatten(ts_tree_root_node(got), out.p ? out.p : "", python, &b);
                if (t->kinds && level == TERSE_LEVEL_BALANCED)
                    count_kinds(ts_tree_root_node(got), out.p ? out.p : "", out.len, python, t);
                d = compare(&a, &b);
                if (d != (size_t)-1) {
                    printf("not ok - %s: %s tree differs at item %zu (%s '%.*s' vs %s '%.*s')\n", path,
                           terse_level_name((int)level), d, d < a.n ? a.v[d].type : "end",
                           d < a.n && a.v[d].text ? (int)(a.v[d].len > 40 ? 40 : a.v[d].len) : 0,
                           d < a.n && a.v[d].text ? a.v[d].text : "", d < b.n ? b.v[d].type : "end",
                           d < b.n && b.v[d].text ? (int)(b.v[d].len > 40 ? 40 : b.v[d].len) : 0,
                           d < b.n && b.v[d].text ? b.v[d].text : "");
                    t->diffs++;
                    if (!quiet && d < a.n && d < b.n && a.v[d].text && b.v[d].text) {
                        size_t k = 0, m;
                        while (k < a.v[d].len && k < b.v[d].len && a.v[d].text[k] == b.v[d].text[k])
                            k++;
                        m = k > 20 ? k - 20 : 0;
                        printf("#   first difference at byte %zu: '", k);
                        for (i = m; i < a.v[d].len && i < k + 20; i++)
                            printf(a.v[d].text[i] == '\n' ? "\\n" : "%c", a.v[d].text[i]);
                        printf("' vs '");
                        for (i = m; i < b.v[d].len && i < k + 20; i++)
                            printf(b.v[d].text[i] == '\n' ? "\\n" : "%c", b.v[d].text[i]);
                        printf("'\n");
                    }
                }
            }
            if (got)
                ts_tree_delete(got);
        }
        buf_free(&out);
    }
out:
    if (orig)
        ts_tree_delete(orig);
    ts_parser_delete(p);
    free(a.v);
    free(b.v);
    free(nm.v);
    free(src);
}

/* Parses the options, checks the files, prints the totals. */
int main(int argc, char **argv)
{
    struct totals t;
    int i, lang = CODE_NONE, quiet = 0;
    long sample = 1, seen = 0;
    const char *unit = NULL, *list = NULL;
    memset(&t, 0, sizeof t);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
            lang = code_lang_parse(argv[i + 1], strlen(argv[i + 1]));
            if (lang == CODE_NONE) {
                fprintf(stderr, "code_equiv: unknown language '%s'\n", argv[i + 1]);
                return 1;
            }
            i++;
        } else if (strcmp(argv[i], "--list") == 0 && i + 1 < argc) {
            list = argv[++i];
        } else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc) {
            sample = atol(argv[++i]);
            if (sample < 1)
                sample = 1;
        } else if (strcmp(argv[i], "--indent") == 0 && i + 1 < argc) {
            unit = argv[++i];
            if (strcmp(unit, "tab") == 0)
                unit = "\t";
        } else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc) {
            dump_dir = argv[++i];
        } else if (strcmp(argv[i], "--kinds") == 0) {
            t.kinds = 1;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: code_equiv [--lang LANG] [--list FILE] [--sample N] [--indent STR] [--dump DIR] [--kinds] [--quiet] [PATH...]\n");
            return 1;
        } else if (seen++ % sample == 0) {
            check_file(argv[i], lang, unit, quiet, &t);
        }
    }
    if (list) {
        FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
        char line[4096];
        if (!f) {
            fprintf(stderr, "code_equiv: cannot read %s\n", list);
            return 1;
        }
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            if (line[0] && seen++ % sample == 0)
                check_file(line, lang, unit, quiet, &t);
        }
        if (f != stdin)
            fclose(f);
    }
    printf("# files %zu, not parsing (skipped) %zu, checked %zu, %.1f MB\n", t.files, t.bad_orig,
           t.files - t.bad_orig, (double)t.bytes / 1e6);
    for (i = 0; i <= TERSE_LEVEL_MAX; i++)
        printf("# %-8s o200k %zu -> %zu tokens (%.1f%% fewer), %.1f MB/s wall, %.1f MB/s CPU\n", terse_level_name(i),
               t.tokens_in, t.tokens[i], t.tokens_in ? 100.0 * (1.0 - (double)t.tokens[i] / (double)t.tokens_in) : 0.0,
               t.seconds[i] > 0 ? (double)t.bytes / 1e6 / t.seconds[i] : 0.0,
               t.cpu[i] > 0 ? (double)t.bytes / 1e6 / t.cpu[i] : 0.0);
    if (t.kinds) {
        size_t all = 0;
        for (i = 0; i < KIND_COUNT; i++)
            all += t.by_kind[i];
        for (i = 0; i < KIND_COUNT; i++)
            printf("# balanced output, %-13s %9zu tokens (%.1f%%)\n", kind_names[i], t.by_kind[i],
                   all ? 100.0 * (double)t.by_kind[i] / (double)all : 0.0);
    }
    printf("%s - equivalence at exact, safe, balanced (Python: max parses): %zu differences\n", t.diffs ? "not ok" : "ok", t.diffs);
    printf("%s - max keeps all %zu top-level names: %zu missing\n", t.missing ? "not ok" : "ok", t.names,
           t.missing);
    return t.diffs || t.missing ? 1 : 0;
}
