/* prose.c - compression of natural-language sentences; see prose.h.
 *
 * A sentence is lexed (lib/common/lex.c) into items; each level marks items
 * dropped or replaced, and the survivors are written back with single
 * spaces. Atomic spans (URLs, paths, code, quotes), numbers, negations and
 * capitalized names in mid-sentence are never touched, so the guard holds
 * by construction; lib/guard re-checks every output anyway.
 *
 *   safe      markdown emphasis markers, phrase rewrites (prose_safe_rewrites)
 *   balanced  + fillers and hedges (prose_balanced_rewrites), articles
 *   max       + stop words, except those that carry logic or join a name
 */
#include "prose.h"

#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/lex.h"
#include "../common/words.h"
#include "../learn/features.h"
#include "../learn/model.h"
#include "levels.h" /* level_get */
#include "prose_rules.h"
#include "terse.h"

struct item {
    const char *p;
    uint32_t len;
    uint32_t cls;  /* W_* bits of the word (lower-cased), 0 for other items */
    uint32_t slot; /* its slot in the word index, ENV_SLOTS if none */
    uint8_t kind, flags, drop;
    uint8_t sym; /* part of notation kept whole: see mark_notation */
};

/* Word classes, looked up once per word in the per-call index. */
enum {
    W_STOP = 1 << 0, W_KEEP = 1 << 1, W_JOIN = 1 << 2, W_STARTER = 1 << 3, W_AUX = 1 << 4,
    W_HAVE = 1 << 5, W_DO = 1 << 6, W_REL = 1 << 7, W_ADV = 1 << 8, W_SUBJ = 1 << 9,
    W_MONTH = 1 << 10, W_PART = 1 << 11, W_RSAFE = 1 << 12, W_RBAL = 1 << 13, W_QTY = 1 << 14,
    W_NUMW = 1 << 15, W_DIR = 1 << 16
};

#define ENV_SLOTS 2048 /* a power of two, over twice the words indexed */
#define RULES_MAX 512  /* rules per table with a second-word filter */

struct prose_env {
    uint64_t key[ENV_SLOTS]; /* hash of the lower-case word, 0 = empty */
    uint32_t bits[ENV_SLOTS];
    /* for words that start phrase rules: their rules' index range in the
     * safe and the balanced table */
    uint16_t lo[2][ENV_SLOTS], hi[2][ENV_SLOTS];
    /* each rule's second word: its length and first letter (0 when the
     * rule has one word or the table is longer than RULES_MAX), so that
     * most candidate rules are rejected without matching them */
    uint8_t second_len[2][RULES_MAX];
    char second_c[2][RULES_MAX];
    /* the word-importance model `max` drops words by, or NULL, and what
     * its features read (the frequency list) */
    const struct word_model *model;
    struct learn_env *lenv;
};

#define MAX_WORD 48

static int cmp_str(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

/* No word of the lists here is longer than this: a cheap first test. */
#define LIST_MAX_LEN 13

static int in_list(const char *const *list, size_t count, const char *s, size_t n)
{
    char w[MAX_WORD];
    if (n > LIST_MAX_LEN || !word_lower(s, n, w, MAX_WORD))
        return 0;
    return bsearch(w, list, count, sizeof *list, cmp_str) != NULL;
}

/* Words that keep a telegraphic sentence's logic: quantities, comparison,
 * condition, order in time. Stop words, but never pruned. Sorted. */
static const char *const keep_words[] = {
    "after", "all", "because", "before", "but", "every", "except", "few", "if", "least",
    "less", "many", "more", "most", "only", "or", "than", "unless", "until", "versus",
};

/* Words that state a quantity, an order or an approximation, as numbers
 * do: `max` never drops them ("several years", "nearly half", "fourth",
 * "increased"). Words
 * that are also prepositions ("about", "over", "under") are kept only next
 * to a number (prune_by_model). Sorted. */
static const char *const quantity_words[] = {
    "almost", "approximately", "average", "billion", "billions", "centuries", "century", "day", "days",
    "decade", "decades", "decline", "declined", "decrease", "decreased", "doubled", "dozen", "dozens",
    "eight", "eighteen", "eighteenth", "eighth", "eighty", "eleven", "eleventh", "fell", "fewer",
    "fifteen", "fifteenth", "fifth", "fiftieth", "fifty", "first", "five", "fortieth", "forty", "four",
    "fourteen", "fourteenth", "fourth", "fraction", "grew", "half", "halved", "highest", "hour",
    "hours", "hundred", "hundreds", "hundredth", "increase", "increased", "largest", "last", "longest",
    "lowest", "majority", "million", "millions", "minority", "minute", "minutes", "month", "months",
    "much", "nearly", "nine", "nineteen", "nineteenth", "ninety", "ninth", "number", "numbers",
    "oldest", "once", "one", "percent", "quarter", "rose", "roughly", "second", "seconds", "seven",
    "seventeen", "seventeenth", "seventh", "seventy", "several", "six", "sixteen", "sixteenth", "sixth",
    "sixty", "smallest", "ten", "tenth", "third", "thirteen", "thirteenth", "thirtieth", "thirty",
    "thousand", "thousands", "thousandth", "three", "thrice", "times", "total", "triple", "tripled",
    "twelfth", "twelve", "twentieth", "twenty", "twice", "two", "week", "weeks", "year", "years",
    "zero",
};

/* The number words and ordinals among them: `max`'s model keeps a word
 * next to one as it keeps a word next to a number ("fourth season",
 * "season seven"). Sorted. */
static const char *const number_words[] = {
    "billion", "dozen", "eight", "eighteen", "eighteenth", "eighth", "eighty", "eleven", "eleventh",
    "fifteen", "fifteenth", "fifth", "fiftieth", "fifty", "first", "five", "fortieth", "forty", "four",
    "fourteen", "fourteenth", "fourth", "hundred", "hundredth", "million", "nine", "nineteen",
    "nineteenth", "ninety", "ninth", "one", "second", "seven", "seventeen", "seventeenth", "seventh",
    "seventy", "six", "sixteen", "sixteenth", "sixth", "sixty", "ten", "tenth", "third", "thirteen",
    "thirteenth", "thirtieth", "thirty", "thousand", "thousandth", "three", "twelfth", "twelve",
    "twentieth", "twenty", "two", "zero",
};

/* Words of direction and side, which `max`'s model never drops: like a
 * number, they say where ("left hand", "south of the Arctic"). Sorted. */
static const char *const direction_words[] = {
    "east", "eastern", "left", "lower", "north", "northern", "right", "south", "southern", "upper",
    "west", "western",
};

/* Words that join the parts of a name ("Bank of America", "Romeo and
 * Juliet"); kept between two capitalized words or numbers. Sorted. */
static const char *const joiners[] = {
    "and", "da", "de", "del", "der", "di", "du", "for", "la", "le", "of", "on", "the", "to",
    "van", "von",
};

/* Ordinary words that often start a sentence with a capital. Sorted. */
static const char *const starters[] = {
    "additionally", "also", "although", "however", "meanwhile", "moreover", "nevertheless",
    "nonetheless", "otherwise", "still", "then", "therefore", "thus", "today", "yet",
};

static size_t lower_bound(const struct phrase_rule *tab, size_t count, const char *key);

/* Whether some rule of tab starts with the word w. The table is sorted, so
 * the rules starting with w follow the lower bound of w. */
static int rule_word(const struct phrase_rule *tab, size_t count, const char *w)
{
    size_t i = lower_bound(tab, count, w), L = strlen(w);
    for (; i < count && strncmp(tab[i].from, w, L) == 0; i++)
        if (tab[i].from[L] == ' ' || tab[i].from[L] == 0)
            return 1;
    return 0;
}

int prose_common_word(const char *word, size_t len)
{
    char w[MAX_WORD];
    if (!word_lower(word, len, w, MAX_WORD))
        return 0;
    return bsearch(w, stop_words, stop_words_count, sizeof(char *), cmp_str) ||
           bsearch(w, starters, sizeof starters / sizeof *starters, sizeof(char *), cmp_str) ||
           bsearch(w, keep_words, sizeof keep_words / sizeof *keep_words, sizeof(char *), cmp_str) ||
           rule_word(prose_safe_rewrites, prose_safe_rewrites_count, w) ||
           rule_word(prose_balanced_rewrites, prose_balanced_rewrites_count, w);
}

/* The index of the first rule whose `from` is >= key (the tables are
 * sorted by strcmp). */
static size_t lower_bound(const struct phrase_rule *tab, size_t count, const char *key)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(tab[mid].from, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Matches the words of `from` against the items starting at i (consecutive
 * kept words, nothing between them). Returns the number of items matched,
 * or 0. */
static size_t match_from(const char *from, const struct item *it, size_t n, size_t i)
{
    size_t k = i;
    const char *p = from;
    while (*p) {
        size_t j;
        if (k >= n || it[k].drop || it[k].kind != LX_WORD || (it[k].flags & LXF_NEG))
            return 0;
        if (k > i && !(it[k].flags & LXF_SPACE))
            return 0;
        /* a capital after the first word is a name ("by Means of ...") */
        if (k > i && (it[k].flags & LXF_CAP) && !(it[k].len == 1 && it[k].p[0] == 'I'))
            return 0;
        /* the word against the rule's next word, which ends at a space or
         * at the end (a word item holds neither, so it cannot run over) */
        for (j = 0; j < it[k].len; j++) {
            char c = it[k].p[j];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            if (c != p[j])
                return 0;
        }
        if (p[j] != ' ' && p[j] != 0)
            return 0;
        k++;
        p += j;
        if (*p == ' ')
            p++;
    }
    return k - i;
}

/* Per-sentence state. */
struct sent {
    struct item *it;
    size_t n;
    size_t first_word; /* index of the sentence's first word item, or n */
    int cap_first;     /* its first letter was upper case */
    char arena[256];   /* capitalized replacements */
    size_t arena_used;
};

static size_t next_kept(const struct sent *st, size_t i)
{
    for (i++; i < st->n && st->it[i].drop; i++)
        ;
    return i;
}

static size_t prev_kept(const struct sent *st, size_t i)
{
    while (i > 0) {
        i--;
        if (!st->it[i].drop)
            return i;
    }
    return st->n;
}

static void drop_comma_after(struct sent *st, size_t at)
{
    /* "X, basically, Y" -> "X, Y"; "Basically, Y" -> "Y" */
    size_t prev = at, k = at;
    while (k < st->n && st->it[k].drop)
        k++;
    if (k >= st->n || st->it[k].kind != LX_PUNCT || st->it[k].p[0] != ',')
        return;
    while (prev > 0 && st->it[prev - 1].drop)
        prev--;
    if (prev == 0 || (st->it[prev - 1].kind == LX_PUNCT && strchr(",;:(", st->it[prev - 1].p[0])))
        st->it[k].drop = 1;
}

static void apply_rules(struct sent *st, const struct prose_env *env, const struct phrase_rule *tab,
                        int which)
{
    uint32_t starts = which == 0 ? W_RSAFE : W_RBAL;
    size_t i;
    for (i = 0; i < st->n; i++) {
        size_t r, best_len = 0, best = 0;
        if (st->it[i].drop || st->it[i].sym || st->it[i].kind != LX_WORD || !(st->it[i].cls & starts))
            continue;
        /* mid-sentence capitals are names: leave them (but "I" is not) */
        if ((st->it[i].flags & LXF_CAP) && i != st->first_word &&
            !(st->it[i].len == 1 && st->it[i].p[0] == 'I'))
            continue;
        for (r = env->lo[which][st->it[i].slot]; r < env->hi[which][st->it[i].slot]; r++) {
            size_t m;
            if (r < RULES_MAX && env->second_len[which][r]) {
                const struct item *y = i + 1 < st->n ? &st->it[i + 1] : NULL;
                if (!y || y->len != env->second_len[which][r] || (y->p[0] | 0x20) != env->second_c[which][r])
                    continue;
            }
            m = match_from(tab[r].from, st->it, st->n, i);
            if (m > best_len) {
                best_len = m;
                best = r;
            }
        }
        if (!best_len)
            continue;
        {
            const char *to = tab[best].to;
            size_t k, pv = prev_kept(st, i);
            /* "not very fast" is not "not fast": nothing goes after a negation */
            if (!*to && pv < st->n && (st->it[pv].flags & LXF_NEG))
                continue;
            for (k = i + 1; k < i + best_len; k++)
                st->it[k].drop = 1;
            if (!*to) {
                st->it[i].drop = 1;
                drop_comma_after(st, i + best_len);
            } else {
                size_t L = strlen(to);
                st->it[i].p = to;
                st->it[i].len = (uint32_t)L;
                if (i == st->first_word && st->cap_first && to[0] >= 'a' && to[0] <= 'z' &&
                    st->arena_used + L <= sizeof st->arena) {
                    char *c = st->arena + st->arena_used;
                    memcpy(c, to, L);
                    c[0] = (char)(c[0] - 32);
                    st->it[i].p = c;
                    st->arena_used += L;
                }
            }
            i += best_len - 1;
        }
    }
}

/* "US", "NASA": two or more letters, all upper case. */
static int is_acronym(const char *p, size_t n)
{
    size_t i;
    if (n < 2)
        return 0;
    for (i = 0; i < n; i++)
        if (!(p[i] >= 'A' && p[i] <= 'Z'))
            return 0;
    return 1;
}

static int is_word_like(const struct item *x)
{
    return x->kind == LX_WORD || x->kind == LX_NUMBER || x->kind == LX_QUOTE || x->kind == LX_CODE ||
           x->kind == LX_URL || x->kind == LX_PATH || x->kind == LX_EMAIL || x->kind == LX_NAME;
}

/* Articles go when a word follows (not "a)", not sentence-final). A
 * capitalized article counts only at the start of the sentence. */
static void drop_articles(struct sent *st)
{
    size_t i;
    for (i = 0; i < st->n; i++) {
        struct item *x = &st->it[i];
        size_t nx;
        if (x->drop || x->kind != LX_WORD || x->len > 3)
            continue;
        if ((x->flags & LXF_CAP) && i != st->first_word)
            continue;
        if (!lex_word_is(x->p, x->len, "the") && !lex_word_is(x->p, x->len, "a") &&
            !lex_word_is(x->p, x->len, "an"))
            continue;
        if (x->len == 1 && x->p[0] == 'A' && i != st->first_word)
            continue;
        nx = next_kept(st, i);
        if (nx >= st->n ||
            !(st->it[nx].kind == LX_WORD || st->it[nx].kind == LX_NUMBER || st->it[nx].kind == LX_NAME))
            continue;
        x->drop = 1;
    }
}

static const char *const aux[] = {"am", "are", "been", "being", "is", "was", "were"};
static const char *const have[] = {"had", "has", "have"};
static const char *const dos[] = {"did", "do", "does"};
static const char *const rel[] = {"that", "which", "who"};
static const char *const adverbs[] = {"also", "however", "therefore", "thus"};
static const char *const subj[] = {"a", "an", "he", "i", "it", "she", "the", "their", "they", "this", "we", "you"};
static const char *const months[] = {"april", "august", "december", "february", "january", "july",
                                     "june", "march", "may", "november", "october", "september"};

/* Past participles that "have" / "has" / "had" can introduce, besides the
 * regular -ed and -en forms. Sorted. */
static const char *const participles[] = {
    "been", "begun", "bought", "brought", "built", "caught", "come", "dealt", "done", "drawn",
    "felt", "fought", "found", "gone", "got", "grown", "had", "heard", "held", "kept", "known",
    "laid", "led", "left", "lost", "made", "meant", "met", "paid", "put", "read", "run",
    "said", "seen", "sent", "set", "shown", "sold", "spent", "stood", "taken", "taught",
    "thought", "told", "understood", "won", "written",
};

/* Whether item x is a word of the class(es) `bits` (W_*, from the index). */
static int word_is(const struct item *x, uint32_t bits)
{
    return x->kind == LX_WORD && (x->cls & bits) != 0;
}

static int looks_participle(const struct item *x)
{
    size_t n = x->len;
    if (x->kind != LX_WORD || (x->flags & LXF_CAP))
        return 0;
    if (n > 3 && ((x->p[n - 2] == 'e' && (x->p[n - 1] == 'd' || x->p[n - 1] == 'n'))))
        return 1;
    return (x->cls & W_PART) != 0;
}

/* "(a)", "(2)", "(iv)": the brackets of a list label, at i (either
 * bracket). Without them "a" reads as an article and "2" as a quantity. */
static int is_paren_label(const struct sent *st, size_t i)
{
    size_t o;
    if (st->it[i].kind != LX_PUNCT)
        return 0;
    if (st->it[i].p[0] == '(')
        o = i;
    else if (st->it[i].p[0] == ')' && i >= 2)
        o = i - 2;
    else
        return 0;
    if (o + 2 >= st->n || st->it[o].p[0] != '(' || st->it[o + 2].kind != LX_PUNCT || st->it[o + 2].p[0] != ')' ||
        (st->it[o + 1].flags & LXF_SPACE) || (st->it[o + 2].flags & LXF_SPACE))
        return 0;
    const struct item *l = &st->it[o + 1];
    if (l->kind == LX_NUMBER)
        return l->len <= 2;
    if (l->kind != LX_WORD)
        return 0;
    if (l->len == 1)
        return 1;
    for (size_t k = 0; k < l->len; k++)
        if (!strchr("ivxIVX", l->p[k]))
            return 0;
    return l->len <= 4;
}

/* A list label: "a." or "b)" that starts a sentence or a line, or "(a)"
 * anywhere. The letter is a label, not an article. */
static int is_list_label(const struct sent *st, size_t i)
{
    const struct item *x = &st->it[i];
    if (x->kind != LX_WORD || x->len != 1 || i + 1 >= st->n || st->it[i + 1].kind != LX_PUNCT ||
        (st->it[i + 1].flags & LXF_SPACE))
        return 0;
    if (i == 0 || (x->flags & LXF_NL))
        return st->it[i + 1].p[0] == '.' || st->it[i + 1].p[0] == ')';
    return is_paren_label(st, i - 1);
}

/* balanced: function words that carry grammar, not facts. Auxiliaries
 * (is, are, was, were, been, being; have/has/had before a participle;
 * do/does/did before a negation), "which"/"that"/"who" before an
 * auxiliary, "to be" before a word, sentence adverbs, and the commas and
 * parentheses of asides (kept between two numbers and next to a
 * negation). A capitalized word mid-sentence is never touched. */
static void drop_function_words(struct sent *st)
{
    size_t i;
    for (i = 0; i < st->n; i++) {
        struct item *x = &st->it[i];
        size_t nx, pv;
        if (x->drop || (x->flags & LXF_NEG))
            continue;
        nx = next_kept(st, i);
        pv = prev_kept(st, i);
        if (x->kind == LX_PUNCT) {
            char c = x->p[0];
            const struct item *a = pv < st->n ? &st->it[pv] : NULL, *b = nx < st->n ? &st->it[nx] : NULL;
            /* a comma inside a run ("4,350" in "to-4,350-pound") is part of it */
            int inner = !(x->flags & LXF_SPACE) && i + 1 < st->n && !(st->it[i + 1].flags & LXF_SPACE);
            if (c == ',' && a && b && !inner && !(a->kind == LX_NUMBER && b->kind == LX_NUMBER) &&
                !(a->flags & LXF_NEG) && !(b->flags & LXF_NEG))
                x->drop = 1;
            else if (c == '(' && b && is_word_like(b) && (x->flags & LXF_SPACE) &&
                     !(b->flags & LXF_SPACE) && !is_paren_label(st, i)) {
                /* " (born 1950)" -> " born 1950", but "T(n)" stays */
                size_t k;
                for (k = i + 1; k < st->n && !(st->it[k].kind == LX_PUNCT && st->it[k].p[0] == ')'); k++)
                    if (st->it[k].kind == LX_PUNCT && st->it[k].p[0] == '(')
                        break;
                if (k < st->n && st->it[k].kind == LX_PUNCT && st->it[k].p[0] == ')' &&
                    (k + 1 >= st->n || (st->it[k + 1].flags & LXF_SPACE) || st->it[k + 1].kind == LX_PUNCT)) {
                    x->drop = 1;
                    st->it[k].drop = 1;
                }
            }
            continue;
        }
        if (x->kind == LX_QUOTE && !x->sym) {
            /* "Franks" -> Franks: the marks of a short quoted term (three
             * words at most, no inner punctuation) go; the text stays */
            size_t m = x->p[0] == '"' ? 1 : 3, k, spaces = 0, plain = 1;
            for (k = m; k + m < x->len; k++) {
                unsigned char c = (unsigned char)x->p[k];
                spaces += c == ' ';
                plain &= !(c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
                           c == '"' || c == '\n');
            }
            if (plain && spaces <= 2 && x->len > 2 * m) {
                x->p += m;
                x->len -= (uint32_t)(2 * m);
            }
            continue;
        }
        if (x->kind != LX_WORD || ((x->flags & LXF_CAP) && i != st->first_word))
            continue;
        if (nx >= st->n || !(st->it[nx].kind == LX_WORD || st->it[nx].kind == LX_NUMBER ||
                             st->it[nx].kind == LX_QUOTE || st->it[nx].kind == LX_NAME))
            continue; /* "what it is." keeps its verb */
        if (i == st->first_word) {
            /* "In 1804, ..." -> "1804 ..."; nothing else at the start */
            if ((lex_word_is(x->p, x->len, "in") || lex_word_is(x->p, x->len, "on")) &&
                st->it[nx].kind == LX_NUMBER)
                x->drop = 1;
            continue;
        }
        if (word_is(x, W_AUX) ||
            (word_is(x, W_HAVE) && looks_participle(&st->it[nx])) ||
            (word_is(x, W_DO) && (st->it[nx].flags & LXF_NEG)) ||
            (word_is(x, W_REL) &&
             (word_is(&st->it[nx], W_AUX) ||
              word_is(&st->it[nx], W_HAVE))) ||
            word_is(x, W_ADV)) {
            x->drop = 1;
            continue;
        }
        {
            /* relative "which"/"who" before a verb; "that" before a new
             * subject; "its"/"their" before a noun; "in"/"on"/"at" before a
             * date; "there" before its verb */
            const struct item *y = &st->it[nx];
            int y_lower_word = y->kind == LX_WORD && !(y->flags & LXF_CAP);
            if (((lex_word_is(x->p, x->len, "which") || lex_word_is(x->p, x->len, "who") ||
                  lex_word_is(x->p, x->len, "that")) && y_lower_word) ||
                (lex_word_is(x->p, x->len, "that") &&
                 (word_is(y, W_SUBJ) || y->kind == LX_NUMBER ||
                  (y->kind == LX_WORD && (y->flags & LXF_CAP)))) ||
                ((lex_word_is(x->p, x->len, "its") || lex_word_is(x->p, x->len, "their")) && y_lower_word) ||
                ((lex_word_is(x->p, x->len, "in") || lex_word_is(x->p, x->len, "on") ||
                  lex_word_is(x->p, x->len, "at")) &&
                 (y->kind == LX_NUMBER || word_is(y, W_MONTH))) ||
                (lex_word_is(x->p, x->len, "there") &&
                 (word_is(y, W_AUX) || word_is(y, W_HAVE)))) {
                x->drop = 1;
                continue;
            }
        }
        if (lex_word_is(x->p, x->len, "to") && !(st->it[nx].flags & LXF_CAP) &&
            lex_word_is(st->it[nx].p, st->it[nx].len, "be")) {
            size_t n2 = next_kept(st, nx);
            if (n2 < st->n && st->it[n2].kind == LX_WORD) {
                x->drop = 1;
                st->it[nx].drop = 1;
            }
        }
    }
}

static int is_query_word(const struct prose_query *q, const char *s, size_t n)
{
    size_t i;
    char w[MAX_WORD];
    if (!q || !word_lower(s, n, w, MAX_WORD))
        return 0;
    for (i = 0; i < q->n; i++)
        if (q->lens[i] == n && memcmp(q->words[i], w, n) == 0)
            return 1;
    return 0;
}

static int is_nameish(const struct item *x)
{
    return (x->kind == LX_WORD && (x->flags & LXF_CAP)) || x->kind == LX_NUMBER || x->kind == LX_NAME;
}

/* max, besides the stop words: the punctuation of asides (everything but
 * sentence ends, quotes and code, which are atomic anyway). Dropping -ed
 * and -ly words that end a phrase was measured and cost more answers
 * than it saved tokens (docs/levels.md). */
static void prune_punctuation(struct sent *st)
{
    size_t i;
    for (i = 0; i < st->n; i++) {
        struct item *x = &st->it[i];
        if (x->drop || (x->flags & LXF_NEG))
            continue;
        int inner = !(x->flags & LXF_SPACE) && i + 1 < st->n && !(st->it[i + 1].flags & LXF_SPACE) &&
                    i > 0 && st->it[i - 1].kind != LX_PUNCT && st->it[i + 1].kind != LX_PUNCT;
        /* typographic dashes and quotes (U+2013, U+2014, U+2018-U+201D) go
         * too; other symbols (≤ ≠ → − ...) carry meaning and stay */
        const unsigned char *u = (const unsigned char *)x->p;
        int typo = x->len == 3 && u[0] == 0xE2 && u[1] == 0x80 &&
                   (u[2] == 0x93 || u[2] == 0x94 || (u[2] >= 0x98 && u[2] <= 0x9D));
        /* the apostrophe stays: it closes a `GNU quote', ends a plural
         * possessive (users') or belongs to shell quoting ($'...'); and a
         * double quote glued to a symbol ($"...", ="...") is syntax */
        int glued = x->p[0] == '"' && i > 0 && !(x->flags & LXF_SPACE) && st->it[i - 1].kind == LX_PUNCT &&
                    strchr("$=`\\@", st->it[i - 1].p[0]) != NULL;
        /* the colon of "key: value" stays: glued to the sentence's first
         * item or to a path or name ("debian/control: Dropped ..."), not
         * to a number ("14:03: Alerts fired" says no more without it) */
        int key = x->p[0] == ':' && i > 0 && !(x->flags & LXF_SPACE) && st->it[i - 1].kind != LX_NUMBER &&
                  (i == 1 || (st->it[i - 1].kind != LX_WORD && st->it[i - 1].kind != LX_PUNCT));
        if (x->kind == LX_PUNCT && !inner && !glued && !key && !is_paren_label(st, i) &&
            !(x->p[0] == ')' && i > 0 && is_list_label(st, i - 1)) &&
            (strchr(",;:()[]{}\"", x->p[0]) || typo))
            x->drop = 1;
    }
    /* the full stop that ends the sentence: the next sentence still starts
     * with a capital, and the stop costs a token per sentence (3.1% of the
     * SQuAD contexts, no answer lost). It stays after a number, which the
     * next sentence's number or name would otherwise seem to continue. */
    if (st->n >= 2) {
        const struct item *x = &st->it[st->n - 1];
        size_t pv = prev_kept(st, st->n - 1);
        if (!x->drop && x->kind == LX_PUNCT && x->len == 1 && x->p[0] == '.' && pv < st->n &&
            st->it[pv].kind == LX_WORD)
            st->it[st->n - 1].drop = 1;
    }
}

/* Telegraphic pruning: stop words go unless they carry logic, join a name,
 * label a list item, or were asked about. */
static void prune_stop_words(struct sent *st, const struct prose_query *q)
{
    size_t i;
    for (i = 0; i < st->n; i++) {
        struct item *x = &st->it[i];
        size_t pv, nx;
        if (x->drop || x->kind != LX_WORD || (x->flags & LXF_NEG))
            continue;
        if ((x->flags & LXF_CAP) && i != st->first_word)
            continue;
        if (!(x->cls & W_STOP) || (x->cls & (W_KEEP | W_QTY)))
            continue;
        if (is_query_word(q, x->p, x->len) || is_list_label(st, i))
            continue;
        pv = prev_kept(st, i);
        nx = next_kept(st, i);
        if (pv < st->n && nx < st->n && is_nameish(&st->it[pv]) && is_nameish(&st->it[nx]) &&
            (x->cls & W_JOIN))
            continue;
        /* "from 5 seconds to 30", "grew by 4%": without them the numbers
         * lose which is the start, the end or the change */
        if (nx < st->n && st->it[nx].kind == LX_NUMBER &&
            (lex_word_is(x->p, x->len, "from") || lex_word_is(x->p, x->len, "to") ||
             lex_word_is(x->p, x->len, "by")))
            continue;
        x->drop = 1;
    }
}

/* Whether a part of the hyphenated word p[0..n) is a quantity word
 * ("half-installed", "two-thirds", "year-long"). */
static int quantity_part(const char *p, size_t n)
{
    const char *end = p + n, *h;
    if (!memchr(p, '-', n))
        return 0;
    for (; p < end; p = h + 1) {
        h = memchr(p, '-', (size_t)(end - p));
        if (!h)
            h = end;
        if (in_list(quantity_words, sizeof quantity_words / sizeof *quantity_words, p, (size_t)(h - p)))
            return 1;
    }
    return 0;
}

/* The word-importance model (learn/model.h): of the words that `max`'s
 * rules left, those the model scores below its threshold go, except what
 * the guards protect (numbers and other atomic items are not words;
 * negations; capitalized words, which may be names), the logic and
 * quantity words (also as a part of a hyphenated word), the words next to
 * a number ("5 seconds", "from 1990"), words glued to their neighbours,
 * and joiners between names. A
 * sentence keeps at least its best-scored word. toks[0..nt) over s are the
 * sentence's tokens, first its first word (lex_sentence_start). Not called
 * with a query. */
static void prune_by_model(struct sent *st, const struct prose_env *env, const struct learn_doc *doc, const char *s,
                           const struct lex_tok *toks, size_t first)
{
    const struct word_model *m = env->model;
    size_t i, best = st->n, words = 0;
    int32_t best_score = 0;
    /* the sentence's token names and word counts, computed once for all
     * its words (without memory for them, per word: the same scores) */
    uint64_t stack_mem[160];
    void *mem = learn_sent_size(st->n) <= sizeof stack_mem ? (void *)stack_mem : malloc(learn_sent_size(st->n));
    struct learn_sent sent, *cache = NULL;
    if (mem) {
        learn_sent_init(&sent, mem, toks, st->n);
        /* the word classes know the stop words (the same list) */
        for (i = 0; i < st->n; i++)
            learn_sent_stop(&sent, i, (st->it[i].cls & W_STOP) != 0);
        cache = &sent;
    }
    for (i = 0; i < st->n; i++) {
        struct item *x = &st->it[i];
        uint32_t h[LEARN_MAX_FEATURES];
        size_t nf, pv, nx;
        int32_t score;
        if (x->drop || x->kind == LX_PUNCT)
            continue;
        words++;
        if (x->kind != LX_WORD || (x->flags & (LXF_NEG | LXF_CAP)) || (x->cls & (W_KEEP | W_QTY | W_DIR)) ||
            x->p != s + toks[i].start) /* replaced by a rule */
            continue;
        if (quantity_part(x->p, x->len))
            continue;
        /* a word glued to what stands before or after it is part of
         * something larger ("/bin/chown" lexed as a path and a word,
         * "@adduser"): only free-standing words go */
        if ((i > 0 && !(toks[i].flags & LXF_SPACE)) ||
            (i + 1 < st->n && !(toks[i + 1].flags & LXF_SPACE) && !strchr(".,;:!?)]\"'", s[toks[i + 1].start])))
            continue;
        pv = prev_kept(st, i);
        nx = next_kept(st, i);
        if ((pv < st->n && (st->it[pv].kind == LX_NUMBER || (st->it[pv].cls & W_NUMW))) ||
            (nx < st->n && (st->it[nx].kind == LX_NUMBER || (st->it[nx].cls & W_NUMW))))
            continue;
        /* the word right after a name, which is often the rest of it
         * ("the Gilbert building", "the Franciscan order") */
        if (pv + 1 == i && st->it[pv].kind == LX_WORD && (st->it[pv].flags & LXF_CAP) && pv != st->first_word)
            continue;
        if ((x->cls & W_JOIN) && pv < st->n && nx < st->n && is_nameish(&st->it[pv]) && is_nameish(&st->it[nx]))
            continue;
        nf = learn_features(env->lenv, doc, s, toks, st->n, i, first, cache, h);
        score = word_model_score(m, h, nf);
        if (best == st->n || score > best_score) {
            best = i;
            best_score = score;
        }
        if (score < m->threshold) {
            x->drop = 2; /* by the model */
            words--;
        }
    }
    if (mem != (void *)stack_mem)
        free(mem);
    /* every word went: the best-scored one stays */
    if (!words && best < st->n)
        st->it[best].drop = 0;
}

/* Markdown emphasis: a run of * or _ that opens (space before, word after)
 * and a later run of the same marker that closes it (glued to what is
 * before it, space or punctuation after) go together; a run without its
 * partner is text: the "**" of "f(x, **kwargs)", the "*" of "/\*" (a C
 * comment), of "-TX*" (a glob), the "_" of "`_'". Notation (mark_notation)
 * holds no emphasis. */
#define EMPHASIS_DEPTH 8
static void drop_emphasis(struct sent *st)
{
    size_t i = 0, open_at[2][EMPHASIS_DEPTH], open_end[2][EMPHASIS_DEPTH];
    int n_open[2] = {0, 0};
    while (i < st->n) {
        size_t j = i, k;
        int opens, closes, w;
        char c;
        if (st->it[i].kind != LX_PUNCT || (st->it[i].p[0] != '*' && st->it[i].p[0] != '_') || st->it[i].sym) {
            i++;
            continue;
        }
        c = st->it[i].p[0];
        w = c == '_';
        while (j + 1 < st->n && st->it[j + 1].kind == LX_PUNCT && st->it[j + 1].p[0] == c &&
               !(st->it[j + 1].flags & LXF_SPACE) && !st->it[j + 1].sym)
            j++;
        opens = (i == 0 || (st->it[i].flags & LXF_SPACE)) && j + 1 < st->n &&
                !(st->it[j + 1].flags & LXF_SPACE) && is_word_like(&st->it[j + 1]);
        closes = i > 0 && !(st->it[i].flags & LXF_SPACE) && n_open[w] &&
                 (j + 1 >= st->n || (st->it[j + 1].flags & LXF_SPACE) || st->it[j + 1].kind == LX_PUNCT);
        if (opens && n_open[w] < EMPHASIS_DEPTH) {
            open_at[w][n_open[w]] = i;
            open_end[w][n_open[w]++] = j;
        } else if (closes) {
            /* the pair goes: the closing run, and the opening one with the
             * spacing it had kept on the word it marks */
            size_t o = open_at[w][--n_open[w]], oe = open_end[w][n_open[w]];
            for (k = o; k <= oe; k++)
                st->it[k].drop = 1;
            if (st->it[o].flags & LXF_SPACE)
                st->it[oe + 1].flags |= LXF_SPACE;
            for (k = i; k <= j; k++)
                st->it[k].drop = 1;
        }
        i = j + 1;
    }
}

/* ---- notation ------------------------------------------------------------ */

static int is_open(const struct item *x)
{
    return x->kind == LX_PUNCT && (x->p[0] == '(' || x->p[0] == '[' || x->p[0] == '{');
}

static int is_close(const struct item *x)
{
    return x->kind == LX_PUNCT && (x->p[0] == ')' || x->p[0] == ']' || x->p[0] == '}');
}

/* Brackets that are syntax rather than an aside: "f(x, y)", "arr[i]",
 * "s[1:2]", "(?i)abc", "^(foo|bar)+$", "{x|x>0}", "file(s)". Each item of
 * such notation is marked and kept whole at every level: without its
 * brackets, "[a-z](?:[-a-z0-9]{0,61})?" or "g(a, b)" says something else.
 * Two shapes:
 *   - a run without spaces with a bracket inside it (not only leading or
 *     trailing: "(ref)" and "(see" are asides), or in an atomic item of it
 *     ("[Salsa](https://..." is lexed as a path), or with an opening and
 *     a closing bracket and an operator (| < > = + * ^ $ \ ~ &; not
 *     "**PASS**)." of Markdown);
 *   - an opening bracket glued to a word, a number, an atomic item or a
 *     closing bracket (a call or an index; not ",[citation needed]"),
 *     together with everything up to its matching closing bracket in the
 *     sentence. */
static void mark_notation(struct sent *st)
{
    size_t a = 0, i;
    while (a < st->n) {
        size_t b = a, f, l;
        int brackets = 0, ops = 0, inside = 0;
        while (b + 1 < st->n && !(st->it[b + 1].flags & LXF_SPACE))
            b++;
        for (i = a; i <= b; i++) {
            const struct item *x = &st->it[i];
            if (x->kind == LX_PUNCT && x->len == 1) {
                brackets |= is_open(x) ? 1 : is_close(x) ? 2 : 0;
                ops |= strchr("|<>=+*^$\\~&", x->p[0]) != NULL;
            } else if (x->kind != LX_PUNCT && x->kind != LX_WORD && x->kind != LX_NUMBER) {
                /* an atomic item that holds a bracket ("[Salsa](https:"
                 * lexed as a path): the brackets glued to it close it */
                size_t k;
                for (k = 0; k < x->len && !inside; k++)
                    inside = x->p[k] && strchr("()[]{}", x->p[k]) != NULL;
            }
        }
        if (brackets) {
            f = a;
            while (f <= b && st->it[f].kind == LX_PUNCT && strchr("([{\"'", st->it[f].p[0]))
                f++;
            l = b + 1;
            while (l > f && st->it[l - 1].kind == LX_PUNCT && strchr(")]}.,;:!?\"'", st->it[l - 1].p[0]))
                l--;
            for (i = f; i < l && !inside; i++)
                inside = is_open(&st->it[i]) || is_close(&st->it[i]);
            if (inside || (ops && brackets == 3))
                for (i = a; i <= b; i++)
                    st->it[i].sym = 1;
        }
        a = b + 1;
    }
    /* matching brackets, through a stack of open ones: linear, and an
     * opening bracket never closed protects only itself */
    {
        uint32_t stack_open[64], *open = stack_open;
        size_t depth = 0, from = st->n;
        if (st->n > 64 && !(open = malloc(st->n * sizeof *open)))
            return; /* out of memory: the chunks alone are marked */
        for (i = 0; i < st->n; i++) {
            const struct item *x = &st->it[i];
            if (is_open(x)) {
                const struct item *pv = i ? &st->it[i - 1] : NULL;
                open[depth++] = (uint32_t)i;
                if (from == st->n && pv && !(x->flags & LXF_SPACE) && (pv->kind != LX_PUNCT || is_close(pv)))
                    from = i; /* a call or an index starts here, "f(", "a[", "a[i][" */
            } else if (is_close(x) && depth) {
                size_t o = open[--depth], k;
                if (o == from) {
                    for (k = o; k <= i; k++)
                        st->it[k].sym = 1;
                    from = st->n;
                }
            }
        }
        if (from < st->n)
            st->it[from].sym = 1;
        if (open != stack_open)
            free(open);
    }
}

/* Commas left without a neighbour by deletions, and brackets emptied by
 * them (brackets that were empty, "f()", stay). */
static void tidy_commas(struct sent *st)
{
    size_t i;
    for (i = 0; i < st->n; i++) {
        struct item *x = &st->it[i];
        size_t pv, nx;
        if (x->sym)
            continue;
        if (!x->drop && x->kind == LX_PUNCT && x->p[0] == '(') {
            nx = next_kept(st, i);
            if (nx < st->n && nx > i + 1 && st->it[nx].kind == LX_PUNCT && st->it[nx].p[0] == ')') {
                x->drop = 1;
                st->it[nx].drop = 1;
                continue;
            }
        }
        if (x->drop || x->kind != LX_PUNCT || x->p[0] != ',')
            continue;
        pv = prev_kept(st, i);
        nx = next_kept(st, i);
        if (pv >= st->n || (st->it[pv].kind == LX_PUNCT && strchr(",;:(", st->it[pv].p[0])) ||
            (nx < st->n && st->it[nx].kind == LX_PUNCT && strchr(".,;:!?)", st->it[nx].p[0])) ||
            nx >= st->n)
            x->drop = 1;
    }
}

/* ---- the word index ------------------------------------------------------ */



static uint64_t word_key(const char *s, size_t n)
{
    char w[MAX_WORD];
    if (n > LIST_MAX_LEN || !word_lower(s, n, w, MAX_WORD))
        return 0;
    return hash_bytes(w, n) | 1;
}

/* Adds word w[0..n) with bit; returns its slot (ENV_SLOTS if not indexable). */
static uint32_t env_add(struct prose_env *e, const char *w, size_t n, uint32_t bit)
{
    uint64_t k = word_key(w, n);
    uint32_t i;
    if (!k)
        return ENV_SLOTS;
    for (i = (uint32_t)k & (ENV_SLOTS - 1); e->key[i] && e->key[i] != k; i = (i + 1) & (ENV_SLOTS - 1))
        ;
    e->key[i] = k;
    e->bits[i] |= bit;
    return i;
}

static void env_add_list(struct prose_env *e, const char *const *list, size_t count, uint32_t bit)
{
    size_t i;
    for (i = 0; i < count; i++)
        env_add(e, list[i], strlen(list[i]), bit);
}

static void env_add_rules(struct prose_env *e, const struct phrase_rule *tab, size_t count, uint32_t bit,
                          int which)
{
    size_t i;
    for (i = 0; i < count; i++) {
        const char *sp = strchr(tab[i].from, ' ');
        uint32_t slot = env_add(e, tab[i].from, sp ? (size_t)(sp - tab[i].from) : strlen(tab[i].from), bit);
        if (sp && i < RULES_MAX) {
            const char *e2 = strchr(sp + 1, ' ');
            size_t L = e2 ? (size_t)(e2 - sp - 1) : strlen(sp + 1);
            /* only a lower-case letter can be compared with | 0x20 */
            if (L < 256 && sp[1] >= 'a' && sp[1] <= 'z') {
                e->second_len[which][i] = (uint8_t)L;
                e->second_c[which][i] = sp[1];
            }
        }
        if (slot == ENV_SLOTS)
            continue;
        /* sorted tables: the rules of one first word are contiguous */
        if (e->hi[which][slot] == 0)
            e->lo[which][slot] = (uint16_t)i;
        e->hi[which][slot] = (uint16_t)(i + 1);
    }
}

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

struct prose_env *prose_env_new(void)
{
    struct prose_env *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    env_add_list(e, stop_words, stop_words_count, W_STOP);
    env_add_list(e, keep_words, COUNT_OF(keep_words), W_KEEP);
    env_add_list(e, joiners, COUNT_OF(joiners), W_JOIN);
    env_add_list(e, starters, COUNT_OF(starters), W_STARTER);
    env_add_list(e, aux, COUNT_OF(aux), W_AUX);
    env_add_list(e, have, COUNT_OF(have), W_HAVE);
    env_add_list(e, dos, COUNT_OF(dos), W_DO);
    env_add_list(e, rel, COUNT_OF(rel), W_REL);
    env_add_list(e, adverbs, COUNT_OF(adverbs), W_ADV);
    env_add_list(e, subj, COUNT_OF(subj), W_SUBJ);
    env_add_list(e, months, COUNT_OF(months), W_MONTH);
    env_add_list(e, participles, COUNT_OF(participles), W_PART);
    env_add_list(e, quantity_words, COUNT_OF(quantity_words), W_QTY);
    env_add_list(e, number_words, COUNT_OF(number_words), W_NUMW);
    env_add_list(e, direction_words, COUNT_OF(direction_words), W_DIR);
    env_add_rules(e, prose_safe_rewrites, prose_safe_rewrites_count, W_RSAFE, 0);
    env_add_rules(e, prose_balanced_rewrites, prose_balanced_rewrites_count, W_RBAL, 1);
    return e;
}

const struct word_model *prose_env_model(const struct prose_env *e)
{
    return e->model;
}

int prose_env_use_model(struct prose_env *e, const struct word_model *m)
{
    e->model = m;
    if (m && !e->lenv && !(e->lenv = learn_env_new()))
        return TERSE_ENOMEM;
    return TERSE_OK;
}

void prose_env_free(struct prose_env *e)
{
    if (e)
        learn_env_free(e->lenv);
    free(e);
}

/* The slot of word s[0..n), or ENV_SLOTS when it is in no list. */
static uint32_t env_slot(const struct prose_env *e, const char *s, size_t n)
{
    uint64_t k = word_key(s, n);
    uint32_t i;
    if (!k)
        return ENV_SLOTS;
    for (i = (uint32_t)k & (ENV_SLOTS - 1); e->key[i]; i = (i + 1) & (ENV_SLOTS - 1))
        if (e->key[i] == k)
            return i;
    return ENV_SLOTS;
}

void prose_compress(const char *s, size_t n, int level, const struct prose_query *q,
                    const struct prose_env *env, struct buf *out)
{
    struct lex_tok stack_toks[96], *toks = stack_toks;
    size_t nt;
    if (n > 96 && !(toks = malloc(n * sizeof *toks))) {
        buf_add(out, s, n); /* out of memory: leave the sentence as it is */
        out->oom = 1;
        return;
    }
    nt = lex_text(s, n, toks);
    prose_compress_lexed(s, n, toks, nt, level, q, env, NULL, out);
    if (toks != stack_toks)
        free(toks);
}

void prose_compress_lexed(const char *s, size_t n, const struct lex_tok *toks, size_t nt, int level,
                          const struct prose_query *q, const struct prose_env *env, const struct learn_doc *doc,
                          struct buf *out)
{
    struct prose_env *own = NULL;
    struct item stack_items[96];
    struct sent st;
    size_t i, first_kept, start;
    int any_drop = 0, space = 0, first = 1;
    st.it = stack_items;
    if (nt > 96 && !(st.it = malloc(nt * sizeof *st.it))) {
        buf_add(out, s, n); /* out of memory: leave the sentence as it is */
        out->oom = 1;
        return;
    }
    if (!env) {
        env = own = prose_env_new();
        if (!own) {
            if (st.it != stack_items)
                free(st.it);
            buf_add(out, s, n);
            out->oom = 1;
            return;
        }
    }
    st.n = nt;
    st.first_word = nt;
    st.arena_used = 0;
    for (i = 0; i < nt; i++) {
        st.it[i].p = s + toks[i].start;
        st.it[i].len = toks[i].len;
        st.it[i].kind = toks[i].kind;
        st.it[i].flags = toks[i].flags;
        st.it[i].drop = 0;
        st.it[i].sym = 0;
        st.it[i].slot = toks[i].kind == LX_WORD ? env_slot(env, st.it[i].p, st.it[i].len) : ENV_SLOTS;
        st.it[i].cls = st.it[i].slot < ENV_SLOTS ? env->bits[st.it[i].slot] : 0;
    }
    /* the sentence-initial word: the first word, with only punctuation or
     * a label ("14:26:") before it (the guard uses the same rule) */
    i = start = lex_sentence_start(s, toks, nt);
    if (i < nt && st.it[i].kind == LX_WORD && !is_acronym(st.it[i].p, st.it[i].len))
        st.first_word = i;
    st.cap_first = st.first_word < nt && (st.it[st.first_word].flags & LXF_CAP);
    mark_notation(&st);
    if (level_get(level)->prose_safe_rules) {
        drop_emphasis(&st);
        apply_rules(&st, env, prose_safe_rewrites, 0);
    }
    if (level_get(level)->prose_balanced_rules) {
        apply_rules(&st, env, prose_balanced_rewrites, 1);
        drop_articles(&st);
        drop_function_words(&st);
    }
    if (level_get(level)->prose_telegraphic) {
        prune_punctuation(&st);
        prune_stop_words(&st, q);
        /* not with a query: the model was trained without questions, and
         * under --query with a budget it cost answers (docs/benchmarks.md) */
        if (env->model && !q)
            prune_by_model(&st, env, doc, s, toks, start);
    }
    for (i = 0; i < nt; i++) {
        if (st.it[i].sym)
            st.it[i].drop = 0;
        any_drop |= st.it[i].drop;
    }
    if (any_drop && level_get(level)->prose_balanced_rules)
        tidy_commas(&st);
    /* a sentence left with punctuation only ("Really?" at balanced) goes */
    if (any_drop) {
        int words = 0;
        for (i = 0; i < nt && !words; i++)
            words = !st.it[i].drop && st.it[i].kind != LX_PUNCT;
        for (i = 0; i < nt && !words; i++)
            st.it[i].drop = 1;
    }
    /* the new first word takes the capital the sentence started with */
    first_kept = nt;
    for (i = 0; i < nt; i++)
        if (!st.it[i].drop) {
            first_kept = i;
            break;
        }
    for (i = 0; i < nt; i++) {
        const struct item *x = &st.it[i];
        if (x->drop) {
            /* a dropped item between two glued words keeps them apart */
            space |= (x->flags & LXF_SPACE) != 0 || x->kind == LX_PUNCT;
            continue;
        }
        if (!first && ((x->flags & LXF_SPACE) ||
                       (space && !(x->kind == LX_PUNCT && strchr(".,;:!?)]}", x->p[0])))))
            buf_addc(out, ' ');
        if (i == first_kept && st.cap_first && i != st.first_word && x->kind == LX_WORD &&
            !(x->flags & LXF_NEG) && x->p[0] >= 'a' && x->p[0] <= 'z') {
            buf_addc(out, (char)(x->p[0] - 32));
            buf_add(out, x->p + 1, x->len - 1);
        } else {
            buf_add(out, x->p, x->len);
        }
        first = 0;
        space = 0;
    }
    if (st.it != stack_items)
        free(st.it);
    prose_env_free(own);
}

/* ---- sentences ---------------------------------------------------------- */

/* Abbreviations after which a period does not end a sentence. Sorted. */
static const char *const abbrevs[] = {
    "al", "approx", "apr", "aug", "ave", "blvd", "ca", "cf", "co", "col", "corp", "dec",
    "dept", "dr", "est", "etc", "feb", "fig", "figs", "ft", "gen", "gov", "inc", "jan", "jr",
    "jul", "jun", "lt", "ltd", "mar", "mr", "mrs", "ms", "mt", "no", "nos", "nov", "oct", "op",
    "pp", "prof", "rev", "sen", "sep", "sept", "sgt", "sr", "st", "vol", "vols", "vs",
};

/* prose_sentences's callback, adapted to prose_sentences_lexed's. */
struct plain_cb {
    void (*fn)(void *arg, size_t start, size_t end);
    void *arg;
};

static void plain_sentence(void *arg, size_t start, size_t end, size_t tok_first, size_t tok_end)
{
    const struct plain_cb *c = arg;
    (void)tok_first;
    (void)tok_end;
    c->fn(c->arg, start, end);
}

void prose_sentences(const char *s, size_t n, void (*fn)(void *arg, size_t start, size_t end),
                     void *arg)
{
    struct lex_tok stack_toks[256];
    struct lex_tok *t = stack_toks;
    struct plain_cb c;
    size_t nt;
    if (n > 256) {
        t = malloc(n * sizeof *t);
        if (!t) {
            fn(arg, 0, n);
            return;
        }
    }
    nt = lex_text(s, n, t);
    c.fn = fn;
    c.arg = arg;
    prose_sentences_lexed(s, t, nt, plain_sentence, &c);
    if (t != stack_toks)
        free(t);
}

void prose_sentences_lexed(const char *s, const struct lex_tok *t, size_t nt,
                           void (*fn)(void *arg, size_t start, size_t end, size_t tok_first,
                                      size_t tok_end),
                           void *arg)
{
    size_t i, start, first = 0;
    if (nt == 0)
        return;
    start = t[0].start;
    for (i = 0; i < nt; i++) {
        char c;
        size_t j;
        if (t[i].kind != LX_PUNCT)
            continue;
        c = s[t[i].start];
        if (c != '.' && c != '!' && c != '?')
            continue;
        /* closing quotes and brackets belong to the sentence */
        j = i;
        while (j + 1 < nt && t[j + 1].kind == LX_PUNCT && !(t[j + 1].flags & LXF_SPACE) &&
               strchr(".!?)]\"'", s[t[j + 1].start]))
            j++;
        if (j + 1 >= nt || !(t[j + 1].flags & LXF_SPACE))
            continue;
        {
            const struct lex_tok *nx = &t[j + 1];
            unsigned char f = (unsigned char)s[nx->start];
            int starts = ((nx->kind == LX_WORD || nx->kind == LX_NAME) && (nx->flags & LXF_CAP)) ||
                         nx->kind == LX_NUMBER ||
                         nx->kind == LX_QUOTE || nx->kind == LX_CODE || f == '(' || f == '[' ||
                         f == '"' || f >= 0x80;
            if (!starts)
                continue;
        }
        if (c == '.' && i > 0 && t[i - 1].kind == LX_NAME && !(t[i].flags & LXF_SPACE) &&
            t[i - 1].len >= 2 && s[t[i - 1].start + t[i - 1].len - 2] == '.')
            continue; /* "e.g.", "i.e.", "U.S.": a dotted name whose last part is one letter */
        if (c == '.' && i > 0 && t[i - 1].kind == LX_WORD && !(t[i].flags & LXF_SPACE)) {
            const struct lex_tok *w = &t[i - 1];
            if (w->len == 1) /* an initial ("J. K.") */
                continue;
            if (in_list(abbrevs, sizeof abbrevs / sizeof *abbrevs, s + w->start, w->len))
                continue;
        }
        fn(arg, start, t[j].start + t[j].len, first, j + 1);
        start = t[j + 1].start;
        first = j + 1;
        i = j; /* the closing marks are consumed */
    }
    fn(arg, start, t[nt - 1].start + t[nt - 1].len, first, nt);
}
