/* server.c - the proxy's HTTP side: libmicrohttpd serves clients on a few
 * event-driven threads (one per core by default, epoll), and the upstream
 * thread (upstream.c) talks to the providers.
 *
 * One request: the body is read (at most max-body bytes), rewritten by its
 * route's adapter (rewrite.c) on the libmicrohttpd thread (a body of
 * OFFLOAD_BYTES or more on a rewriting thread, the connection suspended
 * meanwhile), and handed to the upstream thread with the client's headers (keys included; hop-by-hop
 * headers left out); the client's connection is then suspended, so the
 * thread serves other clients meanwhile. When upstream's status and headers
 * are in, the upstream thread resumes the connection, they go to the client,
 * and the body follows chunk by chunk as curl hands it over: the content
 * reader copies what arrived and suspends the connection again when nothing
 * has, so server-sent events reach the client as they are sent. A response
 * that is complete by the time its headers go out is sent from one buffer.
 * Response bytes are never changed.
 *
 * Errors of the proxy's own (a JSON body {"error":{"type":"terse_proxy_error",
 * "message":...}}): 400 malformed JSON, 413 body too large, 502 upstream
 * unreachable, 503 the proxy is stopping, 504 upstream silent for
 * upstream-timeout seconds. A failed compression sends the original body
 * (fail-open) and is counted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "proxy.h"

/* ---- metrics ------------------------------------------------------------------- */

#define MAX_MODELS 128
#define N_PROVIDERS 4
static const char *const provider_names[N_PROVIDERS] = {"openai", "anthropic", "gemini", "other"};
/* status classes: [0] no response, [1] 1xx .. [5] 5xx */
static const char *const class_names[6] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

struct model_stats {
    int provider;
    char model[64];
    uint64_t requests, tokens_before, tokens_after;
};

struct metrics {
    pthread_mutex_t lock;
    uint64_t status[N_PROVIDERS][6]; /* by status class: [1] 1xx .. [5] 5xx, [0] no response */
    struct model_stats models[MAX_MODELS];
    size_t n_models;
    double compress_seconds, upstream_seconds;
    uint64_t compress_count, upstream_count;
    uint64_t fail_open, client_errors, upstream_errors, upstream_timeouts;
};

struct server {
    struct proxy_config cfg;
    struct proxy_cache *cache;
    struct rewriter *rw;
    struct metrics m;
    struct upstream *up;
    /* large bodies are rewritten on threads of their own (rewriting_thread) */
    pthread_mutex_t work_lock;
    pthread_cond_t work_cond;
    struct request *work_head, *work_tail;
    int work_stop;
    pthread_t *workers;
    unsigned n_workers;
};

/* Bodies from this size on are rewritten off the libmicrohttpd threads, so
 * that a long first rewriting (about 90 ms for 500 KB of new text) does not
 * hold that thread's other clients. */
#define OFFLOAD_BYTES (32 * 1024)

/* One client request, from its URI to the end of its response; the
 * con_cls of libmicrohttpd's callbacks. */
struct request {
    struct server *s;
    struct MHD_Connection *c;
    char *uri;                 /* as the client sent it, query included */
    char *body;
    size_t len, cap;
    int started, too_big, handled, waiting;
    char method[16];
    int route, provider;
    char model[128];
    double t_start, t_compress, t_headers;
    struct rewrite_stats st;
    int fail_open;
    size_t sent_len, resp_bytes;
    long status;
    struct transfer *t;        /* the request upstream, or NULL */
    /* the rewriting: its result, and the body to send instead (or NULL) */
    int rw_rc;                 /* 0 ok, -1 bad JSON (400, rw_err), -3 the proxy stops */
    char rw_err[256];
    char *send_body;
    size_t send_len;
    int offloaded, rewriting;  /* queued for a rewriting thread; not back yet (work_lock) */
    struct request *work_next;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count_model(struct server *s, int provider, const char *model, size_t before,
                        size_t after)
{
    struct metrics *m = &s->m;
    size_t i;
    char name[64];
    snprintf(name, sizeof(name), "%.63s", model[0] ? model : "unknown");
    pthread_mutex_lock(&m->lock);
    for (i = 0; i < m->n_models; i++)
        if (m->models[i].provider == provider && strcmp(m->models[i].model, name) == 0)
            break;
    if (i == m->n_models) {
        if (m->n_models == MAX_MODELS) { /* past the limit: one "other" row */
            snprintf(name, sizeof(name), "other");
            for (i = 0; i < m->n_models; i++)
                if (m->models[i].provider == provider && strcmp(m->models[i].model, name) == 0)
                    break;
            if (i == m->n_models)
                i = MAX_MODELS - 1;
        } else {
            m->n_models++;
        }
        if (strcmp(m->models[i].model, name) != 0) {
            m->models[i].provider = provider;
            memcpy(m->models[i].model, name, sizeof(name));
        }
    }
    m->models[i].requests++;
    m->models[i].tokens_before += before;
    m->models[i].tokens_after += after;
    pthread_mutex_unlock(&m->lock);
}

/* Writes a Prometheus label value: backslash, quote and newline escaped. */
static void label(FILE *f, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            fputc('\\', f);
        if (*v == '\n')
            fputs("\\n", f);
        else
            fputc(*v, f);
    }
}

static char *metrics_text(struct server *s, size_t *len)
{
    struct metrics *m = &s->m;
    struct cache_stats cs;
    char *p = NULL;
    FILE *f = open_memstream(&p, len);
    size_t i, k;
    if (!f)
        return NULL;
    cache_get_stats(s->cache, &cs);
    pthread_mutex_lock(&m->lock);
    fputs("# HELP terse_proxy_requests_total Requests answered, by provider and status class.\n"
          "# TYPE terse_proxy_requests_total counter\n", f);
    for (i = 0; i < N_PROVIDERS; i++)
        for (k = 0; k < 6; k++)
            if (m->status[i][k])
                fprintf(f, "terse_proxy_requests_total{provider=\"%s\",status=\"%s\"} %llu\n",
                        provider_names[i], class_names[k], (unsigned long long)m->status[i][k]);
    fputs("# HELP terse_proxy_model_requests_total Compressible requests, by provider and model.\n"
          "# TYPE terse_proxy_model_requests_total counter\n", f);
    for (i = 0; i < m->n_models; i++) {
        fprintf(f, "terse_proxy_model_requests_total{provider=\"%s\",model=\"",
                provider_names[m->models[i].provider]);
        label(f, m->models[i].model);
        fprintf(f, "\"} %llu\n", (unsigned long long)m->models[i].requests);
    }
    fputs("# HELP terse_proxy_tokens_before_total Tokens of the texts looked at, before compression.\n"
          "# TYPE terse_proxy_tokens_before_total counter\n", f);
    for (i = 0; i < m->n_models; i++) {
        fprintf(f, "terse_proxy_tokens_before_total{provider=\"%s\",model=\"",
                provider_names[m->models[i].provider]);
        label(f, m->models[i].model);
        fprintf(f, "\"} %llu\n", (unsigned long long)m->models[i].tokens_before);
    }
    fputs("# HELP terse_proxy_tokens_after_total Tokens of the same texts as sent upstream.\n"
          "# TYPE terse_proxy_tokens_after_total counter\n", f);
    for (i = 0; i < m->n_models; i++) {
        fprintf(f, "terse_proxy_tokens_after_total{provider=\"%s\",model=\"",
                provider_names[m->models[i].provider]);
        label(f, m->models[i].model);
        fprintf(f, "\"} %llu\n", (unsigned long long)m->models[i].tokens_after);
    }
    fprintf(f,
            "# HELP terse_proxy_compress_seconds Time spent rewriting request bodies.\n"
            "# TYPE terse_proxy_compress_seconds summary\n"
            "terse_proxy_compress_seconds_sum %.6f\nterse_proxy_compress_seconds_count %llu\n"
            "# HELP terse_proxy_upstream_seconds Time from sending upstream to its response headers.\n"
            "# TYPE terse_proxy_upstream_seconds summary\n"
            "terse_proxy_upstream_seconds_sum %.6f\nterse_proxy_upstream_seconds_count %llu\n"
            "# HELP terse_proxy_fail_open_total Requests sent uncompressed because compression failed.\n"
            "# TYPE terse_proxy_fail_open_total counter\nterse_proxy_fail_open_total %llu\n"
            "# HELP terse_proxy_errors_total Requests the proxy answered with an error of its own.\n"
            "# TYPE terse_proxy_errors_total counter\n"
            "terse_proxy_errors_total{kind=\"client\"} %llu\n"
            "terse_proxy_errors_total{kind=\"upstream\"} %llu\n"
            "terse_proxy_errors_total{kind=\"timeout\"} %llu\n"
            "# HELP terse_proxy_cache_lookups_total Cache lookups of texts, by result.\n"
            "# TYPE terse_proxy_cache_lookups_total counter\n"
            "terse_proxy_cache_lookups_total{result=\"hit\"} %llu\n"
            "terse_proxy_cache_lookups_total{result=\"miss\"} %llu\n"
            "terse_proxy_cache_lookups_total{result=\"redis_hit\"} %llu\n"
            "# HELP terse_proxy_redis_errors_total Failed Redis operations (treated as misses).\n"
            "# TYPE terse_proxy_redis_errors_total counter\nterse_proxy_redis_errors_total %llu\n"
            "# HELP terse_proxy_cache_entries Texts in the in-process cache.\n"
            "# TYPE terse_proxy_cache_entries gauge\nterse_proxy_cache_entries %llu\n"
            "# HELP terse_proxy_cache_bytes Bytes of the in-process cache.\n"
            "# TYPE terse_proxy_cache_bytes gauge\nterse_proxy_cache_bytes %llu\n",
            m->compress_seconds, (unsigned long long)m->compress_count, m->upstream_seconds,
            (unsigned long long)m->upstream_count, (unsigned long long)m->fail_open,
            (unsigned long long)m->client_errors, (unsigned long long)m->upstream_errors,
            (unsigned long long)m->upstream_timeouts, (unsigned long long)cs.hits,
            (unsigned long long)cs.misses, (unsigned long long)cs.redis_hits,
            (unsigned long long)cs.redis_errors, (unsigned long long)cs.entries,
            (unsigned long long)cs.bytes);
    pthread_mutex_unlock(&m->lock);
    if (fclose(f) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

/* ---- responses of the proxy's own ------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             const char *body, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result reply_error(struct request *r, struct MHD_Connection *c, unsigned status,
                                   const char *fmt, ...)
{
    char msg[512], body[1200];
    size_t i, o = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    o = (size_t)snprintf(body, sizeof(body),
                         "{\"error\":{\"type\":\"terse_proxy_error\",\"message\":\"terse proxy: ");
    for (i = 0; msg[i] && o < sizeof(body) - 16; i++) { /* JSON-escape the message */
        unsigned char ch = (unsigned char)msg[i];
        if (ch == '"' || ch == '\\')
            body[o++] = '\\', body[o++] = (char)ch;
        else if (ch < 0x20)
            o += (size_t)snprintf(body + o, 7, "\\u%04x", ch);
        else
            body[o++] = (char)ch;
    }
    o += (size_t)snprintf(body + o, sizeof(body) - o, "\"}}\n");
    if (r)
        r->status = status;
    return reply(c, status, "application/json", body, o);
}

static int hop_by_hop(const char *name)
{
    static const char *const hop[] = {"connection", "keep-alive", "proxy-connection",
                                      "transfer-encoding", "te", "trailer", "upgrade",
                                      "proxy-authorization", "proxy-authenticate", "expect",
                                      "content-length", "host", NULL};
    size_t i;
    for (i = 0; hop[i]; i++)
        if (strcasecmp(name, hop[i]) == 0)
            return 1;
    return 0;
}

static const char *base_url(const struct server *s, int provider)
{
    switch (provider) {
    case PROVIDER_ANTHROPIC: return s->cfg.anthropic_url;
    case PROVIDER_GEMINI: return s->cfg.gemini_url;
    default: return s->cfg.openai_url;
    }
}

/* ---- the response body ------------------------------------------------------------ */

/* ---- the request upstream ------------------------------------------------------------- */

struct hdr_walk {
    struct transfer *t;
    int has_accept, has_type, oom;
};

static enum MHD_Result add_req_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct hdr_walk *w = cls;
    char *line;
    size_t n;
    int rc;
    (void)kind;
    if (hop_by_hop(key))
        return MHD_YES;
    if (strcasecmp(key, "accept") == 0)
        w->has_accept = 1;
    if (strcasecmp(key, "content-type") == 0)
        w->has_type = 1;
    n = strlen(key) + strlen(value ? value : "") + 3;
    line = malloc(n);
    if (!line) {
        w->oom = 1;
        return MHD_NO;
    }
    /* an empty value is sent as "Key;" (curl's way to send "Key:") */
    if (value && value[0])
        snprintf(line, n, "%s: %s", key, value);
    else
        snprintf(line, n, "%s;", key);
    rc = transfer_header(w->t, line);
    free(line);
    if (rc != 0) {
        w->oom = 1;
        return MHD_NO;
    }
    return MHD_YES;
}


/* ---- the response body ------------------------------------------------------------ */

/* The transfer's suspend and resume: the client's connection waits,
 * without a thread, for upstream. */
static void suspend_client(void *cls)
{
    struct request *r = cls;
    MHD_suspend_connection(r->c);
}

static void resume_client(void *cls)
{
    struct request *r = cls;
    MHD_resume_connection(r->c);
}

static ssize_t read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct request *r = cls;
    long n = transfer_read(r->t, buf, max);
    (void)pos;
    if (n == TRANSFER_END)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (n == TRANSFER_ERROR)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    return (ssize_t)n; /* 0: suspended until more arrives */
}

/* ---- the request handler ------------------------------------------------------------ */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct request *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->s = cls;
    r->c = c;
    r->uri = strdup(uri);
    r->t_start = now_s();
    return r;
}

static void status_class(struct server *s, int provider, long status)
{
    int k = status >= 100 && status < 600 ? (int)(status / 100) : 0;
    pthread_mutex_lock(&s->m.lock);
    s->m.status[provider][k]++;
    pthread_mutex_unlock(&s->m.lock);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *s = cls;
    struct request *r = *con_cls;
    (void)c;
    if (!r)
        return;
    if (r->t) {
        struct transfer_info info;
        transfer_get_info(r->t, &info);
        r->resp_bytes = info.bytes;
        transfer_release(r->t); /* cancels it if it still runs */
        r->t = NULL;
    }
    if (r->handled) {
        status_class(s, r->provider, r->status);
        if (s->cfg.log) {
            const char *q = r->uri ? strchr(r->uri, '?') : NULL;
            int plen = r->uri ? (int)(q ? (size_t)(q - r->uri) : strlen(r->uri)) : 0;
            double end = now_s();
            fprintf(stderr,
                    "terse proxy: %s %.*s provider=%s model=%s status=%ld%s bytes_in=%zu "
                    "bytes_up=%zu bytes_out=%zu tokens_before=%zu tokens_after=%zu "
                    "texts=%zu compressed=%zu cache_hits=%zu compress_ms=%.3f upstream_ms=%.3f "
                    "total_ms=%.3f fail_open=%d\n",
                    r->method, plen, r->uri ? r->uri : "",
                    provider_names[r->provider], r->st.model[0] ? r->st.model : "-", r->status,
                    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (client or stream ended early)",
                    r->len, r->sent_len, r->resp_bytes, r->st.tokens_before, r->st.tokens_after,
                    r->st.texts, r->st.compressed, r->st.cache_hits, r->t_compress * 1000,
                    r->t_headers > 0 ? r->t_headers * 1000 : 0.0, (end - r->t_start) * 1000,
                    r->fail_open);
        }
    }
    free(r->send_body);
    free(r->body);
    free(r->uri);
    free(r);
    *con_cls = NULL;
}

/* Answers the client once its transfer has upstream's headers, or has
 * ended without them (an error of the proxy's own then). */
static enum MHD_Result answer(struct request *r, struct MHD_Connection *c)
{
    struct server *s = r->s;
    struct transfer_info info;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    long long clen = -1;
    char *whole = NULL;
    size_t whole_len = 0, i;
    r->waiting = 0;
    transfer_get_info(r->t, &info);
    r->t_headers = info.seconds;
    pthread_mutex_lock(&s->m.lock);
    s->m.upstream_seconds += info.seconds;
    s->m.upstream_count++;
    if (!info.headers && !info.stopped) {
        if (info.timed_out)
            s->m.upstream_timeouts++;
        else
            s->m.upstream_errors++;
    }
    pthread_mutex_unlock(&s->m.lock);
    if (!info.headers) {
        if (info.stopped)
            return reply_error(r, c, 503, "the proxy is stopping");
        if (info.timed_out)
            return reply_error(r, c, 504, "the upstream server sent nothing for %u seconds",
                               s->cfg.upstream_timeout);
        return reply_error(r, c, 502, "cannot reach the upstream server: %s", info.error);
    }
    r->status = info.status;
    for (i = 0; i < info.n_h; i++)
        if (strcasecmp(info.h[i].name, "content-length") == 0)
            clen = strtoll(info.h[i].value, NULL, 10);
    /* a response already complete goes out from one buffer */
    if (info.ended && info.ok && strcmp(r->method, "HEAD") != 0)
        whole = transfer_take_body(r->t, &whole_len);
    if (whole)
        resp = MHD_create_response_from_buffer(whole_len, whole, MHD_RESPMEM_MUST_FREE);
    else
        resp = MHD_create_response_from_callback(clen >= 0 ? (uint64_t)clen : MHD_SIZE_UNKNOWN,
                                                 16384, read_body, r, NULL);
    if (!resp) {
        free(whole);
        return MHD_NO;
    }
    for (i = 0; i < info.n_h; i++)
        if (!hop_by_hop(info.h[i].name))
            MHD_add_response_header(resp, info.h[i].name, info.h[i].value);
    if (r->route != ROUTE_PASS) {
        char v[32];
        snprintf(v, sizeof(v), "%zu", r->st.tokens_before);
        MHD_add_response_header(resp, "x-terse-tokens-before", v);
        snprintf(v, sizeof(v), "%zu", r->st.tokens_after);
        MHD_add_response_header(resp, "x-terse-tokens-after", v);
        if (r->st.elided_messages) {
            char el[96];
            snprintf(el, sizeof(el), "texts=%zu; tokens=%zu", r->st.elided_messages,
                     r->st.elided_tokens);
            MHD_add_response_header(resp, "x-terse-elided", el);
        }
        if (r->fail_open)
            MHD_add_response_header(resp, "x-terse-fail-open", "1");
    }
    ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Hands the request to the upstream thread and suspends the client's
 * connection; returns MHD_YES, or answers with an error at once. */
static enum MHD_Result start_upstream(struct request *r, struct MHD_Connection *c,
                                      char *send_body, size_t send_len)
{
    struct server *s = r->s;
    struct hdr_walk w = {0};
    char *url;
    size_t ulen;
    const char *base = base_url(s, r->provider);
    r->t = transfer_new(s->up, suspend_client, resume_client, r);
    if (!r->t) {
        free(send_body);
        return reply_error(r, c, 500, "out of memory");
    }
    if (!send_body) { /* the client's own body goes upstream: the transfer takes it */
        send_body = r->body;
        send_len = r->len;
        r->body = NULL;
        r->cap = 0;
    }
    r->sent_len = send_len;
    w.t = r->t;
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_req_header, &w);
    if (!w.has_accept && transfer_header(r->t, "Accept:") != 0) /* curl would add one */
        w.oom = 1;
    if (!w.has_type && transfer_header(r->t, "Content-Type:") != 0)
        w.oom = 1;
    if (transfer_header(r->t, "Expect:") != 0)
        w.oom = 1;
    ulen = strlen(base) + strlen(r->uri) + 1;
    url = malloc(ulen);
    if (w.oom || !url) {
        free(url);
        free(send_body);
        return reply_error(r, c, 500, "out of memory");
    }
    snprintf(url, ulen, "%s%s", base, r->uri);
    transfer_request(r->t, r->method, url, send_body, send_len);
    free(url); /* curl keeps its own copy */
    if (upstream_start(r->t) != 0)
        return reply_error(r, c, 503, "the proxy is stopping");
    r->waiting = 1;
    if (!transfer_wait_headers(r->t))
        return MHD_YES; /* suspended: called again when upstream answers */
    return answer(r, c);
}

/* Rewrites r's body by its route's adapter: sets r->send_body (NULL: send
 * the body as it is), r->st and r->rw_rc, and counts it. Thread-safe. */
static void rewrite_body(struct request *r)
{
    struct server *s = r->s;
    size_t out_len = 0;
    double t0 = now_s();
    int rc = rewrite_request(s->rw, r->route, r->model, r->body ? r->body : "", r->len,
                             &r->send_body, &out_len, &r->st, r->rw_err, sizeof(r->rw_err));
    r->t_compress = now_s() - t0;
    pthread_mutex_lock(&s->m.lock);
    s->m.compress_seconds += r->t_compress;
    s->m.compress_count++;
    if (rc == -1)
        s->m.client_errors++;
    if (rc == -2)
        s->m.fail_open++;
    pthread_mutex_unlock(&s->m.lock);
    r->rw_rc = rc == -1 ? -1 : 0;
    if (rc == -2) {
        r->fail_open = 1;
        free(r->send_body);
        r->send_body = NULL;
        memset(&r->st, 0, sizeof(r->st));
        if (s->cfg.log)
            fprintf(stderr, "terse proxy: compression failed, sending the original body: %s\n",
                    r->rw_err);
    } else if (rc >= 0) {
        if (rc == 0)
            r->send_len = out_len;
        count_model(s, r->provider, r->st.model, r->st.tokens_before, r->st.tokens_after);
    }
}

/* After the rewriting (or none): the error it found, or the request upstream. */
static enum MHD_Result after_rewrite(struct request *r, struct MHD_Connection *c)
{
    char *send_body = r->send_body;
    if (r->rw_rc == -1)
        return reply_error(r, c, 400, "%s", r->rw_err);
    if (r->rw_rc == -3)
        return reply_error(r, c, 503, "the proxy is stopping");
    r->send_body = NULL; /* start_upstream takes it */
    return start_upstream(r, c, send_body, r->send_len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct server *s = cls;
    struct request *r = *con_cls;
    (void)version;
    if (!r)
        return MHD_NO; /* on_uri ran out of memory */
    if (!r->uri)
        return MHD_NO;
    if (!r->started) {
        /* the first call: headers only */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        r->started = 1;
        snprintf(r->method, sizeof(r->method), "%s", method);
        r->route = proxy_route_of(url, &r->provider, r->model, sizeof(r->model));
        /* a declared length over max-body is answered 413 once the body
         * has been read and thrown away (below): answered at once, the
         * connection closed under a client still sending, which then saw a
         * broken pipe instead of the 413 */
        if (cl && strtoull(cl, NULL, 10) > s->cfg.max_body)
            r->too_big = 1;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->too_big || r->handled)
            return MHD_YES;
        if (r->len + n > s->cfg.max_body) {
            r->too_big = 1;
            return MHD_YES;
        }
        if (r->len + n + 1 > r->cap) {
            size_t nc = r->cap < 8192 ? 8192 : r->cap;
            char *nb;
            while (nc < r->len + n + 1)
                nc *= 2;
            nb = realloc(r->body, nc);
            if (!nb)
                return MHD_NO;
            r->body = nb;
            r->cap = nc;
        }
        memcpy(r->body + r->len, upload_data, n);
        r->len += n;
        return MHD_YES;
    }
    if (r->offloaded) { /* resumed by a rewriting thread */
        int busy;
        pthread_mutex_lock(&s->work_lock);
        busy = r->rewriting;
        pthread_mutex_unlock(&s->work_lock);
        if (busy)
            return MHD_YES; /* cannot happen: only the rewriting thread resumes it */
        r->offloaded = 0;
        return after_rewrite(r, c);
    }
    if (r->waiting) { /* resumed: upstream has answered, or the transfer has ended */
        if (!transfer_wait_headers(r->t))
            return MHD_YES;
        return answer(r, c);
    }
    if (r->handled)
        return MHD_YES;
    r->handled = 1;
    if (r->too_big) {
        pthread_mutex_lock(&s->m.lock);
        s->m.client_errors++;
        pthread_mutex_unlock(&s->m.lock);
        return reply_error(r, c, 413, "the request body is larger than max-body (%zu bytes)",
                           s->cfg.max_body);
    }
    if (strcmp(url, "/healthz") == 0) {
        r->status = 200;
        return reply(c, 200, "text/plain", "ok\n", 3);
    }
    if (strcmp(url, "/metrics") == 0) {
        size_t len;
        char *text = metrics_text(s, &len);
        enum MHD_Result ret;
        if (!text)
            return reply_error(r, c, 500, "out of memory");
        r->status = 200;
        ret = reply(c, 200, "text/plain; version=0.0.4", text, len);
        free(text);
        return ret;
    }
    {
        /* a compressed request body (Content-Encoding: gzip, ...) is not read:
         * it goes upstream as it came */
        const char *ce = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Encoding");
        if (ce && strcasecmp(ce, "identity") != 0)
            r->route = ROUTE_PASS;
    }
    if (r->route != ROUTE_PASS && strcmp(method, "POST") == 0) {
        if (r->len >= OFFLOAD_BYTES) { /* rewritten on a rewriting thread */
            int queued = 0;
            pthread_mutex_lock(&s->work_lock);
            if (!s->work_stop) {
                queued = r->rewriting = r->offloaded = 1;
                MHD_suspend_connection(c);
                r->work_next = NULL;
                if (s->work_tail)
                    s->work_tail->work_next = r;
                else
                    s->work_head = r;
                s->work_tail = r;
                pthread_cond_signal(&s->work_cond);
            }
            pthread_mutex_unlock(&s->work_lock);
            if (queued)
                return MHD_YES; /* called again when the body is rewritten */
            return reply_error(r, c, 503, "the proxy is stopping");
        }
        rewrite_body(r);
    }
    return after_rewrite(r, c);
}

/* The rewriting threads: they take requests whose body is large from the
 * queue, rewrite them and resume their client's connection. Once the server
 * stops, what is still queued is resumed unrewritten (503). */
static void *rewriting_thread(void *cls)
{
    struct server *s = cls;
    for (;;) {
        struct request *r;
        int stop;
        pthread_mutex_lock(&s->work_lock);
        while (!s->work_head && !s->work_stop)
            pthread_cond_wait(&s->work_cond, &s->work_lock);
        r = s->work_head;
        stop = s->work_stop;
        if (r) {
            s->work_head = r->work_next;
            if (!s->work_head)
                s->work_tail = NULL;
        }
        pthread_mutex_unlock(&s->work_lock);
        if (!r)
            break;
        if (stop)
            r->rw_rc = -3;
        else
            rewrite_body(r);
        pthread_mutex_lock(&s->work_lock);
        r->rewriting = 0;
        pthread_mutex_unlock(&s->work_lock);
        MHD_resume_connection(r->c);
    }
    return NULL;
}

/* Stops the rewriting threads (what is queued is resumed unrewritten), and
 * frees what they used; new large bodies get 503 from then on. */
static void stop_rewriting(struct server *s)
{
    unsigned i;
    pthread_mutex_lock(&s->work_lock);
    s->work_stop = 1;
    pthread_cond_broadcast(&s->work_cond);
    pthread_mutex_unlock(&s->work_lock);
    for (i = 0; i < s->n_workers; i++)
        pthread_join(s->workers[i], NULL);
    s->n_workers = 0;
    free(s->workers);
    s->workers = NULL;
}

/* ---- the program -------------------------------------------------------------------- */

static const char usage[] =
    "usage: terse proxy [--listen HOST:PORT] [--openai-url URL] [--anthropic-url URL]\n"
    "                   [--gemini-url URL] [--config FILE] [--log] [--SETTING VALUE ...]\n"
    "A compressing gateway for the OpenAI, Anthropic and Gemini APIs; point an SDK's\n"
    "base URL at it. Settings (docs/proxy.md), as flags or `key = value` lines of FILE:\n"
    "  listen HOST:PORT         where to listen (127.0.0.1:8787; port 0 picks one)\n"
    "  openai-url, anthropic-url, gemini-url URL   the providers' base URLs, without /v1\n"
    "  log true|false           one line per request on stderr (no content, no keys)\n"
    "  tool-level LEVEL         tool and function results (safe); none leaves them\n"
    "  user-level LEVEL         earlier user turns (balanced)\n"
    "  assistant-level LEVEL    earlier assistant turns (balanced)\n"
    "  min-size BYTES           texts shorter than this are left as is (256)\n"
    "  budget TOKENS            context budget; earlier texts elided to fit (0: none)\n"
    "  cache-mb MB              in-process cache (64)\n"
    "  redis HOST:PORT          shared cache in Redis; redis-ttl SECONDS (604800)\n"
    "  max-body BYTES (33554432), max-header BYTES (16384), max-connections N (1024)\n"
    "  client-timeout S (60), upstream-timeout S (600), connect-timeout S (10)\n"
    "  threads N                threads serving clients, and as many rewriting large\n"
    "                           bodies (0: one per core)\n";

static int die(const char *fmt, const char *a)
{
    fprintf(stderr, "terse: ");
    fprintf(stderr, fmt, a);
    fputc('\n', stderr);
    return 1;
}

int proxy_main(int argc, char **argv)
{
    struct server *s;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    char err[600];
    sigset_t set;
    int i, sig, rc = 0;
    const char *config = NULL;
    /* the config file first, whatever its place, so that flags override it */
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--config") == 0) {
            if (i + 1 >= argc)
                return die("--config needs a FILE%s", "");
            config = argv[++i];
        }
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        fprintf(stderr, "terse: out of memory\n");
        return 2;
    }
    proxy_config_defaults(&s->cfg);
    if (config && proxy_config_file(&s->cfg, config, err, sizeof(err)) != 0) {
        free(s);
        return die("%s", err);
    }
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--config") == 0) {
            i++;
            continue;
        }
        if (strcmp(a, "--log") == 0) {
            s->cfg.log = 1;
            continue;
        }
        if (strncmp(a, "--", 2) != 0 || !a[2]) {
            free(s);
            return die("unexpected argument '%s' (see terse proxy --help)", a);
        }
        if (i + 1 >= argc) {
            free(s);
            return die("%s needs a value (see terse proxy --help)", a);
        }
        if (proxy_config_set(&s->cfg, a + 2, argv[i + 1], err, sizeof(err)) != 0) {
            free(s);
            return die("%s (see terse proxy --help)", err);
        }
        i++;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        free(s);
        return die("cannot initialize libcurl%s", "");
    }
    pthread_mutex_init(&s->m.lock, NULL);
    s->cache = cache_new(s->cfg.cache_mb << 20, s->cfg.redis, s->cfg.redis_ttl);
    s->rw = s->cache ? rewriter_new(&s->cfg, s->cache) : NULL;
    if (!s->rw) {
        cache_free(s->cache);
        free(s);
        fprintf(stderr, "terse: out of memory\n");
        return 2;
    }
    /* SIGINT and SIGTERM end the server (sigwait below); every thread that
     * MHD starts inherits the mask, so the signals reach this one. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    s->up = upstream_new(s->cfg.upstream_timeout, s->cfg.connect_timeout,
                         s->cfg.max_connections, err, sizeof(err));
    if (!s->up) {
        rewriter_free(s->rw);
        cache_free(s->cache);
        free(s);
        return die("%s", err);
    }
    if (s->cfg.threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->cfg.threads = n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
    }
    if (s->cfg.threads > s->cfg.max_connections) /* each thread gets a share of them */
        s->cfg.threads = s->cfg.max_connections;
    pthread_mutex_init(&s->work_lock, NULL);
    pthread_cond_init(&s->work_cond, NULL);
    s->workers = calloc(s->cfg.threads, sizeof(*s->workers));
    for (; s->workers && s->n_workers < s->cfg.threads; s->n_workers++)
        if (pthread_create(&s->workers[s->n_workers], NULL, rewriting_thread, s) != 0)
            break;
    if (s->n_workers == 0) {
        stop_rewriting(s);
        upstream_free(s->up);
        rewriter_free(s->rw);
        cache_free(s->cache);
        free(s);
        return die("cannot start the rewriting threads%s", "");
    }
    {
        struct sockaddr_storage addr;
        struct sockaddr_in *in4 = (struct sockaddr_in *)&addr;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
        /* a few threads, each an epoll loop over its connections; a connection
         * waiting for upstream is suspended, not a sleeping thread */
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                         MHD_ALLOW_SUSPEND_RESUME;
        unsigned threads = s->cfg.threads;
        memset(&addr, 0, sizeof(addr));
        if (inet_pton(AF_INET, s->cfg.listen_host, &in4->sin_addr) == 1) {
            in4->sin_family = AF_INET;
            in4->sin_port = htons((uint16_t)s->cfg.listen_port);
        } else if (inet_pton(AF_INET6, s->cfg.listen_host, &in6->sin6_addr) == 1) {
            in6->sin6_family = AF_INET6;
            in6->sin6_port = htons((uint16_t)s->cfg.listen_port);
            flags |= MHD_USE_IPv6;
        } else if (strcmp(s->cfg.listen_host, "localhost") == 0) {
            in4->sin_family = AF_INET;
            in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            in4->sin_port = htons((uint16_t)s->cfg.listen_port);
        } else {
            snprintf(err, sizeof(err), "listen: '%s' is not an IP address (or localhost)",
                     s->cfg.listen_host);
            stop_rewriting(s);
            upstream_free(s->up);
            rewriter_free(s->rw);
            cache_free(s->cache);
            free(s);
            return die("%s", err);
        }
        errno = 0;
        d = MHD_start_daemon(flags, (uint16_t)s->cfg.listen_port, NULL, NULL, on_request, s,
                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                             MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)s->cfg.client_timeout,
                             MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)s->cfg.max_header + 16384,
                             MHD_OPTION_CONNECTION_LIMIT, (unsigned int)s->cfg.max_connections,
                             MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
                             MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(threads > 1 ? threads : 0),
                             MHD_OPTION_END);
    }
    if (!d) {
        snprintf(err, sizeof(err), "cannot listen on %s:%u: %s", s->cfg.listen_host,
                 s->cfg.listen_port, errno ? strerror(errno) : "failed");
        stop_rewriting(s);
        upstream_free(s->up);
        rewriter_free(s->rw);
        cache_free(s->cache);
        free(s);
        return die("%s", err);
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "terse proxy: listening on http://%s:%u\n", s->cfg.listen_host,
            info ? (unsigned)info->port : s->cfg.listen_port);
    fflush(stderr);
    if (sigwait(&set, &sig) != 0)
        rc = 2;
    /* transfers in progress end at once: a client waiting for headers gets 503,
     * one in the middle of a body sees the connection close */
    stop_rewriting(s);
    upstream_stop(s->up);
    MHD_stop_daemon(d);
    upstream_free(s->up);
    rewriter_free(s->rw);
    cache_free(s->cache);
    pthread_mutex_destroy(&s->m.lock);
    pthread_mutex_destroy(&s->work_lock);
    pthread_cond_destroy(&s->work_cond);
    free(s);
    curl_global_cleanup();
    return rc;
}
