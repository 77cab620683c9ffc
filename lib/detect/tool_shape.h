/* tool_shape.h - the shapes of terminal output: which kind of tool output a
 * text is (docs/tool-output.md lists them), for detection (detect.c) and
 * for the tool pass (passes/tool.c), so that the two cannot disagree.
 */
#ifndef TERSE_DETECT_TOOL_SHAPE_H
#define TERSE_DETECT_TOOL_SHAPE_H

#include <stddef.h>

enum tool_kind {
    TOOL_NONE = 0,
    TOOL_TABLE,  /* aligned columns: ls -l, ps, df, dpkg -l, docker ps, kubectl get */
    TOOL_PATHS,  /* one path a line: find, git ls-files */
    TOOL_HITS,   /* path:line:text: grep -rn, compiler diagnostics */
    TOOL_DIFF,   /* unified diffs, git diff, git show */
    TOOL_GITLOG, /* git log, with or without --stat */
    TOOL_TRACE,  /* Python, Java, Go, JavaScript stack traces */
    TOOL_TESTS,  /* pytest, unittest, go test, jest, cargo test */
    TOOL_BUILD,  /* make, compiler and linker output */
    TOOL_KIND_COUNT
};

/* The kind of tool output s[0..n) is (the first 64 KiB are read), or
 * TOOL_NONE. Cheap: one pass over the lines. */
int tool_kind(const char *s, size_t n);

/* The name of a kind ("table", "paths", ...), or NULL. */
const char *tool_kind_name(int kind);

/* The line classes the kinds are made of, shared with the tool pass. */
/* 1 if the line is "PATH:DIGITS..." with PATH non-empty and without
 * blanks; *plen is then the length of "PATH:". */
int tool_hit_line(const char *s, size_t n, size_t *plen);
/* 1 if the line reads as a path: no leading blank, no tab, no ": ", and a
 * '/' or a '.' in it, or a bare name (git ls-files' top level). */
int tool_path_line(const char *s, size_t n);
/* 1 if the line reports an error, a failure, a warning or a non-zero
 * status (ASCII case-insensitive words: error, fail, warn, fatal, panic,
 * exception, traceback, abort, denied, "not ok", assert, segfault,
 * "exit status", "exit code", "non-zero"), each at the start of a word:
 * after a non-letter, or capitalized (ValueError); not -Werror. */
int tool_important_line(const char *s, size_t n);

#endif
