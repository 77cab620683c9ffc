/* log.h - log folding: consecutive repeated lines become one line and a
 * count, runs of lines that differ only in some whitespace-separated
 * fields (timestamps, ids, numbers, paths) become a template and the
 * varying fields' values, one row a line. Lossless at safe: log_unfold
 * gives back every byte (docs/levels.md, "Logs").
 *
 * The folded text starts with LOG_HEAD (a line that tells a reader how
 * to read it); lines starting with '~' are markers:
 *
 *     ~N TEMPLATE   the next N lines are rows: the values of TEMPLATE's
 *                   "{}" slots, separated by single spaces; a "{+}" slot
 *                   holds an integer or a time of day (HH:MM:SS) in the
 *                   first row and "+N"/"-N" differences after it
 *     ~N PREFIX{*}  the next N lines are the rest of lines that start
 *                   with PREFIX
 *     ~xN           the line above occurs N times in all
 *     ~xN/K         the K lines above occur N times in all (K <= 8)
 *     ~~TEXT        a line of the log that starts with '~'
 *     ~noeol        (last) the log does not end with a line break
 *     ~-N           (level max) N lines left out here
 */
#ifndef TERSE_PASSES_LOG_H
#define TERSE_PASSES_LOG_H

#include <stddef.h>

#include "../common/buf.h"
#include "terse.h"

#define LOG_HEAD                                                                           \
    "~log folded: \"~N T\" = next N lines fill T's {} in order ({+}: +/- the previous row; {*}: " \
    "the rest of the line); " \
    "\"~xN\" = line above N times, \"~xN/K\" = K lines above\n"

struct tok_counter;

/* log_fold's in_tokens when the caller has not counted s. */
#define LOG_TOKENS_UNKNOWN ((size_t)-1)

/* Appends the folded form of the log s[0..n) to out, or s unchanged when
 * folding saves no tokens on counter's tokenizer (nothing starts with
 * LOG_HEAD then, and the text is its own encoding). level TERSE_LEVEL_MAX
 * also leaves out the lines far from errors and warnings, with ~-N markers
 * (not lossless). Tokens are counted with counter (whose piece cache the
 * caller's earlier counts have warmed); in_tokens is the count of s when
 * the caller has it (the pipeline counted its input), else
 * LOG_TOKENS_UNKNOWN. *out_tokens, when out_tokens is not NULL, gets the
 * tokens of what was appended, so that the caller need not count it again.
 * Returns TERSE_OK or TERSE_ENOMEM.
 *
 *     struct tok_counter c;
 *     size_t t;
 *     tok_counter_init(&c, terse_tokenizer_find("o200k"));
 *     log_fold(s, n, &c, LOG_TOKENS_UNKNOWN, TERSE_LEVEL_SAFE, &out, &t);
 *     tok_counter_free(&c);
 */
int log_fold(const char *s, size_t n, struct tok_counter *counter, size_t in_tokens, int level, struct buf *out,
             size_t *out_tokens);

/* Appends the log that the folded text s[0..n) encodes to out (a text
 * without LOG_HEAD is copied unchanged). Returns TERSE_OK; TERSE_EFORMAT
 * with a one-line message in err[0..err_len) when a marker is malformed;
 * TERSE_ENOMEM (err: "out of memory") when memory runs out. A ~-N marker
 * (lossy) is kept as it is. */
int log_unfold(const char *s, size_t n, struct buf *out, char *err, size_t err_len);

/* Returns 1 if s[0..n) starts with LOG_HEAD. */
int log_is_folded(const char *s, size_t n);

#endif
