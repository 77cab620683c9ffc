/* fuzz_tool.c - libFuzzer target for the tool pass: detection and every
 * encoding of tool output (docs/tool-output.md).
 *
 * On any bytes: detection returns a kind and never crashes; the encoding at
 * safe decodes back to exactly the input, whichever of its blocks (paths,
 * hits, tables, diff headers, commits, repeats, rulers, macros) the input
 * triggers; the encodings at balanced and max decode without error; and
 * decoding the input itself never crashes (an error or some text). The first
 * byte picks a shape that the rest is wrapped in, so that the fuzzer reaches
 * each encoding quickly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/detect/tool_shape.h"
#include "../lib/passes/tool.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *s, size_t n)
{
    struct buf enc = {0}, back = {0};
    char err[128];
    int level;
    if (tool_kind(s, n) < 0 || tool_kind(s, n) >= TOOL_KIND_COUNT)
        abort();
    for (level = TERSE_LEVEL_SAFE; level <= TERSE_LEVEL_MAX; level++) {
        enc.len = 0;
        back.len = 0;
        if (tool_encode(s, n, level, "error", 5, &enc) != TERSE_OK)
            abort();
        if (tool_decode(enc.p ? enc.p : "", enc.len, &back, err, sizeof err) != TERSE_OK)
            abort();
        if (level == TERSE_LEVEL_SAFE && (back.len != n || (n && memcmp(back.p, s, n) != 0)))
            abort();
    }
    back.len = 0;
    (void)tool_decode(s, n, &back, err, sizeof err);
    buf_free(&enc);
    buf_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const wrap[] = {
        "", "drwxr-xr-x  2 root root 4096 Dec  7 19:08 ", "/usr/share/doc/", "lib/a.c:12:",
        "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n", "commit abc\nAuthor: A <a@b>\n",
        "cc -Wall -Wextra -O2 -fPIC -c -o build/obj/lib/", "~tool x\n",
    };
    struct buf b = {0};
    size_t w, i, start = 0;
    if (size == 0) {
        check("", 0);
        return 0;
    }
    w = data[0] % (sizeof wrap / sizeof wrap[0]);
    data++;
    size--;
    /* each line of the input, after the shape's start */
    for (i = 0; i <= size; i++)
        if (i == size || data[i] == '\n') {
            buf_adds(&b, wrap[w]);
            buf_add(&b, data + start, i - start);
            if (i < size)
                buf_addc(&b, '\n');
            start = i + 1;
        }
    check(b.p ? b.p : "", b.len);
    check((const char *)data, size);
    buf_free(&b);
    return 0;
}
