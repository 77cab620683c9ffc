/* align.h - which words of a verbose text its compressed form kept.
 *
 * After LLMLingua-2's recipe: the compressed text is aligned with the
 * verbose one in order (a longest common subsequence over words, scored by
 * how well two words match), and every word of the verbose text is
 * labelled kept (some piece of the compressed text matched it) or dropped.
 * Matching is tolerant of case, of abbreviations ("info" for
 * "information", "govt" for "government", "users" for "user"), of number
 * formats ("1,200" and "1200"), and of the symbols dense notation writes
 * for words ("→" for "leads to" or "results in", "&" and "+" for "and",
 * "w/" for "with", "∵" for "because", "@" for "at", ...).
 */
#ifndef TERSE_LEARN_ALIGN_H
#define TERSE_LEARN_ALIGN_H

#include <stddef.h>

struct lex_tok;

/* Longer pairs than this (verbose words times compressed pieces) are not
 * aligned: the table would be too big. */
#define ALIGN_MAX_CELLS ((size_t)8 << 20)

struct align_result {
    size_t pieces;  /* word, number and symbol pieces of the compressed text */
    size_t aligned; /* of those, matched to a verbose word */
    size_t words;   /* LX_WORD tokens of the verbose text */
    size_t kept;    /* of those, labelled kept */
};

/* Labels the tokens vt[0..nvt) of the verbose text v (lex_text) from the
 * compressed text c[0..cn): label[k] = 1 for a word token kept, 0 for one
 * dropped, -1 for any other token (punctuation, numbers, names, paths...:
 * the guards keep those, the model is not asked). Returns TERSE_OK,
 * TERSE_ENOMEM, or TERSE_EINVAL when the pair has more than
 * ALIGN_MAX_CELLS cells (labels untouched). */
int align_pair(const char *v, const struct lex_tok *vt, size_t nvt, const char *c, size_t cn,
               signed char *label, struct align_result *res);

#endif
