/* train.c - fitting the word-importance model; see train.h.
 *
 * Logistic regression over the hashed features of learn/features.c,
 * trained by stochastic gradient descent with AdaGrad step sizes and a
 * small L2 penalty, over the labelled words of the usable pairs in a fixed
 * pseudo-random order per epoch. The weights are then quantized to int16
 * with one scale, and the threshold probability becomes an integer score.
 */
#include "train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/lex.h"
#include "../common/words.h"
#include "align.h"
#include "features.h"
#include "model.h"
#include "terse.h"

void learn_opts_init(struct learn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->bits = 16;
    o->epochs = 6;
    o->threshold = 0.5;
    o->min_aligned = 0.6;
}

/* e^x, the same bits everywhere: range reduction by ln 2 in two parts, a
 * degree-11 Taylor polynomial, and an exact scaling by 2^k. */
static double exp_det(double x)
{
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    double k, r, p = 1.0, term = 1.0;
    int i;
    if (x > 700)
        x = 700;
    if (x < -700)
        x = -700;
    k = floor(x / 0.69314718055994530942 + 0.5);
    r = (x - k * ln2_hi) - k * ln2_lo;
    for (i = 1; i <= 11; i++) {
        term = term * r / i;
        p = p + term;
    }
    return ldexp(p, (int)k);
}

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp_det(-z));
}

/* The examples: features and label of each labelled word. */
struct examples {
    uint32_t *h;      /* LEARN_MAX_FEATURES per example */
    unsigned char *n; /* features per example */
    signed char *y;   /* 1 kept, 0 dropped */
    size_t count, cap;
};

static int ex_add(struct examples *e, const uint32_t *h, size_t n, int y)
{
    if (e->count == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 4096;
        uint32_t *nh = realloc(e->h, cap * LEARN_MAX_FEATURES * sizeof *nh);
        unsigned char *nn;
        signed char *ny;
        if (!nh)
            return TERSE_ENOMEM;
        e->h = nh;
        nn = realloc(e->n, cap);
        if (!nn)
            return TERSE_ENOMEM;
        e->n = nn;
        ny = realloc(e->y, cap);
        if (!ny)
            return TERSE_ENOMEM;
        e->y = ny;
        e->cap = cap;
    }
    memcpy(e->h + e->count * LEARN_MAX_FEATURES, h, n * sizeof *h);
    e->n[e->count] = (unsigned char)n;
    e->y[e->count] = (signed char)y;
    e->count++;
    return TERSE_OK;
}

static void ex_free(struct examples *e)
{
    free(e->h);
    free(e->n);
    free(e->y);
}

/* Whether token k ends a sentence (". " "! " "? " before a space) or the
 * next one starts a line. */
static int sentence_ends(const char *s, const struct lex_tok *t, size_t nt, size_t k)
{
    if (k + 1 >= nt)
        return 1;
    if (t[k + 1].flags & LXF_NL)
        return 1;
    if (t[k].kind == LX_PUNCT && strchr(".!?", s[t[k].start]) && (t[k + 1].flags & LXF_SPACE))
        return 1;
    return 0;
}

/* Labels pair p; calls fn for each labelled word with its features. */
typedef int (*word_fn)(void *arg, const uint32_t *h, size_t n, int y);

static int label_pair(const struct learn_env *env, const struct pair *p, const struct learn_opts *o,
                      struct learn_stats *st, word_fn fn, void *arg)
{
    struct learn_doc *doc = NULL;
    struct lex_tok *t;
    signed char *label;
    struct align_result ar;
    size_t nt, a, k;
    int rc;
    st->pairs++;
    if (p->code && !o->code) {
        st->skipped_code++;
        return TERSE_OK;
    }
    if (p->clen >= p->vlen) {
        st->skipped_longer++;
        return TERSE_OK;
    }
    t = malloc((p->vlen + 1) * sizeof *t);
    label = malloc(p->vlen + 1);
    if (!t || !label) {
        free(t);
        free(label);
        return TERSE_ENOMEM;
    }
    nt = lex_text(p->verbose, p->vlen, t);
    rc = align_pair(p->verbose, t, nt, p->compressed, p->clen, label, &ar);
    if (rc == TERSE_EINVAL) {
        st->skipped_size++;
        rc = TERSE_OK;
        goto out;
    }
    if (rc != TERSE_OK)
        goto out;
    if (!ar.words || !ar.pieces) {
        st->skipped_empty++;
        goto out;
    }
    if ((double)ar.aligned < o->min_aligned * (double)ar.pieces) {
        st->skipped_aligned++;
        goto out;
    }
    doc = learn_doc_new(p->verbose, p->vlen);
    if (!doc) {
        rc = TERSE_ENOMEM;
        goto out;
    }
    st->used++;
    st->pieces += ar.pieces;
    st->aligned += ar.aligned;
    st->words += ar.words;
    st->kept += ar.kept;
    for (a = 0; a < nt && rc == TERSE_OK;) {
        size_t b = a, first;
        while (!sentence_ends(p->verbose, t, nt, b))
            b++;
        b++;
        first = a + lex_sentence_start(p->verbose, t + a, b - a);
        for (k = a; k < b && rc == TERSE_OK; k++) {
            uint32_t h[LEARN_MAX_FEATURES];
            size_t n;
            /* the words max's rules leave to the model: not the capitalized
             * ones (names, which the guards keep), negations, stop words */
            if (label[k] < 0 || (t[k].flags & (LXF_CAP | LXF_NEG)) ||
                stop_word_is(p->verbose + t[k].start, t[k].len))
                continue;
            n = learn_features(env, doc, p->verbose, t + a, b - a, k - a, first - a, NULL, h);
            rc = fn(arg, h, n, label[k]);
        }
        a = b;
    }
out:
    learn_doc_free(doc);
    free(t);
    free(label);
    return rc;
}

static int collect(void *arg, const uint32_t *h, size_t n, int y)
{
    return ex_add(arg, h, n, y);
}

/* xorshift64: the order of the examples in each epoch */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

int learn_train(const struct pair_set *ps, const struct learn_opts *o, unsigned char **out, size_t *out_len,
                struct learn_stats *st)
{
    struct examples ex = {0};
    double *w = NULL, *g2 = NULL, maxw = 0, scale, z, lo, hi;
    int16_t *q = NULL;
    size_t *order = NULL, i, n, e;
    uint64_t seed = 0x2545f4914f6cdd1dULL;
    int rc = TERSE_OK, it;
    const double lr = 0.2, l2 = 1e-6;
    struct learn_env *env;
    memset(st, 0, sizeof *st);
    *out = NULL;
    *out_len = 0;
    if (o->bits < WORD_MODEL_MIN_BITS || o->bits > WORD_MODEL_MAX_BITS || !(o->threshold > 0 && o->threshold < 1))
        return TERSE_EINVAL;
    env = learn_env_new();
    if (!env)
        return TERSE_ENOMEM;
    for (i = 0; i < ps->n && rc == TERSE_OK; i++)
        rc = label_pair(env, &ps->p[i], o, st, collect, &ex);
    learn_env_free(env);
    if (rc != TERSE_OK)
        goto done;
    st->examples = ex.count;
    if (!ex.count) {
        rc = TERSE_EINVAL;
        goto done;
    }
    n = (size_t)1 << o->bits;
    w = calloc(n, sizeof *w);
    g2 = calloc(n, sizeof *g2);
    q = calloc(n, sizeof *q);
    order = malloc(ex.count * sizeof *order);
    if (!w || !g2 || !q || !order) {
        rc = TERSE_ENOMEM;
        goto done;
    }
    for (i = 0; i < ex.count; i++)
        order[i] = i;
    for (e = 0; e < o->epochs; e++) {
        /* Fisher-Yates with the fixed generator */
        for (i = ex.count - 1; i > 0; i--) {
            size_t j = (size_t)(next_rand(&seed) % (i + 1)), tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (i = 0; i < ex.count; i++) {
            size_t x = order[i], f, nf = ex.n[x];
            const uint32_t *h = ex.h + x * LEARN_MAX_FEATURES;
            double zz = 0, g;
            for (f = 0; f < nf; f++)
                zz += w[h[f] & (n - 1)];
            g = sigmoid(zz) - ex.y[x];
            for (f = 0; f < nf; f++) {
                size_t b = h[f] & (n - 1);
                double gb = g + l2 * w[b];
                g2[b] += gb * gb;
                w[b] -= lr * gb / sqrt(g2[b] + 1e-8);
            }
        }
    }
    for (i = 0; i < n; i++)
        if (fabs(w[i]) > maxw)
            maxw = fabs(w[i]);
    scale = maxw > 0 ? maxw / 32767.0 : 1.0;
    for (i = 0; i < n; i++)
        q[i] = (int16_t)floor(w[i] / scale + 0.5);
    /* the score whose probability is the threshold, by bisection */
    lo = -50;
    hi = 50;
    for (it = 0; it < 200; it++) {
        z = (lo + hi) / 2;
        if (sigmoid(z) < o->threshold)
            lo = z;
        else
            hi = z;
    }
    *out_len = word_model_file_size(o->bits);
    *out = malloc(*out_len);
    if (!*out) {
        rc = TERSE_ENOMEM;
        goto done;
    }
    word_model_write(o->bits, LEARN_FEATURE_SET, (float)scale, (int32_t)ceil(hi / (double)(float)scale),
                     (uint32_t)ex.count, q, *out);
done:
    if (rc != TERSE_OK)
        *out_len = 0;
    ex_free(&ex);
    free(w);
    free(g2);
    free(q);
    free(order);
    return rc;
}

struct eval_arg {
    const struct word_model *m;
    struct learn_stats *st;
};

static int judge(void *arg, const uint32_t *h, size_t n, int y)
{
    struct eval_arg *a = arg;
    int keep = word_model_score(a->m, h, n) >= a->m->threshold;
    a->st->tp += keep && y;
    a->st->fp += keep && !y;
    a->st->fn += !keep && y;
    a->st->tn += !keep && !y;
    return TERSE_OK;
}

int learn_evaluate(const struct word_model *m, const struct pair_set *ps, const struct learn_opts *o,
                   struct learn_stats *st)
{
    struct eval_arg a;
    struct learn_env *env = learn_env_new();
    size_t i;
    int rc = TERSE_OK;
    memset(st, 0, sizeof *st);
    if (!env)
        return TERSE_ENOMEM;
    a.m = m;
    a.st = st;
    for (i = 0; i < ps->n && rc == TERSE_OK; i++)
        rc = label_pair(env, &ps->p[i], o, st, judge, &a);
    learn_env_free(env);
    return rc;
}
