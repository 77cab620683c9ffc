/* features.h - what the word-importance model sees of a word: hashed
 * features of the word and its context in its sentence.
 *
 * Training (learn/train.c) and compression (passes/prose.c) both describe a
 * word through learn_features, so a model scores at run time exactly the
 * features it was trained on. The set of features is versioned
 * (LEARN_FEATURE_SET, stored in every model file, docs/model-format.md): a
 * change to this file that changes any feature value must bump it.
 */
#ifndef TERSE_LEARN_FEATURES_H
#define TERSE_LEARN_FEATURES_H

#include <stddef.h>
#include <stdint.h>

struct lex_tok;

/* The feature set this build computes (docs/model-format.md lists them). */
#define LEARN_FEATURE_SET 1

/* At most this many features per word. */
#define LEARN_MAX_FEATURES 24

/* Writes the 32-bit hashes of the features of word token t[i] of the
 * sentence t[0..nt) over s (from lex_text; t[i].kind must be LX_WORD) to
 * out (LEARN_MAX_FEATURES entries); returns how many. first is the index of
 * the sentence's first word (lex_sentence_start), which is also what the
 * prose pass treats as sentence-initial. A model with 2^bits weights uses
 * hash & (2^bits - 1). Pure: the same tokens give the same hashes. */
size_t learn_features(const char *s, const struct lex_tok *t, size_t nt, size_t i, size_t first,
                      uint32_t *out);

#endif
