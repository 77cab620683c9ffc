/* http.c - POST with retries: the one place the judge touches the network.
 *
 * A request is retried on a transport error (connection refused, timeout),
 * on 429 and on any 5xx, up to o->retries more times. The delay before
 * retry k is backoff_ms * 2^k, capped at 60 s, unless the server sent
 * Retry-After (seconds or an HTTP date), which is then obeyed (also capped at 60 s):
 * providers use it to say exactly when the rate limit resets. Other 4xx
 * statuses (bad key, bad request) fail at once, since repeating them
 * cannot help. Keys travel only in headers and never appear in messages.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/common/json.h"
#include "eval.h"

void eval_response_error(const char *body, size_t len, char *err, size_t errlen)
{
    struct json_doc *d = body && len ? json_parse(body, len, NULL) : NULL;
    const struct json_value *e = d ? json_get(json_root(d), "error") : NULL, *m = NULL;
    size_t i, n;
    *err = 0;
    if (e && e->kind == JSON_OBJECT)
        m = json_get(e, "message");
    else if (e && e->kind == JSON_STRING)
        m = e;
    if (m && m->kind == JSON_STRING) {
        snprintf(err, errlen, "%.*s", (int)(m->str_len < 160 ? m->str_len : 160), m->str);
    } else if (body && len) {
        n = len < 120 ? len : 120;
        snprintf(err, errlen, "%.*s", (int)n, body);
    }
    /* one line */
    for (i = 0; err[i]; i++)
        if (err[i] == '\n' || err[i] == '\r')
            err[i] = ' ';
    json_doc_free(d);
}

void eval_http_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The handle of the calling worker thread, kept between its requests so
 * that libcurl reuses the connection (and its TLS session) to a provider
 * instead of opening one per call. */
static _Thread_local CURL *thread_handle;

void eval_http_thread_begin(void)
{
    if (!thread_handle)
        thread_handle = curl_easy_init();
}

void eval_http_thread_end(void)
{
    curl_easy_cleanup(thread_handle);
    thread_handle = NULL;
}

/* libcurl write callback: appends the body to the struct buf at ud (an
 * allocation failure is seen afterwards in buf.oom). */
static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    buf_add(ud, p, size * n);
    return size * n;
}

/* Captures Retry-After (delta-seconds form) into *(long *)ud as ms. */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    size_t len = size * n;
    if (len > 12 && strncasecmp(p, "retry-after:", 12) == 0) {
        char tmp[32];
        size_t k = len - 12 < sizeof tmp - 1 ? len - 12 : sizeof tmp - 1;
        char *end;
        double s;
        memcpy(tmp, p + 12, k);
        tmp[k] = 0;
        s = strtod(tmp, &end);
        if (end != tmp && s >= 0) {
            *(long *)ud = (long)(s * 1000);
        } else {
            /* the HTTP-date form: wait until then */
            time_t at = curl_getdate(tmp, NULL), now = time(NULL);
            if (at != -1)
                *(long *)ud = at > now ? (long)(at - now) * 1000 : 0;
        }
    }
    return len;
}

/* Sleeps ms milliseconds, resuming after signals. */
static void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0)
        ;
}

int eval_http_post(const char *url, const char *const *headers, const struct eval_http_opts *o,
                   const char *body, size_t body_len, struct buf *resp, size_t *calls, char *err,
                   size_t errlen)
{
    CURL *h = thread_handle ? thread_handle : curl_easy_init();
    struct curl_slist *hl = NULL;
    int attempt, rc = -1;
    if (!h) {
        snprintf(err, errlen, "cannot start libcurl");
        return -1;
    }
    hl = curl_slist_append(hl, "Content-Type: application/json");
    for (; headers && *headers; headers++)
        hl = curl_slist_append(hl, *headers);
    for (attempt = 0; attempt <= o->retries; attempt++) {
        long status = 0, retry_after = -1, delay;
        CURLcode cc;
        resp->len = 0;
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &retry_after);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout_s);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "terse-eval/" "0.1");
        (*calls)++;
        cc = curl_easy_perform(h);
        if (cc == CURLE_OK)
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (resp->oom) {
            snprintf(err, errlen, "out of memory reading the response of %s", url);
            break;
        }
        if (cc == CURLE_OK && status == 200) {
            rc = 0;
            break;
        }
        if (cc != CURLE_OK) {
            snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(cc));
        } else {
            char msg[200];
            eval_response_error(resp->p, resp->len, msg, sizeof msg);
            snprintf(err, errlen, "%s: HTTP %ld%s%s", url, status, *msg ? ": " : "", msg);
            if (status != 429 && status < 500)
                break;
        }
        if (attempt == o->retries)
            break;
        delay = retry_after >= 0 ? retry_after : o->backoff_ms << attempt;
        sleep_ms(delay > 60000 ? 60000 : delay);
    }
    curl_slist_free_all(hl);
    if (h != thread_handle)
        curl_easy_cleanup(h);
    return rc;
}
