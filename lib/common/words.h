/* words.h - English words: lower-casing a word for a list lookup, and the stop words: function words with little
 * information (articles, pronouns, auxiliaries, common prepositions), which
 * the prose pass prunes at `max` and BM25 leaves out of its terms. Never a
 * negation or a number word. Sorted by strcmp, lower case, no duplicates
 * (tests/unit/test_prose_rules.c checks it).
 */
#ifndef TERSE_COMMON_WORDS_H
#define TERSE_COMMON_WORDS_H

#include <stddef.h>

extern const char *const stop_words[];
extern const size_t stop_words_count;

/* No stop word is longer than this. */
#define STOP_WORD_MAX_LEN 13

/* Writes the ASCII lower-case form of s[0..n) and a NUL to out (cap
 * bytes); returns 1, or 0 when it does not fit or is not ASCII (no list
 * word is). Inline: the prose pass calls it for every word. */
static inline int word_lower(const char *s, size_t n, char *out, size_t cap)
{
    size_t i;
    if (n + 1 > cap)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if ((unsigned char)c >= 0x80)
            return 0;
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[n] = 0;
    return 1;
}

/* Whether word[0..len) (any ASCII case) is a stop word. */
int stop_word_is(const char *word, size_t len);

#endif
