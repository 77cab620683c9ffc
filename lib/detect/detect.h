/* detect.h - what kind of text is this: prose (including markdown), JSON,
 * code, a log, or terminal output (detect/tool_shape.h). Heuristic and cheap (one pass over at most the first
 * 64 KiB, plus a JSON validation of the whole input when it starts like
 * JSON); --type overrides it. */
#ifndef TERSE_DETECT_DETECT_H
#define TERSE_DETECT_DETECT_H

#include <stddef.h>

struct json_doc;

/* Returns an enum terse_type other than TERSE_TYPE_AUTO. */
int detect_type(const char *s, size_t n);

/* detect_type that also hands over the JSON document it parsed, so that the
 * JSON, chat and memory passes need not parse the input again: when the
 * input is one JSON value, *parsed is its document, which the caller frees
 * with json_doc_free (or hands to a pass that does); otherwise *parsed is
 * NULL. */
int detect_type_parsed(const char *s, size_t n, struct json_doc **parsed);

/* detect_type_parsed that also hands over the kind of tool output it found
 * (detect/tool_shape.h; TOOL_NONE when it did not look), so that the tool
 * pass need not read the input again. */
int detect_type_tool(const char *s, size_t n, struct json_doc **parsed, int *kind_out);

#endif
