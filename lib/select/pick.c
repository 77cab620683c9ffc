/* pick.c - whole items to a token budget, most relevant first; pick.h. */
#include "pick.h"

#include <stdlib.h>

#include "rank.h"
#include "terse.h"

/* The greedy estimate is cheap but its sum misses the separators and
 * markers; the exact counts that follow make the result hold, and the
 * filling pass takes back what the estimate's caution left unused. */
int pick_items(struct pick_item *it, size_t n, size_t budget, pick_measure measure, void *arg,
               size_t *min_tokens)
{
    struct rank *order;
    size_t i, used, total, m = 0, tries = 0;
    int rc;
    *min_tokens = 0;
    order = malloc((n + 1) * sizeof *order);
    if (!order)
        return TERSE_ENOMEM;
    for (i = 0; i < n; i++) {
        it[i].keep = it[i].fixed;
        if (!it[i].fixed) {
            order[m].score = it[i].score;
            order[m].index = i;
            m++;
        }
    }
    qsort(order, m, sizeof *order, rank_cmp);
    if ((rc = measure(arg, &used)) != TERSE_OK) {
        free(order);
        return rc;
    }
    for (i = 0; i < m; i++) {
        struct pick_item *p = &it[order[i].index];
        if (used + p->tokens <= budget) {
            p->keep = 1;
            used += p->tokens;
        }
    }
    for (;;) {
        size_t kept = 0;
        if ((rc = measure(arg, &total)) != TERSE_OK) {
            free(order);
            return rc;
        }
        for (i = 0; i < m && !it[order[i].index].keep; i++)
            ;
        if (total <= budget && (i < m || m == 0))
            break;
        for (i = m; i-- > 0;)
            if (it[order[i].index].keep) {
                it[order[i].index].keep = 0;
                kept = 1;
                break;
            }
        if (!kept) {
            /* nothing left to drop: say what the fixed items and the most
             * relevant other one need */
            if (m)
                it[order[0].index].keep = 1;
            rc = measure(arg, min_tokens);
            free(order);
            return rc != TERSE_OK ? rc : TERSE_EBUDGET;
        }
    }
    for (i = 0; i < m && tries < 64 && total < budget; i++) {
        struct pick_item *p = &it[order[i].index];
        size_t t;
        if (p->keep || p->tokens > budget - total)
            continue;
        p->keep = 1;
        tries++;
        if ((rc = measure(arg, &t)) != TERSE_OK) {
            free(order);
            return rc;
        }
        if (t <= budget)
            total = t;
        else
            p->keep = 0;
    }
    free(order);
    return TERSE_OK;
}
