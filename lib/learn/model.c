/* model.c - reading and writing word-importance model files; see model.h
 * and docs/model-format.md.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "terse.h"

/* The built-in model, linked in by the generated build/gen/model_data.S:
 * the bytes of lib/learn/default.twm and their number. */
extern const unsigned char word_model_default_bytes[];
extern const uint64_t word_model_default_size;

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* FNV-1a, 64 bits: the file's checksum. */
static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

size_t word_model_file_size(uint32_t bits)
{
    return WORD_MODEL_HEADER + ((size_t)2 << bits) + 8;
}

void word_model_write(uint32_t bits, uint32_t feature_set, float scale, int32_t threshold, uint32_t examples,
                      const int16_t *q, unsigned char *out)
{
    size_t i, n = (size_t)1 << bits, body = WORD_MODEL_HEADER + 2 * n;
    uint32_t fs;
    memset(out, 0, WORD_MODEL_HEADER);
    memcpy(out, WORD_MODEL_MAGIC, 8);
    put32(out + 8, WORD_MODEL_VERSION);
    put32(out + 12, bits);
    put32(out + 16, feature_set);
    put32(out + 20, 1); /* weight type: int16 */
    memcpy(&fs, &scale, 4);
    put32(out + 24, fs);
    put32(out + 28, (uint32_t)threshold);
    put32(out + 32, examples);
    for (i = 0; i < n; i++) {
        uint16_t v = (uint16_t)q[i];
        out[WORD_MODEL_HEADER + 2 * i] = (unsigned char)v;
        out[WORD_MODEL_HEADER + 2 * i + 1] = (unsigned char)(v >> 8);
    }
    put64(out + body, fnv1a(out, body));
}

struct word_model *word_model_load(const void *data, size_t len, const char **why)
{
    const unsigned char *p = data;
    const char *dummy;
    struct word_model *m;
    uint32_t version, bits, fs, wtype, sc;
    size_t i, n, body;
    if (!why)
        why = &dummy;
    if (!p || len < 8 || memcmp(p, WORD_MODEL_MAGIC, 8) != 0) {
        *why = len < 8 && p && memcmp(p, WORD_MODEL_MAGIC, len) == 0 ? "truncated (shorter than its header)"
                                                                    : "not a terse word model (bad magic)";
        return NULL;
    }
    if (len < WORD_MODEL_HEADER) {
        *why = "truncated (shorter than its header)";
        return NULL;
    }
    version = get32(p + 8);
    if (version != WORD_MODEL_VERSION) {
        *why = version > WORD_MODEL_VERSION ? "made by a newer terse (model version above 1; this terse reads version 1)"
                                            : "unknown model version (this terse reads version 1)";
        return NULL;
    }
    bits = get32(p + 12);
    if (bits < WORD_MODEL_MIN_BITS || bits > WORD_MODEL_MAX_BITS) {
        *why = "bad dimensions (2^bits weights, bits outside 8..24)";
        return NULL;
    }
    fs = get32(p + 16);
    if (fs != LEARN_FEATURE_SET) {
        *why = "trained on another feature set than this terse computes (retrain it with terse train)";
        return NULL;
    }
    wtype = get32(p + 20);
    if (wtype != 1) {
        *why = "unknown weight type (this terse reads int16 weights)";
        return NULL;
    }
    n = (size_t)1 << bits;
    body = WORD_MODEL_HEADER + 2 * n;
    if (len < body + 8) {
        *why = "truncated (fewer weights than its header says)";
        return NULL;
    }
    if (len > body + 8) {
        *why = "trailing bytes after the checksum";
        return NULL;
    }
    if (get64(p + body) != fnv1a(p, body)) {
        *why = "checksum mismatch (the file is damaged)";
        return NULL;
    }
    m = calloc(1, sizeof *m);
    if (m)
        m->w = malloc(2 * n);
    if (!m || !m->w) {
        free(m);
        *why = "out of memory";
        return NULL;
    }
    sc = get32(p + 24);
    memcpy(&m->scale, &sc, 4);
    m->bits = bits;
    m->mask = (uint32_t)(n - 1);
    m->feature_set = fs;
    m->threshold = (int32_t)get32(p + 28);
    m->examples = get32(p + 32);
    for (i = 0; i < n; i++)
        m->w[i] = (int16_t)(uint16_t)(p[WORD_MODEL_HEADER + 2 * i] | p[WORD_MODEL_HEADER + 2 * i + 1] << 8);
    return m;
}

void word_model_free(struct word_model *m)
{
    if (!m)
        return;
    free(m->w);
    free(m);
}

struct word_model *word_model_default(const char **why)
{
    return word_model_load(word_model_default_bytes, (size_t)word_model_default_size, why);
}

int terse_word_model_check(const void *data, size_t len, const char **why)
{
    const char *dummy;
    struct word_model *m;
    if (!why)
        why = &dummy;
    m = word_model_load(data, len, why);
    if (!m)
        return strcmp(*why, "out of memory") == 0 ? TERSE_ENOMEM : TERSE_EINVAL;
    word_model_free(m);
    *why = NULL;
    return TERSE_OK;
}
