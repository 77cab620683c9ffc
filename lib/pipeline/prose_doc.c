/* prose_doc.c - prose over a document: segments through the prose pass
 * and the guard, JSON blocks and fences inside prose, duplicates; see
 * prose_doc.h.
 */
#include "prose_doc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/hash.h"
#include "../common/lex.h"
#include "../common/seen.h"
#include "../guard/guard.h"
#include "../passes/prose.h"
#include "../passes/levels.h" /* level_get, LEVEL_WORDING */
#include "../passes/tabular.h"
#include "code_dispatch.h"
#include "document.h"
#include "rewrite.h"
#include "score.h"

/* A JSON block or ```json fence of a prose document at safe and up: its
 * tabular encoding (the fence lines kept) into b, and *used = 1; *used = 0
 * (b empty) when it is not JSON or the encoding is not fewer tokens than
 * the block. Returns TERSE_OK, or the encoder's failure (b empty). */
static int embedded_json(struct job *j, const struct seg *g, int level, struct buf *b, int *used)
{
    const char *src = j->doc + g->start, *body = src;
    size_t n = g->end - g->start, bn = n, head = 0, tokens = 0, before = 0;
    struct json_doc *d;
    struct tab_limits lim;
    int rc;
    *used = 0;
    if (g->json == 2) {
        /* between the opening fence line and the closing one */
        const char *nl1 = memchr(src, '\n', n), *last = src + n;
        while (last > src && last[-1] != '\n')
            last--;
        if (!nl1 || last <= nl1 + 1)
            return TERSE_OK;
        head = (size_t)(nl1 + 1 - src);
        body = nl1 + 1;
        bn = (size_t)(last - body);
    }
    d = json_parse(body, bn, NULL);
    if (!d)
        return TERSE_OK;
    memset(&lim, 0, sizeof lim);
    lim.sample_rows = level_get(level)->tab_sample_rows;
    lim.max_string = level_get(level)->tab_max_string;
    buf_add(b, src, head);
    rc = tab_encode(json_root(d), j->counter, lim.sample_rows || lim.max_string ? &lim : NULL, b, &tokens);
    if (rc != TERSE_OK) {
        json_doc_free(d);
        b->len = 0;
        b->oom = 0;
        return rc;
    }
    json_doc_free(d);
    if (head) {
        buf_addc(b, '\n');
        buf_add(b, body + bn, n - head - bn);
    }
    if (b->oom) {
        b->len = 0;
        b->oom = 0;
        return TERSE_ENOMEM;
    }
    before = count_tokens(j, src, n);
    if (count_tokens(j, b->p, b->len) >= before) {
        b->len = 0;
        return TERSE_OK;
    }
    *used = 1;
    return TERSE_OK;
}

/* See prose_doc.h. */
void compress_seg(struct job *j, struct seg *g, int level)
{
    struct buf b = {0};
    const char *src = j->doc + g->start;
    size_t n = g->end - g->start;
    int tabular = 0, rc;
    free(g->out);
    g->out = NULL;
    g->out_len = 0;
    if (g->kind == SEG_VERBATIM && g->json && level_get(level)->json_tabular &&
        (rc = embedded_json(j, g, level, &b, &tabular)) != TERSE_OK)
        status_fail(&j->status, rc);
    if (tabular) {
        /* JSON inside prose: the tabular encoding, which was shorter */
    } else if (g->kind == SEG_VERBATIM && g->fence && compress_fence(j, g, src, n, level, &b)) {
        /* done: code in a fence */
    } else if (g->kind == SEG_VERBATIM) {
        /* trailing blanks of each line carry no meaning */
        size_t i = 0;
        b.len = 0;
        while (i < n) {
            const char *nlp = memchr(src + i, '\n', n - i);
            size_t e = nlp ? (size_t)(nlp - src) : n, t = e;
            while (t > i && (src[t - 1] == ' ' || src[t - 1] == '\t'))
                t--;
            buf_add(&b, src + i, t - i);
            if (!nlp)
                break;
            buf_addc(&b, '\n');
            i = e + 1;
        }
    } else if (g->kind == SEG_RULE) {
        if (!level_get(level)->doc_rules_dropped)
            buf_add(&b, src, n);
    } else {
        int L;
        /* lexed once: the pass and the guard share the tokens */
        struct lex_tok *ti, *to;
        size_t ni, no = 0, k;
        if (lex_reserve(j, n) != 0) {
            buf_free(&b);
            return;
        }
        ti = j->lex_in;
        ni = seg_tokens(j, g, ti);
        for (L = level;; L--) {
            b.len = 0;
            prose_compress_lexed(src, n, ti, ni, L, j->q.n ? &j->q : NULL, j->env, j->words, &b);
            if (b.oom)
                break;
            if (b.len + 1 > j->lex_cap) {
                if (lex_reserve(j, b.len) != 0)
                    break;
                ti = j->lex_in;
                ni = seg_tokens(j, g, ti);
            }
            to = j->lex_in + j->lex_cap;
            no = lex_text(b.p ? b.p : "", b.len, to);
            if (L == TERSE_LEVEL_EXACT ||
                guard_check_lexed(src, n, ti, ni, b.p ? b.p : "", b.len, to, no, prose_common_word, NULL, NULL))
                break;
            j->fallbacks++;
        }
        to = j->lex_in + j->lex_cap;
        /* the word bag of the output, for near duplicates */
        g->bag = 0;
        g->words = 0;
        for (k = 0; k < no && j->status == TERSE_OK; k++) {
            if (to[k].kind == LX_PUNCT)
                continue;
            g->bag |= (uint64_t)1 << (hash_bytes(b.p + to[k].start, to[k].len) & 63);
            g->words++;
        }
        /* a segment that would cost more tokens stays at exact; only
         * outputs that did not get shorter in bytes can have grown */
        if (L > TERSE_LEVEL_EXACT && !b.oom && b.len >= n) {
            struct buf e = {0};
            prose_compress(src, n, TERSE_LEVEL_EXACT, NULL, j->env, &e);
            if (b.len >= e.len && !e.oom &&
                count_tokens(j, b.p, b.len) > count_tokens(j, e.p ? e.p : "", e.len)) {
                buf_free(&b);
                b = e;
            } else {
                buf_free(&e);
            }
        }
    }
    if (b.oom) {
        status_fail(&j->status, TERSE_ENOMEM);
        buf_free(&b);
        return;
    }
    {
        size_t len = 0, cap = b.cap;
        char *p;
        g->out = buf_take(&b, &len);
        g->out_len = (uint32_t)len; /* DOC_MAX keeps it in range */
        if (!g->out || len > UINT32_MAX) {
            status_fail(&j->status, TERSE_ENOMEM);
        } else if (cap > len + 1 && (p = realloc(g->out, len + 1)) != NULL) {
            /* a buffer starts at 256 bytes and a sentence is about 60:
             * a million sentences would hold 200 MB they do not use */
            g->out = p;
        }
    }
}

/* Fraction (in tenths) of the words of b (its tokens tb[0..kb)) that also
 * occur in a (ta[0..ka)). */
static size_t overlap_tenths(const char *a, const struct lex_tok *ta, size_t ka, const char *b,
                             const struct lex_tok *tb, size_t kb)
{
    size_t x, y, common = 0, words = 0;
    for (x = 0; x < kb; x++) {
        if (tb[x].kind == LX_PUNCT)
            continue;
        words++;
        for (y = 0; y < ka; y++)
            if (ta[y].len == tb[x].len && memcmp(a + ta[y].start, b + tb[x].start, tb[x].len) == 0) {
                common++;
                break;
            }
    }
    return words ? common * 10 / words : 0;
}

/* See prose_doc.h. */
char *compress_alt(struct job *j, struct seg *g, int level, size_t *len)
{
    char *keep = g->out, *alt;
    uint32_t keep_len = g->out_len, keep_words = g->words;
    size_t fallbacks = j->fallbacks;
    uint64_t keep_bag = g->bag;
    g->out = NULL;
    compress_seg(j, g, level);
    alt = g->out;
    *len = g->out_len;
    g->out = keep;
    g->out_len = keep_len;
    g->bag = keep_bag;
    g->words = keep_words;
    j->fallbacks = fallbacks; /* counted once, at the job's level */
    return alt;
}

/* Marks exact duplicate sentences (safe and up) and near duplicates
 * (balanced and up: nine tenths of the words shared both ways, and nothing
 * protected that the earlier one lacks). The first occurrence stays. The
 * lines of records are no duplicates (document.c). */
#define NEAR_WINDOW 256
#define NEAR_CHECKS 16

/* seen_first's equality: two segments with the same output. */
static int same_out(const void *arg, size_t a, size_t b)
{
    const struct seg *x = &((const struct job *)arg)->segs[a], *y = &((const struct job *)arg)->segs[b];
    return x->out_len == y->out_len && memcmp(x->out, y->out, x->out_len) == 0;
}

static void mark_duplicates(struct job *j, int level)
{
    struct near {
        uint64_t bag;
        size_t seg, words;
    } near[NEAR_WINDOW];
    /* the words of the segment and of a candidate, compared only when both
     * outputs are 128 bytes or shorter; the segment's lexed once */
    struct lex_tok tg[128], te[128];
    size_t i, k, n_near = 0, near_next = 0, lo, hi, checks, kg, ke;
    struct seen outs;
    if (seen_init(&outs, j->n_segs) != TERSE_OK) {
        status_fail(&j->status, TERSE_ENOMEM);
        return;
    }
    for (i = 0; i < j->n_segs; i++) {
        struct seg *g = &j->segs[i];
        if (g->kind != SEG_SENTENCE || g->end - g->start < 20 || g->removed || g->record)
            continue;
        if (seen_first(&outs, hash_bytes(g->out, g->out_len), i, same_out, j) != SEEN_NEW) {
            g->removed = 1;
            j->duplicates++;
            continue;
        }
        if (!level_get(level)->doc_near_duplicates || g->words < 6)
            continue;
        /* near duplicates among the last NEAR_WINDOW candidates (none of
         * which is removed: only the current segment ever is): the word
         * bags (set by compress_seg) first, from a small ring that stays
         * in the processor's cache, with word counts within 10% of each
         * other (lo <= words <= hi); then the words themselves */
        lo = (g->words * 9 + 9) / 10;
        hi = g->words * 10 / 9;
        /* the most recent candidates first, and at most NEAR_CHECKS word
         * comparisons per segment: a long run of lines of one shape (a
         * test log) would otherwise cost NEAR_WINDOW comparisons a line */
        kg = SIZE_MAX;
        for (k = 0, checks = 0; k < n_near && checks < NEAR_CHECKS; k++) {
            const struct near *c = &near[(near_next + NEAR_WINDOW - 1 - k) % NEAR_WINDOW];
            const struct seg *e;
            if (c->words - lo > hi - lo || hash_popcount64(c->bag ^ g->bag) > 10 ||
                c->seg < (i > 256 ? i - 256 : 0))
                continue;
            checks++;
            e = &j->segs[c->seg];
            if (e->out_len > 128 || g->out_len > 128)
                continue;
            if (kg == SIZE_MAX)
                kg = lex_text(g->out, g->out_len, tg);
            ke = lex_text(e->out, e->out_len, te);
            if (overlap_tenths(e->out, te, ke, g->out, tg, kg) >= 9 && overlap_tenths(g->out, tg, kg, e->out, te, ke) >= 9 &&
                guard_check(j->doc + g->start, g->end - g->start, j->doc + e->start, e->end - e->start,
                            prose_common_word, NULL, NULL)) {
                g->removed = 1;
                j->duplicates++;
                break;
            }
        }
        if (!g->removed) {
            near[near_next].seg = i;
            near[near_next].bag = g->bag;
            near[near_next].words = g->words;
            near_next = (near_next + 1) % NEAR_WINDOW;
            if (n_near < NEAR_WINDOW)
                n_near++;
        }
    }
    seen_free(&outs);
}

/* See prose_doc.h. */
void compress_missing(struct job *j, int level)
{
    size_t i;
    for (i = 0; i < j->n_segs && j->status == TERSE_OK; i++)
        if (!j->segs[i].out && !j->segs[i].removed)
            compress_seg(j, &j->segs[i], level);
}

/* See prose_doc.h. */
void compress_all(struct job *j, int level)
{
    size_t i;
    j->fallbacks = 0;
    j->duplicates = 0;
    for (i = 0; i < j->n_segs && j->status == TERSE_OK; i++) {
        j->segs[i].removed = 0;
        compress_seg(j, &j->segs[i], level);
        if (j->segs[i].kind == SEG_RULE && level_get(level)->doc_rules_dropped)
            j->segs[i].removed = 1;
    }
    if (level_get(level)->doc_duplicates && j->status == TERSE_OK)
        mark_duplicates(j, level);
}

/* See prose_doc.h. */
int compress_doc(struct job *j, int level, struct buf *out, size_t *dropped)
{
    size_t i;
    compress_all(j, level);
    if (level_get(level)->doc_query_wording && j->o->query && j->o->query_len && j->status == TERSE_OK) {
        /* relevance-aware: the segments most relevant to the query
         * keep their wording (balanced), the rest are telegraphic */
        double top = 0;
        int rc = score_segments(j);
        if (rc != TERSE_OK)
            return rc;
        for (i = 0; i < j->n_segs; i++)
            if (j->segs[i].score > top)
                top = j->segs[i].score;
        for (i = 0; i < j->n_segs && top > 0.5; i++)
            if (!j->segs[i].removed && j->segs[i].score >= top / 2)
                compress_seg(j, &j->segs[i], LEVEL_WORDING);
    }
    if (j->o->rewrite && j->status == TERSE_OK) {
        /* a model backend: accepted rewrites replace chunks of segments */
        int rc = rewrite_doc(j);
        if (rc != TERSE_OK)
            return rc;
    }
    /* the paragraphs' tokens are not needed any more (seg_tokens would lex
     * again): their memory goes before the output is written */
    free(j->ptoks);
    j->ptoks = NULL;
    j->n_ptoks = j->cap_ptoks = 0;
    assemble(j, 0, out, dropped);
    return TERSE_OK;
}
