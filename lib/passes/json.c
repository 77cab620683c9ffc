/* json.c - JSON validation, minification and top-level members; json.h. */
#include "json.h"

#include <string.h>

#include "../common/utf8.h"

struct jp {
    const unsigned char *s;
    size_t n, i;
    int depth;
};

static void ws(struct jp *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r'))
        p->i++;
}

static int hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int string(struct jp *p)
{
    if (p->i >= p->n || p->s[p->i] != '"')
        return 0;
    p->i++;
    while (p->i < p->n) {
        unsigned char c = p->s[p->i];
        if (c == '"') {
            p->i++;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            if (p->i + 1 >= p->n)
                return 0;
            c = p->s[p->i + 1];
            if (c == 'u') {
                if (p->i + 5 >= p->n || !hex(p->s[p->i + 2]) || !hex(p->s[p->i + 3]) ||
                    !hex(p->s[p->i + 4]) || !hex(p->s[p->i + 5]))
                    return 0;
                p->i += 6;
            } else if (strchr("\"\\/bfnrt", c) && c) {
                p->i += 2;
            } else {
                return 0;
            }
        } else if (c >= 0x80) {
            uint32_t cp;
            size_t k = utf8_decode(p->s + p->i, p->n - p->i, &cp);
            if (!k)
                return 0;
            p->i += k;
        } else {
            p->i++;
        }
    }
    return 0;
}

static int number(struct jp *p)
{
    size_t st = p->i;
    if (p->i < p->n && p->s[p->i] == '-')
        p->i++;
    if (p->i >= p->n)
        return 0;
    if (p->s[p->i] == '0')
        p->i++;
    else if (p->s[p->i] >= '1' && p->s[p->i] <= '9')
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
    else
        return 0;
    if (p->i < p->n && p->s[p->i] == '.') {
        size_t d = ++p->i;
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
        if (p->i == d)
            return 0;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        size_t d;
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        d = p->i;
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
        if (p->i == d)
            return 0;
    }
    return p->i > st;
}

static int value(struct jp *p);

static int container(struct jp *p, unsigned char open)
{
    unsigned char close = open == '{' ? '}' : ']';
    if (++p->depth > 512)
        return 0;
    p->i++;
    ws(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        p->depth--;
        return 1;
    }
    for (;;) {
        ws(p);
        if (open == '{') {
            if (!string(p))
                return 0;
            ws(p);
            if (p->i >= p->n || p->s[p->i] != ':')
                return 0;
            p->i++;
        }
        if (!value(p))
            return 0;
        ws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->n && p->s[p->i] == close) {
            p->i++;
            p->depth--;
            return 1;
        }
        return 0;
    }
}

static int literal(struct jp *p, const char *w)
{
    size_t L = strlen(w);
    if (p->i + L > p->n || memcmp(p->s + p->i, w, L) != 0)
        return 0;
    p->i += L;
    return 1;
}

static int value(struct jp *p)
{
    ws(p);
    if (p->i >= p->n)
        return 0;
    switch (p->s[p->i]) {
    case '{':
    case '[':
        return container(p, p->s[p->i]);
    case '"':
        return string(p);
    case 't':
        return literal(p, "true");
    case 'f':
        return literal(p, "false");
    case 'n':
        return literal(p, "null");
    default:
        return number(p);
    }
}

int json_valid(const char *s, size_t n)
{
    struct jp p = {(const unsigned char *)s, n, 0, 0};
    if (!value(&p))
        return 0;
    ws(&p);
    return p.i == n;
}

void json_minify(const char *s, size_t n, struct buf *out)
{
    size_t i = 0, run = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            if (j > n)
                j = n - 1;
            if (i > run)
                buf_add(out, s + run, i - run);
            buf_add(out, s + i, j + 1 - i);
            i = run = j + 1;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (i > run)
                buf_add(out, s + run, i - run);
            run = ++i;
            continue;
        }
        i++;
    }
    if (n > run)
        buf_add(out, s + run, n - run);
}

size_t json_members(const char *s, size_t n, size_t *starts, size_t *ends, size_t cap,
                    int *is_object)
{
    struct jp p = {(const unsigned char *)s, n, 0, 0};
    size_t count = 0;
    unsigned char open, close;
    ws(&p);
    if (p.i >= n || (s[p.i] != '{' && s[p.i] != '['))
        return 0;
    open = (unsigned char)s[p.i];
    close = open == '{' ? '}' : ']';
    *is_object = open == '{';
    p.i++;
    p.depth = 1;
    ws(&p);
    if (p.i < n && (unsigned char)s[p.i] == close)
        return 0;
    for (;;) {
        size_t st;
        ws(&p);
        st = p.i;
        if (open == '{') {
            if (!string(&p))
                return 0;
            ws(&p);
            if (p.i >= n || s[p.i] != ':')
                return 0;
            p.i++;
        }
        if (!value(&p))
            return 0;
        if (count < cap) {
            starts[count] = st;
            ends[count] = p.i;
        }
        count++;
        ws(&p);
        if (p.i < n && s[p.i] == ',') {
            p.i++;
            continue;
        }
        return count < cap ? count : cap;
    }
}
