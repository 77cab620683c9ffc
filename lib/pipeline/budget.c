/* budget.c - a call with a budget: the search that keeps the CLI's line
 * break within it and, when the budget cannot be met, finds the smallest
 * one that can; see budget.h. Moved from compress.c, which hands it the
 * whole pipeline as a callback. */
#include "budget.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tokenize/tokenizer.h" /* tok_counter_count */

/* The tokens of r's text as the caller sends it, through the call's
 * counter, into *n: with o.count_newline, a line break is added after a
 * text that does not end with one. Returns TERSE_OK or the count's
 * status. */
static int sent_tokens(const terse_options *o, struct tok_counter *counter, const terse_result *r, size_t *n)
{
    char *t;
    int rc;
    *n = r->tokens_out;
    if (!o->count_newline || !r->len || r->text[r->len - 1] == '\n')
        return TERSE_OK;
    t = malloc(r->len + 1);
    if (!t)
        return TERSE_ENOMEM;
    memcpy(t, r->text, r->len);
    t[r->len] = '\n';
    rc = tok_counter_count(counter, t, r->len + 1, n);
    free(t);
    return rc;
}

/* Compresses within budget (which must be > 0): at the budget, and, when
 * the line break of count_newline takes the text over it, at one token
 * less (a few times at most). TERSE_EBUDGET when that cannot be done. */
static int compress_within(const terse_options *o, struct tok_counter *counter, budget_compress_fn compress,
                           const void *arg, size_t budget, const char *text, size_t len, terse_result *r)
{
    size_t b = budget, sent;
    int tries, rc = TERSE_EBUDGET;
    for (tries = 0; tries < 8 && b > 0; tries++, b--) {
        rc = compress(arg, b, text, len, r);
        if (rc != TERSE_OK)
            return rc;
        rc = sent_tokens(o, counter, r, &sent);
        if (rc == TERSE_OK && sent <= budget)
            return TERSE_OK;
        terse_result_free(r);
        if (rc != TERSE_OK)
            return rc;
        rc = TERSE_EBUDGET;
    }
    return rc;
}

/* See budget.h. */
int budget_search(const terse_options *o, struct tok_counter *counter, budget_compress_fn compress, const void *arg,
                  const char *text, size_t len, terse_result *r)
{
    size_t lo, hi, tokens_in;
    terse_result t;
    int rc = compress_within(o, counter, compress, arg, o->budget, text, len, r);
    if (rc != TERSE_EBUDGET)
        return rc;
    /* the smallest budget that succeeds: above the one that failed, at
     * most the tokens of the whole input (plus its line break), which
     * always fit at exact; found by bisection, so that the figure given
     * fails at one token less and succeeds as given */
    tokens_in = r->tokens_in;
    lo = o->budget; /* fails */
    hi = r->min_tokens > lo ? r->min_tokens : lo + 1;
    for (;;) {
        rc = compress_within(o, counter, compress, arg, hi, text, len, &t);
        if (rc == TERSE_OK) {
            terse_result_free(&t);
            break;
        }
        if (rc != TERSE_EBUDGET)
            return rc;
        lo = hi;
        if (hi >= SIZE_MAX / 4)
            return TERSE_EBUDGET; /* r->min_tokens: the pass's own figure */
        /* the input and its line break: the exact level, which fits */
        hi = hi < tokens_in + 2 ? tokens_in + 2 : hi * 2;
    }
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        rc = compress_within(o, counter, compress, arg, mid, text, len, &t);
        if (rc == TERSE_OK) {
            terse_result_free(&t);
            hi = mid;
        } else if (rc == TERSE_EBUDGET) {
            lo = mid;
        } else {
            return rc;
        }
    }
    r->min_tokens = hi;
    return TERSE_EBUDGET;
}

