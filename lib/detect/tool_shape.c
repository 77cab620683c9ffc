/* tool_shape.c - the shapes of terminal output; see tool_shape.h. */
#include "tool_shape.h"

#include <string.h>

#include "../common/lex.h"

static const char *const kind_names[TOOL_KIND_COUNT] = {
    NULL, "table", "paths", "hits", "diff", "gitlog", "trace", "tests", "build",
};

const char *tool_kind_name(int kind)
{
    return kind > 0 && kind < TOOL_KIND_COUNT ? kind_names[kind] : NULL;
}

/* These two run on every line of every input (detection, then the pass):
 * memchr finds the few bytes that decide, instead of a test per byte. */
int tool_hit_line(const char *s, size_t n, size_t *plen)
{
    const char *colon = memchr(s, ':', n);
    size_t i = colon ? (size_t)(colon - s) : n;
    if (i == 0 || i + 1 >= n || s[i + 1] < '0' || s[i + 1] > '9' || memchr(s, ' ', i) || memchr(s, '\t', i))
        return 0;
    if (plen)
        *plen = i + 1;
    return 1;
}

/* Whether s[0..n) has byte c followed by byte d. */
static int has_pair(const char *s, size_t n, char c, char d)
{
    const char *q = s, *end = s + n;
    while (q + 1 < end && (q = memchr(q, c, (size_t)(end - 1 - q))) != NULL) {
        if (q[1] == d)
            return 1;
        q++;
    }
    return 0;
}

int tool_path_line(const char *s, size_t n)
{
    if (n == 0 || n > 4096 || s[0] == ' ' || s[0] == '~' || s[0] == '#' || s[0] == '-' || memchr(s, '\t', n) ||
        memchr(s, '\r', n) || has_pair(s, n, ':', ' ') || has_pair(s, n, ' ', ' '))
        return 0;
    if (memchr(s, ' ', n))
        return s[0] == '/' || lex_starts(s, n, "./");
    return memchr(s, '/', n) || memchr(s, '.', n) || n < 64;
}

/* Returns 1 if s[0..n) contains w (lower-case ASCII) in any case, at the
 * start of a word: after a non-letter, or capitalized after a lower-case
 * letter (ValueError, NullPointerException); not inside one (-Werror,
 * stderr). */
static int has_word(const char *s, size_t n, const char *w)
{
    size_t m = strlen(w), i, k;
    for (i = 0; i + m <= n; i++) {
        char b = i ? s[i - 1] : ' ';
        if (((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) &&
            !(s[i] >= 'A' && s[i] <= 'Z' && b >= 'a' && b <= 'z'))
            continue;
        for (k = 0; k < m; k++) {
            char c = s[i + k];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != w[k])
                break;
        }
        if (k == m)
            return 1;
    }
    return 0;
}

int tool_important_line(const char *s, size_t n)
{
    static const char *const words[] = {
        "error", "fail", "warn", "fatal", "panic", "exception", "traceback", "abort", "denied",
        "not ok", "assert", "segfault", "exit status", "exit code", "non-zero", "nonzero",
    };
    size_t i;
    for (i = 0; i < sizeof words / sizeof words[0]; i++)
        if (has_word(s, n, words[i]))
            return 1;
    return 0;
}

/* Fields (runs of non-spaces) of a line; *aligned gets a bit for each
 * column (below 64) where a field starts or ends next to two spaces or
 * more: where alignment put it. */
static size_t fields(const char *s, size_t n, unsigned long long *aligned)
{
    size_t i = 0, nf = 0;
    *aligned = 0;
    while (i < n) {
        size_t b = i;
        while (i < n && s[i] == ' ')
            i++;
        if (nf && i < n && i - b >= 2) {
            if (i < 64)
                *aligned |= 1ull << i;
            if (b < 64)
                *aligned |= 1ull << b;
        }
        if (i >= n)
            break;
        nf++;
        while (i < n && s[i] != ' ')
            i++;
    }
    return nf;
}

static int is_hex(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return n > 0;
}

static int trace_line(const char *s, size_t n)
{
    static const char *const heads[] = {
        "Traceback (", "  File \"", "\tat ", "    at ", "goroutine ", "panic: ", "Exception in thread ",
        "Caused by: ", "\t... ",
    };
    size_t i;
    for (i = 0; n && i < sizeof heads / sizeof heads[0]; i++) /* the first byte first */
        if (heads[i][0] == s[0] && lex_starts(s, n, heads[i]))
            return 2;
    /* go: "main.f(...)" then "\t/path/file.go:12 +0x1d" */
    if (n > 1 && s[0] == '\t' && lex_contains(s, n, ".go:"))
        return 2;
    if (!memchr(s, ':', n))
        return 0;
    return lex_contains(s, n, "Error:") || lex_contains(s, n, "Exception: ");
}

static int test_line(const char *s, size_t n)
{
    static const char *const heads[] = {
        "=== RUN", "--- PASS", "--- FAIL", "--- SKIP", "PASS", "FAIL", "ok  \t", "ok \t", "?   \t",
        "Ran ", "collected ", "Tests:", "Test Suites:", "  \xE2\x9C\x93", "  \xE2\x9C\x95",
        "running ", "test result:", "OK", "FAILED", "ERROR:", "FAIL:", "ok - ", "not ok - ",
    };
    size_t i;
    for (i = 0; n && i < sizeof heads / sizeof heads[0]; i++) /* the first byte first */
        if (heads[i][0] == s[0] && lex_starts(s, n, heads[i]))
            return 1;
    if (lex_contains(s, n, " ... "))
        return lex_contains(s, n, " ... ok") || lex_contains(s, n, " ... FAIL") || lex_contains(s, n, " ... ERROR") ||
               lex_contains(s, n, " ... skipped");
    return (lex_contains(s, n, "ED") && (lex_contains(s, n, " PASSED") || lex_contains(s, n, " FAILED"))) ||
           (n > 8 && lex_contains(s, n, "%]") && lex_contains(s, n, " ["));
}

static int build_line(const char *s, size_t n)
{
    static const char *const heads[] = {
        "make: ", "make[", "gcc ", "cc ", "clang ", "g++ ", "c++ ", "  CC ", "  LD ", "  AR ", "  CXX ",
        "  GEN ", "ar ", "ld: ", "/usr/bin/ld", "   Compiling ", "    Finished ", "[ ", "-- ", "cmake ",
        "In file included from ", "collect2: ", "mkdir ", "install ", "cp ", "rm ", "npm ", "node ",
    };
    size_t i;
    for (i = 0; n && i < sizeof heads / sizeof heads[0]; i++) /* the first byte first */
        if (heads[i][0] == s[0] && lex_starts(s, n, heads[i]))
            return 1;
    return memchr(s, ':', n) && lex_contains(s, n, ": ") && (lex_contains(s, n, ": error: ") || lex_contains(s, n, ": warning: ") ||
                                        lex_contains(s, n, ": note: ") || lex_contains(s, n, ": In function "));
}

int tool_kind(const char *s, size_t n)
{
    size_t i, lines = 0, hits = 0, paths = 0, tables = 0, traces = 0, trace_heads = 0, tests = 0, builds = 0;
    size_t diffs = 0, hunks = 0, commits = 0, authors = 0, slashes = 0, limit = n < 65536 ? n : 65536;
    unsigned long long prev = 0;
    for (i = 0; i < limit;) {
        const char *nl = memchr(s + i, '\n', limit - i), *l = s + i;
        size_t e = nl ? (size_t)(nl - s) : limit, L = e - i;
        unsigned long long aligned;
        int t;
        i = e + 1;
        if (L && l[L - 1] == '\r')
            L--;
        if (L == 0)
            continue;
        lines++;
        switch (l[0]) { /* the first character first: this runs on every input */
        case 'd':
            diffs += (size_t)lex_starts(l, L, "diff --git ");
            break;
        case '+':
            diffs += (size_t)lex_starts(l, L, "+++ ");
            break;
        case '-':
            diffs += (size_t)lex_starts(l, L, "--- ");
            break;
        case '@':
            hunks += (size_t)lex_starts(l, L, "@@ -");
            break;
        case 'c':
            commits += lex_starts(l, L, "commit ") && L >= 47 && is_hex(l + 7, 40);
            break;
        case 'A':
            authors += (size_t)lex_starts(l, L, "Author: ");
            break;
        default:
            break;
        }
        if (tool_hit_line(l, L, NULL))
            hits++;
        else if (tool_path_line(l, L)) {
            paths++;
            slashes += memchr(l, '/', L) != NULL;
        }
        if (l[0] != ' ' && l[0] != '|' && l[0] != '\t' && fields(l, L, &aligned) >= 3) {
            /* a table row lines up with the row above */
            tables += (aligned & prev) != 0 || (aligned && tables == 0);
            prev = aligned;
        }
        t = trace_line(l, L);
        traces += t != 0;
        trace_heads += t != 0 && L > 2 && l[0] != ' ' && l[0] != '\t'; /* "ValueError: x", "panic: x" */
        if (t == 2 && (lex_starts(l, L, "Traceback (") || lex_starts(l, L, "goroutine ") ||
                       lex_starts(l, L, "panic: ") || lex_starts(l, L, "Exception in thread ") ||
                       lex_starts(l, L, "\tat ")))
            trace_heads++;
        tests += (size_t)test_line(l, L);
        builds += (size_t)build_line(l, L);
    }
    if (lines < 3)
        return TOOL_NONE;
    if (hunks && diffs >= 2)
        return TOOL_DIFF;
    if (commits && authors && commits * 8 >= authors * 7)
        return TOOL_GITLOG;
    if (trace_heads && traces * 2 >= lines)
        return TOOL_TRACE;
    if (tests * 4 >= lines)
        return TOOL_TESTS;
    if (builds * 3 >= lines)
        return TOOL_BUILD;
    if (hits * 10 >= lines * 6)
        return TOOL_HITS;
    if (paths * 10 >= lines * 8 && slashes * 10 >= lines * 3)
        return TOOL_PATHS;
    if (tables * 10 >= lines * 6)
        return TOOL_TABLE;
    return TOOL_NONE;
}
