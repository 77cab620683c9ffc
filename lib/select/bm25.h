/* bm25.h - relevance of text segments to a query: Okapi BM25 over stemmed
 * terms (Snowball English stemmer from libstemmer), stop words left out.
 */
#ifndef TERSE_SELECT_BM25_H
#define TERSE_SELECT_BM25_H

#include <stddef.h>

struct bm25_seg {
    const char *s;
    size_t n;
};

/* Scores each of the n segments against query[0..qlen) into scores[]
 * (0 when no query term occurs). Returns TERSE_OK or TERSE_ENOMEM. */
int bm25_score(const char *query, size_t qlen, const struct bm25_seg *segs, size_t n,
               double *scores);

#endif
