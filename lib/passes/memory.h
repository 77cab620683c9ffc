/* memory.h - compression of agent memory lists: what mem0, Letta or Zep
 * hand a model as "what you remember about the user".
 *
 * Input shapes: a JSON array of strings, or of objects whose text is in
 * `memory`, `text`, `content` or `fact` (other fields such as `id`,
 * `user_id`, `score`, `created_at`, `updated_at`, `timestamp` are kept);
 * JSON Lines of such objects or strings; markdown or plain lists, one
 * memory per line. The output has the input's shape (docs/levels.md,
 * "Memories").
 */
#ifndef TERSE_PASSES_MEMORY_H
#define TERSE_PASSES_MEMORY_H

#include <stddef.h>

#include "../common/buf.h"
#include "terse.h"

struct json_doc;

struct json_value;
struct pass_ctx;

struct memory_stats {
    size_t entries;    /* memories read */
    size_t duplicates; /* exact and near duplicates merged away */
    size_t dropped;    /* left out by the budget */
};

/* Appends the compressed list to out (parsed: s[0..n) already parsed as
 * JSON, or NULL to have s parsed here; either way the call frees it):
 * duplicates merged, contradictions
 * kept newest first, facts about one subject grouped (text shapes and
 * arrays of strings), timestamps shortened, each text through the prose
 * passes (the pass context's piece callback); --query orders the entries by
 * relevance, --budget keeps the most relevant that fit (counted by the pass
 * context's counter). Returns TERSE_OK, TERSE_EBUDGET (*min_tokens set), or
 * the status of a count or a piece that failed (TERSE_ENOMEM). */
int memory_compress(const struct pass_ctx *pc, const char *s, size_t n, struct json_doc *parsed, struct buf *out,
                    struct memory_stats *st, size_t *min_tokens);

#endif
