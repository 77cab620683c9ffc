/* guard.c - fidelity checks; see guard.h. */
#include "guard.h"

#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/lex.h"
#include "../common/words.h"

static int is_protected(const char *s, const struct lex_tok *t, int sentence_start,
                        guard_common_word_fn common)
{
    switch (t->kind) {
    case LX_NUMBER:
    case LX_URL:
    case LX_EMAIL:
    case LX_PATH:
    case LX_NAME:
    case LX_CODE:
    case LX_QUOTE:
        return 1;
    case LX_WORD:
        if (t->flags & LXF_NEG)
            return 1;
        if (t->flags & LXF_CAP) {
            size_t k;
            int acronym = t->len >= 2;
            for (k = 0; k < t->len && acronym; k++)
                acronym = s[t->start + k] >= 'A' && s[t->start + k] <= 'Z';
            if (sentence_start && !acronym && common && common(s + t->start, t->len))
                return 0;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

int guard_is_protected(const char *s, const struct lex_tok *t, int sentence_start, guard_common_word_fn common)
{
    return is_protected(s, t, sentence_start, common);
}

/* A token's fingerprint: its length and first and last bytes. Equal tokens
 * have equal fingerprints, so counting compares one word per token of a
 * small array before it compares bytes. */
static uint32_t fingerprint(const char *s, const struct lex_tok *t)
{
    const unsigned char *p = (const unsigned char *)s + t->start;
    return (uint32_t)t->len << 16 ^ (uint32_t)p[0] << 8 ^ p[t->len ? t->len - 1 : 0];
}

/* Fingerprints of toks[0..n) into fp (n entries). */
static void fingerprints(const char *s, const struct lex_tok *toks, size_t n, uint32_t *fp)
{
    size_t i;
    for (i = 0; i < n; i++)
        fp[i] = fingerprint(s, &toks[i]);
}

/* Counts the tokens of toks[0..n) over s (fingerprints fp) that equal
 * item[0..len) (fingerprint f). Word comparisons are exact
 * (case-sensitive): a name must survive as written. */
static size_t count_tok(const char *s, const struct lex_tok *toks, const uint32_t *fp, size_t n, uint32_t f,
                        const char *item, size_t len)
{
    size_t i, c = 0;
    for (i = 0; i < n; i++)
        if (fp[i] == f && hash_same_bytes(s + toks[i].start, item, len))
            c++;
    return c;
}

/* Occurrences of item[0..len) in s[0..n) as a substring. */
static size_t count_sub(const char *s, size_t n, const char *item, size_t len)
{
    size_t c = 0, i = 0;
    while (len && i + len <= n) {
        const char *hit = memchr(s + i, item[0], n - i - len + 1);
        if (!hit)
            break;
        i = (size_t)(hit - s);
        if (memcmp(s + i, item, len) == 0) {
            c++;
            i += len;
        } else {
            i++;
        }
    }
    return c;
}

static int check_lexed(const char *in, size_t in_len, const struct lex_tok *ti, size_t ni, const char *out,
                       size_t out_len, const struct lex_tok *to, size_t no, guard_common_word_fn common,
                       int sentences, const char **first_missing, size_t *missing_len);

/* Both texts lexed, then checked (sentences: see check_lexed). */
static int check_text(const char *in, size_t in_len, const char *out, size_t out_len, guard_common_word_fn common,
                      int sentences, const char **first_missing, size_t *missing_len)
{
    struct lex_tok stack_in[128], stack_out[128];
    struct lex_tok *ti = stack_in, *to = stack_out;
    size_t ni, no;
    int ok;
    if (in_len > 128) {
        ti = malloc(in_len * sizeof *ti);
        if (!ti)
            return 0;
    }
    if (out_len > 128) {
        to = malloc(out_len * sizeof *to);
        if (!to) {
            if (ti != stack_in)
                free(ti);
            return 0;
        }
    }
    ni = lex_text(in, in_len, ti);
    no = lex_text(out, out_len, to);
    ok = check_lexed(in, in_len, ti, ni, out, out_len, to, no, common, sentences, first_missing, missing_len);
    if (ti != stack_in)
        free(ti);
    if (to != stack_out)
        free(to);
    return ok;
}

int guard_check(const char *in, size_t in_len, const char *out, size_t out_len,
                guard_common_word_fn common, const char **first_missing, size_t *missing_len)
{
    return check_text(in, in_len, out, out_len, common, 0, first_missing, missing_len);
}

int guard_check_text(const char *in, size_t in_len, const char *out, size_t out_len,
                     guard_common_word_fn common, const char **first_missing, size_t *missing_len)
{
    return check_text(in, in_len, out, out_len, common, 1, first_missing, missing_len);
}

int guard_check_lexed(const char *in, size_t in_len, const struct lex_tok *ti, size_t ni, const char *out,
                      size_t out_len, const struct lex_tok *to, size_t no, guard_common_word_fn common,
                      const char **first_missing, size_t *missing_len)
{
    return check_lexed(in, in_len, ti, ni, out, out_len, to, no, common, 0, first_missing, missing_len);
}

/* Whether token i of t (over s) starts a sentence inside a text: it
 * follows . ! ? or : (perhaps with a closing ASCII quote or bracket, or
 * markdown emphasis, between: "**Levels first.** The"), or a line break. */
static int starts_sentence(const char *s, const struct lex_tok *t, size_t i)
{
    size_t k = i;
    if (t[i].flags & LXF_NL)
        return 1;
    /* after a list marker at the start of a line ("- ", "2. ", "(a) ") */
    while (k > 0 && i - k < 3 && (t[k - 1].kind == LX_PUNCT || t[k - 1].kind == LX_NUMBER) && !(t[k].flags & LXF_NL))
        k--;
    if (k < i && (k == 0 || (t[k].flags & LXF_NL)) && s[t[i - 1].start] != ':')
        return 1;
    k = i;
    while (k > 0 && t[k - 1].kind == LX_PUNCT && t[k - 1].len == 1 && s[t[k - 1].start] &&
           strchr("\"')]*_", s[t[k - 1].start]))
        k--;
    return k > 0 && t[k - 1].kind == LX_PUNCT && t[k - 1].len == 1 && strchr(".!?:", s[t[k - 1].start]);
}

/* Whether the word t (capitalized) also occurs in t[0..n) over s written
 * all in lower case ("Once" and "once"). */
static int written_lower(const char *s, const struct lex_tok *toks, size_t n, const struct lex_tok *t)
{
    size_t k, c;
    for (k = 1; k < t->len; k++)
        if (s[t->start + k] >= 'A' && s[t->start + k] <= 'Z')
            return 0; /* "NeXT", "MOSFET": as written */
    for (k = 0; k < n; k++) {
        const struct lex_tok *u = &toks[k];
        if (u->kind != LX_WORD || u->len != t->len || (u->flags & LXF_CAP))
            continue;
        for (c = 0; c < t->len; c++) {
            char a = s[t->start + c], b = s[u->start + c];
            if ((a >= 'A' && a <= 'Z' ? a + 32 : a) != b)
                break;
        }
        if (c == t->len)
            return 1;
    }
    return 0;
}

/* The check of guard_check_lexed; with sentences, a capitalized common
 * word that starts any sentence of the input (starts_sentence) is as one
 * at the start of the first, and so is a capitalized word at a sentence
 * start that the input also writes in lower case. */
static int check_lexed(const char *in, size_t in_len, const struct lex_tok *ti, size_t ni, const char *out,
                       size_t out_len, const struct lex_tok *to, size_t no, guard_common_word_fn common,
                       int sentences, const char **first_missing, size_t *missing_len)
{
    size_t i, first = lex_sentence_start(in, ti, ni);
    uint32_t stack_fp[256], *fi = stack_fp, *fo;
    int ok = 1;
    if (ni + no > 256 && !(fi = malloc((ni + no) * sizeof *fi)))
        return 0;
    fo = fi + ni;
    fingerprints(in, ti, ni, fi);
    fingerprints(out, to, no, fo);
    for (i = 0; i < ni && ok; i++) {
        const struct lex_tok *t = &ti[i];
        /* sentence-initial as the passes see it (lex_sentence_start) */
        if (!is_protected(in, t, i == first || (sentences && i > first && starts_sentence(in, ti, i)), common))
            continue;
        if (sentences && t->kind == LX_WORD && (t->flags & LXF_CAP) && !(t->flags & LXF_NEG) &&
            (i == first || starts_sentence(in, ti, i)) && written_lower(in, ti, ni, t))
            continue; /* "Once ..." where the text also says "once": an ordinary word */
        /* the first occurrence decides; later ones were counted with it */
        if (count_tok(in, ti, fi, i, fi[i], in + t->start, t->len) > 0)
            continue;
        if (t->kind == LX_QUOTE) {
            /* a quoted string survives if its text does (the marks of a
             * short quoted term may go) */
            size_t m = in[t->start] == '"' ? 1 : 3, need = 0, k;
            const char *inner = in + t->start + m;
            size_t ilen = t->len - 2 * m;
            /* as many copies as there are such quotes in the input (the same
             * words outside quotes may legitimately change) */
            for (k = 0; k < ni; k++)
                if (ti[k].kind == LX_QUOTE && ti[k].len == t->len &&
                    memcmp(in + ti[k].start + m, inner, ilen) == 0)
                    need++;
            if (count_sub(out, out_len, inner, ilen) < need) {
                ok = 0;
                if (first_missing) {
                    *first_missing = in + t->start;
                    *missing_len = t->len;
                }
            }
            continue;
        }
        /* a number may lose the bracket before its sign ("(-18)" becomes
         * "-18", which lexes differently): numbers count as substrings */
        if ((t->kind == LX_NUMBER ? count_sub(out, out_len, in + t->start, t->len)
                                  : count_tok(out, to, fo, no, fi[i], in + t->start, t->len)) <
            count_tok(in, ti, fi, ni, fi[i], in + t->start, t->len)) {
            ok = 0;
            if (first_missing) {
                *first_missing = in + t->start;
                *missing_len = t->len;
            }
        }
    }
    /* every digit group survives too, wherever it sits ("4,350" inside
     * "150-to-4,350-pound" is no number token) */
    for (i = 0; i < in_len && ok;) {
        size_t e;
        if (!(in[i] >= '0' && in[i] <= '9')) {
            i++;
            continue;
        }
        e = i + 1;
        while (e < in_len && ((in[e] >= '0' && in[e] <= '9') ||
                              ((in[e] == ',' || in[e] == '.') && e + 1 < in_len && in[e + 1] >= '0' &&
                               in[e + 1] <= '9')))
            e++;
        if (count_sub(out, out_len, in + i, e - i) < count_sub(in, in_len, in + i, e - i)) {
            ok = 0;
            if (first_missing) {
                *first_missing = in + i;
                *missing_len = e - i;
            }
        }
        i = e;
    }
    if (fi != stack_fp)
        free(fi);
    return ok;
}

/* See guard.h. */
int guard_item_kind(const char *item, size_t len)
{
    struct lex_tok t[64];
    size_t n;
    if (len == 0)
        return GUARD_IDENTIFIER;
    /* the item is one token of the input, or a digit group (the second
     * check); lexing its start is enough to tell which */
    n = lex_text(item, len < 64 ? len : 64, t);
    if (n == 0)
        return GUARD_IDENTIFIER;
    if (item[0] >= '0' && item[0] <= '9' && t[0].kind != LX_PATH && t[0].kind != LX_URL && t[0].kind != LX_EMAIL)
        return GUARD_NUMBER;
    if (t[0].kind == LX_NUMBER)
        return GUARD_NUMBER;
    if (t[0].kind == LX_WORD)
        return t[0].flags & LXF_NEG ? GUARD_NEGATION : GUARD_NAME;
    return GUARD_IDENTIFIER;
}

/* Whether s[0..n) contains item[0..len). */
static int contains(const char *s, size_t n, const char *item, size_t len)
{
    return count_sub(s, n, item, len) > 0;
}

/* Whether a[0..an) (lower case) abbreviates or equals b[0..bn) (any
 * case): same first letter, and a's letters a subsequence of b's. */
static int abbreviates(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, k = 0;
    if (!an || !bn || an > bn || (a[0] != b[0] && a[0] != (char)(b[0] | 0x20)))
        return 0;
    for (; k < bn && i < an; k++) {
        char c = b[k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c == a[i])
            i++;
    }
    return i == an;
}

/* See guard.h. */
size_t guard_novel_words(const char *in, size_t in_len, const char *out, size_t out_len, size_t *words)
{
    struct lex_tok *ti = malloc((in_len + out_len + 1) * sizeof *ti), *to;
    size_t ni, no, i, k, novel = 0, total = 0;
    if (!ti)
        return (size_t)-1;
    to = ti + in_len;
    ni = lex_text(in, in_len, ti);
    no = lex_text(out, out_len, to);
    for (i = 0; i < no; i++) {
        const struct lex_tok *t = &to[i];
        const char *w = out + t->start;
        char low[64];
        int ok = 0;
        if (t->kind == LX_NUMBER) {
            /* each digit group must occur in the input */
            size_t a = 0;
            total++;
            while (a < t->len) {
                size_t e;
                if (!(w[a] >= '0' && w[a] <= '9')) {
                    a++;
                    continue;
                }
                for (e = a; e < t->len && w[e] >= '0' && w[e] <= '9'; e++)
                    ;
                if (!contains(in, in_len, w + a, e - a)) {
                    novel++;
                    break;
                }
                a = e;
            }
            continue;
        }
        if (t->kind == LX_NAME) {
            /* an identifier (is_valid, a.out, x86) must be the chunk's */
            total++;
            if (!contains(in, in_len, w, t->len))
                novel++;
            continue;
        }
        if (t->kind != LX_WORD)
            continue;
        total++;
        if (t->len == 1 || stop_word_is(w, t->len))
            continue;
        if (!word_lower(w, t->len, low, sizeof low)) {
            /* long or non-ASCII: as written */
            if (!contains(in, in_len, w, t->len))
                novel++;
            continue;
        }
        for (k = 0; k < ni && !ok; k++)
            if (ti[k].kind == LX_WORD || ti[k].kind == LX_PATH || ti[k].kind == LX_URL || ti[k].kind == LX_CODE ||
                ti[k].kind == LX_EMAIL || ti[k].kind == LX_QUOTE || ti[k].kind == LX_NAME)
                ok = ti[k].kind == LX_WORD ? abbreviates(low, t->len, in + ti[k].start, ti[k].len)
                                           : contains(in + ti[k].start, ti[k].len, low, t->len);
        if (!ok)
            novel++;
    }
    free(ti);
    if (words)
        *words = total;
    return novel;
}
