/* fuzz_code.c - libFuzzer target for the code pass: every grammar, every
 * level, multi-file headers and fenced blocks.
 *
 * The first byte picks the grammar (mod the number of languages), the
 * second the level and whether a budget and a query are used; the rest is
 * the source. Checks: the pass succeeds; the same bytes when run twice;
 * below max, an output of a source that parses also parses without errors;
 * through terse_compress: valid UTF-8 out, never more tokens than in, the
 * budget met unless it reports TERSE_EBUDGET.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "../lib/common/buf.h"
#include "../lib/common/utf8.h"
#include "../lib/passes/code.h"
#include "../lib/passes/code_lang.h"
#include "terse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int parses(const struct code_lang *L, const char *s, size_t n)
{
    TSParser *p = ts_parser_new();
    TSTree *t;
    int ok;
    ts_parser_set_language(p, L->grammar());
    t = ts_parser_parse_string(p, NULL, s, (uint32_t)n);
    ok = t && !ts_node_has_error(ts_tree_root_node(t));
    if (t)
        ts_tree_delete(t);
    ts_parser_delete(p);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src;
    size_t n;
    int lang, level;
    struct code_opts o;
    struct code_stats st;
    struct buf a = {0}, b = {0};
    terse_options to;
    terse_ctx *c;
    terse_result r;
    int rc;
    if (size < 2)
        return 0;
    lang = data[0] % CODE_LANG_COUNT;
    level = data[1] & 3;
    src = (const char *)data + 2;
    n = size - 2;
    memset(&o, 0, sizeof o);
    memset(&st, 0, sizeof st);
    o.lang = lang;
    o.level = level;
    if (code_compress(src, n, &o, &a, &st) != TERSE_OK || a.oom)
        abort();
    if (code_compress(src, n, &o, &b, &st) != TERSE_OK || a.len != b.len || (a.len && memcmp(a.p, b.p, a.len) != 0))
        abort();
    if (level < TERSE_LEVEL_MAX && !st.parse_errors && !parses(code_lang_get(lang), a.p ? a.p : "", a.len))
        abort();
    buf_free(&a);
    buf_free(&b);
    terse_options_init(&to);
    to.level = level;
    to.lang = code_lang_get(lang)->name;
    if (data[1] & 4)
        to.budget = 8 + n % 128;
    if (data[1] & 8) {
        to.query = src;
        to.query_len = n < 12 ? n : 12;
    }
    if (data[1] & 16)
        to.lang = NULL, to.type = TERSE_TYPE_CODE; /* by content, multi-file headers */
    c = terse_ctx_new(&to, &rc);
    if (!c)
        abort();
    rc = terse_compress(c, src, n, &r);
    terse_ctx_free(c);
    if (rc == TERSE_EBUDGET)
        return 0;
    if (rc != TERSE_OK || utf8_first_invalid((const unsigned char *)r.text, r.len) != r.len ||
        r.tokens_out > r.tokens_in || (to.budget && r.tokens_out > to.budget && r.tokens_in > to.budget))
        abort();
    terse_result_free(&r);
    return 0;
}
