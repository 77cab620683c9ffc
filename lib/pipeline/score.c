/* score.c - relevance of segments (BM25 against the query, or the
 * position without one) and the query's words; see score.h.
 */
#include "score.h"

#include <stdlib.h>

#include "../common/lex.h"
#include "../common/words.h"
#include "../passes/prose.h"
#include "../select/bm25.h"
#include "document.h"

/* See score.h. */
int score_segments(struct job *j)
{
    size_t i;
    const char *q = j->o->query;
    if (q && j->o->query_len) {
        struct bm25_seg *bs = malloc((j->n_segs + 1) * sizeof *bs);
        double *sc = malloc((j->n_segs + 1) * sizeof *sc);
        if (!bs || !sc || !j->n_segs) {
            free(bs);
            free(sc);
            if (!j->n_segs)
                return TERSE_OK;
            return TERSE_ENOMEM;
        }
        for (i = 0; i < j->n_segs; i++) {
            bs[i].s = j->doc + j->segs[i].start;
            bs[i].n = j->segs[i].end - j->segs[i].start;
        }
        if (bm25_score(q, j->o->query_len, bs, j->n_segs, sc) != TERSE_OK) {
            free(bs);
            free(sc);
            return TERSE_ENOMEM;
        }
        /* what kind of answer the question asks for: a segment that has
         * one (a number for "when"/"how many", a name for "who"/"where")
         * weighs more; for "why", a segment that gives a cause ("because",
         * "due to", "root cause") is relevant even when it shares no word
         * with the question */
        {
            int want_num = 0, want_name = 0, want_cause = 0;
            double top = 0;
            struct lex_tok qt[64];
            size_t qn = j->o->query_len < 64 ? j->o->query_len : 64, k, m;
            while (qn < j->o->query_len && qn > 0 && ((unsigned char)q[qn] & 0xC0) == 0x80)
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
            for (i = 0; want_cause && i < j->n_segs; i++)
                if (sc[i] > top)
                    top = sc[i];
            for (i = 0; (want_num || want_name || want_cause) && i < j->n_segs; i++) {
                struct lex_tok *st;
                size_t n = j->segs[i].end - j->segs[i].start, nt;
                int has = 0;
                if (sc[i] <= 0 && !want_cause)
                    continue;
                if (!(st = malloc((n + 1) * sizeof *st))) {
                    free(bs);
                    free(sc);
                    return TERSE_ENOMEM;
                }
                nt = lex_text(j->doc + j->segs[i].start, n, st);
                for (m = 0; m < nt && !has && sc[i] > 0; m++)
                    has = (want_num && st[m].kind == LX_NUMBER) ||
                          (want_name && m > 0 && st[m].kind == LX_WORD && (st[m].flags & LXF_CAP));
                if (has)
                    sc[i] *= 1.3;
                for (m = 0, has = 0; want_cause && m < nt && !has; m++) {
                    const char *w = j->doc + j->segs[i].start + st[m].start;
                    size_t L = st[m].len;
                    has = st[m].kind == LX_WORD &&
                          (lex_word_is(w, L, "because") || lex_word_is(w, L, "cause") ||
                           lex_word_is(w, L, "caused") || lex_word_is(w, L, "causes") ||
                           lex_word_is(w, L, "reason") || lex_word_is(w, L, "reasons") ||
                           (lex_word_is(w, L, "due") && m + 1 < nt &&
                            lex_word_is(j->doc + j->segs[i].start + st[m + 1].start, st[m + 1].len, "to")));
                }
                free(st);
                if (has)
                    sc[i] += 0.35 * top;
            }
        }
        /* a segment next to a relevant one (same block) shares some of its
         * relevance: answers sit beside the words of the question */
        for (i = 0; i < j->n_segs; i++) {
            double near = 0;
            if (i > 0 && j->segs[i - 1].block == j->segs[i].block)
                near += sc[i - 1];
            if (i + 1 < j->n_segs && j->segs[i + 1].block == j->segs[i].block)
                near += sc[i + 1];
            j->segs[i].score = sc[i] + 0.25 * near + (j->segs[i].kind == SEG_HEADING ? 0.5 : 0) +
                               1.0 / (double)(i + 10);
        }
        free(bs);
        free(sc);
        return TERSE_OK;
    }
    for (i = 0; i < j->n_segs; i++) {
        const struct seg *g = &j->segs[i];
        int first = i == 0 || j->segs[i - 1].block != g->block;
        j->segs[i].score = (g->kind == SEG_HEADING ? 3.0 : 0) + (first ? 1.0 : 0) +
                           1.0 / (double)(i + 2);
    }
    return TERSE_OK;
}

/* See score.h. */
void query_words(struct job *j)
{
    struct lex_tok toks[64];
    const char *q = j->o->query;
    size_t n, i, used = 0, len = j->o->query_len;
    if (!q || !len)
        return;
    if (len > 64)
        len = 64;
    while (len < j->o->query_len && len > 0 && ((unsigned char)q[len] & 0xC0) == 0x80)
        len--;
    n = lex_text(q, len, toks);
    for (i = 0; i < n && j->q.n < 32; i++) {
        size_t k, L = toks[i].len;
        if (toks[i].kind != LX_WORD || used + L + 1 > sizeof j->qbuf ||
            stop_word_is(q + toks[i].start, L))
            continue;
        for (k = 0; k < L; k++) {
            char c = q[toks[i].start + k];
            j->qbuf[used + k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        j->qbuf[used + L] = 0;
        j->qwords[j->q.n] = j->qbuf + used;
        j->qlens[j->q.n] = L;
        j->q.n++;
        used += L + 1;
    }
    j->q.words = j->qwords;
    j->q.lens = j->qlens;
}
