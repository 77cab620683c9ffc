/* levels.c - the level table: every per-level parameter in one place; see
 * levels.h. Each level adds to the one before it (docs/levels.md), so a
 * switch once on stays on in the rows below. */
#include "levels.h"

/* clang-format off */
const struct level_params level_table[TERSE_LEVEL_MAX + 1] = {
    [TERSE_LEVEL_EXACT] = {
        .chat_trimmed_level = TERSE_LEVEL_EXACT,
    },
    [TERSE_LEVEL_SAFE] = {
        .prose_safe_rules = 1,
        .doc_rules_dropped = 1, .doc_duplicates = 1,
        .json_tabular = 1, .log_fold = 1, .tool_encode = 1,
        .code_license = 1,
        .chat_repeats = 1, .chat_trimmed_level = TERSE_LEVEL_SAFE,
        .memory_merge = 1,
    },
    [TERSE_LEVEL_BALANCED] = {
        .prose_safe_rules = 1, .prose_balanced_rules = 1,
        .doc_rules_dropped = 1, .doc_duplicates = 1, .doc_near_duplicates = 1,
        .json_tabular = 1, .tab_sample_rows = 30, .tab_max_string = 1000,
        .log_fold = 1, .tool_encode = 1, .tool_thin = 1,
        .code_license = 1, .code_comments = 1, .code_docstrings = 1,
        .chat_repeats = 1, .chat_small_talk = 1, .chat_trimmed_level = TERSE_LEVEL_MAX,
        .memory_merge = 1, .memory_near = 1, .memory_subjects = 1, .memory_short_times = 1,
    },
    [TERSE_LEVEL_MAX] = {
        .prose_safe_rules = 1, .prose_balanced_rules = 1, .prose_telegraphic = 1,
        .doc_rules_dropped = 1, .doc_duplicates = 1, .doc_near_duplicates = 1, .doc_query_wording = 1,
        .json_tabular = 1, .tab_sample_rows = 10, .tab_max_string = 200,
        .log_fold = 1, .log_error_context = 1, .tool_encode = 1, .tool_thin = 1,
        .code_license = 1, .code_comments = 1, .code_docstrings = 1, .code_skeleton = 1,
        .chat_repeats = 1, .chat_small_talk = 1, .chat_questions = 1, .chat_trimmed_level = TERSE_LEVEL_MAX,
        .memory_merge = 1, .memory_near = 1, .memory_subjects = 1, .memory_short_times = 1,
    },
};
/* clang-format on */
