/* bytebpe.c - byte-level BPE as in OpenAI's tiktoken: text is split into
 * pieces by the encoding's pre-tokenization regex, and each piece that is not
 * itself a token is merged from single bytes, always joining the adjacent
 * pair whose concatenation has the lowest rank (the leftmost on ties).
 *
 * The regexes are not run by a regex engine: each is a hand-written matcher
 * that reproduces the backtracking engine's leftmost-first result (the
 * derivation of each alternative is in docs/tokenizers.md). Character
 * classes come from utf8proc; \s is Unicode White_Space, as in Rust's regex
 * crate that tiktoken uses.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "../common/utf8.h"
#include "tokenizer.h"

enum {
    C_UPPER = 1,  /* Lu Lt: in the "upper" class only */
    C_LOWER = 2,  /* Ll: in the "lower" class only */
    C_LMO = 4,    /* Lm Lo: letters in both */
    C_M = 8,      /* Mn Mc Me: marks, in both, not \p{L} */
    C_N = 16,     /* Nd Nl No */
    C_WS = 32,    /* White_Space */
    C_NL = 64     /* \r \n */
};
#define C_L (C_UPPER | C_LOWER | C_LMO)
#define C_A (C_UPPER | C_LMO | C_M) /* [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] */
#define C_B (C_LOWER | C_LMO | C_M) /* [\p{Ll}\p{Lm}\p{Lo}\p{M}] */

static const unsigned char ascii_class[128] = {
    0, 0, 0, 0, 0, 0, 0, 0,
    0, C_WS, C_WS|C_NL, C_WS, C_WS, C_WS|C_NL, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    C_WS, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    C_N, C_N, C_N, C_N, C_N, C_N, C_N, C_N,
    C_N, C_N, 0, 0, 0, 0, 0, 0,
    0, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER,
    C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER,
    C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER,
    C_UPPER, C_UPPER, C_UPPER, 0, 0, 0, 0, 0,
    0, C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER,
    C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER,
    C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER, C_LOWER,
    C_LOWER, C_LOWER, C_LOWER, 0, 0, 0, 0, 0,
};

static unsigned class_of(uint32_t cp)
{
    if (cp < 128)
        return ascii_class[cp];
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000:
        return C_WS;
    default:
        break;
    }
    if (cp >= 0x2000 && cp <= 0x200A)
        return C_WS;
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT:
        return C_UPPER;
    case UTF8PROC_CATEGORY_LL:
        return C_LOWER;
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        return C_LMO;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return C_M;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return C_N;
    default:
        return 0;
    }
}

/* Class of the character at i, or 0 at the end of the text. */
static inline unsigned cls_at(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    if (i >= n) {
        *len = 0;
        return 0;
    }
    if (s[i] < 0x80) {
        *len = 1;
        return ascii_class[s[i]];
    }
    return class_of(utf8_decode_valid(s + i, len));
}

/* End of the run of characters from i whose class intersects mask. */
static size_t run_of(const unsigned char *s, size_t n, size_t i, unsigned mask)
{
    size_t len;
    while (i < n && (cls_at(s, n, i, &len) & mask))
        i += len;
    return i;
}

static inline int lower_ascii(unsigned c)
{
    return c >= 'A' && c <= 'Z' ? (int)(c + 32) : (int)c;
}

/* Matches '(s|t|re|ve|m|ll|d) at i; case-insensitive matching also accepts
 * U+017F LATIN SMALL LETTER LONG S for s, as Unicode simple case folding
 * does. Returns the end, or i when there is no match. */
static size_t contraction(const unsigned char *s, size_t n, size_t i, int icase)
{
    unsigned a, b;
    if (i + 1 >= n || s[i] != '\'')
        return i;
    a = icase ? (unsigned)lower_ascii(s[i + 1]) : s[i + 1];
    if (a == 's' || a == 't' || a == 'm' || a == 'd')
        return i + 2;
    if (icase && s[i + 1] == 0xC5 && i + 2 < n && s[i + 2] == 0xBF)
        return i + 3;
    if (i + 2 >= n)
        return i;
    b = icase ? (unsigned)lower_ascii(s[i + 2]) : s[i + 2];
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
        return i + 3;
    return i;
}

/* The three whitespace alternatives shared by all encodings:
 *   \s*[\r\n]+ | \s+(?!\S) | \s+      (o200k, cl100k)
 *   \s+(?!\S) | \s+                    (gpt2 / claude: with_newline = 0)
 * i is at a White_Space character. */
static size_t match_space(const unsigned char *s, size_t n, size_t i, int with_newline)
{
    size_t j = i, len, last_nl = 0, last_start = i, count = 0;
    int has_nl = 0;
    while (j < n && (cls_at(s, n, j, &len) & C_WS)) {
        if (s[j] == '\r' || s[j] == '\n') {
            has_nl = 1;
            last_nl = j;
        }
        last_start = j;
        count++;
        j += len;
    }
    if (with_newline && has_nl)
        return last_nl + 1;   /* \s* backs off to the last newline */
    if (j >= n || count == 1)
        return j;             /* \s+(?!\S) at the end, or \s+ */
    return last_start;        /* leave the last space to the next piece */
}

/* [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+ at j: the greedy
 * upper run, then the lower run, backing off into the upper run by as many
 * characters as needed to find one that is also lower. Returns 0 if it
 * cannot match. */
static size_t upper_star_lower_plus(const unsigned char *s, size_t n, size_t j)
{
    size_t k = j, len, last_b = 0, last_b_len = 0;
    int have_b = 0;
    unsigned c;
    while ((c = cls_at(s, n, k, &len)) & C_A) {
        if (c & C_B) {
            have_b = 1;
            last_b = k;
            last_b_len = len;
        }
        k += len;
    }
    if (cls_at(s, n, k, &len) & C_B)
        return run_of(s, n, k, C_B);
    if (have_b)
        return last_b + last_b_len;
    return 0;
}

/* [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]* at j, or 0. */
static size_t upper_plus_lower_star(const unsigned char *s, size_t n, size_t j)
{
    size_t len, k;
    if (!(cls_at(s, n, j, &len) & C_A))
        return 0;
    k = run_of(s, n, j, C_A);
    return run_of(s, n, k, C_B);
}

/* \p{N}{1,3} after its first character (which ends at k). */
static size_t digits_1_3(const unsigned char *s, size_t n, size_t k)
{
    size_t len;
    if (cls_at(s, n, k, &len) & C_N) {
        k += len;
        if (cls_at(s, n, k, &len) & C_N)
            k += len;
    }
    return k;
}

#define C_P_EXCL (C_L | C_N | C_NL) /* [^\r\n\p{L}\p{N}] excludes these */
#define C_Q_EXCL (C_WS | C_L | C_N) /* [^\s\p{L}\p{N}] excludes these */

/* ` ?[^\s\p{L}\p{N}]+[\r\n]*` (cl100k) or `...[\r\n/]*` (o200k, slash != 0)
 * at i, whose first character has class c0; 0 when it does not match. */
static size_t symbols(const unsigned char *s, size_t n, size_t i, unsigned c0, int slash)
{
    size_t len, j = i, e;
    if (s[i] == ' ' && i + 1 < n && !(cls_at(s, n, i + 1, &len) & C_Q_EXCL))
        j = i + 1;
    if (j == i && (c0 & C_Q_EXCL))
        return 0;
    e = j;
    while (e < n && !(cls_at(s, n, e, &len) & C_Q_EXCL))
        e += len;
    while (e < n && (s[e] == '\r' || s[e] == '\n' || (slash && s[e] == '/')))
        e++;
    return e;
}

/* o200k_base:
 *   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 *  |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 *  |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+        */
static size_t piece_o200k(const unsigned char *s, size_t n, size_t i)
{
    size_t l0, e, j = i;
    /* fast path for the common ASCII piece, an optional prefix character
     * (space or punctuation) then [A-Z]*[a-z]*: when the byte after it is
     * ASCII and neither a letter nor an apostrophe, every alternative above
     * gives this same end. Anything else takes the general matcher. */
    if (s[j] < 0x80 && !(ascii_class[s[j]] & (C_L | C_N | C_NL)) && j + 1 < n)
        j++;
    if (j < n && s[j] < 0x80 && (ascii_class[s[j]] & C_L)) {
        while (j < n && s[j] >= 'A' && s[j] <= 'Z')
            j++;
        while (j < n && s[j] >= 'a' && s[j] <= 'z')
            j++;
        if (j >= n || (s[j] < 0x80 && !(ascii_class[s[j]] & C_LOWER) && s[j] != '\''))
            return j;
    }
    unsigned c0 = cls_at(s, n, i, &l0);
    int p = !(c0 & C_P_EXCL);
    if (p && (e = upper_star_lower_plus(s, n, i + l0)))
        return contraction(s, n, e, 1);
    if ((c0 & (C_A | C_B)) && (e = upper_star_lower_plus(s, n, i)))
        return contraction(s, n, e, 1);
    if (p && (e = upper_plus_lower_star(s, n, i + l0)))
        return contraction(s, n, e, 1);
    if ((c0 & C_A) && (e = upper_plus_lower_star(s, n, i)))
        return contraction(s, n, e, 1);
    if (c0 & C_N)
        return digits_1_3(s, n, i + l0);
    if ((e = symbols(s, n, i, c0, 1)) != 0)
        return e;
    return match_space(s, n, i, 1);
}

/* cl100k_base:
 *   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}
 *  | ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+                   */
static size_t piece_cl100k(const unsigned char *s, size_t n, size_t i)
{
    size_t l0, len, e;
    unsigned c0 = cls_at(s, n, i, &l0);
    if ((e = contraction(s, n, i, 1)) != i)
        return e;
    if (!(c0 & C_P_EXCL) && (cls_at(s, n, i + l0, &len) & C_L))
        return run_of(s, n, i + l0, C_L);
    if (c0 & C_L)
        return run_of(s, n, i, C_L);
    if (c0 & C_N)
        return digits_1_3(s, n, i + l0);
    if ((e = symbols(s, n, i, c0, 0)) != 0)
        return e;
    return match_space(s, n, i, 1);
}

/* GPT-2 (the legacy Claude tokenizer uses it):
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ */
static size_t piece_gpt2(const unsigned char *s, size_t n, size_t i)
{
    size_t l0, len, e, j = i;
    unsigned c0 = cls_at(s, n, i, &l0), c1;
    if ((e = contraction(s, n, i, 0)) != i)
        return e;
    if (s[i] == ' ' && i + 1 < n) {
        c1 = cls_at(s, n, i + 1, &len);
        if (c1 & C_L)
            return run_of(s, n, i + 1, C_L);
        if (c1 & C_N)
            return run_of(s, n, i + 1, C_N);
        if (!(c1 & C_Q_EXCL))
            j = i + 1;
    }
    if (j == i) {
        if (c0 & C_L)
            return run_of(s, n, i, C_L);
        if (c0 & C_N)
            return run_of(s, n, i, C_N);
    }
    if (j != i || !(c0 & C_Q_EXCL)) {
        e = j;
        while (e < n && !(cls_at(s, n, e, &len) & C_Q_EXCL))
            e += len;
        return e;
    }
    return match_space(s, n, i, 0);
}

/* ---- merging ------------------------------------------------------------ */

#define SMALL_PIECE 128

static inline uint32_t rank_of(const struct vocab *v, const unsigned char *p, size_t a, size_t b)
{
    return vocab_lookup(v, p + a, b - a);
}

/* tiktoken's own algorithm: keep the rank of every adjacent pair and rescan
 * for the minimum after each merge. Quadratic, so only for short pieces.
 * A rank is the id of the merged token, so each part's id is known when it
 * is made and the parts need no lookup at the end. */
static void merge_small(const struct vocab *v, const unsigned char *p, size_t m, struct tok_sink *k)
{
    uint32_t start[SMALL_PIECE + 1], rank[SMALL_PIECE + 1], id[SMALL_PIECE];
    size_t np = m, i;
    for (i = 0; i <= m; i++)
        start[i] = (uint32_t)i;
    for (i = 0; i < m; i++)
        id[i] = v->byte_ids[p[i]];
    for (i = 0; i + 1 < m; i++)
        rank[i] = v->byte_pairs[(uint32_t)p[i] << 8 | p[i + 1]];
    rank[m - 1] = NO_RANK;
    for (;;) {
        uint32_t best = NO_RANK;
        size_t at = 0;
        for (i = 0; i + 1 < np; i++)
            if (rank[i] < best) {
                best = rank[i];
                at = i;
            }
        if (best == NO_RANK)
            break;
        memmove(start + at + 1, start + at + 2, (np - at - 1) * sizeof *start);
        memmove(rank + at + 1, rank + at + 2, (np - at - 2) * sizeof *rank);
        memmove(id + at + 1, id + at + 2, (np - at - 2) * sizeof *id);
        id[at] = best;
        np--;
        rank[at] = at + 1 < np ? rank_of(v, p, start[at], start[at + 2]) : NO_RANK;
        if (at > 0)
            rank[at - 1] = rank_of(v, p, start[at - 1], start[at + 1]);
    }
    for (i = 0; i < np; i++)
        sink_push(k, id[i]);
}

/* The same merge order with a heap over a linked list: O(m log m). */
static int merge_large(const struct vocab *v, const unsigned char *p, size_t m, struct tok_sink *k,
                       struct tok_scratch *sc)
{
    uint32_t *nxt, *prv, i;
    struct node_heap h;
    char *mem;
    size_t hs;
    if (m >= UINT32_MAX / 8)
        return TERSE_ETOOBIG;
    hs = (node_heap_size((uint32_t)m) + 7) & ~(size_t)7;
    mem = scratch_get(sc, hs + (size_t)m * 2 * sizeof(uint32_t));
    if (!mem)
        return TERSE_ENOMEM;
    node_heap_init(&h, mem, (uint32_t)m);
    nxt = (uint32_t *)(void *)(mem + hs);
    prv = nxt + m;
    for (i = 0; i < m; i++) {
        nxt[i] = i + 1;
        prv[i] = i - 1;
    }
    for (i = 0; i + 1 < m; i++)
        node_heap_set(&h, i, v->byte_pairs[(uint32_t)p[i] << 8 | p[i + 1]]);
    while (h.n) {
        uint32_t a = node_heap_pop(&h), b = nxt[a];
        nxt[a] = nxt[b];
        if (nxt[b] < m)
            prv[nxt[b]] = a;
        node_heap_set(&h, b, NO_RANK);
        node_heap_set(&h, a, nxt[a] < m ? rank_of(v, p, a, nxt[nxt[a]]) : NO_RANK);
        if (a > 0)
            node_heap_set(&h, prv[a], rank_of(v, p, prv[a], nxt[a]));
    }
    for (i = 0; i < m; i = nxt[i])
        sink_push(k, rank_of(v, p, i, nxt[i]));
    return TERSE_OK;
}

static int encode_piece(const struct vocab *v, const unsigned char *p, size_t m, struct tok_sink *k,
                        struct tok_scratch *sc)
{
    uint32_t id;
    uint64_t hash = 0;
    const struct piece_cache_slot *hit;
    if (m == 1) {
        sink_push(k, v->byte_ids[p[0]]);
        return TERSE_OK;
    }
    /* frequent pieces come from the small per-call cache, which stays in
     * the processor's cache where the vocabulary's table does not */
    hit = piece_cache_get(sc, p, m, &hash);
    if (hit) {
        size_t i;
        for (i = 0; i < hit->n_ids; i++)
            sink_push(k, hit->ids[i]);
        return TERSE_OK;
    }
    id = vocab_lookup(v, p, m);
    if (id != UINT32_MAX) {
        piece_cache_put(sc, hash, p, m, &id, 1);
        sink_push(k, id);
        return TERSE_OK;
    }
    if (m <= SMALL_PIECE) {
        if (sc->cache && m <= PIECE_CACHE_MAX_BYTES) {
            uint32_t local[PIECE_CACHE_MAX_BYTES];
            struct tok_sink lk = {local, 0, PIECE_CACHE_MAX_BYTES, 1, 0};
            size_t i;
            merge_small(v, p, m, &lk);
            piece_cache_put(sc, hash, p, m, local, lk.n);
            for (i = 0; i < lk.n; i++)
                sink_push(k, local[i]);
            return TERSE_OK;
        }
        merge_small(v, p, m, k);
        return TERSE_OK;
    }
    return merge_large(v, p, m, k, sc);
}

int bytebpe_encode_ordinary(const struct terse_tokenizer *t, const struct vocab *v,
                            const unsigned char *s, size_t n, struct tok_sink *k,
                            struct tok_scratch *sc)
{
    size_t i = 0;
    while (i < n) {
        size_t e;
        int rc;
        switch (t->pretok) {
        case PRETOK_O200K:
            e = piece_o200k(s, n, i);
            break;
        case PRETOK_CL100K:
            e = piece_cl100k(s, n, i);
            break;
        default:
            e = piece_gpt2(s, n, i);
            break;
        }
        rc = encode_piece(v, s + i, e - i, k, sc);
        if (rc != TERSE_OK)
            return rc;
        i = e;
    }
    return TERSE_OK;
}
