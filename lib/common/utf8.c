/* utf8.c - UTF-8 validation and WHATWG-style repair; see utf8.h. */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* TERSE_OK, TERSE_ENOMEM; a relative path, because tools/mkvocab.c
 * compiles this file without -Iinclude */
#include "../../include/terse.h"

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0) {
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
        if (n < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    {
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (n < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
              ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
}

/* The WHATWG decoder consumes a lead byte and then as many continuation
 * bytes as remain valid for that lead; the whole prefix is one error. */
size_t utf8_invalid_span(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t need, i;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0xC2 || c > 0xF4)
        return 1;
    if (c < 0xE0)
        need = 1;
    else if (c < 0xF0) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    }
    for (i = 1; i <= need && i < n; i++) {
        if (s[i] < lo || s[i] > hi)
            break;
        lo = 0x80;
        hi = 0xBF;
    }
    return i;
}

size_t utf8_first_invalid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k;
        /* skip ASCII eight bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
}

size_t utf8_repaired_len(const unsigned char *s, size_t n)
{
    size_t i = utf8_first_invalid(s, n), len = i;
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (k) {
            len += k;
            i += k;
        } else {
            len += 3;
            i += utf8_invalid_span(s + i, n - i);
        }
    }
    return len;
}

size_t utf8_repair(const unsigned char *s, size_t n, unsigned char *out)
{
    size_t i = utf8_first_invalid(s, n), o = i;
    memcpy(out, s, i);
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (k) {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        } else {
            out[o++] = 0xEF;
            out[o++] = 0xBF;
            out[o++] = 0xBD;
            i += utf8_invalid_span(s + i, n - i);
        }
    }
    return o;
}

size_t utf8_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* See utf8.h. */
int utf16_bom_to_utf8(const unsigned char *s, size_t n, char **out, size_t *out_len)
{
    int be;
    size_t i, o = 0;
    unsigned char *d;
    *out = NULL;
    if (n < 2 || !((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return TERSE_OK;
    be = s[0] == 0xFE;
    /* each 2-byte unit gives at most 3 bytes (a pair of 4 gives 4), the
     * last odd byte 3 */
    if (n / 2 > (SIZE_MAX - 4) / 3 || !(d = malloc(n / 2 * 3 + 4)))
        return TERSE_ENOMEM;
    for (i = 2; i + 1 < n; i += 2) {
        uint32_t u = be ? (uint32_t)s[i] << 8 | s[i + 1] : (uint32_t)s[i + 1] << 8 | s[i];
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            uint32_t v = be ? (uint32_t)s[i + 2] << 8 | s[i + 3] : (uint32_t)s[i + 3] << 8 | s[i + 2];
            if (v >= 0xDC00 && v <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                i += 2;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF)
            u = 0xFFFD; /* unpaired */
        if (u < 0x80) {
            d[o++] = (unsigned char)u;
        } else if (u < 0x800) {
            d[o++] = (unsigned char)(0xC0 | u >> 6);
            d[o++] = (unsigned char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            d[o++] = (unsigned char)(0xE0 | u >> 12);
            d[o++] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
            d[o++] = (unsigned char)(0x80 | (u & 0x3F));
        } else {
            d[o++] = (unsigned char)(0xF0 | u >> 18);
            d[o++] = (unsigned char)(0x80 | (u >> 12 & 0x3F));
            d[o++] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
            d[o++] = (unsigned char)(0x80 | (u & 0x3F));
        }
    }
    if (i < n) { /* a last odd byte */
        d[o++] = 0xEF;
        d[o++] = 0xBF;
        d[o++] = 0xBD;
    }
    d[o] = 0;
    *out = (char *)d;
    *out_len = o;
    return TERSE_OK;
}
