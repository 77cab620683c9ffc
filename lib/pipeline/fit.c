/* fit.c - a document to a token budget: the lowest level that fits, else
 * whole segments by relevance and exact counts, then clauses; see fit.h.
 */
#include "fit.h"

#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../passes/levels.h" /* LEVEL_WORDING */
#include "../select/pick.h"
#include "../select/rank.h"
#include "document.h"
#include "prose_doc.h"
#include "score.h"

/* See fit.h. */
int assembled_tokens(struct job *j, int budget_mode, size_t *dropped, struct buf *b, size_t *tokens)
{
    b->len = 0;
    assemble(j, budget_mode, b, dropped);
    if (b->oom)
        return TERSE_ENOMEM;
    *tokens = count_tokens(j, b->p ? b->p : "", b->len);
    return j->status;
}

/* The measure of the segment fitter: the assembled output's tokens with
 * the items' keeps. */
struct seg_fit {
    struct job *j;
    struct pick_item *it;
    struct buf *b;
    size_t *dropped;
};

static int seg_measure(void *arg, size_t *tokens)
{
    struct seg_fit *f = arg;
    size_t i;
    for (i = 0; i < f->j->n_segs; i++)
        f->j->segs[i].keep = f->it[i].keep;
    return assembled_tokens(f->j, 1, f->dropped, f->b, tokens);
}

/* See fit.h. The segments' forms are made here (the fuller one, and for
 * the two most relevant the `safe` one); which are kept, pick_items
 * decides by the rules pick_segments. */
int fit_budget(struct job *j, struct buf *b, size_t *dropped, size_t *min_tokens, int preserve)
{
    size_t budget = j->o->budget, i;
    struct rank *order;
    struct pick_item *it;
    struct pick_rules rules = pick_segments;
    struct seg_fit f;
    int rc, full_level = j->o->level < LEVEL_WORDING ? j->o->level : LEVEL_WORDING;
    if ((rc = score_segments(j)) != TERSE_OK)
        return rc;
    order = malloc((j->n_segs + 1) * sizeof *order);
    it = calloc(j->n_segs + 1, sizeof *it);
    if (!order || !it) {
        free(order);
        free(it);
        return TERSE_ENOMEM;
    }
    rules.marker = count_tokens(j, " " MARKER, strlen(" " MARKER));
    rules.measure_base = (uint8_t)preserve;
    /* coverage or precision: when the budget holds most of the text at
     * the job's level, more segments (telegraphic) serve better than fewer
     * ones in full; when it is tight, the most relevant ones go in full */
    {
        size_t all = 0;
        for (i = 0; i < j->n_segs; i++)
            if (!j->segs[i].removed && j->segs[i].out_len && !(preserve && j->segs[i].keep))
                all += count_tokens(j, j->segs[i].out, j->segs[i].out_len) + 1;
        if (budget * 10 >= all * 4)
            full_level = j->o->level; /* no fuller versions */
    }
    for (i = 0; i < j->n_segs; i++) {
        struct seg *g = &j->segs[i];
        order[i].score = g->score;
        order[i].index = i;
        if (preserve && g->keep)
            continue;
        g->keep = 0;
        g->tokens = g->removed ? 0 : (uint32_t)(count_tokens(j, g->out, g->out_len) + 1);
        free(g->full);
        g->full = NULL;
        g->full_tokens = UINT32_MAX;
        if (!g->removed && g->out_len && j->o->level > full_level &&
            (g->kind == SEG_SENTENCE || g->kind == SEG_HEADING)) {
            size_t full_len = 0;
            g->full = compress_alt(j, g, full_level, &full_len);
            if (!g->full) {
                rc = TERSE_ENOMEM;
                goto done;
            }
            g->full_len = (uint32_t)full_len;
            g->full_tokens = (uint32_t)(count_tokens(j, g->full, g->full_len) + 1);
        }
    }
    qsort(order, j->n_segs, sizeof *order, rank_cmp);
    /* the two most relevant segments keep even more of their wording
     * (`safe`) when that costs little of the budget (a long document under
     * a tight budget): they most likely hold what the query asks */
    for (i = 0; i < j->n_segs && i < 2 && !preserve && full_level > TERSE_LEVEL_SAFE; i++) {
        struct seg *g = &j->segs[order[i].index];
        size_t safe_len, t;
        char *safe;
        if (!g->full || g->score <= 0)
            continue;
        safe = compress_alt(j, g, TERSE_LEVEL_SAFE, &safe_len);
        if (!safe) {
            rc = TERSE_ENOMEM;
            goto done;
        }
        t = count_tokens(j, safe, safe_len) + 1;
        if (t * 100 <= budget * 15) {
            /* cheap against the budget (a long document): worth it */
            free(g->full);
            g->full = safe;
            g->full_len = (uint32_t)safe_len;
            g->full_tokens = (uint32_t)t;
        } else {
            free(safe);
        }
    }
    for (i = 0; i < j->n_segs; i++) {
        const struct seg *g = &j->segs[i];
        it[i].score = g->score;
        it[i].tokens = g->tokens;
        it[i].full_tokens = g->full_tokens;
        it[i].has_full = g->full != NULL;
        it[i].out = g->removed || g->out_len == 0;
        it[i].keep = g->keep;
    }
    f.j = j;
    f.it = it;
    f.b = b;
    f.dropped = dropped;
    rc = pick_items(it, j->n_segs, budget, &rules, seg_measure, &f, min_tokens);
    if (rc == TERSE_OK || rc == TERSE_EBUDGET) {
        for (i = 0; i < j->n_segs; i++)
            j->segs[i].keep = it[i].keep;
    }
    if (rc == TERSE_OK) {
        size_t t;
        rc = assembled_tokens(j, 1, dropped, b, &t);
    }
done:
    free(order);
    free(it);
    return rc;
}

/* Returns 1 if the budget selection kept a content segment (a sentence or
 * a verbatim block), not only headings, rules and markers. */
static int content_kept(const struct job *j)
{
    size_t i;
    for (i = 0; i < j->n_segs; i++) {
        const struct seg *g = &j->segs[i];
        if (g->keep && !g->removed && g->out_len &&
            (g->kind == SEG_SENTENCE || g->kind == SEG_VERBATIM))
            return 1;
    }
    return 0;
}

/* See fit.h. */
int fit_doc(struct job *j, int *level_io, int verbatim, struct buf *out, size_t *dropped, size_t *min_tokens)
{
    /* the lowest level that fits, else drop at the highest allowed */
    int L, fits = 0, rc = TERSE_OK, level = *level_io;
    for (L = TERSE_LEVEL_EXACT; L <= level && j->status == TERSE_OK; L++) {
        size_t t;
        compress_all(j, L);
        if ((rc = assembled_tokens(j, 0, dropped, out, &t)) != TERSE_OK)
            return rc;
        if (t <= j->o->budget) {
            fits = 1;
            level = L;
            break;
        }
    }
    if (!fits && j->status == TERSE_OK) {
        /* drop the least relevant sentences; when not even one
         * fits, drop clauses instead */
        level = verbatim ? TERSE_LEVEL_EXACT : j->o->level;
        rc = fit_budget(j, out, dropped, min_tokens, 0);
        if (rc == TERSE_EBUDGET) {
            if (split_clauses(j, 0) != 0)
                return j->status != TERSE_OK ? j->status : TERSE_ENOMEM;
            compress_all(j, level);
            rc = fit_budget(j, out, dropped, min_tokens, 0);
        } else if (rc == TERSE_OK) {
            /* what is left of the budget takes the relevant clauses
             * of the sentences that did not fit */
            if (split_clauses(j, 1) != 0)
                return j->status != TERSE_OK ? j->status : TERSE_ENOMEM;
            compress_missing(j, level);
            rc = fit_budget(j, out, dropped, min_tokens, 1);
        }
        if (rc == TERSE_OK && !content_kept(j))
            rc = TERSE_EBUDGET; /* only headings and markers: no content */
    }
    *level_io = level;
    return j->status != TERSE_OK ? j->status : rc;
}
