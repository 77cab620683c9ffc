/* score.h - relevance of segments: BM25 against the query, or the position
 * without one (the order a budget keeps them in is select/rank.h); the
 * query's words for the prose pass.
 */
#ifndef TERSE_PIPELINE_SCORE_H
#define TERSE_PIPELINE_SCORE_H

#include <stddef.h>

struct buf;
struct job;
struct seg;

/* Relevance of each segment: BM25 against the query, or without one the
 * position (headings, then the first sentence of each block, earlier
 * first). Returns TERSE_OK or TERSE_ENOMEM. */
int score_segments(struct job *j);

/* With a query, the part of segment i's score that only orders segments
 * of equal relevance (earlier first): a score above it means the segment
 * shares something with the query (for a segment that is no heading). */
double score_position(size_t i);

/* Lower-case query words (not stop words), which `max` keeps. */
void query_words(struct job *j);

#endif
