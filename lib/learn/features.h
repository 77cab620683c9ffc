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
#define LEARN_FEATURE_SET 5

/* At most this many features per word. */
#define LEARN_MAX_FEATURES 48

/* What the features need besides the sentence: the background frequency
 * list (the o200k vocabulary: a word that is one token, with its leading
 * space, early in the merge order is common) and the document the sentence
 * is in, for whether a word occurred before. Made once per call. */
struct learn_env;
struct learn_env *learn_env_new(void);
void learn_env_free(struct learn_env *e);

/* The words of a document and where each first occurs, so that a word can
 * be asked whether it occurred earlier (never later: a text's start is
 * compressed the same whatever follows it). Built over doc[0..n), which
 * must stay in place while it is used; NULL when memory runs out. */
struct learn_doc;
struct learn_doc *learn_doc_new(const char *doc, size_t n);
void learn_doc_free(struct learn_doc *d);

/* What learn_features computes once per sentence rather than once per
 * word, when it is asked about several words of one sentence: each token's
 * name hash and whether it is a stop word (filled in as they are first
 * needed), and the count of words before each token. The caller owns the
 * memory: learn_sent_size(nt) bytes, aligned as malloc aligns, for a
 * sentence of nt tokens. Optional: learn_features gives the same hashes
 * without it. */
struct learn_sent {
    size_t nt;
    uint64_t *name;       /* nt: a token's name hash, when known */
    unsigned char *known; /* nt: bit 1 name known, 2 stop word known, 4 a stop word */
    uint32_t *words;      /* nt + 1: tokens that are not punctuation in t[0..k) */
};
size_t learn_sent_size(size_t nt);
void learn_sent_init(struct learn_sent *c, void *mem, const struct lex_tok *t, size_t nt);
/* Tells c whether token j's name is a stop word (stop_word_is), when the
 * caller knows it already (the prose pass's word classes). */
void learn_sent_stop(struct learn_sent *c, size_t j, int stop);

/* Writes the 32-bit hashes of the features of word token t[i] of the
 * sentence t[0..nt) over s (from lex_text; t[i].kind must be LX_WORD) to
 * out (LEARN_MAX_FEATURES entries); returns how many. first is the index of
 * the sentence's first word (lex_sentence_start), which is also what the
 * prose pass treats as sentence-initial. d (or NULL: no document known)
 * is the document s lies in, e the frequency list, c (or NULL) the
 * sentence's memory from learn_sent_init over the same t[0..nt). A model
 * with 2^bits weights uses hash & (2^bits - 1). Pure: the same tokens give
 * the same hashes, with or without c. */
size_t learn_features(const struct learn_env *e, const struct learn_doc *d, const char *s,
                      const struct lex_tok *t, size_t nt, size_t i, size_t first, struct learn_sent *c,
                      uint32_t *out);

#endif
