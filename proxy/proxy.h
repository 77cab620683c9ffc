/* proxy.h - terse proxy: a compressing HTTP gateway for the OpenAI,
 * Anthropic and Gemini APIs (docs/proxy.md).
 *
 * Parts, each in a file named after it:
 *   config.c   settings: defaults, the config file, flags
 *   rewrite.c  the provider adapters: which strings of a request body are
 *              compressed, at which level, and the body written back
 *   cache.c    compressed texts by content hash: in process, and in Redis
 *   server.c   the HTTP server (libmicrohttpd, a few event-driven threads
 *              with suspended connections; threads that rewrite large
 *              bodies), streaming, headers, /healthz, /metrics, the log
 *   upstream.c the upstream client: one thread, one curl multi handle
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
    unsigned threads;          /* libmicrohttpd threads, and as many rewriting
                                  threads; 0 = one per core */
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

/* ---- the upstream client (upstream.c) ----------------------------------------- */

/* One thread that runs every request to the providers on one curl multi
 * handle, over epoll: connections to a provider are kept alive and shared by
 * all clients, and no thread waits for a provider. */
struct upstream;

/* One request to a provider and its response, shared by the client's
 * connection (a libmicrohttpd thread: "the client side") and the upstream
 * thread. Counted references: the client side holds one from transfer_new
 * to transfer_release, the upstream thread one while the request runs. */
struct transfer;

/* A response header, as upstream sent it. */
struct header {
    char *name, *value;
};

/* Starts the upstream thread; NULL with a message in err when it cannot
 * (out of memory, no epoll). The timeouts are in seconds; at most max_idle
 * connections to upstream are kept open between requests. */
struct upstream *upstream_new(unsigned upstream_timeout, unsigned connect_timeout,
                              unsigned max_idle, char *err, size_t err_len);
/* Ends every transfer that still runs (their clients get an error or see
 * their stream cut) and stops the thread; afterwards upstream_start refuses
 * and nothing waits on a transfer. Call it before stopping the HTTP server. */
void upstream_stop(struct upstream *u);
/* Frees u, after upstream_stop and after every transfer is released. */
void upstream_free(struct upstream *u);

/* Returns a new transfer of u, or NULL when out of memory. When it must
 * wait (transfer_wait_headers, transfer_read) the transfer calls suspend(arg)
 * with its lock held, and later, from the upstream thread, resume(arg) once
 * there is something new; the client side must not be freed in between
 * (a suspended libmicrohttpd connection is not). */
struct transfer *transfer_new(struct upstream *u, void (*suspend)(void *), void (*resume)(void *),
                              void *arg);
/* Adds a request header line ("Name: value", or "Name:" to stop curl from
 * sending one of its own); returns 0, or -1 when out of memory. */
int transfer_header(struct transfer *t, const char *line);
/* Sets what is sent: method, URL, and body[0..len), which the transfer
 * takes (malloc'd, or NULL when len is 0; freed with the transfer). */
void transfer_request(struct transfer *t, const char *method, const char *url, char *body,
                      size_t len);
/* Hands t to the upstream thread; returns 0, or -1 when the upstream is
 * stopping (the transfer never runs). */
int upstream_start(struct transfer *t);
/* Returns 1 when upstream's status and headers are in, or the transfer has
 * ended without them; otherwise suspends the client side (see transfer_new)
 * and returns 0. */
int transfer_wait_headers(struct transfer *t);

/* What a transfer has got, for the client side once transfer_wait_headers
 * said 1. */
struct transfer_info {
    int headers;                /* status and headers are in */
    long status;
    const struct header *h;     /* owned by the transfer */
    size_t n_h;
    int ended, ok;              /* the transfer is over; it ended well */
    int timed_out, stopped;     /* upstream-timeout passed; upstream_stop ended it */
    const char *error;          /* why it failed (curl's words) */
    double seconds;             /* from upstream_start to the headers (or the end) */
    size_t bytes;               /* of the response body received so far */
};
void transfer_get_info(struct transfer *t, struct transfer_info *info);

/* The whole response body, when the transfer ended well before any of it
 * was read: returns it (the caller frees it) with its length in *len, and
 * the transfer no longer has it; NULL otherwise. */
char *transfer_take_body(struct transfer *t, size_t *len);

#define TRANSFER_END (-1)   /* transfer_read: the body is complete */
#define TRANSFER_ERROR (-2) /* transfer_read: the transfer failed mid-body */
/* Copies up to max bytes of the response body that arrived into buf and
 * returns how many; 0 after suspending the client side (nothing yet);
 * TRANSFER_END or TRANSFER_ERROR at the end. Upstream is paused while more
 * than 256 KB wait for a slow client, and resumed when it catches up. */
long transfer_read(struct transfer *t, char *buf, size_t max);

/* The client side is done with t (answered, or gone): a transfer still
 * running is cancelled. t must not be used afterwards. */
void transfer_release(struct transfer *t);

/* ---- the program ----------------------------------------------------------- */

/* terse proxy ARGS...: argv[0] is "proxy". Returns the exit status. */
int proxy_main(int argc, char **argv);

#endif
