/* detect.c - content type detection; see detect.h. */
#include "detect.h"

#include <string.h>

#include "../common/json.h"
#include "../common/lex.h"
#include "shape.h"
#include "tool_shape.h"
#include "terse.h"


/* Whether the line has a call's parenthesis: "(" right after a name or a
 * closing bracket, as in f(x) or a[1](x), which prose writes with a space
 * ("systems (offered by ...)"). */
static int call_paren(const char *s, size_t n)
{
    size_t i;
    for (i = 1; i < n; i++)
        if (s[i] == '(') {
            unsigned char c = (unsigned char)s[i - 1];
            if (c == '_' || c == ']' || c == ')' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                (c >= 'A' && c <= 'Z'))
                return 1;
        }
    return 0;
}

/* A line that looks like source code rather than a sentence. A line that
 * ends with "}}" is a template's placeholder ({{NAME}}), not a block's end;
 * "except" heads a line of code only when the line ends with a colon. */
static int code_line(const char *s, size_t n)
{
    static const char *const heads[] = {
        "def ", "class ", "import ", "from ", "#include", "#define", "function ", "const ",
        "let ", "var ", "package ", "public ", "private ", "static ", "return ", "func ",
        "fn ", "use ", "struct ", "impl ", "int ", "void ", "}", "@", "export ", "async ",
        "elif ", "try:", "finally:", "raise ", "yield ", "self.", "pub ", "#!/", "interface ", "enum ",
        "namespace ", "template<", "typedef ", "extern ", "module.exports",
    };
    size_t i;
    while (n && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    if (!n)
        return 0;
    for (i = 0; i < sizeof heads / sizeof heads[0]; i++)
        if (lex_starts(s, n, heads[i]))
            return 1;
    return s[n - 1] == ';' || s[n - 1] == '{' || (s[n - 1] == '}' && !(n >= 2 && s[n - 2] == '}')) ||
           (s[n - 1] == ')' && call_paren(s, n)) ||
           (s[n - 1] == ':' && (lex_starts(s, n, "if ") || lex_starts(s, n, "for ") || lex_starts(s, n, "else") ||
                                lex_starts(s, n, "except")));
}

static int digits(const char *s, size_t k)
{
    size_t i;
    for (i = 0; i < k; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Whether a date and time ("2024-01-02 12:34" or "2024-01-02T12:34") starts
 * within the first 48 bytes of the line, after a space, a '[' or a '(':
 * the time stamp of a log line that names its program first
 * ("update-alternatives 2024-06-24 14:36:53: ..."). */
static int stamp_near_start(const char *s, size_t n)
{
    size_t p;
    for (p = 1; p + 16 <= n && p <= 48; p++)
        if ((s[p - 1] == ' ' || s[p - 1] == '[' || s[p - 1] == '(') && digits(s + p, 4) && s[p + 4] == '-' &&
            digits(s + p + 5, 2) && s[p + 7] == '-' && digits(s + p + 8, 2) &&
            (s[p + 10] == ' ' || s[p + 10] == 'T') && digits(s + p + 11, 2) && s[p + 13] == ':' &&
            digits(s + p + 14, 2))
            return 1;
    return 0;
}

/* A line that starts with a date, a time or a bracketed level, or has a
 * date and time near its start (stamp_near_start). A line of a log is this
 * or a line of a tool's output (tool_line). */
static int stamp_line(const char *s, size_t n)
{
    if (n >= 10 && s[0] >= '0' && s[0] <= '9' && s[4] == '-' && s[7] == '-')
        return 1; /* 2024-01-02 */
    if (n >= 8 && s[2] == ':' && s[5] == ':' && s[0] >= '0' && s[0] <= '9')
        return 1; /* 12:34:56 */
    if (n >= 15 && strchr("JFMASOND", s[0]) && s[3] == ' ' && s[6] == ' ' && s[9] == ':')
        return 1; /* syslog: Jan  2 12:34:56 */
    if (n && (s[0] == '[' || s[0] == 'I' || s[0] == 'W' || s[0] == 'E' || s[0] == 'D') &&
        (lex_starts(s, n, "[INFO") || lex_starts(s, n, "[WARN") || lex_starts(s, n, "[ERROR") ||
        lex_starts(s, n, "[DEBUG") || lex_starts(s, n, "INFO ") || lex_starts(s, n, "WARN") ||
         lex_starts(s, n, "ERROR ") || lex_starts(s, n, "DEBUG ")))
        return 1;
    return stamp_near_start(s, n);
}

/* Whether s[0..n) has a compiler's ": error: ", ": warning: " or ": note: ",
 * or a test runner's " ... ok" or " ... FAILED": one scan for the colons and
 * one for the dots (this runs on every line of every input). */
static int diagnostic_or_verdict(const char *s, size_t n)
{
    const char *q = s, *end = s + n;
    while (q < end && (q = memchr(q, ':', (size_t)(end - q))) != NULL) {
        size_t r = (size_t)(end - q);
        if ((r >= 9 && memcmp(q, ": error: ", 9) == 0) || (r >= 11 && memcmp(q, ": warning: ", 11) == 0) ||
            (r >= 8 && memcmp(q, ": note: ", 8) == 0))
            return 1;
        q++;
    }
    for (q = s; q < end && (q = memchr(q, '.', (size_t)(end - q))) != NULL; q++) {
        size_t r = (size_t)(end - q);
        if (q > s && q[-1] == ' ' && r >= 4 && memcmp(q, "... ", 4) == 0 &&
            ((r >= 6 && q[4] == 'o' && q[5] == 'k') || (r >= 10 && memcmp(q + 4, "FAILED", 6) == 0)))
            return 1;
    }
    return 0;
}


/* A line of compiler, test-runner or crash output: "f.c:3:5: error: ...",
 * TAP and go test lines, stack frames of Java, JavaScript, Python, Go and
 * sanitizers, libFuzzer status lines. */
static int tool_line(const char *s, size_t n)
{
    static const char *const heads[] = {
        "ok - ", "not ok - ", "PASS", "FAIL", "--- PASS", "--- FAIL", "=== RUN", "Traceback (",
        "  File \"", "\tat ", "    at ", "goroutine ", "panic: ", "make: ", "make[", "    #",
        "==", "SUMMARY: ", "#   ",
    };
    size_t i;
    for (i = 0; n && i < sizeof heads / sizeof heads[0]; i++)
        if (heads[i][0] == s[0] && lex_starts(s, n, heads[i])) /* the first byte first: runs on every line */
            return 1;
    if (n >= 3 && s[0] == '#' && s[1] >= '0' && s[1] <= '9')
        return 1; /* libFuzzer: #1024  pulse  cov: ... */
    return diagnostic_or_verdict(s, n);
}

int detect_type(const char *s, size_t n)
{
    return detect_type_parsed(s, n, NULL);
}

int detect_type_parsed(const char *s, size_t n, struct json_doc **parsed)
{
    int kind;
    return detect_type_tool(s, n, parsed, &kind);
}

int detect_type_tool(const char *s, size_t n, struct json_doc **parsed, int *kind_out)
{
    size_t i = 0, lines = 0, code = 0, logs = 0, stamped = 0, limit = n < 65536 ? n : 65536;
    int fenced = 0, tool = TOOL_NONE;
    if (parsed)
        *parsed = NULL;
    *kind_out = TOOL_NONE;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i < n && (s[i] == '{' || s[i] == '[')) {
        /* chat messages and memory lists are JSON of a known shape */
        struct json_doc *d = json_parse(s, n, NULL);
        struct buf b = {0};
        int jsonl;
        if (d) {
            int t = shape_chat_json(json_root(d))     ? TERSE_TYPE_CHAT
                    : shape_memory_json(json_root(d)) ? TERSE_TYPE_MEMORY
                                                      : TERSE_TYPE_JSON;
            if (parsed)
                *parsed = d;
            else
                json_doc_free(d);
            return t;
        }
        if (shape_memory_list(s, n))
            return TERSE_TYPE_MEMORY; /* JSON Lines of memories */
        jsonl = json_lines(s, n, &b) > 0;
        buf_free(&b);
        if (jsonl)
            return TERSE_TYPE_JSON; /* JSON Lines */
    }
    /* transcripts and memory lists first: their lines can look like logs
     * (time stamps) or code; but git log's "Author:" lines are no speakers */
    tool = tool_kind(s, n);
    *kind_out = tool;
    if (tool == TOOL_GITLOG || tool == TOOL_DIFF)
        return TERSE_TYPE_TOOL;
    if (shape_transcript(s, n))
        return TERSE_TYPE_CHAT;
    if (shape_memory_list(s, n))
        return TERSE_TYPE_MEMORY;
    for (i = 0; i < limit;) {
        const char *nl = memchr(s + i, '\n', limit - i);
        size_t e = nl ? (size_t)(nl - s) : limit, L = e - i;
        if (L >= 3 && (lex_starts(s + i, L, "```") || lex_starts(s + i, L, "~~~"))) {
            /* markdown: the code of a fence is the prose pass's (it hands
             * it to the code pass), so a fence counts as prose */
            fenced = !fenced;
            lines += 3;
        } else if (L > 0 && !fenced) {
            /* a log line is stamped or a tool's line; stamped lines count
             * when they are not a tool's */
            int stamp = stamp_line(s + i, L), tl = tool_line(s + i, L);
            lines++;
            code += (size_t)code_line(s + i, L);
            logs += (size_t)(stamp || tl);
            stamped += (size_t)(stamp && !tl);
        }
        i = e + 1;
    }
    /* logs with time stamps or levels first; then terminal output whose
     * shape is unmistakable (diffs, git log, traces, grep hits), code, and
     * the other shapes of terminal output (tool_shape.h) */
    if (lines >= 3 && stamped * 2 >= lines)
        return TERSE_TYPE_LOG;
    if (tool == TOOL_TRACE || tool == TOOL_HITS)
        return TERSE_TYPE_TOOL;
    if (lines >= 3 && code * 10 >= lines * 4 && logs * 2 < lines)
        return TERSE_TYPE_CODE;
    if (tool != TOOL_NONE)
        return TERSE_TYPE_TOOL;
    if (lines >= 3 && logs * 2 >= lines)
        return TERSE_TYPE_LOG;
    if (lines >= 3 && code * 10 >= lines * 4)
        return TERSE_TYPE_CODE;
    return TERSE_TYPE_PROSE;
}
