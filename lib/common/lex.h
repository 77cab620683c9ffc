/* lex.h - splits text into words, numbers, punctuation and atomic spans
 * (URLs, e-mail addresses, paths, code spans, quoted strings).
 *
 * The compression passes and the guards see text through this one lexer, so
 * what a pass treats as a unit is exactly what a guard checks.
 */
#ifndef TERSE_COMMON_LEX_H
#define TERSE_COMMON_LEX_H

#include <stddef.h>
#include <string.h>
#include <stdint.h>

enum lex_kind {
    LX_WORD = 1,   /* letters, with inner apostrophes and hyphens */
    LX_NUMBER,     /* 3, -4.5, $1,200, 45%, 10km, 1990s, 3rd */
    LX_PUNCT,      /* one punctuation or symbol character */
    LX_URL,        /* http://..., https://..., www.... */
    LX_EMAIL,
    LX_PATH,       /* a run with '/' or '\' between names: src/a.c, /usr/lib, and/or */
    LX_CODE,       /* `inline code`, a GNU `quote', shell $'...' and $"..." quoting */
    LX_QUOTE,      /* "a quoted string" or “a quoted string” */
    LX_NAME        /* a name no pass splits: is_valid, self.is_open, std::out_of_range,
                      a.out, libblas.so.3, .bashrc, -C, --level=max, x86, isOpen,
                      2.6.32-5-amd64 (see lex_name_end in lex.c) */
};

enum lex_flag {
    LXF_SPACE = 1,  /* whitespace precedes the token */
    LXF_CAP = 2,    /* starts with an upper-case letter */
    LXF_NEG = 4,    /* a negation word (not, never, don't, ...) */
    LXF_NL = 8      /* the whitespace before contains a newline */
};

struct lex_tok {
    uint32_t start, len;
    uint8_t kind, flags;
};

/* Lexes s[0..n) (valid UTF-8) into out, which must hold n entries (a text
 * never has more tokens than bytes). Returns the number of tokens. */
size_t lex_text(const char *s, size_t n, struct lex_tok *out);

/* Negation words (lower case, sorted): not, no, never, without, n't forms
 * with ' and ’, hardly, ... Every level keeps them. */
extern const char *const lex_negation_words[];
extern const size_t lex_negation_words_count;

/* Whether the word s[0..n) is a negation (case-insensitive), including
 * any n't contraction. */
int lex_is_negation(const char *s, size_t n);

/* Index of the token that starts the sentence t[0..n) over s: the first
 * one after any leading punctuation and leading labels (a number followed
 * by ':' ')' or '.', as in "14:26:" or "2)"). The passes and the guards
 * agree on it. Returns n when there is none. */
size_t lex_sentence_start(const char *s, const struct lex_tok *t, size_t n);

/* Returns 1 when s[0..n) is the ASCII-lower-case word `lower` in any case.
 * Inline: the passes call it with literal words millions of times, and
 * inlined, strlen of a literal is a constant that rejects most words on
 * their length alone. */
static inline int lex_word_is(const char *s, size_t n, const char *lower)
{
    size_t i;
    if (n != strlen(lower))
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != lower[i])
            return 0;
    }
    return 1;
}

/* 1 when the line s[0..n) starts with the C string p (exact bytes). The
 * first byte is compared before anything else: the detectors try dozens of
 * heads on every line, and most fail there, without a strlen or a memcmp. */
static inline int lex_starts(const char *s, size_t n, const char *p)
{
    size_t L;
    if (!p[0])
        return 1;
    if (!n || s[0] != p[0])
        return 0;
    L = strlen(p);
    return n >= L && memcmp(s, p, L) == 0;
}

/* 1 when the line s[0..n) contains the C string p (exact bytes). */
static inline int lex_contains(const char *s, size_t n, const char *p)
{
    size_t L = strlen(p), k = 0;
    const char *q, *lim;
    if (L == 0)
        return 1;
    if (n < L)
        return 0;
    /* memchr finds the candidates (the detectors call this on every line),
     * by p's first byte that is not a space: spaces are everywhere, and a
     * search for " ... " by its first byte would stop at every word */
    while (k + 1 < L && p[k] == ' ')
        k++;
    /* a match at m (0 <= m <= n - L) has that byte at m + k */
    for (q = s + k, lim = s + (n - L) + k + 1; q < lim && (q = memchr(q, p[k], (size_t)(lim - q))) != NULL; q++)
        if (memcmp(q - k, p, L) == 0)
            return 1;
    return 0;
}

#endif
