/* fuzz_utf8.c - libFuzzer target for the UTF-8 repair rule.
 *
 * Checks on any bytes: the repaired text is valid UTF-8, its length is what
 * utf8_repaired_len predicts, valid input is returned unchanged, and
 * repairing twice changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = utf8_repaired_len(data, size), got, again;
    unsigned char *out = malloc(len + 1), *out2;
    got = utf8_repair(data, size, out);
    if (got != len || utf8_first_invalid(out, got) != got)
        abort();
    if (utf8_first_invalid(data, size) == size && (got != size || memcmp(out, data, size) != 0))
        abort();
    out2 = malloc(len + 1);
    again = utf8_repair(out, got, out2);
    if (again != got || memcmp(out, out2, got) != 0)
        abort();
    free(out);
    free(out2);
    return 0;
}
