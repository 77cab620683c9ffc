/* memory.c - agent memory lists; see memory.h.
 *
 * Every memory becomes an entry (its text, its timestamp, where it came
 * from), and each text goes through the prose passes of the level first,
 * so fillers do not hide a duplicate. Then, by level:
 *   safe      exact duplicates (same words, any case and punctuation) go;
 *             the first stays and takes the newer timestamp;
 *   balanced  near duplicates (SimHash of stemmed words and word pairs
 *             within 12 bits and half the words shared, or most of the
 *             shorter one's words in the longer one; see near()) are merged
 *             when one entry has every number, name and negation of the
 *             other: the fuller one stays, with the newer timestamp.
 *             When each has something the other lacks ("lives in Lyon",
 *             "lives in Paris") both stay, newest first: a contradiction is
 *             never resolved here. Facts about one subject ("User", "The
 *             user", a name) are grouped into one entry ("User: vegetarian;
 *             lives in Lyon; has 2 kids") where the shape allows it (text
 *             lists, arrays of strings and the compact form; objects keep
 *             their ids), within a section of a text list, and timestamps
 *             lose their seconds and zone.
 * A query orders the entries by relevance (BM25); a budget keeps the most
 * relevant entries that fit, with one marker for the others. The compact
 * form (terse_options.compact) writes a JSON list as a text list.
 */
#include "memory.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/json.h"
#include "../common/lex.h"
#include "../common/seen.h"
#include "../common/status.h" /* status_fail */
#include "../common/words.h"
#include "../detect/shape.h"
#include "../select/relevance.h"
#include "../select/pick.h"
#include "levels.h" /* level_get */
#include "pass.h"
#include "prose.h"

enum shape { SH_TEXT, SH_JSON, SH_JSONL };

struct entry {
    const char *text;            /* the memory's text (decoded) */
    size_t text_len;
    const char *ts;              /* its timestamp, or NULL */
    size_t ts_len;
    const struct json_value *v;  /* JSON: the element; JSONL: the line's value */
    const struct json_value *text_v, *ts_v;
    struct json_doc *doc;        /* JSONL: the line's document (owned) */
    size_t line, line_len;       /* text: the whole line, in the input */
    size_t prefix_len;           /* text: list marker, stamp and blanks */
    size_t mark_len;             /* text: list marker and blanks */
    int other;                   /* text: a heading or other line, kept as it is */
    int raw;                     /* JSON: its text or stamp has a lone surrogate
                                    escape (\uD800), which no decoded text
                                    holds: written as it was, in no group */
    uint64_t sim;                /* SimHash of stemmed words and word pairs */
    uint64_t *words;             /* stemmed content words, sorted, distinct */
    size_t n_words;
    uint64_t key;                /* exact-duplicate key */
    int removed;
    size_t subject, subject_len; /* in text: "User", "The user", "Priya" */
    size_t pred;                 /* in text: where the rest starts */
    long group;                  /* index of the group's first entry, or -1 */
    size_t next;                 /* the group's next entry + 1, or 0 */
    size_t section;              /* text: headings before it (groups stay in a section) */
    size_t pos;                  /* output order */
    double score;
    char *out;                   /* compressed text (or grouped text) */
    size_t out_len;
};

struct mem_job {
    const struct pass_ctx *pc;
    const terse_options *o;
    int status;                  /* TERSE_OK, or the first failure (a piece's own, memory): stops the job */
    const char *doc;
    size_t n;
    int shape;
    int compact;                 /* write one line per entry or subject */
    int ranked;                  /* ordered by a query */
    struct json_doc *jdoc;
    struct entry *e;
    size_t n_e, cap_e;
    struct entry **order;        /* output order of the kept entries (leaders) */
    size_t n_order;
    struct pick_item *pick;      /* with a budget: parallel to order */
    struct memory_stats *st;
    struct buf out;
};

/* ---- reading ------------------------------------------------------------ */

static const char *const time_keys[] = {"updated_at", "timestamp", "created_at"};

/* Returns a new, cleared entry at the end of the list, or NULL (job
 * marked) when memory runs out. */
static struct entry *new_entry(struct mem_job *j)
{
    struct entry *x;
    if (j->n_e == j->cap_e) {
        size_t cap = j->cap_e ? j->cap_e * 2 : 64;
        struct entry *p = realloc(j->e, cap * sizeof *p);
        if (!p) {
            status_fail(&j->status, TERSE_ENOMEM);
            return NULL;
        }
        j->e = p;
        j->cap_e = cap;
    }
    x = &j->e[j->n_e++];
    memset(x, 0, sizeof *x);
    x->group = -1;
    return x;
}

/* Fills e's text and timestamp from a JSON string or object. */
static void from_json(struct entry *x, const struct json_value *v)
{
    size_t i;
    x->v = v;
    x->text_v = shape_memory_text(v);
    x->text = x->text_v->str;
    x->text_len = x->text_v->str_len;
    for (i = 0; v->kind == JSON_OBJECT && i < sizeof time_keys / sizeof time_keys[0]; i++) {
        const struct json_value *t = json_get(v, time_keys[i]);
        if (t && t->kind == JSON_STRING) {
            x->ts_v = t;
            x->ts = t->str;
            x->ts_len = t->str_len;
            break;
        }
    }
    x->raw = x->text_v->lone || (x->ts_v && x->ts_v->lone);
}

/* Reads JSON Lines into entries. Returns 1 when there are some and every
 * line is a memory, else 0 (the input has another shape; when memory ran
 * out, j->status says so). */
static int read_jsonl(struct mem_job *j)
{
    size_t i = 0;
    while (i < j->n) {
        const char *nl = memchr(j->doc + i, '\n', j->n - i);
        size_t e = nl ? (size_t)(nl - j->doc) : j->n, t = e;
        while (t > i && (j->doc[t - 1] == ' ' || j->doc[t - 1] == '\t' || j->doc[t - 1] == '\r'))
            t--;
        if (t > i) {
            struct json_doc *d = json_parse(j->doc + i, t - i, NULL);
            struct entry *x;
            if (!d || !shape_memory_text(json_root(d))) {
                json_doc_free(d);
                return 0;
            }
            x = new_entry(j);
            if (!x) {
                json_doc_free(d);
                return 0;
            }
            x->doc = d;
            from_json(x, json_root(d));
        }
        i = e + 1;
    }
    return j->n_e > 0;
}

/* Reads a text list into entries: one per line; headings become `other`
 * entries, kept as they are; a leading "[stamp]" is the time stamp. */
static void read_text(struct mem_job *j)
{
    size_t i = 0, section = 0;
    while (i < j->n && !j->status) {
        const char *nl = memchr(j->doc + i, '\n', j->n - i);
        size_t e = nl ? (size_t)(nl - j->doc) : j->n, t = e, m;
        struct entry *x;
        while (t > i && (j->doc[t - 1] == ' ' || j->doc[t - 1] == '\t'))
            t--;
        if (t > i && (x = new_entry(j)) != NULL) {
            x->line = i;
            x->line_len = t - i;
            m = shape_list_marker(j->doc + i, t - i);
            if (!m && shape_heading_line(j->doc + i, t - i)) {
                x->other = 1;
                section++;
            } else {
                x->section = section;
                x->prefix_len = m;
                x->mark_len = m;
                x->text = j->doc + i + m;
                x->text_len = t - i - m;
                /* a leading "[2024-05-01]" or "2024-05-01:" is the time stamp */
                if (x->text_len > 12 && x->text[0] == '[' && memchr(x->text, ']', 32 < x->text_len ? 32 : x->text_len)) {
                    size_t k = (size_t)((const char *)memchr(x->text, ']', 32 < x->text_len ? 32 : x->text_len) - x->text);
                    x->ts = x->text + 1;
                    x->ts_len = k - 1;
                    x->prefix_len += k + 1;
                    x->text += k + 1;
                    x->text_len -= k + 1;
                    while (x->text_len && x->text[0] == ' ') {
                        x->text++;
                        x->text_len--;
                        x->prefix_len++;
                    }
                }
            }
        }
        i = e + 1;
    }
}

/* ---- analysis ----------------------------------------------------------------- */

/* The exact-duplicate key of a text: a hash of its runs of letters and
 * digits, lower-cased (ASCII), so case, punctuation and spacing do not
 * matter. */
static uint64_t exact_key(const char *s, size_t n)
{
    uint64_t key = 0x9e3779b97f4a7c15ULL, h = 0;
    size_t i;
    int in = 0;
    for (i = 0; i <= n; i++) {
        unsigned char c = i < n ? (unsigned char)s[i] : ' ';
        int word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
        if (word) {
            h = (h ^ (uint64_t)(c >= 'A' && c <= 'Z' ? c + 32 : c)) * 0x100000001b3ULL;
            in = 1;
        } else if (in) {
            key = hash_mix(key ^ h);
            h = 0;
            in = 0;
        }
    }
    return key;
}

/* Stemmed content words of each entry, its SimHash and its exact key. */
static void analyse(struct mem_job *j, struct sb_stemmer *st)
{
    size_t i, k, cap = 0;
    struct lex_tok *t = NULL;
    for (i = 0; i < j->n_e && !j->status; i++) {
        struct entry *x = &j->e[i];
        int bits[64] = {0}, b;
        uint64_t prev = 0;
        size_t nt, nw = 0;
        if (x->other)
            continue;
        /* the compressed text: fillers such as "It is worth noting that"
         * are gone, so what is left is what the entry says */
        const char *src = x->out ? x->out : x->text;
        size_t len = x->out ? x->out_len : x->text_len;
        if (len + 1 > cap) {
            struct lex_tok *p = realloc(t, (len + 1) * sizeof *t);
            if (!p) {
                status_fail(&j->status, TERSE_ENOMEM);
                break;
            }
            t = p;
            cap = len + 1;
        }
        nt = lex_text(src, len, t);
        x->words = malloc((nt + 1) * sizeof *x->words);
        if (!x->words) {
            status_fail(&j->status, TERSE_ENOMEM);
            break;
        }
        for (k = 0; k < nt; k++) {
            char low[64];
            size_t L = t[k].len, c;
            uint64_t h;
            const sb_symbol *stem;
            if (t[k].kind == LX_PUNCT)
                continue;
            if (L >= sizeof low) {
                h = hash_bytes(src + t[k].start, L);
            } else {
                for (c = 0; c < L; c++) {
                    char ch = src[t[k].start + c];
                    low[c] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
                }
                low[L] = 0;
                if (t[k].kind == LX_WORD && stop_word_is(low, L) && !(t[k].flags & LXF_NEG))
                    continue;
                if (t[k].kind == LX_WORD && st && (stem = sb_stemmer_stem(st, (const sb_symbol *)low, (int)L)) != NULL)
                    h = hash_bytes(stem, (size_t)sb_stemmer_length(st));
                else
                    h = hash_bytes(low, L);
            }
            x->words[nw++] = h;
            /* SimHash: each word and each pair of neighbouring words votes */
            for (b = 0; b < 64; b++)
                bits[b] += (h >> b) & 1 ? 1 : -1;
            if (prev) {
                uint64_t p2 = hash_mix(prev * 31 + h);
                for (b = 0; b < 64; b++)
                    bits[b] += (p2 >> b) & 1 ? 1 : -1;
            }
            prev = h;
        }
        for (b = 0; b < 64; b++)
            if (bits[b] > 0)
                x->sim |= (uint64_t)1 << b;
        x->key = exact_key(x->text, x->text_len);
        /* sort and make distinct (insertion sort: memories are short) */
        for (k = 1; k < nw; k++) {
            uint64_t v = x->words[k];
            size_t m = k;
            while (m > 0 && x->words[m - 1] > v) {
                x->words[m] = x->words[m - 1];
                m--;
            }
            x->words[m] = v;
        }
        x->n_words = 0;
        for (k = 0; k < nw; k++)
            if (!x->n_words || x->words[x->n_words - 1] != x->words[k])
                x->words[x->n_words++] = x->words[k];
    }
    free(t);
}

/* The number of distinct stemmed words a and b share. */
static size_t shared_words(const struct entry *a, const struct entry *b)
{
    size_t i = 0, k = 0, both = 0;
    while (i < a->n_words && k < b->n_words) {
        if (a->words[i] == b->words[k]) {
            both++;
            i++;
            k++;
        } else if (a->words[i] < b->words[k]) {
            i++;
        } else {
            k++;
        }
    }
    return both;
}

/* Whether a and b say nearly the same: SimHashes within 12 bits and 50% of
 * the stemmed words shared, or (one says more than the other) 75% of the
 * shorter one's words in the longer one and 30% shared. */
static int near(const struct entry *a, const struct entry *b)
{
    size_t both = shared_words(a, b), small = a->n_words < b->n_words ? a->n_words : b->n_words;
    size_t jac = both * 100 / (a->n_words + b->n_words - both + 1);
    if (small < 2)
        return 0;
    if (hash_popcount64(a->sim ^ b->sim) <= 12 && jac >= 50)
        return 1;
    return jac >= 30 && both * 100 >= small * 75;
}

/* Whether every protected item of a (numbers, negations, capitalized
 * words but the first, quoted text, URLs) occurs among b's tokens. */
static int items_within(const struct entry *a, const struct entry *b, struct lex_tok *ta, struct lex_tok *tb)
{
    size_t na = lex_text(a->text, a->text_len, ta), nb = lex_text(b->text, b->text_len, tb), i, k;
    size_t first = lex_sentence_start(a->text, ta, na);
    for (i = 0; i < na; i++) {
        int kind = ta[i].kind, found = 0;
        if (!(kind == LX_NUMBER || kind == LX_QUOTE || kind == LX_URL || kind == LX_EMAIL || kind == LX_PATH ||
              kind == LX_NAME || kind == LX_CODE || (kind == LX_WORD && (ta[i].flags & LXF_NEG)) ||
              (kind == LX_WORD && (ta[i].flags & LXF_CAP) && i != first)))
            continue;
        for (k = 0; k < nb && !found; k++)
            found = tb[k].len == ta[i].len && memcmp(b->text + tb[k].start, a->text + ta[i].start, ta[i].len) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

/* Newer of two time stamps (ISO 8601 strings compare as text); 1 when a
 * is newer than b. */
static int newer(const struct entry *a, const struct entry *b)
{
    size_t n;
    int c;
    if (!a->ts || !b->ts)
        return a->ts != NULL && b->ts == NULL;
    n = a->ts_len < b->ts_len ? a->ts_len : b->ts_len;
    c = memcmp(a->ts, b->ts, n);
    return c > 0 || (c == 0 && a->ts_len > b->ts_len);
}

/* x goes; y stays and takes x's timestamp if newer. */
static void merge_into(struct mem_job *j, struct entry *x, struct entry *y)
{
    x->removed = 1;
    j->st->duplicates++;
    if (newer(x, y)) {
        y->ts = x->ts;
        y->ts_len = x->ts_len;
    }
}

/* Exact duplicates (safe and up), near duplicates and contradictions
 * (balanced and up), against the 1,024 entries before each. */
static void dedup(struct mem_job *j, int level)
{
    size_t i, k, cap = 0;
    struct lex_tok *ta = NULL, *tb = NULL;
    for (i = 0; i < j->n_e && !j->status; i++) {
        struct entry *x = &j->e[i];
        if (x->other || x->raw)
            continue;
        for (k = i > 1024 ? i - 1024 : 0; k < i && !x->removed; k++) {
            struct entry *y = &j->e[k];
            int xy, yx;
            if (y->other || y->removed || y->raw)
                continue;
            if (x->key == y->key) {
                /* the same words: the first stays, with the newer stamp */
                merge_into(j, x, y);
                break;
            }
            if (!level_get(level)->memory_near || !near(x, y))
                continue;
            if (x->text_len + 1 > cap || y->text_len + 1 > cap) {
                size_t c2 = (x->text_len > y->text_len ? x->text_len : y->text_len) + 1;
                struct lex_tok *p = realloc(ta, c2 * sizeof *p), *q;
                if (!p) {
                    status_fail(&j->status, TERSE_ENOMEM);
                    break;
                }
                ta = p;
                q = realloc(tb, c2 * sizeof *q);
                if (!q) {
                    status_fail(&j->status, TERSE_ENOMEM);
                    break;
                }
                tb = q;
                cap = c2;
            }
            xy = items_within(x, y, ta, tb);
            yx = items_within(y, x, ta, tb);
            if (xy && (!yx || !newer(x, y))) {
                merge_into(j, x, y); /* y has all of x */
            } else if (yx) {
                merge_into(j, y, x);
                x->pos = y->pos;
            }
            else
                x->pos = y->pos; /* a contradiction: both stay, together, the newer first (by_pos) */
        }
    }
    free(ta);
    free(tb);
}

/* The subject of an entry's text: "User", "The user", "the user's" ->
 * "User"; or one or two capitalized words that are not common words;
 * followed by a verb-like word. Sets subject, subject_len and pred. */
static void find_subject(struct entry *x)
{
    size_t n = x->out_len < 64 ? x->out_len : 64, nt, w = 0, p;
    const char *s = x->out;
    while (n < x->out_len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* cut at a character boundary */
    if (n < 4)
        return;
    {
        struct lex_tok all[64];
        nt = lex_text(s, n, all);
        if (nt < 2)
            return;
        if (lex_word_is(s + all[0].start, all[0].len, "the") && lex_word_is(s + all[1].start, all[1].len, "user"))
            w = 1;
        else if (lex_word_is(s + all[0].start, all[0].len, "user"))
            w = 0;
        else if (all[0].kind == LX_WORD && (all[0].flags & LXF_CAP) && !prose_common_word(s + all[0].start, all[0].len))
            w = all[1].kind == LX_WORD && (all[1].flags & LXF_CAP) && !prose_common_word(s + all[1].start, all[1].len) ? 1 : 0;
        else
            return;
        p = w + 1;
        if (p >= nt || all[p].kind != LX_WORD || (all[p].flags & LXF_CAP))
            return;
        x->subject = (size_t)all[0].start;
        x->subject_len = all[w].start + all[w].len - all[0].start;
        /* "is"/"are" after the subject go with it: "User: vegetarian" */
        if (p + 1 < nt && (lex_word_is(s + all[p].start, all[p].len, "is") ||
                           lex_word_is(s + all[p].start, all[p].len, "are")))
            p++;
        x->pred = all[p].start;
    }
}

/* Whether two subjects are the same ("User" and "The user" are). */
static int same_subject(const struct entry *a, const struct entry *b)
{
    const char *sa = a->out + a->subject, *sb = b->out + b->subject;
    size_t la = a->subject_len, lb = b->subject_len;
    if (la > 4 && lex_word_is(sa, 3, "the") && sa[3] == ' ') {
        sa += 4;
        la -= 4;
    }
    if (lb > 4 && lex_word_is(sb, 3, "the") && sb[3] == ' ') {
        sb += 4;
        lb -= 4;
    }
    return a->section == b->section && la == lb &&
           (lex_word_is(sa, la, "user") ? lex_word_is(sb, lb, "user") : memcmp(sa, sb, la) == 0);
}

/* The hash of a subject as same_subject compares it. */
static uint64_t subject_hash(const struct entry *x)
{
    const char *s = x->out + x->subject;
    size_t L = x->subject_len;
    if (L > 4 && lex_word_is(s, 3, "the") && s[3] == ' ') {
        s += 4;
        L -= 4;
    }
    return hash_mix((lex_word_is(s, L, "user") ? 1 : hash_bytes(s, L) | 2) + x->section);
}

/* seen_first's equality: entries a and b of the job have one subject. */
static int same_subject_at(const void *arg, size_t a, size_t b)
{
    const struct mem_job *j = arg;
    return same_subject(&j->e[a], &j->e[b]);
}

/* Groups the entries that have the same subject: each gets the index of
 * the first one (`group`) and a link to the next one (`next`). A hash
 * table of the subjects seen, so a long list costs one pass. Returns
 * TERSE_OK or TERSE_ENOMEM. */
static int group_subjects(struct mem_job *j)
{
    struct seen subjects;
    size_t i, lead;
    size_t *last = calloc(j->n_e + 1, sizeof *last);
    if (!last || seen_init(&subjects, j->n_e) != TERSE_OK) {
        free(last);
        return TERSE_ENOMEM;
    }
    for (i = 0; i < j->n_e; i++) {
        struct entry *x = &j->e[i];
        if (x->other || x->removed || x->raw || !x->subject_len)
            continue;
        lead = seen_first(&subjects, subject_hash(x), i, same_subject_at, j);
        if (lead == SEEN_NEW) {
            last[i] = i;
            continue;
        }
        j->e[lead].group = (long)lead;
        x->group = (long)lead;
        j->e[last[lead]].next = i + 1;
        last[lead] = i;
    }
    seen_free(&subjects);
    free(last);
    return TERSE_OK;
}

/* ---- output ------------------------------------------------------------------- */

/* Appends a time stamp without seconds, fraction and zone
 * ("2024-03-05T14:22:31.123Z" -> "2024-03-05 14:22"; a midnight time goes
 * entirely). Anything not of that form is copied. */
static void compact_ts(const char *s, size_t n, struct buf *b)
{
    static const char shape[] = "dddd-dd-ddTdd:dd"; /* d: a digit; T: 'T' or ' ' */
    size_t i;
    int iso = n >= 16;
    for (i = 0; iso && i < 16; i++)
        iso = shape[i] == 'd' ? s[i] >= '0' && s[i] <= '9' : shape[i] == 'T' ? s[i] == 'T' || s[i] == ' ' : s[i] == shape[i];
    if (!iso) {
        buf_add(b, s, n);
        return;
    }
    buf_add(b, s, 10);
    if (memcmp(s + 11, "00:00", 5) != 0) {
        buf_addc(b, ' ');
        buf_add(b, s + 11, 5);
    }
}

/* Output order: by position; entries at one position (a contradiction)
 * newest first; then by index. */
static int by_pos(const void *a, const void *b)
{
    const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    if (newer(x, y) != newer(y, x))
        return newer(x, y) ? -1 : 1; /* contradictions: newest first */
    return x < y ? -1 : x > y;
}

/* Query order: most relevant first, then by_pos. */
static int by_score(const void *a, const void *b)
{
    const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return by_pos(a, b);
}

/* Compresses t[0..n) as prose into a new string; a failure stops the job,
 * its status kept for memory_compress to return. */
static char *prose(struct mem_job *j, const char *t, size_t n, size_t *len)
{
    char *out;
    int rc = pass_piece(j->pc, TERSE_TYPE_PROSE, j->o->level, t, n, &out, len);
    if (rc != TERSE_OK) {
        status_fail(&j->status, rc);
        return NULL;
    }
    return out;
}

/* Writes the list in its shape: kept entries (leaders) in j->order, the
 * budget's left-out ones replaced by one marker at the end. */
static void write_list(struct mem_job *j, struct buf *b)
{
    size_t i, dropped = 0, total = 0, written = 0, other = 0;
    char note[96];
    b->len = 0;
    for (i = 0; i < j->n_order; i++)
        total++;
    for (i = 0; i < j->n_order; i++)
        dropped += j->pick && !j->pick[i].keep;
    if (j->shape == SH_JSON && !j->compact)
        buf_addc(b, '[');
    for (i = 0; i < j->n_order; i++) {
        const struct entry *x = j->order[i];
        /* headings: in their place, or all first when a query reorders */
        while (j->shape == SH_TEXT && other < j->n_e && (j->ranked || other < x->pos || j->e[other].other == 0)) {
            if (j->e[other].other) {
                if (!j->ranked && other >= x->pos)
                    break;
                buf_add(b, j->doc + j->e[other].line, j->e[other].line_len);
                buf_addc(b, '\n');
            }
            other++;
        }
        if (j->pick && !j->pick[i].keep)
            continue;
        if (j->shape == SH_TEXT || j->compact) {
            if (j->shape == SH_TEXT)
                buf_add(b, j->doc + x->line, x->mark_len);
            else
                buf_adds(b, "- ");
            if (x->ts) {
                buf_addc(b, '[');
                if (level_get(j->o->level)->memory_short_times)
                    compact_ts(x->ts, x->ts_len, b);
                else
                    buf_add(b, x->ts, x->ts_len);
                buf_adds(b, "] ");
            }
            buf_add(b, x->out, x->out_len);
            buf_addc(b, '\n');
            continue;
        }
        if (j->shape == SH_JSON && written)
            buf_addc(b, ',');
        written++;
        if (x->raw) {
            json_write(x->v, b); /* its escapes as written */
        } else if (x->v->kind == JSON_STRING) {
            json_write_string(x->out, x->out_len, b);
        } else {
            size_t k;
            buf_addc(b, '{');
            for (k = 0; k < x->v->n; k++) {
                const struct json_value *m = &x->v->items[k];
                if (k)
                    buf_addc(b, ',');
                json_write(&x->v->keys[k], b);
                buf_addc(b, ':');
                if (m == x->text_v) {
                    json_write_string(x->out, x->out_len, b);
                } else if (m == x->ts_v && x->ts) {
                    struct buf t = {0};
                    if (level_get(j->o->level)->memory_short_times)
                        compact_ts(x->ts, x->ts_len, &t);
                    else
                        buf_add(&t, x->ts, x->ts_len);
                    json_write_string(t.p ? t.p : "", t.len, b);
                    buf_free(&t);
                } else {
                    json_write(m, b);
                }
            }
            buf_addc(b, '}');
        }
        if (j->shape == SH_JSONL)
            buf_addc(b, '\n');
    }
    for (; j->shape == SH_TEXT && other < j->n_e; other++)
        if (j->e[other].other) {
            buf_add(b, j->doc + j->e[other].line, j->e[other].line_len);
            buf_addc(b, '\n');
        }
    if (dropped) {
        snprintf(note, sizeof note, "… %zu of %zu entries omitted", dropped, total);
        if (j->shape == SH_TEXT || j->compact) {
            if (j->shape != SH_TEXT)
                buf_adds(b, "- ");
            else if (j->n_order)
                buf_add(b, j->doc + j->order[0]->line, j->order[0]->mark_len);
            buf_adds(b, note);
            buf_addc(b, '\n');
        } else {
            if (j->shape == SH_JSON && written)
                buf_addc(b, ',');
            json_write_string(note, strlen(note), b);
            if (j->shape == SH_JSONL)
                buf_addc(b, '\n');
        }
    }
    if (j->shape == SH_JSON && !j->compact)
        buf_addc(b, ']');
    while ((j->shape != SH_JSON || j->compact) && b->len && b->p[b->len - 1] == '\n')
        b->len--;
}

/* pick_measure for the budget: the exact tokens of the list with the
 * current keep flags, through the pass context's counter. */
static int measure(void *arg, size_t *tokens)
{
    struct mem_job *j = arg;
    write_list(j, &j->out);
    if (j->out.oom)
        return TERSE_ENOMEM;
    return pass_count(j->pc, j->out.p ? j->out.p : "", j->out.len, tokens);
}

/* The text of a group led by x: "Subject: pred; pred; pred" from the
 * members' compressed texts, in their order (a contradiction newest
 * first), each with its time stamp in a text list. */
static void group_text(struct mem_job *j, struct entry *x)
{
    struct buf b = {0};
    struct entry **m;
    size_t i, nm = 0;
    const char *s = x->out + x->subject;
    size_t L = x->subject_len;
    if (L > 4 && lex_word_is(s, 3, "the") && s[3] == ' ') {
        buf_addc(&b, (char)(s[4] >= 'a' && s[4] <= 'z' ? s[4] - 32 : s[4]));
        buf_add(&b, s + 5, L - 5);
    } else {
        buf_add(&b, s, L);
    }
    buf_addc(&b, ':');
    for (i = (size_t)(x - j->e) + 1; i; i = j->e[i - 1].next)
        nm++;
    m = malloc(nm * sizeof *m);
    if (!m) {
        status_fail(&j->status, TERSE_ENOMEM);
        buf_free(&b);
        return;
    }
    nm = 0;
    for (i = (size_t)(x - j->e) + 1; i; i = j->e[i - 1].next)
        m[nm++] = &j->e[i - 1];
    qsort(m, nm, sizeof *m, by_pos);
    for (i = 0; i < nm; i++) {
        const struct entry *y = m[i];
        size_t tl = y->out_len;
        while (tl > y->pred && (y->out[tl - 1] == '.' || y->out[tl - 1] == ' '))
            tl--;
        if (i)
            buf_addc(&b, ';');
        buf_addc(&b, ' ');
        if (y->ts && (j->shape == SH_TEXT || j->compact)) {
            buf_addc(&b, '[');
            compact_ts(y->ts, y->ts_len, &b);
            buf_adds(&b, "] ");
        }
        buf_add(&b, y->out + y->pred, tl - y->pred);
    }
    free(m);
    if (b.oom) {
        status_fail(&j->status, TERSE_ENOMEM);
        buf_free(&b);
        return;
    }
    free(x->out);
    x->out = buf_take(&b, &x->out_len);
    x->ts = NULL; /* the stamps are inside */
    if (!x->out)
        status_fail(&j->status, TERSE_ENOMEM);
}

/* The entries of j->doc, in the first shape that reads it: a JSON array
 * of memories (parsed, when the caller parsed it already; the job owns
 * it), JSON Lines, else a text list. Failures go to j->status. */
static void read_entries(struct mem_job *j, struct json_doc *parsed)
{
    const char *s = j->doc;
    size_t n = j->n, i, k;
    for (i = 0; i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'); i++)
        ;
    j->jdoc = parsed;
    if (!j->jdoc && i < n && s[i] == '[')
        j->jdoc = json_parse(s, n, NULL);
    if (j->jdoc && shape_memory_json(json_root(j->jdoc))) {
        const struct json_value *r = json_root(j->jdoc);
        j->shape = SH_JSON;
        for (k = 0; k < r->n; k++) {
            struct entry *x = new_entry(j);
            if (!x)
                break;
            from_json(x, &r->items[k]);
        }
    } else if (i < n && (s[i] == '{' || s[i] == '"') && read_jsonl(j)) {
        j->shape = SH_JSONL;
    } else {
        for (k = 0; k < j->n_e; k++)
            json_doc_free(j->e[k].doc);
        j->n_e = 0;
        j->shape = SH_TEXT;
        read_text(j);
    }
    for (k = 0; k < j->n_e; k++)
        j->e[k].pos = k;
}

/* With a query: the entries of the output order by relevance, most
 * relevant first (BM25 alone: memories are not in an order that makes
 * neighbours relevant). Returns TERSE_OK or the scorer's status. */
static int rank_by_query(struct mem_job *j)
{
    static const struct relevance_rules entries = {.position = REL_POS_NONE};
    struct relevance_item *bs = calloc(j->n_order, sizeof *bs);
    double *sc = malloc(j->n_order * sizeof *sc);
    size_t i;
    int rc = TERSE_ENOMEM;
    if (bs && sc) {
        for (i = 0; i < j->n_order; i++) {
            bs[i].s = j->order[i]->out;
            bs[i].n = j->order[i]->out_len;
        }
        rc = relevance_score(j->o->query, j->o->query_len, bs, j->n_order, &entries, sc, NULL);
    }
    if (rc == TERSE_OK) {
        for (i = 0; i < j->n_order; i++)
            j->order[i]->score = sc[i];
        qsort(j->order, j->n_order, sizeof *j->order, by_score);
        j->ranked = 1;
    }
    free(bs);
    free(sc);
    return rc;
}

/* A budget the whole list misses: which entries stay, by select/pick.c
 * with the rules of chat turns (by relevance with a query, else earlier
 * first). Returns TERSE_OK, TERSE_EBUDGET (*min_tokens set) or the
 * failure's status. */
static int fit_entries(struct mem_job *j, size_t *min_tokens)
{
    const terse_options *o = j->o;
    size_t i;
    int rc;
    j->pick = calloc(j->n_order + 1, sizeof *j->pick);
    if (!j->pick)
        return TERSE_ENOMEM;
    for (i = 0; i < j->n_order; i++) {
        size_t t = 0;
        if ((rc = pass_count(j->pc, j->order[i]->out, j->order[i]->out_len, &t)) != TERSE_OK)
            return rc;
        j->pick[i].tokens = t + 3;
        j->pick[i].score = o->query && o->query_len ? j->order[i]->score : 1.0 / (double)(i + 1);
    }
    rc = pick_items(j->pick, j->n_order, o->budget, &pick_turns, measure, j, min_tokens);
    if (rc != TERSE_OK)
        return rc;
    for (i = 0; i < j->n_order; i++)
        j->st->dropped += !j->pick[i].keep;
    return TERSE_OK;
}

int memory_compress(const struct pass_ctx *pc, const char *s, size_t n, struct json_doc *parsed, struct buf *out,
                    struct memory_stats *st, size_t *min_tokens)
{
    struct mem_job j;
    struct sb_stemmer *stem = NULL;
    const terse_options *o = pc->o;
    size_t i, total = 0;
    int rc = TERSE_OK;
    memset(&j, 0, sizeof j);
    memset(st, 0, sizeof *st);
    *min_tokens = 0;
    j.pc = pc;
    j.o = o;
    j.doc = s;
    j.n = n;
    j.st = st;
    read_entries(&j, parsed);
    st->entries = j.n_e;
    stem = sb_stemmer_new("english", NULL);
    if (j.status) {
        rc = j.status;
        goto done;
    }
    for (i = 0; i < j.n_e && !j.status; i++)
        if (!j.e[i].other)
            j.e[i].out = prose(&j, j.e[i].text, j.e[i].text_len, &j.e[i].out_len);
    if (!j.status && level_get(o->level)->memory_merge) {
        analyse(&j, stem);
        dedup(&j, o->level);
    }
    if (j.status) {
        rc = j.status;
        goto done;
    }
    /* subjects: the first entry of each subject leads its group */
    j.compact = o->compact && j.shape != SH_TEXT;
    for (i = 0; i < j.n_e && j.compact; i++)
        j.compact = !j.e[i].raw; /* a lone surrogate escape has no text form */
    if (level_get(o->level)->memory_subjects &&
        (j.shape == SH_TEXT || j.compact || (j.shape == SH_JSON && j.e[0].v->kind == JSON_STRING))) {
        for (i = 0; i < j.n_e; i++)
            if (!j.e[i].other && !j.e[i].removed)
                find_subject(&j.e[i]);
        if ((rc = group_subjects(&j)) != TERSE_OK)
            goto done;
    }
    /* the output order: leaders by position (contradictions newest first) */
    j.order = malloc((j.n_e + 1) * sizeof *j.order);
    if (!j.order) {
        rc = TERSE_ENOMEM;
        goto done;
    }
    for (i = 0; i < j.n_e; i++) {
        struct entry *x = &j.e[i];
        if (x->other || x->removed || (x->group >= 0 && (size_t)x->group != i))
            continue;
        j.order[j.n_order++] = x;
    }
    qsort(j.order, j.n_order, sizeof *j.order, by_pos);
    for (i = 0; i < j.n_order && !j.status; i++)
        if (j.order[i]->group >= 0)
            group_text(&j, j.order[i]);
    if (j.status) {
        rc = j.status;
        goto done;
    }
    if (o->query && o->query_len && j.n_order && (rc = rank_by_query(&j)) != TERSE_OK)
        goto done;
    if (o->budget && (rc = measure(&j, &total)) != TERSE_OK)
        goto done;
    if (o->budget && total > o->budget && (rc = fit_entries(&j, min_tokens)) != TERSE_OK)
        goto done;
    write_list(&j, out);
    if (out->oom)
        rc = TERSE_ENOMEM;
done:
    for (i = 0; i < j.n_e; i++) {
        free(j.e[i].words);
        free(j.e[i].out);
        json_doc_free(j.e[i].doc);
    }
    free(j.e);
    free(j.order);
    free(j.pick);
    buf_free(&j.out);
    json_doc_free(j.jdoc);
    if (stem)
        sb_stemmer_delete(stem);
    if (j.status)
        rc = j.status; /* the first failure (a piece's own), not replaced */
    return rc;
}
