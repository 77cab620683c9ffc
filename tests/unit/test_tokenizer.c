/* test_tokenizer.c - the tokenizer API: lookup, counting, encoding,
 * decoding, special tokens, bad input, long runs and threads. Exactness
 * against the reference implementations is tested by tests/ref. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/common/buf.h"
#include "../../lib/tokenize/tokenizer.h"
#include "check.h"
#include "terse.h"

static const terse_tokenizer *tok(const char *name)
{
    const terse_tokenizer *t = terse_tokenizer_find(name);
    if (!t) {
        printf("#   no tokenizer %s\n", name);
        exit(1);
    }
    return t;
}

/* Encodes s and compares with the ids in want (terminated by UINT32_MAX). */
static int encodes_to(const char *name, const char *s, unsigned flags, const uint32_t *want)
{
    uint32_t *ids;
    size_t n, i, count;
    int ok = 1;
    if (terse_encode(tok(name), s, strlen(s), flags, &ids, &n) != TERSE_OK)
        return 0;
    for (i = 0; i < n && want[i] != UINT32_MAX; i++)
        ok &= ids[i] == want[i];
    ok &= i == n && want[i] == UINT32_MAX;
    ok &= terse_count(tok(name), s, strlen(s), flags, &count) == TERSE_OK && count == n;
    if (!ok) {
        printf("#   %s(%s):", name, s);
        for (i = 0; i < n; i++)
            printf(" %u", ids[i]);
        printf("\n");
    }
    terse_free(ids);
    return ok;
}

#define END UINT32_MAX

static void test_lookup(void)
{
    static const struct {
        const char *name, *want;
    } cases[] = {
        {"o200k", "o200k"}, {"O200K", "o200k"}, {"o200k_base", "o200k"}, {"cl100k_base", "cl100k"},
        {"gpt-4o", "o200k"}, {"gpt-4o-mini", "o200k"}, {"gpt-4.1", "o200k"},
        {"gpt-4.1-nano", "o200k"}, {"gpt-5", "o200k"}, {"gpt-5-mini", "o200k"}, {"o3", "o200k"},
        {"o1-preview", "o200k"}, {"o4-mini", "o200k"}, {"openai/gpt-4o", "o200k"},
        {"gpt-4", "cl100k"}, {"gpt-4-turbo", "cl100k"}, {"gpt-4-0613", "cl100k"},
        {"gpt-3.5-turbo", "cl100k"}, {"text-embedding-3-small", "cl100k"},
        {"gemini-2.5-pro", "gemma3"}, {"gemini-2.0-flash", "gemma3"}, {"gemma-3-27b-it", "gemma3"},
        {"google/gemini-2.5-flash", "gemma3"}, {"claude-sonnet-4", "claude"},
        {"claude-3-5-haiku-20241022", "claude"}, {"Claude-Opus-4-1", "claude"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const terse_tokenizer *t = terse_tokenizer_find(cases[i].name);
        if (!t || strcmp(terse_tokenizer_name(t), cases[i].want) != 0) {
            printf("#   %s -> %s, expected %s\n", cases[i].name, t ? terse_tokenizer_name(t) : "NULL",
                   cases[i].want);
            CHECK(0);
        }
    }
    CHECK(terse_tokenizer_find("gpt-4oops") == NULL);
    CHECK(terse_tokenizer_find("o10") == NULL);
    CHECK(terse_tokenizer_find("llama-3") == NULL);
    CHECK(terse_tokenizer_find("gemini-1.5-pro") == NULL); /* another vocabulary */
    CHECK(terse_tokenizer_find("") == NULL);
    CHECK(terse_tokenizer_find(NULL) == NULL);
    CHECK(terse_tokenizer_is_exact(tok("o200k")) && terse_tokenizer_is_exact(tok("gemma3")));
    CHECK(!terse_tokenizer_is_exact(tok("claude")));
    CHECK(terse_tokenizer_at(4) == NULL && terse_tokenizer_at(0) == tok("o200k"));
    CHECK(terse_tokenizer_vocab_size(tok("o200k")) == 200019);
    CHECK(terse_tokenizer_vocab_size(tok("cl100k")) == 100277);
    CHECK(terse_tokenizer_vocab_size(tok("gemma3")) == 262145);
}

static void test_known_ids(void)
{
    /* ids as produced by the reference implementations */
    static const uint32_t o1[] = {24912, 2375, END}, c1[] = {15339, 1917, END},
                          g1[] = {23391, 1902, END}, a1[] = {9381, 2253, END};
    static const uint32_t o2[] = {15390, 4128, 58527, 2699, 31233, 220, 1215, 279, 220, 342, END};
    CHECK(encodes_to("o200k", "hello world", 0, o1));
    CHECK(encodes_to("cl100k", "hello world", 0, c1));
    CHECK(encodes_to("gemma3", "hello world", 0, g1));
    CHECK(encodes_to("claude", "hello world", 0, a1));
    CHECK(encodes_to("o200k", "I'm don't HELLO'S  x\n\n  y", 0, o2));
}

static void test_empty_and_bad_args(void)
{
    size_t n = 99, i;
    uint32_t *ids = (uint32_t *)&n;
    char *text;
    const terse_tokenizer *t;
    for (i = 0; (t = terse_tokenizer_at(i)) != NULL; i++) {
        CHECK(terse_count(t, "", 0, 0, &n) == TERSE_OK && n == 0);
        CHECK(terse_count(t, NULL, 0, 0, &n) == TERSE_OK && n == 0);
        CHECK(terse_encode(t, "", 0, 0, &ids, &n) == TERSE_OK && n == 0 && ids == NULL);
        CHECK(terse_decode(t, NULL, 0, &text, &n) == TERSE_OK && n == 0 && text && !*text);
        terse_free(text);
    }
    t = tok("o200k");
    CHECK(terse_count(NULL, "a", 1, 0, &n) == TERSE_EINVAL);
    CHECK(terse_count(t, NULL, 1, 0, &n) == TERSE_EINVAL);
    CHECK(terse_count(t, "a", 1, 0, NULL) == TERSE_EINVAL);
    CHECK(terse_count(t, "a", 1, 0x80, &n) == TERSE_EINVAL);
    CHECK(terse_encode(t, "a", 1, 0, NULL, &n) == TERSE_EINVAL);
    {
        uint32_t bad[] = {24912, 250000};
        CHECK(terse_decode(t, bad, 2, &text, &n) == TERSE_ERANGE && text == NULL);
        bad[1] = 199998; /* a gap in o200k's ranks */
        CHECK(terse_decode(t, bad, 2, &text, &n) == TERSE_ERANGE);
    }
    CHECK(strcmp(terse_strerror(TERSE_ERANGE), "token id not in the tokenizer's vocabulary") == 0);
    CHECK(strcmp(terse_version(), TERSE_VERSION_STRING) == 0);
}

static void test_special_tokens(void)
{
    static const uint32_t o_plain[] = {27, 91, 419, 1440, 919, 91, 29, 5911, END};
    static const uint32_t o_special[] = {199999, 5911, END};
    static const uint32_t c_special[] = {100257, 15960, END};
    static const uint32_t g_plain[] = {236820, 3041, 236779, 1340, 236779, 887, 236813, 2364, END};
    static const uint32_t g_special[] = {105, 2364, END};
    char *text;
    size_t n;
    CHECK(encodes_to("o200k", "<|endoftext|> hi", 0, o_plain));
    CHECK(encodes_to("o200k", "<|endoftext|> hi", TERSE_TOKENS_SPECIAL, o_special));
    CHECK(encodes_to("cl100k", "<|endoftext|> hi", TERSE_TOKENS_SPECIAL, c_special));
    CHECK(encodes_to("gemma3", "<start_of_turn>user", 0, g_plain));
    CHECK(encodes_to("gemma3", "<start_of_turn>user", TERSE_TOKENS_SPECIAL, g_special));
    CHECK(terse_decode(tok("o200k"), o_special, 2, &text, &n) == TERSE_OK &&
          strcmp(text, "<|endoftext|> hi") == 0);
    terse_free(text);
}

static void test_invalid_utf8_rule(void)
{
    /* invalid input tokenizes exactly as its WHATWG-repaired form */
    static const char bad[] = "a\xFF" "b\xE2\x82" " c\xC0\x80";
    static const char fixed[] = "a\xEF\xBF\xBD" "b\xEF\xBF\xBD c\xEF\xBF\xBD\xEF\xBF\xBD";
    const terse_tokenizer *t;
    size_t i;
    for (i = 0; (t = terse_tokenizer_at(i)) != NULL; i++) {
        uint32_t *a, *b;
        size_t na, nb;
        CHECK(terse_encode(t, bad, sizeof bad - 1, 0, &a, &na) == TERSE_OK);
        CHECK(terse_encode(t, fixed, sizeof fixed - 1, 0, &b, &nb) == TERSE_OK);
        CHECK(na == nb && memcmp(a, b, na * 4) == 0);
        terse_free(a);
        terse_free(b);
    }
}

/* A long run of one character is one piece (o200k) or one word (gemma3):
 * it goes through the heap-based merge. Decoding must give it back. */
static void test_long_runs(void)
{
    static const char *chars[] = {"a", " ", "\n", "7", "\xE2\x96\x81", "\xF0\x9F\x98\x80", ".", "ab"};
    const terse_tokenizer *t;
    size_t i, c, len = 300000;
    char *buf = malloc(len + 8);
    for (c = 0; c < sizeof chars / sizeof chars[0]; c++) {
        size_t cl = strlen(chars[c]), n = 0;
        for (n = 0; n + cl <= len; n += cl)
            memcpy(buf + n, chars[c], cl);
        for (i = 0; (t = terse_tokenizer_at(i)) != NULL; i++) {
            uint32_t *ids;
            size_t nids, count, blen;
            char *back;
            CHECK(terse_encode(t, buf, n, 0, &ids, &nids) == TERSE_OK);
            CHECK(terse_count(t, buf, n, 0, &count) == TERSE_OK && count == nids);
            CHECK(nids > 0 && nids <= n);
            /* claude decodes to the NFKC form; gemma3 reads U+2581 as a space */
            if (strcmp(terse_tokenizer_name(t), "claude") != 0 &&
                !(c == 4 && strcmp(terse_tokenizer_name(t), "gemma3") == 0)) {
                int same = terse_decode(t, ids, nids, &back, &blen) == TERSE_OK && blen == n &&
                           memcmp(back, buf, n) == 0;
                if (!same)
                    printf("#   %s: run of '%s' does not round-trip (%zu bytes back of %zu)\n",
                           terse_tokenizer_name(t), chars[c], blen, n);
                CHECK(same);
                terse_free(back);
            }
            terse_free(ids);
        }
    }
    free(buf);
}

struct thread_arg {
    const terse_tokenizer *t;
    const char *text;
    size_t len;
    uint32_t *ids;
    size_t n;
};

static void *encode_thread(void *p)
{
    struct thread_arg *a = p;
    size_t r;
    for (r = 0; r < 20; r++) {
        terse_free(a->ids);
        if (terse_encode(a->t, a->text, a->len, 0, &a->ids, &a->n) != TERSE_OK)
            a->n = 0;
    }
    return NULL;
}

/* One tokenizer used from several threads gives the same ids as one thread. */
static void test_threads(void)
{
    static const char text[] = "Threads share the immutable vocabularies: \xE2\x96\x81 <table> 12345 "
                               "don't STOP\n\n\tnow. \xF0\x9F\x98\x80 caf\xC3\xA9";
    const terse_tokenizer *t;
    size_t i, j;
    for (i = 0; (t = terse_tokenizer_at(i)) != NULL; i++) {
        pthread_t th[4];
        struct thread_arg a[4];
        uint32_t *want;
        size_t nwant;
        CHECK(terse_encode(t, text, sizeof text - 1, 0, &want, &nwant) == TERSE_OK);
        for (j = 0; j < 4; j++) {
            a[j].t = t;
            a[j].text = text;
            a[j].len = sizeof text - 1;
            a[j].ids = NULL;
            a[j].n = 0;
            CHECK(pthread_create(&th[j], NULL, encode_thread, &a[j]) == 0);
        }
        for (j = 0; j < 4; j++) {
            pthread_join(th[j], NULL);
            CHECK(a[j].n == nwant && memcmp(a[j].ids, want, nwant * 4) == 0);
            terse_free(a[j].ids);
        }
        terse_free(want);
    }
}

static void test_claude_nfkc(void)
{
    /* the Claude estimate counts the NFKC form, as @anthropic-ai/tokenizer does */
    uint32_t *a, *b;
    size_t na, nb;
    const terse_tokenizer *t = tok("claude");
    CHECK(terse_encode(t, "\xEF\xAC\x81le \xE2\x91\xA0", 9, 0, &a, &na) == TERSE_OK); /* "ﬁle ①" */
    CHECK(terse_encode(t, "file 1", 6, 0, &b, &nb) == TERSE_OK);
    CHECK(na == nb && memcmp(a, b, na * 4) == 0);
    terse_free(a);
    terse_free(b);
    /* an ASCII letter composes with the combining mark after it: "cafe" +
     * U+0301 is "café"; ASCII around non-ASCII runs is left as it is */
    CHECK(terse_encode(t, "cafe\xCC\x81 and more", 15, 0, &a, &na) == TERSE_OK);
    CHECK(terse_encode(t, "caf\xC3\xA9 and more", 14, 0, &b, &nb) == TERSE_OK);
    CHECK(na == nb && memcmp(a, b, na * 4) == 0);
    terse_free(a);
    terse_free(b);
}

/* A counter keeps its piece cache from one text to the next: every count
 * must still be what terse_count says, for texts of the same words, of
 * other words, shorter and longer than the first, on every tokenizer. */
static void test_counter_reuse(void)
{
    struct buf big = {0};
    const char *texts[4];
    size_t lens[4], i, k;
    for (i = 0; i < 400; i++) {
        char line[160];
        int m = snprintf(line, sizeof line, "Line %zu: the checkout service failed over, retrying "
                         "connection #%zu to db-%zu.internal after %zu ms; naïve café \xE2\x96\x81 ok.\n",
                         i, i * 7, i % 13, i * 3 + 1);
        buf_add(&big, line, (size_t)m);
    }
    CHECK(!big.oom);
    texts[0] = big.p;
    lens[0] = big.len;
    texts[1] = "the checkout service failed over, retrying connection";
    lens[1] = strlen(texts[1]);
    texts[2] = "Entirely different words: zebra quartz xylophone 12345 \xF0\x9F\x98\x80";
    lens[2] = strlen(texts[2]);
    texts[3] = big.p + 1000;
    lens[3] = big.len - 2000;
    for (k = 0; terse_tokenizer_at(k); k++) {
        const terse_tokenizer *t = terse_tokenizer_at(k);
        struct tok_counter c;
        tok_counter_init(&c, t);
        for (i = 0; i < 4; i++) {
            size_t a = 0, b = 1;
            CHECK(terse_count(t, texts[i], lens[i], 0, &a) == TERSE_OK);
            CHECK(tok_counter_count(&c, texts[i], lens[i], &b) == TERSE_OK);
            CHECK(a == b);
        }
        tok_counter_free(&c);
    }
    buf_free(&big);
}

/* tok_counter_keep: a kept text's count is the whole text's, and a later
 * text made of its lines (with other text between them, as an encoding
 * writes them) counts exactly what terse_count says, on every tokenizer,
 * for random texts of the pieces where the pre-tokenizers' rules meet:
 * line feeds after letters, digits, punctuation and blanks; blanks, '/'
 * and CRs after line feeds; blank lines; non-ASCII letters and white
 * space (U+00A0, U+2028, U+3000); invalid UTF-8. */
static void test_counter_lines(void)
{
    static const char *const parts[] = {
        "a", "Zed", "word", "12", "3456", "/", "//", "./x", "/usr/lib", " ", "  ", "\t", ".", ":", "-", "+", "'s",
        "x's", "\xC3\xA9t\xC3\xA9", "\xC2\xA0", "\xE2\x80\xA8", "\xE3\x80\x80", "\r", "\n", "\n", "\n", "\n\n",
        " \n", "\t\n", "x/\n", ";\n", "\n/", "\n ", "\n  /", "\n\t", "\n+", "\n-", "\n@", "\n ~", "(", "\r\n",
        "\xE6\x97\xA5", ")\n", "!!", "  -rw-r--r--  1 root root 12 Jan 01 a.txt\n", "diff --git a/x b/x\n",
    };
    const size_t np = sizeof parts / sizeof parts[0];
    unsigned long long r = 88172645463325252ull;
    size_t k, round, kept = 0, checked = 0;
    for (k = 0; terse_tokenizer_at(k); k++) {
        const terse_tokenizer *t = terse_tokenizer_at(k);
        for (round = 0; round < 300; round++) {
            struct buf a = {0}, b = {0};
            struct tok_counter c;
            size_t i, whole = 0, got = 1, nlines = 0, starts[400] = {0};
            for (i = 0; i < 120; i++) {
                r ^= r << 13, r ^= r >> 7, r ^= r << 17;
                buf_adds(&a, parts[r % np]);
                if (round % 10 == 9 && i == 60)
                    buf_adds(&a, "\xFF"); /* repaired: nothing kept, lines looked up */
            }
            /* b: lines of a (each from after a line feed to its next one),
             * in a random order, and parts between some of them */
            for (i = 0; i < a.len && nlines < 400; i++)
                if (i == 0 || a.p[i - 1] == '\n')
                    starts[nlines++] = i;
            for (i = 0; i < 60 && nlines; i++) {
                size_t at, e;
                r ^= r << 13, r ^= r >> 7, r ^= r << 17;
                at = starts[r % nlines];
                for (e = at; e < a.len && a.p[e] != '\n'; e++)
                    ;
                while (e < a.len && a.p[e] == '\n')
                    e++;
                buf_add(&b, a.p + at, e - at);
                if (r >> 40 & 1)
                    buf_adds(&b, parts[(r >> 20) % np]);
            }
            CHECK(!a.oom && !b.oom);
            tok_counter_init(&c, t);
            CHECK(terse_count(t, a.p, a.len, 0, &whole) == TERSE_OK);
            CHECK(tok_counter_keep(&c, a.p, a.len, &got) == TERSE_OK);
            if (got != whole) {
                CHECK(!"a kept text's count differs");
                printf("#   %s: %zu, whole %zu: %.*s\n", terse_tokenizer_name(t), got, whole, (int)a.len, a.p);
            }
            kept += c.n_spans;
            CHECK(terse_count(t, b.p ? b.p : "", b.len, 0, &whole) == TERSE_OK);
            CHECK(tok_counter_count(&c, b.p ? b.p : "", b.len, &got) == TERSE_OK);
            if (got != whole) {
                CHECK(!"a text of kept lines counts differently");
                printf("#   %s: %zu, whole %zu: %.*s\n", terse_tokenizer_name(t), got, whole, (int)b.len, b.p);
            }
            checked++;
            tok_counter_free(&c);
            buf_free(&a);
            buf_free(&b);
        }
    }
    CHECK(checked > 1000 && kept > 2000); /* lines were kept and reused, not only refused */
    printf("#   %zu texts, %zu lines kept\n", checked, kept);
}

/* terse_count_cut: for every length L of a prefix (so a block read may end
 * anywhere: inside a multi-byte character, a run of white space, a special
 * token), the cut p it gives splits the text into two parts whose counts
 * add up to the whole text's, on every tokenizer, with and without special
 * tokens. `terse count` reads in blocks cut this way (issue 13). */
static size_t count_of(const terse_tokenizer *t, const char *s, size_t n, unsigned flags)
{
    size_t c = 0;
    CHECK(terse_count(t, s, n, flags, &c) == TERSE_OK);
    return c;
}

static void check_cuts(const terse_tokenizer *t, const char *s, size_t n, unsigned flags, size_t step,
                       size_t *cuts)
{
    size_t whole = count_of(t, s, n, flags), L;
    for (L = 1; L <= n; L += step) {
        size_t p = terse_count_cut(t, s, L, flags);
        if (!p)
            continue;
        CHECK(p < L);
        if (count_of(t, s, p, flags) + count_of(t, s + p, n - p, flags) != whole) {
            CHECK(!"a cut changes the count");
            printf("#   %s flags %u: cut at %zu of %zu (prefix %zu): %.*s|%.*s\n", terse_tokenizer_name(t), flags, p, n, L,
                   (int)p, s, (int)(n - p), s + p);
            return;
        }
        (*cuts)++;
    }
}

static void test_count_cut(void)
{
    static const char *const texts[] = {
        "The cat sat.\nThe dog ran   away\n\n\n  Then it came back.\nA b c d e f 12 345\n6789 x",
        "caf\xC3\xA9 na\xC3\xAFve r\xC3\xA9sum\xC3\xA9\nE\xCC\201cole \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E text\n\xF0\x9F\x98\x80 smile and\nmore words here \xEF\xBC\xA1 full width\nok",
        "<start_of_turn>user\nHello there<end_of_turn>\n<|endoftext|>\nword <|im_start|>a b\nx<start_of_turn>model\nYes it is\n",
        "a\t\tb  c\n\tD\r\nE \n F\n\n\nG h i j\u2003k l\n\xE2\x80\x83m n o\n",
        "int main(void) {\n    return x + 1;\n}\nfoo/bar baz\n/usr/lib a\n.\nA.\nB 'll x's\nit's ok\n",
        "bad \xFF\xFE utf8\n\xC3 here a b\nAnd\xE2\x82 more a b c\n",
    };
    static const char *const names[] = {"o200k", "cl100k", "gemma3", "claude"};
    size_t i, k, cuts = 0;
    unsigned f;
    for (k = 0; k < 4; k++)
        for (f = 0; f <= TERSE_TOKENS_SPECIAL; f++)
            for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
                check_cuts(tok(names[k]), texts[i], strlen(texts[i]), f, 1, &cuts);
    CHECK(cuts > 1000); /* the cuts were found, not only refused */
    {
        /* real text, when the machine has it */
        FILE *fp = fopen("/usr/share/common-licenses/GPL-3", "rb");
        if (fp) {
            char *buf = malloc(40000);
            size_t n = buf ? fread(buf, 1, 40000, fp) : 0;
            for (k = 0; k < 4 && n; k++)
                check_cuts(tok(names[k]), buf, n, 0, 997, &cuts);
            free(buf);
            fclose(fp);
        }
    }
    CHECK(terse_count_cut(tok("o200k"), "abc", 3, 0) == 0);
    CHECK(terse_count_cut(tok("o200k"), "a\nb", 3, 0) == 2);
    CHECK(terse_count_cut(NULL, "a\nb", 3, 0) == 0);
}

const struct test_case tokenizer_tests[] = {
    {"tokenizer: lookup by name and model", test_lookup},
    {"tokenizer: known ids", test_known_ids},
    {"tokenizer: empty input and bad arguments", test_empty_and_bad_args},
    {"tokenizer: special tokens are text unless asked", test_special_tokens},
    {"tokenizer: invalid UTF-8 reads as U+FFFD", test_invalid_utf8_rule},
    {"tokenizer: long runs of one character", test_long_runs},
    {"tokenizer: thread safety", test_threads},
    {"tokenizer: claude reads NFKC", test_claude_nfkc},
    {"tokenizer: a counter's cache serves later texts exactly", test_counter_reuse},
    {"tokenizer: counting in pieces cut by terse_count_cut gives the whole count", test_count_cut},
    {"tokenizer: a counter's kept lines count later texts exactly", test_counter_lines},
    {NULL, NULL},
};
