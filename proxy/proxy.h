/* proxy.h - terse proxy: a compressing HTTP gateway for the OpenAI,
 * Anthropic and Gemini APIs (docs/proxy.md).
 *
 * Parts, each in a file named after it:
 *   config.c   settings: defaults, the config file, flags
 *   rewrite.c  the provider adapters: which strings of a request body are
 *              compressed, at which level, and the body written back
 *   cache.c    compressed texts by content hash: in process, and in Redis
 *   server.c   the HTTP server (libmicrohttpd), the upstream client
 *              (libcurl), streaming, headers, /healthz, /metrics, the log
 *
 * The proxy uses the public API of include/terse.h, plus one internal part
 * of the library: the lossless JSON model of lib/common/json.h (with its
 * lib/common/buf.h), included by rewrite.c only, because a body must be
 * written back with every number, escape and key order as the client sent
 * them, and libterse does not export a JSON API.
 */
#ifndef TERSE_PROXY_H
#define TERSE_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "terse.h"

/* A level setting: a terse level, or PROXY_LEVEL_NONE (left as is). */
#define PROXY_LEVEL_NONE (-1)

enum proxy_provider { PROVIDER_OPENAI, PROVIDER_ANTHROPIC, PROVIDER_GEMINI, PROVIDER_OTHER };

/* What a route's body is; ROUTE_PASS bodies are forwarded untouched. */
enum proxy_route {
    ROUTE_PASS = 0,
    ROUTE_OPENAI_CHAT,      /* /v1/chat/completions */
    ROUTE_OPENAI_RESPONSES, /* /v1/responses */
    ROUTE_ANTHROPIC_MESSAGES, /* /v1/messages and /v1/messages/count_tokens */
    ROUTE_GEMINI_CONTENTS   /* /v1beta/models/M (or /v1/models/M):generateContent,
                               :streamGenerateContent, :countTokens */
};

struct proxy_config {
    char listen_host[256];
    unsigned listen_port;
    char openai_url[512], anthropic_url[512], gemini_url[512];
    int log;                 /* one line per request on stderr */
    int tool_level;          /* tool and function results; default SAFE */
    int user_level;          /* earlier user turns; default BALANCED */
    int assistant_level;     /* earlier assistant turns; default BALANCED */
    size_t min_size;         /* texts shorter than this many bytes are left as is */
    size_t budget;           /* context budget in tokens; 0 = none */
    size_t cache_mb;         /* in-process cache size */
    char redis[256];         /* HOST:PORT of a shared cache, or "" */
    unsigned redis_ttl;      /* seconds */
    size_t max_body;         /* bytes of a request body */
    size_t max_header;       /* bytes of a request's headers */
    unsigned client_timeout; /* seconds a client connection may stay idle */
    unsigned upstream_timeout; /* seconds without a byte from upstream */
    unsigned connect_timeout;  /* seconds to connect to upstream */
    unsigned max_connections;
};

/* Fills c with the defaults. */
void proxy_config_defaults(struct proxy_config *c);

/* Applies `key = value` lines of the file at path (docs/proxy.md); returns
 * 0, or -1 with a one-line message in err. */
int proxy_config_file(struct proxy_config *c, const char *path, char *err, size_t err_len);

/* Applies one setting by its name (a flag without "--", or a config file
 * key); returns 0, or -1 with a message in err. */
int proxy_config_set(struct proxy_config *c, const char *key, const char *value, char *err,
                     size_t err_len);

/* ---- cache ----------------------------------------------------------------- */

struct proxy_cache;

/* One compressed (or only counted) text. */
struct cache_entry {
    char *text;       /* NULL when the text is unchanged */
    size_t len;
    size_t tokens_in, tokens_out;
};

/* Returns a cache of at most max_bytes in process, backed by Redis at
 * redis ("HOST:PORT", or NULL/"" for none) with entries kept ttl seconds;
 * NULL when out of memory. Thread-safe. */
struct proxy_cache *cache_new(size_t max_bytes, const char *redis, unsigned ttl);
void cache_free(struct proxy_cache *c);

/* The key of a text under options: a 128-bit hash of both. */
struct cache_key {
    uint64_t h[2];
};
struct cache_key cache_key_of(const char *text, size_t len, const char *options);

/* Looks key up (in process, then Redis); on a hit fills *e with a copy that
 * the caller frees with free(e->text) and returns 1; 0 on a miss. */
int cache_get(struct proxy_cache *c, struct cache_key key, struct cache_entry *e);
/* Stores a copy of *e under key (in process, and in Redis when set). */
void cache_put(struct proxy_cache *c, struct cache_key key, const struct cache_entry *e);

struct cache_stats {
    uint64_t hits, misses, redis_hits, redis_errors, entries, bytes;
};
void cache_get_stats(struct proxy_cache *c, struct cache_stats *s);

/* ---- rewriting ------------------------------------------------------------- */

/* Returns the route of a request path (query string excluded) and, for
 * Gemini, the model named in it (into model[0..model_len)); the provider
 * is in *provider. */
int proxy_route_of(const char *path, int *provider, char *model, size_t model_len);

/* What a rewrite did. */
struct rewrite_stats {
    size_t tokens_before, tokens_after;
    size_t texts, compressed, cache_hits;
    size_t elided_messages, elided_tokens; /* by the context budget */
    char model[128];
};

/* Compressed contexts, made once from the settings and shared by every
 * thread. */
struct rewriter;
struct rewriter *rewriter_new(const struct proxy_config *cfg, struct proxy_cache *cache);
void rewriter_free(struct rewriter *rw);

/* Rewrites body[0..len) of a request on route. Returns
 *   0   *out is a new body (malloc'd, *out_len bytes) to send instead
 *   1   nothing to change: send the body as it is
 *  -1   the body is not valid JSON (or not UTF-8): err says what, for a 400
 *  -2   compression failed (out of memory, a library error): err says
 *       what; the caller sends the original body (fail-open)
 * model_hint names the model when the body does not (Gemini's path). */
int rewrite_request(struct rewriter *rw, int route, const char *model_hint, const char *body,
                    size_t len, char **out, size_t *out_len, struct rewrite_stats *st, char *err,
                    size_t err_len);

/* ---- the program ----------------------------------------------------------- */

/* terse proxy ARGS...: argv[0] is "proxy". Returns the exit status. */
int proxy_main(int argc, char **argv);

#endif
