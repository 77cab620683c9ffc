/* pairs.h - (verbose, compressed) pairs read from JSON Lines, the input of
 * `terse train`.
 *
 * Two record shapes are read, one per line (blank lines are skipped):
 *   {"verbose": "...", "compressed": "...", "domain": "nl"|"code", ...}
 *   {"messages": [{"role":"system",...}, {"role":"user","content":"Compress:\n..."},
 *                 {"role":"assistant","content":"..."}]}   (the seed project's chat format)
 * A record without "domain" is code when a line of its verbose text is a
 * Python def, class or import statement (the rule of the shared data's
 * README), else natural language ("nl").
 */
#ifndef TERSE_LEARN_PAIRS_H
#define TERSE_LEARN_PAIRS_H

#include <stddef.h>

struct pair {
    char *verbose, *compressed; /* NUL-terminated copies, valid UTF-8 */
    size_t vlen, clen;
    int code;                   /* 1 when the domain is code */
    size_t line;                /* 1-based line of the input */
};

struct pair_set {
    struct pair *p;
    size_t n, cap;
};

/* Appends the pairs of the JSON Lines text s[0..n) to ps. Returns TERSE_OK;
 * TERSE_EINVAL with err (errlen bytes) set to a one-line reason naming the
 * line ("line 3: no \"compressed\" string and no \"messages\" array") on a
 * bad record; TERSE_ENOMEM. Invalid UTF-8 is an error, not repaired. */
int pairs_read(const char *s, size_t n, struct pair_set *ps, char *err, size_t errlen);

void pairs_free(struct pair_set *ps);

/* Whether text[0..n) has a line that is a Python def, class or import. */
int pairs_looks_code(const char *text, size_t n);

#endif
