/* fuzz_memory.c - libFuzzer target for the memory pass: JSON arrays, JSON
 * Lines and text lists of memories.
 *
 * The first byte picks the level, the number of recent messages kept,
 * whether a budget and a query are used, and the compact form; the rest is
 * the input, compressed as type memory. Checks (fuzz_compress_check.h): no
 * failure other than an unmeetable budget, valid UTF-8 out, never more
 * tokens than in, the budget met, an exact output count, the same bytes
 * when run twice, and (unless compact) a JSON input of the pass's shape
 * gives JSON of that shape.
 */
#include "../lib/detect/shape.h"
#include "../lib/passes/memory.h"
#include "fuzz_compress_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    terse_options o;
    const char *text;
    size_t len;
    if (size < 1)
        return 0;
    fuzz_options(data, size, &o, &text, &len);
    o.type = TERSE_TYPE_MEMORY;
    o.keep_recent = (data[0] >> 2) & 3;
    o.compact = (data[0] >> 6) & 1;
    fuzz_compress_check(&o, text, len, o.compact ? NULL : shape_memory_json);
    return 0;
}
