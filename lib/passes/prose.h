/* prose.h - compression of natural-language text, one sentence at a time.
 *
 * The pipeline (lib/compress.c) cuts prose into blocks and sentences
 * (prose_sentences) and hands each sentence to prose_compress at the
 * chosen level. Rules per level are in docs/levels.md; the tables of
 * phrases and words are in prose_rules.c.
 */
#ifndef TERSE_PASSES_PROSE_H
#define TERSE_PASSES_PROSE_H

#include <stddef.h>

#include "../common/buf.h"

/* Query terms that `max` pruning must keep (lower-case words). */
struct prose_query {
    const char *const *words;
    const size_t *lens;
    size_t n;
};

/* An index of the word lists and phrase tables, so that each word is looked
 * up once. Built per compression call (there is no global state); NULL on
 * allocation failure. */
struct prose_env;
struct prose_env *prose_env_new(void);
void prose_env_free(struct prose_env *e);

/* Makes `max` drop words by the word-importance model m too (learn/model.h;
 * NULL: by its rules alone, the default of a new index). m must outlive e.
 * Returns TERSE_OK, or TERSE_ENOMEM when memory runs out. */
struct word_model;
int prose_env_use_model(struct prose_env *e, const struct word_model *m);

/* The model e drops words by, or NULL. */
const struct word_model *prose_env_model(const struct prose_env *e);

/* Appends the compressed form of the sentence s[0..n) at `level` (enum
 * terse_level) to out. Whitespace inside is collapsed to single spaces at
 * every level. Never drops a protected item (see lib/guard/guard.h): the
 * guard re-checks. env may be NULL (an index is then built for the call). */
void prose_compress(const char *s, size_t n, int level, const struct prose_query *q,
                    const struct prose_env *env, struct buf *out);

/* The same, with s already lexed by the caller (toks[0..nt) from lex_text),
 * and doc (or NULL) the words of the document s lies in (learn/features.h),
 * which the model asks whether a word occurred earlier. */
struct lex_tok;
struct learn_doc;
void prose_compress_lexed(const char *s, size_t n, const struct lex_tok *toks, size_t nt, int level,
                          const struct prose_query *q, const struct prose_env *env, const struct learn_doc *doc,
                          struct buf *out);

/* Calls fn(start, end) for each sentence of the paragraph s[0..n), in
 * order; the sentences cover s except the whitespace between them. */
void prose_sentences(const char *s, size_t n, void (*fn)(void *arg, size_t start, size_t end),
                     void *arg);

/* The same for a paragraph already lexed into t[0..nt) (lex_text(s, n)):
 * fn also gets the range of tokens [tok_first, tok_end) of each sentence,
 * so that the caller can reuse them instead of lexing the sentence again
 * (lexing a sentence alone gives the same tokens, except that the first
 * one has no LXF_SPACE or LXF_NL flag). */
struct lex_tok;
void prose_sentences_lexed(const char *s, const struct lex_tok *t, size_t nt,
                           void (*fn)(void *arg, size_t start, size_t end, size_t tok_first,
                                      size_t tok_end),
                           void *arg);

/* Whether word[0..len) (any case) is a common word, so that its capitalized
 * form at the start of a sentence is not a name: a stop word, a keep word,
 * a common sentence starter ("However"), or the first word of a phrase
 * rule. For guard_check. */
int prose_common_word(const char *word, size_t len);


#endif
