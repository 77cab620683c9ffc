/* fuzz_compress.c - libFuzzer target for the compression pipeline: the
 * prose segmenter and passes, the JSON validator and splitter, detection,
 * guards and budget fitting.
 *
 * The first byte picks the level, the type (auto, prose, json, code) and
 * whether a budget and a query are used; the rest is the text. Checks
 * (fuzz_compress_check.h): no failure other than an unmeetable budget,
 * valid UTF-8 out, never more tokens than in, the budget met, an exact
 * output count, and the same bytes when run twice.
 */
#include "fuzz_compress_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int types[] = {TERSE_TYPE_AUTO, TERSE_TYPE_PROSE, TERSE_TYPE_JSON, TERSE_TYPE_CODE};
    terse_options o;
    const char *text;
    size_t len;
    if (size < 1)
        return 0;
    fuzz_options(data, size, &o, &text, &len);
    o.type = types[(data[0] >> 2) & 3];
    fuzz_compress_check(&o, text, len, NULL);
    return 0;
}
