/* align.c - labels from a (verbose, compressed) pair; see align.h.
 *
 * Both texts become lists of short lower-case pieces: the verbose text's
 * tokens are cut at hyphens, apostrophes and other inner punctuation into
 * subwords that remember their token; the compressed text is cut into
 * words, numbers and the symbols of the table below. A dynamic program
 * finds the in-order matching of the two lists with the highest total
 * score (exact 10, number 10, abbreviation or inflection 6-7, letters in
 * order 4, a symbol for one of its words 3), and a verbose word is kept
 * when one of its subwords is matched.
 */
#include "align.h"

#include <stdlib.h>
#include <string.h>

#include "../common/lex.h"
#include "terse.h"

#define PMAX 24 /* a piece's first PMAX bytes */

struct piece {
    char t[PMAX];
    unsigned char len, num, sym; /* sym: 1 + index in symbols[], or 0 */
    size_t tok;                  /* verbose subwords: their token */
};

/* Symbols and shorthands of dense notation and the words each may stand
 * for (space-separated, lower case). */
static const struct {
    const char *sym;
    const char *words;
} symbols[] = {
    {"\xe2\x86\x92", "leads lead led results result resulted causes cause caused to into becomes became "
                     "become then yields produces gives so therefore makes made turns"}, /* → */
    {"\xe2\x87\x92", "leads results causes to into implies therefore so then"},           /* ⇒ */
    {"\xe2\x88\xb5", "because since due as given"},                                       /* ∵ */
    {"\xe2\x88\xb4", "therefore thus so hence consequently"},                             /* ∴ */
    {"\xe2\x89\x88", "approximately about around roughly nearly almost some"},            /* ≈ */
    {"~", "approximately about around roughly nearly almost some"},
    {"\xe2\x86\x91", "increase increased increases increasing rise rose rising higher more grew grow growth up"},
    {"\xe2\x86\x93", "decrease decreased decreases decreasing decline declined fell fall lower less reduced down"},
    {"\xc3\x97", "times multiplied by"},                                                  /* × */
    {"\xe2\x89\xa5", "least more greater than or equal exceeds"},                         /* ≥ */
    {"\xe2\x89\xa4", "most less fewer than or equal"},                                    /* ≤ */
    {"\xe2\x89\xa0", "not unlike different differs"},                                     /* ≠ */
    {"&", "and with plus"},
    {"+", "and plus with also including together added"},
    {"@", "at"},
    {"=", "is are was were equals equal means called named"},
    {">", "more greater than exceeds over above larger"},
    {"<", "less fewer than below under smaller"},
    {"%", "percent percentage"},
    {"w/o", "without"},
    {"w/", "with"},
    {"b/c", "because"},
    {"vs", "versus against compared"},
    {"b4", "before"},
    {"\xc2\xac", "not no"}, /* ¬ */
};

#define N_SYMBOLS (sizeof symbols / sizeof symbols[0])

static int alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static int digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Whether the symbol at s[0..n) is symbols[k] (ASCII letters any case). */
static size_t symbol_at(const char *s, size_t n, size_t *k)
{
    size_t i;
    for (i = 0; i < N_SYMBOLS; i++) {
        size_t L = strlen(symbols[i].sym), j;
        if (L > n)
            continue;
        for (j = 0; j < L; j++) {
            char c = s[j];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            if (c != symbols[i].sym[j])
                break;
        }
        /* letter shorthands ("vs", "w/") must end a word */
        if (j == L && (!alnum((unsigned char)symbols[i].sym[L - 1]) || L == n || !alnum((unsigned char)s[L]))) {
            *k = i;
            return L;
        }
    }
    return 0;
}

static void set_piece(struct piece *p, const char *s, size_t n, int num)
{
    size_t i, L = 0;
    for (i = 0; i < n && L < PMAX; i++) {
        char c = s[i];
        if (num && c == ',')
            continue;
        p->t[L++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    p->len = (unsigned char)L;
    p->num = (unsigned char)num;
    p->sym = 0;
}

/* The end of a number starting at s[i]: digits with inner , or . before a digit. */
static size_t number_end(const char *s, size_t n, size_t i)
{
    while (i < n && (digit((unsigned char)s[i]) ||
                     ((s[i] == ',' || s[i] == '.') && i + 1 < n && digit((unsigned char)s[i + 1]))))
        i++;
    return i;
}

/* Cuts s[0..n) into pieces (at most cap); returns how many (more than cap
 * means the caller's array was too small). tok is set to `tok`. */
static size_t cut(const char *s, size_t n, int symbols_too, struct piece *out, size_t cap, size_t tok)
{
    size_t i = 0, k = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t sk, L;
        if (symbols_too && (i == 0 || !alnum((unsigned char)s[i - 1])) && (L = symbol_at(s + i, n - i, &sk)) > 0) {
            if (k < cap) {
                memset(&out[k], 0, sizeof out[k]);
                out[k].sym = (unsigned char)(sk + 1);
                out[k].tok = tok;
            }
            k++;
            i += L;
            continue;
        }
        if (digit(c)) {
            size_t e = number_end(s, n, i);
            if (k < cap) {
                set_piece(&out[k], s + i, e - i, 1);
                out[k].tok = tok;
            }
            k++;
            i = e;
            continue;
        }
        if (alnum(c)) {
            size_t e = i;
            /* letters (and UTF-8), then digits glued to them ("mp3", "b4") */
            while (e < n && alnum((unsigned char)s[e]))
                e++;
            if (k < cap) {
                set_piece(&out[k], s + i, e - i, 0);
                out[k].tok = tok;
            }
            k++;
            i = e;
            continue;
        }
        i++;
    }
    return k;
}

static int in_words(const char *list, const struct piece *v)
{
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t L = e ? (size_t)(e - p) : strlen(p);
        if (L == v->len && memcmp(p, v->t, L) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* How well compressed piece c stands for verbose subword v (0: not at all). */
static int sim(const struct piece *v, const struct piece *c)
{
    size_t i, j, cp, m;
    if (c->sym)
        return !v->num && in_words(symbols[c->sym - 1].words, v) ? 3 : 0;
    if (c->num || v->num)
        return c->num && v->num && c->len == v->len && memcmp(c->t, v->t, c->len) == 0 ? 10 : 0;
    if (!c->len || !v->len || c->t[0] != v->t[0])
        return 0;
    if (c->len == v->len && memcmp(c->t, v->t, c->len) == 0)
        return 10;
    for (cp = 0; cp < c->len && cp < v->len && c->t[cp] == v->t[cp]; cp++)
        ;
    if (cp == c->len && c->len >= 3)
        return 7; /* "info" for "information" */
    if (cp == v->len && v->len >= 3 && c->len - v->len <= 3)
        return 7; /* "users" for "user" */
    m = c->len < v->len ? c->len : v->len;
    if (cp >= 5 || (cp >= 4 && cp * 10 >= 7 * m))
        return 6; /* "maximize" for "maximizing" */
    if (c->len >= 2 && c->len < v->len) {
        /* "govt", "mgmt", "yrs": the letters in order */
        for (i = 0, j = 0; i < v->len && j < c->len; i++)
            j += v->t[i] == c->t[j];
        if (j == c->len)
            return 4;
    }
    return 0;
}

int align_pair(const char *v, const struct lex_tok *vt, size_t nvt, const char *c, size_t cn,
               signed char *label, struct align_result *res)
{
    struct piece *vp = NULL, *cp = NULL;
    int32_t *D = NULL;
    size_t nv = 0, nc, k, i, j, W;
    int rc = TERSE_ENOMEM;
    memset(res, 0, sizeof *res);
    /* subwords of the verbose tokens: at most one per byte */
    for (k = 0; k < nvt; k++)
        nv += vt[k].kind == LX_PUNCT ? 0 : vt[k].len;
    vp = malloc((nv + 1) * sizeof *vp);
    cp = malloc((cn + 1) * sizeof *cp);
    if (!vp || !cp)
        goto out;
    nv = 0;
    for (k = 0; k < nvt; k++) {
        label[k] = vt[k].kind == LX_WORD ? 0 : -1;
        res->words += vt[k].kind == LX_WORD;
        if (vt[k].kind == LX_PUNCT)
            continue;
        nv += cut(v + vt[k].start, vt[k].len, 0, vp + nv, vt[k].len, k);
    }
    nc = cut(c, cn, 1, cp, cn + 1, 0);
    res->pieces = nc;
    if (nv && nc && nv * nc > ALIGN_MAX_CELLS) {
        rc = TERSE_EINVAL;
        goto out;
    }
    W = nc + 1;
    D = calloc((nv + 1) * W, sizeof *D);
    if (!D)
        goto out;
    for (i = 1; i <= nv; i++)
        for (j = 1; j <= nc; j++) {
            int32_t best = D[(i - 1) * W + j], s;
            if (D[i * W + j - 1] > best)
                best = D[i * W + j - 1];
            s = sim(&vp[i - 1], &cp[j - 1]);
            if (s && D[(i - 1) * W + j - 1] + s > best)
                best = D[(i - 1) * W + j - 1] + s;
            D[i * W + j] = best;
        }
    /* back from the end: a match where neither neighbour explains the score */
    i = nv;
    j = nc;
    while (i > 0 && j > 0) {
        int32_t d = D[i * W + j];
        if (d == D[(i - 1) * W + j])
            i--;
        else if (d == D[i * W + j - 1])
            j--;
        else {
            size_t t = vp[i - 1].tok;
            res->aligned++;
            cp[j - 1].len = 0; /* matched: not offered again below */
            cp[j - 1].sym = 0;
            if (label[t] == 0)
                label[t] = 1;
            i--;
            j--;
        }
    }
    /* a word the compression moved (out of order): a piece left over that
     * is the same word as, or abbreviates, a word still labelled dropped
     * takes the first such word */
    for (j = 0; j < nc; j++) {
        size_t best = nv;
        int bs = 0;
        if (!cp[j].len || cp[j].num)
            continue;
        for (i = 0; i < nv; i++) {
            int sc;
            if (label[vp[i].tok] != 0)
                continue;
            sc = sim(&vp[i], &cp[j]);
            if (sc >= 6 && sc > bs) {
                bs = sc;
                best = i;
            }
        }
        if (best < nv) {
            label[vp[best].tok] = 1;
            res->aligned++;
        }
    }
    for (k = 0; k < nvt; k++)
        res->kept += label[k] == 1;
    rc = TERSE_OK;
out:
    free(vp);
    free(cp);
    free(D);
    return rc;
}
