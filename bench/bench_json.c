/* bench_json.c - tokens and speed of terse's JSON encoding against minified
 * JSON and TOON; run by bench/structured.sh (`make bench`).
 *
 *   build/bench_json [--speed SECONDS] [--level L] < MANIFEST
 *   build/bench_json --log FILE...
 *
 * MANIFEST lines are "corpus<TAB>json path<TAB>toon path". For each
 * document prints one JSON line: the o200k tokens of minified JSON
 * (terse_compress at exact), of the TOON text, and of terse_compress at
 * safe (or level L: balanced, max), and whether terse_expand gives back
 * the same value (json_equal; above safe the value may be cut, and
 * "roundtrip" is then only informative).
 * With --speed, also times terse_compress at safe (type json, o200k) over
 * all documents of the corpus "generated", single thread, best of several
 * runs each at least SECONDS long, and prints MB/s (10^6 input bytes per
 * second).
 *
 * With --log, compresses each FILE as a log at safe and prints its bytes,
 * tokens before and after, and whether terse_expand gives back every byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/common/buf.h"
#include "../lib/common/json.h"
#include "../tests/support/slurp.h"
#include "terse.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static terse_ctx *ctx_at(int level)
{
    terse_options o;
    terse_options_init(&o);
    o.type = TERSE_TYPE_JSON;
    o.level = level;
    return terse_ctx_new(&o, NULL);
}

/* Returns 1 if expanding enc gives back the value of the JSON text j. */
static int same_value(const char *j, size_t jn, const char *enc, size_t en)
{
    char *out = NULL;
    size_t out_len;
    struct json_doc *a = json_parse(j, jn, NULL), *b = NULL;
    int ok = 0;
    if (a && terse_expand(enc, en, TERSE_TYPE_JSON, &out, &out_len, NULL, 0) == TERSE_OK &&
        (b = json_parse(out, out_len, NULL)) != NULL)
        ok = json_equal(json_root(a), json_root(b));
    json_doc_free(a);
    json_doc_free(b);
    terse_free(out);
    return ok;
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

/* The --log mode: one JSON line per file. */
static int logs(int argc, char **argv)
{
    terse_options o;
    terse_ctx *c;
    int i;
    terse_options_init(&o);
    o.type = TERSE_TYPE_LOG;
    o.level = TERSE_LEVEL_SAFE;
    c = terse_ctx_new(&o, NULL);
    if (!c)
        return 2;
    for (i = 2; i < argc; i++) {
        size_t n, out_len;
        char *text = slurp(argv[i], &n), *out = NULL;
        terse_result r;
        int same;
        if (!text || terse_compress(c, text, n, &r) != TERSE_OK) {
            fprintf(stderr, "bench_json: cannot read or compress %s\n", argv[i]);
            return 1;
        }
        same = terse_expand(r.text, r.len, TERSE_TYPE_LOG, &out, &out_len, NULL, 0) == TERSE_OK &&
               out_len == n && memcmp(out, text, n) == 0;
        printf("{\"kind\":\"log\",\"file\":");
        json_str(argv[i]);
        printf(",\"bytes\":%zu,\"tokens_in\":%zu,\"tokens_out\":%zu,\"roundtrip\":%s}\n", n,
               r.tokens_in, r.tokens_out, same ? "true" : "false");
        terse_result_free(&r);
        terse_free(out);
        free(text);
    }
    terse_ctx_free(c);
    return 0;
}

int main(int argc, char **argv)
{
    terse_ctx *exact = ctx_at(TERSE_LEVEL_EXACT), *safe;
    const terse_tokenizer *tok = terse_tokenizer_find("o200k");
    double speed_secs = 0, best = 0;
    char line[8192];
    struct buf gen = {0}; /* the "generated" documents, for timing: NUL-separated */
    size_t gen_docs = 0, gen_bytes = 0;
    int level = TERSE_LEVEL_SAFE, a;
    if (argc >= 2 && strcmp(argv[1], "--log") == 0) {
        terse_ctx_free(exact);
        return logs(argc, argv);
    }
    for (a = 1; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "--speed") == 0) {
            speed_secs = atof(argv[a + 1]);
        } else if (strcmp(argv[a], "--level") == 0 && terse_level_parse(argv[a + 1]) >= 0) {
            level = terse_level_parse(argv[a + 1]);
        } else {
            fprintf(stderr, "usage: bench_json [--speed SECONDS] [--level L] < MANIFEST\n");
            terse_ctx_free(exact);
            return 2;
        }
    }
    safe = ctx_at(level);
    if (!exact || !safe)
        return 2;
    while (fgets(line, sizeof line, stdin)) {
        char *corpus = strtok(line, "\t\n"), *jp = strtok(NULL, "\t\n"), *tp = strtok(NULL, "\t\n");
        size_t jn = 0, tn = 0, toon_tokens = 0;
        char *j, *t;
        terse_result rx, rs;
        if (!corpus || !jp || !tp)
            continue;
        j = slurp(jp, &jn);
        t = slurp(tp, &tn);
        if (!j || !t || terse_compress(exact, j, jn, &rx) != TERSE_OK) {
            fprintf(stderr, "bench_json: cannot read or compress %s\n", jp);
            return 1;
        }
        if (terse_compress(safe, j, jn, &rs) != TERSE_OK) {
            fprintf(stderr, "bench_json: cannot compress %s\n", jp);
            return 1;
        }
        terse_count(tok, t, tn, 0, &toon_tokens);
        printf("{\"kind\":\"json\",\"corpus\":");
        json_str(corpus);
        printf(",\"file\":");
        json_str(jp);
        printf(",\"bytes\":%zu,\"minified\":%zu,\"toon\":%zu,\"terse\":%zu,\"roundtrip\":%s}\n", jn,
               rx.tokens_out, toon_tokens, rs.tokens_out,
               same_value(j, jn, rs.text, rs.len) ? "true" : "false");
        if (strcmp(corpus, "generated") == 0) {
            buf_add(&gen, j, jn + 1);
            gen_docs++;
            gen_bytes += jn;
        }
        terse_result_free(&rx);
        terse_result_free(&rs);
        free(j);
        free(t);
    }
    if (speed_secs > 0 && gen_docs) {
        /* terse_compress timed alone; in the same loop, the two exact
         * counts it reports (tokens_in of the input, tokens_out of the
         * output) timed on their own, for their share */
        int run;
        double share = 0;
        for (run = 0; run < 3; run++) {
            double t0 = now(), tc = 0, tk = 0;
            size_t bytes = 0;
            do {
                size_t off = 0, k, c;
                for (k = 0; k < gen_docs; k++) {
                    size_t n = strlen(gen.p + off);
                    terse_result r;
                    double a0 = now(), a1, a2;
                    if (terse_compress(safe, gen.p + off, n, &r) != TERSE_OK)
                        return 1;
                    a1 = now();
                    terse_count(tok, gen.p + off, n, 0, &c);
                    terse_count(tok, r.text, r.len, 0, &c);
                    a2 = now();
                    tc += a1 - a0;
                    tk += a2 - a1;
                    terse_result_free(&r);
                    bytes += n;
                    off += n + 1;
                }
            } while (now() - t0 < speed_secs);
            if ((double)bytes / tc / 1e6 > best) {
                best = (double)bytes / tc / 1e6;
                share = tk / tc;
            }
        }
        printf("{\"kind\":\"json-speed\",\"corpus\":\"generated\",\"bytes\":%zu,\"mb_per_s\":%.1f,"
               "\"count_share\":%.3f}\n",
               gen_bytes, best, share);
    }
    buf_free(&gen);
    terse_ctx_free(exact);
    terse_ctx_free(safe);
    return 0;
}
