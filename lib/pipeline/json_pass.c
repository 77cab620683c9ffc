/* json_pass.c - JSON input: the tabular encoding, and top-level members
 * kept by relevance under a budget; see json_pass.h.
 */
#include "json_pass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/json.h"
#include "../passes/tabular.h"
#include "../select/rank.h"
#include "document.h"
#include "score.h"

/* Writes the container with the kept members and one marker member for
 * the others; returns its token count. */
static size_t json_assemble(struct job *j, size_t n, int is_object, struct buf *out, size_t *dropped)
{
    char note[96];
    size_t d = 0, k;
    int first = 1;
    out->len = 0;
    buf_addc(out, is_object ? '{' : '[');
    for (k = 0; k < n; k++) {
        if (!j->segs[k].keep) {
            d++;
            continue;
        }
        if (!first)
            buf_addc(out, ',');
        buf_add(out, j->segs[k].out, j->segs[k].out_len);
        first = 0;
    }
    if (d) {
        if (is_object)
            snprintf(note, sizeof note, "%s\"…\":\"%zu of %zu entries omitted\"", first ? "" : ",", d, n);
        else
            snprintf(note, sizeof note, "%s\"… %zu of %zu items omitted\"", first ? "" : ",", d, n);
        buf_adds(out, note);
    }
    buf_addc(out, is_object ? '}' : ']');
    *dropped = d;
    if (out->oom)
        return (size_t)-1;
    return count_tokens(j, out->p, out->len);
}

/* See json_pass.h. */
int compress_json(struct job *j, struct buf *out, size_t *dropped, size_t *min_tokens)
{
    size_t n = 0, i, cap, budget = j->o->budget, kept, total;
    size_t *st, *en;
    int is_object = 0, rc = TERSE_OK;
    struct buf b = {0};
    json_minify(j->doc, j->n, out);
    if (out->oom)
        return TERSE_ENOMEM;
    if (!budget || count_tokens(j, out->p ? out->p : "", out->len) <= budget)
        return TERSE_OK;
    cap = j->n / 2 + 2;
    st = malloc(cap * sizeof *st);
    en = malloc(cap * sizeof *en);
    if (!st || !en) {
        free(st);
        free(en);
        return TERSE_ENOMEM;
    }
    n = json_members(j->doc, j->n, st, en, cap, &is_object);
    if (n == 0) {
        free(st);
        free(en);
        *min_tokens = count_tokens(j, out->p ? out->p : "", out->len);
        return TERSE_EBUDGET;
    }
    /* members become segments, compressed (minified) on their own */
    for (i = 0; i < n; i++) {
        add_block(j, 0, 0, SEP_SPACE);
        add_seg(j, st[i], en[i], SEG_VERBATIM);
    }
    free(st);
    free(en);
    if (j->oom)
        return TERSE_ENOMEM;
    for (i = 0; i < j->n_segs; i++) {
        struct seg *g = &j->segs[i];
        b.len = 0;
        json_minify(j->doc + g->start, g->end - g->start, &b);
        g->out = malloc(b.len + 1);
        if (!g->out || b.oom) {
            buf_free(&b);
            return TERSE_ENOMEM;
        }
        memcpy(g->out, b.p ? b.p : "", b.len);
        g->out_len = b.len;
        g->tokens = count_tokens(j, g->out, g->out_len) + 1;
    }
    buf_free(&b);
    if (score_segments(j) != 0)
        return TERSE_ENOMEM;
    {
        struct rank *order = malloc((n + 1) * sizeof *order);
        size_t used, tries = 0, k;
        int probing = 0, filling = 0;
        if (!order)
            return TERSE_ENOMEM;
        for (i = 0; i < n; i++) {
            order[i].score = j->segs[i].score;
            order[i].index = i;
        }
        qsort(order, n, sizeof *order, rank_cmp);
        used = json_assemble(j, n, is_object, out, dropped);
        kept = 0;
        for (i = 0; i < n; i++) {
            struct seg *g = &j->segs[order[i].index];
            if (i < 8) {
                /* the most relevant members by exact count: an estimate
                 * must not let a lesser one take their place */
                size_t t2;
                g->keep = 1;
                t2 = json_assemble(j, n, is_object, out, dropped);
                if (t2 <= budget) {
                    used = t2;
                    kept++;
                } else {
                    g->keep = 0;
                }
            } else if (used + g->tokens <= budget) {
                g->keep = 1;
                used += g->tokens;
                kept++;
            }
        }
        for (k = 0;;) {
            if (out->oom) {
                rc = TERSE_ENOMEM;
                break;
            }
            total = json_assemble(j, n, is_object, out, dropped);
            if (probing) {
                /* the output with only the most relevant member */
                *min_tokens = total;
                rc = TERSE_EBUDGET;
                break;
            }
            if (filling) {
                /* keep the tried member only if the exact count allows */
                if (total > budget)
                    j->segs[order[k - 1].index].keep = 0;
                while (k < n && (j->segs[order[k].index].keep || j->segs[order[k].index].tokens > budget))
                    k++;
                if (k >= n || ++tries > 64) {
                    total = json_assemble(j, n, is_object, out, dropped);
                    break;
                }
                j->segs[order[k++].index].keep = 1;
                continue;
            }
            if (total <= budget && kept > 0) {
                filling = 1; /* the estimate was cautious: try more */
                k = 0;
                while (k < n && j->segs[order[k].index].keep)
                    k++;
                if (k >= n)
                    break;
                j->segs[order[k++].index].keep = 1;
                continue;
            }
            if (kept == 0) {
                j->segs[order[0].index].keep = 1;
                probing = 1;
                continue;
            }
            for (i = n; i-- > 0;)
                if (j->segs[order[i].index].keep) {
                    j->segs[order[i].index].keep = 0;
                    kept--;
                    break;
                }
        }
        free(order);
    }
    return rc;
}

/* See json_pass.h. */
int compress_json_tabular(struct job *j, int level, struct buf *out, size_t *tokens)
{
    struct buf arr = {0};
    struct json_doc *d;
    int lines;
    struct tab_limits lim;
    int rc;
    memset(&lim, 0, sizeof lim);
    if (level >= TERSE_LEVEL_BALANCED) {
        lim.sample_rows = level == TERSE_LEVEL_MAX ? 10 : 30;
        lim.max_string = level == TERSE_LEVEL_MAX ? 200 : 1000;
    }
    d = j->parsed ? j->parsed : json_parse(j->doc, j->n, NULL);
    j->parsed = NULL; /* freed below */
    lines = d == NULL;
    if (lines) {
        /* not one JSON value: JSON Lines? */
        if (!json_lines(j->doc, j->n, &arr)) {
            buf_free(&arr);
            return arr.oom ? TERSE_ENOMEM : TERSE_EFORMAT;
        }
        d = json_parse(arr.p, arr.len, NULL);
    }
    buf_free(&arr);
    if (!d)
        return TERSE_EFORMAT;
    if (lines)
        buf_adds(out, "#jsonl\n");
    rc = tab_encode(json_root(d), j->counter, level >= TERSE_LEVEL_BALANCED ? &lim : NULL,
                    out, tokens);
    json_doc_free(d);
    if (lines && rc == TERSE_OK)
        *tokens = count_tokens(j, out->p, out->len);
    return rc;
}
