/* pick.c - the one budget fitter, most relevant first; see pick.h.
 *
 * The estimate is cheap but its sum misses separators, markers and the
 * tokens that merge across item boundaries; the exact counts that follow
 * make the result hold, and the fill takes back what the estimate's caution
 * left unused. The rules of each kind of content are the ones its own
 * fitter had before they became one (so that no output changed).
 */
#include "pick.h"

#include <stdlib.h>

#include "rank.h"
#include "terse.h"

/* Text segments: each kept one may cost a marker for the run left out
 * beside it (the caller sets .marker, and .measure_base when it keeps a
 * selection made earlier); the fill is bounded by the segments. */
const struct pick_rules pick_segments = {
    .need_one = 1,
    .fill_room = 1,
};

/* JSON members: the 8 most relevant by exact count, so that an estimate
 * cannot let a lesser one take their place; the fill tries every member
 * no larger than the budget, 1 + 64 times, also when the estimate kept
 * none. */
const struct pick_rules pick_members = {
    .exact_first = 8,
    .fill_tries = 64,
    .measure_base = 1,
    .need_one = 1,
    .fill_free_first = 1,
    .fill_when_none = 1,
};

/* Chat turns, memories, lines of tool output: whole items around the
 * fixed ones. */
const struct pick_rules pick_turns = {
    .fill_tries = 64,
    .measure_base = 1,
    .need_one = 1,
    .fill_room = 1,
};

/* Code bodies and declarations over a skeleton that fits (the caller
 * checks it): a kept body can split a folded run in two markers, so the
 * correction drops as many as the excess costs, gives up after 64 rounds
 * (the skeleton alone), and the fill tries the next 8. */
const struct pick_rules pick_bodies = {
    .max_rounds = 64,
    .fill_tries = 8,
    .measure_base = 1,
    .drop_excess = 1,
};

/* Step 1, the estimate: keeps, most relevant first, the items whose
 * estimates add up within the budget (the first exact_first by exact
 * count). Counts the kept ones into *kept. Returns TERSE_OK or measure's
 * status. */
static int estimate(struct pick_item *it, const struct rank *order, size_t m, size_t budget,
                    const struct pick_rules *r, pick_measure measure, void *arg, size_t *kept)
{
    size_t i, used = 0, t;
    int rc;
    if (r->measure_base && (rc = measure(arg, &used)) != TERSE_OK)
        return rc;
    for (i = 0; i < m; i++) {
        struct pick_item *p = &it[order[i].index];
        if (p->keep)
            continue; /* kept already: the caller's earlier selection */
        if (i < r->exact_first) {
            p->keep = 1;
            if ((rc = measure(arg, &t)) != TERSE_OK)
                return rc;
            if (t <= budget) {
                used = t;
                (*kept)++;
            } else {
                p->keep = 0;
            }
        } else if (p->has_full && used + p->full_tokens + r->marker <= budget) {
            p->keep = 2;
            used += p->full_tokens + r->marker;
            (*kept)++;
        } else if (used + p->tokens + r->marker <= budget) {
            p->keep = 1;
            used += p->tokens + r->marker;
            (*kept)++;
        }
    }
    return TERSE_OK;
}

/* One step of the correction: shortens or drops the least relevant kept
 * items, one or (drop_excess) as many as excess tokens cost. Returns the
 * number of steps taken (0: nothing was kept). */
static size_t drop_least(struct pick_item *it, const struct rank *order, size_t m, const struct pick_rules *r,
                         size_t excess, size_t *kept)
{
    size_t i, steps = 0, freed = 0;
    for (i = m; i-- > 0 && (r->drop_excess ? freed < excess : steps == 0);) {
        struct pick_item *p = &it[order[i].index];
        if (p->keep == 2 && !r->drop_excess) {
            p->keep = 1;
            steps++;
        } else if (p->keep) {
            p->keep = 0;
            (*kept)--;
            freed += p->tokens ? p->tokens : 1;
            steps++;
        }
    }
    return steps;
}

/* Step 3, the fill: offers what the budget has left to the items left
 * out (or kept short), most relevant first, each kept (in full when it can
 * be) only when an exact count allows. total is the exact count so far. */
static int fill(struct pick_item *it, const struct rank *order, size_t m, size_t budget, const struct pick_rules *r,
                pick_measure measure, void *arg, size_t total)
{
    size_t i, tries = 0, t;
    int rc, free_try = r->fill_free_first;
    for (i = 0; i < m; i++) {
        struct pick_item *p = &it[order[i].index];
        int want;
        if ((r->fill_room && total >= budget) || (r->fill_tries && tries >= r->fill_tries))
            break;
        for (want = p->has_full ? 2 : 1; want >= 1; want--) {
            size_t cost = want == 2 ? p->full_tokens : p->tokens;
            uint8_t was = p->keep;
            if (p->keep >= want)
                continue;
            if (r->fill_room ? cost > budget - total + r->marker + (p->keep == 1 ? p->tokens : 0)
                             : cost > budget)
                continue;
            if (free_try)
                free_try = 0;
            else
                tries++;
            p->keep = (uint8_t)want;
            if ((rc = measure(arg, &t)) != TERSE_OK)
                return rc;
            if (t <= budget) {
                total = t;
                break;
            }
            p->keep = was;
        }
    }
    return TERSE_OK;
}

/* See pick.h. */
int pick_items(struct pick_item *it, size_t n, size_t budget, const struct pick_rules *r, pick_measure measure,
               void *arg, size_t *min_tokens)
{
    struct rank *order;
    size_t i, m = 0, kept = 0, total = 0, rounds;
    int rc;
    order = malloc((n + 1) * sizeof *order);
    if (!order)
        return TERSE_ENOMEM;
    for (i = 0; i < n; i++) {
        if (it[i].fixed) {
            it[i].keep = 1;
        } else if (!it[i].out) {
            order[m].score = it[i].score;
            order[m].index = i;
            kept += it[i].keep != 0;
            m++;
        }
    }
    qsort(order, m, sizeof *order, rank_cmp);
    if ((rc = estimate(it, order, m, budget, r, measure, arg, &kept)) != TERSE_OK)
        goto done;
    /* step 2, the correction */
    for (rounds = 0;; rounds++) {
        if (r->max_rounds && rounds == r->max_rounds) {
            /* give up: the base (which the caller has checked) fits */
            for (i = 0; i < m; i++)
                it[order[i].index].keep = 0;
            goto done;
        }
        if ((rc = measure(arg, &total)) != TERSE_OK)
            goto done;
        if (total <= budget && (kept > 0 || !r->need_one || m == 0 || r->fill_when_none))
            break;
        if (drop_least(it, order, m, r, total > budget ? total - budget : 0, &kept) == 0) {
            if (!r->need_one)
                break;
            /* nothing left to drop: say what the fixed items and the most
             * relevant other one need */
            if (m)
                it[order[0].index].keep = 1;
            rc = measure(arg, min_tokens);
            if (m)
                it[order[0].index].keep = 0;
            if (rc == TERSE_OK)
                rc = TERSE_EBUDGET;
            goto done;
        }
    }
    rc = fill(it, order, m, budget, r, measure, arg, total);
    if (rc == TERSE_OK && r->need_one && m) {
        /* fill_when_none: the fill too may have kept nothing */
        for (i = 0; i < m && !it[order[i].index].keep; i++)
            ;
        if (i == m) {
            it[order[0].index].keep = 1;
            rc = measure(arg, min_tokens);
            it[order[0].index].keep = 0;
            if (rc == TERSE_OK)
                rc = TERSE_EBUDGET;
        }
    }
done:
    free(order);
    return rc;
}
