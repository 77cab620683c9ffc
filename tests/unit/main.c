/* main.c - runs every unit test; see check.h. Exit status 1 if any failed. */
#include <string.h>

#include "check.h"

int check_failures;

int compress_with(const terse_options *o, const char *text, size_t len, terse_result *r)
{
    int rc;
    terse_ctx *c = terse_ctx_new(o, &rc);
    if (!c) {
        memset(r, 0, sizeof *r);
        return rc;
    }
    rc = terse_compress(c, text, len, r);
    terse_ctx_free(c);
    return rc;
}

static int run_all(const struct test_case *cases, const char *only, int *passed, int *failed)
{
    int n = 0;
    for (; cases->name; cases++) {
        int before = check_failures;
        if (only && !strstr(cases->name, only))
            continue;
        cases->fn();
        n++;
        if (check_failures == before) {
            printf("ok - %s\n", cases->name);
            (*passed)++;
        } else {
            printf("not ok - %s\n", cases->name);
            (*failed)++;
        }
        fflush(stdout);
    }
    return n;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    const char *only = argc > 1 ? argv[1] : NULL;
    run_all(utf8_tests, only, &passed, &failed);
    run_all(tokenizer_tests, only, &passed, &failed);
    run_all(compress_tests, only, &passed, &failed);
    run_all(prose_rules_tests, only, &passed, &failed);
    run_all(json_tests, only, &passed, &failed);
    run_all(code_tests, only, &passed, &failed);
    run_all(chat_tests, only, &passed, &failed);
    run_all(memory_tests, only, &passed, &failed);
    run_all(tool_tests, only, &passed, &failed);
    run_all(structured_tests, only, &passed, &failed);
    run_all(eval_tests, only, &passed, &failed);
    run_all(rewrite_tests, only, &passed, &failed);
    run_all(learn_tests, only, &passed, &failed);
    run_all(select_tests, only, &passed, &failed);
    printf("# unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
