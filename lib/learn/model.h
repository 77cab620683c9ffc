/* model.h - the word-importance model: a logistic regression over hashed
 * features (learn/features.h) that says how likely a word is to be kept by
 * a good compression of its sentence. The `max` level drops the words it
 * scores below the model's threshold, among those no guard protects
 * (passes/prose.c).
 *
 * The file format is docs/model-format.md: magic, version, dimensions,
 * feature set, int16 weights with one scale, threshold, checksum. A model
 * is read into a struct word_model that owns a copy of its weights, so the
 * bytes it was read from may go away.
 *
 *     const char *why;
 *     struct word_model *m = word_model_load(bytes, len, &why);
 *     if (!m) fprintf(stderr, "terse: %s: %s\n", path, why);
 *     ... word_model_score(m, hashes, n) ... word_model_free(m);
 */
#ifndef TERSE_LEARN_MODEL_H
#define TERSE_LEARN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define WORD_MODEL_MAGIC "terse-wm"
#define WORD_MODEL_VERSION 1
#define WORD_MODEL_HEADER 48
#define WORD_MODEL_MIN_BITS 8
#define WORD_MODEL_MAX_BITS 24

struct word_model {
    uint32_t bits;        /* 2^bits weights */
    uint32_t mask;        /* 2^bits - 1 */
    uint32_t feature_set; /* LEARN_FEATURE_SET it was trained with */
    float scale;          /* weight = q * scale */
    int32_t threshold;    /* drop a word whose sum of q is below this */
    uint32_t examples;    /* words it was trained on (information) */
    int16_t *w;           /* 2^bits quantized weights */
};

/* Checks and reads the model file data[0..len). Returns a new model, or
 * NULL with *why (if not NULL) set to a static one-line reason: "not a
 * terse word model (bad magic)", "truncated", "model version 2; this terse
 * reads version 1", "checksum mismatch", ... or "out of memory". */
struct word_model *word_model_load(const void *data, size_t len, const char **why);

void word_model_free(struct word_model *m);

/* The model's score of a word described by hashes h[0..n): the sum of its
 * quantized weights (an integer: no rounding differs between machines). */
static inline int32_t word_model_score(const struct word_model *m, const uint32_t *h, size_t n)
{
    int32_t sum = 0, sum2 = 0;
    size_t i;
    for (i = 0; i + 1 < n; i += 2) {
        sum += m->w[h[i] & m->mask];
        sum2 += m->w[h[i + 1] & m->mask];
    }
    if (i < n)
        sum += m->w[h[i] & m->mask];
    return sum + sum2;
}

/* The built-in model (lib/learn/default.twm, embedded in the library),
 * read once per call; NULL only when memory runs out (a build whose
 * embedded model does not load fails its tests). */
struct word_model *word_model_default(const char **why);

/* The model file bytes of (bits, feature_set, scale, threshold, examples,
 * q[0..2^bits)) into out, which must hold word_model_file_size(bits)
 * bytes. Little-endian, as read back by word_model_load. */
size_t word_model_file_size(uint32_t bits);
void word_model_write(uint32_t bits, uint32_t feature_set, float scale, int32_t threshold, uint32_t examples,
                      const int16_t *q, unsigned char *out);

#endif
