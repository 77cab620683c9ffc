/* fuzz_utf8.c - libFuzzer target for the UTF-8 repair rule.
 *
 * Checks on any bytes: the repaired text is valid UTF-8, its length is what
 * utf8_repaired_len predicts, valid input is returned unchanged, and
 * repairing twice changes nothing. UTF-16 with a byte-order mark
 * (utf16_bom_to_utf8, on the input and on the input behind each mark):
 * converted exactly when the mark is there, to valid UTF-8 no longer than
 * 3 bytes per 2-byte unit, and the same twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/utf8.h"
#include "terse.h"

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
    {
        static const unsigned char marks[2][2] = {{0xFF, 0xFE}, {0xFE, 0xFF}};
        unsigned char *in = malloc(size + 2);
        int m;
        for (m = -1; m < 2 && in; m++) {
            const unsigned char *s = data;
            size_t n = size, n8 = 0, n8b = 0;
            char *u8 = NULL, *u8b = NULL;
            int rc, rc2;
            if (m >= 0) {
                memcpy(in, marks[m], 2);
                memcpy(in + 2, data, size);
                s = in;
                n = size + 2;
            }
            rc = utf16_bom_to_utf8(s, n, &u8, &n8);
            if (rc != TERSE_OK ||
                (u8 != NULL) != (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))))
                abort();
            if (u8) {
                if (utf8_first_invalid((const unsigned char *)u8, n8) != n8 || n8 > (n - 2) / 2 * 3 + 3 ||
                    u8[n8] != 0)
                    abort();
                rc2 = utf16_bom_to_utf8(s, n, &u8b, &n8b);
                if (rc2 != TERSE_OK || !u8b || n8b != n8 || memcmp(u8, u8b, n8) != 0)
                    abort();
            }
            free(u8);
            free(u8b);
        }
        free(in);
    }
    return 0;
}
