/* fuzz_json.c - libFuzzer target for the JSON document model.
 *
 * On any bytes: parsing never crashes; an error has an offset inside the
 * input and a line/column that agree with it; a parsed document written
 * back (json_write) parses again to an equal value and writes to the same
 * bytes; every decoded string is valid UTF-8 of the stated length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "../lib/common/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless every string under v decodes to valid UTF-8. */
static void check_strings(const struct json_value *v)
{
    size_t k;
    if (v->kind == JSON_STRING) {
        if (!v->str || v->str[v->str_len] != 0 ||
            utf8_first_invalid((const unsigned char *)v->str, v->str_len) != v->str_len)
            abort();
        return;
    }
    for (k = 0; k < v->n && (v->kind == JSON_ARRAY || v->kind == JSON_OBJECT); k++) {
        if (v->kind == JSON_OBJECT)
            check_strings(&v->keys[k]);
        check_strings(&v->items[k]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_error e;
    struct json_doc *d = json_parse((const char *)data, size, &e), *d2;
    struct buf b = {0}, b2 = {0};
    size_t i, line = 1, col = 1;
    if (!d) {
        if (e.offset > size || !e.msg[0])
            abort();
        for (i = 0; i < e.offset; i++) {
            if (data[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        if (e.line != line || e.col != col)
            abort();
        return 0;
    }
    check_strings(json_root(d));
    json_write(json_root(d), &b);
    if (b.oom)
        abort();
    d2 = json_parse(b.p, b.len, &e);
    if (!d2 || !json_equal(json_root(d), json_root(d2)))
        abort();
    json_write(json_root(d2), &b2);
    if (b2.len != b.len || memcmp(b.p, b2.p, b.len) != 0)
        abort();
    json_doc_free(d);
    json_doc_free(d2);
    buf_free(&b);
    buf_free(&b2);
    return 0;
}
