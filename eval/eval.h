/* eval.h - `terse eval`: data-set readers, fidelity metrics, reports, and
 * the model-judge clients with their response cache.
 *
 * This code is part of the terse program, not of the library: it reads
 * files, speaks HTTP (libcurl) and keeps a cache on disk (SQLite), none of
 * which the library may know about (DESIGN.md). It uses the library's
 * internal JSON model (lib/common/json.h), so the program links
 * build/libterse-internal.a.
 *
 * Ownership: every struct below owns the strings it points to; release a
 * set with eval_set_free().
 */
#ifndef TERSE_EVAL_EVAL_H
#define TERSE_EVAL_EVAL_H

#include <stddef.h>

#include "../lib/common/buf.h"

/* ---- data sets (dataset.c) ------------------------------------------- */

/* What the offline run checks for a data set (besides ratio and numbers). */
enum eval_set_kind {
    SET_QA,      /* answer retention of its questions */
    SET_KV,      /* + exact recall of the key/value UUIDs */
    SET_NUMBERS, /* gsm8k: the problem's numbers are what must survive */
    SET_SEED,    /* seed pairs: a reference compression to compare with */
    SET_JSON     /* toon-bench: JSON documents that must expand back unchanged */
};

struct eval_question {
    char *id;
    char *question;
    char **answers;     /* gold answers, as written */
    size_t n_answers;
    int offline;        /* counted by the offline answer-retention metrics */
    int free_form;      /* the judge path scores it with the LLM rubric */
    int numeric;        /* the gold answer is a number (gsm8k) */
};

struct eval_item {
    char *id;
    char *context;      /* the text that gets compressed */
    size_t context_len;
    struct eval_question *q;
    size_t nq;
    char *reference;    /* SET_SEED: the reference (LLM) compression */
    char *kv_key, *kv_value; /* SET_KV: the queried pair */
};

struct eval_set {
    char *name;
    int kind;           /* enum eval_set_kind */
    struct eval_item *items;
    size_t n;
};

/* The data directory when neither --data nor TERSE_DATA says:
 * ../shared/data if it exists, else ../../shared/data (a worktree). */
const char *eval_default_data(void);

/* The built-in data set names, in report order; NULL-terminated. */
extern const char *const eval_set_names[];

/* Loads a data set: one of eval_set_names (read from data_dir, laid out as
 * in ../shared/data) or a path to a JSON Lines file of
 * {"context","question","answers"} objects. At most limit items (0: all).
 * Returns 0, or -1 with a one-line reason in err (a missing file, a line
 * that is not JSON, a record without the fields the reader needs; the line
 * number is given). gzip files (.gz) are read through zlib. */
int eval_set_load(const char *name, const char *data_dir, size_t limit, struct eval_set *set, char *err,
                  size_t errlen);
void eval_set_free(struct eval_set *set);

/* Parses JSON Lines text of the generic form into set (appending items).
 * Shared by eval_set_load and the fuzz target. Same errors. */
int eval_jsonl_parse(const char *text, size_t len, size_t limit, struct eval_set *set, char *err,
                     size_t errlen);

/* Reads a whole file (gunzipped when its name ends in .gz) into a new
 * NUL-terminated buffer. Returns NULL with err set. */
char *eval_read_file(const char *path, size_t *len, char *err, size_t errlen);

/* ---- metrics (metrics.c) --------------------------------------------- */

/* SQuAD's normalize_answer as eval/quality.js implements it: lower case,
 * ASCII punctuation deleted, the words a/an/the replaced by a space,
 * whitespace collapsed to one space. Returns a new string (NULL: no
 * memory). */
char *eval_normalize(const char *s, size_t n);
/* The normalized answer is a substring of the normalized text. */
int eval_strict_kept(const char *norm_text, const char *norm_answer);
/* The non-stop words of the normalized answer occur, in order, as
 * substrings of the normalized text (stop words only: strict). */
int eval_content_kept(const char *norm_text, const char *norm_answer);
/* Exact match and token F1 (SQuAD) of a model reply against one gold
 * answer; both inputs raw. */
double eval_exact_match(const char *reply, const char *gold);
double eval_token_f1(const char *reply, const char *gold);
/* gsm8k: 1 when the last number of the reply equals gold (thousands
 * separators ignored). */
double eval_numeric_match(const char *reply, const char *gold);

/* The distinct numbers of s (regex \d[\d,]*(?:\.\d+)?, commas removed),
 * NUL-separated in out; returns how many. */
size_t eval_numbers(const char *s, size_t n, struct buf *out);
/* How many of the n NUL-separated numbers in nums are numbers of text. */
size_t eval_numbers_kept(const char *nums, size_t n, const char *text, size_t len);

/* ---- cache (cache.c) ------------------------------------------------- */

struct eval_cache;
/* Opens (creating it and its directory) the SQLite response cache at path.
 * Returns NULL with err set. */
struct eval_cache *eval_cache_open(const char *path, char *err, size_t errlen);
void eval_cache_close(struct eval_cache *c);
/* Looks key up: returns a new string (the stored reply) or NULL on a miss. */
char *eval_cache_get(struct eval_cache *c, const char *key, size_t key_len);
/* Stores the reply for key (committed at once, so an interrupted run keeps
 * it). Returns 0 or -1. */
int eval_cache_put(struct eval_cache *c, const char *key, size_t key_len, const char *reply);
/* The default cache path: $TERSE_CACHE, else $XDG_CACHE_HOME/terse/cache.sqlite,
 * else ~/.cache/terse/cache.sqlite. Written into out. */
void eval_cache_default_path(char *out, size_t outlen);

/* ---- keys (env.c) ---------------------------------------------------- */

/* Returns the value of an environment variable, or else of the same name
 * in the .env file loaded by eval_env_load, or NULL. Never printed. */
const char *eval_env(const char *name);
/* Reads KEY=VALUE lines of a .env file (missing file: fine unless
 * required). Returns 0 or -1 with err set. */
int eval_env_load(const char *path, int required, char *err, size_t errlen);

/* ---- providers and HTTP (provider.c, http.c) ------------------------- */

enum eval_provider { PROV_OPENAI, PROV_ANTHROPIC, PROV_GEMINI, PROV_COMPAT };

struct eval_model {
    char *spec;         /* as given: "anthropic:claude-haiku-4-5" */
    int provider;       /* enum eval_provider */
    char *name;         /* the model id sent to the provider */
    char *base_url;     /* without the endpoint path */
    const char *key_var;/* environment variable holding the key */
    double price_in, price_out; /* USD per million tokens; < 0: unknown */
};

/* Parses "provider:model", "compat:model=URL" or a bare model name whose
 * provider is inferred (gpt-/o1/o3/o4 → openai, claude → anthropic,
 * gemini/gemma → gemini). Returns 0, or -1 with err set. */
int eval_model_parse(const char *spec, struct eval_model *m, char *err, size_t errlen);
void eval_model_free(struct eval_model *m);

struct eval_params {
    int max_tokens;
    double temperature;
};

/* Appends the provider's request body for one user prompt. */
void eval_request_body(const struct eval_model *m, const struct eval_params *p, const char *prompt,
                       struct buf *out);
/* The request URL (endpoint included) into out. */
void eval_request_url(const struct eval_model *m, char *out, size_t outlen);
/* Extracts the reply text of a provider's 200 response. Returns a new
 * string, or NULL with a one-line reason in err (not JSON, no text, a
 * refusal/blocked candidate). */
char *eval_response_text(int provider, const char *body, size_t len, char *err, size_t errlen);

struct eval_http_opts {
    int retries;        /* attempts after the first */
    long backoff_ms;    /* first delay; doubles each retry; Retry-After wins */
    long timeout_s;
};

/* POSTs a request for model m with the given body; on 200, *reply is set
 * to the extracted text (caller frees). Retries on transport errors, 429
 * and 5xx with exponential backoff, honouring Retry-After. Returns 0, or
 * -1 with a one-line reason in err (the final status and the provider's
 * message; never the key). *calls counts the HTTP requests made. */
int eval_http_ask(const struct eval_model *m, const struct eval_http_opts *o, const char *body,
                  size_t body_len, char **reply, size_t *calls, char *err, size_t errlen);
/* POSTs a JSON body to url with the given extra headers (NULL-terminated);
 * same retries. On 200 the response body is returned in *resp. */
int eval_http_post(const char *url, const char *const *headers, const struct eval_http_opts *o,
                   const char *body, size_t body_len, struct buf *resp, size_t *calls, char *err,
                   size_t errlen);
void eval_http_global_init(void);
/* Extracts the provider's error message from an error body into err
 * (best effort: the raw start of the body when it is not JSON; http.c). */
void eval_response_error(const char *body, size_t len, char *err, size_t errlen);
/* A worker thread's connection: between begin and end, the thread's
 * requests share one libcurl handle and so reuse connections. */
void eval_http_thread_begin(void);
void eval_http_thread_end(void);

/* ---- model backend (backend.c): `terse compress --backend URL` -------- */

/* The seed project's instruction (its system prompt); the user message is
 * "Compress:\n" followed by the chunk. */
extern const char eval_backend_default_prompt[];

struct eval_backend_call {
    double seconds, cost;   /* cost < 0: unknown */
    int cached, ok;
    char err[200];          /* why the call failed (never the key) */
};

/* An OpenAI-compatible chat-completions client for terse_options.rewrite.
 * Set the fields, then eval_backend_open; pass eval_backend_rewrite and the
 * struct as the rewrite callback and its user pointer. */
struct eval_backend {
    const char *url;        /* base URL; "/chat/completions" is appended */
    const char *model;      /* sent as "model"; NULL: "default" */
    const char *prompt;     /* the system prompt; NULL: the seed's */
    const char *cache_path; /* SQLite cache, or NULL for none */
    int jobs;               /* concurrent requests (>= 1) */
    long timeout_s;
    int retries;
    long backoff_ms;
    int max_tokens;         /* the reply's cap */
    /* set by eval_backend_open and the calls */
    char endpoint[2048];
    const char *key;        /* TERSE_BACKEND_KEY: sent as a Bearer token, never printed */
    double price_in, price_out; /* USD per million tokens; < 0 unknown */
    struct eval_cache *cache;
    struct eval_backend_call *calls; /* one per chunk of the last rewrite */
    size_t n_calls, requests;
};

/* Opens the cache (if any) and reads the key. Returns 0, or -1 with err set. */
int eval_backend_open(struct eval_backend *b, char *err, size_t errlen);
void eval_backend_close(struct eval_backend *b);
/* The terse_rewrite_fn (include/terse.h): each chunk through the cache or
 * a request, b->jobs at a time. A failed call leaves the chunk's out NULL
 * and says why in b->calls[i].err. Returns TERSE_OK or TERSE_ENOMEM. */
struct terse_rewrite;
int eval_backend_rewrite(void *b, struct terse_rewrite *chunks, size_t n);
/* The request body for one chunk (temperature 0). */
void eval_backend_body(const struct eval_backend *b, const char *text, size_t len, struct buf *out);
/* The rewrite in a chat-completions response: choices[0].message.content
 * without a leading <think>...</think> block (Qwen3 and other reasoning
 * models). Returns a new string (length in *len), or NULL with a one-line
 * reason in err: not JSON, no content, or cut off (finish_reason "length").
 * *tokens_in and *tokens_out get the usage counts (or -1). */
char *eval_backend_reply(const char *body, size_t body_len, size_t *len, long *tokens_in, long *tokens_out,
                         char *err, size_t errlen);
/* USD per million tokens for a model name, from the list prices that
 * --dry-run uses; -1 when unknown (provider.c). */
void eval_model_price(const char *name, double *in, double *out);

/* ---- progress (progress.c) ------------------------------------------- */

struct eval_progress {
    int tty;
    double t0, last;
    size_t total, done;
    const char *label;
};
void eval_progress_start(struct eval_progress *p, const char *label, size_t total);
void eval_progress_step(struct eval_progress *p, size_t n);
void eval_progress_end(struct eval_progress *p);
double eval_now(void);

/* ---- reports (report.c) ------------------------------------------- */

/* Writes DIR/NAME.md and DIR/NAME.json (creating DIR). Returns 0 or -1
 * with err set. */
int eval_write_outputs(const char *dir, const char *name, const struct buf *md, const struct buf *json, char *err,
                       size_t errlen);

/* One point of a plot: x and y in percent. */
struct eval_point {
    double x, y;
    const char *label;
};
struct eval_series {
    const char *name;
    const struct eval_point *pts;
    size_t n;
};
/* Appends an SVG line plot (one polyline with labelled markers per series,
 * axes with ticks, a legend) to out. Written by hand: no plotting library. */
void eval_svg_plot(const char *title, const char *xlabel, const char *ylabel, const struct eval_series *s,
                   size_t n, struct buf *out);
/* Writes buf to path. Returns 0 or -1 with err set. */
int eval_write_file(const char *path, const struct buf *b, char *err, size_t errlen);

/* ---- commands ----------------------------------------------------------- */

/* The commands' shared pieces (cli.c). eval_split_list splits a comma
 * list in place into at most max non-empty strings and returns how many;
 * eval_error_line prints "terse: " + msg as one line on stderr (bad input:
 * no usage hint) and eval_usage_error "terse: " + fmt (with arg) + a pointer
 * to --help; both return 1, the exit status. eval_help prints the help of
 * `terse eval` on stdout and returns 0. */
int eval_split_list(char *s, char **out, int max);
/* Parses s, a number written in canonical form (digits only: no sign,
 * blank or leading zero), within [min, max] into *out; returns 0, or -1
 * for anything else (" 5", "+5", "05", "5k", out of range). */
int eval_parse_long(const char *s, long min, long max, long *out);
int eval_error_line(const char *msg);
int eval_usage_error(const char *fmt, const char *arg);
int eval_help(void);

/* `terse eval ...` (offline) and `terse eval judge ...`; argv[0] is
 * "eval". Returns the exit status. */
int eval_main(int argc, char **argv);
int eval_offline_main(int argc, char **argv);
int eval_judge_main(int argc, char **argv);
/* `terse count --exact`: asks Anthropic's count_tokens endpoint (cached).
 * Returns 0 with *count, or -1 with err set. */
int eval_count_exact(const char *model, const char *text, size_t len, size_t *count, char *err,
                     size_t errlen);

#endif
