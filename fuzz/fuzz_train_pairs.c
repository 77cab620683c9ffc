/* fuzz_train_pairs.c - libFuzzer target for `terse train`'s input: the
 * JSON Lines pair reader (lib/learn/pairs.c), the aligner
 * (lib/learn/align.c) and training on what they give (lib/learn/train.c).
 *
 * On any bytes: pairs_read never crashes and either fails with a message
 * naming a line or returns pairs of valid UTF-8; training on them (2^8
 * weights, one epoch) succeeds or finds no word to learn from, and twice gives the
 * same bytes, which load as a model.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/utf8.h"
#include "../lib/learn/model.h"
#include "../lib/learn/pairs.h"
#include "../lib/learn/train.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pair_set ps = {0};
    struct learn_opts lo;
    struct learn_stats st;
    char err[200];
    unsigned char *a = NULL, *b = NULL;
    size_t la, lb, i;
    int rc = pairs_read((const char *)data, size, &ps, err, sizeof err);
    if (rc != TERSE_OK) {
        if (rc == TERSE_EINVAL && strncmp(err, "line ", 5) != 0)
            abort();
        pairs_free(&ps);
        return 0;
    }
    for (i = 0; i < ps.n; i++)
        if (utf8_first_invalid((const unsigned char *)ps.p[i].verbose, ps.p[i].vlen) != ps.p[i].vlen ||
            utf8_first_invalid((const unsigned char *)ps.p[i].compressed, ps.p[i].clen) != ps.p[i].clen)
            abort();
    learn_opts_init(&lo);
    lo.bits = 8;
    lo.epochs = 1;
    lo.code = 1;
    rc = learn_train(&ps, &lo, &a, &la, &st);
    if (rc == TERSE_OK) {
        struct word_model *m;
        if (learn_train(&ps, &lo, &b, &lb, &st) != TERSE_OK || la != lb || memcmp(a, b, la) != 0)
            abort();
        m = word_model_load(a, la, NULL);
        if (!m)
            abort();
        word_model_free(m);
    } else if (rc != TERSE_EINVAL || st.examples != 0) {
        abort();
    }
    free(a);
    free(b);
    pairs_free(&ps);
    return 0;
}
