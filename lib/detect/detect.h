/* detect.h - what kind of text is this: prose (including markdown), JSON,
 * code or a log. Heuristic and cheap (one pass over at most the first
 * 64 KiB, plus a JSON validation of the whole input when it starts like
 * JSON); --type overrides it. */
#ifndef TERSE_DETECT_DETECT_H
#define TERSE_DETECT_DETECT_H

#include <stddef.h>

/* Returns an enum terse_type other than TERSE_TYPE_AUTO. */
int detect_type(const char *s, size_t n);

#endif
