/* config.c - the proxy's settings: defaults, `key = value` config files and
 * flags. One table of names serves both, so every setting of the file is
 * also a flag (`--key value`) and the other way round (docs/proxy.md).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proxy.h"

void proxy_config_defaults(struct proxy_config *c)
{
    memset(c, 0, sizeof(*c));
    strcpy(c->listen_host, "127.0.0.1");
    c->listen_port = 8787;
    strcpy(c->openai_url, "https://api.openai.com");
    strcpy(c->anthropic_url, "https://api.anthropic.com");
    strcpy(c->gemini_url, "https://generativelanguage.googleapis.com");
    c->tool_level = TERSE_LEVEL_SAFE;
    c->user_level = TERSE_LEVEL_BALANCED;
    c->assistant_level = TERSE_LEVEL_BALANCED;
    c->min_size = 256;
    c->cache_mb = 64;
    c->redis_ttl = 7 * 24 * 3600;
    c->max_body = (size_t)32 << 20;
    c->max_header = 16384;
    c->client_timeout = 60;
    c->upstream_timeout = 600; /* the providers' SDKs wait 10 minutes */
    c->connect_timeout = 10;
    c->max_connections = 1024;
}

static int set_err(char *err, size_t err_len, const char *fmt, const char *a, const char *b)
{
    snprintf(err, err_len, fmt, a, b);
    return -1;
}

/* Parses a decimal number in [lo, hi]; returns 0 or -1. */
static int parse_num(const char *v, unsigned long long lo, unsigned long long hi,
                     unsigned long long *out)
{
    char *end;
    unsigned long long x;
    if (!isdigit((unsigned char)v[0]))
        return -1;
    errno = 0;
    x = strtoull(v, &end, 10);
    if (errno || *end || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

/* Returns a level, PROXY_LEVEL_NONE for "none", or -2 when v is neither
 * (terse_level_parse's -1 for unknown is PROXY_LEVEL_NONE's value). */
static int parse_level(const char *v)
{
    int lv;
    if (strcasecmp(v, "none") == 0 || strcasecmp(v, "off") == 0)
        return PROXY_LEVEL_NONE;
    lv = terse_level_parse(v);
    return lv < 0 ? -2 : lv;
}

static int copy_url(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n >= cap || (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0))
        return -1;
    memcpy(dst, v, n + 1);
    while (n > 0 && dst[n - 1] == '/') /* "http://h:1/" is "http://h:1" */
        dst[--n] = '\0';
    return 0;
}

/* Splits "HOST:PORT" (HOST may be "[::1]"); returns 0 or -1. */
static int parse_hostport(const char *v, char *host, size_t host_cap, unsigned *port)
{
    const char *colon = strrchr(v, ':');
    unsigned long long p;
    size_t hn;
    if (!colon || colon == v)
        return -1;
    hn = (size_t)(colon - v);
    if (v[0] == '[' && hn >= 2 && v[hn - 1] == ']') {
        v++;
        hn -= 2;
    }
    if (hn == 0 || hn >= host_cap || parse_num(colon + 1, 0, 65535, &p) != 0)
        return -1;
    memcpy(host, v, hn);
    host[hn] = '\0';
    *port = (unsigned)p;
    return 0;
}

int proxy_config_set(struct proxy_config *c, const char *key, const char *v, char *err,
                     size_t err_len)
{
    unsigned long long x;
    int lv;
    if (strcmp(key, "listen") == 0) {
        if (parse_hostport(v, c->listen_host, sizeof(c->listen_host), &c->listen_port) != 0)
            return set_err(err, err_len, "listen: '%s' is not HOST:PORT%s", v, "");
    } else if (strcmp(key, "openai-url") == 0 || strcmp(key, "anthropic-url") == 0 ||
               strcmp(key, "gemini-url") == 0) {
        char *dst = key[0] == 'o' ? c->openai_url : key[0] == 'a' ? c->anthropic_url : c->gemini_url;
        if (copy_url(dst, sizeof(c->openai_url), v) != 0)
            return set_err(err, err_len, "%s: '%s' is not an http:// or https:// URL", key, v);
    } else if (strcmp(key, "log") == 0) {
        if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0)
            c->log = 1;
        else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 || strcmp(v, "no") == 0)
            c->log = 0;
        else
            return set_err(err, err_len, "%s: '%s' is not true or false", key, v);
    } else if (strcmp(key, "tool-level") == 0 || strcmp(key, "user-level") == 0 ||
               strcmp(key, "assistant-level") == 0) {
        if ((lv = parse_level(v)) < PROXY_LEVEL_NONE)
            return set_err(err, err_len, "%s: '%s' is not none, exact, safe, balanced or max", key, v);
        if (key[0] == 't')
            c->tool_level = lv;
        else if (key[0] == 'u')
            c->user_level = lv;
        else
            c->assistant_level = lv;
    } else if (strcmp(key, "redis") == 0) {
        char host[256];
        unsigned port;
        if (v[0] && parse_hostport(v, host, sizeof(host), &port) != 0)
            return set_err(err, err_len, "redis: '%s' is not HOST:PORT%s", v, "");
        if (strlen(v) >= sizeof(c->redis))
            return set_err(err, err_len, "redis: '%s' is too long%s", v, "");
        strcpy(c->redis, v);
    } else {
        static const struct {
            const char *name;
            unsigned long long lo, hi;
            size_t off;
            int is_size;
        } nums[] = {
            {"min-size", 0, 1ull << 40, offsetof(struct proxy_config, min_size), 1},
            {"budget", 0, 1ull << 40, offsetof(struct proxy_config, budget), 1},
            {"cache-mb", 0, 1u << 20, offsetof(struct proxy_config, cache_mb), 1},
            {"max-body", 1024, 1ull << 32, offsetof(struct proxy_config, max_body), 1},
            {"max-header", 1024, 1u << 20, offsetof(struct proxy_config, max_header), 1},
            {"redis-ttl", 1, 1u << 31, offsetof(struct proxy_config, redis_ttl), 0},
            {"client-timeout", 1, 86400, offsetof(struct proxy_config, client_timeout), 0},
            {"upstream-timeout", 1, 86400, offsetof(struct proxy_config, upstream_timeout), 0},
            {"connect-timeout", 1, 3600, offsetof(struct proxy_config, connect_timeout), 0},
            {"max-connections", 1, 100000, offsetof(struct proxy_config, max_connections), 0},
            {"threads", 0, 256, offsetof(struct proxy_config, threads), 0},
        };
        size_t i;
        for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
            if (strcmp(key, nums[i].name) != 0)
                continue;
            if (parse_num(v, nums[i].lo, nums[i].hi, &x) != 0) {
                char range[64];
                snprintf(range, sizeof(range), " (a whole number from %llu to %llu)", nums[i].lo,
                         nums[i].hi);
                snprintf(err, err_len, "%s: '%s' is not a number%s", key, v, range);
                return -1;
            }
            if (nums[i].is_size)
                *(size_t *)(void *)((char *)c + nums[i].off) = (size_t)x;
            else
                *(unsigned *)(void *)((char *)c + nums[i].off) = (unsigned)x;
            return 0;
        }
        return set_err(err, err_len, "unknown setting '%s'%s", key, "");
    }
    return 0;
}

int proxy_config_file(struct proxy_config *c, const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    unsigned lineno = 0;
    if (!f) {
        snprintf(err, err_len, "cannot open config file %s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        char *k = line, *v, *eq, *e;
        char msg[512];
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, err_len, "%s:%u: line too long", path, lineno);
            fclose(f);
            return -1;
        }
        while (isspace((unsigned char)*k))
            k++;
        if (*k == '#' || *k == '\0')
            continue;
        eq = strchr(k, '=');
        if (!eq) {
            snprintf(err, err_len, "%s:%u: expected 'key = value'", path, lineno);
            fclose(f);
            return -1;
        }
        for (e = eq; e > k && isspace((unsigned char)e[-1]); e--)
            ;
        *e = '\0';
        v = eq + 1;
        while (isspace((unsigned char)*v))
            v++;
        for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]); e--)
            ;
        *e = '\0';
        if (proxy_config_set(c, k, v, msg, sizeof(msg)) != 0) {
            snprintf(err, err_len, "%s:%u: %s", path, lineno, msg);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}
