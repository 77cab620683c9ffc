/* levels.h - what each compression level does, as one table: every
 * per-level parameter of the passes and of the pipeline (which rules run,
 * the limits of the sampled JSON forms, the level a part is written at) is
 * a column of level_table (levels.c), read by the code that applies it,
 * as zstd keeps all its level parameters in lib/compress/clevels.h.
 * docs/levels.md is the user's account of the same table.
 *
 *     const struct level_params *lp = level_get(level);
 *     if (lp->doc_duplicates) mark_duplicates(j, level);
 */
#ifndef TERSE_PASSES_LEVELS_H
#define TERSE_PASSES_LEVELS_H

#include <stddef.h>
#include <stdint.h>

#include "terse.h"

struct level_params {
    /* prose: one sentence (passes/prose.c) */
    uint8_t prose_safe_rules;     /* the safe phrase table, markdown emphasis */
    uint8_t prose_balanced_rules; /* the balanced phrase table, articles,
                                   * function words, tidied commas */
    uint8_t prose_telegraphic;    /* stop words and the punctuation of asides */

    /* documents (pipeline/prose_doc.c) */
    uint8_t doc_rules_dropped;    /* horizontal rules left out */
    uint8_t doc_duplicates;       /* exact duplicate sentences marked */
    uint8_t doc_near_duplicates;  /* near-duplicate sentences merged */
    uint8_t doc_query_wording;    /* with a query, the most relevant
                                   * segments are written at
                                   * LEVEL_WORDING instead */

    /* JSON, embedded JSON, logs, tool output (compress.c, json_pass.c,
     * prose_doc.c, log.c, tool.c) */
    uint8_t json_tabular;         /* the tabular encoding, not minified JSON */
    size_t tab_sample_rows;       /* a long table keeps this many rows; 0: all (lossless) */
    size_t tab_max_string;        /* longer strings cut with a marker; 0: none */
    uint8_t log_fold;             /* logs folded (lossless) */
    uint8_t log_error_context;    /* only the lines around errors and warnings kept */
    uint8_t tool_encode;          /* tool output encoded (lossless) */
    uint8_t tool_thin;            /* runs of alike lines thinned */

    /* code (passes/code*.c) */
    uint8_t code_license;         /* a license header replaced by a marker */
    uint8_t code_comments;        /* comments left out (tool comments kept) */
    uint8_t code_docstrings;      /* Python docstrings cut to their first line */
    uint8_t code_skeleton;        /* bodies and long members elided (max's skeleton) */

    /* chat (passes/chat.c) */
    uint8_t chat_repeats;         /* a repeated long message is a marker */
    uint8_t chat_small_talk;      /* greetings, thanks and praise left out */
    uint8_t chat_questions;       /* questions left out too */
    int chat_trimmed_level;       /* the level a message is compressed at
                                   * once its small talk is gone */

    /* memories (passes/memory.c) */
    uint8_t memory_merge;         /* duplicates and contradictions found */
    uint8_t memory_near;          /* near duplicates merged */
    uint8_t memory_subjects;      /* facts about one subject grouped */
    uint8_t memory_short_times;   /* time stamps shortened */
};

/* The highest level that keeps a sentence's wording (no telegraphic
 * pruning): the fuller form of a segment and the chat turns under a
 * budget, the relevant segments with a query at max, and the highest level
 * code is tried at under a budget before its bodies are elided. */
#define LEVEL_WORDING TERSE_LEVEL_BALANCED

/* The table, indexed by enum terse_level (levels.c). */
extern const struct level_params level_table[TERSE_LEVEL_MAX + 1];

/* The parameters of a level (a valid enum terse_level). */
static inline const struct level_params *level_get(int level)
{
    return &level_table[level];
}

#endif
