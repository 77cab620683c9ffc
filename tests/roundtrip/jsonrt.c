/* jsonrt.c - the JSON round-trip check of `make test` (group roundtrip).
 *
 *   build/jsonrt [--nasty] [--level L] FILE...
 *
 * For each JSON file (and with --nasty, each case of a generated set of
 * hard inputs: deep nesting, unicode escapes, huge numbers, empty and
 * duplicate keys, strings that look like numbers, literals or the
 * encoding's own syntax, and 500 pseudo-random documents of such strings
 * and lone surrogates), compresses it through the public API as type
 * json at level L (default safe; o200k), expands the result with
 * terse_expand, and checks that the value is the same as the input's
 * (json_equal: numbers as written, strings, key order, duplicate keys) and
 * that the output has no more tokens than minified JSON. Strings compare
 * by UTF-16 code units, so a lone surrogate escape (which decodes to
 * U+FFFD) must come back as that escape. Prints one
 * "ok - " or "not ok - " line per input and exits 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/common/buf.h"
#include "../../lib/common/json.h"
#include "../support/slurp.h"
#include "terse.h"

static int failures, checks;
static int quiet; /* 1: no "ok" line per document (the random ones) */

/* Checks one document; name labels the output line. */
static void roundtrip(const char *name, const char *text, size_t len, const terse_ctx *ctx)
{
    struct json_doc *a = json_parse(text, len, NULL), *b = NULL;
    terse_result r;
    char *out = NULL, err[160] = "";
    size_t out_len = 0, min_tokens = 0;
    struct buf min = {0};
    const char *why = NULL;
    checks++;
    if (!a) {
        printf("# %s is not JSON: skipped\n", name);
        checks--;
        return;
    }
    if (terse_compress(ctx, text, len, &r) != TERSE_OK) {
        why = "compress failed";
    } else {
        int rc = terse_expand(r.text, r.len, TERSE_TYPE_JSON, &out, &out_len, err, sizeof err);
        json_write(json_root(a), &min);
        terse_count(terse_tokenizer_find("o200k"), min.p ? min.p : "", min.len, 0, &min_tokens);
        if (rc != TERSE_OK)
            why = err[0] ? err : "expand failed";
        else if (!(b = json_parse(out, out_len, NULL)))
            why = "expanded text is not JSON";
        else if (!json_equal(json_root(a), json_root(b)))
            why = "expanded value differs";
        else if (r.tokens_out > min_tokens)
            why = "more tokens than minified JSON";
        terse_result_free(&r);
    }
    if (why) {
        failures++;
        printf("not ok - roundtrip: %s (%s)\n", name, why);
    } else if (!quiet) {
        printf("ok - roundtrip: %s\n", name);
    }
    json_doc_free(a);
    json_doc_free(b);
    terse_free(out);
    buf_free(&min);
}

/* A fixed pseudo-random sequence (an LCG), so the generated documents are
 * the same on every run. */
static unsigned long rnd_state = 13;
static unsigned rnd(unsigned n)
{
    rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rnd_state >> 33) % n);
}

/* A random string literal of escapes and characters that are hard for the
 * encoding: lone and paired surrogates, U+FFFD raw and escaped, its own
 * delimiters, spaces, look-alikes of numbers and literals. */
static void rnd_string(struct buf *b)
{
    static const char *const pieces[] = {
        "\\uD800", "\\uDBFF", "\\uDC00", "\\uDFFF", "\\uD83D\\uDE00", "\\uFFFD", "\xEF\xBF\xBD",
        "a", ",", ";", ":", "[", "]", "{", "}", "\\\"", "\\n", " ", "1", "true", "#", "~",
        "\xC3\xA9", "\xF0\x9F\x98\x80", "\\u0000", "\\\\"};
    unsigned k, n = rnd(5);
    buf_addc(b, '"');
    for (k = 0; k < n; k++)
        buf_adds(b, pieces[rnd(sizeof pieces / sizeof pieces[0])]);
    buf_addc(b, '"');
}

/* A random JSON value: scalars, objects, arrays, and arrays of objects
 * that share some keys (tables with empty cells). */
static void rnd_value(struct buf *b, int depth)
{
    static const char *const scalars[] = {"1", "-0", "1.50", "true", "null", "{}", "[]"};
    unsigned r = rnd(100), k, m, i;
    if (depth > 4 || r < 40) {
        if (rnd(2))
            rnd_string(b);
        else
            buf_adds(b, scalars[rnd(7)]);
    } else if (r < 70) {
        struct buf keys[4];
        unsigned nk = 1 + rnd(4);
        memset(keys, 0, sizeof keys);
        for (k = 0; k < nk; k++)
            rnd_string(&keys[k]);
        m = 1 + rnd(5);
        buf_addc(b, '[');
        for (i = 0; i < m; i++) {
            int first = 1;
            buf_adds(b, i ? ",{" : "{");
            for (k = 0; k < nk; k++) {
                if (rnd(3) == 0)
                    continue;
                if (!first)
                    buf_addc(b, ',');
                first = 0;
                buf_add(b, keys[k].p, keys[k].len);
                buf_addc(b, ':');
                rnd_value(b, depth + 1);
            }
            buf_addc(b, '}');
        }
        buf_addc(b, ']');
        for (k = 0; k < nk; k++)
            buf_free(&keys[k]);
    } else {
        int obj = r < 85;
        m = rnd(5);
        buf_addc(b, obj ? '{' : '[');
        for (i = 0; i < m; i++) {
            if (i)
                buf_addc(b, ',');
            if (obj) {
                rnd_string(b);
                buf_addc(b, ':');
            }
            rnd_value(b, depth + 1);
        }
        buf_addc(b, obj ? '}' : ']');
    }
}

/* The generated hard cases. */
static void nasty(const terse_ctx *ctx)
{
    static const char *const cases[] = {
        "{\"\":1,\"\":2,\"a\":{\"\":[]},\"a\":null}",
        "[\"1\",\"-0\",\"1e5\",\"true\",\"null\",\"false\",\"\",\" \",\" x\",\"x \",\"01\",\"+1\",\".5\"]",
        "[1,-0,1.0,1e5,1E+5,-1.5e-300,123456789012345678901234567890,0.000000000000000000001]",
        "{\"s\":\"\\u0000\\u001f\\ud83d\\ude00\\ud800\\udc00\\\\\\/\\\"\\b\\f\\n\\r\\t\\u00e9\\u2028\"}",
        ("[{\"a\":\"x,y\",\"b\":\"p;q\",\"c\":\"[1]\",\"d\":\"{}\",\"e\":\"k: v\",\"f\":\"\\\"q\"},"
         "{\"a\":\",\",\"b\":\";\",\"c\":\"]\",\"d\":\"}\",\"e\":\":\",\"f\":\"#jsonl\"}]"),
        "[{\"a\":1,\"b\":{\"c\":2}},{\"b\":{\"c\":3,\"d\":4},\"e\":5},{\"a\":6},{}]",
        "[{\"a\":1},{\"a\":{}},{\"a\":[]},{\"a\":{\"b\":null}}]",
        "[{\"x.y\":1,\"x\":{\"y\":2}},{\"x.y\":3,\"x\":{\"y\":4}}]",
        "{\"k\":{\"a\":{\"p\":1},\"b\":{\"p\":2},\"c\":{\"q\":3}},\"[1]{a}\":\"[2]{b}:\"}",
        "[[1,2],[3,4],[],[[]],[{}],[{\"a\":[{\"b\":1},{\"b\":2}]}]]",
        "\"a: b\"",
        "\"#jsonl\\n[1]\"",
        "{\"key with spaces\":\" lead\",\"tab\\tkey\":\"trail \",\"k\\u0000\":\"\\u0000\"}",
        "[{\"a\":1,\"a\":2},{\"a\":3,\"a\":4}]",
        "[{\"b\":1,\"a\":2},{\"a\":3,\"b\":4}]",
        "{\"-\":\"-\",\"- x\":\"- y\",\"#\":\"#\",\"@\":\"@x\",\"1\":\"2\",\"true\":\"true\"}",
        "[null,true,false,0,\"\",[],{}]",
        "{\"a\":[{\"b\":[{\"c\":[{\"d\":1},{\"d\":2}]},{\"c\":[]}]},{\"b\":[]}]}",
        "{\"\\u00e9t\\u00e9\":\"caf\\u00e9\",\"\xC3\xA9\":\"\xF0\x9F\x98\x80\"}",
        "{\"a\":\"line1\\nline2\",\"b\":[\"x\\ny\",\"\\r\"]}",
        "[{\"id\":1,\"v\":\"a,b\"},{\"id\":2,\"v\":\"c\"},{\"id\":3,\"v\":\"\"}]",
        "{\"rows\":[{\"k\":\"\"},{\"k\":\"\"}],\"e\":[{},{}]}",
        "{\"~log folded\":{\"a\":1,\"b\":2},\"#jsonl\":[{\"x\":1},{\"x\":2}]}",
        /* lone surrogates (issue 13): decoded they read U+FFFD, which they are not */
        "[\"\\uD800\"]",
        "[\"\\uDBFF\\uDBFF\",\"\\uDC00\\uD800\",\"a\\uD800b\",\"\\uDFFF\",\"\\uD800\\u0041\"]",
        "{\"\\uD800\":1,\"\\uFFFD\":2,\"\\udc00\":{\"\\ud800\":\"\\udc00\"}}",
        "[{\"\\uD800\":1,\"v\":\"\\uDC00\"},{\"\\uFFFD\":2,\"v\":\"\\uFFFD\"},{\"\\uD800\":3,\"v\":\"x\"}]",
        "{\"k\":{\"\\uD800\":{\"p\":1},\"\\uFFFD\":{\"p\":2}},\"t\":[{\"a\":{\"\\udbff\":1}},{\"a\":{\"\\udbff\":2}}]}",
    };
    char name[64];
    size_t i, depth;
    struct buf b = {0};
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(name, sizeof name, "nasty case %zu", i + 1);
        roundtrip(name, cases[i], strlen(cases[i]), ctx);
    }
    /* deep nesting: arrays, objects, and both mixed, near the limit */
    for (depth = 100; depth <= 3000; depth *= 30) {
        size_t k;
        b.len = 0;
        for (k = 0; k < depth; k++)
            buf_adds(&b, k % 3 == 0 ? "[" : k % 3 == 1 ? "{\"k\":" : "{\"\":[1,");
        buf_adds(&b, "\"deep\"");
        for (k = depth; k-- > 0;)
            buf_adds(&b, k % 3 == 0 ? "]" : k % 3 == 1 ? "}" : "]}");
        snprintf(name, sizeof name, "nasty nesting depth %zu", depth);
        roundtrip(name, b.p, b.len, ctx);
    }
    b.len = 0;
    for (depth = 0; depth < JSON_MAX_DEPTH - 1; depth++)
        buf_addc(&b, '[');
    for (depth = 0; depth < JSON_MAX_DEPTH - 1; depth++)
        buf_addc(&b, ']');
    roundtrip("nasty nesting: arrays at the depth limit", b.p, b.len, ctx);
    /* a long table whose cells look like numbers, literals and syntax */
    b.len = 0;
    buf_addc(&b, '[');
    for (i = 0; i < 300; i++) {
        static const char *const odd[] = {"\"12\"", "\"1e3\"", "\"null\"", "\",\"", "\";\"",
                                           "\"[x]\"", "\"{y}\"", "\"a:b\"", "\"\"", "null",
                                           "1.50", "-0", "\"\\u0041\"", "[1,\"2\"]", "{\"z\":[]}"};
        char row[160];
        snprintf(row, sizeof row, "%s{\"id\":%zu,\"v\":%s,\"w\":%s}", i ? "," : "", i,
                 odd[i % 15], odd[(i * 7) % 15]);
        buf_adds(&b, row);
    }
    buf_addc(&b, ']');
    roundtrip("nasty table of look-alikes", b.p, b.len, ctx);
    /* 500 random documents of hard strings (issue 13: lone surrogates);
     * one line for all unless one fails */
    {
        int before = failures;
        quiet = 1;
        for (i = 0; i < 500; i++) {
            b.len = 0;
            rnd_value(&b, 0);
            snprintf(name, sizeof name, "nasty random document %zu", i + 1);
            roundtrip(name, b.p, b.len, ctx);
        }
        quiet = 0;
        if (failures == before)
            printf("ok - roundtrip: nasty random documents 1-500\n");
    }
    buf_free(&b);
}

int main(int argc, char **argv)
{
    terse_options o;
    terse_ctx *ctx;
    int i, with_nasty = 0;
    terse_options_init(&o);
    o.type = TERSE_TYPE_JSON;
    o.level = TERSE_LEVEL_SAFE;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--nasty") == 0) {
            with_nasty = 1;
        } else if (strcmp(argv[i], "--level") == 0 && i + 1 < argc) {
            o.level = terse_level_parse(argv[++i]);
            if (o.level < 0) {
                fprintf(stderr, "jsonrt: unknown level\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: jsonrt [--nasty] [--level L] FILE...\n");
            return 2;
        }
    }
    ctx = terse_ctx_new(&o, NULL);
    if (!ctx)
        return 2;
    if (with_nasty)
        nasty(ctx);
    for (; i < argc; i++) {
        size_t n;
        char *text = slurp(argv[i], &n);
        if (!text) {
            printf("not ok - roundtrip: %s (cannot read)\n", argv[i]);
            failures++;
            continue;
        }
        roundtrip(argv[i], text, n, ctx);
        free(text);
    }
    terse_ctx_free(ctx);
    printf("# roundtrip: %d checked, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
