/* tabular_syntax.c - the lexical rules that the tabular encoder and decoder
 * share: what is a literal, a bare string, a bare key (a number is
 * json_is_number of lib/common/json.c, the one number grammar); see
 * tabular.h and docs/tabular-json.md. */
#include "tabular.h"

#include <string.h>

int tab_is_literal(const char *s, size_t n)
{
    return (n == 4 && (memcmp(s, "true", 4) == 0 || memcmp(s, "null", 4) == 0)) ||
           (n == 5 && memcmp(s, "false", 5) == 0);
}

/* Bare strings: not empty, no control character, no space at either end,
 * not starting with a quote or an opening bracket, not spelled like a
 * number or literal; a cell also has no ','; a flow string none of
 * ",;[]{}\"" (':' is fine: only keys end at it). The decoder reads a bare
 * value up to the end of its line, its cell or its flow token, so these
 * rules are exactly what it needs. */
int tab_bare_ok(const char *s, size_t n, int place)
{
    /* bit 1: never bare (control characters); bit 2: not in a cell; bit
     * 4: not in a flow value */
    static const unsigned char cls[256] = {
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 0, 1,
    };
    unsigned char mask = (unsigned char)(1 | (place == TAB_CELL ? 2 : place == TAB_FLOW ? 4 : 0));
    size_t i;
    if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' || s[0] == '"' || s[0] == '[' || s[0] == '{')
        return 0;
    for (i = 0; i < n; i++)
        if (cls[(unsigned char)s[i]] & mask)
            return 0;
    return !json_is_number(s, n) && !tab_is_literal(s, n);
}

/* Bare keys: not empty, no control character, no space at either end, none
 * of "\",:;[]{}" (':' ends a key, '[' starts a table's row count, '{' a
 * column group), not starting with '#' or '~' (so that no encoding starts
 * like the JSON Lines form or a folded log). */
int tab_key_ok(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' || s[0] == '#' || s[0] == '~')
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F || c == '"' || c == ',' || c == ':' || c == ';' || c == '[' ||
            c == ']' || c == '{' || c == '}')
            return 0;
    }
    return 1;
}
