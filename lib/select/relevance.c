/* relevance.c - the one scorer; see relevance.h. Moved from the scorers
 * of the pipeline (segments), the chat pass (turns), the memory pass, the
 * tool pass and the code pass (definitions), whose weights are now the
 * rules of their callers. */
#include "relevance.h"

#include <stdlib.h>

#include "../common/lex.h"
#include "bm25.h"
#include "terse.h"

/* What kind of answer the question asks for: a segment that has one (a
 * number for "when"/"how many", a name for "who"/"where") weighs more;
 * for "why", a segment that gives a cause ("because", "due to", "root
 * cause") is relevant even when it shares no word with the question.
 * Returns TERSE_OK or TERSE_ENOMEM. */
static int answer_kinds(const char *q, size_t qlen, const struct relevance_item *it, size_t n, double *sc)
{
    int want_num = 0, want_name = 0, want_cause = 0;
    double top = 0;
    struct lex_tok qt[64];
    size_t qn = qlen < 64 ? qlen : 64, k, m, i;
    while (qn < qlen && qn > 0 && ((unsigned char)q[qn] & 0xC0) == 0x80)
        qn--; /* cut at a character boundary */
    qn = lex_text(q, qn, qt);
    for (k = 0; k < qn; k++) {
        const char *w = q + qt[k].start;
        size_t L = qt[k].len;
        if (lex_word_is(w, L, "when") || lex_word_is(w, L, "year") || lex_word_is(w, L, "many") ||
            lex_word_is(w, L, "much") || lex_word_is(w, L, "percentage") || lex_word_is(w, L, "century") ||
            lex_word_is(w, L, "date") || lex_word_is(w, L, "long"))
            want_num = 1;
        if (lex_word_is(w, L, "who") || lex_word_is(w, L, "whom") || lex_word_is(w, L, "whose") ||
            lex_word_is(w, L, "where"))
            want_name = 1;
        if (lex_word_is(w, L, "why") || lex_word_is(w, L, "reason") || lex_word_is(w, L, "cause"))
            want_cause = 1;
    }
    for (i = 0; want_cause && i < n; i++)
        if (sc[i] > top)
            top = sc[i];
    for (i = 0; (want_num || want_name || want_cause) && i < n; i++) {
        struct lex_tok *st;
        size_t nt;
        int has = 0;
        if (sc[i] <= 0 && !want_cause)
            continue;
        if (!(st = malloc((it[i].n + 1) * sizeof *st)))
            return TERSE_ENOMEM;
        nt = lex_text(it[i].s, it[i].n, st);
        for (m = 0; m < nt && !has && sc[i] > 0; m++)
            has = (want_num && st[m].kind == LX_NUMBER) ||
                  (want_name && m > 0 && st[m].kind == LX_WORD && (st[m].flags & LXF_CAP));
        if (has)
            sc[i] *= 1.3;
        for (m = 0, has = 0; want_cause && m < nt && !has; m++) {
            const char *w = it[i].s + st[m].start;
            size_t L = st[m].len;
            has = st[m].kind == LX_WORD &&
                  (lex_word_is(w, L, "because") || lex_word_is(w, L, "cause") || lex_word_is(w, L, "caused") ||
                   lex_word_is(w, L, "causes") || lex_word_is(w, L, "reason") || lex_word_is(w, L, "reasons") ||
                   (lex_word_is(w, L, "due") && m + 1 < nt &&
                    lex_word_is(it[i].s + st[m + 1].start, st[m + 1].len, "to")));
        }
        free(st);
        if (has)
            sc[i] += 0.35 * top;
    }
    return TERSE_OK;
}

/* See relevance.h. */
int relevance_score(const char *query, size_t qlen, const struct relevance_item *it, size_t n,
                    const struct relevance_rules *r, double *scores, double *bm25)
{
    double *sc;
    size_t i;
    int rc = TERSE_OK;
    if (!n)
        return TERSE_OK;
    sc = calloc(n, sizeof *sc);
    if (!sc)
        return TERSE_ENOMEM;
    if (query && qlen) {
        struct bm25_seg *bs = malloc(n * sizeof *bs);
        if (!bs) {
            free(sc);
            return TERSE_ENOMEM;
        }
        for (i = 0; i < n; i++) {
            bs[i].s = it[i].s;
            bs[i].n = it[i].n;
        }
        rc = bm25_score(query, qlen, bs, n, sc);
        free(bs);
        if (rc == TERSE_OK && r->answer_kinds)
            rc = answer_kinds(query, qlen, it, n, sc);
        if (rc != TERSE_OK) {
            free(sc);
            return rc;
        }
    }
    for (i = 0; i < n; i++) {
        double s = sc[i];
        if (bm25)
            bm25[i] = sc[i];
        if (r->prior_scales) {
            double prior = it[i].bonus;
            if (r->position == REL_POS_EARLIER)
                prior = prior + 1.0 / (double)(i + r->position_offset);
            else if (r->position == REL_POS_LATER)
                prior = prior + (double)(i + 1) / (double)(n + 1) * 1e-3;
            scores[i] = !(query && qlen) ? prior : sc[i] > 0 ? sc[i] * (1.0 + prior) : prior / 100.0;
            continue;
        }
        if (r->near != 0) {
            /* an item next to a relevant one shares some of its relevance:
             * answers sit beside the words of the question */
            double near = 0;
            if (i > 0 && (!r->near_in_group || it[i - 1].group == it[i].group))
                near += sc[i - 1];
            if (i + 1 < n && (!r->near_in_group || it[i + 1].group == it[i].group))
                near += sc[i + 1];
            s = s + r->near * near;
        }
        s = s + it[i].bonus;
        if (r->position == REL_POS_EARLIER)
            s = s + 1.0 / (double)(i + r->position_offset);
        else if (r->position == REL_POS_LATER)
            s = s + (double)(i + 1) / (double)(n + 1) * 1e-3;
        scores[i] = s;
    }
    free(sc);
    return TERSE_OK;
}
