/* fuzz_eval_backend.c - libFuzzer target for what a model backend sends
 * back: the chat-completions reply parser of `terse compress --backend`
 * (eval_backend_reply, any bytes), and the library's checks of a rewrite
 * (lib/pipeline/rewrite.c), given the parsed reply (or the raw bytes) as
 * every chunk's rewrite of a fixed document.
 *
 * Checks: the parser returns text or fails with a one-line message, never
 * crashes; the compression succeeds, its output is valid UTF-8, no longer
 * in tokens than the input, and every number and negation of the document
 * is still in it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../eval/eval.h"
#include "../lib/common/utf8.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct given {
    const char *s;
    size_t n;
};

static int give(void *user, terse_rewrite *chunks, size_t n)
{
    const struct given *g = user;
    size_t i;
    for (i = 0; i < n; i++) {
        chunks[i].out = malloc(g->n + 1);
        if (!chunks[i].out)
            return TERSE_ENOMEM;
        memcpy(chunks[i].out, g->s, g->n);
        chunks[i].out_len = g->n;
    }
    return TERSE_OK;
}

static const char doc[] = "The team in Berlin shipped version 2.4 on 12 March; it was not stable.\n\n"
                          "- Maria said the page was slow for 45 minutes.\n- Nothing failed.\n\n"
                          "Once the cache was warm, latency fell by 30%. It never rose again.";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    size_t len = 0;
    long a, b;
    char *t;
    struct given g;
    terse_options o;
    terse_ctx *c;
    terse_result r;
    err[0] = 0;
    t = eval_backend_reply((const char *)data, size, &len, &a, &b, err, sizeof err);
    if ((!t && (!err[0] || strchr(err, '\n'))) || (t && utf8_first_invalid((unsigned char *)t, len) != len))
        abort();
    g.s = t ? t : (const char *)data;
    g.n = t ? len : size;
    terse_options_init(&o);
    o.rewrite = give;
    o.rewrite_user = &g;
    c = terse_ctx_new(&o, NULL);
    if (!c || terse_compress(c, doc, sizeof doc - 1, &r) != TERSE_OK)
        abort();
    if (utf8_first_invalid((unsigned char *)r.text, r.len) != r.len || r.tokens_out > r.tokens_in ||
        !strstr(r.text, "2.4") || !strstr(r.text, "12") || !strstr(r.text, "45") || !strstr(r.text, "30%") ||
        !strstr(r.text, "not") || !strstr(r.text, "never") || !strstr(r.text, "Nothing"))
        abort();
    terse_result_free(&r);
    terse_ctx_free(c);
    free(t);
    return 0;
}
