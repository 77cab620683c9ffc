/* pass.c - the pass context's helpers; see pass.h. */
#include "pass.h"

#include "../tokenize/tokenizer.h"

int pass_count(const struct pass_ctx *pc, const char *s, size_t n, size_t *count)
{
    return tok_counter_count(pc->counter, s, n, count);
}

int pass_piece(const struct pass_ctx *pc, int type, int level, const char *s, size_t n, char **out,
               size_t *out_len)
{
    return pc->piece(pc, type, level, s, n, out, out_len);
}
