/* budget.h - a call with a budget (terse_options.budget): what terse
 * returns must hold at most that many tokens as the caller sends it (with
 * count_newline, the line break the CLI adds), and when no output can, the
 * call fails with TERSE_EBUDGET and the smallest budget that can be met.
 */
#ifndef TERSE_PIPELINE_BUDGET_H
#define TERSE_PIPELINE_BUDGET_H

#include <stddef.h>

#include "terse.h"

struct tok_counter;

/* One compression of text[0..len) at budget into r, with the options of
 * arg (the pipeline: compress.c hands it over, so that this file does not
 * call up). */
typedef int (*budget_compress_fn)(const void *arg, size_t budget, const char *text, size_t len, terse_result *r);

/* Compresses text[0..len) with compress(arg, ...) within o->budget (> 0): at
 * the budget, and, when the line break of count_newline takes the text
 * over it, at one token less (a few times at most). When the budget cannot
 * be met, returns TERSE_EBUDGET with r->min_tokens the smallest budget
 * that can, found by bisection (it fails at one token less). counter
 * counts the text with its line break. Returns TERSE_OK (r filled),
 * TERSE_EBUDGET or the failure's status. */
int budget_search(const terse_options *o, struct tok_counter *counter, budget_compress_fn compress, const void *arg,
                  const char *text, size_t len, terse_result *r);

#endif
