/* prose_doc.h - prose over a document: each segment at a level through the prose
 * pass and the guards (one level lower when a guard fails, the input when
 * the output costs more), JSON blocks and code fences inside prose, and
 * exact and near duplicates.
 */
#ifndef TERSE_PIPELINE_PROSE_DOC_H
#define TERSE_PIPELINE_PROSE_DOC_H

#include <stddef.h>

struct buf;
struct job;
struct seg;

/* Compresses segment g at `level` into g->out (replacing what was there). */
void compress_seg(struct job *j, struct seg *g, int level);

/* Returns segment g compressed at `level` as a new text (its length in
 * *len), leaving g's own output, word bag and the job's fallback count as
 * they were: an alternative version for the budget. NULL without memory. */
char *compress_alt(struct job *j, struct seg *g, int level, size_t *len);

/* Compresses the segments that have no output yet (new clauses). */
void compress_missing(struct job *j, int level);

void compress_all(struct job *j, int level);

/* The document without a budget: every segment at the level; at `max` with
 * a query, the segments most relevant to it keep their wording
 * (`balanced`) and the rest are telegraphic; assembled into out. Returns
 * TERSE_OK, or TERSE_ENOMEM (the job is marked). */
int compress_doc(struct job *j, int level, struct buf *out, size_t *dropped);

#endif
