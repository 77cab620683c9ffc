/* train.h - `terse train`: a word-importance model (learn/model.h) from
 * (verbose, compressed) pairs (learn/pairs.h), labelled by alignment
 * (learn/align.h).
 *
 * Deterministic: the same pairs and options give the same model file, byte
 * for byte, on any machine with IEEE-754 doubles (a fixed order of
 * examples, no threads, no libm function whose last bit may differ: the
 * exponential is computed here).
 */
#ifndef TERSE_LEARN_TRAIN_H
#define TERSE_LEARN_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "pairs.h"

struct word_model;

struct learn_opts {
    uint32_t bits;      /* 2^bits weights; default 16 */
    uint32_t epochs;    /* passes over the examples; default 6 */
    double threshold;   /* max drops a word whose probability of being kept is below this; default 0.5 */
    double min_aligned; /* a pair whose compressed pieces align less than this fraction is left out; default 0.6 */
    int code;           /* use pairs whose domain is code too; default 0 */
};

void learn_opts_init(struct learn_opts *o);

/* What happened to the pairs: how many were used, how many left out and
 * why, and how well the used ones aligned. */
struct learn_stats {
    size_t pairs, used;
    size_t skipped_code;    /* domain code (and opts.code is 0) */
    size_t skipped_empty;   /* no word in the verbose or the compressed text */
    size_t skipped_longer;  /* the compressed text is not shorter */
    size_t skipped_aligned; /* fewer than min_aligned of the pieces aligned */
    size_t skipped_size;    /* too big to align (ALIGN_MAX_CELLS) */
    size_t pieces, aligned; /* compressed pieces of the used pairs, and those aligned */
    size_t words, kept;     /* labelled verbose words of the used pairs, and those kept */
    size_t examples;        /* words trained on: lower case, not negations or stop words */
    /* on an evaluation: the keep label predicted against the aligned one */
    size_t tp, fp, fn, tn;
};

/* Trains on ps; on TERSE_OK *out (malloc'ed, the caller frees) holds the
 * model file of *out_len bytes. TERSE_EINVAL when no word is left to
 * train on (no pair usable, or st->examples 0: the stats say why),
 * TERSE_ENOMEM. */
int learn_train(const struct pair_set *ps, const struct learn_opts *o, unsigned char **out, size_t *out_len,
                struct learn_stats *st);

/* Labels the pairs of ps as training would and counts m's predictions
 * against the labels in st (tp, fp, fn, tn: positive = kept). */
int learn_evaluate(const struct word_model *m, const struct pair_set *ps, const struct learn_opts *o,
                   struct learn_stats *st);

#endif
