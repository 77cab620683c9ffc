/* test_select.c - the one budget fitter (lib/select/pick.c) and the one
 * scorer (lib/select/relevance.c), on synthetic items whose exact count is
 * a sum, so that each rule shows on its own. */
#include <stdio.h>
#include <string.h>

#include "../../lib/select/pick.h"
#include "../../lib/select/relevance.h"
#include "check.h"
#include "terse.h"

/* The output's exact count: base, plus each kept item's cost (its full
 * cost at keep 2), plus `extra` once any ranked item is kept. */
struct sum {
    struct pick_item *it;
    size_t n, base, extra, calls;
    size_t cost[8], full[8];
};

static int sum_measure(void *arg, size_t *tokens)
{
    struct sum *s = arg;
    size_t i, t = s->base;
    int any = 0;
    s->calls++;
    for (i = 0; i < s->n; i++) {
        if (s->it[i].keep && !s->it[i].fixed)
            any = 1;
        t += s->it[i].keep == 2 ? s->full[i] : s->it[i].keep ? s->cost[i] : 0;
    }
    *tokens = t + (any ? s->extra : 0);
    return TERSE_OK;
}

static void setup(struct sum *s, struct pick_item *it, size_t n)
{
    size_t i;
    memset(s, 0, sizeof *s);
    memset(it, 0, n * sizeof *it);
    s->it = it;
    s->n = n;
    for (i = 0; i < n; i++) {
        it[i].score = (double)(n - i); /* earlier is more relevant */
        it[i].tokens = s->cost[i] = 10;
    }
}

static void test_pick_rules(void)
{
    struct pick_item it[8];
    struct sum s;
    size_t min = 0;
    /* turns: a fixed item is kept and not ranked; the most relevant that
     * fit are kept, the fill takes what the estimate's caution left */
    setup(&s, it, 4);
    it[2].fixed = 1;
    it[0].tokens = 15; /* estimated above its exact cost (10) */
    CHECK(pick_items(it, 4, 30, &pick_turns, sum_measure, &s, &min) == TERSE_OK);
    CHECK(it[2].keep == 1 && it[0].keep == 1 && it[1].keep == 1 && it[3].keep == 0);
    /* need_one: not even the fixed item and the most relevant other fit */
    setup(&s, it, 3);
    it[1].fixed = 1;
    CHECK(pick_items(it, 3, 15, &pick_turns, sum_measure, &s, &min) == TERSE_EBUDGET);
    CHECK(min == 20 && it[0].keep == 0);
    /* segments: a second, fuller form is taken where the budget allows,
     * the marker charged to each kept item's estimate */
    {
        struct pick_rules r = pick_segments;
        setup(&s, it, 3);
        r.marker = 1;
        it[0].has_full = 1;
        it[0].full_tokens = s.full[0] = 14;
        CHECK(pick_items(it, 3, 26, &r, sum_measure, &s, &min) == TERSE_OK);
        CHECK(it[0].keep == 2 && it[1].keep == 1 && it[2].keep == 0);
        /* the exact count is over by the marker: the least relevant kept
         * one is shortened first, not dropped */
        setup(&s, it, 2);
        s.extra = 3;
        it[1].has_full = 1;
        it[1].full_tokens = s.full[1] = 12;
        CHECK(pick_items(it, 2, 23, &r, sum_measure, &s, &min) == TERSE_OK);
        CHECK(it[0].keep == 1 && it[1].keep == 1);
    }
    /* members: the first ones by exact count, whatever their estimate */
    setup(&s, it, 3);
    it[0].tokens = 100;
    CHECK(pick_items(it, 3, 20, &pick_members, sum_measure, &s, &min) == TERSE_OK);
    CHECK(it[0].keep == 1 && it[1].keep == 1 && it[2].keep == 0);
    /* bodies: no item needed (the skeleton, the base, fits); the correction
     * drops as many as the excess costs */
    setup(&s, it, 4);
    s.base = 5;
    s.extra = 12;
    CHECK(pick_items(it, 4, 40, &pick_bodies, sum_measure, &s, &min) == TERSE_OK);
    CHECK(it[0].keep == 1 && it[1].keep == 1 && it[2].keep == 0 && it[3].keep == 0);
    /* one round drops both the items the excess (5) costs, the fill
     * takes back the cheap one: 6 exact counts (one at a time: 7) */
    setup(&s, it, 4);
    s.base = 5;
    s.extra = 6;
    it[2].tokens = s.cost[2] = 4;
    it[3].tokens = s.cost[3] = 4;
    CHECK(pick_items(it, 4, 30, &pick_bodies, sum_measure, &s, &min) == TERSE_OK);
    CHECK(it[0].keep == 1 && it[1].keep == 0 && it[2].keep == 1 && it[3].keep == 1 && s.calls == 6);
    /* nothing but the base fits after every round: all left out */
    setup(&s, it, 2);
    s.base = 5;
    s.extra = 100;
    CHECK(pick_items(it, 2, 40, &pick_bodies, sum_measure, &s, &min) == TERSE_OK);
    CHECK(it[0].keep == 0 && it[1].keep == 0);
}

static void test_relevance_rules(void)
{
    static const char *text[] = {"The deploy failed at 09:14.", "It was rolled back.", "Lunch was good.",
                                 "Why did it fail? Because the disk was full."};
    struct relevance_item it[4];
    struct relevance_rules plain = {.position = REL_POS_NONE};
    struct relevance_rules near = {.near = 0.5, .position = REL_POS_NONE};
    struct relevance_rules early = {.position = REL_POS_EARLIER, .position_offset = 2};
    double a[4], b[4];
    size_t i;
    memset(it, 0, sizeof it);
    for (i = 0; i < 4; i++) {
        it[i].s = text[i];
        it[i].n = strlen(text[i]);
    }
    CHECK(relevance_score("deploy failed", 13, it, 4, &plain, a, NULL) == TERSE_OK);
    CHECK(a[0] > 0 && a[1] == 0 && a[2] == 0);
    /* a neighbour of a relevant item shares some of its score */
    CHECK(relevance_score("deploy failed", 13, it, 4, &near, b, NULL) == TERSE_OK);
    CHECK(b[1] == 0.5 * (a[0] + a[2]) && b[1] > 0 && b[0] == a[0]);
    /* without a query: the position, and the bonus */
    it[2].bonus = 3.0;
    CHECK(relevance_score(NULL, 0, it, 4, &early, a, NULL) == TERSE_OK);
    CHECK(a[0] == 0.5 && a[2] == 3.0 + 0.25 && a[0] > a[1]);
    /* the code pass's rule: the prior (bonus + position) scales BM25 */
    {
        struct relevance_rules scales = {.position = REL_POS_EARLIER, .position_offset = 2, .prior_scales = 1};
        double bm[4], c[4];
        CHECK(relevance_score("deploy failed", 13, it, 4, &plain, a, NULL) == TERSE_OK);
        CHECK(relevance_score("deploy failed", 13, it, 4, &scales, c, bm) == TERSE_OK);
        CHECK(bm[0] == a[0] && bm[2] == 0);
        CHECK(c[0] == a[0] * (1.0 + 0.5) && c[2] == (3.0 + 0.25) / 100.0);
        CHECK(relevance_score(NULL, 0, it, 4, &scales, c, bm) == TERSE_OK);
        CHECK(c[2] == 3.0 + 0.25 && bm[2] == 0);
    }
}

const struct test_case select_tests[] = {
    {"select: the fitter's rules (turns, segments, members, bodies)", test_pick_rules},
    {"select: the scorer's rules (BM25, neighbours, bonus, position, a prior that scales)", test_relevance_rules},
    {NULL, NULL},
};
