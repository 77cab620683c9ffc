/* chat.c - chat conversations; see chat.h.
 *
 * A conversation becomes a list of units: the texts that may be rewritten
 * (a message's text, a text part or block, a tool result, one turn of a
 * transcript) and, for transcripts, the lines between turns. Each unit is
 * compressed on its own:
 *   - the system prompt (unless compress_system asks), and the last
 *     keep_recent messages, are left as they are;
 *   - a tool result goes through the pipeline (the pass context's piece
 *     callback, lib/passes/pass.h) with TERSE_TYPE_AUTO (JSON, code, logs,
 *     prose: whatever pass its content calls for);
 *   - other text first loses its small talk (from `balanced` up: sentences
 *     made only of greetings, thanks and praise, leading interjections),
 *     then goes through the prose passes (the piece callback with
 *     TERSE_TYPE_PROSE; old turns at `max` from `balanced` up);
 *   - a long message repeated from an earlier one becomes a marker that
 *     names it.
 * Nothing a unit does depends on later units, so the output of a prefix of
 * the conversation is a prefix of the output (cache-safe; with keep_recent,
 * up to the recent window). With a budget,
 * whole turns are chosen by relevance (lib/select/pick.c), and each run of
 * left-out turns becomes a marker.
 */
#include "chat.h"

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
#include "levels.h" /* level_get, LEVEL_WORDING */
#include "pass.h"
#include "prose.h"

#define MARKER "[…]"
#define MAX_NAMES 64

enum unit_kind {
    U_TEXT,  /* a message's text: small talk, then prose */
    U_TOOL,  /* a tool result: compressed as what it is */
    U_KEEP,  /* left as it is (system prompt) */
    U_OTHER  /* a transcript line that is not a turn (a header): prose */
};

struct unit {
    const struct json_value *v; /* JSON: the string rewritten */
    const char *src;            /* the text */
    size_t src_len;
    size_t prefix, prefix_len;  /* transcript: "Speaker: " (with any stamp), in doc */
    size_t speaker, speaker_len;
    int kind;
    size_t msg;                 /* message or turn index */
    int blank_before;           /* transcript: a blank line precedes */
    uint8_t header_kept;        /* transcript, with a budget: a header is written */
    size_t repeat;              /* an earlier unit with the same text, or (size_t)-1 */
    char *out;                  /* compressed text; NULL: unchanged */
    size_t out_len;
};

struct chat_job {
    const struct pass_ctx *pc;
    const terse_options *o;
    const char *doc;
    size_t n;
    int status;                   /* TERSE_OK, or the first failure (a piece's own, memory): stops the job */
    struct unit *u;
    size_t n_units, cap_units, n_msgs;
    struct pick_item *pick; /* with a budget: one per unit */
    struct byv *byv;        /* JSON: units by their value's address */
    struct lex_tok *tok;    /* lexer scratch for small talk */
    size_t tok_cap;
    struct chat_stats *st;
    struct buf scratch, out;
    int json;
    const struct json_value *root;
};

/* ---- small talk ----------------------------------------------------------- */

/* Words that greetings, thanks and praise are made of, sorted. A sentence
 * made only of these (and of a speaker's name) carries no fact. Nouns that
 * can carry one are left out ("I love my job." stays; "Good job!" too). */
static const char *const phatic_words[] = {
    "a", "again", "all", "am", "amazing", "an", "and", "appreciate", "appreciated", "are", "aw",
    "awesome", "aww", "be", "beautiful", "best", "bunch", "bye", "can", "care", "cheers",
    "congrats", "congratulations", "cool", "could", "cute", "do", "excited", "fantastic", "for",
    "fun", "get", "glad", "go", "going", "good", "goodbye", "gorgeous", "got", "great", "haha",
    "happy", "hear", "hello", "here", "hey", "hi", "hiya", "hmm", "hope", "how", "i", "i'm", "im",
    "incredible", "inspiring", "is", "it", "it's", "its", "keep", "kind", "later", "lol", "look",
    "looks", "lot", "love", "lovely", "luck", "me", "mean", "means", "much", "my", "neat", "nice",
    "of", "oh", "ok", "okay", "omg", "one", "perfect", "prob", "problem", "proud", "really", "rock",
    "see", "so", "soon", "sound", "sounds", "stunning", "super", "sweet", "take", "talk", "thank",
    "thanks", "that", "that's", "thats", "the", "there", "this", "to", "too", "totally", "up",
    "very", "wait", "was", "way", "well", "what", "whoa", "wish", "woah", "wonderful", "words",
    "worries", "wow", "yay", "you", "you're", "your", "youre",
};

/* Words that answer a question ("Yes."): small talk only when the turn
 * before did not ask one. */
static const char *const yes_words[] = {
    "absolutely", "agree", "agreed", "definitely", "exactly", "indeed", "right", "sure",
    "true", "yeah", "yep", "yes", "yup",
};

/* Interjections that may open a sentence and go with their comma. */
static const char *const interjections[] = {
    "aw", "aww", "haha", "hello", "hey", "hi", "hmm", "oh", "ok", "okay", "omg", "well", "whoa",
    "woah", "wow", "yay",
};

/* strcmp for short words, without a library call (the lists are looked up
 * for most words of a conversation). */
static int cmp_word(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

/* Whether the lower-case word low is in the sorted list. */
static int in_list(const char *const *list, size_t n, const char *low)
{
    while (n > 0) { /* the lists are sorted (byte order) */
        size_t mid = n / 2;
        int c = cmp_word(list[mid], low);
        if (c == 0)
            return 1;
        if (c < 0) {
            list += mid + 1;
            n -= mid + 1;
        } else {
            n = mid;
        }
    }
    return 0;
}

#define IN(list, low) in_list(list, sizeof list / sizeof list[0], low)

/* The speakers seen so far (their first words), for small talk such as
 * "Thanks, Mel!": a capitalized word is a speaker's name when it is one or
 * a prefix of at least 3 letters of one. */
struct names {
    const char *w[MAX_NAMES];
    size_t len[MAX_NAMES];
    size_t n;
};

/* Adds the first word of a speaker s[0..len) to nm (once; at most
 * MAX_NAMES, later ones are not names). */
static void names_add(struct names *nm, const char *s, size_t len)
{
    size_t i, k = 0;
    while (k < len && s[k] != ' ')
        k++;
    for (i = 0; i < nm->n; i++)
        if (nm->len[i] == k && memcmp(nm->w[i], s, k) == 0)
            return;
    if (nm->n < MAX_NAMES && k) {
        nm->w[nm->n] = s;
        nm->len[nm->n++] = k;
    }
}

/* Whether s[0..len) is a speaker's first word, or a prefix of at least 3
 * letters of one ("Mel" for "Melanie"). */
static int is_name(const struct names *nm, const char *s, size_t len)
{
    size_t i;
    for (i = 0; nm && i < nm->n; i++)
        if (nm->len[i] >= len && (len >= 3 || nm->len[i] == len) && memcmp(nm->w[i], s, len) == 0)
            return 1;
    return 0;
}

struct trim_ctx {
    const char *s;
    struct buf *out;
    const struct names *nm;
    struct lex_tok *t;
    int after_question, first, removed, questions;
};

/* Whether the sentence, lexed into t[0..k) over s, is small talk: every
 * word a phatic word or a speaker's name, no number, quote, code, URL or
 * path, no negation but in "no worries", "can't wait" and the like, and
 * at least one word. */
static int small_talk(const struct trim_ctx *c, int first, const char *s, const struct lex_tok *t, size_t k)
{
    size_t i, words = 0;
    char low[24];
    for (i = 0; i < k; i++) {
        const char *w = s + t[i].start;
        if (t[i].kind == LX_PUNCT)
            continue;
        if (t[i].kind != LX_WORD)
            return 0;
        /* a negation only in "no worries", "can't wait", "time no see" */
        if ((t[i].flags & LXF_NEG) &&
            !(i + 1 < k && t[i + 1].kind == LX_WORD &&
              (lex_word_is(s + t[i + 1].start, t[i + 1].len, "worries") ||
               lex_word_is(s + t[i + 1].start, t[i + 1].len, "prob") ||
               lex_word_is(s + t[i + 1].start, t[i + 1].len, "problem") ||
               lex_word_is(s + t[i + 1].start, t[i + 1].len, "wait") ||
               lex_word_is(s + t[i + 1].start, t[i + 1].len, "talk") ||
               lex_word_is(s + t[i + 1].start, t[i + 1].len, "see"))))
            return 0;
        if (t[i].flags & LXF_NEG) {
            words++;
            continue;
        }
        words++;
        if (word_lower(w, t[i].len, low, sizeof low)) {
            if (IN(phatic_words, low))
                continue;
            if (IN(yes_words, low) && !(first && c->after_question))
                continue;
        }
        if ((t[i].flags & LXF_CAP) && is_name(c->nm, w, t[i].len))
            continue;
        return 0;
    }
    return words > 0;
}

/* One sentence: dropped when it is small talk; otherwise without a leading
 * interjection and its comma ("Wow, ", and "Yeah, " unless it answers a
 * question). A name is never taken out of a sentence that stays ("Hey
 * Caroline, since ..." keeps "Caroline, since ..."): the guards protect
 * names in kept text, and addresses were worth 0.2% of locomo-dev's
 * tokens. */
static void on_trim_sentence(void *arg, size_t start, size_t end, size_t tok_first, size_t tok_end)
{
    struct trim_ctx *c = arg;
    const char *s = c->s; /* the line: token offsets are relative to it */
    size_t k = tok_end - tok_first, a = 0, from, to;
    const struct lex_tok *t = c->t + tok_first;
    int first = c->first;
    char low[24];
    (void)start;
    (void)end;
    c->first = 0;
    if (k == 0)
        return;
    if (small_talk(c, first, s, t, k) || (c->questions && t[k - 1].kind == LX_PUNCT && s[t[k - 1].start] == '?')) {
        c->removed++;
        return;
    }
    /* a leading interjection, with its comma or "!" when no name follows */
    if (k > 4 && t[0].kind == LX_WORD &&
        ((t[1].kind == LX_PUNCT && (s[t[1].start] == ',' || s[t[1].start] == '!')) || (t[1].flags & LXF_CAP)) &&
        word_lower(s + t[0].start, t[0].len, low, sizeof low) &&
        (IN(interjections, low) || (IN(yes_words, low) && !(first && c->after_question))))
        a = t[1].kind == LX_PUNCT ? 2 : 1;
    if (c->out->len && c->out->p[c->out->len - 1] != '\n')
        buf_addc(c->out, ' ');
    from = t[a].start;
    to = t[k - 1].start + t[k - 1].len;
    if (a && s[from] >= 'a' && s[from] <= 'z') {
        buf_addc(c->out, (char)(s[from] - 32));
        from++;
    }
    buf_add(c->out, s + from, to - from);
}

/* Whether text looks like markdown or code (fences, headings, tables,
 * indented blocks), where sentences are not small talk. */
static int structured(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        if (e > i && (s[i] == '#' || s[i] == '|' || s[i] == '`' || s[i] == '~' || s[i] == ' ' ||
                      s[i] == '\t' || s[i] == '>' || s[i] == '-' || s[i] == '*' || s[i] == '{' ||
                      s[i] == '['))
            return 1;
        i = e + 1;
    }
    return 0;
}

/* Appends s[0..n) without its small talk to out. Returns the number of
 * sentences removed. Line breaks are kept; each line is lexed once and cut
 * into sentences (prose_sentences_lexed). */
static int trim_small_talk(struct chat_job *j, const char *s, size_t n, const struct names *nm,
                           int after_question, int questions, struct buf *out)
{
    struct trim_ctx c;
    size_t i = 0;
    struct lex_tok *t;
    if (structured(s, n)) {
        buf_add(out, s, n);
        return 0;
    }
    if (n + 1 > j->tok_cap) {
        /* the lexer's scratch, kept for the next turn */
        t = realloc(j->tok, (n + 1) * sizeof *t);
        if (!t) {
            status_fail(&j->status, TERSE_ENOMEM);
            return 0;
        }
        j->tok = t;
        j->tok_cap = n + 1;
    }
    t = j->tok;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.out = out;
    c.nm = nm;
    c.t = t;
    c.after_question = after_question;
    c.first = 1;
    c.questions = questions;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        struct trim_ctx line = c;
        if (i > 0)
            buf_addc(out, '\n');
        line.s = s + i;
        /* lexed once: the sentence splitter and the small-talk test share it */
        prose_sentences_lexed(s + i, t, lex_text(s + i, e - i, t), on_trim_sentence, &line);
        c.first = line.first;
        c.removed = line.removed;
        i = e + 1;
    }
    return c.removed;
}

/* ---- compressing units ---------------------------------------------------- */

/* Compresses s[0..n) as a piece of the given type and level into u->out;
 * a failure stops the job, its status kept for chat_compress to return. */
static void run_piece(struct chat_job *j, int type, int level, struct unit *u, const char *s, size_t n)
{
    char *out;
    size_t len;
    int rc = pass_piece(j->pc, type, level, s, n, &out, &len);
    if (rc != TERSE_OK) {
        status_fail(&j->status, rc);
        return;
    }
    u->out = out;
    u->out_len = len;
}

/* Whether a unit's text ends with a question (for "Yes." after it). */
static int asks(const struct unit *u)
{
    size_t n = u->src_len;
    while (n && (u->src[n - 1] == ' ' || u->src[n - 1] == '\n' || u->src[n - 1] == '\t'))
        n--;
    return n && u->src[n - 1] == '?';
}

/* seen_first's equality: two units with the same text. */
static int same_src(const void *arg, size_t a, size_t b)
{
    const struct unit *x = &((const struct chat_job *)arg)->u[a], *y = &((const struct chat_job *)arg)->u[b];
    return x->src_len == y->src_len && memcmp(x->src, y->src, x->src_len) == 0;
}

/* Sets each unit's `repeat`: the first earlier unit (not a header, of an
 * earlier message) with the same text, when that text is at least 64
 * bytes; else (size_t)-1. A hash table of the texts seen, so a long
 * conversation costs one pass. Only earlier units count: what a message
 * becomes never depends on later ones. */
static void find_repeats(struct chat_job *j)
{
    struct seen texts;
    size_t i, first;
    if (seen_init(&texts, j->n_units) != TERSE_OK) {
        status_fail(&j->status, TERSE_ENOMEM);
        return;
    }
    for (i = 0; i < j->n_units; i++) {
        struct unit *u = &j->u[i];
        u->repeat = (size_t)-1;
        if (u->kind == U_OTHER || u->src_len < 64)
            continue;
        first = seen_first(&texts, hash_bytes(u->src, u->src_len), i, same_src, j);
        if (first != SEEN_NEW && j->u[first].msg < u->msg)
            u->repeat = first;
    }
    seen_free(&texts);
}

/* Compresses every unit at `level` (replacing earlier outputs). The text
 * of old turns, once its small talk is gone, is pruned telegraphically
 * from `balanced` up (the prose level `max`): measured on locomo-dev,
 * the prose level `balanced` gives 19% fewer tokens, `max` 45%, with the
 * same content retention (docs/benchmarks.md). */
static void compress_units(struct chat_job *j, int level)
{
    struct names nm;
    size_t i, recent = j->o->keep_recent;
    size_t first_recent = j->n_msgs > recent ? j->n_msgs - recent : 0;
    int after_question = 0, old = level_get(level)->chat_trimmed_level;
    nm.n = 0;
    j->st->removed = 0;
    j->st->repeats = 0;
    for (i = 0; i < j->n_units && !j->status; i++) {
        struct unit *u = &j->u[i];
        free(u->out);
        u->out = NULL;
        u->out_len = 0;
        if (u->speaker_len)
            names_add(&nm, j->doc + u->speaker, u->speaker_len);
        if ((u->kind == U_KEEP && !j->o->compress_system) || (u->kind != U_OTHER && u->msg >= first_recent)) {
            u->out = NULL; /* as it is */
        } else if (u->kind == U_KEEP) {
            run_piece(j, TERSE_TYPE_PROSE, level, u, u->src, u->src_len); /* instructions: wording kept */
        } else if (level_get(level)->chat_repeats && u->kind != U_OTHER && u->repeat != (size_t)-1) {
            /* the same long text as an earlier message (a tool result read
             * twice, a pasted document): a marker that names it */
            char note[64];
            int len = snprintf(note, sizeof note, "[same as message %zu]", j->u[u->repeat].msg + 1);
            u->out = malloc((size_t)len + 1);
            if (!u->out) {
                status_fail(&j->status, TERSE_ENOMEM);
                break;
            }
            memcpy(u->out, note, (size_t)len + 1);
            u->out_len = (size_t)len;
            j->st->repeats++;
        } else if (u->kind == U_TOOL) {
            run_piece(j, TERSE_TYPE_AUTO, level, u, u->src, u->src_len);
        } else if (u->kind == U_OTHER || !level_get(level)->chat_small_talk) {
            run_piece(j, TERSE_TYPE_PROSE, level, u, u->src, u->src_len);
        } else {
            int removed;
            j->scratch.len = 0;
            removed = trim_small_talk(j, u->src, u->src_len, &nm, after_question, level_get(level)->chat_questions,
                                      &j->scratch);
            if (!j->scratch.oom && j->scratch.len == 0 && j->json && level_get(level)->chat_questions) {
                /* every sentence was small talk or a question, and a JSON
                 * message keeps its text: keep what `balanced` keeps (its
                 * questions), not the whole text with its small talk. A
                 * higher level never keeps more. */
                j->scratch.len = 0;
                removed = trim_small_talk(j, u->src, u->src_len, &nm, after_question, 0, &j->scratch);
            }
            j->st->removed += (size_t)removed;
            if (j->scratch.oom)
                status_fail(&j->status, TERSE_ENOMEM);
            else if (j->scratch.len == 0 && !j->json) {
                u->out = malloc(1); /* all small talk: the turn goes */
                if (!u->out)
                    status_fail(&j->status, TERSE_ENOMEM);
                else
                    u->out[0] = 0;
                u->out_len = 0;
            } else if (j->scratch.len == 0) {
                run_piece(j, TERSE_TYPE_PROSE, level, u, u->src, u->src_len); /* a message keeps its text */
            } else {
                run_piece(j, TERSE_TYPE_PROSE, old, u, j->scratch.p, j->scratch.len);
                if (u->out && u->out_len == 0) {
                    /* pruned to nothing ("Yes."): keep its balanced form */
                    free(u->out);
                    u->out = NULL;
                    run_piece(j, TERSE_TYPE_PROSE, level, u, j->scratch.p, j->scratch.len);
                }
            }
        }
        if (u->kind != U_OTHER)
            after_question = asks(u);
    }
}

/* Appends a copy of x to the units; returns TERSE_OK or TERSE_ENOMEM
 * (also the job's status). */
static int add_unit(struct chat_job *j, const struct unit *x)
{
    if (j->n_units == j->cap_units) {
        size_t cap = j->cap_units ? j->cap_units * 2 : 64;
        struct unit *p = realloc(j->u, cap * sizeof *p);
        if (!p) {
            status_fail(&j->status, TERSE_ENOMEM);
            return TERSE_ENOMEM;
        }
        j->u = p;
        j->cap_units = cap;
    }
    j->u[j->n_units++] = *x;
    return TERSE_OK;
}

/* ---- transcripts ------------------------------------------------------------ */

/* Cuts a transcript into units: turns (a turn line and the lines that
 * follow it up to a blank line or the next turn) and other lines. */
static void parse_transcript(struct chat_job *j)
{
    const char *d = j->doc;
    size_t i = 0, n = j->n;
    int blank = 0, in_turn = 0;
    while (i < n && !j->status) {
        const char *nl = memchr(d + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - d) : n, t = e, sp = 0, spl = 0, p;
        struct unit u;
        while (t > i && (d[t - 1] == ' ' || d[t - 1] == '\t'))
            t--;
        if (t == i) {
            blank = 1;
            in_turn = 0;
            i = e + 1;
            continue;
        }
        if ((p = shape_turn_prefix(d + i, t - i, &sp, &spl)) != 0) {
            memset(&u, 0, sizeof u);
            u.kind = U_TEXT;
            u.prefix = i;
            u.prefix_len = p;
            u.speaker = i + sp;
            u.speaker_len = spl;
            u.src = d + i + p;
            u.src_len = t - i - p;
            u.msg = j->n_msgs++;
            u.blank_before = blank;
            add_unit(j, &u);
            in_turn = 1;
        } else if (in_turn) {
            /* a continuation line of the turn */
            struct unit *last = &j->u[j->n_units - 1];
            last->src_len = (size_t)(d + t - last->src);
        } else {
            memset(&u, 0, sizeof u);
            u.kind = U_OTHER;
            u.src = d + i;
            u.src_len = t - i;
            u.msg = j->n_msgs; /* belongs with the turns after it */
            u.blank_before = blank;
            add_unit(j, &u);
        }
        blank = 0;
        i = e + 1;
    }
}

/* Marks which header lines (U_OTHER) are written under a budget: one
 * whose section (up to the next header) has a kept turn, or has no turns
 * and comes before a kept header or the end. One pass from the end. */
static void mark_headers(struct chat_job *j)
{
    size_t i = j->n_units;
    int any_turn = 0, any_kept = 0, next = 1;
    while (i-- > 0) {
        struct unit *u = &j->u[i];
        if (u->kind != U_OTHER) {
            any_turn = 1;
            any_kept |= j->pick[i].keep;
            continue;
        }
        u->header_kept = (uint8_t)(any_turn ? any_kept : next);
        next = u->header_kept;
        any_turn = any_kept = 0;
    }
}

/* Writes the transcript: other lines, turns with their prefixes, one
 * blank line where the input had one or more, one marker line for each
 * run of turns left out by the budget. */
static void write_transcript(struct chat_job *j, struct buf *b)
{
    size_t i;
    int gap = 0, any = 0;
    if (j->pick)
        mark_headers(j);
    for (i = 0; i < j->n_units; i++) {
        const struct unit *u = &j->u[i];
        const char *text = u->out ? u->out : u->src;
        size_t len = u->out ? u->out_len : u->src_len;
        int kept = !j->pick || (u->kind == U_OTHER ? u->header_kept : j->pick[i].keep);
        if (u->kind != U_OTHER && u->out && len == 0)
            continue; /* all small talk */
        if (!kept) {
            if (u->kind == U_OTHER || gap)
                continue;
            gap = 1;
            if (any)
                buf_adds(b, u->blank_before ? "\n\n" : "\n");
            buf_adds(b, MARKER);
            any = 1;
            continue;
        }
        if (any)
            buf_adds(b, u->blank_before ? "\n\n" : "\n");
        gap = 0;
        any = 1;
        if (u->prefix_len) {
            buf_add(b, j->doc + u->prefix, u->prefix_len);
            /* "Conffiles:" whose text starts on the next line: the line
             * break went with the whitespace, a space keeps them apart */
            if (len && !strchr(" \t", j->doc[u->prefix + u->prefix_len - 1]) && !strchr(" \t\n", text[0]))
                buf_addc(b, ' ');
        }
        buf_add(b, text, len);
    }
}

/* ---- JSON messages --------------------------------------------------------------- */

/* Whether v is a JSON string whose decoded text is s. */
static int str_is(const struct json_value *v, const char *s)
{
    return v && v->kind == JSON_STRING && strcmp(v->str, s) == 0;
}

/* Adds the JSON string v (nothing when v is not a string) as a unit of
 * message msg. */
static void add_json_unit(struct chat_job *j, const struct json_value *v, int kind, size_t msg)
{
    struct unit u;
    /* a string with a lone surrogate escape (\uD800) has no decoded text
     * that holds it: it is no unit, and is written as it was */
    if (!v || v->kind != JSON_STRING || v->lone)
        return;
    memset(&u, 0, sizeof u);
    u.v = v;
    u.src = v->str;
    u.src_len = v->str_len;
    u.kind = kind;
    u.msg = msg;
    add_unit(j, &u);
}

/* The content of a message or tool result: a string, or an array of parts
 * or blocks. Text parts ("text", "input_text", "output_text") are
 * rewritten; a tool_result block's content is a tool result; every other
 * part (images, tool_use, thinking, documents) is left as it is. */
static void add_content(struct chat_job *j, const struct json_value *c, int kind, size_t msg)
{
    size_t i;
    if (!c)
        return;
    if (c->kind == JSON_STRING) {
        add_json_unit(j, c, kind, msg);
        return;
    }
    if (c->kind != JSON_ARRAY)
        return;
    for (i = 0; i < c->n; i++) {
        const struct json_value *p = &c->items[i], *type = json_get(p, "type");
        if (p->kind == JSON_STRING) {
            add_json_unit(j, p, kind, msg);
        } else if (str_is(type, "text") || str_is(type, "input_text") || str_is(type, "output_text")) {
            add_json_unit(j, json_get(p, "text"), kind, msg);
        } else if (str_is(type, "tool_result")) {
            add_content(j, json_get(p, "content"), kind == U_KEEP ? U_KEEP : U_TOOL, msg);
        }
    }
}

/* Makes the units of a JSON chat of the given shape (json_shape): the
 * system prompt, then each message's text parts and tool results, in
 * order. */
static void parse_json(struct chat_job *j, int shape, const struct json_value *msgs)
{
    size_t i, k;
    /* the top-level system prompt: Anthropic's `system` (a string or text
     * blocks), Gemini's `systemInstruction` parts */
    if (j->root->kind == JSON_OBJECT) {
        const struct json_value *si = json_get(j->root, "systemInstruction"), *parts;
        add_content(j, json_get(j->root, "system"), U_KEEP, 0);
        parts = si ? json_get(si, "parts") : NULL;
        for (k = 0; parts && parts->kind == JSON_ARRAY && k < parts->n; k++)
            add_json_unit(j, json_get(&parts->items[k], "text"), U_KEEP, 0);
    }
    for (i = 0; i < msgs->n && !j->status; i++) {
        const struct json_value *m = &msgs->items[i], *role = json_get(m, "role");
        if (shape == 2) {
            const struct json_value *parts = json_get(m, "parts");
            for (k = 0; parts && parts->kind == JSON_ARRAY && k < parts->n; k++) {
                const struct json_value *p = &parts->items[k];
                /* a thought or a signed part stays as it is */
                if (json_get(p, "thought") || json_get(p, "thoughtSignature") || json_get(p, "thought_signature"))
                    continue;
                add_json_unit(j, json_get(p, "text"), U_TEXT, j->n_msgs);
            }
        } else {
            int kind = U_TEXT;
            if (str_is(role, "system") || str_is(role, "developer"))
                kind = U_KEEP;
            else if (str_is(role, "tool") || str_is(role, "function"))
                kind = U_TOOL;
            add_content(j, json_get(m, "content"), kind, j->n_msgs);
        }
        j->n_msgs++;
    }
}

/* A unit's value and index, to find a unit from the value being written. */
struct byv {
    uintptr_t v;
    size_t i;
};

/* qsort and bsearch order of struct byv: by the value's address. */
static int by_value(const void *a, const void *b)
{
    uintptr_t x = ((const struct byv *)a)->v, y = ((const struct byv *)b)->v;
    return x < y ? -1 : x > y;
}

/* Writes v as minified JSON, with the strings of rewritten units replaced
 * (by a marker when the budget left the unit out). */
static void write_json(const struct chat_job *j, const struct json_value *v, struct buf *b)
{
    size_t i;
    if (v->kind == JSON_STRING) {
        struct byv key, *f;
        const struct unit *u = NULL;
        key.v = (uintptr_t)v;
        key.i = 0;
        f = bsearch(&key, j->byv, j->n_units, sizeof *j->byv, by_value);
        if (f)
            u = &j->u[f->i];
        if (u && j->pick && !j->pick[f->i].keep)
            json_write_string(MARKER, strlen(MARKER), b);
        else if (u && u->out)
            json_write_string(u->out, u->out_len, b);
        else
            json_write(v, b);
    } else if (v->kind == JSON_ARRAY) {
        buf_addc(b, '[');
        for (i = 0; i < v->n; i++) {
            if (i)
                buf_addc(b, ',');
            write_json(j, &v->items[i], b);
        }
        buf_addc(b, ']');
    } else if (v->kind == JSON_OBJECT) {
        buf_addc(b, '{');
        for (i = 0; i < v->n; i++) {
            if (i)
                buf_addc(b, ',');
            json_write(&v->keys[i], b);
            buf_addc(b, ':');
            write_json(j, &v->items[i], b);
        }
        buf_addc(b, '}');
    } else {
        json_write(v, b);
    }
}

/* ---- budget ------------------------------------------------------------------ */

/* Writes the whole output into b (emptied first), in the input's shape. */
static void write_all(struct chat_job *j, struct buf *b)
{
    b->len = 0;
    if (j->json)
        write_json(j, j->root, b);
    else
        write_transcript(j, b);
}

/* pick_measure for the budget: the exact tokens of the output with the
 * current keep flags, through the pass context's counter. */
static int measure(void *arg, size_t *tokens)
{
    struct chat_job *j = arg;
    write_all(j, &j->out);
    if (j->out.oom)
        return TERSE_ENOMEM;
    return pass_count(j->pc, j->out.p ? j->out.p : "", j->out.len, tokens);
}

/* Relevance of each unit: BM25 of its text against the query, plus a
 * quarter of its neighbours' (an answer sits next to the turn that names
 * what is asked); without a query, later turns first. Recent, kept and
 * header units are fixed or derived, not chosen. Returns TERSE_OK or the
 * failure's status. */
static int score_units(struct chat_job *j)
{
    /* BM25 (a transcript's turn with its speaker: "what did Jon say"),
     * half of the neighbours', later turns first on ties */
    static const struct relevance_rules turns = {
        .near = 0.5,
        .position = REL_POS_LATER,
    };
    size_t i, n = j->n_units, recent = j->o->keep_recent;
    size_t first_recent = j->n_msgs > recent ? j->n_msgs - recent : 0;
    double *sc = calloc(n + 1, sizeof *sc);
    struct relevance_item *it = calloc(n + 1, sizeof *it);
    int rc;
    if (!sc || !it) {
        free(sc);
        free(it);
        return TERSE_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        const struct unit *u = &j->u[i];
        it[i].s = u->prefix_len ? j->doc + u->prefix : u->src;
        it[i].n = u->kind == U_OTHER ? 0 : u->prefix_len + u->src_len;
    }
    rc = relevance_score(j->o->query, j->o->query_len, it, n, &turns, sc, NULL);
    for (i = 0; i < n && rc == TERSE_OK; i++) {
        struct unit *u = &j->u[i];
        struct pick_item *p = &j->pick[i];
        size_t t;
        p->fixed = u->kind == U_KEEP || u->kind == U_OTHER || u->msg >= first_recent;
        rc = pass_count(j->pc, u->out ? u->out : u->src, u->out ? u->out_len : u->src_len, &t);
        if (rc != TERSE_OK)
            break;
        p->tokens = t + (u->out && j->json ? 0 : 1);
        p->score = sc[i];
        if (u->kind == U_OTHER)
            p->keep = 0;
    }
    free(sc);
    free(it);
    return rc;
}

/* ---- entry points ---------------------------------------------------------------- */

int chat_compress(const struct pass_ctx *pc, const char *s, size_t n, struct json_doc *parsed, struct buf *out,
                  struct chat_stats *st, size_t *min_tokens)
{
    struct chat_job j;
    const terse_options *o = pc->o;
    struct json_doc *d = parsed;
    const struct json_value *msgs = NULL;
    int rc = TERSE_OK, shape = 0;
    size_t i;
    memset(&j, 0, sizeof j);
    memset(st, 0, sizeof *st);
    *min_tokens = 0;
    j.pc = pc;
    j.o = o;
    j.doc = s;
    j.n = n;
    j.st = st;
    for (i = 0; i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'); i++)
        ;
    if (!d && i < n && (s[i] == '{' || s[i] == '['))
        d = json_parse(s, n, NULL);
    if (d && (shape = shape_chat_messages(json_root(d), &msgs)) != 0) {
        j.json = 1;
        j.root = json_root(d);
        parse_json(&j, shape, msgs);
    } else {
        parse_transcript(&j);
    }
    if (j.status) {
        rc = j.status;
        goto done;
    }
    st->segments = j.n_units;
    find_repeats(&j);
    if (j.status) {
        rc = j.status;
        goto done;
    }
    if (j.json && !j.status) {
        j.byv = malloc((j.n_units + 1) * sizeof *j.byv);
        if (!j.byv) {
            rc = TERSE_ENOMEM;
            goto done;
        }
        for (i = 0; i < j.n_units; i++) {
            j.byv[i].v = (uintptr_t)j.u[i].v;
            j.byv[i].i = i;
        }
        qsort(j.byv, j.n_units, sizeof *j.byv, by_value);
    }
    if (!o->budget) {
        compress_units(&j, o->level);
    } else {
        /* the lowest level that fits; else whole turns by relevance, at
         * `balanced` at most: dropping questions (`max`) cost more evidence
         * turns than the room it made (docs/benchmarks.md) */
        int L, top = o->level < LEVEL_WORDING ? o->level : LEVEL_WORDING;
        size_t total = 0;
        for (L = TERSE_LEVEL_EXACT; L <= o->level && !j.status; L++) {
            compress_units(&j, L);
            if (j.status || (rc = measure(&j, &total)) != TERSE_OK)
                break;
            if (total <= o->budget)
                break;
        }
        if (j.status || rc != TERSE_OK) {
            rc = rc != TERSE_OK ? rc : j.status;
            goto done;
        }
        if (total > o->budget) {
            compress_units(&j, top);
            j.pick = calloc(j.n_units + 1, sizeof *j.pick);
            if (!j.pick) {
                rc = TERSE_ENOMEM;
                goto done;
            }
            if ((rc = score_units(&j)) != TERSE_OK)
                goto done;
            rc = pick_items(j.pick, j.n_units, o->budget, &pick_turns, measure, &j, min_tokens);
            if (rc != TERSE_OK)
                goto done;
            for (i = 0; i < j.n_units; i++)
                st->dropped += j.u[i].kind != U_OTHER && !j.pick[i].keep;
        }
    }
    if (j.status) {
        rc = j.status;
        goto done;
    }
    write_all(&j, out);
    if (out->oom)
        rc = TERSE_ENOMEM;
done:
    for (i = 0; i < j.n_units; i++)
        free(j.u[i].out);
    free(j.u);
    free(j.pick);
    free(j.byv);
    free(j.tok);
    buf_free(&j.scratch);
    buf_free(&j.out);
    json_doc_free(d);
    if (j.status)
        rc = j.status; /* the first failure (a piece's own), not replaced */
    return rc;
}
