/* fuzz_tabular.c - libFuzzer target for the tabular JSON encoding.
 *
 * Input that is JSON: encode (o200k) then decode gives back an equal value
 * (json_equal: numbers as written, strings as UTF-16 code units, so a lone
 * surrogate escape must come back as itself, key order, duplicates), and
 * the encoding has no more tokens than minified JSON. Any input: decoding
 * never crashes, and what it accepts decodes to valid JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "../lib/passes/tabular.h"
#include "../lib/tokenize/tokenizer.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const terse_tokenizer *tok = terse_tokenizer_find("o200k");
    struct json_doc *d = json_parse((const char *)data, size, NULL);
    struct buf enc = {0}, dec = {0}, min = {0};
    struct json_error e;
    struct tok_counter ctr;
    tok_counter_init(&ctr, tok);
    if (d) {
        struct json_doc *d2;
        size_t te, tm;
        if (tab_encode(json_root(d), &ctr, NULL, &enc, NULL) != TERSE_OK)
            abort();
        if (tab_decode(enc.p, enc.len, &dec, &e) != TERSE_OK)
            abort();
        d2 = json_parse(dec.p, dec.len, NULL);
        if (!d2 || !json_equal(json_root(d), json_root(d2)))
            abort();
        json_write(json_root(d), &min);
        if (terse_count(tok, enc.p, enc.len, 0, &te) || terse_count(tok, min.p, min.len, 0, &tm) ||
            te > tm)
            abort();
        json_doc_free(d2);
        json_doc_free(d);
    }
    dec.len = 0;
    if (tab_decode((const char *)data, size, &dec, &e) == TERSE_OK) {
        struct json_doc *d3 = json_parse(dec.p, dec.len, &e);
        if (!d3)
            abort();
        json_doc_free(d3);
    } else if (e.offset > size || !e.msg[0]) {
        abort();
    }
    buf_free(&enc);
    buf_free(&dec);
    buf_free(&min);
    tok_counter_free(&ctr);
    return 0;
}
