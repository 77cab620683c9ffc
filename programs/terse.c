/* terse.c - the terse command-line program.
 *
 *   terse compress   [FILE...|-] [--level L] [--type T] [--lang LANG] [--query TEXT] [--budget N]
 *                    [--tokenizer NAME | --model MODEL] [--stats] [--json]
 *                    [-o DIR | --suffix SUF] [-r] [--jsonl] [-T N]   (batch.c)
 *   terse count      [FILE|-] [--tokenizer NAME|all | --model MODEL] [--special] [--json] [--exact]
 *   terse tokenize   [FILE|-] (--tokenizer NAME | --model MODEL) [--special]
 *   terse detokenize [FILE|-] (--tokenizer NAME | --model MODEL)
 *   terse decode     [FILE|-] [--type auto|json|log|tool]
 *   terse tokenizers
 *   terse eval       [judge] ...   (eval/: reports over data sets, model judge)
 *
 * Exit status: 0 success, 1 bad input or usage (one line on stderr), 2 an
 * internal error (out of memory). See docs/cli.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "terse.h"
#include "../eval/eval.h"
#include "../lib/common/utf8.h"
#include "../lib/learn/model.h"
#include "../lib/learn/train.h"
#include "../proxy/proxy.h"
#include "batch.h"

#define EXIT_USAGE 1
#define EXIT_INTERNAL 2

static const char usage_text[] =
    "usage: terse <command> [options]\n"
    "\n"
    "commands:\n"
    "  compress [FILE...|-] [--level exact|safe|balanced|max]\n"
    "           [--type auto|prose|code|json|log|memory|chat|tool]\n"
    "           [--lang LANG] [--query TEXT] [--budget N] [--tokenizer NAME | --model MODEL]\n"
    "           [--stats] [--json] [--keep-recent N] [--compress-system]\n"
    "           [--backend URL [--backend-model NAME] [--backend-prompt FILE]]\n"
    "           [-o DIR | --suffix SUF] [-r] [--jsonl] [-T N]\n"
    "        compress the input for a model (default: balanced, o200k)\n"
    "  count [FILE|-] [--tokenizer NAME|all | --model MODEL] [--special] [--json] [--exact]\n"
    "        count tokens (default tokenizer: o200k); --exact with claude asks Anthropic's\n"
    "        count_tokens endpoint (ANTHROPIC_API_KEY), cached\n"
    "  tokenize [FILE|-] (--tokenizer NAME | --model MODEL) [--special]\n"
    "        print token ids, space-separated, on one line\n"
    "  detokenize [FILE|-] (--tokenizer NAME | --model MODEL)\n"
    "        turn space-separated token ids back into text\n"
    "  decode [FILE|-] [--type auto|json|log|tool]\n"
    "        turn compress output that is lossless (tabular JSON, JSON Lines, folded logs)\n"
    "        back into what it encodes\n"
    "  tokenizers\n"
    "        list the tokenizers and whether their counts are exact\n"
    "  train PAIRS.jsonl... -o MODEL [--valid FILE] [--threshold P] [--bits N] [--epochs N]\n"
    "           [--min-aligned F] [--code]\n"
    "        learn which words max may drop from (verbose, compressed) pairs\n"
    "        (docs/model-format.md); prints alignment and validation figures\n"
    "  eval [judge] ...\n"
    "        fidelity reports over data sets; with judge, ask models (terse eval --help)\n"
    "  proxy [--listen HOST:PORT] [--config FILE] [--log] ...\n"
    "        a compressing gateway for the OpenAI, Anthropic and Gemini APIs (terse proxy --help)\n"
    "\n"
    "options:\n"
    "  --tokenizer NAME  o200k, cl100k, gemma3, claude (an estimate), or all (count only)\n"
    "  --model MODEL     pick the tokenizer a model uses: gpt-4o, gpt-5, gpt-4,\n"
    "                    gemini-2.5-pro, claude-sonnet-4, ...\n"
    "  --special         read special tokens such as <|endoftext|> as special\n"
    "                    (by default they are plain text, as in API requests)\n"
    "  --json            write one JSON object to stdout\n"
    "  --level L         exact, safe, balanced (default) or max; with --budget, the highest\n"
    "                    level tried\n"
    "  --lang LANG       the language of code: python, javascript, typescript, tsx, c, cpp,\n"
    "                    go, rust, java, json, bash (default: from the file name or content)\n"
    "  --query TEXT      keep what is relevant to TEXT first\n"
    "  --budget N        at most N tokens, dropping the least relevant parts with markers\n"
    "  --keep-recent N   chat: leave the last N messages or turns untouched (default 0)\n"
    "  --compress-system chat: compress the system prompt too (by default it is kept as is)\n"
    "  --word-model FILE max: drop words by this model (from terse train) instead of the\n"
    "                    built-in one; none: by the rules alone\n"
    "  --stats           a one-line summary on stderr (batch: one per file, and a total)\n"
    "  -o DIR            batch: write each FILE's output to DIR/FILE (the path as given)\n"
    "  --suffix SUF      batch: write each FILE's output to FILE followed by SUF\n"
    "  -r                batch: compress the files under each directory FILE, recursively\n"
    "  --jsonl           batch: the input is JSON Lines, one {\"id\":..., \"text\":...} record\n"
    "                    a line (with options as fields); one JSON result a line out\n"
    "  -T N              batch: N threads (0: one per core; default 1); same output for any N\n"
    "  --backend URL     a model rewrites the prose, chunk by chunk, and terse checks each\n"
    "                    rewrite (docs/backend.md): URL is an OpenAI-compatible base such as\n"
    "                    http://127.0.0.1:8080/v1; key from TERSE_BACKEND_KEY\n"
    "  --backend-model NAME  the model to ask (default: \"default\")\n"
    "  --backend-prompt FILE the system prompt (default: the seed project's)\n"
    "  --backend-jobs N      concurrent requests (default 4)\n"
    "  --backend-timeout S   seconds per request (default 60)\n"
    "  --backend-retries N   retries on errors, 429 and 5xx (default 3)\n"
    "  --backend-chunk N     tokens per chunk at most (default 512)\n"
    "  --backend-no-cache    do not use the reply cache ($TERSE_CACHE)\n"
    "  -h, --help        show this help;  --version  show the version\n"
    "\n"
    "Reads FILE, or standard input when FILE is - or absent. compress takes several\n"
    "FILEs (their outputs go to stdout in order unless -o or --suffix is given); a\n"
    "failing file or record is reported and the rest go on; the exit status is 1\n"
    "when any failed.\n";

static int error_reported; /* fail() said why the program stops */

static _Noreturn void fail(int code, const char *fmt, ...)
{
    va_list ap;
    error_reported = 1;
    fputs("terse: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(code);
}

/* "1 segment", "2 segments": n and the noun in the right number (one of
 * up to 8 notes per message, each in its own static buffer). */
static const char *plural(size_t n, const char *one, const char *many)
{
    static char notes[8][64];
    static unsigned k;
    char *p = notes[k++ % 8];
    snprintf(p, sizeof notes[0], "%zu %s", n, n == 1 ? one : many);
    return p;
}

/* Parses the value of a numeric option: digits only, in canonical form
 * (no sign, no blank, no leading zero: "5", not " 5", "+5", "05" or "5k"),
 * at most max. Fails with a message naming the option otherwise. */
static unsigned long long parse_number(const char *opt, const char *v, unsigned long long max, const char *what)
{
    unsigned long long x = 0;
    size_t i;
    int ok = v[0] >= '0' && v[0] <= '9' && !(v[0] == '0' && v[1] != 0);
    for (i = 0; ok && v[i]; i++)
        ok = v[i] >= '0' && v[i] <= '9';
    if (!ok)
        fail(EXIT_USAGE, "%s needs %s written with digits only, not '%s'", opt, what, v);
    for (i = 0; v[i]; i++) {
        unsigned d = (unsigned)(v[i] - '0');
        if (x > (max - d) / 10)
            fail(EXIT_USAGE, "%s: '%s' is too large (at most %llu)", opt, v, max);
        x = x * 10 + d;
    }
    return x;
}

/* At exit, whatever the path (return from main, exit() after --help):
 * standard output is flushed and closed, and a write error (a full disk,
 * /dev/full, a closed pipe or descriptor) is one line and status 2 unless
 * an error was already reported. */
static void close_stdout(void)
{
    /* a write that failed before (an output longer than stdio's buffer,
     * such as --help, fails while it is written): errno still says why */
    int bad, before = ferror(stdout) ? errno : 0;
    errno = 0;
    bad = fflush(stdout) != 0;
    bad |= ferror(stdout) != 0;
    bad |= fclose(stdout) != 0;
    if (bad && !error_reported) {
        int e = errno ? errno : before;
        fprintf(stderr, "terse: cannot write output: %s\n", e ? strerror(e) : "write error");
        _exit(EXIT_INTERNAL);
    }
}

static size_t input_bytes; /* the input's size as read, before any conversion */

static void check(int rc, const char *what);

/* Input that is UTF-16 with a byte-order mark becomes the UTF-8 it
 * encodes (docs/cli.md, Input); other input is returned as it is. */
static char *from_utf16(char *buf, size_t *len, const char *path)
{
    char *u8;
    size_t n;
    int rc = utf16_bom_to_utf8((const unsigned char *)buf, *len, &u8, &n);
    if (rc == TERSE_OK && !u8)
        return buf;
    free(buf);
    if (rc != TERSE_OK)
        fail(EXIT_INTERNAL, "%s reading '%s'", terse_strerror(rc), path ? path : "-");
    *len = n;
    return u8;
}

/* Reads all of path ("-" or NULL: stdin) into a new buffer. */
static char *read_input(const char *path, size_t *len)
{
    FILE *f = stdin;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (path && strcmp(path, "-") != 0) {
        f = fopen(path, "rb");
        if (!f)
            fail(EXIT_USAGE, "cannot open '%s': %s", path, strerror(errno));
    }
    for (;;) {
        size_t got;
        if (n == cap) {
            char *p;
            cap = cap ? cap * 2 : 65536;
            p = realloc(buf, cap);
            if (!p)
                fail(EXIT_INTERNAL, "out of memory reading '%s'", path ? path : "-");
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        fail(EXIT_USAGE, "cannot read '%s': %s", path ? path : "-", strerror(errno));
    if (f != stdin)
        fclose(f);
    *len = input_bytes = n;
    return from_utf16(buf, len, path);
}

#define COUNT_BLOCK (1u << 20)

/* Counts path ("-" or NULL: stdin) on t, reading it in blocks of 1 MiB and
 * counting each time up to the last place where terse_count_cut allows a
 * cut, so memory stays a few MiB whatever the input's size (a text with no
 * such place, or UTF-16, is held whole). The count is that of the whole
 * input. */
static size_t count_stream(const terse_tokenizer *t, const char *path, unsigned flags)
{
    FILE *f = stdin;
    char *buf = NULL;
    size_t n = 0, cap = 0, scanned = 0, total = 0, c;
    int eof = 0;
    if (path && strcmp(path, "-") != 0) {
        f = fopen(path, "rb");
        if (!f)
            fail(EXIT_USAGE, "cannot open '%s': %s", path, strerror(errno));
    }
    input_bytes = 0;
    while (!eof) {
        size_t got, p;
        if (cap - n < COUNT_BLOCK) {
            char *q;
            cap = n + 2 * COUNT_BLOCK;
            q = realloc(buf, cap);
            if (!q)
                fail(EXIT_INTERNAL, "out of memory reading '%s'", path ? path : "-");
            buf = q;
        }
        got = fread(buf + n, 1, COUNT_BLOCK, f);
        eof = got < COUNT_BLOCK;
        if (input_bytes == 0 && got >= 2 && ((unsigned char)buf[0] == 0xFF || (unsigned char)buf[0] == 0xFE) &&
            ((unsigned char)buf[1] == 0xFE || (unsigned char)buf[1] == 0xFF) && buf[0] != buf[1]) {
            /* UTF-16: read whole and converted */
            size_t len, rest;
            char *all;
            input_bytes = got;
            while ((rest = fread(buf + n + got, 1, cap - n - got, f)) > 0) {
                got += rest;
                if (n + got == cap) {
                    char *q = realloc(buf, cap * 2);
                    if (!q)
                        fail(EXIT_INTERNAL, "out of memory reading '%s'", path ? path : "-");
                    buf = q;
                    cap *= 2;
                }
            }
            if (ferror(f))
                fail(EXIT_USAGE, "cannot read '%s': %s", path ? path : "-", strerror(errno));
            input_bytes = len = got;
            all = from_utf16(buf, &len, path);
            check(terse_count(t, all, len, flags, &c), "count");
            free(all);
            if (f != stdin)
                fclose(f);
            return c;
        }
        n += got;
        input_bytes += got;
        if (ferror(f))
            fail(EXIT_USAGE, "cannot read '%s': %s", path ? path : "-", strerror(errno));
        if (eof || n < COUNT_BLOCK)
            continue;
        /* count up to the last cut; the bytes scanned without one are not
         * scanned again (a cut looks at 3 bytes) */
        p = terse_count_cut(t, buf + scanned, n - scanned, flags);
        if (!p) {
            scanned = n > 2 ? n - 2 : 0;
            continue;
        }
        p += scanned;
        check(terse_count(t, buf, p, flags, &c), "count");
        total += c;
        memmove(buf, buf + p, n - p);
        n -= p;
        scanned = 0;
    }
    if (ferror(f))
        fail(EXIT_USAGE, "cannot read '%s': %s", path ? path : "-", strerror(errno));
    if (f != stdin)
        fclose(f);
    check(terse_count(t, buf, n, flags, &c), "count");
    free(buf);
    return total + c;
}

struct opts {
    const char *file;
    const char *level, *type, *query, *budget, *lang;
    const char *keep_recent;
    int compress_system;
    int stats;
    const char *tokenizer; /* name, model or "all" */
    int by_model;
    int special;
    int json;
    int exact; /* count --exact: ask the provider (claude) */
    /* compress: batch work (programs/batch.c) */
    char **files; /* every FILE argument (argv's), n_files of them */
    size_t n_files;
    const char *outdir, *suffix, *threads;
    int recursive, jsonl;
    /* compress --backend: a model rewrites the prose (eval/backend.c) */
    const char *backend, *backend_model, *backend_prompt, *backend_jobs, *backend_timeout,
        *backend_retries, *backend_chunk;
    int backend_no_cache;
    const char *word_model; /* compress --word-model FILE|none */
};

/* compress's batch options: -o DIR, --suffix SUF, -r, --jsonl, -T N
 * (also -TN and --threads N). Returns 1 when argv[*i] was one (and steps
 * *i past its value), else 0. */
static int parse_batch_opt(int argc, char **argv, int *i, struct opts *o)
{
    const char *a = argv[*i];
    if (strcmp(a, "-r") == 0 || strcmp(a, "--recursive") == 0) {
        o->recursive = 1;
    } else if (strcmp(a, "--jsonl") == 0) {
        o->jsonl = 1;
    } else if (strncmp(a, "-T", 2) == 0 && a[2]) {
        o->threads = a + 2;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--suffix") == 0 || strcmp(a, "-T") == 0 ||
               strcmp(a, "--threads") == 0) {
        if (*i + 1 >= argc)
            fail(EXIT_USAGE, "%s needs a value (see terse --help)", a);
        if (a[1] == 'o')
            o->outdir = argv[++*i];
        else if (a[2] == 's')
            o->suffix = argv[++*i];
        else
            o->threads = argv[++*i];
    } else {
        return 0;
    }
    return 1;
}

static void parse_opts(int argc, char **argv, struct opts *o, int allow_json, int allow_special)
{
    int i;
    memset(o, 0, sizeof *o);
    if (allow_json == 2 && !(o->files = calloc((size_t)argc, sizeof *o->files)))
        fail(EXIT_INTERNAL, "out of memory");
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (allow_json == 2 && parse_batch_opt(argc, argv, &i, o))
            continue;
        if (strcmp(a, "--tokenizer") == 0 || strcmp(a, "--model") == 0) {
            if (i + 1 >= argc)
                fail(EXIT_USAGE, "%s needs a value (see terse --help)", a);
            if (o->tokenizer)
                fail(EXIT_USAGE, "give only one of --tokenizer and --model");
            o->by_model = a[2] == 'm';
            o->tokenizer = argv[++i];
        } else if (strncmp(a, "--tokenizer=", 12) == 0 || strncmp(a, "--model=", 8) == 0) {
            if (o->tokenizer)
                fail(EXIT_USAGE, "give only one of --tokenizer and --model");
            o->by_model = a[2] == 'm';
            o->tokenizer = strchr(a, '=') + 1;
        } else if (strcmp(a, "--special") == 0 && allow_special) {
            o->special = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            exit(0);
        } else if (allow_json && strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (allow_json == 1 && strcmp(a, "--exact") == 0) {
            o->exact = 1;
        } else if (allow_json == 2 && strcmp(a, "--compress-system") == 0) {
            o->compress_system = 1;
        } else if (allow_json == 2 && strcmp(a, "--stats") == 0) {
            o->stats = 1;
        } else if (allow_json == 2 && strcmp(a, "--backend-no-cache") == 0) {
            o->backend_no_cache = 1;
        } else if (allow_json == 2 && strncmp(a, "--backend", 9) == 0 &&
                   (!a[9] || !strcmp(a + 9, "-model") || !strcmp(a + 9, "-prompt") || !strcmp(a + 9, "-jobs") ||
                    !strcmp(a + 9, "-timeout") || !strcmp(a + 9, "-retries") || !strcmp(a + 9, "-chunk"))) {
            const char **slot = !a[9] ? &o->backend
                                : a[10] == 'm' ? &o->backend_model
                                : a[10] == 'p' ? &o->backend_prompt
                                : a[10] == 'j' ? &o->backend_jobs
                                : a[10] == 't' ? &o->backend_timeout
                                : a[10] == 'r' ? &o->backend_retries
                                               : &o->backend_chunk;
            if (i + 1 >= argc)
                fail(EXIT_USAGE, "%s needs a value (see terse --help)", a);
            *slot = argv[++i];
        } else if (allow_json == 2 && strcmp(a, "--word-model") == 0) {
            if (i + 1 >= argc)
                fail(EXIT_USAGE, "%s needs a value (see terse --help)", a);
            o->word_model = argv[++i];
        } else if (allow_json == 2 && strcmp(a, "--lang") == 0) {
            if (i + 1 >= argc)
                fail(EXIT_USAGE, "%s needs a value (see terse --help)", a);
            o->lang = argv[++i];
        } else if (allow_json == 2 && (strcmp(a, "--level") == 0 || strcmp(a, "--type") == 0 ||
                                       strcmp(a, "--query") == 0 || strcmp(a, "--budget") == 0 ||
                                       strcmp(a, "--keep-recent") == 0)) {
            if (i + 1 >= argc)
                fail(EXIT_USAGE, "%s needs a value (see terse --help)", a);
            if (a[2] == 'k')
                o->keep_recent = argv[++i];
            else if (a[2] == 'l')
                o->level = argv[++i];
            else if (a[2] == 't')
                o->type = argv[++i];
            else if (a[2] == 'q')
                o->query = argv[++i];
            else
                o->budget = argv[++i];
        } else if (a[0] == '-' && a[1] != 0) {
            fail(EXIT_USAGE, "unknown option '%s' for '%s' (see terse --help)", a, argv[1]);
        } else if (allow_json == 2) {
            o->files[o->n_files++] = argv[i];
            o->file = o->files[0];
        } else if (o->file) {
            fail(EXIT_USAGE, "only one input file may be given ('%s' and '%s')", o->file, a);
        } else {
            o->file = a;
        }
    }
}

static const terse_tokenizer *pick(const struct opts *o)
{
    const terse_tokenizer *t = terse_tokenizer_find(o->tokenizer);
    if (t && !o->by_model) {
        /* --tokenizer takes tokenizer names (and tiktoken's), not models */
        const char *name = terse_tokenizer_name(t);
        size_t n = strlen(name);
        int base_ok = strcmp(name, "o200k") == 0 || strcmp(name, "cl100k") == 0;
        if (strncasecmp(o->tokenizer, name, n) != 0 ||
            (o->tokenizer[n] != 0 && !(base_ok && strcasecmp(o->tokenizer + n, "_base") == 0)))
            t = NULL;
    }
    if (!t)
        fail(EXIT_USAGE, "unknown %s '%s' (%s)", o->by_model ? "model" : "tokenizer", o->tokenizer,
             o->by_model ? "for example gpt-4o, gpt-4, gemini-2.5-pro, claude-sonnet-4"
                         : "tokenizers: o200k, cl100k, gemma3, claude; or use --model");
    return t;
}

static void check(int rc, const char *what)
{
    if (rc == TERSE_OK)
        return;
    fail(rc == TERSE_ENOMEM ? EXIT_INTERNAL : EXIT_USAGE, "%s: %s", what, terse_strerror(rc));
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned char)*s);
        else
            putchar(*s);
    }
    putchar('"');
}

static int cmd_count(int argc, char **argv)
{
    struct opts o;
    char *text;
    size_t len, i, count;
    unsigned flags;
    parse_opts(argc, argv, &o, 1, 1);
    flags = o.special ? TERSE_TOKENS_SPECIAL : 0;
    if (!o.tokenizer)
        o.tokenizer = "o200k";
    if (o.exact) {
        /* the provider's own count (eval/eval_main.c), cached */
        const terse_tokenizer *t = pick(&o);
        char err[512];
        if (strcmp(terse_tokenizer_name(t), "claude") != 0)
            fail(EXIT_USAGE, "--exact is only needed for claude (the other counts are exact already)");
        text = read_input(o.file, &len);
        if (eval_count_exact(o.by_model ? o.tokenizer : NULL, text, len, &count, err, sizeof err) != 0)
            fail(EXIT_USAGE, "count --exact: %s", err);
        if (o.json)
            printf("{\"bytes\":%zu,\"tokenizer\":\"claude\",\"count\":%zu,\"exact\":true,"
                   "\"source\":\"count_tokens\"}\n", input_bytes, count);
        else
            printf("%zu\n", count);
    } else if (strcasecmp(o.tokenizer, "all") == 0 && !o.by_model) {
        const terse_tokenizer *t;
        size_t counts[16] = {0};
        text = read_input(o.file, &len);
        /* count everything first, so that an error leaves no partial output */
        for (i = 0; (t = terse_tokenizer_at(i)) != NULL && i < 16; i++)
            check(terse_count(t, text, len, flags, &counts[i]), "count");
        if (o.json)
            printf("{\"bytes\":%zu,\"tokens\":{", input_bytes);
        for (i = 0; (t = terse_tokenizer_at(i)) != NULL && i < 16; i++) {
            count = counts[i];
            if (o.json) {
                printf("%s", i ? "," : "");
                json_string(terse_tokenizer_name(t));
                printf(":{\"count\":%zu,\"exact\":%s}", count,
                       terse_tokenizer_is_exact(t) ? "true" : "false");
            } else {
                printf("%-8s %10zu%s\n", terse_tokenizer_name(t), count,
                       terse_tokenizer_is_exact(t) ? "" : "  (estimate)");
            }
        }
        if (o.json)
            printf("}}\n");
    } else {
        const terse_tokenizer *t = pick(&o);
        text = NULL;
        count = count_stream(t, o.file, flags);
        if (o.json) {
            printf("{\"bytes\":%zu,\"tokenizer\":", input_bytes);
            json_string(terse_tokenizer_name(t));
            printf(",\"count\":%zu,\"exact\":%s}\n", count,
                   terse_tokenizer_is_exact(t) ? "true" : "false");
        } else {
            printf("%zu\n", count);
            if (!terse_tokenizer_is_exact(t))
                fprintf(stderr, "terse: note: %s counts are an estimate\n", terse_tokenizer_name(t));
        }
    }
    free(text);
    return 0;
}

static int cmd_tokenize(int argc, char **argv)
{
    struct opts o;
    const terse_tokenizer *t;
    char *text;
    size_t len, n, i;
    uint32_t *ids;
    parse_opts(argc, argv, &o, 0, 1);
    if (!o.tokenizer)
        fail(EXIT_USAGE, "tokenize needs --tokenizer NAME or --model MODEL");
    t = pick(&o);
    text = read_input(o.file, &len);
    check(terse_encode(t, text, len, o.special ? TERSE_TOKENS_SPECIAL : 0, &ids, &n), "tokenize");
    for (i = 0; i < n; i++)
        printf(i ? " %u" : "%u", ids[i]);
    putchar('\n');
    terse_free(ids);
    free(text);
    if (!terse_tokenizer_is_exact(t))
        fprintf(stderr, "terse: note: %s ids are those of an estimate\n", terse_tokenizer_name(t));
    return 0;
}

static int cmd_detokenize(int argc, char **argv)
{
    struct opts o;
    const terse_tokenizer *t;
    char *text, *p, *out;
    size_t len, n = 0, cap = 0, out_len;
    uint32_t *ids = NULL;
    int rc;
    parse_opts(argc, argv, &o, 0, 0);
    if (!o.tokenizer)
        fail(EXIT_USAGE, "detokenize needs --tokenizer NAME or --model MODEL");
    t = pick(&o);
    text = read_input(o.file, &len);
    p = text;
    while (p < text + len) {
        unsigned long v = 0;
        size_t digits = 0;
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            p++;
            continue;
        }
        while (p < text + len && *p >= '0' && *p <= '9') {
            if (v <= 0xFFFFFFFFul)
                v = v * 10 + (unsigned long)(*p - '0');
            p++;
            digits++;
        }
        if (digits && v > 0xFFFFFFFFul) {
            size_t d = (size_t)digits;
            const char *at = p - d;
            uint32_t size = terse_tokenizer_vocab_size(t);
            free(ids);
            fprintf(stderr, "terse: detokenize: token id %.*s is out of range: %s has ids 0 to %lu\n",
                    (int)(d > 40 ? 40 : d), at, terse_tokenizer_name(t), (unsigned long)size - 1);
            free(text);
            exit(EXIT_USAGE);
        }
        if (!digits ||
            (p < text + len && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')) {
            size_t at = (size_t)(p - text);
            free(ids);
            free(text);
            fail(EXIT_USAGE, "detokenize: expected token ids separated by spaces, at byte %zu", at);
        }
        if (n == cap) {
            uint32_t *q;
            cap = cap ? cap * 2 : 1024;
            q = realloc(ids, cap * sizeof *q);
            if (!q)
                fail(EXIT_INTERNAL, "out of memory");
            ids = q;
        }
        ids[n++] = (uint32_t)v;
    }
    rc = terse_decode(t, ids, n, &out, &out_len);
    if (rc == TERSE_ERANGE) {
        /* name the id: the first one the vocabulary does not have */
        uint32_t size = terse_tokenizer_vocab_size(t), bad = 0;
        size_t i;
        for (i = 0; i < n; i++) {
            char *one;
            size_t one_len;
            if (ids[i] >= size || terse_decode(t, &ids[i], 1, &one, &one_len) == TERSE_ERANGE) {
                bad = ids[i];
                break;
            }
            terse_free(one);
        }
        free(ids);
        free(text);
        if (bad >= size)
            fail(EXIT_USAGE, "detokenize: token id %lu is out of range: %s has ids 0 to %lu",
                 (unsigned long)bad, terse_tokenizer_name(t), (unsigned long)size - 1);
        fail(EXIT_USAGE, "detokenize: token id %lu is not in %s's vocabulary (ids 0 to %lu, %lu unused)",
             (unsigned long)bad, terse_tokenizer_name(t), (unsigned long)size - 1, (unsigned long)bad);
    }
    free(ids);
    free(text);
    check(rc, "detokenize");
    fwrite(out, 1, out_len, stdout);
    terse_free(out);
    return 0;
}

static void json_text(const char *s, size_t n)
{
    size_t i;
    putchar('"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* ", N elided, N files with parse errors" for --stats of code (static
 * buffer: one call per run). parse_errors counts files (or, in markdown,
 * fenced blocks) whose parse had errors, not the errors. */
static const char *code_note(size_t elided, size_t parse_errors, int code)
{
    static char note[128];
    snprintf(note, sizeof note, ", %zu elided, %s with parse errors", elided,
             code ? plural(parse_errors, "file", "files") : plural(parse_errors, "block", "blocks"));
    return note;
}

/* A number option from min to max (dflt when absent), written as
 * parse_number wants it. */
static size_t number_opt(const char *v, const char *name, size_t dflt, size_t min, size_t max)
{
    unsigned long long k;
    if (!v)
        return dflt;
    k = parse_number(name, v, max, "a number");
    if (k < min)
        fail(EXIT_USAGE, "%s needs a number from %zu to %zu, not '%s'", name, min, max, v);
    return (size_t)k;
}

/* The backend's counts: chunks sent, rewritten, turned down by verdict. */
static void verdict_counts(const terse_result *r, char *out, size_t cap)
{
    int v;
    size_t used = 0;
    out[0] = 0;
    for (v = 1; v < TERSE_VERDICT_COUNT; v++)
        if (r->rejected[v] && used < cap)
            used += (size_t)snprintf(out + used, cap - used, "%s%s %zu", used ? ", " : "", terse_verdict_name(v),
                                     r->rejected[v]);
}

/* --stats with --backend: a second line on stderr. */
static void backend_stats(const struct eval_backend *be, const terse_result *r)
{
    char why[256];
    size_t i, cached = 0, failed = 0, shown = 0;
    double secs = 0, cost = 0;
    int cost_known = 1;
    for (i = 0; i < r->n_chunks; i++) {
        cached += (size_t)r->chunks[i].cached;
        secs += r->chunks[i].seconds;
        if (r->chunks[i].cost < 0)
            cost_known = 0;
        else
            cost += r->chunks[i].cost;
    }
    for (i = 0; i < be->n_calls; i++)
        failed += !be->calls[i].ok;
    verdict_counts(r, why, sizeof why);
    fprintf(stderr, "terse: backend %s: %s, %zu rewritten by the model, %zu rejected%s%s%s; %zu cached, "
                    "%s, %.2f s of calls",
            be->model, plural(r->n_chunks, "chunk", "chunks"), r->rewritten, r->n_chunks - r->rewritten,
            *why ? " (" : "", why, *why ? ")" : "", cached, plural(be->requests, "request", "requests"), secs);
    if (cost_known)
        fprintf(stderr, ", $%.6f\n", cost);
    else
        fputs(", cost unknown\n", stderr);
    /* the first three failed calls say why; the count says how many more */
    for (i = 0; i < be->n_calls && shown < 3; i++)
        if (!be->calls[i].ok) {
            fprintf(stderr, "terse: backend: chunk %zu: %s\n", i + 1, be->calls[i].err);
            shown++;
        }
    if (failed > shown)
        fprintf(stderr, "terse: backend: %s\n", plural(failed - shown, "more failed call", "more failed calls"));
}

/* --json with --backend: the "backend" member and the object's end. */
static void backend_json(const struct eval_backend *be, const terse_result *r)
{
    size_t i;
    int v;
    fputs(",\"backend\":{\"model\":", stdout);
    json_string(be->model);
    printf(",\"chunks\":%zu,\"rewritten\":%zu,\"rejected\":%zu,\"why\":{", r->n_chunks, r->rewritten,
           r->n_chunks - r->rewritten);
    for (v = 1; v < TERSE_VERDICT_COUNT; v++)
        printf("%s\"%s\":%zu", v > 1 ? "," : "", terse_verdict_name(v), r->rejected[v]);
    printf("},\"requests\":%zu,\"calls\":[", be->requests);
    for (i = 0; i < r->n_chunks; i++) {
        const terse_chunk *c = &r->chunks[i];
        printf("%s{\"start\":%zu,\"len\":%zu,\"verdict\":\"%s\",\"tokens_terse\":%zu,\"tokens_model\":%zu,"
               "\"seconds\":%.3f,\"cost\":",
               i ? "," : "", c->start, c->len, terse_verdict_name(c->verdict), c->tokens_terse, c->tokens_model,
               c->seconds);
        if (c->cost < 0)
            fputs("null", stdout);
        else
            printf("%.8f", c->cost);
        printf(",\"cached\":%s", c->cached ? "true" : "false");
        if (c->missing[0]) {
            fputs(",\"missing\":", stdout);
            json_string(c->missing);
        }
        if (i < be->n_calls && !be->calls[i].ok) {
            fputs(",\"error\":", stdout);
            json_string(be->calls[i].err);
        }
        putchar('}');
    }
    fputs("]}}\n", stdout);
}

static char *model_bytes; /* compress --word-model FILE: its bytes, until exit */

static int cmd_compress(int argc, char **argv)
{
    struct opts o;
    terse_options opt;
    terse_ctx *ctx;
    terse_result r;
    char *text, *prompt = NULL;
    size_t len;
    int rc;
    struct eval_backend be;
    parse_opts(argc, argv, &o, 2, 0);
    terse_options_init(&opt);
    if (o.tokenizer)
        opt.tokenizer = pick(&o);
    if (o.level && (opt.level = terse_level_parse(o.level)) < 0)
        fail(EXIT_USAGE, "unknown level '%s' (levels: exact, safe, balanced, max)", o.level);
    if (o.type && (opt.type = terse_type_parse(o.type)) < 0)
        fail(EXIT_USAGE, "unknown type '%s' (types: auto, prose, code, json, log, memory, chat, tool)", o.type);
    if (o.budget) {
        opt.budget = (size_t)parse_number("--budget", o.budget, SIZE_MAX, "a positive number of tokens");
        if (opt.budget == 0)
            fail(EXIT_USAGE, "--budget needs a positive number of tokens, not '%s'", o.budget);
        /* with a budget, --level is the highest level tried: all of them
         * unless the user says otherwise */
        if (!o.level)
            opt.level = TERSE_LEVEL_MAX;
    }
    if (o.query) {
        opt.query = o.query;
        opt.query_len = strlen(o.query);
    }
    opt.compact = o.json; /* --json asks memory lists for their compact form */
    opt.count_newline = !o.json; /* the line break written after the text counts */
    opt.compress_system = o.compress_system;
    if (o.lang) {
        char names[256] = "";
        size_t k;
        if (terse_lang_parse(o.lang) < 0) {
            for (k = 0; terse_lang_name(k); k++) {
                if (k)
                    strncat(names, ", ", sizeof names - strlen(names) - 1);
                strncat(names, terse_lang_name(k), sizeof names - strlen(names) - 1);
            }
            fail(EXIT_USAGE, "unknown language '%s' (languages: %s)", o.lang, names);
        }
        opt.lang = o.lang;
    }
    if (o.keep_recent)
        opt.keep_recent = (size_t)parse_number("--keep-recent", o.keep_recent, SIZE_MAX, "a number of messages");
    if (!opt.tokenizer)
        opt.tokenizer = terse_tokenizer_find("o200k");
    if (o.word_model && strcmp(o.word_model, "none") == 0) {
        opt.word_model_off = 1;
    } else if (o.word_model) {
        const char *why;
        size_t saved = input_bytes;
        model_bytes = read_input(o.word_model, &opt.word_model_len);
        input_bytes = saved;
        opt.word_model = model_bytes;
        if (terse_word_model_check(opt.word_model, opt.word_model_len, &why) != TERSE_OK)
            fail(strcmp(why, "out of memory") == 0 ? EXIT_INTERNAL : EXIT_USAGE, "%s: %s", o.word_model, why);
    }
    if (o.n_files > 1 || o.outdir || o.suffix || o.recursive || o.jsonl || o.threads) {
        struct batch bt;
        memset(&bt, 0, sizeof bt);
        if (o.backend)
            fail(EXIT_USAGE, "--backend compresses one input; give one FILE without -o, --suffix, -r, "
                             "--jsonl or -T");
        bt.opt = opt;
        if (o.jsonl) {
            /* each record's result is a JSON line: compressed as --json would */
            bt.opt.compact = 1;
            bt.opt.count_newline = 0;
        }
        bt.level_given = o.level != NULL;
        bt.json = o.json;
        bt.stats = o.stats;
        bt.jsonl = o.jsonl;
        bt.recursive = o.recursive;
        bt.outdir = o.outdir;
        bt.suffix = o.suffix;
        bt.files = o.files;
        bt.n_files = o.n_files;
        if (o.outdir && o.suffix)
            fail(EXIT_USAGE, "give only one of -o DIR and --suffix SUF");
        if (o.outdir && !*o.outdir)
            fail(EXIT_USAGE, "-o needs a directory name");
        if (o.suffix && !*o.suffix)
            fail(EXIT_USAGE, "--suffix needs a non-empty suffix (the input would be overwritten)");
        if (o.jsonl && (o.outdir || o.suffix))
            fail(EXIT_USAGE, "--jsonl writes one result line per record to stdout; -o and --suffix "
                             "are for files");
        bt.threads = o.threads ? (long)parse_number("-T", o.threads, 1024, "a number of threads (0: one per core)")
                               : 1;
        rc = batch_compress(&bt);
        free(o.files);
        return rc;
    }
    if (o.file && strcmp(o.file, "-") != 0) {
        struct stat st;
        if (stat(o.file, &st) == 0 && S_ISDIR(st.st_mode))
            fail(EXIT_USAGE, "'%s' is a directory (give -r to compress the files in it)", o.file);
        opt.name = o.file;
    }
    free(o.files);
    memset(&be, 0, sizeof be);
    if (!o.backend && (o.backend_model || o.backend_prompt || o.backend_jobs || o.backend_timeout ||
                       o.backend_retries || o.backend_chunk || o.backend_no_cache))
        fail(EXIT_USAGE, "the --backend-* options need --backend URL");
    if (o.backend) {
        char err[256], cache[4096];
        if (opt.budget)
            fail(EXIT_USAGE, "--backend cannot be combined with --budget (a budget is fitted by terse's own "
                             "passes)");
        if (opt.level == TERSE_LEVEL_EXACT)
            fail(EXIT_USAGE, "--backend rewrites wording, which level exact keeps: use safe, balanced or max");
        be.url = o.backend;
        be.model = o.backend_model;
        be.jobs = (int)number_opt(o.backend_jobs, "--backend-jobs", 4, 1, 64);
        be.timeout_s = (long)number_opt(o.backend_timeout, "--backend-timeout", 60, 1, 3600);
        be.retries = (int)number_opt(o.backend_retries, "--backend-retries", 3, 0, 20);
        be.backoff_ms = 500;
        be.max_tokens = 2048;
        opt.rewrite_tokens = number_opt(o.backend_chunk, "--backend-chunk", 512, 16, 100000);
        if (o.backend_prompt) {
            size_t plen;
            prompt = read_input(o.backend_prompt, &plen);
            if (plen == 0 || memchr(prompt, 0, plen)) {
                free(prompt);
                fail(EXIT_USAGE, "--backend-prompt '%s' is empty or not text", o.backend_prompt);
            }
            {
                char *p = realloc(prompt, plen + 1);
                if (!p) {
                    free(prompt);
                    fail(EXIT_INTERNAL, "out of memory");
                }
                prompt = p;
            }
            while (plen && (prompt[plen - 1] == '\n' || prompt[plen - 1] == '\r'))
                plen--;
            prompt[plen] = 0;
            be.prompt = prompt;
        }
        if (!o.backend_no_cache) {
            eval_cache_default_path(cache, sizeof cache);
            be.cache_path = cache;
        }
        if (eval_backend_open(&be, err, sizeof err) != 0) {
            free(prompt);
            prompt = NULL;
            fail(EXIT_USAGE, "%s", err);
        }
        be.cache_path = NULL; /* cache[] ends here; the cache is open */
        opt.rewrite = eval_backend_rewrite;
        opt.rewrite_user = &be;
    }
    ctx = terse_ctx_new(&opt, &rc);
    if (!ctx)
        fail(rc == TERSE_ENOMEM ? EXIT_INTERNAL : EXIT_USAGE, "compress: %s", terse_strerror(rc));
    text = read_input(o.file, &len);
    rc = terse_compress(ctx, text, len, &r);
    free(text);
    terse_ctx_free(ctx);
    if (rc == TERSE_EBUDGET)
        fail(EXIT_USAGE, "a budget of %s cannot be met: the smallest that can is %zu "
                         "(%s); give a larger --budget",
             plural(opt.budget, "token", "tokens"), r.min_tokens, terse_tokenizer_name(opt.tokenizer));
    check(rc, "compress");
    if (o.json) {
        fputs("{\"text\":", stdout);
        json_text(r.text, r.len);
        printf(",\"tokens_in\":%zu,\"tokens_out\":%zu,\"tokenizer\":\"%s\",\"exact\":%s,"
               "\"level\":\"%s\",\"type\":\"%s\",\"segments\":%zu,\"dropped\":%zu,"
               "\"duplicates\":%zu,\"guard_fallbacks\":%zu,\"parse_errors\":%zu,\"elided\":%zu",
               r.tokens_in, r.tokens_out, terse_tokenizer_name(opt.tokenizer),
               terse_tokenizer_is_exact(opt.tokenizer) ? "true" : "false", terse_level_name(r.level),
               terse_type_name(r.type), r.segments, r.segments_dropped, r.duplicates,
               r.guard_fallbacks, r.parse_errors, r.elided);
        if (o.backend)
            backend_json(&be, &r);
        else
            fputs("}\n", stdout);
    } else {
        fwrite(r.text, 1, r.len, stdout);
        if (r.len && r.text[r.len - 1] != '\n')
            putchar('\n');
    }
    if (o.stats)
        fprintf(stderr,
                "terse: %zu -> %s (%.1f%% fewer) on %s%s, level %s, type %s, %s, "
                "%zu dropped, %s, %s%s\n",
                r.tokens_in, plural(r.tokens_out, "token", "tokens"),
                r.tokens_in ? 100.0 * (double)(r.tokens_in - r.tokens_out) / (double)r.tokens_in : 0.0,
                terse_tokenizer_name(opt.tokenizer),
                terse_tokenizer_is_exact(opt.tokenizer) ? "" : " (an estimate)", terse_level_name(r.level),
                terse_type_name(r.type), plural(r.segments, "segment", "segments"), r.segments_dropped,
                plural(r.duplicates, "duplicate", "duplicates"),
                plural(r.guard_fallbacks, "guard fallback", "guard fallbacks"),
                r.type == TERSE_TYPE_CODE || r.parse_errors || r.elided
                    ? code_note(r.elided, r.parse_errors, r.type == TERSE_TYPE_CODE)
                    : "");
    if (o.stats && o.backend)
        backend_stats(&be, &r);
    terse_result_free(&r);
    eval_backend_close(&be);
    free(prompt);
    return 0;
}

static int cmd_decode(int argc, char **argv)
{
    const char *file = NULL;
    int i, type = TERSE_TYPE_AUTO, rc;
    char *text, *out, err[160];
    size_t len, out_len;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--type") == 0) {
            if (i + 1 >= argc)
                fail(EXIT_USAGE, "--type needs a value (see terse --help)");
            a = argv[++i];
            type = terse_type_parse(a);
            if (type != TERSE_TYPE_AUTO && type != TERSE_TYPE_JSON && type != TERSE_TYPE_LOG && type != TERSE_TYPE_TOOL)
                fail(EXIT_USAGE, "decode: unknown type '%s' (types: auto, json, log, tool)", a);
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            exit(0);
        } else if (a[0] == '-' && a[1] != 0) {
            fail(EXIT_USAGE, "unknown option '%s' for 'decode' (see terse --help)", a);
        } else if (file) {
            fail(EXIT_USAGE, "only one input file may be given ('%s' and '%s')", file, a);
        } else {
            file = a;
        }
    }
    text = read_input(file, &len);
    rc = terse_expand(text, len, type, &out, &out_len, err, sizeof err);
    free(text);
    if (rc == TERSE_EFORMAT)
        fail(EXIT_USAGE, "decode: %s", err);
    check(rc, "decode");
    fwrite(out, 1, out_len, stdout);
    terse_free(out);
    return 0;
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static void read_pairs(const char *path, struct pair_set *ps)
{
    size_t len;
    char err[256];
    char *text = read_input(path, &len);
    int rc = pairs_read(text, len, ps, err, sizeof err);
    free(text);
    if (rc != TERSE_OK)
        fail(rc == TERSE_ENOMEM ? EXIT_INTERNAL : EXIT_USAGE, "%s: %s", path, err);
}

static void print_alignment(const char *what, const struct learn_stats *st)
{
    printf("%s: %zu pairs, %zu used; left out: %zu code, %zu empty, %zu not shorter, %zu aligned badly, "
           "%zu too long\n",
           what, st->pairs, st->used, st->skipped_code, st->skipped_empty, st->skipped_longer,
           st->skipped_aligned, st->skipped_size);
    printf("%s: %zu of %zu compressed pieces aligned (%.1f%%); %zu of %zu words kept (%.1f%%)\n", what,
           st->aligned, st->pieces, 100 * ratio(st->aligned, st->pieces), st->kept, st->words,
           100 * ratio(st->kept, st->words));
}

/* terse train PAIRS.jsonl... -o MODEL [--valid FILE] [...]: see usage_text
 * and docs/model-format.md. */
static int cmd_train(int argc, char **argv)
{
    struct pair_set train = {0}, valid = {0};
    struct learn_opts lo;
    struct learn_stats st;
    const char *out = NULL, *valid_path = NULL;
    unsigned char *model;
    size_t len, k;
    int i, rc, inputs = 0;
    FILE *f;
    learn_opts_init(&lo);
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else if (strcmp(a, "--code") == 0) {
            lo.code = 1;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--valid") == 0 || strcmp(a, "--threshold") == 0 ||
                   strcmp(a, "--bits") == 0 || strcmp(a, "--epochs") == 0 || strcmp(a, "--min-aligned") == 0) {
            const char *v;
            char *end;
            if (i + 1 >= argc)
                fail(EXIT_USAGE, "%s needs a value (see terse --help)", a);
            v = argv[++i];
            if (a[1] == 'o')
                out = v;
            else if (a[2] == 'v')
                valid_path = v;
            else if (a[2] == 'b')
                lo.bits = (uint32_t)parse_number(a, v, WORD_MODEL_MAX_BITS, "a number of bits (8 to 24)");
            else if (a[2] == 'e')
                lo.epochs = (uint32_t)parse_number(a, v, 1000, "a number of epochs");
            else {
                double d = strtod(v, &end);
                if (!*v || *end || !(d > 0 && d < 1))
                    fail(EXIT_USAGE, "%s needs a number between 0 and 1, not '%s'", a, v);
                if (a[2] == 't')
                    lo.threshold = d;
                else
                    lo.min_aligned = d;
            }
        } else if (a[0] == '-' && a[1] != 0) {
            fail(EXIT_USAGE, "unknown option '%s' for 'train' (see terse --help)", a);
        } else {
            read_pairs(a, &train);
            inputs++;
        }
    }
    if (!inputs)
        fail(EXIT_USAGE, "train needs a file of pairs (JSON Lines; see terse --help)");
    if (!out)
        fail(EXIT_USAGE, "train needs -o MODEL, the file to write the model to");
    if (lo.bits < WORD_MODEL_MIN_BITS)
        fail(EXIT_USAGE, "--bits needs a number of bits from 8 to 24");
    if (valid_path)
        read_pairs(valid_path, &valid);
    rc = learn_train(&train, &lo, &model, &len, &st);
    if (rc == TERSE_EINVAL) {
        print_alignment("train", &st);
        fail(EXIT_USAGE, st.used ? "no word to train on: the pairs used have no lower-case word that is not a stop "
                                   "word or a negation"
                                 : "no usable pair to train on (see the counts above)");
    }
    check(rc, "train");
    print_alignment("train", &st);
    f = fopen(out, "wb");
    if (!f)
        fail(EXIT_USAGE, "cannot write '%s': %s", out, strerror(errno));
    k = fwrite(model, 1, len, f);
    if (k != len || fclose(f) != 0)
        fail(EXIT_USAGE, "cannot write '%s': %s", out, strerror(errno));
    printf("model: %s, %zu bytes, 2^%u weights, threshold %.3f\n", out, len, (unsigned)lo.bits, lo.threshold);
    if (valid_path) {
        const char *why;
        struct word_model *m = word_model_load(model, len, &why);
        double p, r;
        if (!m)
            fail(EXIT_INTERNAL, "the model just written does not load: %s", why);
        rc = learn_evaluate(m, &valid, &lo, &st);
        word_model_free(m);
        check(rc, "train --valid");
        print_alignment("valid", &st);
        p = ratio(st.tp, st.tp + st.fp);
        r = ratio(st.tp, st.tp + st.fn);
        printf("valid: %zu words judged (lower case, not stop words); keep label precision %.3f, recall %.3f, "
               "F1 %.3f; dropped %.1f%% (by the alignment: %.1f%%)\n",
               st.tp + st.fp + st.fn + st.tn, p, r, p + r > 0 ? 2 * p * r / (p + r) : 0.0,
               100 * ratio(st.fn + st.tn, st.tp + st.fp + st.fn + st.tn),
               100 * ratio(st.fp + st.tn, st.tp + st.fp + st.fn + st.tn));
    }
    free(model);
    pairs_free(&train);
    pairs_free(&valid);
    return 0;
}

static int cmd_tokenizers(int argc, char **argv)
{
    const terse_tokenizer *t;
    size_t i;
    if (argc > 2)
        fail(EXIT_USAGE, "tokenizers takes no arguments, not '%s' (see terse --help)", argv[2]);
    for (i = 0; (t = terse_tokenizer_at(i)) != NULL; i++)
        printf("%-8s %-9s %s\n", terse_tokenizer_name(t),
               terse_tokenizer_is_exact(t) ? "exact" : "estimate", terse_tokenizer_description(t));
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 0;
    atexit(close_stdout);
    if (argc < 2)
        fail(EXIT_USAGE, "no command given (see terse --help)");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("terse %s\n", terse_version());
        return 0;
    }
    if (strcmp(argv[1], "compress") == 0)
        rc = cmd_compress(argc, argv);
    else if (strcmp(argv[1], "count") == 0)
        rc = cmd_count(argc, argv);
    else if (strcmp(argv[1], "tokenize") == 0)
        rc = cmd_tokenize(argc, argv);
    else if (strcmp(argv[1], "detokenize") == 0)
        rc = cmd_detokenize(argc, argv);
    else if (strcmp(argv[1], "decode") == 0)
        rc = cmd_decode(argc, argv);
    else if (strcmp(argv[1], "tokenizers") == 0)
        rc = cmd_tokenizers(argc, argv);
    else if (strcmp(argv[1], "train") == 0)
        rc = cmd_train(argc, argv);
    else if (strcmp(argv[1], "eval") == 0)
        rc = eval_main(argc - 1, argv + 1);
    else if (strcmp(argv[1], "proxy") == 0)
        rc = proxy_main(argc - 1, argv + 1);
    else
        fail(EXIT_USAGE, "unknown command '%s' (see terse --help)", argv[1]);
    return rc; /* close_stdout checks the output */
}
