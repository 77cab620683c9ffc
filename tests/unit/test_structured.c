/* test_structured.c - the tabular JSON encoding (lib/passes/tabular*.c)
 * and log folding (lib/passes/log.c). */
#include <stdlib.h>
#include <string.h>

#include "../../lib/passes/log.h"
#include "../../lib/passes/tabular.h"
#include "../../lib/tokenize/tokenizer.h"
#include "check.h"

/* Encodes the JSON text s (o200k) and compares with want. */
static int encodes_to(const char *s, const char *want)
{
    struct json_doc *d = json_parse(s, strlen(s), NULL);
    struct buf b = {0};
    struct tok_counter ctr;
    int ok;
    if (!d)
        return 0;
    tok_counter_init(&ctr, terse_tokenizer_find("o200k"));
    tab_encode(json_root(d), &ctr, NULL, &b, NULL);
    tok_counter_free(&ctr);
    buf_addc(&b, 0);
    ok = strcmp(b.p, want) == 0;
    if (!ok)
        printf("#   %s -> %s, expected %s\n", s, b.p, want);
    json_doc_free(d);
    buf_free(&b);
    return ok;
}

/* Decodes s and compares the JSON with want (NULL: must fail with msg). */
static int decodes_to(const char *s, const char *want, const char *msg)
{
    struct buf b = {0};
    struct json_error e;
    int rc = tab_decode(s, strlen(s), &b, &e), ok;
    buf_addc(&b, 0);
    ok = want ? rc == TERSE_OK && strcmp(b.p, want) == 0 : rc == TERSE_EFORMAT && msg && strstr(e.msg, msg) != NULL;
    if (!ok)
        printf("#   %s -> %s (%s)\n", s, rc == 0 ? b.p : "error", rc == 0 ? "" : e.msg);
    buf_free(&b);
    return ok;
}

/* Objects nested one key deep are flattened into a group even when each
 * level has a single column (issue 13: a cfn-lint schema cost 58 tokens
 * against TOON's 48; a group of one column has as many leaves as no group,
 * which had read as "nothing to flatten"), deeper than 3 levels when that
 * is cheaper, and both decode back. */
static void test_tabular_deep_groups(void)
{
    static const char schema[] =
        "{\"allOf\":[{\"if\":{\"properties\":{\"Protocol\":{\"const\":\"sqs\"}}},"
        "\"then\":{\"properties\":{\"Endpoint\":{\"format\":\"AWS::SQS::Queue.Arn\"}}}},"
        "{\"if\":{\"properties\":{\"Protocol\":{\"const\":\"lambda\"}}},"
        "\"then\":{\"properties\":{\"Endpoint\":{\"format\":\"AWS::Lambda::Function.Arn\"}}}}]}";
    static const char deep[] =
        "[{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}},{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":2}}}}}},"
        "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":3}}}}}},{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":4}}}}}}]";
    CHECK(encodes_to(schema, "allOf: [{if{properties{Protocol{const}}},then{properties{Endpoint{format}}}}:"
                             "sqs,AWS::SQS::Queue.Arn;lambda,AWS::Lambda::Function.Arn]"));
    CHECK(decodes_to("allOf: [{if{properties{Protocol{const}}},then{properties{Endpoint{format}}}}:"
                     "sqs,AWS::SQS::Queue.Arn;lambda,AWS::Lambda::Function.Arn]",
                     "{\"allOf\":[{\"if\":{\"properties\":{\"Protocol\":{\"const\":\"sqs\"}}},"
                     "\"then\":{\"properties\":{\"Endpoint\":{\"format\":\"AWS::SQS::Queue.Arn\"}}}},"
                     "{\"if\":{\"properties\":{\"Protocol\":{\"const\":\"lambda\"}}},"
                     "\"then\":{\"properties\":{\"Endpoint\":{\"format\":\"AWS::Lambda::Function.Arn\"}}}}]}",
                     NULL));
    CHECK(encodes_to(deep, "[{a{b{c{d{e{f}}}}}}:1;2;3;4]"));
}

static void test_tabular_forms(void)
{
    static const char rows[] =
        "{\"users\":[{\"id\":1,\"name\":\"Ann Lee\",\"mail\":\"ann@example.com\",\"team\":\"core\"},"
        "{\"id\":2,\"name\":\"Bob Ray\",\"mail\":\"bob@example.com\",\"team\":\"web\"},"
        "{\"id\":3,\"name\":\"Cy Dee\",\"mail\":\"cy@example.com\",\"team\":\"core\"},"
        "{\"id\":4,\"name\":\"Di Fox\",\"mail\":\"di@example.com\"}],\"total\":4}";
    /* a table: header once, an empty cell for the missing key */
    CHECK(encodes_to(rows, "users: [{id,name,mail,team}:1,Ann Lee,ann@example.com,core;"
                           "2,Bob Ray,bob@example.com,web;3,Cy Dee,cy@example.com,core;"
                           "4,Di Fox,di@example.com,]\ntotal: 4"));
    /* strings that would read as something else keep their quotes */
    CHECK(tab_bare_ok("x", 1, TAB_FLOW) && !tab_bare_ok("1", 1, TAB_LINE) &&
          !tab_bare_ok("true", 4, TAB_LINE) && !tab_bare_ok("", 0, TAB_LINE) &&
          !tab_bare_ok(" a", 2, TAB_LINE) && !tab_bare_ok("a,b", 3, TAB_CELL) &&
          tab_bare_ok("a,b", 3, TAB_LINE) && tab_bare_ok("a:b", 3, TAB_FLOW) && !tab_bare_ok("a;b", 3, TAB_FLOW) &&
          !tab_bare_ok("[x", 2, TAB_LINE) && tab_bare_ok("+1", 2, TAB_LINE));
    /* issue 13 defect 5: a lone surrogate has no bare (UTF-8) spelling */
    CHECK(encodes_to("[\"\\uD800\"]", "[\"\\uD800\"]"));
    CHECK(encodes_to("{\"\\udc00\":\"\\udc00\",\"x\":\"\\ud83d\\ude00\"}",
                     "\"\\udc00\": \"\\udc00\"\nx: \xF0\x9F\x98\x80"));
    /* issue 13 defect 6: a small document's forms are counted exactly, so
     * it costs no more than TOON (`type: commonjs`, 4 tokens; 6 as JSON) */
    CHECK(encodes_to("{\"type\":\"commonjs\"}", "type: commonjs"));
    CHECK(encodes_to("{\"type\":\"module\",\"source\":\"doc/api/index.md\"}",
                     "type: module\nsource: doc/api/index.md"));
    /* never more tokens than minified JSON: a scalar stays JSON */
    CHECK(encodes_to("\"a: b\"", "\"a: b\""));
}

static void test_tabular_decode(void)
{
    CHECK(decodes_to("a[2]{x,y{p,q}}:\n1,,\n,2,\"z\"\nb: [1,c]",
                     "{\"a\":[{\"x\":1},{\"y\":{\"p\":2,\"q\":\"z\"}}],\"b\":[1,\"c\"]}", NULL));
    CHECK(decodes_to("k[2:]{v}:\nx: 1\n\"y.z\": true", "{\"k\":{\"x\":{\"v\":1},\"y.z\":{\"v\":true}}}", NULL));
    CHECK(decodes_to("[{a,b}:1,x;,\"2\"]", "[{\"a\":1,\"b\":\"x\"},{\"b\":\"2\"}]", NULL));
    CHECK(decodes_to("a:\n b: 1.50\n c: -0\nd: hello, world",
                     "{\"a\":{\"b\":1.50,\"c\":-0},\"d\":\"hello, world\"}", NULL));
    CHECK(decodes_to("a[3]{x}:\n1\n2", NULL, "fewer rows"));
    CHECK(decodes_to("a[1]{x,y}:\n1,2,3", NULL, "more cells"));
    CHECK(decodes_to("a: 1\n  b: 2", NULL, "unexpected indentation"));
    CHECK(decodes_to("a: \"x", NULL, "unterminated string"));
    CHECK(decodes_to("a: b\nc", NULL, "expected ':'"));
}

/* Folds s at level, checks that it unfolds to s (when lossless) and that
 * the tokens log_fold reports are the folded text's, with and without the
 * input's count given, and returns the folded text (caller frees). */
static char *fold(const char *s, int level)
{
    const terse_tokenizer *t = terse_tokenizer_find("o200k");
    struct buf f = {0}, b = {0}, g = {0};
    struct tok_counter c;
    char err[128];
    size_t in = 0, got = 0, got2 = 0, real = 0;
    CHECK(terse_count(t, s, strlen(s), 0, &in) == TERSE_OK);
    tok_counter_init(&c, t);
    CHECK(log_fold(s, strlen(s), &c, LOG_TOKENS_UNKNOWN, level, &f, &got) == TERSE_OK);
    CHECK(log_fold(s, strlen(s), &c, in, level, &g, &got2) == TERSE_OK);
    tok_counter_free(&c);
    CHECK(terse_count(t, f.p ? f.p : "", f.len, 0, &real) == TERSE_OK);
    CHECK(got == real && got2 == real);
    CHECK(g.len == f.len && (!f.len || memcmp(g.p, f.p, f.len) == 0));
    buf_free(&g);
    buf_addc(&f, 0);
    f.len--;
    if (level == TERSE_LEVEL_SAFE) {
        CHECK(log_unfold(f.p, f.len, &b, err, sizeof err) == TERSE_OK);
        CHECK(b.len == strlen(s) && memcmp(b.p, s, b.len) == 0);
    }
    buf_free(&b);
    return buf_take(&f, NULL);
}

static void test_log_fold(void)
{
    struct buf b = {0};
    char err[128], *f;
    size_t i;
    /* a run of alike lines: a template and the varying fields */
    for (i = 0; i < 12; i++) {
        char line[128];
        snprintf(line, sizeof line, "2024-05-01 10:00:%02zu INFO worker-3 request id=%zu took %zums\n",
                 i, 7000 + i * 13, 5 + i % 4);
        buf_adds(&b, line);
    }
    /* repeated lines */
    for (i = 0; i < 6; i++)
        buf_adds(&b, "WARN disk almost full on /var\n");
    buf_adds(&b, "~ a line that starts with a tilde");
    buf_addc(&b, 0);
    f = fold(b.p, TERSE_LEVEL_SAFE);
    CHECK(strncmp(f, LOG_HEAD, strlen(LOG_HEAD)) == 0);
    CHECK(strstr(f, "~x6\n") != NULL);
    CHECK(strstr(f, "\n~~ a line") != NULL && strstr(f, "~noeol\n") != NULL);
    CHECK(strlen(f) < b.len * 6 / 10);
    free(f);
    /* a repeated block of lines (recursion in a stack trace) */
    b.len = 0;
    buf_adds(&b, "Traceback (most recent call last):\n");
    for (i = 0; i < 20; i++)
        buf_adds(&b, "  File \"walk.py\", line 12, in walk\n    return walk(node.next)\n");
    buf_adds(&b, "RecursionError: maximum recursion depth exceeded\n");
    buf_addc(&b, 0);
    f = fold(b.p, TERSE_LEVEL_SAFE);
    CHECK(strstr(f, "~x20/2\n") != NULL);
    free(f);
    /* nothing to fold: the text is its own encoding */
    f = fold("one\ntwo\n", TERSE_LEVEL_SAFE);
    CHECK(strcmp(f, "one\ntwo\n") == 0);
    free(f);
    /* max keeps the lines around an error */
    b.len = 0;
    for (i = 0; i < 40; i++) {
        char line[64];
        snprintf(line, sizeof line, "step %zu %s\n", i, i == 20 ? "ERROR boom" : "fine");
        buf_adds(&b, line);
    }
    buf_addc(&b, 0);
    f = fold(b.p, TERSE_LEVEL_MAX);
    CHECK(strstr(f, "ERROR boom") != NULL && strstr(f, "~-17\n") != NULL && strstr(f, "step 2 ") == NULL);
    free(f);
    buf_free(&b);
    /* malformed folded text: one-line errors */
    b.len = 0;
    CHECK(log_unfold(LOG_HEAD "~x2\n", strlen(LOG_HEAD) + 4, &b, err, sizeof err) == TERSE_EFORMAT &&
          strstr(err, "repeat marker"));
    CHECK(log_unfold(LOG_HEAD "~3 a {}\n1\n", strlen(LOG_HEAD) + 10, &b, err, sizeof err) == TERSE_EFORMAT &&
          strstr(err, "fewer rows"));
    CHECK(log_unfold(LOG_HEAD "~2 a {}\n1 2\n3\n", strlen(LOG_HEAD) + 14, &b, err, sizeof err) == TERSE_EFORMAT &&
          strstr(err, "more values"));
    CHECK(log_unfold(LOG_HEAD "~zz\n", strlen(LOG_HEAD) + 4, &b, err, sizeof err) == TERSE_EFORMAT &&
          strstr(err, "unknown marker"));
    buf_free(&b);
}

const struct test_case structured_tests[] = {
    {"tabular: forms chosen by tokens", test_tabular_forms},
    {"tabular: groups of one column and deep groups", test_tabular_deep_groups},
    {"tabular: decoding and its errors", test_tabular_decode},
    {"log: fold, unfold, max, errors", test_log_fold},
    {NULL, NULL},
};
