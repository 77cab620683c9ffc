/* fuzz_compress_check.h - the checks every compression fuzz target makes,
 * shared by fuzz_compress.c, fuzz_chat.c and fuzz_memory.c.
 *
 * fuzz_options() reads the first byte's common bits (level in bits 0-1, a
 * budget in bit 4, a query in bit 5) into o and points *text at the rest;
 * fuzz_compress_check() compresses it and aborts unless: the call succeeds
 * or only the budget cannot be met; the output is valid UTF-8; it has no
 * more tokens than the input; the budget is met; tokens_out is an exact
 * count; a second run gives the same bytes; and, when shape is given and
 * the input (valid UTF-8) parses as JSON of that shape, so does the output.
 */
#ifndef TERSE_FUZZ_COMPRESS_CHECK_H
#define TERSE_FUZZ_COMPRESS_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "../lib/common/utf8.h"
#include "terse.h"

static void fuzz_options(const uint8_t *data, size_t size, terse_options *o, const char **text, size_t *len)
{
    terse_options_init(o);
    o->level = data[0] & 3;
    *text = (const char *)data + 1;
    *len = size - 1;
    if (data[0] & 0x10)
        o->budget = 8 + (*len % 64);
    if (data[0] & 0x20) {
        o->query = *text;
        o->query_len = *len < 12 ? *len : 12;
    }
}

/* Whether s[0..n) parses as JSON whose root has the shape. */
static int fuzz_json_shaped(const char *s, size_t n, int (*shape)(const struct json_value *root))
{
    struct json_doc *d = json_parse(s, n, NULL);
    int ok = d && shape(json_root(d));
    json_doc_free(d);
    return ok;
}

static void fuzz_compress_check(const terse_options *o, const char *text, size_t len,
                                int (*shape)(const struct json_value *root))
{
    terse_ctx *c;
    terse_result r, r2;
    size_t n;
    int rc;
    c = terse_ctx_new(o, &rc);
    if (!c)
        abort();
    rc = terse_compress(c, text, len, &r);
    if (rc == TERSE_EBUDGET) {
        terse_ctx_free(c);
        return;
    }
    if (rc != TERSE_OK)
        abort();
    if (utf8_first_invalid((const unsigned char *)r.text, r.len) != r.len)
        abort();
    if (r.tokens_out > r.tokens_in || (o->budget && r.tokens_out > o->budget))
        abort();
    if (terse_count(o->tokenizer, r.text, r.len, 0, &n) != TERSE_OK || n != r.tokens_out)
        abort();
    if (shape && utf8_first_invalid((const unsigned char *)text, len) == len && fuzz_json_shaped(text, len, shape) &&
        !fuzz_json_shaped(r.text, r.len, shape))
        abort();
    if (terse_compress(c, text, len, &r2) != TERSE_OK || r2.len != r.len || memcmp(r.text, r2.text, r.len) != 0)
        abort();
    terse_result_free(&r);
    terse_result_free(&r2);
    terse_ctx_free(c);
}

#endif
