/* fuzz_compress.c - libFuzzer target for the compression pipeline: the
 * prose segmenter and passes, the JSON validator and splitter, detection,
 * guards and budget fitting.
 *
 * The first byte picks the level, the type (auto, prose, json, code) and
 * whether a budget and a query are used; the rest is the text. Checks: no
 * failure other than an unmeetable budget, valid UTF-8 out, never more
 * tokens than in, the budget met, and the same bytes when run twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/utf8.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int types[] = {TERSE_TYPE_AUTO, TERSE_TYPE_PROSE, TERSE_TYPE_JSON, TERSE_TYPE_CODE};
    terse_options o;
    terse_ctx *c;
    terse_result r, r2;
    const char *text;
    size_t len;
    int rc, rc2;
    if (size < 1)
        return 0;
    terse_options_init(&o);
    o.level = data[0] & 3;
    o.type = types[(data[0] >> 2) & 3];
    text = (const char *)data + 1;
    len = size - 1;
    if (data[0] & 0x10)
        o.budget = 8 + (len % 64);
    if (data[0] & 0x20) {
        o.query = text;
        o.query_len = len < 12 ? len : 12;
    }
    c = terse_ctx_new(&o, &rc);
    if (!c)
        abort();
    rc = terse_compress(c, text, len, &r);
    if (rc == TERSE_EBUDGET) {
        terse_ctx_free(c);
        return 0;
    }
    if (rc != TERSE_OK)
        abort();
    if (utf8_first_invalid((const unsigned char *)r.text, r.len) != r.len)
        abort();
    if (r.tokens_out > r.tokens_in)
        abort();
    if (o.budget && r.tokens_out > o.budget)
        abort();
    {
        size_t n;
        if (terse_count(o.tokenizer, r.text, r.len, 0, &n) != TERSE_OK || n != r.tokens_out)
            abort();
    }
    rc2 = terse_compress(c, text, len, &r2);
    if (rc2 != TERSE_OK || r2.len != r.len || memcmp(r.text, r2.text, r.len) != 0)
        abort();
    terse_result_free(&r);
    terse_result_free(&r2);
    terse_ctx_free(c);
    return 0;
}
