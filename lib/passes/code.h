/* code.h - the code pass: structural compression of source code over its
 * tree-sitter syntax tree, for the languages of code_lang.h.
 *
 * Only whitespace between tokens, comments and docstrings change at
 * `exact`, `safe` and `balanced`: every other token is copied byte for
 * byte, so the compressed file parses to the same syntax tree (with comment
 * nodes gone and docstrings cut to a prefix); tests/code/equiv.c checks
 * this over whole corpora. `max` keeps a skeleton (imports, types,
 * signatures, first docstring lines) with function bodies elided.
 */
#ifndef TERSE_PASSES_CODE_H
#define TERSE_PASSES_CODE_H

#include <stddef.h>

#include "terse.h"

struct buf;

/* Counts the tokens of s[0..n) into *count; returns TERSE_OK or the
 * failure's TERSE_* status (TERSE_ENOMEM). */
typedef int (*code_count_fn)(void *arg, const char *s, size_t n, size_t *count);

struct code_opts {
    int lang;                 /* enum code_lang_id, not CODE_NONE */
    int level;                /* enum terse_level */
    const char *query;        /* max: whole bodies of the most relevant definitions */
    size_t query_len;
    size_t budget;            /* max: elide the least relevant bodies until it fits; 0 = none */
    code_count_fn count;      /* needed with a budget */
    void *count_arg;
    const char *indent;       /* Python's indentation unit; NULL = the default (CODE_INDENT) */
};

/* Python's indentation unit: one space. Measured in docs/benchmarks.md
 * (issue 4): on the standard library at `balanced`, one space costs the
 * fewest o200k tokens of 1, 2, 4 spaces and a tab. */
#define CODE_INDENT " "

struct code_stats {
    size_t parse_errors;      /* 1 when the input did not parse (then passed through) */
    size_t comments_removed;
    size_t docstrings_cut;
    size_t bodies_elided;
    size_t bodies_kept;       /* max: bodies kept whole for the query or budget */
    size_t values_elided;     /* max: assigned values of more than three lines */
    size_t members_elided;    /* max: member lists, runs of fields or properties, runs of macros, macro values */
    size_t license_headers;   /* replaced by a marker */
    size_t min_tokens;        /* on TERSE_EBUDGET: tokens of the bare skeleton */
};

/* The process's exit status when tree-sitter runs out of memory: it cannot
 * report a failed allocation, so the code pass ends the process with one
 * "terse: out of memory ..." line on stderr and this status (the CLI's
 * out-of-memory status). */
#define CODE_EXIT_OOM 2

/* Appends the compressed form of src[0..n) to out and adds to *st. A text
 * that does not parse without errors is appended unchanged (and counted
 * in st->parse_errors): without a trustworthy tree no layout change is safe.
 * Returns TERSE_OK, TERSE_ENOMEM or TERSE_EBUDGET (not even the skeleton
 * fits the budget: out holds the skeleton, over budget). Deterministic. */
int code_compress(const char *src, size_t n, const struct code_opts *o, struct buf *out, struct code_stats *st);

/* Returns 1 when src[0..n) parses as `lang` (enum code_lang_id) without an
 * error, 0 otherwise (also when memory runs out). Used to confirm a guess
 * of the content type: prose almost never parses as code. */
int code_parses(const char *src, size_t n, int lang);

/* The file-header forms of multi-file input (docs/levels.md, Code):
 *   <file path="a/b.py"> ... </file>     (repomix XML style)
 *   // File: a/b.py    # File: a/b.py    (a comment line naming the file)
 *   === a/b.py ===                        (a banner line)
 * Calls fn once per part: the header line(s) as [h0,h1) (empty for text
 * before the first header), the path as [p0,p1), and the body [b0,b1).
 * Returns the number of headers found (0: not multi-file; fn not called). */
struct code_part {
    size_t h0, h1, p0, p1, b0, b1, t0, t1; /* [t0,t1): a closing line ("</file>") or empty */
};
size_t code_split_files(const char *s, size_t n, struct code_part *parts, size_t max_parts);

#endif
