/* test_rewrite.c - the model backend in the library (terse_options.rewrite,
 * lib/pipeline/rewrite.c) with an in-process callback, the guard checks it
 * uses (guard_check_text, guard_novel_words, guard_item_kind), and the
 * program's reply parser and request body (eval/backend.c). */
#include <stdlib.h>
#include <string.h>

#include "../../eval/eval.h"
#include "../../lib/guard/guard.h"
#include "../../lib/passes/prose.h"
#include "check.h"

/* A callback that answers each chunk from a table: the first entry whose
 * key the chunk contains; NULL reply: the call failed. Counts its calls. */
struct canned {
    const char *key, *reply;
};
struct fake {
    const struct canned *table;
    int calls;
    size_t chunks;
    int status;
};

/* Whether s[0..n) contains key (C11 has no memmem). */
static int has(const char *s, size_t n, const char *key)
{
    size_t k = strlen(key), i;
    for (i = 0; i + k <= n; i++)
        if (memcmp(s + i, key, k) == 0)
            return 1;
    return 0;
}

static int fake_rewrite(void *user, terse_rewrite *chunks, size_t n)
{
    struct fake *f = user;
    size_t i;
    const struct canned *c;
    f->calls++;
    f->chunks += n;
    for (i = 0; i < n; i++)
        for (c = f->table; c->key; c++) {
            if (!has(chunks[i].text, chunks[i].len, c->key))
                continue;
            if (c->reply) {
                chunks[i].out = strdup(c->reply);
                chunks[i].out_len = strlen(c->reply);
                chunks[i].seconds = 0.5;
                chunks[i].cost = 0.001;
            }
            break;
        }
    return f->status;
}

static const char doc[] =
    "Alpha: the team in Berlin basically shipped version 2.4 of the billing service on 12 March, and it was "
    "really quite stable for the 310 customers who had upgraded.\n\n"
    "## Bravo\n\n"
    "Bravo: the migration did not finish, because the old database in Dublin was actually still locked by the "
    "nightly backup job for most of the night.\n\n"
    "```\nBravo: code is never sent\n```\n\n"
    "Charlie: Maria Lopez from the support team reported that the checkout page was very slow for about 45 "
    "minutes on Tuesday morning.\n";

static const struct canned table[] = {
    {"Alpha:", "Alpha: Berlin team shipped billing v2.4 on 12 March; stable for 310 upgraded customers."},
    {"Bravo: the", "Bravo: migration finished; old Dublin DB locked by nightly backup most of night."},
    {"Charlie:", NULL},
    {NULL, NULL},
};

static void test_callback(void)
{
    terse_options o;
    terse_result own, r;
    struct fake f = {table, 0, 0, TERSE_OK};
    terse_options_init(&o);
    CHECK(compress_with(&o, doc, strlen(doc), &own) == TERSE_OK);
    o.rewrite = fake_rewrite;
    o.rewrite_user = &f;
    CHECK(compress_with(&o, doc, strlen(doc), &r) == TERSE_OK);
    CHECK(f.calls == 1);
    CHECK_EQ_SIZE(r.n_chunks, 3); /* the heading and the code fence are not sent */
    CHECK_EQ_SIZE(f.chunks, 3);
    CHECK_EQ_SIZE(r.rewritten, 1);
    CHECK_EQ_SIZE(r.rejected[TERSE_VERDICT_NEGATION], 1);
    CHECK_EQ_SIZE(r.rejected[TERSE_VERDICT_FAILED], 1);
    CHECK(r.text && strstr(r.text, "Alpha: Berlin team shipped billing v2.4"));
    CHECK(r.text && !strstr(r.text, "migration finished"));
    CHECK(r.text && strstr(r.text, "Bravo: code is never sent"));
    CHECK(r.n_chunks == 3 && r.chunks[1].verdict == TERSE_VERDICT_NEGATION && strcmp(r.chunks[1].missing, "not") == 0);
    CHECK(r.n_chunks == 3 && r.chunks[0].seconds == 0.5 && r.chunks[0].cost == 0.001);
    CHECK(r.n_chunks == 3 && r.chunks[0].tokens_model < r.chunks[0].tokens_terse);
    CHECK(r.n_chunks == 3 && memcmp(doc + r.chunks[2].start, "Charlie:", 8) == 0);
    CHECK(r.tokens_out < own.tokens_out);
    terse_result_free(&r);
    terse_result_free(&own);
}

/* A callback that answers garbage: the output is terse's own, byte for byte. */
static const struct canned garbage[] = {{"", "lorem ipsum dolor sit amet"}, {NULL, NULL}};

static void test_garbage_is_own(void)
{
    terse_options o;
    terse_result own, r;
    struct fake f = {garbage, 0, 0, TERSE_OK};
    int level;
    for (level = TERSE_LEVEL_SAFE; level <= TERSE_LEVEL_MAX; level++) {
        terse_options_init(&o);
        o.level = level;
        CHECK(compress_with(&o, doc, strlen(doc), &own) == TERSE_OK);
        o.rewrite = fake_rewrite;
        o.rewrite_user = &f;
        CHECK(compress_with(&o, doc, strlen(doc), &r) == TERSE_OK);
        CHECK(r.len == own.len && memcmp(r.text, own.text, r.len) == 0);
        CHECK_EQ_SIZE(r.rewritten, 0);
        terse_result_free(&r);
        terse_result_free(&own);
    }
}

static void test_options(void)
{
    terse_options o;
    terse_result r;
    struct fake f = {table, 0, 0, TERSE_ENOMEM};
    terse_options_init(&o);
    o.rewrite = fake_rewrite;
    o.rewrite_user = &f;
    o.budget = 50;
    CHECK(compress_with(&o, doc, strlen(doc), &r) == TERSE_EINVAL);
    o.budget = 0;
    o.level = TERSE_LEVEL_EXACT;
    CHECK(compress_with(&o, doc, strlen(doc), &r) == TERSE_EINVAL);
    o.level = TERSE_LEVEL_BALANCED;
    /* the callback's failure is the call's */
    CHECK(compress_with(&o, doc, strlen(doc), &r) == TERSE_ENOMEM);
    CHECK(r.text == NULL);
    /* small chunks: each paragraph on its own, cut between sentences */
    f.status = TERSE_OK;
    f.chunks = 0;
    o.rewrite_tokens = 16;
    CHECK(compress_with(&o, doc, strlen(doc), &r) == TERSE_OK);
    CHECK(r.n_chunks == 3); /* one sentence per paragraph: a sentence is never cut */
    terse_result_free(&r);
    /* chat, memory and code are not sent */
    f.chunks = 0;
    {
        const char *code = "def f(x):\n    # add one\n    return x + 1\n";
        CHECK(compress_with(&o, code, strlen(code), &r) == TERSE_OK);
        CHECK(f.chunks == 0 && r.n_chunks == 0);
        terse_result_free(&r);
    }
    CHECK(strcmp(terse_verdict_name(TERSE_VERDICT_LONGER), "longer") == 0);
    CHECK(terse_verdict_name(TERSE_VERDICT_COUNT) == NULL);
}

static int text_ok(const char *in, const char *out, const char **miss, size_t *mlen)
{
    return guard_check_text(in, strlen(in), out, strlen(out), prose_common_word, miss, mlen);
}

static void test_guard_text(void)
{
    const char *m = NULL;
    size_t ml = 0;
    /* "These" starts the second sentence: an ordinary word there */
    CHECK(text_ok("The cat sat. These dogs ran.", "cat sat; dogs ran", &m, &ml));
    CHECK(!guard_check("The cat sat. These dogs ran.", 28, "cat sat; dogs ran", 17, prose_common_word, NULL, NULL));
    /* after markdown emphasis that closes a sentence (terse's own max output
     * of docs/levels.md was turned down for "The" here) */
    CHECK(text_ok("**Levels first.** The whole text is compressed.", "**Levels first.** whole text compressed.", &m,
                  &ml));
    /* a sentence-initial word written in lower case elsewhere too */
    CHECK(text_ok("Once it rained. It rained once more.", "rained; rained once more", &m, &ml));
    /* a name at a sentence start stays a name */
    CHECK(!text_ok("It rained. Paris was wet.", "rained; wet", &m, &ml) && ml == 5 && memcmp(m, "Paris", 5) == 0);
    CHECK(!text_ok("- Berlin was cold.\n- Rome was hot.", "cold; hot", &m, &ml));
    CHECK(!text_ok("It costs $1,200 now.", "costs $1,000 now", &m, &ml) && guard_item_kind(m, ml) == GUARD_NUMBER);
    CHECK(!text_ok("It did not work.", "It worked.", &m, &ml) && guard_item_kind(m, ml) == GUARD_NEGATION);
    CHECK(!text_ok("See src/app.c today.", "See app today.", &m, &ml) && guard_item_kind(m, ml) == GUARD_IDENTIFIER);
    CHECK(!text_ok("Ask Maria today.", "Ask her today.", &m, &ml) && guard_item_kind(m, ml) == GUARD_NAME);
    CHECK(!text_ok("Visit https://example.com/a now.", "Visit now.", &m, &ml) &&
          guard_item_kind(m, ml) == GUARD_IDENTIFIER);
}

static void test_novel(void)
{
    const char *in = "The management approved approximately 40 new positions for the coming years.";
    size_t words = 0;
    CHECK(guard_novel_words(in, strlen(in), "mgmt approved approx 40 new positions for coming yrs", 53, &words) == 0);
    CHECK(words == 9);
    CHECK(guard_novel_words(in, strlen(in), "zebra quantum lollipop 40", 25, &words) == 3);
    CHECK(guard_novel_words(in, strlen(in), "mgmt approved 41 positions", 26, NULL) == 1); /* an invented number */
    CHECK(guard_novel_words(in, strlen(in), "Management approved ~40 roles", 29, NULL) == 1);
}

static char *reply(const char *body, size_t *len, char *err)
{
    long a, b;
    return eval_backend_reply(body, strlen(body), len, &a, &b, err, 200);
}

static void test_reply(void)
{
    char err[200];
    size_t len = 0;
    long a, b;
    char *s;
    const char *ok = "{\"choices\":[{\"message\":{\"content\":\"short text\"},\"finish_reason\":\"stop\"}],"
                     "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}";
    s = eval_backend_reply(ok, strlen(ok), &len, &a, &b, err, sizeof err);
    CHECK(s && strcmp(s, "short text") == 0 && len == 10 && a == 12 && b == 3);
    free(s);
    s = reply("{\"choices\":[{\"message\":{\"content\":\"<think>\\nhmm\\n</think>\\n\\nthe rewrite\"}}]}", &len, err);
    CHECK(s && strcmp(s, "\n\nthe rewrite") == 0);
    free(s);
    CHECK(!reply("{\"choices\":[{\"message\":{\"content\":\"<think>forever\"}}]}", &len, err) && strstr(err, "think"));
    CHECK(!reply("{\"choices\":[{\"message\":{\"content\":\"cut\"},\"finish_reason\":\"length\"}]}", &len, err) &&
          strstr(err, "cut off"));
    CHECK(!reply("<html>502</html>", &len, err) && strstr(err, "not JSON"));
    CHECK(!reply("{\"choices\":[]}", &len, err) && strstr(err, "no choices"));
    CHECK(!reply("{\"choices\":[{\"message\":{\"content\":null}}]}", &len, err));
    CHECK(!eval_backend_reply("\"\xff\"", 3, &len, &a, &b, err, sizeof err) && strstr(err, "UTF-8"));
}

static void test_body(void)
{
    struct eval_backend b;
    struct buf out = {0};
    memset(&b, 0, sizeof b);
    b.model = "qwen3";
    b.prompt = eval_backend_default_prompt;
    b.max_tokens = 100;
    eval_backend_body(&b, "a \"quoted\"\nline", 15, &out);
    buf_addc(&out, 0);
    CHECK(out.p && strstr(out.p, "\"model\":\"qwen3\",\"temperature\":0,"));
    CHECK(out.p && strstr(out.p, "{\"role\":\"user\",\"content\":\"Compress:\\na \\\"quoted\\\"\\nline\"}"));
    CHECK(out.p && strstr(out.p, "{\"role\":\"system\",\"content\":\"You are a semantic compression engine."));
    buf_free(&out);
}

const struct test_case rewrite_tests[] = {
    {"rewrite: the callback's rewrites checked, accepted and turned down", test_callback},
    {"rewrite: a garbage model leaves terse's own output", test_garbage_is_own},
    {"rewrite: options, failures, chunk size, code not sent", test_options},
    {"rewrite: guard_check_text, item kinds", test_guard_text},
    {"rewrite: guard_novel_words", test_novel},
    {"rewrite: eval_backend_reply", test_reply},
    {"rewrite: eval_backend_body", test_body},
    {NULL, NULL},
};
