/* test_tool.c - tool and terminal output: detection of each kind, the
 * lossless encodings (round trips byte for byte, on edge cases too), the
 * thinning of balanced (errors and warnings verbatim), malformed encodings
 * rejected. */
#include <stdlib.h>
#include <string.h>

#include "../../lib/common/lex.h"
#include "../../lib/detect/detect.h"
#include "../../lib/detect/tool_shape.h"
#include "../../lib/passes/tool.h"
#include "check.h"

/* Encodes s at level, decodes it; returns 1 when the decode gives back s
 * exactly (level safe) or succeeds (above). *enc gets the encoding. */
static int round_trip(const char *s, size_t n, int level, struct buf *enc)
{
    struct buf back = {0};
    char err[128];
    int ok;
    enc->len = 0;
    if (tool_encode(s, n, level, NULL, 0, enc) != TERSE_OK)
        return 0;
    ok = tool_decode(enc->p, enc->len, &back, err, sizeof err) == TERSE_OK;
    if (!ok)
        printf("#   decode: %s\n", err);
    if (ok && level == TERSE_LEVEL_SAFE)
        ok = back.len == n && memcmp(back.p ? back.p : "", s, n) == 0;
    buf_free(&back);
    return ok;
}

static const char ls_l[] =
    "total 24\n"
    "drwxr-xr-x  2 root root 4096 Dec  7 19:08 bin\n"
    "-rw-r--r--  1 root root  120 Dec  7 19:08 a file with spaces\n"
    "-rw-r--r--  1 root root 3410 Nov 30  2025 notes.txt\n"
    "lrwxrwxrwx  1 root root    7 Jan  2  2024 lib -> usr/lib\n"
    "-rw-r--r-- 12 root root   99 Dec  7 09:01 z\n";

static const char paths[] = "/usr/share/doc\n/usr/share/doc/bash\n/usr/share/doc/bash/README\n"
                            "/usr/share/doc/bash/copyright\n/usr/share/doc/zlib/\n/usr/share/doc/zlib/x y\n"
                            "/usr/share/doc//odd\n/etc\n";

static const char hits[] = "lib/a.c:12:    return TERSE_ENOMEM;\nlib/a.c:40:    if (x) return TERSE_ENOMEM;\n"
                           "lib/a.c:41:    x = 1;\nlib/b.c:3:TERSE_ENOMEM\nlib/b.c:9: error: unused\n";

static const char diff[] = "diff --git a/lib/x.c b/lib/x.c\nindex 1234abc..5678def 100644\n--- a/lib/x.c\n"
                           "+++ b/lib/x.c\n@@ -1,3 +1,3 @@\n int a;\n-int b;\n+long b;\n int c;\n"
                           "diff --git a/y b/y\nnew file mode 100644\nindex 0000000..e69de29\n";

static const char gitlog[] =
    "commit 0123456789abcdef0123456789abcdef01234567\nAuthor: A B <a@b.c>\nDate:   Mon Dec 7 19:08:10 2026 +0000\n\n"
    "    First\n\ncommit 1123456789abcdef0123456789abcdef01234567\nAuthor: A B <a@b.c>\n"
    "Date:   Mon Dec 7 18:08:10 2026 +0000\n\n    Second\n\n"
    "commit 2123456789abcdef0123456789abcdef01234567\nAuthor: C D <c@d.e>\nDate:   Sun Dec 6 18:08:10 2026 +0000\n\n"
    "    Third\n";

static const char trace[] = "Traceback (most recent call last):\n  File \"t.py\", line 4, in <module>\n    f(0)\n"
                            "  File \"t.py\", line 3, in f\n    return f(n + 1)\n"
                            "  File \"t.py\", line 3, in f\n    return f(n + 1)\n"
                            "  File \"t.py\", line 3, in f\n    return f(n + 1)\n"
                            "RecursionError: maximum recursion depth exceeded\n";

static void test_detect(void)
{
    static const char prose[] = "The quick brown fox jumps over the lazy dog.\nIt was not amused, "
                                "and said so at length.\nThen it left.\n";
    static const char unittest_out[] = "test_a (t.T.test_a) ... ok\ntest_b (t.T.test_b) ... ok\n"
                                       "test_c (t.T.test_c) ... FAIL\n\nRan 3 tests in 0.001s\n\nFAILED (failures=1)\n";
    static const char make_out[] = "cc -Wall -c -o a.o a.c\na.c:1:20: warning: unused variable 'y'\n"
                                   "cc -Wall -c -o b.o b.c\nmake: *** [Makefile:3: b.o] Error 1\n";
    CHECK(tool_kind(ls_l, sizeof ls_l - 1) == TOOL_TABLE);
    CHECK(tool_kind(paths, sizeof paths - 1) == TOOL_PATHS);
    CHECK(tool_kind(hits, sizeof hits - 1) == TOOL_HITS);
    CHECK(tool_kind(diff, sizeof diff - 1) == TOOL_DIFF);
    CHECK(tool_kind(gitlog, sizeof gitlog - 1) == TOOL_GITLOG);
    CHECK(tool_kind(trace, sizeof trace - 1) == TOOL_TRACE);
    {
        static const char java[] = "Exception in thread \"main\" java.lang.NullPointerException: x\n"
                                   "\tat com.x.Main.f(Main.java:10)\n\tat com.x.Main.main(Main.java:5)\n";
        static const char go[] = "panic: runtime error: index out of range [3] with length 3\n\n"
                                 "goroutine 1 [running]:\nmain.main()\n\t/tmp/x.go:5 +0x1d\nexit status 2\n";
        static const char js[] = "Error: deep 41\n    at a ([eval]:1:34)\n    at a ([eval]:1:70)\n"
                                 "    at Object.<anonymous> ([eval]:2:28)\n";
        CHECK(tool_kind(java, sizeof java - 1) == TOOL_TRACE);
        CHECK(tool_kind(go, sizeof go - 1) == TOOL_TRACE);
        CHECK(tool_kind(js, sizeof js - 1) == TOOL_TRACE);
    }
    CHECK(tool_kind(unittest_out, sizeof unittest_out - 1) == TOOL_TESTS);
    CHECK(tool_kind(make_out, sizeof make_out - 1) == TOOL_BUILD);
    CHECK(tool_kind(prose, sizeof prose - 1) == TOOL_NONE);
    {
        /* ps -eo pid,ppid,user,comm: rows start with a right-aligned
         * number (issue 13); an indented list of man page options is no
         * table */
        static const char ps[] = "    PID    PPID USER     COMMAND\n      1       0 root     systemd\n"
                                 "      2       0 root     kthreadd\n    412       1 message+ dbus-daemon\n"
                                 "   1337     412 alice    bash\n";
        static const char opts[] = "       -a, --all              do not ignore entries starting with .\n"
                                   "       -A, --almost-all       do not list implied . and ..\n"
                                   "       -b, --escape           print C-style escapes for nongraphic characters\n";
        struct buf enc = {0};
        CHECK(tool_kind(ps, sizeof ps - 1) == TOOL_TABLE);
        CHECK(detect_type(ps, sizeof ps - 1) == TERSE_TYPE_TOOL);
        CHECK(round_trip(ps, sizeof ps - 1, TERSE_LEVEL_SAFE, &enc));
        buf_free(&enc);
        CHECK(tool_kind(opts, sizeof opts - 1) == TOOL_NONE);
    }
    CHECK(detect_type(gitlog, sizeof gitlog - 1) == TERSE_TYPE_TOOL); /* not a chat for its Author: lines */
    CHECK(detect_type(ls_l, sizeof ls_l - 1) == TERSE_TYPE_TOOL);
    CHECK(detect_type(prose, sizeof prose - 1) == TERSE_TYPE_PROSE);
    CHECK(strcmp(tool_kind_name(TOOL_HITS), "hits") == 0);
    /* error words at the start of a word: -Werror is a flag, not an error
     * (at balanced it kept every compiler line verbatim) */
    CHECK(!tool_important_line("cc -Wall -Werror -c a.c", 23));
    CHECK(!tool_important_line("2>/dev/stderr", 13));
    CHECK(tool_important_line("ValueError: bad", 15));
    CHECK(tool_important_line("a.c:1:2: warning: x", 19));
    CHECK(tool_important_line("FAILED (failures=1)", 19));
    CHECK(tool_important_line("make: *** Error 2", 17));
}

static void test_round_trips(void)
{
    static const char *const edge[] = {
        "", "x", "\n", "~tool not an encoding\n~p3\n", "~~\n~x2\n~A=b\n", "a\na\na\na\n", "no newline at end",
        "=================\n-----\n========================================\n",
        "a\r\nb\r\n", "p:1:x\np:2:y\np:3:z", "\n\n\n\n", "  a  b  c\n  d  e  f\n  g  h  i\n",
        "a b c\na  b c\na b  c\n",
        /* a cell '"' in a ditto column */
        "x  \"  1  a\ny  \"  1  b\nz  \"  1  c\nw  q  1  d\n",
        /* a commit line that reads as "~c T H" */
        "commit a\nAuthor: A\nDate: 10:00:00 x\ncommit 12:00:00 b\nAuthor: A\nDate: 11:00:00 x\n",
        "commit a\nAuthor: A\nDate: 10:00:00 x\ncommit b\nAuthor: A\nDate: 11:00:00 y\n",
    };
    struct buf enc = {0};
    size_t i;
    const char *docs[] = {ls_l, paths, hits, diff, gitlog, trace};
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        CHECK(round_trip(docs[i], strlen(docs[i]), TERSE_LEVEL_SAFE, &enc));
        CHECK(tool_is_encoded(enc.p, enc.len));
    }
    for (i = 0; i < sizeof edge / sizeof edge[0]; i++)
        CHECK(round_trip(edge[i], strlen(edge[i]), TERSE_LEVEL_SAFE, &enc));
    /* a line of NUL bytes is no ruler (fuzz_tool found it written "~r") */
    CHECK(round_trip("a  b\n\0\0\0\0\0\0\0\0\0\0", 15, TERSE_LEVEL_SAFE, &enc));
    buf_free(&enc);
}

/* What the encodings look like: a model reads them without the decoder. */
static void test_forms(void)
{
    struct buf enc = {0};
    CHECK(round_trip(paths, sizeof paths - 1, TERSE_LEVEL_SAFE, &enc));
    buf_addc(&enc, 0);
    CHECK(strstr(enc.p, "~p8\n/usr/share/doc\n    bash\n     README\n     copyright\n") != NULL);
    CHECK(round_trip(hits, sizeof hits - 1, TERSE_LEVEL_SAFE, &enc));
    buf_addc(&enc, 0);
    CHECK(strstr(enc.p, "~3 lib/a.c:{*}\n12:    return TERSE_ENOMEM;\n") != NULL);
    {
        static const char spread[] = "/usr/include/a/x.h:3:extern int a;\n/usr/include/a/y.h:9:extern int b;\n"
                                     "/usr/include/b/z.h:1:extern int c;\n/usr/include/b/z.h:2:extern int d;\n"
                                     "/usr/include/c.h:4:extern int e;\n";
        CHECK(round_trip(spread, sizeof spread - 1, TERSE_LEVEL_SAFE, &enc));
        buf_addc(&enc, 0);
        CHECK(strstr(enc.p, "~h5\n/usr/include/a/x.h:3:extern int a;\n    y.h:9:extern int b;\n   b/z.h:1:") != NULL);
    }
    CHECK(round_trip(diff, sizeof diff - 1, TERSE_LEVEL_SAFE, &enc));
    buf_addc(&enc, 0);
    CHECK(strstr(enc.p, "~d lib/x.c 1234abc..5678def 100644\n@@") != NULL);
    CHECK(round_trip(gitlog, sizeof gitlog - 1, TERSE_LEVEL_SAFE, &enc));
    buf_addc(&enc, 0);
    /* the same Date line but for its time: "~c T H" */
    CHECK(strstr(enc.p, "~c 18:08:10 1123456789abcdef0123456789abcdef01234567\n\n    Second") != NULL);
    CHECK(strstr(enc.p, "commit 2123456789abcdef0123456789abcdef01234567\nAuthor: C D") != NULL);
    CHECK(round_trip(ls_l, sizeof ls_l - 1, TERSE_LEVEL_SAFE, &enc));
    buf_addc(&enc, 0);
    CHECK(strstr(enc.p, "=root") != NULL && strstr(enc.p, "drwxr-xr-x 2 4096 Dec 7 19:08 bin\n") != NULL);
    /* cells the same as the cell above are blank */
    CHECK(strstr(enc.p, "\n-rw-r--r-- 1 120    a file with spaces\n") != NULL);
    CHECK(round_trip(trace, sizeof trace - 1, TERSE_LEVEL_SAFE, &enc));
    buf_addc(&enc, 0);
    CHECK(strstr(enc.p, "~x3/2\n") != NULL);
    buf_free(&enc);
}

static void test_balanced_keeps_errors(void)
{
    struct buf doc = {0}, enc = {0};
    char line[128];
    int i;
    for (i = 0; i < 60; i++) {
        snprintf(line, sizeof line, "test_case_%03d (t.T.test_case_%03d) ... %s\n", i, i,
                 i == 31 ? "FAIL" : i == 40 ? "ERROR" : "ok");
        buf_adds(&doc, line);
    }
    buf_adds(&doc, "warning: 2 tests did not pass\n");
    CHECK(round_trip(doc.p, doc.len, TERSE_LEVEL_BALANCED, &enc));
    buf_addc(&enc, 0);
    CHECK(strstr(enc.p, "\ntest_case_031 (t.T.test_case_031) ... FAIL\n") != NULL);
    CHECK(strstr(enc.p, "\ntest_case_040 (t.T.test_case_040) ... ERROR\n") != NULL);
    CHECK(strstr(enc.p, "\ntest_case_000 (t.T.test_case_000) ... ok\n") != NULL);
    CHECK(strstr(enc.p, "\ntest_case_059 (t.T.test_case_059) ... ok\n") != NULL);
    CHECK(strstr(enc.p, "\nwarning: 2 tests did not pass\n") != NULL);
    CHECK(strstr(enc.p, "\n~-") != NULL);
    CHECK(strstr(enc.p, "test_case_020 ") == NULL);
    /* a query keeps its lines */
    enc.len = 0;
    CHECK(tool_encode(doc.p, doc.len, TERSE_LEVEL_BALANCED, "case_020", 8, &enc) == TERSE_OK);
    buf_addc(&enc, 0);
    CHECK(strstr(enc.p, "test_case_020 ") != NULL);
    buf_free(&doc);
    buf_free(&enc);
}

static void test_malformed(void)
{
    static const char *const bad[] = {
        "~tool x\n~p2\n/a\n", "~tool x\n~p2\n  a\n", "~tool x\n~p2\n/a\n     b\n", "~tool x\n~x2\n",
        "~tool x\n~t1 <0 >2\nabc def\n", "~tool x\n~t1 <0 <1=v\nrow\n", "~tool x\n~c abc\n", "~tool x\n~B\n",
        "~tool x\n~q\n", "~tool x\n~noeol\nmore\n", "~tool x\n~2 p:{*}\n1\n", "~tool x\n~x0\n", "~tool x\n~r=01\n",
        "~tool x\na\n~x99999999999\n", "~tool x\n~t2 <0\" <2\n a\n b\n", "~tool x\n~t2 <0 <2\na b\n c\n", "~tool x\n~t1 <0 <2\"\na b\n",
        "~tool x\n~t1 <0\"=v <2\nb\n", "~tool x\nAuthor: A\n~c 10:00:00 h\n",
        "~tool x\nAuthor: A\nDate: none\n~c 10:00:00 h\n",
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct buf out = {0};
        char err[128];
        CHECK(tool_decode(bad[i], strlen(bad[i]), &out, err, sizeof err) == TERSE_EFORMAT);
        CHECK(err[0] != 0);
        buf_free(&out);
    }
}

/* Through the public API: auto picks the tool type, safe is undone by
 * terse_expand, balanced keeps the failing test line. */
static void test_public(void)
{
    terse_options o;
    terse_result r;
    char *back = NULL, line[96];
    size_t bl = 0;
    struct buf many = {0};
    int i;
    for (i = 0; i < 40; i++) {
        snprintf(line, sizeof line, "/usr/share/doc/package-%02d/changelog.Debian.gz\n", i / 2);
        buf_adds(&many, line);
    }
    terse_options_init(&o);
    o.level = TERSE_LEVEL_SAFE;
    CHECK(compress_with(&o, many.p, many.len, &r) == TERSE_OK);
    CHECK(r.type == TERSE_TYPE_TOOL);
    CHECK(r.tokens_out < r.tokens_in);
    CHECK(terse_expand(r.text, r.len, TERSE_TYPE_AUTO, &back, &bl, NULL, 0) == TERSE_OK);
    CHECK(bl == many.len && memcmp(back, many.p, bl) == 0);
    terse_free(back);
    terse_result_free(&r);
    buf_free(&many);
    CHECK(terse_type_parse("tool") == TERSE_TYPE_TOOL);
    CHECK(strcmp(terse_type_name(TERSE_TYPE_TOOL), "tool") == 0);
    /* text that is no encoding decodes to itself with the tool type */
    CHECK(terse_expand("plain\n", 6, TERSE_TYPE_TOOL, &back, &bl, NULL, 0) == TERSE_OK);
    CHECK(bl == 6 && memcmp(back, "plain\n", 6) == 0);
    terse_free(back);
}

/* The line scans the detectors run on every line (lex_starts compares the
 * first byte first; lex_contains looks for the needle's first byte that is
 * not a space) against a plain search, on every string of up to 6
 * characters over an alphabet of the needles' bytes. */
static void test_line_scans(void)
{
    static const char *const needles[] = {"", " ", "  ", " ... ", " ... ok", "ED", " [", "%]", ": error: ", "a",
                                          ". ", " .", "...", "a b", " a"};
    static const char alpha[] = " .a:bEDk[%";
    char s[8];
    size_t len, k, bad = 0;
    for (len = 0; len <= 6; len++) {
        size_t total = 1, x, i;
        for (i = 0; i < len; i++)
            total *= sizeof alpha - 1;
        for (x = 0; x < total; x++) {
            size_t y = x;
            for (i = 0; i < len; i++, y /= sizeof alpha - 1)
                s[i] = alpha[y % (sizeof alpha - 1)];
            for (k = 0; k < sizeof needles / sizeof needles[0]; k++) {
                const char *p = needles[k];
                size_t L = strlen(p), m;
                int starts = len >= L && memcmp(s, p, L) == 0, has = 0;
                for (m = 0; m + L <= len && !has; m++)
                    has = memcmp(s + m, p, L) == 0;
                bad += (size_t)(lex_starts(s, len, p) != starts) + (size_t)(lex_contains(s, len, p) != has);
            }
        }
    }
    CHECK(bad == 0);
}

/* The plain definitions of tool_shape.h's hit and path lines, byte by byte,
 * which the library finds with memchr. */
static int plain_hit_line(const char *s, size_t n, size_t *plen)
{
    size_t i;
    for (i = 0; i < n && s[i] != ':'; i++)
        if (s[i] == ' ' || s[i] == '\t')
            return 0;
    if (i == 0 || i + 1 >= n || s[i + 1] < '0' || s[i + 1] > '9')
        return 0;
    *plen = i + 1;
    return 1;
}

static int plain_path_line(const char *s, size_t n)
{
    size_t i;
    int mark = 0, space = 0;
    if (n == 0 || n > 4096 || s[0] == ' ' || s[0] == '~' || s[0] == '#' || s[0] == '-')
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '\t' || s[i] == '\r' || (s[i] == ':' && i + 1 < n && s[i + 1] == ' '))
            return 0;
        if (s[i] == ' ' && i + 1 < n && s[i + 1] == ' ')
            return 0;
        if (s[i] == '/' || s[i] == '.')
            mark = 1;
        space |= s[i] == ' ';
    }
    if (space)
        return s[0] == '/' || (n >= 2 && s[0] == '.' && s[1] == '/');
    return mark || n < 64;
}

/* tool_hit_line and tool_path_line against the plain definitions, on every
 * string of up to 6 characters over the bytes they look at. */
static void test_line_classes(void)
{
    static const char alpha[] = " .a:/\t\r1-#";
    char s[8];
    size_t len, bad = 0;
    for (len = 0; len <= 6; len++) {
        size_t total = 1, x, i;
        for (i = 0; i < len; i++)
            total *= sizeof alpha - 1;
        for (x = 0; x < total; x++) {
            size_t y = x, p1 = 0, p2 = 0;
            int h;
            for (i = 0; i < len; i++, y /= sizeof alpha - 1)
                s[i] = alpha[y % (sizeof alpha - 1)];
            h = tool_hit_line(s, len, &p1);
            bad += (size_t)(h != plain_hit_line(s, len, &p2) || (h && p1 != p2));
            bad += (size_t)(tool_path_line(s, len) != plain_path_line(s, len));
        }
    }
    CHECK(bad == 0);
}

const struct test_case tool_tests[] = {
    {"tool: hit and path lines are what their plain definitions say", test_line_classes},
    {"tool: the line scans agree with a plain search", test_line_scans},
    {"tool: each kind of terminal output is detected", test_detect},
    {"tool: encodings round-trip byte for byte", test_round_trips},
    {"tool: what the encodings look like", test_forms},
    {"tool: balanced thins runs, keeps errors, warnings, ends and query lines", test_balanced_keeps_errors},
    {"tool: malformed encodings are rejected with a message", test_malformed},
    {"tool: public API, auto type, terse_expand", test_public},
    {NULL, NULL},
};
