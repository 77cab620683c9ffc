/* bench_json.c - tokens and speed of terse's JSON encoding against minified
 * JSON and TOON; run by bench/structured.sh (`make bench`).
 *
 *   build/bench_json [--speed SECONDS] < MANIFEST
 *
 * MANIFEST lines are "corpus<TAB>json path<TAB>toon path". For each
 * document prints one JSON line: the o200k tokens of minified JSON
 * (terse_compress at exact), of the TOON text, and of terse_compress at
 * safe, and whether terse_expand gives back the same value (json_equal).
 * With --speed, also times terse_compress at safe (type json, o200k) over
 * all documents of the corpus "generated", single thread, best of several
 * runs each at least SECONDS long, and prints MB/s (10^6 input bytes per
 * second).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/common/buf.h"
#include "../lib/common/json.h"
#include "terse.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    struct buf b = {0};
    char chunk[65536];
    size_t got;
    if (!f)
        return NULL;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, got);
    fclose(f);
    return buf_take(&b, n);
}

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

int main(int argc, char **argv)
{
    terse_ctx *exact = ctx_at(TERSE_LEVEL_EXACT), *safe = ctx_at(TERSE_LEVEL_SAFE);
    const terse_tokenizer *tok = terse_tokenizer_find("o200k");
    double speed_secs = 0, best = 0;
    char line[8192];
    struct buf gen = {0}; /* the "generated" documents, for timing: NUL-separated */
    size_t gen_docs = 0, gen_bytes = 0;
    if (argc == 3 && strcmp(argv[1], "--speed") == 0)
        speed_secs = atof(argv[2]);
    if (!exact || !safe)
        return 2;
    while (fgets(line, sizeof line, stdin)) {
        char *corpus = strtok(line, "\t\n"), *jp = strtok(NULL, "\t\n"), *tp = strtok(NULL, "\t\n");
        size_t jn, tn, toon_tokens = 0;
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
        int run;
        for (run = 0; run < 3; run++) {
            double t0 = now(), el;
            size_t bytes = 0;
            do {
                size_t off = 0, k;
                for (k = 0; k < gen_docs; k++) {
                    size_t n = strlen(gen.p + off);
                    terse_result r;
                    if (terse_compress(safe, gen.p + off, n, &r) != TERSE_OK)
                        return 1;
                    terse_result_free(&r);
                    bytes += n;
                    off += n + 1;
                }
                el = now() - t0;
            } while (el < speed_secs);
            if ((double)bytes / el / 1e6 > best)
                best = (double)bytes / el / 1e6;
        }
        printf("{\"kind\":\"json-speed\",\"corpus\":\"generated\",\"bytes\":%zu,\"mb_per_s\":%.1f}\n",
               gen_bytes, best);
    }
    buf_free(&gen);
    terse_ctx_free(exact);
    terse_ctx_free(safe);
    return 0;
}
