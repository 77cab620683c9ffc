/* rewrite.h - a model backend over a document: its prose cut into chunks,
 * each rewritten by the caller's callback (terse_options.rewrite), checked,
 * and put in place of terse's own output of the chunk when it passes.
 */
#ifndef TERSE_PIPELINE_REWRITE_H
#define TERSE_PIPELINE_REWRITE_H

struct job;

/* Runs the rewrite callback over the document's prose, after every segment
 * has terse's own output (compress_doc) and before assembly: a chunk whose
 * rewrite passes the checks gets it as the output of its first kept
 * segment, and its other segments are removed. The chunks and their
 * verdicts go to j->chunks and the counts. Returns TERSE_OK, TERSE_ENOMEM
 * (the job is marked), or the callback's failure status. */
int rewrite_doc(struct job *j);

#endif
