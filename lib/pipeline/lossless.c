/* lossless.c - the lossless encodings at safe and up: JSON (or JSON
 * Lines) in the tabular form, logs folded, tool output encoded, each if it
 * meets the budget, at the lowest level that does; see lossless.h. Moved
 * from compress.c, which calls compress_lossless before the passes. */
#include "lossless.h"

#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/json.h"     /* json_valid, json_minify */
#include "../common/utf8.h"     /* utf8_first_invalid */
#include "../detect/tool_shape.h" /* tool_kind, TOOL_* */
#include "../passes/levels.h"   /* level_get */
#include "../passes/log.h"      /* log_fold, log_is_folded */
#include "../passes/tool.h"     /* tool_encode, tool_fit, tool_left_out */
#include "document.h"           /* struct job, count_tokens */
#include "json_pass.h"          /* compress_json_tabular */
#include "terse.h"

/* Counts what balanced and max left out of the tabular form s[0..n): the
 * rows of each "[K of N]{" table header (N - K) and each string cut with a
 * "…[+N chars]" marker (one each). */
static size_t tab_left_out(const char *s, size_t n)
{
    size_t i, left = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '[' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
            char *e;
            unsigned long long k = strtoull(s + i + 1, &e, 10), all;
            if (e + 4 < s + n && memcmp(e, " of ", 4) == 0 && e[4] >= '0' && e[4] <= '9') {
                all = strtoull(e + 4, &e, 10);
                if (e + 1 < s + n && e[0] == ']' && e[1] == '{' && all > k)
                    left += (size_t)(all - k);
            }
        } else if ((unsigned char)s[i] == 0xE2 && i + 4 < n && memcmp(s + i, "\xE2\x80\xA6[+", 5) == 0) {
            left++;
        }
    }
    return left;
}

/* Counts the lines that max left out of the folded log s[0..n): the N of
 * each "~-N" line. */
static size_t log_left_out(const char *s, size_t n)
{
    size_t i, left = 0;
    for (i = 0; i + 2 < n; i++)
        if ((i == 0 || s[i - 1] == '\n') && s[i] == '~' && s[i + 1] == '-' && s[i + 2] >= '0' &&
            s[i + 2] <= '9')
            left += (size_t)strtoull(s + i + 2, NULL, 10);
    return left;
}

/* JSON: the tabular form, if it is JSON (or JSON Lines) and meets the
 * budget; else what follows. With a budget, the lowest level that fits:
 * minified JSON (exact) when it does, else the tabular form from safe up. */
static int lossless_json(struct job *j, int *level, struct buf *out, size_t *tokens, size_t *dropped, int *done)
{
    int rc = TERSE_OK;
    int L = *level, exact_fits = 0;
    if (j->o->budget) {
        L = TERSE_LEVEL_SAFE;
        if (j->parsed || json_valid(j->doc, j->n)) {
            json_minify(j->doc, j->n, out);
            if (out->oom)
                rc = TERSE_ENOMEM;
            else
                exact_fits = count_tokens(j, out->p ? out->p : "", out->len) <= j->o->budget;
            out->len = 0;
        }
    }
    for (; L <= *level && rc == TERSE_OK && !exact_fits && !*done; L++) {
        out->len = 0;
        rc = compress_json_tabular(j, L, out, tokens);
        if (rc == TERSE_OK && (!j->o->budget || *tokens <= j->o->budget)) {
            *done = 1;
            *level = L;
            *dropped = level_get(L)->tab_sample_rows ? tab_left_out(out->p, out->len) : 0;
        } else if (rc != TERSE_ENOMEM) {
            rc = TERSE_OK;
        }
    }
    out->len = *done ? out->len : 0;
    return rc;
}

/* Logs: repeated lines and runs of alike lines folded (lossless at safe
 * and balanced), if that meets the budget; with a budget, the lowest level
 * that fits (exact, the log as it is, when the whole input does: the text
 * path). */
static int lossless_log(struct job *j, const char *text, size_t len, size_t tokens_in, int *level, struct buf *out,
                        size_t *tokens, size_t *dropped, int *done, int *escaped_log)
{
    int rc = TERSE_OK;
    int raw = utf8_first_invalid((const unsigned char *)text, len) == len, L;
    for (L = j->o->budget ? TERSE_LEVEL_SAFE : *level; L <= *level && rc == TERSE_OK && !*done; L++) {
        out->len = 0;
        /* valid UTF-8 is folded as given, CRs and all, so that expanding
         * gives back every byte; invalid UTF-8 only after repair */
        rc = raw ? log_fold(text, len, j->counter, tokens_in, L, out, tokens)
                 : log_fold(j->doc, j->n, j->counter, LOG_TOKENS_UNKNOWN, L, out, tokens);
        /* a log that itself starts like a folded one had to be escaped,
         * which may cost tokens: given back as it is, it would unfold */
        if (rc == TERSE_OK) {
            if (!j->o->budget || *tokens <= j->o->budget) {
                *done = 1;
                *level = L;
                *dropped = level_get(L)->log_error_context ? log_left_out(out->p, out->len) : 0;
            }
        }
    }
    if (!*done)
        out->len = 0;
    *escaped_log = *done && raw && log_is_folded(text, len);
    return rc;
}

/* Tool output: its lossless encoding (docs/tool-output.md), thinned at
 * balanced and max; raw bytes when valid UTF-8, as for logs. With a
 * budget, the lowest level that fits, then the lines ranked like segments
 * (tool_fit); if even that fails, the text path. */
static int lossless_tool(struct job *j, const char *text, size_t len, size_t tokens_in, int *level, struct buf *out,
                         size_t *tokens, size_t *dropped, int *done, int *escaped_log)
{
    int rc = TERSE_OK;
    int raw = utf8_first_invalid((const unsigned char *)text, len) == len, kind, L;
    const char *s = raw ? text : j->doc;
    size_t n = raw ? len : j->n;
    for (L = j->o->budget ? TERSE_LEVEL_SAFE : *level; L <= TERSE_LEVEL_MAX && rc == TERSE_OK && !*done; L++) {
        if (!j->o->budget && L > *level)
            break;
        out->len = 0;
        rc = tool_encode(s, n, L, j->o->query, j->o->query_len, out);
        if (rc != TERSE_OK)
            break;
        *tokens = count_tokens(j, out->p ? out->p : "", out->len);
        kind = level_get(L)->tool_thin ? TOOL_NONE : j->tool_kind >= 0 ? j->tool_kind : tool_kind(s, n);
        if (kind == TOOL_BUILD || kind == TOOL_TESTS || kind == TOOL_TRACE) {
            /* runs and builds at safe: the log pass's folding (templates
             * of alike lines), where it is shorter; terse decode reads
             * either. (Not above safe: there errors stay verbatim.) */
            struct buf lf = {0};
            size_t lt;
            rc = log_fold(s, n, j->counter, raw ? tokens_in : LOG_TOKENS_UNKNOWN, L, &lf, &lt);
            if (rc == TERSE_OK && lt < *tokens) {
                buf_free(out);
                *out = lf;
                *tokens = lt;
            } else {
                buf_free(&lf);
            }
        }
        if (rc == TERSE_OK && (!j->o->budget || *tokens <= j->o->budget)) {
            *done = 1;
            *level = L;
            *dropped = tool_left_out(out->p, out->len);
        }
    }
    if (rc == TERSE_OK && !*done) {
        size_t mt = 0;
        out->len = 0;
        rc = tool_fit(s, n, j->o->query, j->o->query_len, j->counter, j->o->budget, out, &mt);
        if (rc == TERSE_OK) {
            *tokens = count_tokens(j, out->p ? out->p : "", out->len);
            *done = *tokens <= j->o->budget;
            *level = TERSE_LEVEL_MAX;
            *dropped = tool_left_out(out->p, out->len);
        } else if (rc == TERSE_EBUDGET) {
            rc = TERSE_OK; /* left to the text path */
        }
    }
    if (!*done)
        out->len = 0;
    /* an input that itself starts like an encoding must stay encoded */
    *escaped_log = *done && raw && (tool_is_encoded(text, len) || log_is_folded(text, len));
    return rc;
}

/* See lossless.h. */
int compress_lossless(struct job *j, const char *text, size_t len, int type, size_t tokens_in, int *level,
                      struct buf *out, size_t *tokens, size_t *dropped, int *done, int *escaped_log)
{
    int rc = TERSE_OK;
    if (type == TERSE_TYPE_JSON && level_get(*level)->json_tabular)
        rc = lossless_json(j, level, out, tokens, dropped, done);
    if (type == TERSE_TYPE_LOG && level_get(*level)->log_fold && rc == TERSE_OK && !*done &&
        (!j->o->budget || tokens_in > j->o->budget))
        rc = lossless_log(j, text, len, tokens_in, level, out, tokens, dropped, done, escaped_log);
    if (type == TERSE_TYPE_TOOL && level_get(*level)->tool_encode && rc == TERSE_OK && !*done &&
        (!j->o->budget || tokens_in > j->o->budget))
        rc = lossless_tool(j, text, len, tokens_in, level, out, tokens, dropped, done, escaped_log);
    return rc;
}
