/* server.c - the proxy's HTTP side: libmicrohttpd serves clients (a thread
 * per connection), libcurl talks to the providers.
 *
 * One request: the body is read (at most max-body bytes), rewritten by its
 * route's adapter (rewrite.c), and sent upstream with the client's headers
 * (keys included; hop-by-hop headers left out). As soon as upstream's
 * status and headers are in, they go to the client, and the body follows
 * chunk by chunk as curl hands it over: the content reader drives curl, so
 * nothing is buffered beyond one chunk and server-sent events arrive as
 * they are sent. Response bytes are never changed.
 *
 * Errors of the proxy's own (a JSON body {"error":{"type":"terse_proxy_error",
 * "message":...}}): 400 malformed JSON, 413 body too large, 502 upstream
 * unreachable, 504 upstream silent for upstream-timeout seconds. A failed
 * compression sends the original body (fail-open) and is counted.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
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
    pthread_mutex_t pool_lock;
    struct upstream_handle *pool;
    int stopping; /* set once (atomically), before the daemon stops: transfers end */
};

/* A curl multi + easy pair, kept between requests so that connections to
 * the providers are reused. */
struct upstream_handle {
    struct upstream_handle *next;
    CURLM *multi;
    CURL *easy;
};

struct header {
    char *name, *value;
};

struct request {
    struct server *s;
    char *uri;                 /* as the client sent it, query included */
    char *body;
    size_t len, cap;
    int started, too_big, handled;
    char method[16];
    int route, provider;
    char model[128];
    double t_start, t_compress, t_headers;
    struct rewrite_stats st;
    int fail_open, rewritten;
    size_t sent_len, resp_bytes;
    char *send_body;           /* the rewritten body, or NULL */
    /* upstream */
    struct upstream_handle *up;
    struct curl_slist *hdrs;
    struct header *rh;         /* response headers */
    size_t n_rh, cap_rh;
    long status;
    int headers_done, done, timed_out;
    CURLcode result;
    char *data;                /* received, not yet given to the client */
    size_t data_len, data_pos, data_cap;
    double last_progress;
    char curl_err[CURL_ERROR_SIZE];
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

/* ---- the upstream handle pool ---------------------------------------------------- */

static struct upstream_handle *handle_take(struct server *s)
{
    struct upstream_handle *h;
    pthread_mutex_lock(&s->pool_lock);
    h = s->pool;
    if (h)
        s->pool = h->next;
    pthread_mutex_unlock(&s->pool_lock);
    if (h) {
        curl_easy_reset(h->easy);
        return h;
    }
    h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->multi = curl_multi_init();
    h->easy = curl_easy_init();
    if (!h->multi || !h->easy) {
        if (h->multi)
            curl_multi_cleanup(h->multi);
        if (h->easy)
            curl_easy_cleanup(h->easy);
        free(h);
        return NULL;
    }
    return h;
}

static void handle_give(struct server *s, struct upstream_handle *h)
{
    pthread_mutex_lock(&s->pool_lock);
    h->next = s->pool;
    s->pool = h;
    pthread_mutex_unlock(&s->pool_lock);
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

/* ---- upstream --------------------------------------------------------------------- */

static size_t on_header(char *p, size_t size, size_t n, void *cls)
{
    struct request *r = cls;
    size_t len = size * n, nl = len;
    char *colon;
    r->last_progress = now_s();
    while (nl > 0 && (p[nl - 1] == '\n' || p[nl - 1] == '\r'))
        nl--;
    if (nl >= 5 && strncmp(p, "HTTP/", 5) == 0) { /* a status line: a new header block */
        size_t i;
        for (i = 0; i < r->n_rh; i++) {
            free(r->rh[i].name);
            free(r->rh[i].value);
        }
        r->n_rh = 0;
        return len;
    }
    if (nl == 0) { /* the end of a header block */
        long code = 0;
        curl_easy_getinfo(r->up->easy, CURLINFO_RESPONSE_CODE, &code);
        if (code >= 200) {
            r->status = code;
            r->headers_done = 1;
        }
        return len;
    }
    colon = memchr(p, ':', nl);
    if (colon) {
        size_t kn = (size_t)(colon - p);
        const char *v = colon + 1;
        size_t vn;
        while (v < p + nl && (*v == ' ' || *v == '\t'))
            v++;
        vn = (size_t)(p + nl - v);
        if (r->n_rh == r->cap_rh) {
            size_t nc = r->cap_rh ? r->cap_rh * 2 : 16;
            struct header *nh = realloc(r->rh, nc * sizeof(*nh));
            if (!nh)
                return 0;
            r->rh = nh;
            r->cap_rh = nc;
        }
        r->rh[r->n_rh].name = strndup(p, kn);
        r->rh[r->n_rh].value = strndup(v, vn);
        if (!r->rh[r->n_rh].name || !r->rh[r->n_rh].value) {
            free(r->rh[r->n_rh].name);
            free(r->rh[r->n_rh].value);
            return 0;
        }
        r->n_rh++;
    }
    return len;
}

static size_t on_data(char *p, size_t size, size_t n, void *cls)
{
    struct request *r = cls;
    size_t len = size * n;
    r->last_progress = now_s();
    if (r->data_pos == r->data_len)
        r->data_pos = r->data_len = 0;
    if (r->data_len + len > r->data_cap) {
        size_t nc = r->data_cap ? r->data_cap : 16384;
        char *nd;
        while (nc < r->data_len + len)
            nc *= 2;
        nd = realloc(r->data, nc);
        if (!nd)
            return 0;
        r->data = nd;
        r->data_cap = nc;
    }
    memcpy(r->data + r->data_len, p, len);
    r->data_len += len;
    r->resp_bytes += len;
    return len;
}

/* Runs the transfer until something happens (bytes, headers, the end), or
 * up to a quarter of a second; sets done and timed_out. */
static void drive(struct request *r)
{
    int running = 0, numfds;
    CURLMsg *msg;
    int left;
    curl_multi_perform(r->up->multi, &running);
    while ((msg = curl_multi_info_read(r->up->multi, &left)) != NULL)
        if (msg->msg == CURLMSG_DONE) {
            r->done = 1;
            r->result = msg->data.result;
        }
    if (r->done || running == 0) {
        r->done = 1;
        return;
    }
    if (r->data_pos < r->data_len)
        return;
    curl_multi_poll(r->up->multi, NULL, 0, 250, &numfds);
    if (__atomic_load_n(&r->s->stopping, __ATOMIC_RELAXED)) {
        r->done = 1;
        r->result = CURLE_ABORTED_BY_CALLBACK;
    } else if (now_s() - r->last_progress > r->s->cfg.upstream_timeout) {
        r->done = r->timed_out = 1;
        r->result = CURLE_OPERATION_TIMEDOUT;
    }
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

struct hdr_walk {
    struct curl_slist *list;
    int has_accept, has_type, oom;
};

static enum MHD_Result add_req_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct hdr_walk *w = cls;
    char *line;
    size_t n;
    struct curl_slist *nl;
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
    nl = curl_slist_append(w->list, line);
    free(line);
    if (!nl) {
        w->oom = 1;
        return MHD_NO;
    }
    w->list = nl;
    return MHD_YES;
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

static ssize_t read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct request *r = cls;
    size_t n;
    (void)pos;
    while (r->data_pos == r->data_len) {
        if (r->done)
            return r->result == CURLE_OK ? MHD_CONTENT_READER_END_OF_STREAM
                                         : MHD_CONTENT_READER_END_WITH_ERROR;
        drive(r);
    }
    n = r->data_len - r->data_pos;
    if (n > max)
        n = max;
    memcpy(buf, r->data + r->data_pos, n);
    r->data_pos += n;
    return (ssize_t)n;
}

/* ---- the request handler ------------------------------------------------------------ */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct request *r = calloc(1, sizeof(*r));
    (void)c;
    if (!r)
        return NULL;
    r->s = cls;
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
    size_t i;
    (void)c;
    if (!r)
        return;
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
    if (r->up) {
        curl_multi_remove_handle(r->up->multi, r->up->easy);
        handle_give(s, r->up);
    }
    curl_slist_free_all(r->hdrs);
    for (i = 0; i < r->n_rh; i++) {
        free(r->rh[i].name);
        free(r->rh[i].value);
    }
    free(r->rh);
    free(r->data);
    free(r->send_body);
    free(r->body);
    free(r->uri);
    free(r);
    *con_cls = NULL;
}

static enum MHD_Result start_upstream(struct request *r, struct MHD_Connection *c,
                                      const char *method)
{
    struct server *s = r->s;
    struct hdr_walk w = {0};
    char *url;
    size_t ulen;
    const char *body = r->send_body ? r->send_body : r->body;
    size_t blen = r->send_body ? r->sent_len : r->len;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    size_t i;
    curl_off_t clen = -1;
    CURL *e;
    r->sent_len = blen;
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_req_header, &w);
    if (!w.has_accept)
        w.list = curl_slist_append(w.list, "Accept:"); /* curl would add one */
    if (!w.has_type && w.list)
        w.list = curl_slist_append(w.list, "Content-Type:");
    if (w.list)
        w.list = curl_slist_append(w.list, "Expect:");
    r->hdrs = w.list;
    ulen = strlen(base_url(s, r->provider)) + strlen(r->uri) + 1;
    url = malloc(ulen);
    r->up = handle_take(s);
    if (w.oom || !w.list || !url || !r->up) {
        free(url);
        return reply_error(r, c, 500, "out of memory");
    }
    snprintf(url, ulen, "%s%s", base_url(s, r->provider), r->uri);
    e = r->up->easy;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->curl_err);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)s->cfg.connect_timeout);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(e, CURLOPT_HTTP_TRANSFER_DECODING, 1L);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, blen ? body : "");
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    }
    curl_multi_add_handle(r->up->multi, e);
    free(url); /* curl keeps its own copy */
    r->last_progress = now_s();
    {
        double t0 = now_s();
        while (!r->headers_done && !r->done)
            drive(r);
        r->t_headers = now_s() - t0;
    }
    pthread_mutex_lock(&s->m.lock);
    s->m.upstream_seconds += r->t_headers;
    s->m.upstream_count++;
    pthread_mutex_unlock(&s->m.lock);
    if (!r->headers_done) {
        int timeout = r->timed_out || r->result == CURLE_OPERATION_TIMEDOUT;
        pthread_mutex_lock(&s->m.lock);
        if (timeout)
            s->m.upstream_timeouts++;
        else
            s->m.upstream_errors++;
        pthread_mutex_unlock(&s->m.lock);
        if (timeout)
            return reply_error(r, c, 504, "the upstream server sent nothing for %u seconds",
                               s->cfg.upstream_timeout);
        return reply_error(r, c, 502, "cannot reach the upstream server: %s",
                           r->curl_err[0] ? r->curl_err : curl_easy_strerror(r->result));
    }
    for (i = 0; i < r->n_rh; i++)
        if (strcasecmp(r->rh[i].name, "content-length") == 0)
            clen = (curl_off_t)strtoll(r->rh[i].value, NULL, 10);
    resp = MHD_create_response_from_callback(clen >= 0 ? (uint64_t)clen : MHD_SIZE_UNKNOWN,
                                             16384, read_body, r, NULL);
    if (!resp)
        return MHD_NO;
    for (i = 0; i < r->n_rh; i++)
        if (!hop_by_hop(r->rh[i].name))
            MHD_add_response_header(resp, r->rh[i].name, r->rh[i].value);
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
        if (cl && strtoull(cl, NULL, 10) > s->cfg.max_body) {
            r->handled = 1;
            pthread_mutex_lock(&s->m.lock);
            s->m.client_errors++;
            pthread_mutex_unlock(&s->m.lock);
            return reply_error(r, c, 413, "the request body is larger than max-body (%zu bytes)",
                               s->cfg.max_body);
        }
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
        char err[256];
        size_t out_len;
        double t0 = now_s();
        int rc = rewrite_request(s->rw, r->route, r->model, r->body ? r->body : "", r->len,
                                 &r->send_body, &out_len, &r->st, err, sizeof(err));
        r->t_compress = now_s() - t0;
        pthread_mutex_lock(&s->m.lock);
        s->m.compress_seconds += r->t_compress;
        s->m.compress_count++;
        if (rc == -1)
            s->m.client_errors++;
        if (rc == -2)
            s->m.fail_open++;
        pthread_mutex_unlock(&s->m.lock);
        if (rc == -1)
            return reply_error(r, c, 400, "%s", err);
        if (rc == -2) {
            r->fail_open = 1;
            free(r->send_body);
            r->send_body = NULL;
            memset(&r->st, 0, sizeof(r->st));
            if (s->cfg.log)
                fprintf(stderr, "terse proxy: compression failed, sending the original body: %s\n",
                        err);
        } else {
            r->sent_len = rc == 0 ? out_len : 0;
            count_model(s, r->provider, r->st.model, r->st.tokens_before, r->st.tokens_after);
        }
    }
    return start_upstream(r, c, method);
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
    "  client-timeout S (60), upstream-timeout S (600), connect-timeout S (10)\n";

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
    pthread_mutex_init(&s->pool_lock, NULL);
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
    {
        struct sockaddr_storage addr;
        struct sockaddr_in *in4 = (struct sockaddr_in *)&addr;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                         MHD_USE_POLL;
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
            rewriter_free(s->rw);
            cache_free(s->cache);
            free(s);
            return die("%s", err);
        }
        d = MHD_start_daemon(flags, (uint16_t)s->cfg.listen_port, NULL, NULL, on_request, s,
                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                             MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)s->cfg.client_timeout,
                             MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)s->cfg.max_header + 16384,
                             MHD_OPTION_CONNECTION_LIMIT, (unsigned int)s->cfg.max_connections,
                             MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
                             MHD_OPTION_END);
    }
    if (!d) {
        snprintf(err, sizeof(err), "cannot listen on %s:%u: %s", s->cfg.listen_host,
                 s->cfg.listen_port, errno ? strerror(errno) : "failed");
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
    /* transfers in progress end within a quarter second; their clients see the
     * connection close */
    __atomic_store_n(&s->stopping, 1, __ATOMIC_RELAXED);
    MHD_stop_daemon(d);
    while (s->pool) {
        struct upstream_handle *h = s->pool;
        s->pool = h->next;
        curl_easy_cleanup(h->easy);
        curl_multi_cleanup(h->multi);
        free(h);
    }
    rewriter_free(s->rw);
    cache_free(s->cache);
    pthread_mutex_destroy(&s->m.lock);
    pthread_mutex_destroy(&s->pool_lock);
    free(s);
    curl_global_cleanup();
    return rc;
}
