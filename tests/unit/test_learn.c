/* test_learn.c - the word-importance model (lib/learn/): alignment labels
 * on hand-made pairs, the pair reader, the model file (round trip and
 * rejection of damaged files), deterministic training, and max with a
 * model that the guards still bind. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../lib/common/lex.h"
#include "../../lib/common/words.h"
#include "../../lib/learn/align.h"
#include "../../lib/learn/features.h"
#include "../../lib/learn/model.h"
#include "../../lib/learn/pairs.h"
#include "../../lib/learn/train.h"

/* The label align_pair gives the word `w` (its first occurrence) of v. */
static int label_of(const char *v, const char *c, const char *w)
{
    size_t n = strlen(v), nt, k;
    struct lex_tok *t = malloc((n + 1) * sizeof *t);
    signed char *label = malloc(n + 1);
    struct align_result ar;
    int out = -2;
    if (!t || !label) {
        free(t);
        free(label);
        return -3;
    }
    nt = lex_text(v, n, t);
    if (align_pair(v, t, nt, c, strlen(c), label, &ar) == TERSE_OK)
        for (k = 0; k < nt; k++)
            if (t[k].len == strlen(w) && memcmp(v + t[k].start, w, t[k].len) == 0) {
                out = label[k];
                break;
            }
    free(t);
    free(label);
    return out;
}

static void test_align(void)
{
    const char *v = "The configuration information leads to better results, and users with accounts "
                    "approximately 1,200 people attended the government meeting because of the rain.";
    const char *c = "Config info \xe2\x86\x92 better results & users w/ accounts | ~1200 ppl attended govt mtg "
                    "\xe2\x88\xb5 rain";
    CHECK(label_of(v, c, "configuration") == 1); /* "Config": a prefix, any case */
    CHECK(label_of(v, c, "information") == 1);   /* "info" */
    CHECK(label_of(v, c, "leads") == 1);         /* the arrow */
    CHECK(label_of(v, c, "better") == 1);
    CHECK(label_of(v, c, "and") == 1);           /* & */
    CHECK(label_of(v, c, "with") == 1);          /* w/ */
    CHECK(label_of(v, c, "approximately") == 1); /* ~ */
    CHECK(label_of(v, c, "people") == 1);        /* "ppl": letters in order */
    CHECK(label_of(v, c, "government") == 1);    /* "govt" */
    CHECK(label_of(v, c, "meeting") == 1);       /* "mtg" */
    CHECK(label_of(v, c, "because") == 1);       /* the because sign */
    CHECK(label_of(v, c, "rain") == 1);
    CHECK(label_of(v, c, "The") == 0);
    CHECK(label_of(v, c, "the") == 0);
    CHECK(label_of(v, c, "of") == 0);
    CHECK(label_of(v, c, "1,200") == -1); /* not a word: the guards keep numbers */
    /* in order: a word the compression moved ahead is matched once */
    CHECK(label_of("alpha beta gamma", "gamma alpha", "beta") == 0);
}

static void test_pairs_read(void)
{
    const char *text =
        "{\"verbose\": \"The cat sat on the mat.\", \"compressed\": \"cat sat mat\", \"domain\": \"nl\"}\n"
        "\n"
        "{\"messages\": [{\"role\": \"system\", \"content\": \"x\"}, {\"role\": \"user\", \"content\": "
        "\"Compress:\\ndef f(x):\\n    return x\"}, {\"role\": \"assistant\", \"content\": \"f(x)=x\"}]}\n";
    struct pair_set ps = {0};
    char err[200];
    CHECK(pairs_read(text, strlen(text), &ps, err, sizeof err) == TERSE_OK);
    CHECK_EQ_SIZE(ps.n, 2);
    if (ps.n == 2) {
        CHECK(strcmp(ps.p[0].compressed, "cat sat mat") == 0 && !ps.p[0].code);
        CHECK(strcmp(ps.p[1].verbose, "def f(x):\n    return x") == 0); /* "Compress:\n" taken off */
        CHECK(ps.p[1].code && ps.p[1].line == 3);
    }
    pairs_free(&ps);
    CHECK(pairs_read("{\"verbose\": \"a\"}\n", 16, &ps, err, sizeof err) == TERSE_EINVAL);
    CHECK(strncmp(err, "line 1: neither", 15) == 0);
    CHECK(pairs_read("\n{\"verbose\": 1,\n", 16, &ps, err, sizeof err) == TERSE_EINVAL);
    CHECK(strncmp(err, "line 2: ", 8) == 0);
    CHECK(pairs_read("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", "
                     "\"content\": \"h\"}]}",
                     88, &ps, err, sizeof err) == TERSE_EINVAL);
    CHECK(strstr(err, "Compress:") != NULL);
    CHECK(pairs_read("{\"verbose\":\"\xff\"}", 15, &ps, err, sizeof err) == TERSE_EINVAL);
    CHECK(strstr(err, "UTF-8") != NULL);
    pairs_free(&ps);
}

static void test_model_file(void)
{
    size_t n = (size_t)1 << 8, len = word_model_file_size(8), i;
    int16_t *q = malloc(n * sizeof *q);
    unsigned char *f = malloc(len), *g = malloc(len + 1);
    struct word_model *m;
    const char *why = NULL;
    if (!q || !f || !g) {
        CHECK(0);
        goto out;
    }
    for (i = 0; i < n; i++)
        q[i] = (int16_t)((int)(i * 37 % 2001) - 1000);
    word_model_write(8, LEARN_FEATURE_SET, 0.25f, -123, 77, q, f);
    m = word_model_load(f, len, &why);
    CHECK(m != NULL);
    if (m) {
        CHECK(m->bits == 8 && m->mask == 255 && m->scale == 0.25f && m->threshold == -123 && m->examples == 77);
        CHECK(memcmp(m->w, q, n * sizeof *q) == 0);
        word_model_free(m);
    }
    CHECK(terse_word_model_check(f, len, &why) == TERSE_OK);
    /* truncated, one byte more, a flipped weight bit, a newer version, not a model */
    CHECK(!word_model_load(f, len - 1, &why) && strstr(why, "truncated"));
    CHECK(!word_model_load(f, 20, &why) && strstr(why, "truncated"));
    memcpy(g, f, len);
    g[len] = 0;
    CHECK(!word_model_load(g, len + 1, &why) && strstr(why, "trailing"));
    g[100] ^= 4;
    CHECK(!word_model_load(g, len, &why) && strstr(why, "checksum"));
    memcpy(g, f, len);
    g[8] = 2;
    CHECK(!word_model_load(g, len, &why) && strstr(why, "newer"));
    CHECK(terse_word_model_check(g, len, &why) == TERSE_EINVAL && strstr(why, "version"));
    CHECK(!word_model_load("hello world, not a model at all", 31, &why) && strstr(why, "magic"));
    memcpy(g, f, len);
    g[12] = 30; /* 2^30 weights */
    CHECK(!word_model_load(g, len, &why) && strstr(why, "dimensions"));
    /* a library option with a bad model: terse_ctx_new refuses it */
    {
        terse_options o;
        int rc;
        terse_ctx *c;
        terse_options_init(&o);
        o.level = TERSE_LEVEL_MAX;
        o.word_model = g;
        o.word_model_len = len;
        c = terse_ctx_new(&o, &rc);
        CHECK(!c && rc == TERSE_EINVAL);
        terse_ctx_free(c);
    }
out:
    free(q);
    free(f);
    free(g);
}

/* A small pair set in which the colour words are always dropped. */
static char *colour_pairs(void)
{
    static const char *const colours[] = {"red", "green", "blue", "yellow", "purple", "orange"};
    static const char *const nouns[] = {"car", "house", "bird", "coat", "boat", "lamp", "chair", "door"};
    size_t cap = 1 << 16, len = 0, i;
    char *s = malloc(cap);
    for (i = 0; s && i < 96; i++) {
        const char *c = colours[i % 6], *n = nouns[(i / 6) % 8], *m = nouns[(i + 3) % 8];
        if (i % 2)
            len += (size_t)snprintf(s + len, cap - len,
                                    "{\"verbose\": \"The %s %s stood beside the old %s near the station.\", "
                                    "\"compressed\": \"%s beside old %s near station\"}\n",
                                    c, n, m, n, m);
        else
            len += (size_t)snprintf(s + len, cap - len,
                                    "{\"verbose\": \"We saw a %s and the small %s %s in the garden.\", "
                                    "\"compressed\": \"saw %s, small %s in garden\"}\n",
                                    n, c, m, n, m);
    }
    return s;
}

static void test_train_deterministic(void)
{
    char *text = colour_pairs();
    struct pair_set ps = {0};
    struct learn_opts lo;
    struct learn_stats st;
    unsigned char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    if (!text || pairs_read(text, strlen(text), &ps, NULL, 0) != TERSE_OK) {
        CHECK(0);
        free(text);
        return;
    }
    learn_opts_init(&lo);
    lo.bits = 12;
    CHECK(learn_train(&ps, &lo, &a, &la, &st) == TERSE_OK);
    CHECK(learn_train(&ps, &lo, &b, &lb, &st) == TERSE_OK);
    CHECK(la == lb && a && b && memcmp(a, b, la) == 0);
    CHECK_EQ_SIZE(st.used, 96);
    CHECK_EQ_SIZE(st.aligned, st.pieces);
    /* and the model learned the colours: max with it drops them */
    if (a) {
        terse_options o;
        terse_result r;
        const char *in = "The green lamp stood beside the old red boat near the station.";
        terse_options_init(&o);
        o.level = TERSE_LEVEL_MAX;
        o.word_model = a;
        o.word_model_len = la;
        CHECK(compress_with(&o, in, strlen(in), &r) == TERSE_OK);
        CHECK(r.text && !strstr(r.text, "green") && !strstr(r.text, " red") && strstr(r.text, "amp") &&
              strstr(r.text, "boat"));
        if (r.text)
            printf("#   max with it: %s\n", r.text);
        terse_result_free(&r);
    }
    free(a);
    free(b);
    free(text);
    pairs_free(&ps);
}

/* Compresses in at max with the built-in model and checks that each of
 * the n words of must is in the output; with guards, that no sentence
 * fell back to its original. */
static void check_max_keeps(const char *in, const char *const *must, size_t n, int guards)
{
    terse_options o;
    terse_result r;
    size_t i;
    terse_options_init(&o);
    o.level = TERSE_LEVEL_MAX;
    CHECK(compress_with(&o, in, strlen(in), &r) == TERSE_OK);
    for (i = 0; r.text && i < n; i++)
        if (!strstr(r.text, must[i])) {
            printf("#   \"%s\" lost: %s\n", must[i], r.text);
            check_failures++;
        }
    if (guards)
        CHECK(r.guard_fallbacks == 0);
    terse_result_free(&r);
}

/* max with the built-in model keeps what the guards protect, and the
 * quantity words ("several years", "nearly half", "increased"). */
static void test_max_keeps_facts(void)
{
    const char *in = "Over several years the number of visitors nearly doubled, and about half of them "
                     "increased their spending, but the museum did not open the new wing at "
                     "https://example.org/wing before 2020, although Alice Smith asked twice.";
    const char *const must[] = {"several", "years", "number", "nearly", "half", "increased", "not",
                                "https://example.org/wing", "2020", "Alice", "Smith", "twice", "doubled"};
    check_max_keeps(in, must, sizeof must / sizeof *must, 1);
}

/* The word model is not asked about a word next to a number word or an
 * ordinal ("fourth season", "season seven"), a word of direction, or the
 * word right after a name ("Gilbert building"): answers to questions (NQ's
 * lost "season", "left", "building"). */
static void test_max_keeps_answer_words(void)
{
    const char *in = "In the fourth season the show moved, and season seven ended early. She wore the ring on "
                     "her left hand near the Gilbert building, where the Franciscan order met in the upper hall.";
    const char *const must[] = {"Fourth season", "season seven", "left", "Gilbert building", "Franciscan order", "upper"};
    check_max_keeps(in, must, sizeof must / sizeof *must, 0);
}

/* With a query, max drops by its rules alone: the same output with the
 * model and without (the model cost answers under --query). */
static void test_query_no_model(void)
{
    const char *in = "The platform recommended videos to its users. The study found that users tended to "
                     "choose extreme partisan content over the following months.";
    terse_options o;
    terse_result a, b;
    terse_options_init(&o);
    o.level = TERSE_LEVEL_MAX;
    o.query = "what did the platform recommend to users";
    o.query_len = strlen(o.query);
    CHECK(compress_with(&o, in, strlen(in), &a) == TERSE_OK);
    o.word_model_off = 1;
    CHECK(compress_with(&o, in, strlen(in), &b) == TERSE_OK);
    CHECK(a.text && b.text && strcmp(a.text, b.text) == 0);
    terse_result_free(&a);
    terse_result_free(&b);
    /* nor in the pieces of a call with a query (chat messages, which the
     * chat pass compresses without the query) */
    {
        const char *chat = "Alice: The platform recommended videos to its users yesterday.\n"
                           "Bob: The study found that users tended to choose extreme partisan content over "
                           "the following months.\n"
                           "Alice: Interesting, I had not heard about that particular study before.\n";
        o.type = TERSE_TYPE_CHAT;
        o.budget = 30;
        o.word_model_off = 0;
        CHECK(compress_with(&o, chat, strlen(chat), &a) == TERSE_OK);
        o.word_model_off = 1;
        CHECK(compress_with(&o, chat, strlen(chat), &b) == TERSE_OK);
        CHECK(a.text && b.text && strcmp(a.text, b.text) == 0);
        terse_result_free(&a);
        terse_result_free(&b);
        o.type = TERSE_TYPE_AUTO;
        o.budget = 0;
    }
    /* and without the query the model does drop more */
    o.query = NULL;
    o.query_len = 0;
    CHECK(compress_with(&o, in, strlen(in), &b) == TERSE_OK);
    o.word_model_off = 0;
    CHECK(compress_with(&o, in, strlen(in), &a) == TERSE_OK);
    CHECK(a.text && b.text && a.len < b.len);
    terse_result_free(&a);
    terse_result_free(&b);
}

/* balanced does not change with a model, not even under a budget, where a
 * chat's older messages go through max's prose rules. */
static void test_balanced_unchanged(void)
{
    const char *chat = "Alice: I went hiking in the mountains with my sister over the long weekend.\n"
                       "Bob: That sounds wonderful, which trail did the two of you end up taking?\n"
                       "Alice: We took the northern ridge trail because the southern one was closed.\n"
                       "Bob: I have heard that the northern ridge offers really beautiful views.\n"
                       "Alice: It certainly does, although the final climb was quite exhausting.\n"
                       "Bob: Did you manage to take any pictures of the valley from the summit?\n";
    terse_options o;
    terse_result a, b;
    size_t budget;
    for (budget = 40; budget <= 100; budget += 20) {
        terse_options_init(&o);
        o.level = TERSE_LEVEL_BALANCED;
        o.budget = budget;
        CHECK(compress_with(&o, chat, strlen(chat), &a) == TERSE_OK);
        o.word_model_off = 1;
        CHECK(compress_with(&o, chat, strlen(chat), &b) == TERSE_OK);
        CHECK(a.text && b.text && strcmp(a.text, b.text) == 0);
        terse_result_free(&a);
        terse_result_free(&b);
    }
}

/* The features of a word are the same whether learn_features computes
 * everything itself (training) or reads the sentence's memory (max), with
 * the stop words told or found; and a word's earlier occurrence in the
 * document (any case, a hyphenated word whole) shows in them. */
static void test_features_cache(void)
{
    const char *doc = "Alpha beta, gamma-ray of the big BETA. alpha beta gamma-ray. "
                      "The older reports (see https://x.org/a) cost 12 dollars, not 20; the beta test ended.";
    size_t n = strlen(doc), nt, i, k, checked = 0;
    struct lex_tok *t = malloc((n + 1) * sizeof *t);
    struct learn_env *e = learn_env_new();
    struct learn_doc *d = learn_doc_new(doc, n);
    void *mem = malloc(learn_sent_size(n + 1));
    if (!t || !e || !d || !mem) {
        CHECK(0);
        goto out;
    }
    nt = lex_text(doc, n, t);
    for (k = 0; k < 3; k++) {
        struct learn_sent c;
        learn_sent_init(&c, mem, t, nt);
        if (k == 1) /* told, as the prose pass tells it */
            for (i = 0; i < nt; i++)
                learn_sent_stop(&c, i, t[i].kind == LX_WORD && stop_word_is(doc + t[i].start, t[i].len));
        /* every word twice (the second time from the memory), from the
         * last to the first so that the memory is filled in another order
         * than a forward scan (k 2: forward) */
        for (i = 0; i < 2 * nt; i++) {
            size_t j = k == 2 ? i % nt : nt - 1 - i % nt, na, nb;
            uint32_t a[LEARN_MAX_FEATURES], b[LEARN_MAX_FEATURES];
            if (t[j].kind != LX_WORD)
                continue;
            na = learn_features(e, d, doc, t, nt, j, 0, NULL, a);
            nb = learn_features(e, d, doc, t, nt, j, 0, &c, b);
            CHECK(na == nb && memcmp(a, b, na * sizeof *a) == 0);
            checked++;
        }
    }
    CHECK(checked > 120);
    {
        /* "beta" of the first and the second sentence: the same sentence
         * around it; only the document tells them apart */
        const char *s = "x beta. x beta.";
        size_t sn = strlen(s), m;
        struct lex_tok u[16];
        struct learn_doc *sd = learn_doc_new(s, sn);
        uint32_t a[LEARN_MAX_FEATURES], b[LEARN_MAX_FEATURES];
        m = lex_text(s, sn, u);
        CHECK(m == 6 && sd);
        if (m == 6 && sd) {
            size_t na = learn_features(e, sd, s, u, 3, 1, 0, NULL, a);
            size_t nb = learn_features(e, sd, s + 0, u + 3, 3, 1, 0, NULL, b);
            CHECK(na == nb && memcmp(a, b, na * sizeof *a) != 0);
            na = learn_features(e, NULL, s, u, 3, 1, 0, NULL, a);
            nb = learn_features(e, NULL, s, u + 3, 3, 1, 0, NULL, b);
            CHECK(na == nb && memcmp(a, b, na * sizeof *a) == 0);
        }
        learn_doc_free(sd);
    }
    /* stop_word_is: every stop word in any case, nothing near one */
    CHECK(stop_word_is("THE", 3) && stop_word_is("a", 1) && stop_word_is("yourselves", 10));
    CHECK(!stop_word_is("th", 2) && !stop_word_is("thee", 4) && !stop_word_is("", 0) &&
          !stop_word_is("zz", 2) && !stop_word_is("\xc3\xa9", 2) && !stop_word_is("aa", 2));
out:
    free(mem);
    learn_doc_free(d);
    learn_env_free(e);
    free(t);
}

const struct test_case learn_tests[] = {
    {"learn: alignment labels (case, abbreviations, symbols, numbers, order)", test_align},
    {"learn: pairs in both formats, errors name the line", test_pairs_read},
    {"learn: model file round trip, damaged files refused", test_model_file},
    {"learn: features the same with the sentence's memory; earlier occurrences count", test_features_cache},
    {"learn: training is deterministic and learns a dropped class", test_train_deterministic},
    {"learn: max with the built-in model keeps numbers, negations, names, quantities", test_max_keeps_facts},
    {"learn: max's model is not asked about words next to number words, directions, a name's head",
     test_max_keeps_answer_words},
    {"learn: with a query max drops by its rules alone", test_query_no_model},
    {"learn: balanced is the same with a model, under a budget too", test_balanced_unchanged},
    {NULL, NULL},
};
