/* test_utf8.c - the invalid-UTF-8 rule (WHATWG maximal subparts). */
#include <stdlib.h>
#include <string.h>

#include "../../lib/common/utf8.h"
#include "check.h"

/* Repairs `in` and compares with `want`. */
static int repairs_to(const char *in, size_t n, const char *want)
{
    unsigned char out[256];
    size_t len = utf8_repaired_len((const unsigned char *)in, n);
    size_t got = utf8_repair((const unsigned char *)in, n, out);
    return got == len && got == strlen(want) && memcmp(out, want, got) == 0;
}

#define R "\xEF\xBF\xBD"

static void test_valid_untouched(void)
{
    const char *s = "plain ASCII, caf\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x98\x80";
    CHECK(utf8_first_invalid((const unsigned char *)s, strlen(s)) == strlen(s));
    CHECK(repairs_to(s, strlen(s), s));
    CHECK(repairs_to("", 0, ""));
    {
        /* NUL is an ordinary character and is kept */
        unsigned char out[8];
        CHECK(utf8_repair((const unsigned char *)"a\0b", 3, out) == 3 && memcmp(out, "a\0b", 3) == 0);
    }
}

static void test_whatwg_examples(void)
{
    /* lone continuation bytes: one U+FFFD each */
    CHECK(repairs_to("\x80\x80", 2, R R));
    /* truncated sequences: one U+FFFD for the maximal valid prefix */
    CHECK(repairs_to("\xE2\x82", 2, R));
    CHECK(repairs_to("\xE2\x82x", 3, R "x"));
    CHECK(repairs_to("\xF0\x9F\x98", 3, R));
    /* overlong and surrogate encodings: each byte is its own error */
    CHECK(repairs_to("\xC0\x80", 2, R R));
    CHECK(repairs_to("\xE0\x80\x80", 3, R R R));
    CHECK(repairs_to("\xED\xA0\x80", 3, R R R));
    /* beyond U+10FFFF and never-valid bytes */
    CHECK(repairs_to("\xF4\x90\x80\x80", 4, R R R R));
    CHECK(repairs_to("\xF5\xFF", 2, R R));
    /* the valid character after an error survives */
    CHECK(repairs_to("\xE2\x28\xA1", 3, R "(" R));
    CHECK(utf8_first_invalid((const unsigned char *)"abc\xFF", 4) == 3);
}

static void test_decode_encode(void)
{
    unsigned char buf[4];
    uint32_t cp;
    CHECK(utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 4, &cp) == 4 && cp == 0x1F600);
    CHECK(utf8_decode((const unsigned char *)"\xF0\x9F\x98", 3, &cp) == 0);
    CHECK(utf8_encode(0x1F600, buf) == 4 && memcmp(buf, "\xF0\x9F\x98\x80", 4) == 0);
    CHECK(utf8_encode(0x2581, buf) == 3 && memcmp(buf, "\xE2\x96\x81", 3) == 0);
    CHECK(utf8_encode(0x7F, buf) == 1 && buf[0] == 0x7F);
}

/* UTF-16 with a byte-order mark to UTF-8 (issue 13): `in` (n bytes)
 * converts to `want`, or is not UTF-16 when want is NULL. */
static int utf16_to(const char *in, size_t n, const char *want)
{
    char *out = NULL;
    size_t len = 0;
    int rc = utf16_bom_to_utf8((const unsigned char *)in, n, &out, &len), ok;
    if (!want)
        return rc == TERSE_OK && out == NULL;
    ok = rc == TERSE_OK && out && len == strlen(want) && memcmp(out, want, len) == 0 && out[len] == 0;
    free(out);
    return ok;
}

static void test_utf16(void)
{
    CHECK(utf16_to("\xFF\xFEh\0i\0", 6, "hi"));
    CHECK(utf16_to("\xFE\xFF\0h\0i", 6, "hi"));
    CHECK(utf16_to("\xFF\xFE\xE9\0\x2C\x20\x3D\xD8\x00\xDE", 10, "\xC3\xA9\xE2\x80\xAC\xF0\x9F\x98\x80"));
    CHECK(utf16_to("\xFF\xFE\x00\xD8h\0", 6, "\xEF\xBF\xBDh"));  /* lone high surrogate */
    CHECK(utf16_to("\xFF\xFE\x00\xDC", 4, "\xEF\xBF\xBD"));       /* lone low surrogate */
    CHECK(utf16_to("\xFF\xFE\x00\xD8", 4, "\xEF\xBF\xBD"));       /* high surrogate at the end */
    CHECK(utf16_to("\xFF\xFEh\0i", 5, "h\xEF\xBF\xBD"));           /* a last odd byte */
    CHECK(utf16_to("\xFF\xFE", 2, ""));
    CHECK(utf16_to("\xEF\xBB\xBFhi", 5, NULL)); /* a UTF-8 mark */
    CHECK(utf16_to("hi", 2, NULL));
    CHECK(utf16_to("\xFF", 1, NULL));
}

const struct test_case utf8_tests[] = {
    {"utf8: valid text is untouched", test_valid_untouched},
    {"utf8: WHATWG replacement of ill-formed sequences", test_whatwg_examples},
    {"utf8: decode and encode", test_decode_encode},
    {"utf8: UTF-16 with a byte-order mark converted", test_utf16},
    {NULL, NULL},
};
