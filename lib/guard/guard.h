/* guard.h - fidelity checks applied to every compressed segment.
 *
 * A compressed segment must still contain, verbatim, every number (with its
 * sign, decimal point, percent, currency or attached unit), negation, URL,
 * e-mail address, path, inline code span, quoted string and capitalized
 * name of the original segment. A pass that breaks this has a bug; the
 * pipeline then puts the segment back at a lower level and counts it.
 */
#ifndef TERSE_GUARD_GUARD_H
#define TERSE_GUARD_GUARD_H

#include <stddef.h>

/* Whether a sentence-initial capitalized word is an ordinary word rather
 * than a name (its lower-case form is a common word): used so that "However"
 * or "The" at the start of a sentence is not protected. Supplied by the
 * caller (the prose pass knows its word lists). */
typedef int (*guard_common_word_fn)(const char *word, size_t len);

/* Returns 1 when every protected item of in[0..in_len) occurs in
 * out[0..out_len) at least as often, 0 otherwise (and, if first_missing is
 * not NULL, points it at the first missing item with its length). */
int guard_check(const char *in, size_t in_len, const char *out, size_t out_len,
                guard_common_word_fn common, const char **first_missing, size_t *missing_len);

/* The same for a text of several sentences (a model's rewrite of a chunk):
 * a capitalized common word at the start of any sentence (after . ! ? :, a
 * line break or a list marker) is not protected, as at the start of one;
 * nor is a capitalized word at a sentence start that in also writes in
 * lower case ("Once" where in says "once" too). */
int guard_check_text(const char *in, size_t in_len, const char *out, size_t out_len,
                     guard_common_word_fn common, const char **first_missing, size_t *missing_len);

/* Whether token t of s is an item the guards protect (number, negation,
 * URL, e-mail, path, code span, quoted string, capitalized name; a
 * capitalized common word at a sentence start is not). Exposed for
 * `terse eval`, which checks whole outputs with the same rule. */
struct lex_tok;
int guard_is_protected(const char *s, const struct lex_tok *t, int sentence_start, guard_common_word_fn common);

/* The same, with both texts already lexed (lex_text) by the caller. */
struct lex_tok;
int guard_check_lexed(const char *in, size_t in_len, const struct lex_tok *ti, size_t ni, const char *out,
                      size_t out_len, const struct lex_tok *to, size_t no, guard_common_word_fn common,
                      const char **first_missing, size_t *missing_len);

/* The kind of a protected item (as guard_check's first_missing points at
 * it): for reports of why a text failed. */
enum guard_kind { GUARD_NUMBER = 1, GUARD_NEGATION, GUARD_NAME, GUARD_IDENTIFIER };

/* Returns the guard_kind of item[0..len): a number or digit group, a
 * negation word, a capitalized word, or else an identifier (URL, path,
 * e-mail address, code span, quoted string). */
int guard_item_kind(const char *item, size_t len);

/* Counts the words of out[0..out_len) that in[0..in_len) does not imply:
 * a word is implied when it is a stop word, a single letter, or a word of
 * in (any ASCII case), or when its letters, starting with the same one, are
 * a subsequence of a word of in ("approx", "mgmt", "yrs" abbreviate
 * "approximately", "management", "years"); a digit group or a name
 * (is_valid, a.out, x86) of out is implied when in contains it. *words (if not NULL) gets the number of words and
 * digit groups of out. Returns (size_t)-1 when memory runs out. Used to
 * check a model's rewrite, which may abbreviate but not invent. */
size_t guard_novel_words(const char *in, size_t in_len, const char *out, size_t out_len, size_t *words);

#endif
