/* fuzz_log.c - libFuzzer target for the log folder.
 *
 * On any bytes: folding at safe (o200k) and unfolding gives back exactly
 * the input; the folded text never has more tokens than the input; and
 * unfolding the input itself never crashes (it is an error or some text);
 * the count log_fold reports is the folded text's, whether it was given
 * the input's count or not.
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
    struct tok_counter c;
    size_t tf, ti, reported, reported2;
    terse_count(tok, s, size, 0, &ti);
    tok_counter_init(&c, tok);
    if (log_fold(s, size, &c, LOG_TOKENS_UNKNOWN, TERSE_LEVEL_SAFE, &back, &reported2) != TERSE_OK ||
        log_fold(s, size, &c, ti, TERSE_LEVEL_SAFE, &fold, &reported) != TERSE_OK)
        abort();
    tok_counter_free(&c);
    if (back.len != fold.len || (fold.len && memcmp(back.p, fold.p, fold.len) != 0))
        abort();
    back.len = 0;
    if (log_unfold(fold.p ? fold.p : "", fold.len, &back, err, sizeof err) != TERSE_OK)
        abort();
    if (back.len != size || (size && memcmp(back.p, data, size) != 0))
        abort();
    terse_count(tok, fold.p ? fold.p : "", fold.len, 0, &tf);
    if (tf > ti && !log_is_folded(s, size))
        abort();
    if (reported != tf || reported2 != tf)
        abort();
    back.len = 0;
    (void)log_unfold(s, size, &back, err, sizeof err);
    buf_free(&fold);
    buf_free(&back);
    return 0;
}
