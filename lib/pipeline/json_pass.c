/* json_pass.c - JSON input: the tabular encoding, and top-level members
 * kept by relevance under a budget; see json_pass.h.
 */
#include "json_pass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/json.h"
#include "../passes/levels.h" /* level_get */
#include "../passes/tabular.h"
#include "../select/pick.h"
#include "document.h"
#include "score.h"

/* Writes the container with the kept members and one marker member for
 * the others, and counts it into *tokens. Returns TERSE_OK or the
 * failure's status. */
static int json_assemble(struct job *j, size_t n, int is_object, struct buf *out, size_t *dropped, size_t *tokens)
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
        return TERSE_ENOMEM;
    *tokens = count_tokens(j, out->p, out->len);
    return j->status;
}

/* The measure of the member fitter: the container's tokens with the
 * items' keeps. */
struct member_fit {
    struct job *j;
    const struct pick_item *it;
    size_t n;
    int is_object;
    struct buf *out;
    size_t *dropped;
};

static int member_measure(void *arg, size_t *tokens)
{
    struct member_fit *f = arg;
    size_t i;
    for (i = 0; i < f->n; i++)
        f->j->segs[i].keep = f->it[i].keep;
    return json_assemble(f->j, f->n, f->is_object, f->out, f->dropped, tokens);
}

/* See json_pass.h. */
int compress_json(struct job *j, struct buf *out, size_t *dropped, size_t *min_tokens)
{
    size_t n = 0, i, cap, budget = j->o->budget, total;
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
    if (j->status != TERSE_OK)
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
        g->out_len = (uint32_t)b.len;
        g->tokens = (uint32_t)(count_tokens(j, g->out, g->out_len) + 1);
    }
    buf_free(&b);
    if ((rc = score_segments(j)) != TERSE_OK)
        return rc;
    {
        struct pick_item *it = calloc(n + 1, sizeof *it);
        struct member_fit f;
        if (!it)
            return TERSE_ENOMEM;
        for (i = 0; i < n; i++) {
            /* relevance first, size second: with a query, a member that
             * shares something with it goes before every member that
             * shares nothing, however small (their position only orders
             * them among themselves) */
            it[i].score = j->segs[i].score;
            if (j->o->query_len && j->segs[i].score > score_position(i) * (1 + 1e-9))
                it[i].score += 1e6;
            it[i].tokens = j->segs[i].tokens;
        }
        f.j = j;
        f.it = it;
        f.n = n;
        f.is_object = is_object;
        f.out = out;
        f.dropped = dropped;
        rc = pick_items(it, n, budget, &pick_members, member_measure, &f, min_tokens);
        if (rc == TERSE_OK)
            rc = member_measure(&f, &total);
        free(it);
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
    lim.sample_rows = level_get(level)->tab_sample_rows;
    lim.max_string = level_get(level)->tab_max_string;
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
    rc = tab_encode(json_root(d), j->counter, lim.sample_rows || lim.max_string ? &lim : NULL,
                    out, tokens);
    json_doc_free(d);
    if (lines && rc == TERSE_OK)
        *tokens = count_tokens(j, out->p, out->len);
    return rc;
}
