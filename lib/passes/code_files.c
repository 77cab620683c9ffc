/* code_files.c - cutting multi-file input into files by their header
 * lines; see code_split_files in code.h. */
#include <string.h>
#include <strings.h>

#include "code.h"

/* If the line s[0..n) is a file header, sets the path [*p0,*p1) (offsets
 * into s) and returns 1 for an opening tag (<file path=...>, which a
 * </file> line closes), 2 for the other forms; else returns 0. */
static int header_line(const char *s, size_t n, size_t *p0, size_t *p1)
{
    size_t i, k;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    if (n > 13 && memcmp(s, "<file path=\"", 12) == 0) {
        for (i = 12; i < n && s[i] != '"'; i++)
            ;
        if (i == n || i == 12 || s[n - 1] != '>')
            return 0;
        *p0 = 12;
        *p1 = i;
        return 1;
    }
    k = n > 8 && memcmp(s, "// ", 3) == 0 ? 3 : n > 7 && memcmp(s, "# ", 2) == 0 ? 2 : 0;
    if (k && strncasecmp(s + k, "file: ", 6) == 0 && n > k + 6) {
        for (i = k + 6; i < n; i++)
            if (s[i] == ' ' || s[i] == '\t')
                return 0; /* a path is one word */
        *p0 = k + 6;
        *p1 = n;
        return 2;
    }
    if (n > 8 && memcmp(s, "=== ", 4) == 0 && memcmp(s + n - 4, " ===", 4) == 0) {
        *p0 = 4;
        *p1 = n - 4;
        for (i = *p0; i < *p1; i++)
            if (s[i] == ' ' || s[i] == '\t')
                return 0;
        return *p1 > *p0 ? 2 : 0;
    }
    return 0;
}

/* See code.h. One pass over the lines; called twice by its user, once
 * to count (max_parts 0) and once to fill. */
size_t code_split_files(const char *s, size_t n, struct code_part *parts, size_t max_parts)
{
    size_t i = 0, count = 0, cur = (size_t)-1;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, next = nl ? e + 1 : n, p0, p1;
        int h = header_line(s + i, e - i, &p0, &p1);
        if (h) {
            if (cur != (size_t)-1 && cur < max_parts && parts[cur].b1 == (size_t)-1)
                parts[cur].b1 = i;
            cur = count++;
            if (cur < max_parts) {
                parts[cur].h0 = i;
                parts[cur].h1 = next;
                parts[cur].p0 = i + p0;
                parts[cur].p1 = i + p1;
                parts[cur].b0 = next;
                parts[cur].b1 = (size_t)-1;
                parts[cur].t0 = parts[cur].t1 = 0;
            }
        } else if (cur != (size_t)-1 && cur < max_parts && parts[cur].b1 == (size_t)-1 &&
                   s[parts[cur].h0] == '<' && e - i >= 7 && memcmp(s + i, "</file>", 7) == 0) {
            parts[cur].b1 = i;
            parts[cur].t0 = i;
            parts[cur].t1 = next;
        }
        i = next;
    }
    if (cur != (size_t)-1 && cur < max_parts && parts[cur].b1 == (size_t)-1)
        parts[cur].b1 = n;
    return count;
}
