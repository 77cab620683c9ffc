/* metrics.c - the answer, number and score definitions of `terse eval`.
 *
 * The retention definitions are those of eval/quality.js (SQuAD's answer
 * normalization, strict and content retention), implemented again here so
 * that the C harness and the node harness can check each other; exact
 * match and token F1 are SQuAD's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "../lib/common/utf8.h"
#include "eval.h"

/* JavaScript's \s: what quality.js splits on. */
static int js_space(uint32_t c)
{
    return c == ' ' || (c >= 9 && c <= 13) || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* \p{L}, \p{N} or _: a character that joins a word for the article rule. */
static int word_char(uint32_t c)
{
    utf8proc_category_t k;
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    k = utf8proc_category((utf8proc_int32_t)c);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
           (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO);
}

/* Python's string.punctuation: what normalize deletes. */
static int ascii_punct(uint32_t c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

/* Decodes s[0..n) (repairing ill-formed bytes to U+FFFD) into code points.
 * Returns a new array of *m code points, or NULL. */
static uint32_t *decode_all(const char *s, size_t n, size_t *m)
{
    uint32_t *cp = malloc((n + 1) * sizeof *cp);
    size_t i = 0, k = 0;
    if (!cp)
        return NULL;
    while (i < n) {
        uint32_t c;
        size_t l = utf8_decode((const unsigned char *)s + i, n - i, &c);
        if (!l) {
            l = utf8_invalid_span((const unsigned char *)s + i, n - i);
            c = 0xFFFD;
        }
        cp[k++] = c;
        i += l;
    }
    *m = k;
    return cp;
}

/* Returns the normalized text as a new string; built in three passes over
 * code points, in the order of quality.js (lower case, punctuation,
 * articles, whitespace) so that edge cases agree. */
char *eval_normalize(const char *s, size_t n)
{
    size_t m, i, k = 0;
    uint32_t *cp = decode_all(s, n, &m);
    struct buf out = {0};
    int pending_space = 0;
    if (!cp)
        return NULL;
    for (i = 0; i < m; i++) {
        uint32_t c = (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp[i]);
        if (!ascii_punct(c))
            cp[k++] = c;
    }
    m = k;
    for (i = 0; i < m; i++) {
        size_t len = 0;
        if (cp[i] == 'a' && (i == 0 || !word_char(cp[i - 1]))) {
            /* (?:a|an) then a non-word character, as the regex tries them */
            if (i + 1 == m || !word_char(cp[i + 1]))
                len = 1;
            else if (cp[i + 1] == 'n' && (i + 2 == m || !word_char(cp[i + 2])))
                len = 2;
        } else if (cp[i] == 't' && (i == 0 || !word_char(cp[i - 1])) && i + 2 < m && cp[i + 1] == 'h' &&
                   cp[i + 2] == 'e' && (i + 3 == m || !word_char(cp[i + 3]))) {
            len = 3;
        }
        if (len) {
            size_t j;
            cp[i] = ' ';
            for (j = 1; j < len; j++)
                cp[i + j] = 0xFFFFFFFFu; /* deleted */
            i += len - 1;
        }
    }
    for (i = 0; i < m; i++) {
        char enc[4];
        size_t l;
        if (cp[i] == 0xFFFFFFFFu)
            continue;
        if (js_space(cp[i])) {
            pending_space = out.len > 0;
            continue;
        }
        if (pending_space)
            buf_addc(&out, ' ');
        pending_space = 0;
        l = (size_t)utf8proc_encode_char((utf8proc_int32_t)cp[i], (utf8proc_uint8_t *)enc);
        buf_add(&out, enc, l);
    }
    free(cp);
    buf_addc(&out, 0);
    if (out.oom) {
        buf_free(&out);
        return NULL;
    }
    return out.p;
}

int eval_strict_kept(const char *norm_text, const char *norm_answer)
{
    return strstr(norm_text, norm_answer) != NULL;
}

/* quality.js's STOP: NLTK's English stop words, apostrophes removed,
 * negations taken out. */
static const char *const stop_words[] = {
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "youre", "youve", "youll", "youd",
    "your", "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she", "shes", "her", "hers",
    "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which", "who",
    "whom", "this", "that", "thatll", "these", "those", "am", "is", "are", "was", "were", "be", "been",
    "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an", "the", "and", "but",
    "if", "or", "because", "as", "until", "while", "of", "at", "by", "for", "with", "about", "against",
    "between", "into", "through", "during", "before", "after", "above", "below", "to", "from", "up", "down",
    "in", "out", "on", "off", "over", "under", "again", "further", "then", "once", "here", "there", "when",
    "where", "why", "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such",
    "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "should",
    "shouldve", "now", "d", "ll", "m", "o", "re", "ve", "y", "ma", NULL};

/* Whether w[0..n) is one of the stop words (a linear scan of 138 short
 * words, over the few words of an answer). */
static int is_stop(const char *w, size_t n)
{
    size_t i;
    for (i = 0; stop_words[i]; i++)
        if (strlen(stop_words[i]) == n && memcmp(stop_words[i], w, n) == 0)
            return 1;
    return 0;
}

/* memmem over NUL-terminated text from pos. */
static const char *find_from(const char *text, const char *w, size_t n)
{
    const char *p = text;
    for (; (p = strchr(p, w[0])) != NULL; p++)
        if (strncmp(p, w, n) == 0)
            return p;
    return NULL;
}

int eval_content_kept(const char *norm_text, const char *norm_answer)
{
    const char *a = norm_answer, *pos = norm_text;
    int words = 0;
    while (*a) {
        const char *e = strchr(a, ' ');
        size_t n = e ? (size_t)(e - a) : strlen(a);
        if (n && !is_stop(a, n)) {
            const char *hit = find_from(pos, a, n);
            words++;
            if (!hit)
                return 0;
            pos = hit + n;
        }
        a += n;
        while (*a == ' ')
            a++;
    }
    return words ? 1 : eval_strict_kept(norm_text, norm_answer);
}

double eval_exact_match(const char *reply, const char *gold)
{
    char *a = eval_normalize(reply, strlen(reply)), *b = eval_normalize(gold, strlen(gold));
    double r = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    return r;
}

/* Splits a normalized string in place into words; returns the count. */
static size_t split_words(char *s, char ***words)
{
    size_t n = 0, cap = 8;
    char **w = malloc(cap * sizeof *w);
    char *p = s;
    if (!w)
        return 0;
    while (*p) {
        char *e = strchr(p, ' ');
        if (n == cap) {
            char **q = realloc(w, (cap *= 2) * sizeof *w);
            if (!q)
                break;
            w = q;
        }
        w[n++] = p;
        if (!e)
            break;
        *e = 0;
        p = e + 1;
    }
    *words = w;
    return n;
}

/* SQuAD's f1_score: the harmonic mean of precision and recall over the
 * multiset of normalized words. Quadratic in the word counts, which are
 * those of short answers. */
double eval_token_f1(const char *reply, const char *gold)
{
    char *a = eval_normalize(reply, strlen(reply)), *b = eval_normalize(gold, strlen(gold));
    char **wa = NULL, **wb = NULL;
    size_t na = 0, nb = 0, i, j, same = 0;
    double f = 0;
    if (!a || !b)
        goto out;
    na = split_words(a, &wa);
    nb = split_words(b, &wb);
    if (!na || !nb) {
        f = na == nb;
        goto out;
    }
    {
        unsigned char *used = calloc(nb, 1);
        if (!used)
            goto out;
        for (i = 0; i < na; i++)
            for (j = 0; j < nb; j++)
                if (!used[j] && strcmp(wa[i], wb[j]) == 0) {
                    used[j] = 1;
                    same++;
                    break;
                }
        free(used);
    }
    if (same) {
        double p = (double)same / (double)na, r = (double)same / (double)nb;
        f = 2 * p * r / (p + r);
    }
out:
    free(wa);
    free(wb);
    free(a);
    free(b);
    return f;
}

/* Scans the next number of the regex \d[\d,]*(?:\.\d+)? at or after *i;
 * returns its start and sets *end, or returns n when there is none. */
static size_t next_number(const char *s, size_t n, size_t *i, size_t *end)
{
    size_t p = *i, e;
    while (p < n && !(s[p] >= '0' && s[p] <= '9'))
        p++;
    if (p == n) {
        *i = n;
        return n;
    }
    e = p + 1;
    while (e < n && ((s[e] >= '0' && s[e] <= '9') || s[e] == ','))
        e++;
    if (e + 1 < n && s[e] == '.' && s[e + 1] >= '0' && s[e + 1] <= '9') {
        e += 2;
        while (e < n && s[e] >= '0' && s[e] <= '9')
            e++;
    }
    *end = e;
    *i = e;
    return p;
}

/* Appends s[p..e) without commas, NUL-terminated, to out. */
static void add_number(struct buf *out, const char *s, size_t p, size_t e)
{
    for (; p < e; p++)
        if (s[p] != ',')
            buf_addc(out, s[p]);
    buf_addc(out, 0);
}

/* Whether x is among the NUL-separated strings of nums[0..len). */
static int has_number(const char *nums, size_t len, const char *x)
{
    size_t i = 0;
    while (i < len) {
        if (strcmp(nums + i, x) == 0)
            return 1;
        i += strlen(nums + i) + 1;
    }
    return 0;
}

size_t eval_numbers(const char *s, size_t n, struct buf *out)
{
    size_t i = 0, e = 0, count = 0, start = out->len;
    for (;;) {
        size_t p = next_number(s, n, &i, &e), at = out->len;
        if (p == n)
            break;
        add_number(out, s, p, e);
        if (out->oom)
            break;
        if (has_number(out->p + start, at - start, out->p + at))
            out->len = at; /* already listed */
        else
            count++;
    }
    return count;
}

size_t eval_numbers_kept(const char *nums, size_t n, const char *text, size_t len)
{
    struct buf mine = {0};
    size_t i, off = 0, kept = 0;
    eval_numbers(text, len, &mine);
    for (i = 0; i < n; i++) {
        kept += mine.p && has_number(mine.p, mine.len, nums + off);
        off += strlen(nums + off) + 1;
    }
    buf_free(&mine);
    return kept;
}

double eval_numeric_match(const char *reply, const char *gold)
{
    size_t n = strlen(reply), i = 0, e = 0, last = n, last_e = 0, p;
    struct buf a = {0}, b = {0};
    double r;
    while ((p = next_number(reply, n, &i, &e)) != n) {
        last = p;
        last_e = e;
    }
    if (last == n)
        return 0;
    add_number(&a, reply, last, last_e);
    add_number(&b, gold, 0, strlen(gold));
    r = a.p && b.p && strcmp(a.p, b.p) == 0;
    buf_free(&a);
    buf_free(&b);
    return r;
}
