/* pairs.c - reading (verbose, compressed) pairs; see pairs.h. */
#include "pairs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/json.h"
#include "../common/utf8.h"
#include "terse.h"

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether the line p[0..n) (indentation included) starts with keyword kw
 * followed by a space or tab and a word character or dot. */
static const char *keyword(const char *p, const char *end, const char *kw)
{
    size_t L = strlen(kw);
    if ((size_t)(end - p) <= L || memcmp(p, kw, L) != 0 || (p[L] != ' ' && p[L] != '\t'))
        return NULL;
    p += L;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p < end && (is_word_char(*p) || *p == '.') ? p : NULL;
}

int pairs_looks_code(const char *text, size_t n)
{
    const char *p = text, *end = text + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *q;
        if (!eol)
            eol = end;
        while (p < eol && (*p == ' ' || *p == '\t'))
            p++;
        if (keyword(p, eol, "def") || keyword(p, eol, "class") || keyword(p, eol, "import"))
            return 1;
        q = keyword(p, eol, "async");
        if (q && keyword(q, eol, "def"))
            return 1;
        q = keyword(p, eol, "from");
        if (q) {
            while (q < eol && (is_word_char(*q) || *q == '.'))
                q++;
            while (q < eol && (*q == ' ' || *q == '\t'))
                q++;
            if (keyword(q, eol, "import") || (eol - q == 6 && memcmp(q, "import", 6) == 0))
                return 1;
        }
        p = eol + 1;
    }
    return 0;
}

static const char *string_of(const struct json_value *v)
{
    return v && v->kind == JSON_STRING ? v->str : NULL;
}

/* The user and assistant texts of a chat record, or NULL. */
static int chat_texts(const struct json_value *msgs, const struct json_value **user,
                      const struct json_value **assistant)
{
    size_t i;
    *user = *assistant = NULL;
    if (!msgs || msgs->kind != JSON_ARRAY)
        return 0;
    for (i = 0; i < msgs->n; i++) {
        const char *role = string_of(json_get(&msgs->items[i], "role"));
        const struct json_value *c = json_get(&msgs->items[i], "content");
        if (!role || !c || c->kind != JSON_STRING)
            continue;
        if (strcmp(role, "user") == 0 && !*user)
            *user = c;
        else if (strcmp(role, "assistant") == 0 && !*assistant)
            *assistant = c;
    }
    return *user && *assistant;
}

static char *dup_text(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static int add(struct pair_set *ps, const char *v, size_t vn, const char *c, size_t cn, int code, size_t line)
{
    struct pair *p;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? 2 * ps->cap : 64;
        struct pair *np = realloc(ps->p, cap * sizeof *np);
        if (!np)
            return TERSE_ENOMEM;
        ps->p = np;
        ps->cap = cap;
    }
    p = &ps->p[ps->n];
    p->verbose = dup_text(v, vn);
    p->compressed = dup_text(c, cn);
    if (!p->verbose || !p->compressed) {
        free(p->verbose);
        free(p->compressed);
        return TERSE_ENOMEM;
    }
    p->vlen = vn;
    p->clen = cn;
    p->code = code;
    p->line = line;
    ps->n++;
    return TERSE_OK;
}

int pairs_read(const char *s, size_t n, struct pair_set *ps, char *err, size_t errlen)
{
    const char *p = s, *end = s + n;
    size_t line = 0, bad = utf8_first_invalid((const unsigned char *)s, n);
    char dummy[8];
    if (!err) {
        err = dummy;
        errlen = sizeof dummy;
    }
    if (bad < n) {
        size_t l = 1, i;
        for (i = 0; i < bad; i++)
            l += s[i] == '\n';
        snprintf(err, errlen, "line %zu: invalid UTF-8", l);
        return TERSE_EINVAL;
    }
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *q;
        struct json_error je;
        struct json_doc *d;
        const struct json_value *root, *v, *c, *dom;
        int rc, code;
        if (!eol)
            eol = end;
        line++;
        for (q = p; q < eol && (*q == ' ' || *q == '\t' || *q == '\r'); q++)
            ;
        if (q == eol) {
            p = eol + 1;
            continue;
        }
        d = json_parse(p, (size_t)(eol - p), &je);
        if (!d) {
            snprintf(err, errlen, "line %zu: %s", line, je.msg[0] ? je.msg : "not JSON");
            return je.msg[0] ? TERSE_EINVAL : TERSE_ENOMEM;
        }
        root = json_root(d);
        if (root->kind != JSON_OBJECT) {
            json_doc_free(d);
            snprintf(err, errlen, "line %zu: not a JSON object", line);
            return TERSE_EINVAL;
        }
        v = json_get(root, "verbose");
        c = json_get(root, "compressed");
        if (v && c && v->kind == JSON_STRING && c->kind == JSON_STRING) {
            /* fine */
        } else if (chat_texts(json_get(root, "messages"), &v, &c)) {
            if (v->str_len < 10 || memcmp(v->str, "Compress:\n", 10) != 0) {
                json_doc_free(d);
                snprintf(err, errlen, "line %zu: the user message does not start with \"Compress:\" and a line break",
                         line);
                return TERSE_EINVAL;
            }
        } else {
            json_doc_free(d);
            snprintf(err, errlen,
                     "line %zu: neither \"verbose\" and \"compressed\" strings nor a \"messages\" array with "
                     "user and assistant messages",
                     line);
            return TERSE_EINVAL;
        }
        {
            const char *vs = v->str;
            size_t vn = v->str_len;
            if (vn >= 10 && memcmp(vs, "Compress:\n", 10) == 0 && !json_get(root, "verbose")) {
                vs += 10;
                vn -= 10;
            }
            dom = json_get(root, "domain");
            if (dom && dom->kind == JSON_STRING)
                code = strcmp(dom->str, "code") == 0;
            else
                code = pairs_looks_code(vs, vn);
            rc = add(ps, vs, vn, c->str, c->str_len, code, line);
        }
        json_doc_free(d);
        if (rc != TERSE_OK) {
            snprintf(err, errlen, "out of memory");
            return rc;
        }
        p = eol + 1;
    }
    return TERSE_OK;
}

void pairs_free(struct pair_set *ps)
{
    size_t i;
    for (i = 0; i < ps->n; i++) {
        free(ps->p[i].verbose);
        free(ps->p[i].compressed);
    }
    free(ps->p);
    ps->p = NULL;
    ps->n = ps->cap = 0;
}
