/* code_relevance.c - relevance of definitions at max with a query or a
 * budget: BM25 over their names and bodies, split at camelCase and
 * snake_case; see code_internal.h.
 */
#include <math.h>
#include <stdlib.h>

#include "../common/buf.h"
#include "../common/hash.h"
#include "../select/bm25.h"
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

/* See code_internal.h. */
int code_score_cands(struct emit *e, struct cand *cands, size_t n)
{
    struct buf words = {0}, q = {0};
    size_t *offs = NULL, i, tsize = 4096, used = 0, *table = NULL;
    struct bm25_seg *segs = NULL;
    double *sc = NULL;
    int rc = TERSE_ENOMEM;
    if (!n)
        return TERSE_OK;
    /* word counts over the whole file, in an open-addressing table of
     * hashes that doubles at half full */
    table = calloc(tsize * 2, sizeof *table); /* [hash, count] pairs; hash 0 = empty */
    offs = malloc((n + 1) * sizeof *offs);
    segs = malloc(n * sizeof *segs);
    sc = calloc(n, sizeof *sc);
    if (!table || !offs || !segs || !sc)
        goto out;
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
            if (!bigger)
                goto out;
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
        struct cand *c = &cands[i];
        size_t refs = 0;
        if (c->name_end > c->name_start) {
            uint64_t h = hash_bytes(e->src + c->name_start, c->name_end - c->name_start) | 1;
            size_t slot;
            for (slot = (size_t)h & (tsize - 1); table[2 * slot] && table[2 * slot] != (size_t)h;
                 slot = (slot + 1) & (tsize - 1))
                ;
            refs = table[2 * slot + 1] ? table[2 * slot + 1] - 1 : 0;
        }
        c->score = 0.5 * log((double)refs + 1.0) + 1.0 / (double)(i + 10);
        offs[i] = words.len;
        split_words(&words, e->src + c->start, c->end - c->start);
        if (c->name_end > c->name_start) /* the name counts twice */
            split_words(&words, e->src + c->name_start, c->name_end - c->name_start);
    }
    offs[n] = words.len;
    if (words.oom)
        goto out;
    if (e->o->query && e->o->query_len) {
        double top = 0;
        split_words(&q, e->o->query, e->o->query_len);
        if (q.oom)
            goto out;
        for (i = 0; i < n; i++) {
            segs[i].s = words.p + offs[i];
            segs[i].n = offs[i + 1] - offs[i];
        }
        if (bm25_score(q.p, q.len, segs, n, sc) != 0)
            goto out;
        for (i = 0; i < n; i++) {
            cands[i].score = sc[i] > 0 ? sc[i] * (1.0 + cands[i].score) : cands[i].score / 100.0;
            if (sc[i] > 0 && cands[i].score > top)
                top = cands[i].score;
        }
        /* without a budget: the bodies of the most relevant definitions stay */
        for (i = 0; i < n && !e->o->budget; i++)
            cands[i].keep = sc[i] > 0 && cands[i].score >= top / 2;
    }
    rc = TERSE_OK;
out:
    buf_free(&words);
    buf_free(&q);
    free(offs);
    free(segs);
    free(sc);
    free(table);
    return rc;
}
