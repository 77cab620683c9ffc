/* bm25.c - Okapi BM25 (k1 = 1.2, b = 0.75) over stemmed terms; bm25.h.
 *
 * Terms are the lexer's words and numbers, lower-cased, stop words left
 * out, words stemmed with Snowball's English stemmer. Only the query's
 * terms are counted in the segments, so the cost is one pass over the text.
 */
#include "bm25.h"

#include <libstemmer.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/lex.h"
#include "../common/words.h"
#include "terse.h" /* TERSE_OK, TERSE_ENOMEM */

#define MAX_QTERMS 64

/* The hash of the term for token t of s, or 0 when it is not a term. */
static uint64_t term_hash(struct sb_stemmer *st, const char *s, const struct lex_tok *t)
{
    char low[64];
    size_t i, n = t->len;
    const sb_symbol *stem;
    if (t->kind != LX_WORD && t->kind != LX_NUMBER && t->kind != LX_NAME)
        return 0;
    if (n >= sizeof low)
        return hash_bytes(s + t->start, n) | 1;
    for (i = 0; i < n; i++) {
        char c = s[t->start + i];
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    low[n] = 0;
    if (t->kind == LX_WORD && stop_word_is(low, n))
        return 0;
    if (t->kind == LX_WORD && st && (stem = sb_stemmer_stem(st, (const sb_symbol *)low, (int)n)) != NULL)
        return hash_bytes(stem, (size_t)sb_stemmer_length(st)) | 1;
    return hash_bytes(low, n) | 1;
}

/* Lexes s[0..n) like lex_text into out, but looks inside quoted strings
 * and code spans (a JSON key or value is a quoted string): their words are
 * terms too. out and tmp must hold n entries each (a quote of L bytes has
 * fewer than L inner tokens, so the total stays within n). */
static size_t lex_terms(const char *s, size_t n, struct lex_tok *out, struct lex_tok *tmp)
{
    size_t k = lex_text(s, n, tmp), i, total = 0;
    for (i = 0; i < k; i++) {
        struct lex_tok t = tmp[i];
        /* the marks around: " ` ' (1 byte each), $' $" (2 before, 1
         * after: shell quoting), curly quotes (3 each) */
        size_t open = s[t.start] == '$' ? 2 : s[t.start] == '"' || s[t.start] == '`' ? 1 : 3;
        size_t close = s[t.start] == '$' || s[t.start] == '"' || s[t.start] == '`' ? 1 : 3;
        if ((t.kind == LX_QUOTE || t.kind == LX_CODE) && t.len > open + close) {
            size_t j, sub = lex_text(s + t.start + open, t.len - open - close, out + total);
            for (j = 0; j < sub; j++)
                out[total + j].start += (uint32_t)(t.start + open);
            total += sub;
            continue;
        }
        out[total++] = t;
    }
    return total;
}

int bm25_score(const char *query, size_t qlen, const struct bm25_seg *segs, size_t n,
               double *scores)
{
    struct sb_stemmer *st = sb_stemmer_new("english", NULL);
    uint64_t q[MAX_QTERMS];
    size_t nq = 0, i, j, k, df[MAX_QTERMS], total_len = 0, max_len = qlen;
    struct lex_tok *toks, *tmp;
    unsigned *tf = NULL;
    size_t *dl = NULL;
    double avgdl;
    int rc = TERSE_OK;
    for (i = 0; i < n; i++)
        if (segs[i].n > max_len)
            max_len = segs[i].n;
    toks = malloc((max_len + 1) * sizeof *toks);
    tmp = malloc((max_len + 1) * sizeof *tmp);
    tf = calloc(n * MAX_QTERMS + 1, sizeof *tf);
    dl = calloc(n + 1, sizeof *dl);
    if (!toks || !tmp || !tf || !dl) {
        rc = TERSE_ENOMEM;
        goto out;
    }
    k = lex_terms(query, qlen, toks, tmp);
    for (i = 0; i < k && nq < MAX_QTERMS; i++) {
        uint64_t h = term_hash(st, query, &toks[i]);
        if (!h)
            continue;
        for (j = 0; j < nq && q[j] != h; j++)
            ;
        if (j == nq)
            q[nq++] = h;
    }
    memset(df, 0, sizeof df);
    for (i = 0; i < n; i++) {
        k = lex_terms(segs[i].s, segs[i].n, toks, tmp);
        for (j = 0; j < k; j++) {
            uint64_t h = term_hash(st, segs[i].s, &toks[j]);
            size_t m;
            if (!h)
                continue;
            dl[i]++;
            for (m = 0; m < nq; m++)
                if (q[m] == h) {
                    if (tf[i * MAX_QTERMS + m]++ == 0)
                        df[m]++;
                    break;
                }
        }
        total_len += dl[i];
    }
    avgdl = n ? (double)total_len / (double)n : 1.0;
    if (avgdl <= 0)
        avgdl = 1.0;
    for (i = 0; i < n; i++) {
        double sc = 0;
        for (j = 0; j < nq; j++) {
            double f = tf[i * MAX_QTERMS + j], idf;
            if (f == 0)
                continue;
            idf = log(1.0 + ((double)n - (double)df[j] + 0.5) / ((double)df[j] + 0.5));
            sc += idf * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * (double)dl[i] / avgdl));
        }
        scores[i] = sc;
    }
out:
    free(toks);
    free(tmp);
    free(tf);
    free(dl);
    if (st)
        sb_stemmer_delete(st);
    return rc;
}
