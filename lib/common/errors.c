/* errors.c - version, status messages and the allocator terse returns
 * memory from. */
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
