/* errors.c - version, status messages and the allocator terse returns
 * memory from: terse_free, and terse_result_free for a result's text and
 * chunks (here, below every layer, so that the pipeline's files that
 * free results do not call each other). */
#include <stdlib.h>

#include "terse.h"

const char *terse_version(void)
{
    return TERSE_VERSION_STRING;
}

const char *terse_strerror(int status)
{
    switch (status) {
    case TERSE_OK:
        return "success";
    case TERSE_ENOMEM:
        return "out of memory";
    case TERSE_EINVAL:
        return "invalid argument";
    case TERSE_ERANGE:
        return "token id not in the tokenizer's vocabulary";
    case TERSE_ETOOBIG:
        return "input too large";
    case TERSE_EBUDGET:
        return "the token budget cannot be met";
    case TERSE_EFORMAT:
        return "not a valid terse encoding";
    default:
        return "unknown error";
    }
}

void terse_free(void *p)
{
    free(p);
}

void terse_result_free(terse_result *r)
{
    if (!r)
        return;
    free(r->text);
    r->text = NULL;
    r->len = 0;
    free(r->chunks);
    r->chunks = NULL;
    r->n_chunks = 0;
}
