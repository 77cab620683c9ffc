/* lex.c - the text lexer; see lex.h. */
#include "lex.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"

/* ASCII character classes, one table lookup per byte in the hot loops. */
enum { CH_SPACE = 1, CH_WORD = 2, CH_DIGIT = 4, CH_TELL = 8 };

static const unsigned char ch_class[256] = {
    ['\t'] = CH_SPACE, ['\n'] = CH_SPACE, ['\v'] = CH_SPACE, ['\f'] = CH_SPACE, ['\r'] = CH_SPACE,
    [' '] = CH_SPACE, ['/'] = CH_TELL, ['@'] = CH_TELL, ['\\'] = CH_TELL,
    ['0'] = CH_WORD | CH_DIGIT, ['1'] = CH_WORD | CH_DIGIT, ['2'] = CH_WORD | CH_DIGIT,
    ['3'] = CH_WORD | CH_DIGIT, ['4'] = CH_WORD | CH_DIGIT, ['5'] = CH_WORD | CH_DIGIT,
    ['6'] = CH_WORD | CH_DIGIT, ['7'] = CH_WORD | CH_DIGIT, ['8'] = CH_WORD | CH_DIGIT,
    ['9'] = CH_WORD | CH_DIGIT,
    ['A'] = CH_WORD, ['B'] = CH_WORD, ['C'] = CH_WORD, ['D'] = CH_WORD, ['E'] = CH_WORD,
    ['F'] = CH_WORD, ['G'] = CH_WORD, ['H'] = CH_WORD, ['I'] = CH_WORD, ['J'] = CH_WORD,
    ['K'] = CH_WORD, ['L'] = CH_WORD, ['M'] = CH_WORD, ['N'] = CH_WORD, ['O'] = CH_WORD,
    ['P'] = CH_WORD, ['Q'] = CH_WORD, ['R'] = CH_WORD, ['S'] = CH_WORD, ['T'] = CH_WORD,
    ['U'] = CH_WORD, ['V'] = CH_WORD, ['W'] = CH_WORD, ['X'] = CH_WORD, ['Y'] = CH_WORD,
    ['Z'] = CH_WORD,
    ['a'] = CH_WORD, ['b'] = CH_WORD, ['c'] = CH_WORD, ['d'] = CH_WORD, ['e'] = CH_WORD,
    ['f'] = CH_WORD, ['g'] = CH_WORD, ['h'] = CH_WORD, ['i'] = CH_WORD, ['j'] = CH_WORD,
    ['k'] = CH_WORD, ['l'] = CH_WORD, ['m'] = CH_WORD, ['n'] = CH_WORD, ['o'] = CH_WORD,
    ['p'] = CH_WORD, ['q'] = CH_WORD, ['r'] = CH_WORD, ['s'] = CH_WORD, ['t'] = CH_WORD,
    ['u'] = CH_WORD, ['v'] = CH_WORD, ['w'] = CH_WORD, ['x'] = CH_WORD, ['y'] = CH_WORD,
    ['z'] = CH_WORD,
};

static inline int is_space(unsigned char c)
{
    return ch_class[c] & CH_SPACE;
}

/* Length of the UTF-8 character at s[i] (valid UTF-8 assumed). */
static size_t ch_len(const unsigned char *s, size_t i)
{
    return utf8_len_valid(s[i]);
}

static int is_wordch_slow(const unsigned char *s, size_t n, size_t i);

/* Whether the character at s[i] is a letter (or a mark or digit: part of a
 * word). Non-ASCII punctuation (quotes, dashes, ...) is not. */
static int is_wordch_slow(const unsigned char *s, size_t n, size_t i)
{
    uint32_t cp;
    if (!utf8_decode(s + i, n - i, &cp))
        return 0;
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

static inline int is_wordch(const unsigned char *s, size_t n, size_t i)
{
    unsigned c = s[i];
    if (c < 0x80)
        return ch_class[c] & CH_WORD;
    return is_wordch_slow(s, n, i);
}

static int is_upper_at(const unsigned char *s, size_t n, size_t i)
{
    uint32_t cp;
    if (s[i] < 0x80)
        return s[i] >= 'A' && s[i] <= 'Z';
    return utf8_decode(s + i, n - i, &cp) &&
           utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LU;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* U+2019 RIGHT SINGLE QUOTATION MARK, used as an apostrophe. */
static int is_rsquo(const unsigned char *s, size_t n, size_t i)
{
    return i + 2 < n && s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0x99;
}

size_t lex_sentence_start(const char *s, const struct lex_tok *t, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (t[i].kind == LX_PUNCT) {
            i++;
        } else if (t[i].kind == LX_NUMBER && i + 1 < n && t[i + 1].kind == LX_PUNCT &&
                   !(t[i + 1].flags & LXF_SPACE) && strchr(":).", s[t[i + 1].start])) {
            i += 2;
        } else {
            break;
        }
    }
    return i;
}

/* Negation words: kept at every level and never part of a rule or a stop
 * word. Besides not/no/never/... it holds the n't contractions with a
 * straight and with a typographic apostrophe (U+2019), their common
 * apostrophe-less spellings ("dont"), the bare "n't" of tokenized text, and
 * the negative adverbs hardly/scarcely/barely/seldom/rarely, whose deletion
 * would flip a sentence. A word ending in "n't" is a negation whether or
 * not it is listed. */
const char *const lex_negation_words[] = {
    "ain't", "aint", "ain\xE2\x80\x99" "t", "aren't", "arent", "aren\xE2\x80\x99" "t", "barely",
    "can't", "cannot", "cant", "can\xE2\x80\x99" "t", "couldn't", "couldnt",
    "couldn\xE2\x80\x99" "t", "daren't", "daren\xE2\x80\x99" "t", "didn't", "didnt",
    "didn\xE2\x80\x99" "t", "doesn't", "doesnt", "doesn\xE2\x80\x99" "t", "don't", "dont",
    "don\xE2\x80\x99" "t", "hadn't", "hadnt", "hadn\xE2\x80\x99" "t", "hardly", "hasn't",
    "hasnt", "hasn\xE2\x80\x99" "t", "haven't", "havent", "haven\xE2\x80\x99" "t", "isn't",
    "isnt", "isn\xE2\x80\x99" "t", "mightn't", "mightn\xE2\x80\x99" "t", "mustn't", "mustnt",
    "mustn\xE2\x80\x99" "t", "n't", "needn't", "needn\xE2\x80\x99" "t", "neither", "never",
    "no", "nobody", "none", "noone", "nor", "not", "nothing", "nowhere", "n\xE2\x80\x99" "t",
    "oughtn't", "oughtn\xE2\x80\x99" "t", "rarely", "scarcely", "seldom", "shan't",
    "shan\xE2\x80\x99" "t", "shouldn't", "shouldnt", "shouldn\xE2\x80\x99" "t", "wasn't",
    "wasnt", "wasn\xE2\x80\x99" "t", "weren't", "werent", "weren\xE2\x80\x99" "t", "without",
    "won't", "wont", "won\xE2\x80\x99" "t", "wouldn't", "wouldnt", "wouldn\xE2\x80\x99" "t",
};
const size_t lex_negation_words_count = sizeof lex_negation_words / sizeof lex_negation_words[0];

static int cmp_word(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

int lex_is_negation(const char *s, size_t n)
{
    char low[16];
    size_t i;
    char f;
    if (n < 2)
        return 0;
    if (n >= 3 && (s[n - 1] == 't' || s[n - 1] == 'T') && s[n - 2] == '\'' &&
        (s[n - 3] == 'n' || s[n - 3] == 'N'))
        return 1; /* don't, isn't, can't */
    if (n >= 5 && (s[n - 1] == 't' || s[n - 1] == 'T') && (unsigned char)s[n - 2] == 0x99 &&
        (unsigned char)s[n - 3] == 0x80 && (unsigned char)s[n - 4] == 0xE2 &&
        (s[n - 5] == 'n' || s[n - 5] == 'N'))
        return 1; /* don’t */
    /* the other negation words are short: the ones without "n't" start
     * with n, or are one of a few words checked here; the apostrophe-less
     * forms (dont, isnt, cant) end in "nt" */
    f = (char)(s[0] | 0x20);
    if (n > 9)
        return 0;
    if ((f == 'w' && n == 7 && lex_word_is(s, n, "without")) ||
        (f == 'c' && n == 6 && lex_word_is(s, n, "cannot")) ||
        (f == 'h' && n == 6 && lex_word_is(s, n, "hardly")) ||
        (f == 's' && n == 8 && lex_word_is(s, n, "scarcely")) ||
        (f == 's' && n == 6 && lex_word_is(s, n, "seldom")) ||
        (f == 'b' && n == 6 && lex_word_is(s, n, "barely")) ||
        (f == 'r' && n == 6 && lex_word_is(s, n, "rarely")))
        return 1;
    if (f != 'n' && !((s[n - 1] | 0x20) == 't' && (s[n - 2] | 0x20) == 'n'))
        return 0;
    /* the n-words of the list are ne..., no... and n't: "new" and "north"
     * are looked up, "national" and "number" are not */
    if (f == 'n' && (s[n - 1] | 0x20) != 't' && (s[1] | 0x20) != 'e' && (s[1] | 0x20) != 'o')
        return 0;
    for (i = 0; i < n; i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    low[n] = 0;
    return bsearch(low, lex_negation_words, lex_negation_words_count, sizeof(char *), cmp_word) != NULL;
}

/* Trailing punctuation that ends a sentence or clause rather than a URL. */
static int url_trailer(unsigned char c)
{
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
           c == ']' || c == '}' || c == '\'' || c == '"' || c == '>';
}

static int starts_with_ci(const unsigned char *s, size_t n, const char *p)
{
    size_t i, L = strlen(p);
    if (n < L)
        return 0;
    for (i = 0; i < L; i++) {
        unsigned char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if (c != (unsigned char)p[i])
            return 0;
    }
    return 1;
}

/* Classifies the whole non-space run s[a..b) as a URL, e-mail or path, or
 * returns 0. *end receives where the span ends (trailing punctuation that
 * belongs to the sentence is left out). */
static int classify_run(const unsigned char *s, size_t a, size_t b, size_t *end)
{
    size_t i, at = 0, slash = 0, letters = 0;
    while (b > a + 1 && url_trailer(s[b - 1]))
        b--;
    *end = b;
    if (starts_with_ci(s + a, b - a, "http://") || starts_with_ci(s + a, b - a, "https://") ||
        starts_with_ci(s + a, b - a, "ftp://") || starts_with_ci(s + a, b - a, "file://") ||
        (starts_with_ci(s + a, b - a, "www.") && b - a > 5))
        return LX_URL;
    for (i = a; i < b; i++) {
        if (s[i] == '@' && !at && i > a)
            at = i;
        if ((s[i] == '/' || s[i] == '\\') && (i + 1 < b || (i > a && (ch_class[s[i - 1]] & CH_WORD))))
            slash = 1; /* src/a.c, and/or, it/ */
        if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
            letters++;
    }
    if (at && memchr(s + at, '.', b - at) && s[b - 1] != '.' && letters >= 3)
        return LX_EMAIL;
    if (slash && letters >= 2 && s[a] != '(' && s[a] != '"' && s[a] != '\'')
        return LX_PATH;
    return 0;
}

static int is_ascii_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A character of a name: a letter, mark or digit, or '_'. */
static inline int is_namech(const unsigned char *s, size_t n, size_t i)
{
    return s[i] == '_' || is_wordch(s, n, i);
}

/* Where the name starting at s[i] ends, or 0 when s[i] starts no name.
 * A name is a run of parts (letters, digits and '_') joined by single
 * connectors ('.', '-', '+', '~', ':' or "::") with a part after each
 * connector, that is shaped like something a program reads: it has a '_',
 * a ':' or "::", a '.' (unless every part is one character: "e.g", "U.S"), a '+'
 * or '~' between parts, a part that starts with a letter and holds a digit
 * ("x86", "deb12u1"), a lower-case letter followed by an upper-case one
 * ("isOpen"), or it starts with a digit and is longer than the number
 * there ("2024-03-12", "2.6.32-5-amd64"). At the start of a run (run_start)
 * an option ("-C", "--level=max", "-Wall") or a dot file (".bashrc") is a
 * name too. A run of hyphenated letters alone ("well-known") is a word.
 * num_end is where the number lexed at s[i] would end (i when none). */
static size_t lex_name_end(const unsigned char *s, size_t n, size_t i, int run_start, size_t num_end)
{
    size_t j = i;
    int shaped = 0, dot = 0, alnum = 0;
    if (run_start && s[i] == '-') {
        j = i + 1 + (i + 1 < n && s[i + 1] == '-');
        if (!(j < n && is_ascii_letter(s[j])))
            return 0;
        shaped = 1;
    } else if (run_start && s[i] == '.' && i + 1 < n && is_ascii_letter(s[i + 1]) &&
               (i == 0 || s[i - 1] != '.')) {
        j = i + 1;
        shaped = 1;
    } else if (!is_namech(s, n, i)) {
        return 0;
    }
    for (;;) {
        int letter_first = j < n && s[j] >= 0x80 ? 1 : (j < n && is_ascii_letter(s[j]));
        unsigned char prev = 0;
        while (j < n && is_namech(s, n, j)) {
            unsigned char c = s[j];
            alnum |= c != '_';
            if (c == '_')
                shaped = 1;
            else if (letter_first && is_digit(c))
                shaped = 1;
            else if (c >= 'A' && c <= 'Z' && prev >= 'a' && prev <= 'z')
                shaped = 1;
            prev = c;
            j += c < 0x80 ? 1 : ch_len(s, j);
        }
        if (j >= n)
            break;
        if ((s[j] == '.' || s[j] == '-' || s[j] == '+' || s[j] == '~') && j + 1 < n && is_namech(s, n, j + 1)) {
            if (s[j] == '.')
                dot = 1;
            else if (s[j] != '-')
                shaped = 1;
            j++;
        } else if (s[j] == ':' && j + 2 < n && s[j + 1] == ':' && is_namech(s, n, j + 2)) {
            shaped = 1;
            j += 2;
        } else if (s[j] == ':' && j + 1 < n && is_namech(s, n, j + 1)) {
            /* libc6:amd64, host:8080, is:open, urn:isbn:0451450523,
             * 2001:db8::7: a colon with no space after it joins */
            shaped = 1;
            j++;
        } else if (s[j] == '=' && s[i] == '-' && j + 1 < n && !is_space(s[j + 1])) {
            /* --level=max, --labels=[KEY=VALUE,...]: the value is the rest
             * of the run, less the punctuation that ends a sentence */
            size_t e = j + 1;
            while (e < n && !is_space(s[e]))
                e++;
            while (e > j + 1 && url_trailer(s[e - 1]) &&
                   !((s[e - 1] == ']' && memchr(s + j, '[', e - j)) || (s[e - 1] == ')' && memchr(s + j, '(', e - j))))
                e--; /* "=[KEY=VALUE,...]" keeps its closing bracket */
            if (e > j + 1)
                j = e;
            break;
        } else {
            break;
        }
    }
    if (dot)
        shaped = 1; /* a.out, self.is_open, and e.g, i.e, U.S: no pass splits them */
    if (is_digit(s[i])) {
        if (j <= num_end)
            return 0; /* a number: 3, 1.2.3, 10km, 1990s */
        shaped = 1;
    }
    return shaped && alnum ? j : 0; /* "_" and "___" alone are punctuation */
}

/* Ends of a closed quote or code span starting at s[i] (also a GNU `quote'
 * and shell $'...' quoting), or 0. */
static size_t span_end(const unsigned char *s, size_t n, size_t i)
{
    size_t j;
    if (s[i] == '`') {
        size_t ticks = 0;
        /* a GNU `quote' of one run: closed by an apostrophe that ends a
         * word, before any blank or backtick ("`A=()'", "`for'"); a space
         * means a code span such as `f(x, 'a')` */
        for (j = i + 1; j < n && j < i + 200 && !is_space(s[j]) && s[j] != '`'; j++)
            if (s[j] == '\'' && j > i + 1 && !is_space(s[j - 1]) &&
                (j + 1 >= n || !(ch_class[s[j + 1]] & CH_WORD)))
                return j + 1;
        while (i + ticks < n && s[i + ticks] == '`')
            ticks++;
        for (j = i + ticks; j + ticks <= n; j++) {
            size_t k = 0;
            while (k < ticks && s[j + k] == '`')
                k++;
            if (k == ticks && (j + k >= n || s[j + k] != '`'))
                return j > i + ticks ? j + ticks : 0;
            if (s[j] == '\n' && j + 1 < n && s[j + 1] == '\n')
                return 0;
        }
        return 0;
    }
    if (s[i] == '$') { /* shell quoting: $'a\tb', $"..." */
        unsigned char q = s[i + 1];
        for (j = i + 2; j < n && j < i + 600 && s[j] != '\n'; j++) {
            if (s[j] == '\\' && j + 1 < n && s[j + 1] != '\n')
                j++;
            else if (s[j] == q)
                return j + 1;
        }
        return 0;
    }
    if (s[i] == '"') {
        for (j = i + 1; j < n && j < i + 600; j++) {
            if (s[j] == '"')
                return j > i + 1 ? j + 1 : 0;
            if (s[j] == '\n')
                return 0;
        }
        return 0;
    }
    if (i + 2 < n && s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0x9C) { /* “ */
        for (j = i + 3; j + 2 < n && j < i + 600; j++) {
            if (s[j] == 0xE2 && s[j + 1] == 0x80 && s[j + 2] == 0x9D) /* ” */
                return j + 3;
            if (s[j] == '\n')
                return 0;
        }
    }
    return 0;
}

/* URLs, e-mail addresses and paths are whole non-space runs, looked at
 * where a run starts (at s[i]) and only if it has a telling character.
 * Returns the kind (LX_*) of the run, its end in *e; 0 when it is none of
 * them. *ascii_end gets where s[i]'s run of ASCII letters and digits ends
 * when that was scanned, else i. */
static int run_kind(const unsigned char *s, size_t n, size_t i, size_t *ascii_end, size_t *e)
{
    size_t run_end;
    int telling = 0;
    *ascii_end = i;
    if (!(i == 0 || is_space(s[i - 1]) || s[i - 1] == '(' || s[i - 1] == '<' ||
          ((s[i - 1] == '\'' || s[i - 1] == '"') && (i == 1 || is_space(s[i - 2])))))
        return 0;
    /* a run of ASCII letters and digits alone (most words) has no telling
     * character: skip it before scanning the rest */
    run_end = i;
    while (run_end < n && (ch_class[s[run_end]] & CH_WORD))
        run_end++;
    *ascii_end = run_end;
    if (run_end < n && !(ch_class[s[run_end]] & CH_SPACE)) {
        while (run_end < n && !(ch_class[s[run_end]] & CH_SPACE)) {
            telling |= ch_class[s[run_end]];
            run_end++;
        }
        telling = (telling & CH_TELL) || (run_end > i + 3 && s[i + 3] == '.');
    }
    return telling ? classify_run(s, i, run_end, e) : 0;
}

/* A number at s[i]: an optional sign (when signed_ok, or for '$') or
 * currency, digits with inner ',', '.' and ':', an attached unit or suffix
 * (10km, 1990s, 3rd) and a '%'. Returns its end, or 0 when none starts
 * here. */
static size_t number_end(const unsigned char *s, size_t n, size_t i, int signed_ok)
{
    size_t j = i;
    if ((s[j] == '-' || s[j] == '+' || s[j] == '$') && j + 1 < n && is_digit(s[j + 1]) && (signed_ok || s[j] == '$'))
        j++;
    else if (j + 2 < n && ((s[j] == 0xE2 && s[j + 1] == 0x82 && s[j + 2] == 0xAC) /* € */) && j + 3 < n &&
             is_digit(s[j + 3]))
        j += 3;
    else if (j + 2 < n && s[j] == 0xC2 && (s[j + 1] == 0xA3 || s[j + 1] == 0xA5) && is_digit(s[j + 2]))
        j += 2; /* £ ¥ */
    if (!is_digit(s[j]))
        return 0;
    while (j < n && (is_digit(s[j]) || ((s[j] == ',' || s[j] == '.' || s[j] == ':') && j + 1 < n && is_digit(s[j + 1]))))
        j++;
    while (j < n && s[j] < 0x80 && is_wordch(s, n, j))
        j++; /* attached unit or suffix: 10km, 1990s, 3rd */
    if (j < n && s[j] == '%')
        j++;
    return j;
}

/* The end of a word whose letters and digits run at least to j: letters
 * of any script, inner apostrophes and hyphens ("don't", "well-known"). */
static size_t word_end(const unsigned char *s, size_t n, size_t j)
{
    while (j < n) {
        if (ch_class[s[j]] & CH_WORD) {
            j++;
        } else if (is_wordch(s, n, j)) {
            j += ch_len(s, j);
        } else if ((s[j] == '\'' || s[j] == '-') && j + 1 < n && is_wordch(s, n, j + 1)) {
            j++;
        } else if (is_rsquo(s, n, j) && j + 3 < n && is_wordch(s, n, j + 3)) {
            j += 3;
        } else {
            break;
        }
    }
    return j;
}

size_t lex_text(const char *text, size_t n, struct lex_tok *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, k = 0;
    uint8_t pending = 0;
    while (i < n) {
        size_t j, e, ascii_end; /* ascii_end: where s[i]'s run of ASCII
                                   letters and digits ends, if known */
        int kind;
        if (is_space(s[i])) {
            pending |= LXF_SPACE;
            if (s[i] == '\n')
                pending |= LXF_NL;
            i++;
            continue;
        }
        out[k].start = (uint32_t)i;
        out[k].flags = pending;
        pending = 0;
        /* quotes and code spans are atomic */
        if ((s[i] == '`' || s[i] == '"' || s[i] == 0xE2 ||
             (s[i] == '$' && i + 1 < n && (s[i + 1] == '\'' || s[i + 1] == '"'))) &&
            (e = span_end(s, n, i)) != 0) {
            out[k].kind = s[i] == '`' || s[i] == '$' ? LX_CODE : LX_QUOTE;
            out[k].len = (uint32_t)(e - i);
            k++;
            i = e;
            continue;
        }
        /* URLs, e-mail addresses and paths are whole non-space runs,
         * looked at where a run starts and only if it has a telling
         * character */
        kind = run_kind(s, n, i, &ascii_end, &e);
        if (kind) {
            out[k].kind = (uint8_t)kind;
            out[k].len = (uint32_t)(e - i);
            k++;
            i = e;
            continue;
        }
        /* names: identifiers, dotted and qualified names, file names,
         * options, versions (before numbers: "2.6.32-5-amd64" is one) */
        {
            /* an option or a dot file starts where no name or number
             * goes on: "-C", "(-C)", ":-P", "CFLAGS=-O2", not "a-b", "a.b"
             * or "..." */
            int run_start = i == 0 || !(is_namech(s, n, i - 1) || s[i - 1] == '-' || s[i - 1] == '.' ||
                                        s[i - 1] >= 0x80);
            size_t num_end = i;
            if (is_digit(s[i])) {
                num_end = i;
                while (num_end < n && (is_digit(s[num_end]) ||
                                       ((s[num_end] == ',' || s[num_end] == '.' || s[num_end] == ':') &&
                                        num_end + 1 < n && is_digit(s[num_end + 1]))))
                    num_end++;
                while (num_end < n && s[num_end] < 0x80 && is_wordch(s, n, num_end))
                    num_end++;
            }
            if ((s[i] == '_' || s[i] == '-' || s[i] == '.' || is_wordch(s, n, i)) &&
                (e = lex_name_end(s, n, i, run_start, num_end)) != 0) {
                out[k].kind = LX_NAME;
                out[k].len = (uint32_t)(e - i);
                if (is_upper_at(s, n, i))
                    out[k].flags |= LXF_CAP;
                k++;
                i = e;
                continue;
            }
        }
        if ((j = number_end(s, n, i, k == 0 || (out[k].flags & LXF_SPACE))) != 0) {
            out[k].kind = LX_NUMBER;
            out[k].len = (uint32_t)(j - i);
            k++;
            i = j;
            continue;
        }
        if (is_wordch(s, n, i)) {
            j = word_end(s, n, ascii_end);
            out[k].kind = LX_WORD;
            out[k].len = (uint32_t)(j - i);
            if (is_upper_at(s, n, i))
                out[k].flags |= LXF_CAP;
            if (lex_is_negation(text + i, j - i))
                out[k].flags |= LXF_NEG;
            k++;
            i = j;
            continue;
        }
        out[k].kind = LX_PUNCT;
        out[k].len = (uint32_t)ch_len(s, i);
        k++;
        i += ch_len(s, i);
    }
    return k;
}
