/* batch.h - `terse compress` over many inputs on many threads: several
 * FILE arguments, directories (-r), JSON Lines records (--jsonl), written
 * to stdout, to a directory (-o DIR) or beside each input (--suffix), on
 * -T N threads. Also the output formats that the one-file path shares, so
 * that both write the same bytes.
 *
 * Part of the program (programs/), not of the library: it uses the public
 * API plus the library's JSON reader and byte buffer (lib/common), the way
 * eval/ does. docs/cli.md ("Batch") is the user's description.
 */
#ifndef TERSE_PROGRAMS_BATCH_H
#define TERSE_PROGRAMS_BATCH_H

#include <stddef.h>

#include "../lib/common/buf.h"
#include "terse.h"

/* What `terse compress` was asked to do, once its options are read. */
struct batch {
    terse_options opt;       /* the command line's options; opt.tokenizer set */
    int level_given;         /* --level was given: a record's budget keeps it */
    int json, stats;         /* --json, --stats */
    int jsonl;               /* --jsonl: inputs are JSON Lines records */
    int recursive;           /* -r: directories are read recursively */
    const char *outdir;      /* -o DIR, or NULL */
    const char *suffix;      /* --suffix SUF, or NULL */
    long threads;            /* -T N; 0: one per core */
    char **files;            /* the FILE arguments ("-": stdin); none: stdin */
    size_t n_files;
};

/* Runs the batch: every input compressed, outputs written in input order.
 * A failing input or record is reported (its own JSON line with --jsonl,
 * else one line on stderr) and the run goes on. Returns the exit status:
 * 0 when every input succeeded, 1 when one was bad input, 2 when memory
 * ran out. Usage errors (an unknown option value) are found before this. */
int batch_compress(const struct batch *b);

/* Compresses one JSON Lines record, line[0..n) (any bytes; no newline),
 * with b's options under the record's own, ctx being b's options made once.
 * Appends exactly one line to out: the --json object with "id" first, or
 * {"id":...,"error":"..."}; on failure also "line N: message" (no newline)
 * to err. Adds the token counts to *tokens_in and *tokens_out. Returns 0,
 * 1 (a bad record) or 2 (out of memory). Thread-safe. */
int batch_record(const struct batch *b, const terse_ctx *ctx, const char *line, size_t n, size_t line_no,
                 struct buf *out, struct buf *err, size_t *tokens_in, size_t *tokens_out);

/* Appends the `terse compress --json` object for r (no newline; the same
 * bytes as the one-file path in terse.c, which tests/batch.sh checks); fields,
 * when not NULL, is written first inside the braces followed by a comma
 * (`"id":7`). */
void batch_result_json(struct buf *out, const char *fields, const terse_result *r,
                       const terse_tokenizer *t);

/* Appends the `--stats` line (newline included) for r; label, when not
 * NULL, names the input ("terse: src/a.py: 120 -> 80 tokens ..."). */
void batch_stats_line(struct buf *out, const char *label, const terse_result *r,
                      const terse_tokenizer *t);

/* Appends the message for a failed terse_compress (no "terse: " and no
 * newline): the budget that cannot be met, or terse_strerror(rc). */
void batch_error_text(struct buf *out, int rc, const terse_result *r, size_t budget,
                      const terse_tokenizer *t);

#endif
