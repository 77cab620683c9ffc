/* cli.c - the pieces the eval commands share: canonical numbers, comma
 * lists, the one-line error conventions and the help text of `terse eval`
 * (what eval_main, offline.c and judge.c print for -h and --help).
 */
#include <stdio.h>
#include <string.h>

#include "eval.h"

int eval_parse_long(const char *s, long min, long max, long *out)
{
    long v = 0;
    size_t i;
    if (!s || !(s[0] >= '0' && s[0] <= '9') || (s[0] == '0' && s[1]))
        return -1;
    for (i = 0; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (max - (s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < min)
        return -1;
    *out = v;
    return 0;
}

int eval_split_list(char *s, char **out, int max)
{
    int n = 0;
    char *p = s, *c;
    while (p && *p && n < max) {
        c = strchr(p, ',');
        if (c)
            *c = 0;
        if (*p)
            out[n++] = p;
        p = c ? c + 1 : NULL;
    }
    return n;
}

int eval_error_line(const char *msg)
{
    fprintf(stderr, "terse: %s\n", msg);
    return 1;
}

int eval_usage_error(const char *fmt, const char *arg)
{
    fputs("terse: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see terse eval --help)\n", stderr);
    return 1;
}

static const char eval_help_text[] =
    "usage: terse eval [options]            fidelity of compression, no model needed\n"
    "       terse eval judge --models M,... [options]   ask models over original and compressed text\n"
    "\n"
    "terse eval options:\n"
    "  --sets LIST        squad,nq,kv,gsm8k,seed,locomo,toon (default: all) or FILE.jsonl with\n"
    "                     {\"context\": ..., \"question\": ..., \"answers\": [...]} per line\n"
    "  --levels LIST      exact,safe,balanced,max (default: all)\n"
    "  --tokenizers LIST  o200k,cl100k,gemma3,claude (default: all; claude is an estimate)\n"
    "  --limit N          at most N items per data set\n"
    "  --budget PCT       query-aware: one call per question, the question (kv: the key) as\n"
    "                     --query and PCT% of the item's tokens as --budget (sets with questions)\n"
    "  --data DIR         the data sets (default: $TERSE_DATA, else ../shared/data if there,\n"
    "                     else ../../shared/data)\n"
    "  --out DIR          also write DIR/report.md, DIR/report.json, DIR/lost.jsonl,\n"
    "                     DIR/fidelity-TOKENIZER.svg\n"
    "\n"
    "terse eval judge options:\n"
    "  --models LIST      openai:MODEL, anthropic:MODEL, gemini:MODEL, compat:MODEL=BASE_URL,\n"
    "                     or a bare gpt-*/claude-*/gemini-* name\n"
    "  --sets LIST        squad,nq,kv,gsm8k,locomo or FILE.jsonl (default: squad)\n"
    "  --limit N          questions per data set, evenly spaced over it (default 20)\n"
    "  --level L          compression level of the compressed context (default balanced)\n"
    "  --judge-model M    grade free-form answers (LoCoMo, \"free_form\": true) with this model\n"
    "  --jobs N           concurrent requests (default 4)\n"
    "  --retries N        retries on 429, 5xx and transport errors (default 5)\n"
    "  --backoff-ms MS    first retry delay, doubled each time; Retry-After wins (default 500)\n"
    "  --timeout S        per request (default 120)\n"
    "  --max-tokens N     answer length cap (default 64)\n"
    "  --cache FILE       response cache (default: $TERSE_CACHE or ~/.cache/terse/cache.sqlite)\n"
    "  --no-cache         neither read nor write the cache\n"
    "  --env-file FILE    read API keys from FILE (default: ./.env when present)\n"
    "  --dry-run          print the calls and a cost estimate, make no request\n"
    "  --out DIR          also write DIR/judge.md, DIR/judge.json, DIR/judge-answers.jsonl\n"
    "\n"
    "Keys: OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY (or GOOGLE_API_KEY), COMPAT_API_KEY;\n"
    "base URLs: OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GEMINI_BASE_URL. See docs/eval.md.\n";

int eval_help(void)
{
    fputs(eval_help_text, stdout);
    return 0;
}
