/* terse.h - the public API of libterse, a semantic compression layer for
 * LLM inputs. This is the only header a user includes.
 *
 * Conventions:
 * - Functions that can fail return an int status: TERSE_OK (0) or a
 *   TERSE_E* code; terse_strerror() turns it into a message.
 * - Text is bytes plus a length (not NUL-terminated). Invalid UTF-8 is never
 *   an error: each maximal ill-formed subpart is read as U+FFFD, as the
 *   WHATWG decoder (browsers, Node, Python's 'replace') does.
 * - Memory that terse returns to the caller is released with terse_free().
 * - Objects marked "static" live as long as the process and must not be
 *   freed. Every function is reentrant and thread-safe; there is no global
 *   mutable state.
 */
#ifndef TERSE_H
#define TERSE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define TERSE_API __attribute__((visibility("default")))
#else
#define TERSE_API
#endif

#define TERSE_VERSION_MAJOR 0
#define TERSE_VERSION_MINOR 1
#define TERSE_VERSION_PATCH 0
#define TERSE_VERSION_STRING "0.1.0"

/* Returns the library's version string (static). */
TERSE_API const char *terse_version(void);

/* ---- status codes -------------------------------------------------------- */

enum {
    TERSE_OK = 0,
    TERSE_ENOMEM = 1,  /* an allocation failed */
    TERSE_EINVAL = 2,  /* a bad argument (NULL pointer, unknown flag) */
    TERSE_ERANGE = 3,  /* a token id outside the tokenizer's vocabulary */
    TERSE_ETOOBIG = 4  /* input too large for the operation */
};

/* Returns a one-line message for a status code (static). */
TERSE_API const char *terse_strerror(int status);

/* Releases memory returned by terse (NULL is fine). */
TERSE_API void terse_free(void *p);

/* ---- tokenizers ---------------------------------------------------------- */

/* An immutable tokenizer; every one is static and linked into the library
 * (vocabularies are embedded: loading costs nothing). */
typedef struct terse_tokenizer terse_tokenizer;

/* Returns the tokenizer called `name` ("o200k", "cl100k", "gemma3",
 * "claude", or the tiktoken names "o200k_base", "cl100k_base") or the one a
 * model uses ("gpt-4o", "gpt-4.1-mini", "gpt-5", "o3", "gpt-4",
 * "gpt-3.5-turbo", "gemini-2.5-pro", "gemma-3-27b", "claude-sonnet-4", ...),
 * or NULL when the name is unknown. Case-insensitive.
 *
 *     const terse_tokenizer *t = terse_tokenizer_find("gpt-4o");  // o200k
 */
TERSE_API const terse_tokenizer *terse_tokenizer_find(const char *name);

/* Returns the i-th built-in tokenizer (0, 1, ...) or NULL past the last. */
TERSE_API const terse_tokenizer *terse_tokenizer_at(size_t i);

/* Returns the tokenizer's canonical name, e.g. "o200k" (static). */
TERSE_API const char *terse_tokenizer_name(const terse_tokenizer *t);

/* Returns a one-line description: the models it serves and where its
 * vocabulary comes from (static). */
TERSE_API const char *terse_tokenizer_description(const terse_tokenizer *t);

/* Returns 1 when counts are exactly what the provider bills, 0 when they
 * are an estimate (claude: no public tokenizer exists for Claude 3 and
 * later; see docs/tokenizers.md for what the estimate is). */
TERSE_API int terse_tokenizer_is_exact(const terse_tokenizer *t);

/* Returns the number of token ids (the largest id + 1). */
TERSE_API uint32_t terse_tokenizer_vocab_size(const terse_tokenizer *t);

/* Encoding flag: recognize the tokenizer's special tokens (such as
 * "<|endoftext|>" or "<start_of_turn>") in the text and emit their ids.
 * Without it they are ordinary text, which is what an API does with user
 * content. */
#define TERSE_TOKENS_SPECIAL 1u

/* Counts the tokens of text[0..len) into *count without storing them
 * (memory use does not grow with the number of tokens). Returns TERSE_OK,
 * TERSE_ENOMEM, or TERSE_EINVAL for a NULL tokenizer/count or unknown flags.
 *
 *     size_t n;
 *     if (terse_count(t, buf, len, 0, &n) == TERSE_OK) printf("%zu\n", n);
 */
TERSE_API int terse_count(const terse_tokenizer *t, const char *text, size_t len, unsigned flags,
                size_t *count);

/* Encodes text[0..len) to token ids. On success *ids is a new array of
 * *n_ids ids (NULL when there are none) that the caller releases with
 * terse_free(). Same errors as terse_count. */
TERSE_API int terse_encode(const terse_tokenizer *t, const char *text, size_t len, unsigned flags,
                 uint32_t **ids, size_t *n_ids);

/* Decodes ids back to bytes: on success *text is a new NUL-terminated
 * buffer of *len bytes (the NUL not counted), released with terse_free().
 * decode(encode(x)) == x for valid UTF-8 x, except that gemma3 gives U+2581
 * ("▁", its space marker) back as a space and claude gives the NFKC form
 * of x. Gemma's <0xXX> byte tokens come back as raw bytes. Returns
 * TERSE_ERANGE for an id the vocabulary does not have. */
TERSE_API int terse_decode(const terse_tokenizer *t, const uint32_t *ids, size_t n_ids, char **text,
                 size_t *len);

#ifdef __cplusplus
}
#endif

#endif
