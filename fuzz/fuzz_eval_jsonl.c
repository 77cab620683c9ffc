/* fuzz_eval_jsonl.c - libFuzzer target for the JSON Lines reader of
 * `terse eval` (user-supplied data sets).
 *
 * Checks on any bytes (repaired to UTF-8 first, as eval_read_file does):
 * the reader either fails with a message or returns items whose every
 * question has at least one gold answer and whose strings are
 * NUL-terminated where their lengths say; nothing leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../eval/eval.h"
#include "../lib/common/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = utf8_repaired_len(data, size), i, j;
    char *text = malloc(n + 1), err[256];
    struct eval_set set;
    n = utf8_repair(data, size, (unsigned char *)text);
    text[n] = 0;
    memset(&set, 0, sizeof set);
    err[0] = 0;
    if (eval_jsonl_parse(text, n, 0, &set, err, sizeof err) != 0) {
        if (!err[0])
            abort(); /* a failure always says why */
    } else {
        for (i = 0; i < set.n; i++) {
            const struct eval_item *it = &set.items[i];
            if (strlen(it->context) != it->context_len || it->nq != 1)
                abort();
            for (j = 0; j < it->nq; j++)
                if (!it->q[j].n_answers || !it->q[j].question)
                    abort();
        }
    }
    eval_set_free(&set);
    free(text);
    return 0;
}
