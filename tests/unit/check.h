/* check.h - a minimal test harness for the unit tests.
 *
 * A test is a function `static void test_x(void)` listed in main.c. CHECK()
 * records failures; each test prints "ok - name" or "not ok - name" (with
 * the failed conditions above it), which tests/run.sh counts.
 */
#ifndef TERSE_TESTS_CHECK_H
#define TERSE_TESTS_CHECK_H

#include <stdio.h>

#include "terse.h"

extern int check_failures;

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            check_failures++;                                                      \
            printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);    \
        }                                                                          \
    } while (0)

#define CHECK_EQ_SIZE(a, b)                                                        \
    do {                                                                           \
        size_t a_ = (a), b_ = (b);                                                 \
        if (a_ != b_) {                                                            \
            check_failures++;                                                      \
            printf("#   %s:%d: %s == %zu, expected %s == %zu\n", __FILE__, __LINE__, \
                   #a, a_, #b, b_);                                                \
        }                                                                          \
    } while (0)

/* terse_compress of text[0..len) with options o, through a context made
 * and freed here. Returns the status (of terse_ctx_new when the options are
 * refused, r then cleared); r is released by the caller. */
int compress_with(const terse_options *o, const char *text, size_t len, terse_result *r);

typedef void (*test_fn)(void);

struct test_case {
    const char *name;
    test_fn fn;
};

/* Each test file exposes its cases through one of these. */
extern const struct test_case utf8_tests[];
extern const struct test_case tokenizer_tests[];
extern const struct test_case compress_tests[];
extern const struct test_case prose_rules_tests[];
extern const struct test_case json_tests[];
extern const struct test_case code_tests[];
extern const struct test_case chat_tests[];
extern const struct test_case memory_tests[];
extern const struct test_case tool_tests[];
extern const struct test_case structured_tests[];
extern const struct test_case eval_tests[];
extern const struct test_case rewrite_tests[];
extern const struct test_case learn_tests[];
extern const struct test_case select_tests[];

#endif
