/* cache.c - compressed texts by the hash of the text and its options.
 *
 * In process: a hash table cut into stripes, each with its own lock and
 * least-recently-used list, holding at most max_bytes in all. With a
 * Redis address, a miss in process is looked up in Redis, and every put
 * also goes there, so that a fleet of proxies compresses each text once.
 * Redis is spoken directly (RESP over one TCP connection per thread); any
 * Redis failure is counted and treated as a miss, never as an error of the
 * request. Values there are "TOKENS_IN TOKENS_OUT CHANGED\n" + text.
 *
 * Keys are 128 bits (two independent 64-bit hashes of options and text),
 * so a collision is not a practical concern and texts are not stored twice.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "proxy.h"

#define STRIPES 64

struct node {
    struct node *next;             /* hash chain */
    struct node *lru_prev, *lru_next;
    struct cache_key key;
    struct cache_entry e;
    int changed;
};

struct stripe {
    pthread_mutex_t lock;
    struct node **slots;
    size_t nslots, count, bytes;
    struct node lru; /* sentinel: lru.lru_next is the most recent */
};

struct proxy_cache {
    struct stripe s[STRIPES];
    size_t stripe_max;
    char redis_host[256], redis_port[16];
    unsigned ttl;
    pthread_key_t conn_key;
    pthread_mutex_t stats_lock;
    uint64_t hits, misses, redis_hits, redis_errors;
};

/* ---- keys ------------------------------------------------------------------ */

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* One 64-bit hash of p[0..n) with a seed: 8 bytes at a time, each word
 * multiplied in and mixed (not cryptographic; two seeds make the key). */
static uint64_t hash_seeded(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ mix(w + seed)) * 0x9fb21c651e98df25ULL;
        h = (h << 27) | (h >> 37);
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        h = (h ^ mix(w + seed + n)) * 0x9fb21c651e98df25ULL;
    }
    return mix(h);
}

/* hash_seeded of p[0..n) with two seeds at once (*h0 with s0, *h1 with s1):
 * the same values, in one pass over the text. */
static void hash_seeded2(const void *p, size_t n, uint64_t s0, uint64_t s1, uint64_t *h0, uint64_t *h1)
{
    const unsigned char *s = p;
    uint64_t a = s0 ^ (n * 0x9e3779b97f4a7c15ULL), b = s1 ^ (n * 0x9e3779b97f4a7c15ULL);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        a = (a ^ mix(w + s0)) * 0x9fb21c651e98df25ULL;
        b = (b ^ mix(w + s1)) * 0x9fb21c651e98df25ULL;
        a = (a << 27) | (a >> 37);
        b = (b << 27) | (b >> 37);
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        a = (a ^ mix(w + s0 + n)) * 0x9fb21c651e98df25ULL;
        b = (b ^ mix(w + s1 + n)) * 0x9fb21c651e98df25ULL;
    }
    *h0 = mix(a);
    *h1 = mix(b);
}

struct cache_key cache_key_of(const char *text, size_t len, const char *options)
{
    struct cache_key k;
    size_t on = strlen(options);
    hash_seeded2(text, len, hash_seeded(options, on, 0x243f6a8885a308d3ULL),
                 hash_seeded(options, on, 0x13198a2e03707344ULL), &k.h[0], &k.h[1]);
    return k;
}

/* ---- in process ------------------------------------------------------------ */

static size_t node_bytes(const struct node *n)
{
    return sizeof(*n) + n->e.len + 32;
}

static void lru_unlink(struct node *n)
{
    n->lru_prev->lru_next = n->lru_next;
    n->lru_next->lru_prev = n->lru_prev;
}

static void lru_push(struct stripe *s, struct node *n)
{
    n->lru_next = s->lru.lru_next;
    n->lru_prev = &s->lru;
    s->lru.lru_next->lru_prev = n;
    s->lru.lru_next = n;
}

static struct node **find_slot(struct stripe *s, struct cache_key k)
{
    struct node **pp = &s->slots[k.h[1] & (s->nslots - 1)];
    while (*pp && ((*pp)->key.h[0] != k.h[0] || (*pp)->key.h[1] != k.h[1]))
        pp = &(*pp)->next;
    return pp;
}

static void remove_node(struct stripe *s, struct node *n)
{
    struct node **pp = find_slot(s, n->key);
    *pp = n->next;
    lru_unlink(n);
    s->count--;
    s->bytes -= node_bytes(n);
    free(n->e.text);
    free(n);
}

static void grow(struct stripe *s)
{
    size_t i, nn = s->nslots * 2;
    struct node **ns = calloc(nn, sizeof(*ns));
    if (!ns)
        return; /* chains get longer; still correct */
    for (i = 0; i < s->nslots; i++) {
        struct node *n = s->slots[i];
        while (n) {
            struct node *next = n->next;
            size_t j = n->key.h[1] & (nn - 1);
            n->next = ns[j];
            ns[j] = n;
            n = next;
        }
    }
    free(s->slots);
    s->slots = ns;
    s->nslots = nn;
}

static int local_get(struct proxy_cache *c, struct cache_key k, struct cache_entry *e)
{
    struct stripe *s = &c->s[k.h[0] % STRIPES];
    struct node *n;
    int hit = 0;
    pthread_mutex_lock(&s->lock);
    n = *find_slot(s, k);
    if (n) {
        *e = n->e;
        e->text = NULL;
        if (n->e.text) {
            e->text = malloc(n->e.len + 1);
            if (e->text)
                memcpy(e->text, n->e.text, n->e.len + 1);
        }
        if (!n->e.text || e->text) {
            hit = 1;
            lru_unlink(n);
            lru_push(s, n);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return hit;
}

static void local_put(struct proxy_cache *c, struct cache_key k, const struct cache_entry *e)
{
    struct stripe *s = &c->s[k.h[0] % STRIPES];
    struct node *n;
    if (c->stripe_max == 0)
        return;
    n = calloc(1, sizeof(*n));
    if (!n)
        return;
    n->key = k;
    n->e = *e;
    n->e.text = NULL;
    if (e->text) {
        n->e.text = malloc(e->len + 1);
        if (!n->e.text) {
            free(n);
            return;
        }
        memcpy(n->e.text, e->text, e->len);
        n->e.text[e->len] = '\0';
    } else {
        n->e.len = 0;
    }
    if (node_bytes(n) > c->stripe_max) {
        free(n->e.text);
        free(n);
        return;
    }
    pthread_mutex_lock(&s->lock);
    {
        struct node **pp = find_slot(s, k);
        if (*pp) { /* another thread stored it first */
            pthread_mutex_unlock(&s->lock);
            free(n->e.text);
            free(n);
            return;
        }
        *pp = n;
        lru_push(s, n);
        s->count++;
        s->bytes += node_bytes(n);
        while (s->bytes > c->stripe_max && s->lru.lru_prev != &s->lru)
            remove_node(s, s->lru.lru_prev);
        if (s->count > s->nslots)
            grow(s);
    }
    pthread_mutex_unlock(&s->lock);
}

/* ---- Redis ----------------------------------------------------------------- */

struct rconn {
    int fd;
    time_t retry_after; /* after a failure, no new connection before this */
    char in[65536];
    size_t in_len, in_pos;
};

static void rconn_close(struct rconn *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    r->in_len = r->in_pos = 0;
}

static void rconn_free(void *p)
{
    struct rconn *r = p;
    if (r) {
        rconn_close(r);
        free(r);
    }
}

static void count_redis_error(struct proxy_cache *c, struct rconn *r)
{
    rconn_close(r);
    r->retry_after = time(NULL) + 1;
    pthread_mutex_lock(&c->stats_lock);
    c->redis_errors++;
    pthread_mutex_unlock(&c->stats_lock);
}

/* Returns this thread's connection to Redis, connected, or NULL. */
static struct rconn *redis_conn(struct proxy_cache *c)
{
    struct rconn *r = pthread_getspecific(c->conn_key);
    struct addrinfo hints, *ai = NULL, *a;
    if (!r) {
        r = calloc(1, sizeof(*r));
        if (!r)
            return NULL;
        r->fd = -1;
        if (pthread_setspecific(c->conn_key, r) != 0) {
            free(r);
            return NULL;
        }
    }
    if (r->fd >= 0)
        return r;
    if (time(NULL) < r->retry_after)
        return NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(c->redis_host, c->redis_port, &hints, &ai) != 0) {
        count_redis_error(c, r);
        return NULL;
    }
    for (a = ai; a; a = a->ai_next) {
        struct timeval tv = {0, 500000}; /* a slow cache is no cache */
        int one = 1;
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            r->fd = fd;
            break;
        }
        close(fd);
    }
    freeaddrinfo(ai);
    if (r->fd < 0) {
        count_redis_error(c, r);
        return NULL;
    }
    return r;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_byte(struct rconn *r)
{
    if (r->in_pos == r->in_len) {
        ssize_t got;
        do
            got = recv(r->fd, r->in, sizeof(r->in), 0);
        while (got < 0 && errno == EINTR);
        if (got <= 0)
            return -1;
        r->in_len = (size_t)got;
        r->in_pos = 0;
    }
    return (unsigned char)r->in[r->in_pos++];
}

/* Reads a line up to CRLF into line (NUL-terminated); returns 0 or -1. */
static int read_line(struct rconn *r, char *line, size_t cap)
{
    size_t n = 0;
    for (;;) {
        int ch = read_byte(r);
        if (ch < 0)
            return -1;
        if (ch == '\n') {
            if (n == 0 || line[n - 1] != '\r')
                return -1;
            line[n - 1] = '\0';
            return 0;
        }
        if (n + 1 >= cap)
            return -1;
        line[n++] = (char)ch;
    }
}

/* Sends a command of argc bulk strings. */
static int redis_send(struct rconn *r, int argc, const char **argv, const size_t *lens)
{
    char head[64];
    int i;
    snprintf(head, sizeof(head), "*%d\r\n", argc);
    if (send_all(r->fd, head, strlen(head)) != 0)
        return -1;
    for (i = 0; i < argc; i++) {
        snprintf(head, sizeof(head), "$%zu\r\n", lens[i]);
        if (send_all(r->fd, head, strlen(head)) != 0 || send_all(r->fd, argv[i], lens[i]) != 0 ||
            send_all(r->fd, "\r\n", 2) != 0)
            return -1;
    }
    return 0;
}

static void key_text(struct cache_key k, char out[64])
{
    snprintf(out, 64, "terse:%s:%016llx%016llx", TERSE_VERSION_STRING,
             (unsigned long long)k.h[0], (unsigned long long)k.h[1]);
}

static int redis_get(struct proxy_cache *c, struct cache_key k, struct cache_entry *e)
{
    struct rconn *r = redis_conn(c);
    char key[64], line[128];
    const char *argv[2];
    size_t lens[2], blen, i, tin, tout;
    int changed, off = 0;
    char *val;
    long long n;
    if (!r)
        return 0;
    key_text(k, key);
    argv[0] = "GET";
    argv[1] = key;
    lens[0] = 3;
    lens[1] = strlen(key);
    if (redis_send(r, 2, argv, lens) != 0 || read_line(r, line, sizeof(line)) != 0) {
        count_redis_error(c, r);
        return 0;
    }
    if (line[0] != '$' || sscanf(line + 1, "%lld", &n) != 1) {
        count_redis_error(c, r);
        return 0;
    }
    if (n < 0)
        return 0; /* not there */
    blen = (size_t)n;
    val = malloc(blen + 3);
    if (!val) {
        count_redis_error(c, r); /* the reply is still unread */
        return 0;
    }
    for (i = 0; i < blen + 2; i++) {
        int ch = read_byte(r);
        if (ch < 0) {
            free(val);
            count_redis_error(c, r);
            return 0;
        }
        val[i] = (char)ch;
    }
    val[blen] = '\0';
    if (sscanf(val, "%zu %zu %d\n%n", &tin, &tout, &changed, &off) != 3 || off <= 0 ||
        val[off - 1] != '\n') {
        free(val); /* not ours: a miss */
        return 0;
    }
    e->tokens_in = tin;
    e->tokens_out = tout;
    e->text = NULL;
    e->len = 0;
    if (changed) {
        e->len = blen - (size_t)off;
        memmove(val, val + off, e->len);
        val[e->len] = '\0';
        e->text = val;
    } else {
        free(val);
    }
    return 1;
}

static void redis_put(struct proxy_cache *c, struct cache_key k, const struct cache_entry *e)
{
    struct rconn *r = redis_conn(c);
    char key[64], head[64], ttl[24], line[128];
    const char *argv[5];
    size_t lens[5], hn;
    char *val;
    if (!r)
        return;
    key_text(k, key);
    hn = (size_t)snprintf(head, sizeof(head), "%zu %zu %d\n", e->tokens_in, e->tokens_out,
                          e->text != NULL);
    val = malloc(hn + e->len + 1);
    if (!val)
        return;
    memcpy(val, head, hn);
    if (e->text)
        memcpy(val + hn, e->text, e->len);
    snprintf(ttl, sizeof(ttl), "%u", c->ttl);
    argv[0] = "SET";
    argv[1] = key;
    argv[2] = val;
    argv[3] = "EX";
    argv[4] = ttl;
    lens[0] = 3;
    lens[1] = strlen(key);
    lens[2] = hn + (e->text ? e->len : 0);
    lens[3] = 2;
    lens[4] = strlen(ttl);
    if (redis_send(r, 5, argv, lens) != 0 || read_line(r, line, sizeof(line)) != 0 ||
        line[0] != '+')
        count_redis_error(c, r);
    free(val);
}

/* ---- the interface --------------------------------------------------------- */

struct proxy_cache *cache_new(size_t max_bytes, const char *redis, unsigned ttl)
{
    struct proxy_cache *c = calloc(1, sizeof(*c));
    size_t i;
    if (!c)
        return NULL;
    c->stripe_max = max_bytes / STRIPES;
    c->ttl = ttl;
    for (i = 0; i < STRIPES; i++) {
        struct stripe *s = &c->s[i];
        pthread_mutex_init(&s->lock, NULL);
        s->nslots = 64;
        s->slots = calloc(s->nslots, sizeof(*s->slots));
        s->lru.lru_next = s->lru.lru_prev = &s->lru;
        if (!s->slots) {
            c->s[i].nslots = 0;
            cache_free(c);
            return NULL;
        }
    }
    pthread_mutex_init(&c->stats_lock, NULL);
    if (pthread_key_create(&c->conn_key, rconn_free) != 0) {
        cache_free(c);
        return NULL;
    }
    if (redis && redis[0]) {
        const char *colon = strrchr(redis, ':');
        size_t hn = (size_t)(colon - redis);
        if (redis[0] == '[') { /* [::1]:6379 */
            redis++;
            hn -= 2;
        }
        if (hn >= sizeof(c->redis_host))
            hn = sizeof(c->redis_host) - 1;
        memcpy(c->redis_host, redis, hn);
        c->redis_host[hn] = '\0';
        snprintf(c->redis_port, sizeof(c->redis_port), "%s", colon + 1);
    }
    return c;
}

void cache_free(struct proxy_cache *c)
{
    size_t i;
    if (!c)
        return;
    for (i = 0; i < STRIPES; i++) {
        struct stripe *s = &c->s[i];
        if (!s->slots)
            continue;
        while (s->lru.lru_next != &s->lru)
            remove_node(s, s->lru.lru_next);
        free(s->slots);
        pthread_mutex_destroy(&s->lock);
    }
    rconn_free(pthread_getspecific(c->conn_key));
    pthread_setspecific(c->conn_key, NULL);
    pthread_key_delete(c->conn_key);
    pthread_mutex_destroy(&c->stats_lock);
    free(c);
}

int cache_get(struct proxy_cache *c, struct cache_key k, struct cache_entry *e)
{
    int hit = local_get(c, k, e), redis_hit = 0;
    if (!hit && c->redis_host[0] && redis_get(c, k, e)) {
        hit = redis_hit = 1;
        local_put(c, k, e);
    }
    pthread_mutex_lock(&c->stats_lock);
    if (hit)
        c->hits++;
    else
        c->misses++;
    if (redis_hit)
        c->redis_hits++;
    pthread_mutex_unlock(&c->stats_lock);
    return hit;
}

void cache_put(struct proxy_cache *c, struct cache_key k, const struct cache_entry *e)
{
    local_put(c, k, e);
    if (c->redis_host[0])
        redis_put(c, k, e);
}

void cache_get_stats(struct proxy_cache *c, struct cache_stats *st)
{
    size_t i;
    memset(st, 0, sizeof(*st));
    for (i = 0; i < STRIPES; i++) {
        pthread_mutex_lock(&c->s[i].lock);
        st->entries += c->s[i].count;
        st->bytes += c->s[i].bytes;
        pthread_mutex_unlock(&c->s[i].lock);
    }
    pthread_mutex_lock(&c->stats_lock);
    st->hits = c->hits;
    st->misses = c->misses;
    st->redis_hits = c->redis_hits;
    st->redis_errors = c->redis_errors;
    pthread_mutex_unlock(&c->stats_lock);
}
