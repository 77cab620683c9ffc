/* test_json.c - the lossless JSON document model (lib/common/json.c). */
#include <stdlib.h>
#include <string.h>

#include "../../lib/common/json.h"
#include "check.h"

/* Parses s and returns its minified rewrite (caller frees), or NULL. */
static char *rewrite(const char *s)
{
    struct json_error e;
    struct json_doc *d = json_parse(s, strlen(s), &e);
    struct buf b = {0};
    if (!d)
        return NULL;
    json_write(json_root(d), &b);
    json_doc_free(d);
    return buf_take(&b, NULL);
}

/* Returns 1 if s rewrites to want. */
static int rewrites_to(const char *s, const char *want)
{
    char *got = rewrite(s);
    int ok = got && strcmp(got, want) == 0;
    if (!ok)
        printf("#   %s -> %s, expected %s\n", s, got ? got : "(error)", want);
    free(got);
    return ok;
}

/* Returns 1 if s fails to parse with message msg at line:col. */
static int fails_at(const char *s, size_t line, size_t col, const char *msg)
{
    struct json_error e;
    struct json_doc *d = json_parse(s, strlen(s), &e);
    if (d) {
        json_doc_free(d);
        printf("#   %s parsed, expected an error\n", s);
        return 0;
    }
    if (e.line != line || e.col != col || !strstr(e.msg, msg)) {
        printf("#   %s: %zu:%zu %s\n", s, e.line, e.col, e.msg);
        return 0;
    }
    return 1;
}

static void test_json_lossless(void)
{
    /* numbers as written, escapes as written, key order and duplicates */
    CHECK(rewrites_to(" { \"b\" : 1.50e+3 , \"a\":[ -0, 1E2, 0.0 ] } ",
                      "{\"b\":1.50e+3,\"a\":[-0,1E2,0.0]}"));
    CHECK(rewrites_to("{\"k\":1,\"k\":2,\"\":3}", "{\"k\":1,\"k\":2,\"\":3}"));
    CHECK(rewrites_to("\"\\u00e9\\/\\n\"", "\"\\u00e9\\/\\n\""));
    CHECK(rewrites_to("[true,false,null,{},[],\"\"]", "[true,false,null,{},[],\"\"]"));
    CHECK(rewrites_to("123456789012345678901234567890", "123456789012345678901234567890"));
}

static void test_json_decoded_strings(void)
{
    const char *s = "{\"a\":\"x\\u00e9\\ud83d\\ude00\\t\",\"b\":\"\\ud800z\",\"c\":\"\\u0000\"}";
    struct json_doc *d = json_parse(s, strlen(s), NULL);
    const struct json_value *v;
    CHECK(d != NULL);
    if (!d)
        return;
    v = json_get(json_root(d), "a");
    CHECK(v && v->kind == JSON_STRING && strcmp(v->str, "x\xC3\xA9\xF0\x9F\x98\x80\t") == 0);
    CHECK(v && v->raw_len == strlen("x\\u00e9\\ud83d\\ude00\\t"));
    /* a lone surrogate decodes to U+FFFD */
    v = json_get(json_root(d), "b");
    CHECK(v && strcmp(v->str, "\xEF\xBF\xBDz") == 0);
    /* an escaped NUL is kept; str_len counts it */
    v = json_get(json_root(d), "c");
    CHECK(v && v->str_len == 1 && v->str[0] == 0);
    CHECK(json_get(json_root(d), "missing") == NULL);
    CHECK(json_get(json_get(json_root(d), "a"), "a") == NULL);
    json_doc_free(d);
}

static void test_json_errors(void)
{
    CHECK(fails_at("", 1, 1, "found the end"));
    CHECK(fails_at("{\"a\":1,}", 1, 8, "expected a string key"));
    CHECK(fails_at("{\"a\" 1}", 1, 6, "expected ':'"));
    CHECK(fails_at("[1,\n 2 3]", 2, 4, "expected ',' or ']'"));
    CHECK(fails_at("\"abc", 1, 1, "unterminated string"));
    CHECK(fails_at("\"a\tb\"", 1, 3, "control character"));
    CHECK(fails_at("\"\\x\"", 1, 2, "invalid escape"));
    CHECK(fails_at("\"\\u12\"", 1, 2, "four hex digits"));
    CHECK(fails_at("\"\xC3\x28\"", 1, 2, "invalid UTF-8"));
    CHECK(fails_at("01", 1, 2, "unexpected text"));
    CHECK(fails_at("1.", 1, 3, "decimal point"));
    CHECK(fails_at("1e+", 1, 4, "exponent"));
    CHECK(fails_at("-", 1, 2, "digit after '-'"));
    CHECK(fails_at("nul", 1, 1, "expected a JSON value"));
    CHECK(fails_at("{} x", 1, 4, "unexpected text"));
}

static void test_json_depth(void)
{
    size_t n = JSON_MAX_DEPTH + 1, i;
    char *s = malloc(2 * n + 1);
    struct json_error e;
    struct json_doc *d;
    for (i = 0; i < n; i++) {
        s[i] = '[';
        s[2 * n - 1 - i] = ']';
    }
    s[2 * n] = 0;
    d = json_parse(s, 2 * n, &e);
    CHECK(d == NULL && strstr(e.msg, "too deep"));
    /* exactly the limit parses and writes back unchanged */
    d = json_parse(s + 1, 2 * n - 2, &e);
    CHECK(d != NULL);
    if (d) {
        struct buf b = {0};
        json_write(json_root(d), &b);
        CHECK(b.len == 2 * n - 2 && memcmp(b.p, s + 1, b.len) == 0);
        buf_free(&b);
        json_doc_free(d);
    }
    free(s);
}

static void test_json_prefix_and_equal(void)
{
    const char *s = "{\"a\":[1,2]} {\"a\":[1,2.0]}\n";
    size_t end = 0, end2 = 0;
    struct json_doc *a = json_parse_prefix(s, strlen(s), &end, NULL);
    struct json_doc *b = a ? json_parse_prefix(s + end, strlen(s) - end, &end2, NULL) : NULL;
    struct json_doc *c = json_parse("{\"a\" : [ 1 , 2 ]}", 17, NULL);
    struct json_doc *u = json_parse("\"\\u0041\"", 8, NULL);
    struct json_doc *w = json_parse("\"A\"", 3, NULL);
    CHECK(a && b && c && u && w);
    CHECK(end == 11 && end2 == 14);
    if (a && b && c && u && w) {
        CHECK(!json_equal(json_root(a), json_root(b))); /* 2 and 2.0 differ as written */
        CHECK(json_equal(json_root(a), json_root(c)));
        CHECK(json_equal(json_root(u), json_root(w))); /* strings compare decoded */
    }
    json_doc_free(a);
    json_doc_free(b);
    json_doc_free(c);
    json_doc_free(u);
    json_doc_free(w);
}

/* Issue 13 defect 5: a lone surrogate escape decodes to U+FFFD, but the
 * string is not U+FFFD; strings compare by UTF-16 code units. */
static void test_json_lone_surrogates(void)
{
    static const char *const same[][2] = {
        {"\"\\uD800\"", "\"\\ud800\""},
        {"\"\\ud83d\\ude00\"", "\"\xF0\x9F\x98\x80\""},
        {"\"a\\uDC00\\n\"", "\"\\u0061\\udc00\\u000a\""},
    };
    static const char *const differ[][2] = {
        {"\"\\uD800\"", "\"\\uFFFD\""},
        {"\"\\uD800\"", "\"\xEF\xBF\xBD\""},
        {"\"\\uD800\"", "\"\\uDBFF\""},
        {"\"\\uDC00\\uD800\"", "\"\\uD800\\uDC00\""},
        {"\"\\uD800x\"", "\"\\uD800\""},
    };
    size_t i;
    for (i = 0; i < sizeof same / sizeof same[0] + sizeof differ / sizeof differ[0]; i++) {
        int is_same = i < sizeof same / sizeof same[0];
        const char *const *p = is_same ? same[i] : differ[i - sizeof same / sizeof same[0]];
        struct json_doc *a = json_parse(p[0], strlen(p[0]), NULL);
        struct json_doc *b = json_parse(p[1], strlen(p[1]), NULL);
        CHECK(a && b);
        if (a && b && json_equal(json_root(a), json_root(b)) != is_same)
            printf("#   %s vs %s: expected %s\n", p[0], p[1], is_same ? "equal" : "different");
        CHECK(a && b && json_equal(json_root(a), json_root(b)) == is_same);
        json_doc_free(a);
        json_doc_free(b);
    }
}

static void test_json_write_string(void)
{
    struct buf b = {0};
    json_write_string("a\"b\\c\n\x01\xC3\xA9/", 10, &b);
    CHECK(b.len == strlen("\"a\\\"b\\\\c\\n\\u0001\xC3\xA9/\"") &&
          memcmp(b.p, "\"a\\\"b\\\\c\\n\\u0001\xC3\xA9/\"", b.len) == 0);
    buf_free(&b);
}

/* json_write_string (which passes over 8 bytes at a time while none needs
 * an escape) against a byte-by-byte escaper, on every string of up to 10
 * bytes made of 8-byte-or-longer runs of one plain byte and one byte of
 * each kind that matters, at every offset; and the reader (which also
 * passes over 8 bytes at a time) on what was written and on the raw
 * bytes between quotes. */
static void test_json_write_string_words(void)
{
    static const char kinds[] = {'a', '"', '\\', '\n', 0x01, 0x1f, 0x20, 0x7f, (char)0x80, (char)0xe9, '/', 0};
    static const char hexd[] = "0123456789abcdef";
    size_t len, at, k, bad = 0;
    for (len = 0; len <= 20; len++)
        for (at = 0; at <= len; at++)
            for (k = 0; k < sizeof kinds; k++) {
                char s[24];
                struct buf got = {0}, want = {0};
                size_t i;
                memset(s, 'x', sizeof s);
                if (at < len)
                    s[at] = kinds[k];
                if (len > 12 && k % 3 == 0)
                    s[len - 1] = '"'; /* a second one, near the end */
                json_write_string(s, len, &got);
                buf_addc(&want, '"');
                for (i = 0; i < len; i++) {
                    unsigned char c = (unsigned char)s[i];
                    char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
                    if (c == '"' || c == '\\')
                        buf_addc(&want, '\\'), buf_addc(&want, (char)c);
                    else if (c == '\n')
                        buf_add(&want, "\\n", 2);
                    else if (c < 0x20)
                        buf_add(&want, e, 6);
                    else
                        buf_addc(&want, (char)c);
                }
                buf_addc(&want, '"');
                bad += got.len != want.len || memcmp(got.p, want.p, got.len) != 0;
                {
                    /* parsed back (the reader also goes word by word): the
                     * same string, or an error for a lone byte >= 0x80; the
                     * raw string between quotes fails on control bytes and
                     * inner quotes, else reads as itself */
                    struct json_doc *d = json_parse(got.p, got.len, NULL);
                    int valid = 1;
                    struct buf raw = {0};
                    const struct json_value *v = d ? json_root(d) : NULL;
                    for (i = 0; i < len; i++)
                        valid &= (unsigned char)s[i] < 0x80;
                    bad += !d != !valid;
                    bad += v && (v->kind != JSON_STRING || v->str_len != len || memcmp(v->str, s, len) != 0);
                    json_doc_free(d);
                    buf_addc(&raw, '"');
                    buf_add(&raw, s, len);
                    buf_addc(&raw, '"');
                    d = json_parse(raw.p, raw.len, NULL);
                    for (i = 0; i < len && valid; i++)
                        valid = (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\';
                    bad += !d != !valid;
                    json_doc_free(d);
                    buf_free(&raw);
                }
                buf_free(&got);
                buf_free(&want);
            }
    CHECK(bad == 0);
}

const struct test_case json_tests[] = {
    {"json: strings are written with the escapes they need, word by word", test_json_write_string_words},
    {"json: numbers, escapes, key order and duplicates kept", test_json_lossless},
    {"json: lone surrogate escapes are not U+FFFD", test_json_lone_surrogates},
    {"json: decoded strings, surrogates, NUL", test_json_decoded_strings},
    {"json: errors with line, column and message", test_json_errors},
    {"json: depth limit", test_json_depth},
    {"json: prefix parse and value equality", test_json_prefix_and_equal},
    {"json: string literal writer", test_json_write_string},
    {NULL, NULL},
};
