/* code_relevance.c - relevance of definitions at max with a query or a
 * budget: what the one scorer (select/relevance.c) reads of a definition
 * (its name and body, split at camelCase and snake_case) and its prior
 * (how often the file names it); see code_internal.h.
 */
#include <math.h>
#include <stdlib.h>

#include "../common/buf.h"
#include "../common/hash.h"
#include "../select/relevance.h"
#include "code_internal.h"
#include "terse.h"

/* Appends s[0..n) with identifiers split into words (snake_case and
 * camelCase parts), so that BM25 finds "parse header" in parseHeader. */
static void split_words(struct buf *b, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    (unsigned char)c >= 0x80;
        if (!alnum) {
            buf_addc(b, ' ');
            continue;
        }
        if (i > 0 && c >= 'A' && c <= 'Z' && s[i - 1] >= 'a' && s[i - 1] <= 'z')
            buf_addc(b, ' ');
        buf_addc(b, c);
    }
    buf_addc(b, ' ');
}

/* 1 for a byte of an identifier (ASCII). */
static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* Counts the identifiers of e->src in refs[i] for the name of cands[i]:
 * how often the rest of the file names each definition. The words go into
 * an open-addressing table of hashes that doubles at half full. Returns
 * TERSE_OK or TERSE_ENOMEM. */
static int count_refs(const struct emit *e, const struct cand *cands, size_t n, size_t *refs)
{
    size_t i, tsize = 4096, used = 0;
    size_t *table = calloc(tsize * 2, sizeof *table); /* [hash, count] pairs; hash 0 = empty */
    if (!table)
        return TERSE_ENOMEM;
    for (i = 0; i < e->n;) {
        size_t j = i, slot;
        uint64_t h;
        if (!word_char(e->src[i])) {
            i++;
            continue;
        }
        while (j < e->n && word_char(e->src[j]))
            j++;
        h = hash_bytes(e->src + i, j - i) | 1;
        for (slot = (size_t)h & (tsize - 1); table[2 * slot] && table[2 * slot] != (size_t)h;
             slot = (slot + 1) & (tsize - 1))
            ;
        if (!table[2 * slot] && ++used * 2 > tsize) {
            size_t k, *bigger = calloc(tsize * 4, sizeof *bigger);
            if (!bigger) {
                free(table);
                return TERSE_ENOMEM;
            }
            for (k = 0; k < tsize; k++) {
                size_t sl;
                if (!table[2 * k])
                    continue;
                for (sl = table[2 * k] & (tsize * 2 - 1); bigger[2 * sl]; sl = (sl + 1) & (tsize * 2 - 1))
                    ;
                bigger[2 * sl] = table[2 * k];
                bigger[2 * sl + 1] = table[2 * k + 1];
            }
            free(table);
            table = bigger;
            tsize *= 2;
            used--;
            continue; /* look the word up again in the bigger table */
        }
        table[2 * slot] = (size_t)h;
        table[2 * slot + 1]++;
        i = j;
    }
    for (i = 0; i < n; i++) {
        const struct cand *c = &cands[i];
        refs[i] = 0;
        if (c->name_end > c->name_start) {
            uint64_t h = hash_bytes(e->src + c->name_start, c->name_end - c->name_start) | 1;
            size_t slot;
            for (slot = (size_t)h & (tsize - 1); table[2 * slot] && table[2 * slot] != (size_t)h;
                 slot = (slot + 1) & (tsize - 1))
                ;
            refs[i] = table[2 * slot + 1] ? table[2 * slot + 1] - 1 : 0;
        }
    }
    free(table);
    return TERSE_OK;
}

/* See code_internal.h. */
int code_score_cands(struct emit *e, struct cand *cands, size_t n)
{
    /* BM25 times a prior: half the log of the references, and earlier
     * definitions first */
    static const struct relevance_rules definitions = {
        .position = REL_POS_EARLIER,
        .position_offset = 10,
        .prior_scales = 1,
    };
    struct buf words = {0}, q = {0};
    size_t *offs = NULL, *refs = NULL, i;
    struct relevance_item *it = NULL;
    double *sc = NULL, *bm25 = NULL, top = 0;
    int rc = TERSE_ENOMEM, query = e->o->query && e->o->query_len;
    if (!n)
        return TERSE_OK;
    offs = malloc((n + 1) * sizeof *offs);
    refs = malloc(n * sizeof *refs);
    it = calloc(n, sizeof *it);
    sc = calloc(n, sizeof *sc);
    bm25 = calloc(n, sizeof *bm25);
    if (!offs || !refs || !it || !sc || !bm25 || (rc = count_refs(e, cands, n, refs)) != TERSE_OK)
        goto out;
    rc = TERSE_ENOMEM;
    for (i = 0; i < n; i++) {
        const struct cand *c = &cands[i];
        offs[i] = words.len;
        split_words(&words, e->src + c->start, c->end - c->start);
        if (c->name_end > c->name_start) /* the name counts twice */
            split_words(&words, e->src + c->name_start, c->name_end - c->name_start);
        it[i].bonus = 0.5 * log((double)refs[i] + 1.0);
    }
    offs[n] = words.len;
    if (query)
        split_words(&q, e->o->query, e->o->query_len);
    if (words.oom || q.oom)
        goto out;
    for (i = 0; i < n; i++) {
        it[i].s = words.p + offs[i];
        it[i].n = offs[i + 1] - offs[i];
    }
    if ((rc = relevance_score(query ? q.p : NULL, q.len, it, n, &definitions, sc, bm25)) != TERSE_OK)
        goto out;
    for (i = 0; i < n; i++) {
        cands[i].score = sc[i];
        if (bm25[i] > 0 && sc[i] > top)
            top = sc[i];
    }
    /* with a query and without a budget: the bodies of the most relevant
     * definitions stay */
    for (i = 0; i < n && query && !e->o->budget; i++)
        cands[i].keep = bm25[i] > 0 && sc[i] >= top / 2;
out:
    buf_free(&words);
    buf_free(&q);
    free(offs);
    free(refs);
    free(it);
    free(sc);
    free(bm25);
    return rc;
}
