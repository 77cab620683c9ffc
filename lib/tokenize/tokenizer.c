/* tokenizer.c - the tokenizer registry and the public tokenizer API:
 * lookup by name or model, encode, count, decode. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "../common/buf.h"
#include "../common/hash.h"
#include "../common/utf8.h"
#include "tokenizer.h"

/* The vocabulary blobs, linked in by the generated vocab_data.S. */
extern const unsigned char vocab_blob_o200k[];
extern const unsigned char vocab_blob_cl100k[];
extern const unsigned char vocab_blob_gemma3[];
extern const unsigned char vocab_blob_claude[];

static const struct terse_tokenizer builtin[] = {
    {"o200k",
     "OpenAI o200k_base (GPT-4o, GPT-4.1, GPT-4.5, GPT-5, o1, o3, o4): exact",
     1, ENGINE_BYTE_BPE, PRETOK_O200K, 0, vocab_blob_o200k},
    {"cl100k",
     "OpenAI cl100k_base (GPT-4, GPT-3.5, text-embedding-3): exact",
     1, ENGINE_BYTE_BPE, PRETOK_CL100K, 0, vocab_blob_cl100k},
    {"gemma3",
     "Gemma 3 tokenizer (Gemini 2.x and later, Gemma 3): exact",
     1, ENGINE_MERGE_BPE, PRETOK_NONE, 0, vocab_blob_gemma3},
    {"claude",
     "legacy Claude BPE (Claude 1 and 2): an ESTIMATE for Claude 3 and later",
     0, ENGINE_BYTE_BPE, PRETOK_GPT2, 1, vocab_blob_claude},
};
#define N_BUILTIN (sizeof builtin / sizeof builtin[0])

/* Model-name prefixes; the longest matching prefix wins, and it must be
 * followed by the end of the name or by one of "-._:@". */
#define NO_TOKENIZER 255
static const struct {
    const char *prefix;
    unsigned index;
} models[] = {
    {"o200k_base", 0}, {"gpt-4o", 0}, {"chatgpt-4o", 0}, {"gpt-4.1", 0}, {"gpt-4.5", 0},
    {"gpt-5", 0}, {"gpt-oss", 0}, {"o1", 0}, {"o3", 0}, {"o4", 0}, {"codex", 0},
    {"cl100k_base", 1}, {"gpt-4", 1}, {"gpt-3.5", 1}, {"gpt-35", 1},
    {"text-embedding-3", 1}, {"text-embedding-ada-002", 1},
    {"gemini", 2}, {"gemma-3", 2}, {"gemma3", 2},
    {"gemini-1", NO_TOKENIZER}, /* Gemini 1.x used another vocabulary */
    {"claude", 3},
};

static int ieq_prefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char a = *s, b = *prefix;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (a != b)
            return 0;
    }
    return 1;
}

const terse_tokenizer *terse_tokenizer_find(const char *name)
{
    size_t i, best_len = 0;
    const terse_tokenizer *best = NULL;
    const char *slash;
    if (!name)
        return NULL;
    for (i = 0; i < N_BUILTIN; i++)
        if (ieq_prefix(name, builtin[i].name) && name[strlen(builtin[i].name)] == 0)
            return &builtin[i];
    /* "openai/gpt-4o", "google/gemini-2.5-pro": the model is after the slash */
    slash = strrchr(name, '/');
    if (slash)
        name = slash + 1;
    for (i = 0; i < sizeof models / sizeof models[0]; i++) {
        size_t L = strlen(models[i].prefix);
        char next;
        if (L <= best_len || !ieq_prefix(name, models[i].prefix))
            continue;
        next = name[L];
        if (next && !strchr("-._:@", next))
            continue;
        best_len = L;
        best = models[i].index == NO_TOKENIZER ? NULL : &builtin[models[i].index];
    }
    return best;
}

const terse_tokenizer *terse_tokenizer_at(size_t i)
{
    return i < N_BUILTIN ? &builtin[i] : NULL;
}

const char *terse_tokenizer_name(const terse_tokenizer *t)
{
    return t ? t->name : NULL;
}

const char *terse_tokenizer_description(const terse_tokenizer *t)
{
    return t ? t->description : NULL;
}

int terse_tokenizer_is_exact(const terse_tokenizer *t)
{
    return t ? t->exact : 0;
}

uint32_t terse_tokenizer_vocab_size(const terse_tokenizer *t)
{
    struct vocab v;
    if (!t)
        return 0;
    vocab_open(&v, t->blob);
    return v.h->n_tokens;
}

static int encode_ordinary(const terse_tokenizer *t, const struct vocab *v, const unsigned char *s,
                           size_t n, struct tok_sink *k, struct tok_scratch *sc)
{
    if (n == 0)
        return TERSE_OK;
    if (t->engine == ENGINE_MERGE_BPE)
        return mergebpe_encode_ordinary(v, s, n, k, sc);
    return bytebpe_encode_ordinary(t, v, s, n, k, sc);
}

/* Returns the id of the longest added (or, if allowed, special) token that
 * starts at s[i], or UINT32_MAX, and its length in *len. Walks the trie, so
 * the cost is the length of the longest partial match. */
static uint32_t added_at(const struct vocab *v, const unsigned char *s, size_t n, size_t i,
                         int allow_special, size_t *len)
{
    uint32_t node = v->trie_root[s[i]], best = UINT32_MAX;
    size_t j = i + 1;
    while (node) {
        const struct vocab_trie_node *nd = &v->trie[node];
        uint32_t e, next = 0;
        if (nd->value && (allow_special || !(nd->value & 0x80000000u))) {
            best = (nd->value & 0x7fffffffu) - 1;
            *len = j - i;
        }
        if (j >= n)
            break;
        for (e = 0; e < nd->n_edges; e++) {
            uint32_t edge = v->trie_edges[nd->edge_start + e];
            if (edge >> 24 == s[j]) {
                next = edge & 0xffffffu;
                break;
            }
            if (edge >> 24 > s[j])
                break;
        }
        node = next;
        j++;
    }
    return best;
}

/* NFKC of s[0..n) (valid UTF-8). ASCII is already in NFKC and never
 * composes with what follows it unless a combining mark follows, so only
 * the non-ASCII runs, each with the ASCII character before it, go through
 * utf8proc; pure ASCII costs one scan. On success *s and *n describe the
 * normalized text, which *owned (to be freed) holds unless it is the input
 * itself. */
static int nfkc(const unsigned char **s, size_t *n, utf8proc_uint8_t **owned)
{
    const unsigned char *p = *s;
    size_t len = *n, i = 0, done = 0;
    struct buf o = {0};
    while (i < len && p[i] < 0x80)
        i++;
    if (i == len)
        return TERSE_OK;
    while (i < len) {
        size_t a, b;
        utf8proc_uint8_t *part;
        utf8proc_ssize_t m;
        while (i < len && p[i] < 0x80)
            i++;
        if (i >= len)
            break;
        a = i > 0 ? i - 1 : 0; /* a base letter for combining marks */
        for (b = i; b < len && p[b] >= 0x80; b++)
            ;
        if (b - a > (size_t)PTRDIFF_MAX / 8) {
            buf_free(&o);
            return TERSE_ETOOBIG;
        }
        m = utf8proc_map(p + a, (utf8proc_ssize_t)(b - a), &part,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        if (m < 0) {
            buf_free(&o);
            return m == UTF8PROC_ERROR_NOMEM ? TERSE_ENOMEM : TERSE_ETOOBIG;
        }
        buf_add(&o, p + done, a - done);
        buf_add(&o, part, (size_t)m);
        free(part);
        done = i = b;
    }
    buf_add(&o, p + done, len - done);
    *owned = (utf8proc_uint8_t *)buf_take(&o, n);
    if (!*owned)
        return TERSE_ENOMEM;
    *s = *owned;
    return TERSE_OK;
}

/* ---- counting by lines (tok_counter_keep) ------------------------------- */

/* A line of a kept text and its count. */
struct tok_span {
    uint64_t hash;
    const unsigned char *p;
    uint32_t len, count;
};

#define SPAN_MIN 8         /* shorter lines are tokenized: a lookup saves little */
#define SPANS_MAX (1 << 18) /* slots at most (6 MB); half of them filled */

static int visible(unsigned char c)
{
    return c >= 0x21 && c <= 0x7e;
}

static int alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The end of the line of s[0..n) that starts at i: the first place p > i
 * where the count may be cut, or n. A place is after a run of line feeds
 * that follows a visible ASCII character c, before a visible ASCII
 * character (a '/' only when c is a letter or a digit), or before blanks
 * (spaces, tabs) that a visible ASCII character follows. Why the count
 * splits there on o200k and cl100k (the caller checks that it is one of
 * them, without added tokens): a piece of their pre-tokenizer that holds
 * a line feed is white space ("\s*[\r\n]+", whose greedy white space
 * ends at the last line feed of the run when no line feed follows the
 * blanks) or punctuation followed by line feeds (" ?[^\s\p{L}\p{N}]+[\r\n/]*",
 * which stops at anything but CR, LF and, on o200k, '/'; after a letter
 * or a digit the line feeds are no such piece); no other piece starts
 * with a line feed or takes one after a letter or a digit. So a piece
 * ends at p whatever follows, the regexes look at no text before where a
 * piece starts, and the BPE merges only inside pieces: the tokens of
 * s[i..p) alone are the tokens it has in s. (terse_count_cut's places are
 * a subset of these.) tests/unit/test_tokenizer.c compares the sums with
 * whole counts. */
static size_t tok_line_end(const unsigned char *s, size_t n, size_t i)
{
    while (i < n) {
        const unsigned char *nl = memchr(s + i, '\n', n - i);
        size_t q, p, r;
        unsigned char c, d;
        if (!nl)
            return n;
        q = (size_t)(nl - s);
        for (p = q + 1; p < n && s[p] == '\n'; p++)
            ;
        i = p;
        if (p >= n || q == 0 || !visible(c = s[q - 1]))
            continue;
        d = s[p];
        if (visible(d)) {
            if (d != '/' || alnum(c))
                return p;
            continue;
        }
        if (d != ' ' && d != '\t')
            continue;
        for (r = p + 1; r < n && (s[r] == ' ' || s[r] == '\t'); r++)
            ;
        if (r < n && visible(s[r]))
            return p;
    }
    return n;
}

/* Whether counts of t may be split by lines (tok_line_end). */
static int lines_apply(const terse_tokenizer *t, const struct vocab *v)
{
    return t->engine == ENGINE_BYTE_BPE && (t->pretok == PRETOK_O200K || t->pretok == PRETOK_CL100K) && !t->nfkc &&
           v->h->n_added == 0;
}

/* The kept line equal to p[0..L) with hash h, or NULL. */
static const struct tok_span *span_find(const struct tok_counter *c, uint64_t h, const unsigned char *p, size_t L)
{
    size_t i;
    for (i = (size_t)h & c->spans_mask; c->spans[i].p; i = (i + 1) & c->spans_mask)
        if (c->spans[i].hash == h && c->spans[i].len == L && memcmp(c->spans[i].p, p, L) == 0)
            return &c->spans[i];
    return NULL;
}

static void span_add(struct tok_counter *c, uint64_t h, const unsigned char *p, size_t L, size_t count)
{
    size_t i;
    if ((c->n_spans + 1) * 2 > c->spans_mask + 1 || count > UINT32_MAX)
        return; /* full: the rest is tokenized */
    for (i = (size_t)h & c->spans_mask; c->spans[i].p; i = (i + 1) & c->spans_mask)
        ;
    c->spans[i].hash = h;
    c->spans[i].p = p;
    c->spans[i].len = (uint32_t)L;
    c->spans[i].count = (uint32_t)count;
    c->n_spans++;
}

/* Counts s[0..n) line by line into k (which only counts): each line found
 * among the kept ones adds its count; the others are tokenized, runs of
 * them at once, or (keep) one by one and kept. */
static int count_by_lines(const terse_tokenizer *t, const struct vocab *v, const unsigned char *s, size_t n,
                          struct tok_sink *k, struct tok_scratch *sc, struct tok_counter *c, int keep)
{
    size_t a = 0, todo = 0; /* s[todo..a) is yet to be tokenized */
    int rc;
    while (a < n) {
        size_t p = tok_line_end(s, n, a), L = p - a;
        if (L >= SPAN_MIN && L <= UINT32_MAX) {
            uint64_t h = hash_bytes(s + a, L);
            const struct tok_span *e = span_find(c, h, s + a, L);
            if (e || keep) {
                size_t before;
                if ((rc = encode_ordinary(t, v, s + todo, a - todo, k, sc)) != TERSE_OK)
                    return rc;
                before = k->n;
                if (e)
                    k->n += e->count;
                else if ((rc = encode_ordinary(t, v, s + a, L, k, sc)) != TERSE_OK)
                    return rc;
                else
                    span_add(c, h, s + a, L, k->n - before);
                todo = p;
            }
        }
        a = p;
    }
    return encode_ordinary(t, v, s + todo, n - todo, k, sc);
}

/* Tokenizes text into sink k. shared, when not NULL, is scratch memory and a
 * piece cache kept by the caller across calls (tok_counter); else the call
 * makes and frees its own. lc, when not NULL, is the counter whose kept
 * lines a count (k only counts) may use, and with keep, add text's lines
 * to (tok_counter_keep). */
static int run(const terse_tokenizer *t, const char *text, size_t len, unsigned flags,
               struct tok_sink *k, struct tok_scratch *shared, struct tok_counter *lc, int keep)
{
    struct vocab v;
    struct tok_scratch own = {NULL, 0, NULL, 0}, *sc = shared ? shared : &own;
    const unsigned char *s = (const unsigned char *)text;
    unsigned char *repaired = NULL;
    utf8proc_uint8_t *normalized = NULL;
    size_t n = len, i, seg;
    int rc = TERSE_OK, allow = (flags & TERSE_TOKENS_SPECIAL) != 0;

    if (!t || (!text && len) || (flags & ~TERSE_TOKENS_SPECIAL))
        return TERSE_EINVAL;
    if (n == 0)
        return TERSE_OK;
    vocab_open(&v, t->blob);
    if (utf8_first_invalid(s, n) < n) {
        repaired = malloc(utf8_repaired_len(s, n));
        if (!repaired)
            return TERSE_ENOMEM;
        n = utf8_repair(s, n, repaired);
        s = repaired;
    }
    if (t->nfkc && (rc = nfkc(&s, &n, &normalized)) != TERSE_OK)
        goto out;
    if (!sc->cache) {
        rc = scratch_cache_init(sc, n);
        if (rc != TERSE_OK)
            goto out;
    }
    if (v.h->n_added == 0 && !allow) {
        if (lc && lc->spans && !k->store && lines_apply(t, &v))
            /* kept only when the lines are the caller's text, not a repair */
            rc = count_by_lines(t, &v, s, n, k, sc, lc, keep && s == (const unsigned char *)text);
        else
            rc = encode_ordinary(t, &v, s, n, k, sc);
        goto out;
    }
    for (i = seg = 0; i < n;) {
        size_t L;
        uint32_t id;
        if (!v.trie_root[s[i]] || (id = added_at(&v, s, n, i, allow, &L)) == UINT32_MAX) {
            i++;
            continue;
        }
        rc = encode_ordinary(t, &v, s + seg, i - seg, k, sc);
        if (rc != TERSE_OK)
            goto out;
        sink_push(k, id);
        i += L;
        seg = i;
    }
    rc = encode_ordinary(t, &v, s + seg, n - seg, k, sc);
out:
    scratch_free(&own);
    free(repaired);
    free(normalized);
    if (rc == TERSE_OK && k->oom)
        rc = TERSE_ENOMEM;
    return rc;
}

int terse_count(const terse_tokenizer *t, const char *text, size_t len, unsigned flags,
                size_t *count)
{
    struct tok_sink k = {NULL, 0, 0, 0, 0};
    int rc;
    if (!count)
        return TERSE_EINVAL;
    rc = run(t, text, len, flags, &k, NULL, NULL, 0);
    *count = rc == TERSE_OK ? k.n : 0;
    return rc;
}

void tok_counter_init(struct tok_counter *c, const terse_tokenizer *t)
{
    memset(c, 0, sizeof *c);
    c->t = t;
}

int tok_counter_count(struct tok_counter *c, const char *text, size_t len, size_t *count)
{
    struct tok_sink k = {NULL, 0, 0, 0, 0};
    int rc = run(c->t, text, len, 0, &k, &c->sc, c, 0);
    *count = rc == TERSE_OK ? k.n : 0;
    return rc;
}

int tok_counter_keep(struct tok_counter *c, const char *text, size_t len, size_t *count)
{
    struct tok_sink k = {NULL, 0, 0, 0, 0};
    struct vocab v;
    int rc;
    if (!c->t)
        return TERSE_EINVAL;
    vocab_open(&v, c->t->blob);
    if (!c->spans && len >= 2 * SPAN_MIN && lines_apply(c->t, &v)) {
        /* a slot per 16 bytes (a line is 40 on average), at most half full */
        size_t slots = 64;
        while (slots < SPANS_MAX && slots * 16 < len)
            slots *= 2;
        c->spans = calloc(slots, sizeof *c->spans);
        if (!c->spans)
            return TERSE_ENOMEM;
        c->spans_mask = slots - 1;
        c->n_spans = 0;
    }
    rc = run(c->t, text, len, 0, &k, &c->sc, c, 1);
    *count = rc == TERSE_OK ? k.n : 0;
    return rc;
}

void tok_counter_free(struct tok_counter *c)
{
    scratch_free(&c->sc);
    free(c->spans);
    c->spans = NULL;
    c->n_spans = 0;
}

int terse_encode(const terse_tokenizer *t, const char *text, size_t len, unsigned flags,
                 uint32_t **ids, size_t *n_ids)
{
    struct tok_sink k = {NULL, 0, 0, 1, 0};
    int rc;
    if (!ids || !n_ids)
        return TERSE_EINVAL;
    *ids = NULL;
    *n_ids = 0;
    rc = run(t, text, len, flags, &k, NULL, NULL, 0);
    if (rc != TERSE_OK) {
        free(k.ids);
        return rc;
    }
    *ids = k.ids;
    *n_ids = k.n;
    return TERSE_OK;
}

/* For merge BPE: the byte a <0xXX> fallback token stands for, or -1. */
static int fallback_byte(const struct vocab *v, uint32_t id, const unsigned char *tok, uint32_t L)
{
    int hi, lo;
    if (L != 6 || memcmp(tok, "<0x", 3) != 0 || tok[5] != '>')
        return -1;
    hi = tok[3] <= '9' ? tok[3] - '0' : tok[3] - 'A' + 10;
    lo = tok[4] <= '9' ? tok[4] - '0' : tok[4] - 'A' + 10;
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15 || v->byte_ids[hi * 16 + lo] != id)
        return -1;
    return hi * 16 + lo;
}

int terse_decode(const terse_tokenizer *t, const uint32_t *ids, size_t n_ids, char **text,
                 size_t *len)
{
    struct vocab v;
    size_t total = 0, i, o = 0;
    char *out;
    if (!t || (!ids && n_ids) || !text || !len)
        return TERSE_EINVAL;
    *text = NULL;
    *len = 0;
    vocab_open(&v, t->blob);
    for (i = 0; i < n_ids; i++) {
        if (ids[i] >= v.h->n_tokens || v.tok_off[ids[i] + 1] == v.tok_off[ids[i]])
            return TERSE_ERANGE;
        total += v.tok_off[ids[i] + 1] - v.tok_off[ids[i]];
    }
    out = malloc(total + 1);
    if (!out)
        return TERSE_ENOMEM;
    for (i = 0; i < n_ids; i++) {
        const unsigned char *tok = v.tok_bytes + v.tok_off[ids[i]];
        uint32_t L = v.tok_off[ids[i] + 1] - v.tok_off[ids[i]], j;
        int b;
        if (t->engine == ENGINE_BYTE_BPE) {
            memcpy(out + o, tok, L);
            o += L;
        } else if ((b = fallback_byte(&v, ids[i], tok, L)) >= 0) {
            out[o++] = (char)b;
        } else {
            for (j = 0; j < L; j++) {
                if (tok[j] == 0xE2 && j + 2 < L && tok[j + 1] == 0x96 && tok[j + 2] == 0x81) {
                    out[o++] = ' ';
                    j += 2;
                } else {
                    out[o++] = (char)tok[j];
                }
            }
        }
    }
    out[o] = 0;
    *text = out;
    *len = o;
    return TERSE_OK;
}

/* Whether some added token (or special token, when allowed) has the bytes
 * a, b next to each other: a match of it could cross a cut between them. */
static int added_has_pair(const struct vocab *v, unsigned char a, unsigned char b, int allow_special)
{
    const uint32_t *added = (const uint32_t *)(const void *)((const unsigned char *)v->h + v->h->off_added);
    uint32_t lists, i;
    for (lists = 0; lists < 2; lists++) {
        const uint32_t *ids = lists ? v->special : added;
        uint32_t n = lists ? (allow_special ? v->h->n_special : 0) : v->h->n_added;
        for (i = 0; i < n; i++) {
            const unsigned char *p = v->tok_bytes + v->tok_off[ids[i]];
            size_t L = v->tok_off[ids[i] + 1] - v->tok_off[ids[i]], q;
            for (q = 0; q + 1 < L; q++)
                if (p[q] == a && p[q + 1] == b)
                    return 1;
        }
    }
    return 0;
}

static int ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int ascii_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* See terse.h. The cuts: after a line feed that follows a visible ASCII
 * character, before an ASCII letter or digit; and between an ASCII letter
 * and a space that an ASCII letter follows. No piece of the o200k, cl100k
 * or GPT-2 pre-tokenizers spans either (a piece that holds a line feed
 * ends with it or holds only white space; a word piece takes at most one
 * leading character that is not a letter, a space, and no trailing one),
 * and the line feed alone is one piece whatever follows (GPT-2's
 * "\s+(?!\S)" would split a longer run of white space differently at the
 * end of the text than before a letter), NFKC does not compose across them (both
 * sides are ASCII starters), and invalid UTF-8 is repaired byte-locally
 * around ASCII. Gemma 3 has no pre-tokenizer: a cut also needs the two
 * characters never to be next to each other inside a token (so no merge
 * crosses it) and inside no added token. */
size_t terse_count_cut(const terse_tokenizer *t, const char *text, size_t len, unsigned flags)
{
    const unsigned char *s = (const unsigned char *)text;
    struct vocab v;
    size_t p;
    /* per pair (the ASCII byte that is not '\n' or ' '): 0 not known yet,
     * 1 a cut may go there, 2 not */
    unsigned char memo[2][128];
    if (!t || !text || len < 2)
        return 0;
    vocab_open(&v, t->blob);
    memset(memo, 0, sizeof memo);
    for (p = len - 1; p > 0; p--) {
        unsigned char a = s[p - 1], b = s[p], *m;
        if (a == '\n' && ascii_alnum(b) && p >= 2 && s[p - 2] > ' ' && s[p - 2] < 0x7f)
            m = &memo[0][b];
        else if (ascii_alpha(a) && b == ' ' && p + 1 < len && ascii_alpha(s[p + 1]))
            m = &memo[1][a];
        else
            continue;
        if (!*m)
            *m = (t->engine == ENGINE_MERGE_BPE && mergebpe_joinable(&v, a, b)) ||
                         added_has_pair(&v, a, b, (flags & TERSE_TOKENS_SPECIAL) != 0)
                     ? 2
                     : 1;
        if (*m == 2)
            continue;
        return p;
    }
    return 0;
}
