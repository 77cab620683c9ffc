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
    TERSE_ETOOBIG = 4, /* input too large for the operation */
    TERSE_EBUDGET = 5, /* the token budget cannot be met */
    TERSE_EFORMAT = 6  /* terse_expand: the text is not a valid encoding */
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

/* A place to cut text[0..len) for counting it in pieces (a stream, or an
 * input too large to hold): returns the largest p, 0 < p < len, such that
 * whatever text follows text[0..len), the tokens of text[0..p) and of the
 * rest, counted separately with the same flags, add up to the tokens of
 * the whole; or 0 when text[0..len) has no such place. The cuts are at
 * pre-tokenizer boundaries that no token, merge or normalization crosses
 * (after a line feed that follows a visible ASCII character and comes
 * before an ASCII letter or digit; before a space between two ASCII
 * letters; see docs/tokenizers.md). `terse count` reads
 * its input in pieces cut here, so its memory does not grow with it. */
TERSE_API size_t terse_count_cut(const terse_tokenizer *t, const char *text, size_t len, unsigned flags);

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


/* ---- compression --------------------------------------------------------- */

/* Levels: what may change (docs/levels.md has the full table).
 *   EXACT     whitespace and layout where it carries no meaning; JSON minified
 *   SAFE      + markdown decoration, exact duplicates, meaning-preserving
 *               phrase rewrites ("in order to" -> "to")
 *   BALANCED  + filler, hedges and articles removed, near duplicates merged
 *   MAX       + telegraphic pruning of low-information words
 * Numbers, negations, URLs, e-mail addresses, paths, code spans, quoted
 * strings and capitalized names in kept text survive at every level. */
enum terse_level {
    TERSE_LEVEL_EXACT = 0,
    TERSE_LEVEL_SAFE = 1,
    TERSE_LEVEL_BALANCED = 2,
    TERSE_LEVEL_MAX = 3
};

/* Content types. AUTO detects; CODE is compressed by its syntax tree for the
 * languages of terse_lang_name, JSON minified or written as tabular JSON,
 * LOG folded, MEMORY and CHAT keep their shape with each text compressed,
 * TOOL (terminal output) re-encoded losslessly (docs/tool-output.md);
 * docs/levels.md says what each type gets. */
enum terse_type {
    TERSE_TYPE_AUTO = 0,
    TERSE_TYPE_PROSE,
    TERSE_TYPE_CODE,
    TERSE_TYPE_JSON,
    TERSE_TYPE_LOG,
    TERSE_TYPE_MEMORY,
    TERSE_TYPE_CHAT,
    TERSE_TYPE_TOOL /* terminal output: listings, hits, diffs, git log, traces, test runs, builds */
};

/* Returns the name of a level ("balanced") or type ("prose"), or NULL. */
TERSE_API const char *terse_level_name(int level);
TERSE_API const char *terse_type_name(int type);
/* Parses a level or type name; returns -1 when unknown. */
TERSE_API int terse_level_parse(const char *name);
TERSE_API int terse_type_parse(const char *name);

/* Returns the name of the i-th language the code pass knows ("python",
 * "javascript", "typescript", "tsx", "c", "cpp", "go", "rust", "java", "json",
 * "bash"), or NULL past the last (static). */
TERSE_API const char *terse_lang_name(size_t i);
/* Returns the index (for terse_lang_name) of a language name or alias
 * ("py", "js", "c++", "sh", ...; case-insensitive), or -1 when unknown. */
TERSE_API int terse_lang_parse(const char *name);

/* ---- model backend ------------------------------------------------------- */

/* A model may rewrite the prose of a compression (docs/backend.md): the
 * input's prose is cut into chunks of at most about options.rewrite_tokens
 * tokens ending at sentence or block boundaries; the callback rewrites them
 * (the library itself never touches the network: the terse program gives it
 * an OpenAI-compatible HTTP client); every rewrite is checked and a rewrite
 * that fails a check is replaced by terse's own output for that chunk. Code,
 * JSON, logs, tables and headings keep terse's own passes. */
typedef struct terse_rewrite {
    const char *text;   /* in: the chunk, as in the input (UTF-8, not NUL-terminated) */
    size_t len;
    char *out;          /* out: the rewrite, allocated with malloc(); terse frees it.
                           Leave NULL when the call failed: terse keeps its own output */
    size_t out_len;
    double seconds;     /* out (optional): how long the call took */
    double cost;        /* out (optional): what it cost, in USD; < 0 when unknown */
    int cached;         /* out (optional): 1 when the rewrite came from a cache */
} terse_rewrite;

/* Rewrites chunks[0..n) (in any order, concurrently if it likes), filling
 * in each one's out fields. Returns TERSE_OK (a chunk it could not rewrite
 * just has out NULL), or a TERSE_E* status to fail the whole compression
 * with (TERSE_ENOMEM). Called at most once per terse_compress. */
typedef int (*terse_rewrite_fn)(void *user, terse_rewrite *chunks, size_t n);

/* Why a rewrite was turned down (terse_chunk.verdict). */
enum terse_verdict {
    TERSE_VERDICT_ACCEPTED = 0, /* the model's rewrite is in the output */
    TERSE_VERDICT_FAILED,       /* no rewrite: the call failed, timed out or was empty */
    TERSE_VERDICT_UTF8,         /* the rewrite is not valid UTF-8 */
    TERSE_VERDICT_NUMBER,       /* a number (or digit group) of the chunk is missing */
    TERSE_VERDICT_NEGATION,     /* a negation of the chunk is missing */
    TERSE_VERDICT_NAME,         /* a capitalized name of the chunk is missing */
    TERSE_VERDICT_IDENTIFIER,   /* a URL, path, e-mail address, code span or quoted string is missing */
    TERSE_VERDICT_NOVEL,        /* words the chunk does not contain or abbreviate */
    TERSE_VERDICT_LONGER,       /* not fewer tokens than terse's own output of the chunk */
    TERSE_VERDICT_COUNT
};

/* Returns the name of a verdict ("accepted", "number", ...) or NULL. */
TERSE_API const char *terse_verdict_name(int verdict);

/* One chunk of a compression with a rewrite callback. */
typedef struct terse_chunk {
    size_t start, len;    /* the chunk in the input as terse read it (UTF-16
                             converted, line endings normalized, invalid UTF-8
                             repaired), in bytes */
    int verdict;          /* enum terse_verdict */
    size_t tokens_terse;  /* tokens of terse's own output of the chunk */
    size_t tokens_model;  /* tokens of the rewrite (0 without one) */
    char missing[64];     /* number, negation, name, identifier: the first item of
                             the chunk the rewrite lacks (NUL-terminated; a long
                             one cut at a character boundary); else "" */
    double seconds, cost; /* as the callback reported them */
    int cached;
} terse_chunk;

/* Options of a compression. Initialize with terse_options_init(). */
typedef struct terse_options {
    int level;                         /* enum terse_level; default BALANCED */
    int type;                          /* enum terse_type; default AUTO */
    const terse_tokenizer *tokenizer;  /* default o200k */
    const char *query;                 /* relevance query, or NULL */
    size_t query_len;
    size_t budget;                     /* at most this many tokens; 0 = no budget */
    const char *name;                  /* the input's file name, or NULL: picks the
                                          language of code ("src/app.py"); copied */
    const char *lang;                  /* the language of code ("python", "c", ...;
                                          docs/levels.md lists them), or NULL to
                                          go by name or content; copied */
    size_t keep_recent;                /* chat: the last N messages or turns are left
                                          untouched; default 0, which keeps every
                                          message's output independent of later ones */
    int compress_system;               /* chat: compress the system prompt too (as prose
                                          at the level); default 0: kept as is */
    int compact;                       /* memory lists: one "- " line per memory or
                                          subject instead of the input's JSON shape
                                          (ids and scores left out); CLI: --json */
    int count_newline;                 /* the caller adds a line break after a text
                                          that does not end with one (the CLI does):
                                          the budget counts it; default 0 */
    terse_rewrite_fn rewrite;          /* a model backend, or NULL (the default): see
                                          terse_rewrite. Prose documents only, at level
                                          safe and up, without a budget (else
                                          TERSE_EINVAL); CLI: --backend URL */
    void *rewrite_user;                /* passed to rewrite */
    size_t rewrite_tokens;             /* chunk size in tokens; 0 = 512 */
    const void *word_model;            /* max: the word-importance model that chooses
                                          which words go beyond the rules, as the bytes
                                          of a model file made by `terse train`
                                          (docs/model-format.md), read and checked by
                                          terse_ctx_new (TERSE_EINVAL on a bad file:
                                          terse_word_model_check says why; not kept).
                                          NULL: the model built into the library.
                                          CLI: --word-model FILE */
    size_t word_model_len;
    int word_model_off;                /* 1: max by its rules alone, no model;
                                          CLI: --word-model none */
} terse_options;

/* Whether data[0..len) is a word-importance model file this library reads
 * (docs/model-format.md). Returns TERSE_OK, TERSE_EINVAL with *why (if not
 * NULL) set to a static one-line reason ("truncated (fewer weights than its
 * header says)", "checksum mismatch (the file is damaged)", "made by a
 * newer terse ..."), or TERSE_ENOMEM. */
TERSE_API int terse_word_model_check(const void *data, size_t len, const char **why);

TERSE_API void terse_options_init(terse_options *o);

/* A compression context: a copy of the options (the query is copied too).
 * Immutable once made, so one context may serve any number of threads. */
typedef struct terse_ctx terse_ctx;

/* Returns a new context, or NULL with *status set (TERSE_EINVAL for bad
 * options, TERSE_ENOMEM). Release with terse_ctx_free(). */
TERSE_API terse_ctx *terse_ctx_new(const terse_options *o, int *status);
TERSE_API void terse_ctx_free(terse_ctx *ctx);

/* The result of a compression. The text is owned by the result. */
typedef struct terse_result {
    char *text;               /* valid UTF-8, NUL-terminated */
    size_t len;
    size_t tokens_in;         /* tokens of the input, on the chosen tokenizer */
    size_t tokens_out;        /* tokens of text; never more than tokens_in */
    int level;                /* the level applied (with a budget: the one chosen) */
    int type;                 /* the content type compressed as */
    size_t segments;          /* sentences and blocks seen */
    size_t segments_dropped;  /* removed wholesale (budget), each run marked */
    size_t duplicates;        /* exact or near duplicates removed */
    size_t guard_fallbacks;   /* segments put back to a lower level by a guard */
    size_t min_tokens;        /* on TERSE_EBUDGET: the smallest budget that succeeds
                                 (one token less fails) */
    size_t parse_errors;      /* code: files (or fenced blocks) whose parse had errors,
                                 passed through unchanged */
    size_t elided;            /* code at max: function bodies, member lists, runs of
                                 macros, fields or overloads, and long values or types
                                 replaced by a marker */
    terse_chunk *chunks;      /* with a rewrite callback: the chunks sent, in input
                                 order (owned by the result), or NULL */
    size_t n_chunks;
    size_t rewritten;         /* chunks whose rewrite is in the output */
    size_t rejected[TERSE_VERDICT_COUNT]; /* chunks turned down, by verdict */
} terse_result;

/* Compresses text[0..len) into *r (which the caller releases with
 * terse_result_free). Returns TERSE_OK; TERSE_EBUDGET when the budget
 * cannot be met even with only the most relevant segment kept (r->min_tokens
 * says what would fit); TERSE_ENOMEM; TERSE_EINVAL; TERSE_ETOOBIG when len
 * is over 2 GiB - 1 (2^31 - 1 bytes: the document's offsets are 32-bit),
 * before anything is read. Deterministic: the same input and options give
 * the same bytes.
 *
 *     terse_options o;
 *     terse_options_init(&o);
 *     o.level = TERSE_LEVEL_MAX;
 *     terse_ctx *c = terse_ctx_new(&o, NULL);
 *     terse_result r;
 *     if (terse_compress(c, doc, doc_len, &r) == TERSE_OK) fwrite(r.text, 1, r.len, stdout);
 *     terse_result_free(&r);
 */
TERSE_API int terse_compress(const terse_ctx *ctx, const char *text, size_t len, terse_result *r);
TERSE_API void terse_result_free(terse_result *r);

/* ---- expansion ----------------------------------------------------------- */

/* Turns the lossless encodings that terse_compress writes back into what
 * they encode: tabular JSON (docs/tabular-json.md) into minified JSON, the
 * JSON Lines form into one minified value a line, a folded log into its
 * original lines, encoded tool output (docs/tool-output.md) into the
 * output. type is TERSE_TYPE_JSON, TERSE_TYPE_LOG, TERSE_TYPE_TOOL or
 * TERSE_TYPE_AUTO (a folded log, encoded tool output and JSON Lines are
 * recognized by their first line; anything else is read as tabular JSON,
 * which includes plain JSON, and failing that as terminal output that
 * terse_compress left unchanged, copied, when its detection reads the text
 * as tool output). With TERSE_TYPE_TOOL, a text that is not an encoding is
 * its own (copied unchanged). On success *out is a new NUL-terminated buffer of *out_len bytes,
 * released with terse_free(). Returns TERSE_OK; TERSE_EFORMAT when text is
 * not a valid encoding, with a one-line message ("line 3, column 7:
 * expected ':' after a key") in err[0..err_len) when err is not NULL;
 * TERSE_ENOMEM; TERSE_EINVAL.
 *
 * Sampled or cut values (the markers of levels balanced and max) expand to
 * what is left: the marker strings themselves. */
TERSE_API int terse_expand(const char *text, size_t len, int type, char **out, size_t *out_len,
                           char *err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif
