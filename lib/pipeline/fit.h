/* fit.h - fitting a document to a token budget: whole segments by relevance
 * at their full or compressed form, by exact counts of the assembled
 * output, a marker for each run of what is left out.
 */
#ifndef TERSE_PIPELINE_FIT_H
#define TERSE_PIPELINE_FIT_H

#include <stddef.h>

struct buf;
struct job;
struct seg;

/* Assembles the document into b (budget_mode: the budget's keeps, with a
 * marker for each run left out, counted into *dropped) and counts it into
 * *tokens. Returns TERSE_OK or the failure's status. */
int assembled_tokens(struct job *j, int budget_mode, size_t *dropped, struct buf *b, size_t *tokens);

/* Fits the budget by relevance. Segments are taken most relevant first:
 * each at `balanced` (its wording intact) if that fits, else at the job's
 * level (`max`: telegraphic), else not at all; each run of segments left
 * out becomes one marker. The estimate is checked by exact counts, and
 * what is left of the budget is filled the same way. Returns TERSE_OK,
 * TERSE_EBUDGET when nothing fits, or TERSE_ENOMEM. */
int fit_budget(struct job *j, struct buf *b, size_t *dropped, size_t *min_tokens, int preserve);

/* The document to the budget: the lowest level up to *level_io whose
 * output fits; else, at that level (`exact` for verbatim text), the most
 * relevant sentences by fit_budget, then the relevant clauses of those
 * that did not fit with what is left of the budget, or clauses alone when
 * not one sentence fits; a selection that keeps no content (only headings
 * and markers) fails. *level_io is set to the level applied. Returns
 * TERSE_OK, TERSE_EBUDGET (*min_tokens set) or TERSE_ENOMEM. */
int fit_doc(struct job *j, int *level_io, int verbatim, struct buf *out, size_t *dropped, size_t *min_tokens);

#endif
