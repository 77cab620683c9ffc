/* shape.c - the shapes of chats and memory lists, as detection sees them
 * and as the chat and memory passes read them; see shape.h.
 */
#include "shape.h"

#include <string.h>

#include "../common/json.h"
#include "../common/lex.h"

/* ---- chat ---- */

/* Whether c is an ASCII digit. */
static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of a time stamp and the blank after it at s[0..n): "[...] " (at
 * most 40 bytes inside), or a run of digits and date or time marks
 * ("2024-01-02 10:32", "10:32:05", "10:32 AM") followed by a blank and an
 * optional "- ". 0 when there is none. */
static size_t stamp_len(const char *s, size_t n)
{
    size_t i = 0;
    if (n > 2 && s[0] == '[') {
        while (i < n && i < 42 && s[i] != ']')
            i++;
        if (i >= n || s[i] != ']' || i + 1 >= n || s[i + 1] != ' ')
            return 0;
        return i + 2;
    }
    if (n < 5 || !is_digit(s[0]))
        return 0;
    while (i < n && (is_digit(s[i]) || s[i] == ':' || s[i] == '-' || s[i] == '/' || s[i] == '.' ||
                     s[i] == 'T' || s[i] == 'Z' || (s[i] == ' ' && i + 1 < n && is_digit(s[i + 1]))))
        i++;
    if (i + 1 < n && s[i] == ' ' && (memcmp(s + i, " AM", 3) == 0 || memcmp(s + i, " PM", 3) == 0 ||
                                     memcmp(s + i, " am", 3) == 0 || memcmp(s + i, " pm", 3) == 0))
        i += 3;
    if (i < 4 || i >= n || s[i] != ' ' || !memchr(s, ':', i))
        return 0;
    i++;
    if (i + 1 < n && s[i] == '-' && s[i + 1] == ' ')
        i += 2;
    return i;
}

/* If the line s[0..n) starts a turn, returns the length of its prefix
 * ("[10:32] Caroline: ") and sets the speaker's span; else 0. A speaker is
 * one to four words of letters, digits, '_', '-', '.' or '\'' (at most
 * 32 bytes) that starts with an upper-case letter or is a role (user,
 * assistant, system, human, ai, bot, model, tool), followed by ':' and a
 * blank or the end of the line. */
size_t shape_turn_prefix(const char *s, size_t n, size_t *sp, size_t *sp_len)
{
    size_t i = stamp_len(s, n), st = i, words = 1;
    if (i >= n)
        return 0;
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (unsigned char)s[i] >= 0xC3)) {
        size_t k = i;
        while (k < n && s[k] >= 'a' && s[k] <= 'z')
            k++;
        if (k >= n || s[k] != ':' ||
            !(lex_word_is(s + i, k - i, "user") || lex_word_is(s + i, k - i, "assistant") ||
              lex_word_is(s + i, k - i, "system") || lex_word_is(s + i, k - i, "human") ||
              lex_word_is(s + i, k - i, "ai") || lex_word_is(s + i, k - i, "bot") ||
              lex_word_is(s + i, k - i, "model") || lex_word_is(s + i, k - i, "tool")))
            return 0;
    }
    while (i < n && i - st <= 32) {
        char c = s[i];
        if (c == ':')
            break;
        if (c == ' ') {
            if (++words > 4 || i + 1 >= n || s[i + 1] == ' ' || s[i + 1] == ':')
                return 0;
        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
                     c == '-' || c == '.' || c == '\'' || (unsigned char)c >= 0x80)) {
            return 0;
        }
        i++;
    }
    if (i >= n || s[i] != ':' || i == st || i - st > 32 || (i + 1 < n && s[i + 1] != ' ' && s[i + 1] != '\t'))
        return 0;
    *sp = st;
    *sp_len = i - st;
    i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* Which JSON shape root is: 1 messages (OpenAI, Anthropic), 2 contents
 * (Gemini), 3 a bare array of messages; 0 none. The messages are put in
 * *msgs. */
int shape_chat_messages(const struct json_value *root, const struct json_value **msgs)
{
    const struct json_value *m;
    size_t i;
    int shape = 0;
    if (!root)
        return 0;
    if (root->kind == JSON_OBJECT && (m = json_get(root, "messages")) != NULL && m->kind == JSON_ARRAY)
        shape = 1;
    else if (root->kind == JSON_OBJECT && (m = json_get(root, "contents")) != NULL && m->kind == JSON_ARRAY)
        shape = 2;
    else if (root->kind == JSON_ARRAY && root->n > 0 && (m = root) != NULL)
        shape = 3;
    else
        return 0;
    for (i = 0; i < m->n; i++) {
        const struct json_value *x = &m->items[i];
        if (x->kind != JSON_OBJECT)
            return 0;
        if (shape == 2 ? !json_get(x, "parts") : !json_get(x, "role"))
            return 0;
    }
    *msgs = m;
    return shape;
}

/* See shape.h. */
int shape_chat_json(const struct json_value *root)
{
    const struct json_value *m;
    return shape_chat_messages(root, &m) != 0;
}

/* The first SPEAKERS distinct speakers (spans of the text) of a
 * transcript or of one of its paragraphs. */
#define SPEAKERS 16
struct speakers {
    size_t at[SPEAKERS], len[SPEAKERS], n;
};

/* The index of the speaker s[at..at+len) in sp, added if new and there
 * is room (*seen says whether it was there); SPEAKERS if neither. */
static size_t speaker_index(struct speakers *sp, const char *s, size_t at, size_t len, int *seen)
{
    size_t k;
    for (k = 0; k < sp->n && !(sp->len[k] == len && memcmp(s + sp->at[k], s + at, len) == 0); k++)
        ;
    *seen = k < sp->n;
    if (k == sp->n) {
        if (sp->n == SPEAKERS)
            return SPEAKERS;
        sp->at[k] = at;
        sp->len[sp->n++] = len;
    }
    return k;
}

/* See shape.h. */
int shape_transcript(const char *s, size_t n)
{
    /* speakers and their turns (the first 16 speakers): a conversation
     * has speakers who come back, "Status: done" lines do not. Records
     * (dpkg's status, a Debian control file, mail headers) have keys that
     * come back too, but once per paragraph, and three or more of them in
     * a paragraph; a conversation's speakers come back within a paragraph,
     * or it has a turn or two per paragraph. */
    struct speakers all = {{0}, {0}, 0}, par = {{0}, {0}, 0};
    size_t turns_of[SPEAKERS] = {0}, i, k, lines = 0, turns = 0, sp, spl, repeat = 0;
    size_t par_turns = 0, dense = 0, par_repeat = 0;
    int seen;
    for (i = 0; i < n && i < 65536;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        if (e > i) {
            lines++;
            if (shape_turn_prefix(s + i, e - i, &sp, &spl)) {
                turns++;
                k = speaker_index(&all, s, i + sp, spl, &seen);
                if (k < SPEAKERS && ++turns_of[k] == 2)
                    repeat++;
                speaker_index(&par, s, i + sp, spl, &seen);
                par_repeat += seen;
                if (++par_turns == 3)
                    dense++;
            }
        } else {
            par.n = par_turns = 0; /* a blank line ends the paragraph */
        }
        i = e + 1;
    }
    if (dense >= 2 && par_repeat == 0)
        return 0; /* records */
    return turns >= 3 && repeat >= 2 && turns * 2 > lines;
}

/* ---- memory lists ---- */

static const char *const text_keys[] = {"memory", "text", "content", "fact"};

/* The string member of an object that holds its memory text, or NULL. */
const struct json_value *shape_memory_text(const struct json_value *v)
{
    size_t i;
    if (v->kind == JSON_STRING)
        return v;
    if (v->kind != JSON_OBJECT || json_get(v, "role"))
        return NULL;
    for (i = 0; i < sizeof text_keys / sizeof text_keys[0]; i++) {
        const struct json_value *t = json_get(v, text_keys[i]);
        if (t && t->kind == JSON_STRING)
            return t;
    }
    return NULL;
}

/* See shape.h. */
int shape_memory_json(const struct json_value *root)
{
    size_t i;
    if (!root || root->kind != JSON_ARRAY || root->n == 0)
        return 0;
    for (i = 0; i < root->n; i++)
        if (!shape_memory_text(&root->items[i]) || root->items[i].kind != root->items[0].kind)
            return 0;
    return 1;
}

/* Length of a list marker and the blanks after it at s[0..n), or 0. */
size_t shape_list_marker(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '+') && (s[i + 1] == ' ' || s[i + 1] == '\t'))
        i += 2;
    else {
        size_t d = i;
        while (i < n && i - d < 9 && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d || i + 1 >= n || (s[i] != '.' && s[i] != ')') || (s[i + 1] != ' ' && s[i + 1] != '\t'))
            return 0;
        i += 2;
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* Whether a line of a text list is a memory (a list item, or any line that
 * is not a heading in a list without markers). */
int shape_heading_line(const char *s, size_t n)
{
    return n && (s[0] == '#' || (n > 1 && s[n - 1] == ':' && !shape_list_marker(s, n)));
}

/* See shape.h. */
int shape_memory_list(const char *s, size_t n)
{
    size_t i = 0, lines = 0, items = 0, users = 0, jsonl = 0;
    while (i < n && i < 65536) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, t = e, m, k;
        while (t > i && (s[t - 1] == ' ' || s[t - 1] == '\t'))
            t--;
        if (t > i) {
            lines++;
            if (s[i] == '{' || s[i] == '"') {
                struct json_doc *d = json_parse(s + i, t - i, NULL);
                jsonl += d && shape_memory_text(json_root(d)) != NULL;
                json_doc_free(d);
            } else if ((m = shape_list_marker(s + i, t - i)) != 0) {
                items++;
                for (k = i + m; k + 4 <= t; k++)
                    if (lex_word_is(s + k, 4, "user") && (k == i + m || s[k - 1] == ' ')) {
                        users++;
                        break;
                    }
                if (k + 4 > t && i + m + 4 <= t && s[i + m] >= '1' && s[i + m] <= '2' && s[i + m + 4] == '-')
                    users++; /* a date first */
                if (k + 4 > t && i + m < t && s[i + m] == '[')
                    users++;
            } else if (!shape_heading_line(s + i, t - i)) {
                return 0;
            }
        }
        i = e + 1;
    }
    if (jsonl >= 2 && jsonl == lines)
        return 1;
    return !jsonl && items >= 3 && users * 2 > items;
}
