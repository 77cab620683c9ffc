/* words.c - the English stop words, which the prose pass prunes at `max`
 * and BM25 leaves out of its terms; see words.h. (The negation words, which
 * no level removes, live with the lexer in lex.c.)
 */
#include "words.h"

#include <stdlib.h>
#include <string.h>

/* Stop words for `max` pruning and BM25: articles, pronouns, auxiliaries,
 * common prepositions and conjunctions, and adverbs that carry little
 * information. Never a negation or a number word. Also left out, because
 * dropping them changes what a sentence says: modal verbs (must, may,
 * should, can, will ...: obligation and possibility), quantifiers (all,
 * any, each, some, most, more, few, only ...), logical connectives (if, or,
 * unless, because), words that bound or qualify a number (about, around,
 * between, over, under, since, until), words of direction or order whose
 * loss can reverse a sentence (before, after, above, below, up, down, off,
 * out, against), "other", "same", "own", and "just", "simply", "quite"
 * and "rather" (see the balanced table). */
const char *const stop_words[] = {
    "a", "absolutely", "across", "actually", "again", "along", "already", "also", "although",
    "am", "among", "an", "and", "anyway", "are", "as", "at", "basically", "be", "been", "being",
    "but", "by", "certainly", "definitely", "did", "do", "does", "doing", "else", "essentially",
    "even", "ever", "for", "from", "furthermore", "had", "has", "have", "having", "he", "he's",
    "hence", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how",
    "however", "i", "i'm", "i've", "in", "indeed", "into", "is", "it", "it's", "its", "itself",
    "let's", "likewise", "literally", "me", "mine", "moreover", "my", "myself", "namely", "now",
    "obviously", "of", "on", "onto", "our", "ours", "ourselves", "per", "really", "she",
    "she's", "so", "somewhat", "still", "such", "than", "that", "that's", "the", "their",
    "theirs", "them", "themselves", "then", "there", "there's", "therefore", "these", "they",
    "they're", "they've", "this", "those", "though", "through", "throughout", "thus", "to",
    "too", "totally", "toward", "towards", "truly", "upon", "us", "very", "via", "was", "we",
    "we're", "we've", "were", "what", "what's", "whatever", "when", "where", "whereas",
    "whether", "which", "whichever", "while", "who", "who's", "whoever", "whom", "whose", "why",
    "with", "within", "yet", "you", "you're", "you've", "your", "yours", "yourself",
    "yourselves",
};
const size_t stop_words_count = sizeof stop_words / sizeof stop_words[0];


int stop_word_is(const char *word, size_t len)
{
    char w[STOP_WORD_MAX_LEN + 1];
    size_t lo = 0, hi = stop_words_count;
    if (!word_lower(word, len, w, sizeof w))
        return 0;
    /* a binary search that compares in line: a call to strcmp per step
     * cost more than the comparison (the prose pass and BM25 ask for every
     * word) */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const unsigned char *a = (const unsigned char *)w, *b = (const unsigned char *)stop_words[mid];
        while (*a && *a == *b) {
            a++;
            b++;
        }
        if (*a == *b)
            return 1;
        if (*a < *b)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}
