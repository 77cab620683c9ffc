/* chat.h - compression of chat conversations: OpenAI and Anthropic
 * `messages`, Gemini `contents`, and plain `Speaker: text` transcripts.
 *
 * Only the text of messages is rewritten; roles, ids, tool calls, images
 * and every other field keep their values, so the output is a valid
 * request for the same API. Each message is compressed on its own and
 * never looks at later ones, so a conversation's prefix compresses to the
 * same bytes on every turn (docs/levels.md, "Chat").
 */
#ifndef TERSE_PASSES_CHAT_H
#define TERSE_PASSES_CHAT_H

#include <stddef.h>

#include "../common/buf.h"
#include "terse.h"

struct json_doc;

/* What chat_compress did, for terse_result. */
struct chat_stats {
    size_t segments; /* messages (JSON) or lines (transcript) seen */
    size_t dropped;  /* turns left out by the budget */
    size_t removed;  /* small-talk sentences removed */
    size_t repeats;  /* messages replaced by "[same as message N]" */
};

struct json_value;
struct pass_ctx;

/* Appends the compressed chat to out. The pass context's options give the
 * level, the tokenizer, keep_recent, and query and budget; its counter
 * counts, its piece callback compresses each message. A JSON input that is not
 * a known chat shape is read as a transcript. parsed is s[0..n) already
 * parsed as JSON (detection's document), or NULL to have s parsed here;
 * either way the call frees it. Returns TERSE_OK, TERSE_EBUDGET (with
 * *min_tokens set), or the status of a piece that failed (TERSE_ENOMEM). */
int chat_compress(const struct pass_ctx *pc, const char *s, size_t n, struct json_doc *parsed, struct buf *out,
                  struct chat_stats *st, size_t *min_tokens);

#endif
