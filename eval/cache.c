/* cache.c - the judge's response cache: one SQLite table keyed by the
 * whole request (provider, model, parameters and prompt).
 *
 * Every reply is committed as soon as it arrives, so a run that is killed
 * keeps what it paid for and a rerun asks only for what is missing: the
 * cache is also the resume mechanism. The key is the request text itself,
 * not a hash of it, so two requests can never share a reply by accident.
 * Calls are serialized by the caller (one connection, one mutex).
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "eval.h"

struct eval_cache {
    sqlite3 *db;
    sqlite3_stmt *get, *put;
};

/* mkdir -p of the directory part of path. */
static int make_parent(const char *path)
{
    char tmp[4096];
    size_t i, n = strlen(path);
    if (n >= sizeof tmp)
        return -1;
    memcpy(tmp, path, n + 1);
    for (i = 1; i < n; i++) {
        if (tmp[i] != '/')
            continue;
        tmp[i] = 0;
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
            return -1;
        tmp[i] = '/';
    }
    return 0;
}

void eval_cache_default_path(char *out, size_t outlen)
{
    const char *v = getenv("TERSE_CACHE"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    if (v && *v)
        snprintf(out, outlen, "%s", v);
    else if (x && *x)
        snprintf(out, outlen, "%s/terse/cache.sqlite", x);
    else
        snprintf(out, outlen, "%s/.cache/terse/cache.sqlite", h && *h ? h : ".");
}

/* Runs sql, trying again for up to 5 s while another connection holds a
 * lock. The busy timeout does not cover this case: two connections that
 * set WAL mode and create the table at once (two `terse compress
 * --backend` starting together on a new cache) each hold a read lock and
 * want a write lock, which SQLite takes for a deadlock and fails at once
 * with SQLITE_BUSY, without waiting; the statements are idempotent, so
 * running them again once the other is done is safe. Returns an SQLite
 * status. */
static int exec_waiting(sqlite3 *db, const char *sql)
{
    struct timespec pause = {0, 20 * 1000 * 1000};
    int rc, tries;
    for (tries = 0;; tries++) {
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= 250)
            return rc;
        nanosleep(&pause, NULL);
    }
}

struct eval_cache *eval_cache_open(const char *path, char *err, size_t errlen)
{
    struct eval_cache *c = calloc(1, sizeof *c);
    const char *schema = "PRAGMA journal_mode=WAL;"
                         "CREATE TABLE IF NOT EXISTS replies(key TEXT PRIMARY KEY, reply TEXT NOT NULL,"
                         " created INTEGER NOT NULL DEFAULT (strftime('%s','now')));";
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (make_parent(path) != 0 || sqlite3_open(path, &c->db) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open the cache '%s': %s", path,
                 c->db ? sqlite3_errmsg(c->db) : strerror(errno));
        goto fail;
    }
    sqlite3_busy_timeout(c->db, 5000);
    if (exec_waiting(c->db, schema) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "SELECT reply FROM replies WHERE key = ?1", -1, &c->get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO replies(key, reply) VALUES (?1, ?2)", -1, &c->put,
                           NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot use the cache '%s': %s", path, sqlite3_errmsg(c->db));
        goto fail;
    }
    return c;
fail:
    eval_cache_close(c);
    return NULL;
}

void eval_cache_close(struct eval_cache *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->get);
    sqlite3_finalize(c->put);
    sqlite3_close(c->db);
    free(c);
}

char *eval_cache_get(struct eval_cache *c, const char *key, size_t key_len)
{
    char *r = NULL;
    sqlite3_bind_text(c->get, 1, key, (int)key_len, SQLITE_STATIC);
    if (sqlite3_step(c->get) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(c->get, 0);
        r = strdup(t ? (const char *)t : "");
    }
    sqlite3_reset(c->get);
    sqlite3_clear_bindings(c->get);
    return r;
}

int eval_cache_put(struct eval_cache *c, const char *key, size_t key_len, const char *reply)
{
    int rc;
    sqlite3_bind_text(c->put, 1, key, (int)key_len, SQLITE_STATIC);
    sqlite3_bind_text(c->put, 2, reply, -1, SQLITE_STATIC);
    rc = sqlite3_step(c->put);
    sqlite3_reset(c->put);
    sqlite3_clear_bindings(c->put);
    return rc == SQLITE_DONE ? 0 : -1;
}
