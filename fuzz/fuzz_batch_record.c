/* fuzz_batch_record.c - libFuzzer target for the JSON Lines records of
 * `terse compress --jsonl` (programs/batch.c: batch_record).
 *
 * Checks on any bytes (one record line, newlines removed): exactly one
 * output line comes back, and it is a JSON object whose first member is
 * "id" and which has either "text" (a string, with "tokens_out" no larger
 * than "tokens_in") or "error" (a string, and then the status is 1 or 2
 * and err holds "line 1: ..."); the same line gives the same bytes twice;
 * nothing leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/json.h"
#include "../programs/batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run(const struct batch *b, const terse_ctx *ctx, const char *line, size_t n, struct buf *out,
               struct buf *err)
{
    size_t tin = 0, tout = 0;
    return batch_record(b, ctx, line, n, 1, out, err, &tin, &tout);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct batch b;
    terse_ctx *ctx;
    struct buf out = {0}, out2 = {0}, err = {0}, err2 = {0};
    struct json_doc *d;
    const struct json_value *root, *text, *error;
    char *line = malloc(size + 1);
    int status;
    size_t i;
    if (!line)
        return 0;
    /* one line: the batch splits its input at newlines before this */
    for (i = 0; i < size; i++)
        line[i] = data[i] == '\n' ? ' ' : (char)data[i];
    memset(&b, 0, sizeof b);
    terse_options_init(&b.opt);
    b.opt.tokenizer = terse_tokenizer_find("o200k");
    b.jsonl = 1;
    ctx = terse_ctx_new(&b.opt, NULL);
    if (!ctx)
        abort();
    status = run(&b, ctx, line, size, &out, &err);
    if (status == 2 || out.oom)
        goto done; /* out of memory: nothing else to check */
    if (out.len == 0 || out.p[out.len - 1] != '\n' || memchr(out.p, '\n', out.len - 1))
        abort(); /* exactly one line */
    d = json_parse(out.p, out.len - 1, NULL);
    if (!d)
        abort();
    root = json_root(d);
    if (root->kind != JSON_OBJECT || root->n < 2 || strcmp(root->keys[0].str, "id") != 0)
        abort();
    text = json_get(root, "text");
    error = json_get(root, "error");
    if ((text == NULL) == (error == NULL))
        abort();
    if (error && (error->kind != JSON_STRING || status != 1 || err.len < 8 || memcmp(err.p, "line 1: ", 8) != 0))
        abort();
    if (text) {
        const struct json_value *tin = json_get(root, "tokens_in"), *tout = json_get(root, "tokens_out");
        if (status != 0 || text->kind != JSON_STRING || !tin || !tout ||
            strtoull(tout->raw, NULL, 10) > strtoull(tin->raw, NULL, 10))
            abort();
    }
    json_doc_free(d);
    /* deterministic */
    run(&b, ctx, line, size, &out2, &err2);
    if (!out2.oom && (out2.len != out.len || memcmp(out.p, out2.p, out.len) != 0))
        abort();
done:
    buf_free(&out);
    buf_free(&out2);
    buf_free(&err);
    buf_free(&err2);
    terse_ctx_free(ctx);
    free(line);
    return 0;
}
