/* bench_tok.c - single-thread tokenizer throughput of libterse.
 *
 *   bench_tok [--seconds S] [--tokenizer NAME]... FILE...
 *   bench_tok [--seconds S] --compress LEVEL... FILE...
 *
 * For each file and tokenizer, counts the file's tokens repeatedly for at
 * least S seconds (default 1) after one warm-up run and prints one JSON
 * object per line: {"impl":"terse","tokenizer":...,"corpus":...,
 * "bytes":...,"tokens":...,"mbps":...} with the best run's MB/s (10^6
 * bytes per second), the figure bench/run.sh compares with the peers.
 * With --compress, it times terse_compress at each LEVEL (o200k) instead:
 * {"impl":"terse-compress","level":...,"corpus":...,"bytes":...,
 * "tokens_in":...,"tokens_out":...,"mbps":...}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/support/slurp.h"
#include "terse.h"


static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *names[8], *levels[5];
    int n_names = 0, n_levels = 0, i, j;
    double seconds = 1.0;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--tokenizer") == 0 && i + 1 < argc && n_names < 8)
            names[n_names++] = argv[++i];
        else if (strcmp(argv[i], "--compress") == 0 && i + 1 < argc && n_levels < 5 &&
                 (terse_level_parse(argv[i + 1]) >= 0 || strcmp(argv[i + 1], "max-rules") == 0))
            levels[n_levels++] = argv[++i];
        else {
            fprintf(stderr, "usage: bench_tok [--seconds S] [--tokenizer NAME | --compress LEVEL]... FILE...\n");
            return 1;
        }
    }
    if (n_names == 0 && n_levels == 0)
        names[n_names++] = "o200k";
    for (; i < argc; i++) {
        size_t len;
        char *text = slurp(argv[i], &len);
        const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        if (!text) {
            fprintf(stderr, "bench_tok: cannot read %s\n", argv[i]);
            return 1;
        }
        for (j = 0; j < n_levels; j++) {
            terse_options o;
            terse_ctx *c;
            terse_result r;
            double best = 1e30, start;
            int runs = 0;
            size_t tin = 0, tout = 0;
            terse_options_init(&o);
            o.level = terse_level_parse(levels[j]);
            if (strcmp(levels[j], "max-rules") == 0) { /* max without the word model */
                o.level = TERSE_LEVEL_MAX;
                o.word_model_off = 1;
            }
            c = terse_ctx_new(&o, NULL);
            if (!c || terse_compress(c, text, len, &r) != TERSE_OK) {
                fprintf(stderr, "bench_tok: compress failed\n");
                return 1;
            }
            terse_result_free(&r);
            start = now();
            while (runs < 3 || now() - start < seconds) {
                double t0 = now(), dt;
                if (terse_compress(c, text, len, &r) != TERSE_OK) {
                    fprintf(stderr, "bench_tok: compress failed\n");
                    return 1;
                }
                dt = now() - t0;
                tin = r.tokens_in;
                tout = r.tokens_out;
                terse_result_free(&r);
                if (dt < best)
                    best = dt;
                runs++;
            }
            terse_ctx_free(c);
            printf("{\"impl\":\"terse-compress\",\"level\":\"%s\",\"corpus\":\"%s\",\"bytes\":%zu,"
                   "\"tokens_in\":%zu,\"tokens_out\":%zu,\"mbps\":%.2f}\n",
                   levels[j], base, len, tin, tout, (double)len / best / 1e6);
            fflush(stdout);
        }
        if (n_levels && !n_names) {
            free(text);
            continue;
        }
        for (j = 0; j < n_names; j++) {
            const terse_tokenizer *t = terse_tokenizer_find(names[j]);
            size_t count = 0;
            double best = 1e30, start;
            int runs = 0;
            if (!t) {
                fprintf(stderr, "bench_tok: unknown tokenizer %s\n", names[j]);
                return 1;
            }
            terse_count(t, text, len, 0, &count); /* warm-up */
            start = now();
            while (runs < 3 || now() - start < seconds) {
                double t0 = now(), dt;
                if (terse_count(t, text, len, 0, &count) != TERSE_OK) {
                    fprintf(stderr, "bench_tok: count failed\n");
                    return 1;
                }
                dt = now() - t0;
                if (dt < best)
                    best = dt;
                runs++;
            }
            printf("{\"impl\":\"terse\",\"tokenizer\":\"%s\",\"corpus\":\"%s\",\"bytes\":%zu,"
                   "\"tokens\":%zu,\"mbps\":%.2f}\n",
                   terse_tokenizer_name(t), base, len, count, (double)len / best / 1e6);
            fflush(stdout);
        }
        free(text);
    }
    return 0;
}
