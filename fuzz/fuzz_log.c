/* fuzz_log.c - libFuzzer target for the log folder.
 *
 * On any bytes: folding at safe (o200k) and unfolding gives back exactly
 * the input; the folded text never has more tokens than the input; and
 * unfolding the input itself never crashes (it is an error or some text).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/passes/log.h"
#include "../lib/tokenize/tokenizer.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const terse_tokenizer *tok = terse_tokenizer_find("o200k");
    const char *s = (const char *)data;
    struct buf fold = {0}, back = {0};
    char err[128];
    size_t tf, ti;
    struct tok_counter ctr;
    int rc;
    tok_counter_init(&ctr, tok);
    rc = log_fold(s, size, &ctr, TERSE_LEVEL_SAFE, &fold);
    tok_counter_free(&ctr);
    if (rc != TERSE_OK)
        abort();
    if (log_unfold(fold.p ? fold.p : "", fold.len, &back, err, sizeof err) != 0)
        abort();
    if (back.len != size || (size && memcmp(back.p, data, size) != 0))
        abort();
    terse_count(tok, fold.p ? fold.p : "", fold.len, 0, &tf);
    terse_count(tok, s, size, 0, &ti);
    if (tf > ti && !log_is_folded(s, size))
        abort();
    back.len = 0;
    (void)log_unfold(s, size, &back, err, sizeof err);
    buf_free(&fold);
    buf_free(&back);
    return 0;
}
