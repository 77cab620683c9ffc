/* fuzz_eval_response.c - libFuzzer target for the parsers of provider
 * responses (OpenAI, Anthropic, Gemini bodies and error bodies), which
 * read whatever a server sends.
 *
 * Checks on any bytes: each parser returns text or fails with a message,
 * never crashes; an error summary is always one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../eval/eval.h"
#include "../lib/common/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = utf8_repaired_len(data, size);
    char *body = malloc(n + 1), err[256];
    int p;
    n = utf8_repair(data, size, (unsigned char *)body);
    body[n] = 0;
    for (p = PROV_OPENAI; p <= PROV_COMPAT; p++) {
        char *t;
        err[0] = 0;
        t = eval_response_text(p, body, n, err, sizeof err);
        if (!t && !err[0])
            abort();
        free(t);
    }
    eval_response_error(body, n, err, sizeof err);
    if (strchr(err, '\n'))
        abort();
    free(body);
    return 0;
}
