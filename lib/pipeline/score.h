/* score.h - relevance of segments: BM25 against the query, or the position
 * without one, and the order in which a budget keeps them; the query's
 * words for the prose pass.
 */
#ifndef TERSE_PIPELINE_SCORE_H
#define TERSE_PIPELINE_SCORE_H

#include <stddef.h>

struct buf;
struct job;
struct seg;

/* Segment order for the budget: most relevant first, earlier on ties. */
struct ranked {
    double score;
    size_t index;
};

int by_score(const void *a, const void *b);

/* Relevance of each segment: BM25 against the query, or without one the
 * position (headings, then the first sentence of each block, earlier
 * first). */
int score_segments(struct job *j);

/* Lower-case query words (not stop words), which `max` keeps. */
void query_words(struct job *j);

#endif
