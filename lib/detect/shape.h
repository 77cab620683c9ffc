/* shape.h - the shapes of chats and memory lists: what detection tests to
 * call an input a chat or a memory list, and what the chat and memory passes
 * read with the same rules (a speaker's turn, a list marker, the text of a
 * memory), so that detection and the passes cannot disagree.
 */
#ifndef TERSE_DETECT_SHAPE_H
#define TERSE_DETECT_SHAPE_H

#include <stddef.h>

struct json_value;

/* Returns 1 when a parsed JSON document is a chat: an object with a
 * `messages` array of objects that have a `role` (OpenAI, Anthropic), an
 * object with a `contents` array of objects that have `parts` (Gemini),
 * or a non-empty array of objects that have a `role`. Else 0. */
int shape_chat_json(const struct json_value *root);

/* Which JSON chat shape root is: 1 messages (OpenAI, Anthropic), 2
 * contents (Gemini), 3 a bare array of messages; 0 none. The messages are
 * put in *msgs. */
int shape_chat_messages(const struct json_value *root, const struct json_value **msgs);

/* Returns 1 when s[0..n) (valid UTF-8, LF line ends; the first 64 KiB are
 * read) is a transcript: at least three `Speaker: text` lines, with at
 * least two speakers who speak twice or more, that make up more than half
 * of its non-empty lines ("Status: done" and "Owner: Priya" lines are not a
 * conversation), and not records (two or more paragraphs of three or more
 * such lines, with no speaker twice in a paragraph: dpkg's status). */
int shape_transcript(const char *s, size_t n);

/* If the line s[0..n) starts a transcript turn, returns the length of its
 * prefix ("[10:32] Caroline: ") and sets the speaker's span; else 0. */
size_t shape_turn_prefix(const char *s, size_t n, size_t *sp, size_t *sp_len);

/* Returns 1 when a parsed JSON document is a memory list: a non-empty
 * array whose elements are all strings, or all objects with a string
 * `memory`, `text`, `content` or `fact` member and no `role` (that is a
 * chat). Else 0. */
int shape_memory_json(const struct json_value *root);

/* The string member of a JSON value that holds its memory text (the value
 * itself when it is a string), or NULL. */
const struct json_value *shape_memory_text(const struct json_value *v);

/* Returns 1 when s[0..n) is a memory list in text form: at least two
 * lines, each a JSON object or string with memory text (JSON Lines), or at
 * least three lines of which all but headings are list items ("- ", "* ",
 * "1. ") and most say "user" or start with a date. Else 0. */
int shape_memory_list(const char *s, size_t n);

/* Length of a list marker ("- ", "* ", "1. ", "2) ") and the blanks around
 * it at the start of s[0..n), or 0. */
size_t shape_list_marker(const char *s, size_t n);

/* Whether a line of a text memory list is a heading ("# Work", "Facts:"). */
int shape_heading_line(const char *s, size_t n);

#endif
