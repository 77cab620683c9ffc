/* batch.c - `terse compress` over many inputs on many threads; see batch.h.
 *
 * The inputs become a list of jobs (one per file, or one per JSON Lines
 * record). Worker threads take the next job from a shared counter and
 * compress it into the job's own buffers (records 16 at a time); the main
 * thread writes the jobs' outputs strictly in input order as each one is
 * done, so the output is the same bytes whatever the number of threads.
 * Workers run at most a window of jobs ahead of the writer, so memory
 * stays bounded by the window, not by the number of inputs (a JSON Lines
 * input is itself read whole, like every terse input). One terse_ctx serves every job without options of its own:
 * contexts are immutable and terse_compress is thread-safe.
 */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/common/json.h"
#include "../lib/common/utf8.h"

#define MAX_THREADS 1024
#define EXIT_USAGE 1
#define EXIT_INTERNAL 2

/* ---- output formats (shared with the one-file path) ---------------------- */

static void add_json_text(struct buf *out, const char *s, size_t n)
{
    size_t i;
    char esc[8];
    buf_addc(out, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            buf_addc(out, '\\');
            buf_addc(out, (char)c);
        } else if (c == '\n') {
            buf_adds(out, "\\n");
        } else if (c == '\t') {
            buf_adds(out, "\\t");
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            buf_adds(out, esc);
        } else {
            buf_addc(out, (char)c);
        }
    }
    buf_addc(out, '"');
}

static void addf(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns b's bytes as a C string (buf keeps room for the NUL), or NULL
 * after an allocation failure. */
static const char *cstr(struct buf *b)
{
    if (b->oom)
        return NULL;
    if (!b->p)
        return "";
    b->p[b->len] = 0;
    return b->p;
}

static void addf(struct buf *out, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        buf_add(out, small, (size_t)n);
        return;
    }
    if (buf_reserve(out, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(out->p + out->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    out->len += (size_t)n;
}

void batch_result_json(struct buf *out, const char *fields, const terse_result *r,
                       const terse_tokenizer *t)
{
    buf_addc(out, '{');
    if (fields) {
        buf_adds(out, fields);
        buf_addc(out, ',');
    }
    buf_adds(out, "\"text\":");
    add_json_text(out, r->text, r->len);
    addf(out,
         ",\"tokens_in\":%zu,\"tokens_out\":%zu,\"tokenizer\":\"%s\",\"exact\":%s,"
         "\"level\":\"%s\",\"type\":\"%s\",\"segments\":%zu,\"dropped\":%zu,"
         "\"duplicates\":%zu,\"guard_fallbacks\":%zu,\"parse_errors\":%zu,\"elided\":%zu}",
         r->tokens_in, r->tokens_out, terse_tokenizer_name(t), terse_tokenizer_is_exact(t) ? "true" : "false",
         terse_level_name(r->level), terse_type_name(r->type), r->segments, r->segments_dropped,
         r->duplicates, r->guard_fallbacks, r->parse_errors, r->elided);
}

/* Appends "N one" or "N many" (thread-safe, unlike a static buffer). */
static void add_count(struct buf *out, size_t n, const char *one, const char *many)
{
    addf(out, "%zu %s", n, n == 1 ? one : many);
}

void batch_stats_line(struct buf *out, const char *label, const terse_result *r,
                      const terse_tokenizer *t)
{
    buf_adds(out, "terse: ");
    if (label) {
        buf_adds(out, label);
        buf_adds(out, ": ");
    }
    addf(out, "%zu -> ", r->tokens_in);
    add_count(out, r->tokens_out, "token", "tokens");
    addf(out, " (%.1f%% fewer) on %s%s, level %s, type %s, ",
         r->tokens_in ? 100.0 * (double)(r->tokens_in - r->tokens_out) / (double)r->tokens_in : 0.0,
         terse_tokenizer_name(t), terse_tokenizer_is_exact(t) ? "" : " (an estimate)",
         terse_level_name(r->level), terse_type_name(r->type));
    add_count(out, r->segments, "segment", "segments");
    addf(out, ", %zu dropped, ", r->segments_dropped);
    add_count(out, r->duplicates, "duplicate", "duplicates");
    buf_adds(out, ", ");
    add_count(out, r->guard_fallbacks, "guard fallback", "guard fallbacks");
    if (r->type == TERSE_TYPE_CODE || r->parse_errors || r->elided) {
        /* parse_errors counts files (in markdown: fenced blocks) whose parse
         * had errors, not the errors */
        addf(out, ", %zu elided, ", r->elided);
        if (r->type == TERSE_TYPE_CODE)
            add_count(out, r->parse_errors, "file", "files");
        else
            add_count(out, r->parse_errors, "block", "blocks");
        buf_adds(out, " with parse errors");
    }
    buf_addc(out, '\n');
}

void batch_error_text(struct buf *out, int rc, const terse_result *r, size_t budget,
                      const terse_tokenizer *t)
{
    if (rc == TERSE_EBUDGET) {
        buf_adds(out, "a budget of ");
        add_count(out, budget, "token", "tokens");
        addf(out, " cannot be met: the smallest that can is %zu (%s); give a larger --budget", r->min_tokens,
             terse_tokenizer_name(t));
    } else {
        addf(out, "compress: %s", terse_strerror(rc));
    }
}

/* ---- jobs --------------------------------------------------------------------- */

struct job {
    /* a file: path (owned) and where its output goes (owned; NULL: stdout) */
    char *path;
    char *out_path;
    /* a JSON Lines record: line[0..line_len) of the input, line number */
    const char *line;
    size_t line_len, line_no;
    /* the result, filled by a worker */
    struct buf out;  /* bytes for stdout or out_path */
    struct buf err;  /* a message for stderr (lines), or empty */
    size_t tokens_in, tokens_out;
    int status;      /* 0, EXIT_USAGE, EXIT_INTERNAL */
    int skip;        /* failed before the run: nothing to do */
    int done;        /* (under the run's lock) the result is complete */
};

struct run {
    const struct batch *b;
    const terse_ctx *ctx;  /* the command line's options (files: no name) */
    struct job *jobs;
    size_t n_jobs;
    size_t next;           /* the next job to take */
    size_t written;        /* jobs written out so far */
    size_t window;         /* workers stay at most this many jobs ahead of the writer */
    size_t chunk;          /* jobs a worker takes at a time (records are small) */
    int main_waiting;      /* the writer waits on done_cv */
    size_t workers_waiting; /* workers wait on space_cv */
    pthread_mutex_t mu;
    pthread_cond_t done_cv, space_cv;
};

static void job_fail(struct job *j, int status, const char *label, const char *msg)
{
    j->status = status;
    buf_adds(&j->err, "terse: ");
    if (label) {
        buf_adds(&j->err, label);
        buf_adds(&j->err, ": ");
    }
    buf_adds(&j->err, msg);
    buf_addc(&j->err, '\n');
}

/* Reads all of path ("-": stdin) into a new buffer; NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = stdin;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int saved;
    if (strcmp(path, "-") != 0 && !(f = fopen(path, "rb")))
        return NULL;
    for (;;) {
        size_t got;
        if (n == cap) {
            char *p;
            cap = cap ? cap * 2 : 65536;
            if (!(p = realloc(buf, cap))) {
                free(buf);
                if (f != stdin)
                    fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    saved = errno;
    if (ferror(f)) {
        free(buf);
        if (f != stdin)
            fclose(f);
        errno = saved ? saved : EIO;
        return NULL;
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

/* Compresses one file into its job. */
static void run_file(const struct run *run, struct job *j)
{
    const struct batch *b = run->b;
    terse_options o = b->opt;
    terse_ctx *ctx;
    terse_result r;
    char *text;
    size_t len;
    int rc;
    if (!(text = slurp(j->path, &len))) {
        int e = errno;
        struct buf m = {0};
        addf(&m, "cannot read: %s", strerror(e));
        job_fail(j, e == ENOMEM ? EXIT_INTERNAL : EXIT_USAGE, j->path, m.oom ? "cannot read" : cstr(&m));
        buf_free(&m);
        return;
    }
    /* the file's name picks the language of code: a context of its own */
    o.name = strcmp(j->path, "-") != 0 ? j->path : NULL;
    if (!(ctx = terse_ctx_new(&o, &rc))) {
        free(text);
        job_fail(j, rc == TERSE_ENOMEM ? EXIT_INTERNAL : EXIT_USAGE, j->path, terse_strerror(rc));
        return;
    }
    rc = terse_compress(ctx, text, len, &r);
    free(text);
    terse_ctx_free(ctx);
    if (rc != TERSE_OK) {
        struct buf m = {0};
        batch_error_text(&m, rc, &r, o.budget, o.tokenizer);
        job_fail(j, rc == TERSE_ENOMEM ? EXIT_INTERNAL : EXIT_USAGE, j->path, m.oom ? "compress failed" : cstr(&m));
        buf_free(&m);
        if (rc == TERSE_EBUDGET)
            terse_result_free(&r);
        return;
    }
    if (b->json) {
        struct buf f = {0};
        buf_adds(&f, "\"file\":");
        add_json_text(&f, j->path, strlen(j->path));
        batch_result_json(&j->out, cstr(&f), &r, o.tokenizer);
        buf_addc(&j->out, '\n');
        buf_free(&f);
    } else {
        buf_add(&j->out, r.text, r.len);
        if (r.len && r.text[r.len - 1] != '\n')
            buf_addc(&j->out, '\n');
    }
    if (b->stats)
        batch_stats_line(&j->err, j->path, &r, o.tokenizer);
    j->tokens_in = r.tokens_in;
    j->tokens_out = r.tokens_out;
    terse_result_free(&r);
    if (j->out.oom || j->err.oom)
        j->status = EXIT_INTERNAL;
}

/* The fields a record may have besides id and text. */
static const char record_fields[] =
    "id, text, level, type, query, budget, model, tokenizer, lang, name, keep_recent, compress_system";

/* Returns how many bytes of s (valid UTF-8) to quote in a message: all,
 * or at most max without cutting a character. */
static int clip(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return (int)n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return (int)max;
}

/* Reads a non-negative integer JSON number; returns 0 or -1. */
static int record_count(const struct json_value *v, size_t *n)
{
    size_t i, x = 0;
    if (v->kind != JSON_NUMBER || v->raw_len == 0 || v->raw_len > 18)
        return -1;
    for (i = 0; i < v->raw_len; i++) {
        if (v->raw[i] < '0' || v->raw[i] > '9')
            return -1;
        x = x * 10 + (size_t)(v->raw[i] - '0');
    }
    *n = x;
    return 0;
}

/* Applies a record's options over the command line's into *o; returns
 * NULL, or a message naming the bad field (written to msg). *own is set
 * when the record has options, so it needs a context of its own. */
static const char *record_options(const struct batch *b, const struct json_value *rec, terse_options *o,
                                  const struct json_value **text, const struct json_value **id, int *own,
                                  char *msg, size_t msg_len)
{
    size_t i;
    int level_given = b->level_given, budget_given = 0;
    *own = 0;
    *text = *id = NULL;
    if (rec->kind != JSON_OBJECT)
        return "a record must be a JSON object with a \"text\" string";
    for (i = 0; i < rec->n; i++) {
        const char *k = rec->keys[i].str;
        const struct json_value *v = &rec->items[i];
        int is_str = v->kind == JSON_STRING;
        if (strcmp(k, "id") == 0) {
            *id = v;
            continue;
        }
        if (strcmp(k, "text") == 0) {
            if (!is_str)
                return "\"text\" must be a string";
            *text = v;
            continue;
        }
        *own = 1;
        if (strcmp(k, "level") == 0) {
            if (!is_str || (o->level = terse_level_parse(v->str)) < 0)
                return "\"level\" must be one of \"exact\", \"safe\", \"balanced\", \"max\"";
            level_given = 1;
        } else if (strcmp(k, "type") == 0) {
            if (!is_str || (o->type = terse_type_parse(v->str)) < 0)
                return "\"type\" must be one of \"auto\", \"prose\", \"code\", \"json\", \"log\", "
                       "\"memory\", \"chat\"";
        } else if (strcmp(k, "query") == 0) {
            if (v->kind == JSON_NULL) {
                o->query = NULL;
                o->query_len = 0;
            } else if (!is_str) {
                return "\"query\" must be a string";
            } else {
                o->query = v->str;
                o->query_len = v->str_len;
            }
        } else if (strcmp(k, "budget") == 0) {
            size_t n;
            if (v->kind == JSON_NULL) {
                o->budget = 0;
            } else if (record_count(v, &n) != 0 || n == 0) {
                return "\"budget\" must be a positive whole number of tokens";
            } else {
                o->budget = n;
                budget_given = 1;
            }
        } else if (strcmp(k, "model") == 0 || strcmp(k, "tokenizer") == 0) {
            const terse_tokenizer *t = is_str ? terse_tokenizer_find(v->str) : NULL;
            if (!t) {
                const char *name = is_str ? v->str : "(not a string)";
                snprintf(msg, msg_len, "unknown %s %s%.*s%s", k, is_str ? "'" : "", clip(name, 60), name,
                         is_str ? "'" : "");
                return msg;
            }
            o->tokenizer = t;
        } else if (strcmp(k, "lang") == 0) {
            if (!is_str || terse_lang_parse(v->str) < 0) {
                const char *name = is_str ? v->str : "(not a string)";
                snprintf(msg, msg_len, "unknown language %s%.*s%s", is_str ? "'" : "", clip(name, 60), name,
                         is_str ? "'" : "");
                return msg;
            }
            o->lang = v->str;
        } else if (strcmp(k, "name") == 0) {
            if (!is_str)
                return "\"name\" must be a string";
            o->name = v->str;
        } else if (strcmp(k, "keep_recent") == 0) {
            if (record_count(v, &o->keep_recent) != 0)
                return "\"keep_recent\" must be a whole number of messages";
        } else if (strcmp(k, "compress_system") == 0) {
            if (v->kind != JSON_TRUE && v->kind != JSON_FALSE)
                return "\"compress_system\" must be true or false";
            o->compress_system = v->kind == JSON_TRUE;
        } else {
            snprintf(msg, msg_len, "unknown field '%.*s' (fields: %s)", clip(k, 40), k, record_fields);
            return msg;
        }
    }
    if (!*text)
        return "a record needs a \"text\" string";
    /* as on the command line: with a budget, every level is tried unless
     * a level is given */
    if (budget_given && !level_given)
        o->level = TERSE_LEVEL_MAX;
    return NULL;
}

int batch_record(const struct batch *b, const terse_ctx *ctx, const char *line, size_t n, size_t line_no,
                 struct buf *out, struct buf *err, size_t *tokens_in, size_t *tokens_out)
{
    struct json_error je;
    struct json_doc *d;
    const struct json_value *text = NULL, *id = NULL;
    struct buf fields = {0};
    char msgbuf[256];
    const char *msg = NULL;
    unsigned char *fixed = NULL;
    terse_options o = b->opt;
    terse_ctx *own_ctx = NULL;
    terse_result r;
    int own = 0, rc, status = 0;

    /* the JSON reader takes valid UTF-8: repair first, as every input is */
    if (utf8_first_invalid((const unsigned char *)line, n) < n) {
        size_t m = utf8_repaired_len((const unsigned char *)line, n);
        if (!(fixed = malloc(m))) {
            addf(err, "line %zu: out of memory", line_no);
            return EXIT_INTERNAL;
        }
        n = utf8_repair((const unsigned char *)line, n, fixed);
        line = (const char *)fixed;
    }
    d = json_parse(line, n, &je);
    free(fixed);
    if (!d) {
        snprintf(msgbuf, sizeof msgbuf, "column %zu: %s", je.col, je.msg);
        msg = msgbuf;
    } else {
        msg = record_options(b, json_root(d), &o, &text, &id, &own, msgbuf, sizeof msgbuf);
    }
    buf_adds(&fields, "\"id\":");
    if (id)
        json_write(id, &fields);
    else
        buf_adds(&fields, "null");
    if (!msg && own) {
        if (!(own_ctx = terse_ctx_new(&o, &rc))) {
            msg = terse_strerror(rc);
            if (rc == TERSE_ENOMEM)
                status = EXIT_INTERNAL;
        }
    }
    if (!msg) {
        rc = terse_compress(own ? own_ctx : ctx, text->str, text->str_len, &r);
        if (rc == TERSE_OK) {
            batch_result_json(out, cstr(&fields), &r, o.tokenizer);
            buf_addc(out, '\n');
            *tokens_in += r.tokens_in;
            *tokens_out += r.tokens_out;
            terse_result_free(&r);
        } else {
            struct buf m = {0};
            batch_error_text(&m, rc, &r, o.budget, o.tokenizer);
            if (rc == TERSE_EBUDGET)
                terse_result_free(&r);
            snprintf(msgbuf, sizeof msgbuf, "%s", m.oom ? "compress failed" : cstr(&m));
            buf_free(&m);
            msg = msgbuf;
            if (rc == TERSE_ENOMEM)
                status = EXIT_INTERNAL;
        }
    }
    terse_ctx_free(own_ctx);
    if (msg) {
        /* the error takes the record's place in the output */
        buf_addc(out, '{');
        buf_add(out, fields.p, fields.len);
        buf_adds(out, ",\"error\":");
        add_json_text(out, msg, strlen(msg));
        buf_adds(out, "}\n");
        if (!status)
            status = EXIT_USAGE;
        addf(err, "line %zu: %s", line_no, msg);
    }
    json_doc_free(d);
    if (out->oom || err->oom || fields.oom)
        status = EXIT_INTERNAL;
    buf_free(&fields);
    return status;
}

static void run_record(const struct run *run, struct job *j)
{
    j->status = batch_record(run->b, run->ctx, j->line, j->line_len, j->line_no, &j->out, &j->err,
                             &j->tokens_in, &j->tokens_out);
}

static void run_job(const struct run *run, struct job *j)
{
    if (j->skip)
        return;
    if (run->b->jsonl)
        run_record(run, j);
    else
        run_file(run, j);
}

static void *worker(void *arg)
{
    struct run *run = arg;
    for (;;) {
        size_t i, k, m;
        pthread_mutex_lock(&run->mu);
        while (run->next < run->n_jobs && run->next >= run->written + run->window) {
            run->workers_waiting++;
            pthread_cond_wait(&run->space_cv, &run->mu);
            run->workers_waiting--;
        }
        if (run->next >= run->n_jobs) {
            pthread_mutex_unlock(&run->mu);
            return NULL;
        }
        i = run->next;
        k = run->n_jobs - i < run->chunk ? run->n_jobs - i : run->chunk;
        run->next += k;
        pthread_mutex_unlock(&run->mu);
        for (m = 0; m < k; m++)
            run_job(run, &run->jobs[i + m]);
        pthread_mutex_lock(&run->mu);
        for (m = 0; m < k; m++)
            run->jobs[i + m].done = 1;
        if (run->main_waiting)
            pthread_cond_signal(&run->done_cv);
        pthread_mutex_unlock(&run->mu);
    }
}

/* ---- inputs ------------------------------------------------------------------- */

struct list {
    char **p;
    size_t n, cap;
};

static int list_add(struct list *l, char *s)
{
    if (!s)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **q = realloc(l->p, cap * sizeof *q);
        if (!q) {
            free(s);
            return -1;
        }
        l->p = q;
        l->cap = cap;
    }
    l->p[l->n++] = s;
    return 0;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), c = strlen(name);
    char *s = malloc(a + c + 2);
    if (!s)
        return NULL;
    memcpy(s, dir, a);
    if (a && dir[a - 1] == '/')
        a--;
    s[a] = '/';
    memcpy(s + a + 1, name, c + 1);
    return s;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the regular files under dir to l, in name order, depth first.
 * Symbolic links to directories are not followed (no cycles); links to
 * files are. Returns 0, or an exit status after saying what failed. */
static int add_tree(struct list *l, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct list names = {0};
    size_t i;
    int status = 0;
    if (!d) {
        fprintf(stderr, "terse: %s: cannot read the directory: %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (list_add(&names, join(dir, e->d_name)) != 0) {
            status = EXIT_INTERNAL;
            break;
        }
    }
    closedir(d);
    if (names.n)
        qsort(names.p, names.n, sizeof *names.p, by_name);
    for (i = 0; i < names.n; i++) {
        struct stat st;
        char *p = names.p[i];
        names.p[i] = NULL;
        if (status || lstat(p, &st) != 0) {
            free(p);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            status = add_tree(l, p);
            free(p);
        } else if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && stat(p, &st) == 0 && S_ISREG(st.st_mode))) {
            if (list_add(l, p) != 0)
                status = EXIT_INTERNAL;
        } else {
            free(p);
        }
    }
    free(names.p);
    if (status == EXIT_INTERNAL)
        fprintf(stderr, "terse: out of memory listing '%s'\n", dir);
    return status;
}

/* The inputs: FILE arguments, directories expanded with -r. */
static int list_inputs(const struct batch *b, struct list *l)
{
    size_t i;
    if (b->n_files == 0)
        return list_add(l, strdup("-")) == 0 ? 0 : EXIT_INTERNAL;
    for (i = 0; i < b->n_files; i++) {
        struct stat st;
        const char *f = b->files[i];
        if (strcmp(f, "-") != 0 && stat(f, &st) == 0 && S_ISDIR(st.st_mode)) {
            int rc;
            if (!b->recursive) {
                fprintf(stderr, "terse: '%s' is a directory (give -r to compress the files in it)\n", f);
                return EXIT_USAGE;
            }
            if ((rc = add_tree(l, f)) != 0)
                return rc;
        } else if (list_add(l, strdup(f)) != 0) {
            return EXIT_INTERNAL;
        }
    }
    return 0;
}

/* Where a file's output goes: DIR/PATH for -o (the path as given, less a
 * leading "/" or "./"), PATH+SUF for --suffix, NULL for stdout. Sets *why
 * and returns NULL when the path cannot be mirrored. */
static char *output_path(const struct batch *b, const char *path, const char **why)
{
    const char *p = path, *s;
    size_t n;
    char *out;
    *why = NULL;
    if (!b->outdir && !b->suffix)
        return NULL;
    if (strcmp(path, "-") == 0) {
        *why = "standard input has no name to write under (-o and --suffix need files)";
        return NULL;
    }
    if (b->suffix) {
        n = strlen(path) + strlen(b->suffix) + 1;
        if ((out = malloc(n)) != NULL)
            snprintf(out, n, "%s%s", path, b->suffix);
        else
            *why = "out of memory";
        return out;
    }
    for (;;) {
        if (*p == '/')
            p++;
        else if (p[0] == '.' && p[1] == '/')
            p += 2;
        else
            break;
    }
    for (s = p; *s; s++) {
        if ((s == p || s[-1] == '/') && s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == 0)) {
            *why = "a path with '..' cannot be mirrored under -o DIR";
            return NULL;
        }
    }
    if (!*p) {
        *why = "no file name to write under -o DIR";
        return NULL;
    }
    if (!(out = join(b->outdir, p)))
        *why = "out of memory";
    return out;
}

/* Makes the directories that path's file goes in; returns 0 or -1. */
static int make_parents(char *path)
{
    char *s;
    for (s = path + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            *s = '/';
            return -1;
        }
        *s = '/';
    }
    return 0;
}

/* Splits text into JSON Lines jobs (blank lines are skipped). */
static int add_records(struct job **jobs, size_t *n, size_t *cap, const char *text, size_t len)
{
    size_t at = 0, line_no = 0;
    while (at < len) {
        const char *s = text + at, *nl = memchr(s, '\n', len - at);
        size_t m = nl ? (size_t)(nl - s) : len - at, k;
        at += m + (nl ? 1 : 0);
        line_no++;
        for (k = 0; k < m && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'); k++)
            ;
        if (k == m)
            continue;
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 1024;
            struct job *q = realloc(*jobs, c * sizeof *q);
            if (!q)
                return -1;
            *jobs = q;
            *cap = c;
        }
        memset(&(*jobs)[*n], 0, sizeof **jobs);
        (*jobs)[*n].line = s;
        (*jobs)[*n].line_len = m && s[m - 1] == '\r' ? m - 1 : m;
        (*jobs)[*n].line_no = line_no;
        (*n)++;
    }
    return 0;
}

/* ---- the run ------------------------------------------------------------------ */

static long cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

/* Writes job j's output (stdout, or its file when it succeeded) and its
 * stderr lines; returns 0, or the status of a failed write. */
static int emit(struct job *j)
{
    int status = 0;
    if (j->err.len)
        fwrite(j->err.p, 1, j->err.len, stderr);
    if (j->out_path && j->status == 0) {
        FILE *f;
        if (make_parents(j->out_path) != 0 || !(f = fopen(j->out_path, "wb"))) {
            fprintf(stderr, "terse: %s: cannot write '%s': %s\n", j->path, j->out_path, strerror(errno));
            status = EXIT_USAGE;
        } else {
            int bad = fwrite(j->out.p ? j->out.p : "", 1, j->out.len, f) != j->out.len;
            if (fclose(f) != 0 || bad) {
                fprintf(stderr, "terse: %s: cannot write '%s': %s\n", j->path, j->out_path,
                        strerror(errno));
                status = EXIT_USAGE;
            }
        }
    } else if (!j->out_path && j->out.len) {
        fwrite(j->out.p, 1, j->out.len, stdout);
    }
    buf_free(&j->out);
    buf_free(&j->err);
    return status;
}

int batch_compress(const struct batch *b)
{
    struct list inputs = {0};
    struct run run;
    struct job *jobs = NULL;
    char **texts = NULL; /* --jsonl: the inputs read whole */
    size_t n_jobs = 0, cap = 0, i, failed = 0, t_in = 0, t_out = 0;
    long n_threads = b->threads > 0 ? b->threads : cores();
    pthread_t *tids = NULL;
    long started = 0;
    int status = 0, rc;
    struct buf first_error = {0};
    terse_ctx *ctx = NULL;

    if ((rc = list_inputs(b, &inputs)) != 0) {
        for (i = 0; i < inputs.n; i++)
            free(inputs.p[i]);
        free(inputs.p);
        if (rc == EXIT_INTERNAL)
            fprintf(stderr, "terse: out of memory\n");
        return rc;
    }
    if (!(ctx = terse_ctx_new(&b->opt, &rc))) {
        fprintf(stderr, "terse: compress: %s\n", terse_strerror(rc));
        status = rc == TERSE_ENOMEM ? EXIT_INTERNAL : EXIT_USAGE;
        goto out;
    }
    if (b->jsonl) {
        if (!(texts = calloc(inputs.n ? inputs.n : 1, sizeof *texts)))
            goto oom;
        for (i = 0; i < inputs.n; i++) {
            size_t len;
            if (!(texts[i] = slurp(inputs.p[i], &len))) {
                fprintf(stderr, "terse: cannot read '%s': %s\n", inputs.p[i], strerror(errno));
                status = errno == ENOMEM ? EXIT_INTERNAL : EXIT_USAGE;
                goto out;
            }
            if (add_records(&jobs, &n_jobs, &cap, texts[i], len) != 0)
                goto oom;
        }
    } else {
        if (!(jobs = calloc(inputs.n ? inputs.n : 1, sizeof *jobs)))
            goto oom;
        for (i = 0; i < inputs.n; i++) {
            const char *why;
            jobs[i].path = inputs.p[i];
            inputs.p[i] = NULL;
            jobs[i].out_path = output_path(b, jobs[i].path, &why);
            if (why) {
                /* decided before any work: this input fails, the rest run */
                job_fail(&jobs[i], EXIT_USAGE, jobs[i].path, why);
                jobs[i].skip = 1;
            }
        }
        n_jobs = inputs.n;
    }

    memset(&run, 0, sizeof run);
    run.b = b;
    run.ctx = ctx;
    run.jobs = jobs;
    run.n_jobs = n_jobs;
    /* a record is ~100 us of work: taking 16 at a time keeps the locking
     * and wake-ups (one per chunk, not per record) out of the profile */
    run.chunk = b->jsonl ? 16 : 1;
    run.window = (size_t)n_threads * run.chunk * 4 + 16;
    if (n_threads > (long)n_jobs)
        n_threads = (long)(n_jobs ? n_jobs : 1);
    pthread_mutex_init(&run.mu, NULL);
    pthread_cond_init(&run.done_cv, NULL);
    pthread_cond_init(&run.space_cv, NULL);
    if (n_threads > 1) {
        if (!(tids = calloc((size_t)n_threads, sizeof *tids)))
            goto oom_run;
        for (started = 0; started < n_threads; started++)
            if (pthread_create(&tids[started], NULL, worker, &run) != 0)
                break;
        if (started == 0)
            n_threads = 1; /* no thread could start: do the work here */
    }
    for (i = 0; i < n_jobs; i++) {
        struct job *j = &jobs[i];
        int s;
        if (started == 0) {
            run_job(&run, j);
        } else {
            pthread_mutex_lock(&run.mu);
            while (!j->done) {
                run.main_waiting = 1;
                pthread_cond_wait(&run.done_cv, &run.mu);
                run.main_waiting = 0;
            }
            pthread_mutex_unlock(&run.mu);
        }
        t_in += j->tokens_in;
        t_out += j->tokens_out;
        if (j->status && ++failed == 1 && b->jsonl) {
            /* a record's error is in its output line; stderr gets one
             * summary line at the end, naming the first failure */
            first_error = j->err;
            memset(&j->err, 0, sizeof j->err);
        }
        if (b->jsonl)
            buf_free(&j->err);
        s = emit(j);
        if (s > status)
            status = s;
        if (j->status > status)
            status = j->status;
        if (started) {
            pthread_mutex_lock(&run.mu);
            run.written = i + 1;
            if (run.workers_waiting)
                pthread_cond_broadcast(&run.space_cv);
            pthread_mutex_unlock(&run.mu);
        }
    }
    for (i = 0; i < (size_t)started; i++)
        pthread_join(tids[i], NULL);
    if (b->jsonl && failed) {
        if (failed == 1)
            fprintf(stderr, "terse: %s\n", first_error.oom ? "a record failed" : cstr(&first_error));
        else
            fprintf(stderr, "terse: %zu of %zu records failed (each has an \"error\" in its output line); "
                            "the first, %s\n",
                    failed, n_jobs, first_error.oom ? "?" : cstr(&first_error));
    }
    buf_free(&first_error);
    if (b->stats)
        fprintf(stderr, "terse: %zu %s, %zu failed, %zu -> %zu tokens (%.1f%% fewer) on %s, %ld thread%s\n",
                n_jobs, b->jsonl ? "records" : "files", failed, t_in, t_out,
                t_in ? 100.0 * (double)(t_in - t_out) / (double)t_in : 0.0,
                terse_tokenizer_name(b->opt.tokenizer), n_threads, n_threads == 1 ? "" : "s");
    goto done_run;
oom_run:
    status = EXIT_INTERNAL;
    fprintf(stderr, "terse: out of memory\n");
done_run:
    free(tids);
    pthread_mutex_destroy(&run.mu);
    pthread_cond_destroy(&run.done_cv);
    pthread_cond_destroy(&run.space_cv);
    goto out;
oom:
    status = EXIT_INTERNAL;
    fprintf(stderr, "terse: out of memory\n");
out:
    for (i = 0; jobs && i < n_jobs; i++) {
        free(jobs[i].path);
        free(jobs[i].out_path);
        buf_free(&jobs[i].out);
        buf_free(&jobs[i].err);
    }
    free(jobs);
    for (i = 0; i < inputs.n; i++) {
        free(inputs.p[i]);
        if (texts)
            free(texts[i]);
    }
    free(inputs.p);
    free(texts);
    terse_ctx_free(ctx);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "terse: cannot write output: %s\n", strerror(errno));
        status = EXIT_INTERNAL;
    }
    return status;
}
