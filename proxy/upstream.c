/* upstream.c - the proxy's client of the providers: one thread runs every
 * request to upstream on one curl multi handle, driven by epoll
 * (curl_multi_socket_action), so connections to a provider are kept alive
 * and shared by all clients and no thread sleeps per request.
 *
 * A transfer is handed over by a libmicrohttpd thread (upstream_start), which
 * then suspends its client's connection; this thread adds it to the multi
 * handle, collects the response's status, headers and body as curl hands
 * them over, and resumes the client's connection when there is something
 * new for it (headers, a chunk, the end). Resuming waits until the events
 * of one epoll round are handled, so that a small response's headers and
 * body wake the client once.
 *
 * Locks: each transfer's lock guards what both sides see (the flags, the
 * pending body); the upstream's lock guards its queues. The order is
 * transfer, then upstream; the upstream thread never takes a transfer's lock
 * with the upstream's held, and calls no curl function with a transfer's
 * lock held (curl may call back into this file).
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "proxy.h"

#define PENDING_HIGH (256 * 1024) /* upstream is paused past this much waiting */
#define PENDING_LOW (64 * 1024)   /* and resumed below this */
#define EASY_POOL 256             /* idle curl handles kept for reuse */
#define HOUSEKEEPING_MS 250       /* how often upstream-timeout is checked */

enum park { PARK_NONE, PARK_HEADERS, PARK_DATA };

struct transfer {
    pthread_mutex_t lock;
    int refs; /* atomic */
    struct upstream *u;
    void (*suspend)(void *), (*resume)(void *);
    void *arg;
    /* set by the client side before upstream_start, then curl's */
    CURL *easy;
    struct curl_slist *hdrs;
    char *body;
    /* under lock */
    enum park parked;
    int started, done, client_gone, paused, want_unpause;
    int headers_done, timed_out, stopped;
    long status;
    CURLcode result;
    char *data; /* the body received, data_pos..data_len not yet read */
    size_t data_len, data_pos, data_cap;
    size_t resp_bytes;
    double t_start, t_headers;
    /* written by the upstream thread before headers_done, read-only after */
    struct header *rh;
    size_t n_rh, cap_rh;
    char err[CURL_ERROR_SIZE];
    /* the upstream thread's own */
    struct transfer *prev, *next; /* the running list */
    struct transfer *wnext;       /* the wake list */
    int in_multi, in_wake;
    double last_progress;
    /* under the upstream's lock */
    struct transfer *qnext; /* the start queue */
    struct transfer *anext; /* the attention queue (cancel, unpause) */
    int in_attn;
};

/* What the upstream thread knows of a socket of curl's. */
struct sock {
    unsigned char in_set, watched; /* in the epoll set; curl watches it */
    unsigned events;
};

struct upstream {
    pthread_mutex_t lock;
    struct transfer *starts, *starts_tail, *attn;
    CURL *pool[EASY_POOL];
    size_t n_pool;
    int stopping, stopped, signalled;
    int wake_fd, epfd;
    pthread_t thread;
    int thread_started;
    CURLM *multi;
    unsigned timeout, connect_timeout;
    /* the upstream thread's own */
    struct transfer *running, *wake;
    double timer_at; /* when curl wants its timeout action; < 0: never */
    struct sock *sock; /* by descriptor */
    size_t n_sock;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void transfer_free(struct transfer *t)
{
    struct upstream *u = t->u;
    size_t i;
    if (t->easy) {
        pthread_mutex_lock(&u->lock);
        if (u->n_pool < EASY_POOL) {
            u->pool[u->n_pool++] = t->easy;
            t->easy = NULL;
        }
        pthread_mutex_unlock(&u->lock);
        if (t->easy)
            curl_easy_cleanup(t->easy);
    }
    curl_slist_free_all(t->hdrs);
    for (i = 0; i < t->n_rh; i++) {
        free(t->rh[i].name);
        free(t->rh[i].value);
    }
    free(t->rh);
    free(t->data);
    free(t->body);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static void ref(struct transfer *t)
{
    __atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
}

static void unref(struct transfer *t)
{
    if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0)
        transfer_free(t);
}

/* Wakes the upstream thread (from any thread, with u->lock held). */
static void signal_locked(struct upstream *u)
{
    if (!u->signalled) {
        uint64_t one = 1;
        u->signalled = 1;
        if (write(u->wake_fd, &one, sizeof(one)) < 0) {
            /* the counter is full, so the thread is awake anyway */
        }
    }
}

/* Queues t for the upstream thread's attention (a cancel, an unpause), with
 * t's lock held. */
static void attend_locked(struct transfer *t)
{
    struct upstream *u = t->u;
    pthread_mutex_lock(&u->lock);
    if (!t->in_attn && !u->stopped) {
        t->in_attn = 1;
        ref(t);
        t->anext = u->attn;
        u->attn = t;
        signal_locked(u);
    }
    pthread_mutex_unlock(&u->lock);
}

/* ---- the client side --------------------------------------------------------------- */

struct transfer *transfer_new(struct upstream *u, void (*suspend)(void *), void (*resume)(void *),
                              void *arg)
{
    struct transfer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    pthread_mutex_lock(&u->lock);
    if (u->n_pool)
        t->easy = u->pool[--u->n_pool];
    pthread_mutex_unlock(&u->lock);
    if (t->easy)
        curl_easy_reset(t->easy);
    else
        t->easy = curl_easy_init();
    if (!t->easy) {
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    t->refs = 1;
    t->u = u;
    t->suspend = suspend;
    t->resume = resume;
    t->arg = arg;
    return t;
}

int transfer_header(struct transfer *t, const char *line)
{
    struct curl_slist *l = curl_slist_append(t->hdrs, line);
    if (!l)
        return -1;
    t->hdrs = l;
    return 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *cls);
static size_t on_data(char *p, size_t size, size_t n, void *cls);
static int on_close(void *cls, curl_socket_t s);

void transfer_request(struct transfer *t, const char *method, const char *url, char *body,
                      size_t len)
{
    CURL *e = t->easy;
    t->body = body;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->hdrs);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, t->u);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->err);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)t->u->connect_timeout);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(e, CURLOPT_HTTP_TRANSFER_DECODING, 1L);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, len ? body : "");
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    }
}

int upstream_start(struct transfer *t)
{
    struct upstream *u = t->u;
    pthread_mutex_lock(&t->lock);
    t->t_start = now_s();
    pthread_mutex_lock(&u->lock);
    if (u->stopping) {
        pthread_mutex_unlock(&u->lock);
        pthread_mutex_unlock(&t->lock);
        return -1;
    }
    t->started = 1;
    ref(t);
    t->qnext = NULL;
    if (u->starts_tail)
        u->starts_tail->qnext = t;
    else
        u->starts = t;
    u->starts_tail = t;
    signal_locked(u);
    pthread_mutex_unlock(&u->lock);
    pthread_mutex_unlock(&t->lock);
    return 0;
}

int transfer_wait_headers(struct transfer *t)
{
    int ready;
    pthread_mutex_lock(&t->lock);
    ready = t->headers_done || t->done;
    if (!ready) {
        t->parked = PARK_HEADERS;
        t->suspend(t->arg);
    }
    pthread_mutex_unlock(&t->lock);
    return ready;
}

void transfer_get_info(struct transfer *t, struct transfer_info *info)
{
    pthread_mutex_lock(&t->lock);
    info->headers = t->headers_done;
    info->status = t->status;
    info->h = t->headers_done ? t->rh : NULL;
    info->n_h = t->headers_done ? t->n_rh : 0;
    info->ended = t->done;
    info->ok = t->done && t->result == CURLE_OK;
    info->timed_out = t->timed_out;
    info->stopped = t->stopped;
    info->error = !t->done || t->result == CURLE_OK ? ""
                  : t->err[0]                       ? t->err
                                                    : curl_easy_strerror(t->result);
    info->seconds = t->t_headers;
    info->bytes = t->resp_bytes;
    pthread_mutex_unlock(&t->lock);
}

char *transfer_take_body(struct transfer *t, size_t *len)
{
    char *body = NULL;
    pthread_mutex_lock(&t->lock);
    if (t->done && t->result == CURLE_OK && t->data_pos == 0 && t->data) {
        body = t->data;
        *len = t->data_len;
        t->data = NULL;
        t->data_len = t->data_cap = 0;
    }
    pthread_mutex_unlock(&t->lock);
    return body;
}

long transfer_read(struct transfer *t, char *buf, size_t max)
{
    long ret;
    pthread_mutex_lock(&t->lock);
    if (t->data_pos < t->data_len) {
        size_t n = t->data_len - t->data_pos;
        if (n > max)
            n = max;
        memcpy(buf, t->data + t->data_pos, n);
        t->data_pos += n;
        if (t->data_pos == t->data_len)
            t->data_pos = t->data_len = 0;
        if (t->paused && !t->want_unpause && t->data_len - t->data_pos < PENDING_LOW) {
            t->want_unpause = 1;
            attend_locked(t);
        }
        ret = (long)n;
    } else if (t->done) {
        ret = t->result == CURLE_OK ? TRANSFER_END : TRANSFER_ERROR;
    } else {
        t->parked = PARK_DATA;
        t->suspend(t->arg);
        ret = 0;
    }
    pthread_mutex_unlock(&t->lock);
    return ret;
}

void transfer_release(struct transfer *t)
{
    pthread_mutex_lock(&t->lock);
    t->client_gone = 1;
    t->parked = PARK_NONE;
    if (t->started && !t->done)
        attend_locked(t); /* cancel it */
    pthread_mutex_unlock(&t->lock);
    unref(t);
}

/* ---- curl's callbacks (the upstream thread) ----------------------------------------- */

/* Puts t on the list of transfers whose client may need waking at the end
 * of this round. */
static void wake_later(struct transfer *t)
{
    struct upstream *u = t->u;
    if (t->in_wake)
        return;
    t->in_wake = 1;
    ref(t);
    t->wnext = u->wake;
    u->wake = t;
}

static size_t on_header(char *p, size_t size, size_t n, void *cls)
{
    struct transfer *t = cls;
    size_t len = size * n, nl = len;
    char *colon;
    t->last_progress = now_s();
    if (t->headers_done) /* trailers: not forwarded */
        return len;
    while (nl > 0 && (p[nl - 1] == '\n' || p[nl - 1] == '\r'))
        nl--;
    if (nl >= 5 && strncmp(p, "HTTP/", 5) == 0) { /* a status line: a new header block */
        size_t i;
        for (i = 0; i < t->n_rh; i++) {
            free(t->rh[i].name);
            free(t->rh[i].value);
        }
        t->n_rh = 0;
        return len;
    }
    if (nl == 0) { /* the end of a header block */
        long code = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
        if (code >= 200) {
            pthread_mutex_lock(&t->lock);
            t->status = code;
            t->headers_done = 1;
            t->t_headers = t->last_progress - t->t_start;
            pthread_mutex_unlock(&t->lock);
            wake_later(t);
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
        if (t->n_rh == t->cap_rh) {
            size_t nc = t->cap_rh ? t->cap_rh * 2 : 16;
            struct header *nh = realloc(t->rh, nc * sizeof(*nh));
            if (!nh)
                return 0;
            t->rh = nh;
            t->cap_rh = nc;
        }
        t->rh[t->n_rh].name = strndup(p, kn);
        t->rh[t->n_rh].value = strndup(v, vn);
        if (!t->rh[t->n_rh].name || !t->rh[t->n_rh].value) {
            free(t->rh[t->n_rh].name);
            free(t->rh[t->n_rh].value);
            return 0;
        }
        t->n_rh++;
    }
    return len;
}

static size_t on_data(char *p, size_t size, size_t n, void *cls)
{
    struct transfer *t = cls;
    size_t len = size * n;
    t->last_progress = now_s();
    pthread_mutex_lock(&t->lock);
    if (t->client_gone) { /* nobody reads it: the cancel is on its way */
        pthread_mutex_unlock(&t->lock);
        return len;
    }
    if (t->data_len - t->data_pos >= PENDING_HIGH) { /* a slow client: wait for it */
        t->paused = 1;
        pthread_mutex_unlock(&t->lock);
        return CURL_WRITEFUNC_PAUSE;
    }
    if (t->data_pos > 0 && t->data_len + len > t->data_cap) { /* room at the front */
        memmove(t->data, t->data + t->data_pos, t->data_len - t->data_pos);
        t->data_len -= t->data_pos;
        t->data_pos = 0;
    }
    if (t->data_len + len > t->data_cap) {
        size_t nc = t->data_cap ? t->data_cap : 16384;
        char *nd;
        while (nc < t->data_len + len)
            nc *= 2;
        nd = realloc(t->data, nc);
        if (!nd) {
            pthread_mutex_unlock(&t->lock);
            return 0; /* curl ends the transfer with CURLE_WRITE_ERROR */
        }
        t->data = nd;
        t->data_cap = nc;
    }
    memcpy(t->data + t->data_len, p, len);
    t->data_len += len;
    t->resp_bytes += len;
    pthread_mutex_unlock(&t->lock);
    wake_later(t);
    return len;
}

/* Keeps curl's sockets in the epoll set. A socket curl stops watching (a
 * connection back in the cache between two requests) stays in the set, so
 * that its next request costs no epoll_ctl; if it turns readable meanwhile
 * (upstream closed it), the loop takes it out then (forget_socket). */
static int on_socket(CURL *e, curl_socket_t s, int what, void *cls, void *sockp)
{
    struct upstream *u = cls;
    struct epoll_event ev;
    unsigned events;
    (void)e;
    (void)sockp;
    if (s < 0)
        return -1;
    if ((size_t)s >= u->n_sock) {
        size_t n = u->n_sock ? u->n_sock : 64;
        struct sock *ns;
        while (n <= (size_t)s)
            n *= 2;
        ns = realloc(u->sock, n * sizeof(*ns));
        if (!ns)
            return -1;
        memset(ns + u->n_sock, 0, (n - u->n_sock) * sizeof(*ns));
        u->sock = ns;
        u->n_sock = n;
    }
    if (what == CURL_POLL_REMOVE) {
        u->sock[s].watched = 0;
        return 0;
    }
    events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    u->sock[s].watched = 1;
    if (u->sock[s].in_set && u->sock[s].events == events)
        return 0;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.fd = s;
    if (u->sock[s].in_set) {
        /* the descriptor may have been closed and its number reused since */
        if (epoll_ctl(u->epfd, EPOLL_CTL_MOD, s, &ev) != 0 &&
            (errno != ENOENT || epoll_ctl(u->epfd, EPOLL_CTL_ADD, s, &ev) != 0))
            return -1;
    } else if (epoll_ctl(u->epfd, EPOLL_CTL_ADD, s, &ev) != 0 &&
               (errno != EEXIST || epoll_ctl(u->epfd, EPOLL_CTL_MOD, s, &ev) != 0)) {
        return -1;
    }
    u->sock[s].in_set = 1;
    u->sock[s].events = events;
    return 0;
}

/* Takes a socket that curl no longer watches out of the epoll set. */
static void forget_socket(struct upstream *u, int s)
{
    epoll_ctl(u->epfd, EPOLL_CTL_DEL, s, NULL);
    u->sock[s].in_set = 0;
    u->sock[s].events = 0;
}

/* Curl closes the sockets it opened through this (so the epoll set never
 * keeps a closed descriptor's stale registration). */
static int on_close(void *cls, curl_socket_t s)
{
    struct upstream *u = cls;
    if (s >= 0 && (size_t)s < u->n_sock && u->sock[s].in_set) {
        forget_socket(u, s);
        u->sock[s].watched = 0;
    }
    return close(s);
}

static int on_timer(CURLM *m, long ms, void *cls)
{
    struct upstream *u = cls;
    (void)m;
    u->timer_at = ms < 0 ? -1.0 : now_s() + (double)ms / 1000.0;
    return 0;
}

/* ---- the upstream thread ------------------------------------------------------------- */

/* Ends t with result (the transfer leaves the multi handle), wakes its
 * client, and drops the upstream thread's reference. */
static void finish(struct upstream *u, struct transfer *t, CURLcode result, int timed_out,
                   int stopped)
{
    int wake = 0;
    if (t->in_multi) {
        curl_multi_remove_handle(u->multi, t->easy);
        t->in_multi = 0;
        if (t->prev)
            t->prev->next = t->next;
        else
            u->running = t->next;
        if (t->next)
            t->next->prev = t->prev;
        t->prev = t->next = NULL;
    }
    pthread_mutex_lock(&t->lock);
    if (!t->done) {
        t->done = 1;
        t->result = result;
        t->timed_out = timed_out;
        t->stopped = stopped;
        if (!t->headers_done)
            t->t_headers = now_s() - t->t_start;
    }
    if (t->parked != PARK_NONE) {
        t->parked = PARK_NONE;
        wake = 1;
    }
    pthread_mutex_unlock(&t->lock);
    /* a parked client stays suspended until resumed, so it is still there */
    if (wake)
        t->resume(t->arg);
    unref(t);
}

/* Resumes the clients that have something new: headers, data, the end. */
static void wake_clients(struct upstream *u)
{
    while (u->wake) {
        struct transfer *t = u->wake;
        int wake = 0;
        u->wake = t->wnext;
        t->in_wake = 0;
        pthread_mutex_lock(&t->lock);
        if ((t->parked == PARK_HEADERS && (t->headers_done || t->done)) ||
            (t->parked == PARK_DATA && (t->data_pos < t->data_len || t->done))) {
            t->parked = PARK_NONE;
            wake = 1;
        }
        pthread_mutex_unlock(&t->lock);
        if (wake)
            t->resume(t->arg);
        unref(t);
    }
}

static void take_queues(struct upstream *u, int *stopping)
{
    struct transfer *starts, *attn;
    uint64_t v;
    pthread_mutex_lock(&u->lock);
    starts = u->starts;
    attn = u->attn;
    u->starts = u->starts_tail = NULL;
    u->attn = NULL;
    u->signalled = 0;
    *stopping = u->stopping;
    if (read(u->wake_fd, &v, sizeof(v)) < 0) {
        /* nothing was written: a spurious wake-up */
    }
    pthread_mutex_unlock(&u->lock);
    while (starts) {
        struct transfer *t = starts;
        starts = t->qnext;
        if (*stopping) {
            finish(u, t, CURLE_ABORTED_BY_CALLBACK, 0, 1);
            continue;
        }
        t->last_progress = now_s();
        if (curl_multi_add_handle(u->multi, t->easy) != CURLM_OK) {
            snprintf(t->err, sizeof(t->err), "cannot start the transfer (out of memory)");
            finish(u, t, CURLE_OUT_OF_MEMORY, 0, 0);
            continue;
        }
        t->in_multi = 1;
        t->prev = NULL;
        t->next = u->running;
        if (u->running)
            u->running->prev = t;
        u->running = t;
    }
    while (attn) {
        struct transfer *t = attn;
        int cancel, unpause;
        pthread_mutex_lock(&u->lock);
        attn = t->anext;
        t->in_attn = 0;
        pthread_mutex_unlock(&u->lock);
        pthread_mutex_lock(&t->lock);
        cancel = t->client_gone && !t->done;
        unpause = t->want_unpause && !cancel;
        if (unpause)
            t->paused = t->want_unpause = 0;
        pthread_mutex_unlock(&t->lock);
        if (cancel && t->in_multi) {
            finish(u, t, CURLE_ABORTED_BY_CALLBACK, 0, 0);
        } else if (unpause && t->in_multi) {
            t->last_progress = now_s();
            curl_easy_pause(t->easy, CURLPAUSE_CONT); /* may call on_data */
        }
        unref(t);
    }
}

static void collect_done(struct upstream *u)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(u->multi, &left)) != NULL) {
        char *priv = NULL;
        struct transfer *t;
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
        t = (struct transfer *)(void *)priv;
        if (t)
            finish(u, t, msg->data.result, msg->data.result == CURLE_OPERATION_TIMEDOUT, 0);
    }
}

/* Ends the transfers that heard nothing from upstream for upstream-timeout
 * seconds (a transfer paused for a slow client is not waiting on upstream). */
static void check_timeouts(struct upstream *u, double now)
{
    struct transfer *t = u->running, *next;
    for (; t; t = next) {
        int paused;
        next = t->next;
        if (now - t->last_progress <= (double)u->timeout)
            continue;
        pthread_mutex_lock(&t->lock);
        paused = t->paused;
        pthread_mutex_unlock(&t->lock);
        if (paused) {
            t->last_progress = now;
            continue;
        }
        finish(u, t, CURLE_OPERATION_TIMEDOUT, 1, 0);
    }
}

static void *upstream_loop(void *cls)
{
    struct upstream *u = cls;
    struct epoll_event ev[64];
    double next_check = now_s() + HOUSEKEEPING_MS / 1000.0;
    int running, stopping = 0;
    for (;;) {
        double now = now_s(), until = -1;
        int n, i, ms;
        if (u->timer_at >= 0)
            until = u->timer_at - now;
        if (u->running && (until < 0 || next_check - now < until))
            until = next_check - now;
        ms = until < 0 ? -1 : until <= 0 ? 0 : (int)(until * 1000.0) + 1;
        n = epoll_wait(u->epfd, ev, 64, ms);
        if (n < 0 && errno != EINTR)
            break; /* cannot happen with a valid epoll descriptor */
        for (i = 0; i < n; i++) {
            int fd = ev[i].data.fd, flags = 0;
            if (fd == u->wake_fd) {
                take_queues(u, &stopping);
                continue;
            }
            if ((size_t)fd >= u->n_sock) {
                epoll_ctl(u->epfd, EPOLL_CTL_DEL, fd, NULL);
                continue;
            }
            if (!u->sock[fd].watched) { /* an idle connection that upstream closed */
                forget_socket(u, fd);
                continue;
            }
            if (ev[i].events & EPOLLIN)
                flags |= CURL_CSELECT_IN;
            if (ev[i].events & EPOLLOUT)
                flags |= CURL_CSELECT_OUT;
            if (ev[i].events & (EPOLLERR | EPOLLHUP))
                flags |= CURL_CSELECT_ERR;
            curl_multi_socket_action(u->multi, fd, flags, &running);
        }
        if (u->timer_at >= 0 && u->timer_at <= now_s()) {
            u->timer_at = -1;
            curl_multi_socket_action(u->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        collect_done(u);
        now = now_s();
        if (now >= next_check) {
            check_timeouts(u, now);
            next_check = now + HOUSEKEEPING_MS / 1000.0;
        }
        if (stopping) {
            while (u->running)
                finish(u, u->running, CURLE_ABORTED_BY_CALLBACK, 0, 1);
            wake_clients(u);
            break;
        }
        wake_clients(u);
    }
    /* upstream_start refuses from here on; what was queued meanwhile ends */
    pthread_mutex_lock(&u->lock);
    u->stopping = u->stopped = 1;
    pthread_mutex_unlock(&u->lock);
    take_queues(u, &stopping);
    wake_clients(u);
    return NULL;
}

/* ---- starting and stopping ------------------------------------------------------------ */

struct upstream *upstream_new(unsigned upstream_timeout, unsigned connect_timeout,
                              unsigned max_idle, char *err, size_t err_len)
{
    struct upstream *u = calloc(1, sizeof(*u));
    struct epoll_event ev;
    if (!u) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&u->lock, NULL);
    u->timeout = upstream_timeout;
    u->connect_timeout = connect_timeout;
    u->timer_at = -1;
    u->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    u->epfd = epoll_create1(EPOLL_CLOEXEC);
    u->multi = curl_multi_init();
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.fd = u->wake_fd;
    if (u->wake_fd < 0 || u->epfd < 0 || !u->multi ||
        epoll_ctl(u->epfd, EPOLL_CTL_ADD, u->wake_fd, &ev) != 0) {
        snprintf(err, err_len, "cannot set up the upstream client: %s",
                 u->multi ? strerror(errno) : "out of memory");
        upstream_free(u);
        return NULL;
    }
    curl_multi_setopt(u->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(u->multi, CURLMOPT_SOCKETDATA, u);
    curl_multi_setopt(u->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(u->multi, CURLMOPT_TIMERDATA, u);
    /* curl's default keeps 4 idle connections per running transfer, so a lull
     * would close the connections that the next burst needs */
    curl_multi_setopt(u->multi, CURLMOPT_MAXCONNECTS, (long)max_idle);
    if (pthread_create(&u->thread, NULL, upstream_loop, u) != 0) {
        snprintf(err, err_len, "cannot start the upstream thread: %s", strerror(errno));
        upstream_free(u);
        return NULL;
    }
    u->thread_started = 1;
    return u;
}

void upstream_stop(struct upstream *u)
{
    if (!u->thread_started)
        return;
    pthread_mutex_lock(&u->lock);
    u->stopping = 1;
    signal_locked(u);
    pthread_mutex_unlock(&u->lock);
    pthread_join(u->thread, NULL);
    u->thread_started = 0;
}

void upstream_free(struct upstream *u)
{
    if (!u)
        return;
    upstream_stop(u);
    while (u->n_pool)
        curl_easy_cleanup(u->pool[--u->n_pool]);
    if (u->multi)
        curl_multi_cleanup(u->multi);
    if (u->epfd >= 0)
        close(u->epfd);
    if (u->wake_fd >= 0)
        close(u->wake_fd);
    free(u->sock);
    pthread_mutex_destroy(&u->lock);
    free(u);
}
