/* prose_rules.h - word tables for English prose compression: phrase
 * rewrites for the `safe` and `balanced` levels, stop words and the negation
 * words that every level keeps. The tables live in prose_rules.c; the
 * engine (prose.c) applies them.
 *
 * Every table is sorted by strcmp() (so it can be binary-searched), has no
 * duplicates, and holds lower-case words separated by single spaces.
 * tests/unit/test_prose_rules.c checks that, and that every rule saves
 * tokens on both o200k and gemma3. */
#ifndef TERSE_PROSE_RULES_H
#define TERSE_PROSE_RULES_H

#include <stddef.h>

/* A phrase rule: `from` is a lower-case sequence of words separated by single spaces, matched
 * case-insensitively at word boundaries; `to` is its replacement ("" deletes it). */
struct phrase_rule {
    const char *from;
    const char *to;
};
/* `safe` level: meaning-preserving rewrites ("in order to" -> "to"). */
extern const struct phrase_rule prose_safe_rewrites[];
extern const size_t prose_safe_rewrites_count;
/* `balanced` level: filler, hedges and redundant phrases deleted or shortened ("it is important to note that" -> "", "basically" -> ""). */
extern const struct phrase_rule prose_balanced_rewrites[];
extern const size_t prose_balanced_rewrites_count;
/* The stop words are in lib/common/words.h (BM25 uses them too). */
/* Negation words (lower case; defined in lib/common/lex.c) that every level must keep: not, no, never, without, none, nor, cannot, neither, nobody, nothing, nowhere, n't forms such as don't, isn't ... */
extern const char *const lex_negation_words[];
extern const size_t lex_negation_words_count;

#endif
