/* fit.c - a document to a token budget: the lowest level that fits, else
 * whole segments by relevance and exact counts, then clauses; see fit.h.
 */
#include "fit.h"

#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../select/rank.h"
#include "document.h"
#include "prose_doc.h"
#include "score.h"

/* See fit.h. */
size_t assembled_tokens(const struct job *j, int budget_mode, size_t *dropped, struct buf *b)
{
    b->len = 0;
    assemble(j, budget_mode, b, dropped);
    if (b->oom)
        return (size_t)-1;
    return count_tokens(j, b->p ? b->p : "", b->len);
}

/* See fit.h. */
int fit_budget(struct job *j, struct buf *b, size_t *dropped, size_t *min_tokens, int preserve)
{
    size_t budget = j->o->budget, i, used = 0, kept = 0, marker, total = 0;
    struct rank *order;
    int full_level = j->o->level < TERSE_LEVEL_BALANCED ? j->o->level : TERSE_LEVEL_BALANCED;
    if (score_segments(j) != 0)
        return TERSE_ENOMEM;
    order = malloc((j->n_segs + 1) * sizeof *order);
    if (!order)
        return TERSE_ENOMEM;
    marker = count_tokens(j, " " MARKER, strlen(" " MARKER));
    if (preserve) {
        used = assembled_tokens(j, 1, dropped, b);
        if (used == (size_t)-1) {
            free(order);
            return TERSE_ENOMEM;
        }
    }
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
        if (preserve && g->keep) {
            kept++;
            continue;
        }
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
                free(order);
                return TERSE_ENOMEM;
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
            free(order);
            return TERSE_ENOMEM;
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
        struct seg *g = &j->segs[order[i].index];
        if (g->removed || g->out_len == 0 || g->keep)
            continue;
        if (g->full && used + g->full_tokens + marker <= budget) {
            g->keep = 2;
            used += g->full_tokens + marker;
            kept++;
        } else if (used + g->tokens + marker <= budget) {
            g->keep = 1;
            used += g->tokens + marker;
            kept++;
        }
    }
    for (;;) {
        total = assembled_tokens(j, 1, dropped, b);
        if (total == (size_t)-1) {
            free(order);
            return TERSE_ENOMEM;
        }
        if (total <= budget && kept > 0)
            break;
        if (kept == 0) {
            /* not even the most relevant segment fits: say what would */
            for (i = 0; i < j->n_segs; i++) {
                struct seg *g = &j->segs[order[i].index];
                if (!g->removed && g->out_len) {
                    g->keep = 1;
                    *min_tokens = assembled_tokens(j, 1, dropped, b);
                    g->keep = 0;
                    break;
                }
            }
            free(order);
            return TERSE_EBUDGET;
        }
        /* over by the estimate's error: shorten or drop the least relevant */
        for (i = j->n_segs; i-- > 0;) {
            struct seg *g = &j->segs[order[i].index];
            if (g->keep == 2) {
                g->keep = 1;
                break;
            }
            if (g->keep == 1) {
                g->keep = 0;
                kept--;
                break;
            }
        }
    }
    /* the estimate charged a marker per segment: use what is left, most
     * relevant first, checking each addition with an exact count */
    for (i = 0; i < j->n_segs && total < budget; i++) {
        struct seg *g = &j->segs[order[i].index];
        int want;
        for (want = 2; want >= 1; want--) {
            size_t t2, cost = want == 2 ? g->full_tokens : g->tokens;
            if (g->keep >= want || g->removed || g->out_len == 0 || (want == 2 && !g->full))
                continue;
            if (cost > budget - total + marker + (g->keep == 1 ? g->tokens : 0))
                continue;
            {
                uint8_t was = g->keep;
                g->keep = (uint8_t)want;
                t2 = assembled_tokens(j, 1, dropped, b);
                if (t2 == (size_t)-1) {
                    free(order);
                    return TERSE_ENOMEM;
                }
                if (t2 <= budget) {
                    total = t2;
                    break;
                }
                g->keep = was;
            }
        }
    }
    assembled_tokens(j, 1, dropped, b);
    free(order);
    return b->oom ? TERSE_ENOMEM : TERSE_OK;
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
    for (L = TERSE_LEVEL_EXACT; L <= level && !j->oom; L++) {
        compress_all(j, L);
        if (assembled_tokens(j, 0, dropped, out) <= j->o->budget) {
            fits = 1;
            level = L;
            break;
        }
    }
    if (!fits && !j->oom) {
        /* drop the least relevant sentences; when not even one
         * fits, drop clauses instead */
        level = verbatim ? TERSE_LEVEL_EXACT : j->o->level;
        rc = fit_budget(j, out, dropped, min_tokens, 0);
        if (rc == TERSE_EBUDGET) {
            if (split_clauses(j, 0) != 0)
                return TERSE_ENOMEM;
            compress_all(j, level);
            rc = fit_budget(j, out, dropped, min_tokens, 0);
        } else if (rc == TERSE_OK) {
            /* what is left of the budget takes the relevant clauses
             * of the sentences that did not fit */
            if (split_clauses(j, 1) != 0)
                return TERSE_ENOMEM;
            compress_missing(j, level);
            rc = fit_budget(j, out, dropped, min_tokens, 1);
        }
        if (rc == TERSE_OK && !content_kept(j))
            rc = TERSE_EBUDGET; /* only headings and markers: no content */
    }
    *level_io = level;
    return rc;
}
