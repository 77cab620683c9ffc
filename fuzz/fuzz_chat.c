/* fuzz_chat.c - libFuzzer target for the chat pass: OpenAI, Anthropic and Gemini messages and transcripts.
 *
 * The first byte picks the level, the number of recent messages kept,
 * whether a budget and a query are used, and whether the system prompt is
 * compressed; the rest is the input, compressed
 * as type chat. Checks: no failure other than an unmeetable budget, valid
 * UTF-8 out, never more tokens than in, the budget met, the same bytes when
 * run twice, and a JSON input of the pass's shape gives JSON of that shape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "../lib/common/utf8.h"
#include "../lib/passes/chat.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether s[0..n) parses as JSON of the pass's shape. */
static int shaped(const char *s, size_t n)
{
    struct json_doc *d = json_parse(s, n, NULL);
    int ok = d && chat_json_shape(json_root(d));
    json_doc_free(d);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    terse_options o;
    terse_ctx *c;
    terse_result r, r2;
    const char *text;
    size_t len, n;
    int rc, rc2;
    if (size < 1)
        return 0;
    terse_options_init(&o);
    o.type = TERSE_TYPE_CHAT;
    o.level = data[0] & 3;
    o.keep_recent = (data[0] >> 2) & 3;
    o.compress_system = (data[0] >> 6) & 1;
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
    if (r.tokens_out > r.tokens_in || (o.budget && r.tokens_out > o.budget))
        abort();
    if (terse_count(o.tokenizer, r.text, r.len, 0, &n) != TERSE_OK || n != r.tokens_out)
        abort();
    if (utf8_first_invalid((const unsigned char *)text, len) == len && shaped(text, len) && !shaped(r.text, r.len))
        abort();
    rc2 = terse_compress(c, text, len, &r2);
    if (rc2 != TERSE_OK || r2.len != r.len || memcmp(r.text, r2.text, r.len) != 0)
        abort();
    terse_result_free(&r);
    terse_result_free(&r2);
    terse_ctx_free(c);
    return 0;
}
