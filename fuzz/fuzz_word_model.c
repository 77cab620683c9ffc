/* fuzz_word_model.c - libFuzzer target for reading word-importance model
 * files (lib/learn/model.c, docs/model-format.md).
 *
 * On any bytes: word_model_load never crashes and either refuses them with
 * a reason or returns a model whose header agrees with the bytes; a model
 * that loads is written back to the same bytes; terse_word_model_check
 * agrees with it; and max compression with it (a sentence with numbers,
 * negations and names) succeeds with every protected item kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/learn/model.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = NULL;
    struct word_model *m = word_model_load(data, size, &why);
    if (!m) {
        if (!why || !*why || terse_word_model_check(data, size, NULL) == TERSE_OK)
            abort();
        return 0;
    }
    if (size != word_model_file_size(m->bits) || terse_word_model_check(data, size, &why) != TERSE_OK)
        abort();
    {
        unsigned char *back = malloc(size);
        if (!back)
            abort();
        word_model_write(m->bits, m->feature_set, m->scale, m->threshold, m->examples, m->w, back);
        if (memcmp(back, data, size) != 0)
            abort();
        free(back);
    }
    {
        static const char text[] = "Alice did not sell the 3 old red cars in 2019 because prices rose sharply.";
        terse_options o;
        terse_ctx *c;
        terse_result r;
        int rc;
        terse_options_init(&o);
        o.level = TERSE_LEVEL_MAX;
        o.word_model = data;
        o.word_model_len = size;
        c = terse_ctx_new(&o, &rc);
        if (!c)
            abort();
        if (terse_compress(c, text, sizeof text - 1, &r) != TERSE_OK || !strstr(r.text, "Alice") ||
            !strstr(r.text, "not") || !strstr(r.text, "3") || !strstr(r.text, "2019"))
            abort();
        terse_result_free(&r);
        terse_ctx_free(c);
    }
    word_model_free(m);
    return 0;
}
