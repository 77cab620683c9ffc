/* expand.c - terse_expand: the lossless encodings back to what they
 * encode; see terse.h. The JSON side is lib/passes/tabular_decode.c, the
 * log side lib/passes/log.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/utf8.h"
#include "detect/detect.h"
#include "passes/log.h"
#include "passes/tabular.h"
#include "passes/tool.h"
#include "terse.h"

/* The first line of the JSON Lines form (see compress.c). */
#define JSONL_HEAD "#jsonl\n"

/* Appends each element of the JSON array in a[0..n) (minified, from the
 * decoder) on its own line. Returns 0, or -1 when a is not an array. */
static int array_to_lines(const char *a, size_t n, struct buf *out)
{
    struct json_doc *d = json_parse(a, n, NULL);
    const struct json_value *v;
    size_t k;
    if (!d)
        return -1;
    v = json_root(d);
    if (v->kind != JSON_ARRAY) {
        json_doc_free(d);
        return -1;
    }
    for (k = 0; k < v->n; k++) {
        json_write(&v->items[k], out);
        buf_addc(out, '\n');
    }
    json_doc_free(d);
    return 0;
}

int terse_expand(const char *text, size_t len, int type, char **out, size_t *out_len, char *err,
                 size_t err_len)
{
    struct buf b = {0}, tmp = {0};
    struct json_error e;
    int rc = TERSE_OK;
    if (err && err_len)
        err[0] = 0;
    if (!out || !out_len || (!text && len) ||
        (type != TERSE_TYPE_AUTO && type != TERSE_TYPE_JSON && type != TERSE_TYPE_LOG &&
         type != TERSE_TYPE_TOOL))
        return TERSE_EINVAL;
    *out = NULL;
    *out_len = 0;
    if (!text)
        text = "";
    if (type == TERSE_TYPE_LOG || ((type == TERSE_TYPE_AUTO || type == TERSE_TYPE_TOOL) && log_is_folded(text, len)) ||
        type == TERSE_TYPE_TOOL || (type == TERSE_TYPE_AUTO && tool_is_encoded(text, len))) {
        /* a folded log or encoded tool output (a text that is neither is
         * its own with the tool type), byte for byte; what compress
         * encoded was valid UTF-8 (it repairs first), so invalid UTF-8 here
         * (binary given to decode) is repaired like any input: each maximal
         * ill-formed subpart becomes U+FFFD */
        size_t bad;
        int log = type == TERSE_TYPE_LOG || log_is_folded(text, len);
        rc = log ? log_unfold(text, len, &b, err, err_len) : tool_decode(text, len, &b, err, err_len);
        if (rc != TERSE_OK) {
            buf_free(&b);
            return rc;
        }
        bad = utf8_first_invalid((const unsigned char *)(b.p ? b.p : ""), b.len);
        if (bad < b.len) {
            size_t n = utf8_repaired_len((const unsigned char *)b.p, b.len);
            if (buf_reserve(&tmp, n + 1) != 0) {
                buf_free(&b);
                return TERSE_ENOMEM;
            }
            utf8_repair((const unsigned char *)b.p, b.len, (unsigned char *)tmp.p);
            tmp.len = n;
            buf_free(&b);
            b = tmp;
        }
        goto done;
    }
    {
        size_t bad = utf8_first_invalid((const unsigned char *)text, len);
        if (bad < len) {
            if (err && err_len)
                snprintf(err, err_len, "invalid UTF-8 at byte %zu", bad);
            return TERSE_EFORMAT;
        }
    }
    if (len >= strlen(JSONL_HEAD) && memcmp(text, JSONL_HEAD, strlen(JSONL_HEAD)) == 0) {
        size_t h = strlen(JSONL_HEAD);
        if ((rc = tab_decode(text + h, len - h, &tmp, &e)) != TERSE_OK) {
            e.line++;
        } else if (array_to_lines(tmp.p, tmp.len, &b) != 0) {
            rc = tmp.oom ? TERSE_ENOMEM : TERSE_EFORMAT;
            snprintf(e.msg, sizeof(e.msg), "JSON Lines form without an array");
            e.line = 2;
            e.col = 1;
        }
    } else if ((rc = tab_decode(text, len, &b, &e)) == TERSE_EFORMAT) {
        /* JSON Lines that compress gave back unchanged (nothing was
         * shorter) decode to themselves, minified; so does terminal output
         * that compress gave back unchanged: what its detection reads as
         * tool output, byte for byte */
        int kind;
        b.len = 0;
        if (json_lines(text, len, &tmp) == 0 || array_to_lines(tmp.p, tmp.len, &b) != 0) {
            if (tmp.oom || b.oom) {
                rc = TERSE_ENOMEM;
            } else {
                b.len = 0;
                if (detect_type_tool(text, len, NULL, &kind) == TERSE_TYPE_TOOL) {
                    int trc = tool_decode(text, len, &b, err, err_len);
                    if (trc != TERSE_EFORMAT) {
                        buf_free(&tmp);
                        if (trc == TERSE_OK)
                            goto done;
                        buf_free(&b);
                        return trc;
                    }
                }
            }
        } else {
            rc = TERSE_OK;
        }
    } else if (rc == TERSE_OK) {
        buf_addc(&b, '\n');
    }
    buf_free(&tmp);
    if (rc == TERSE_OK && b.oom)
        rc = TERSE_ENOMEM;
    if (rc != TERSE_OK) {
        if (rc == TERSE_EFORMAT && err && err_len)
            snprintf(err, err_len, "line %zu, column %zu: %s", e.line, e.col, e.msg);
        buf_free(&b);
        return rc;
    }
done:
    *out = buf_take(&b, out_len);
    if (!*out) {
        *out = malloc(1);
        if (!*out)
            return TERSE_ENOMEM;
        (*out)[0] = 0;
        *out_len = 0;
    }
    return TERSE_OK;
}
