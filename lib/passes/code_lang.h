/* code_lang.h - the programming languages the code pass knows: their
 * tree-sitter grammars, names, file extensions, comment syntax and the node
 * types the pass treats specially, and how a language is recognized from a
 * file name, a fence tag or the text itself.
 *
 * The table is static and read-only; the grammars are compiled from the
 * pinned npm sources into the library (Makefile: build/grammars).
 */
#ifndef TERSE_PASSES_CODE_LANG_H
#define TERSE_PASSES_CODE_LANG_H

#include <stddef.h>

struct TSLanguage;

enum code_lang_id {
    CODE_NONE = -1,
    CODE_PYTHON = 0,
    CODE_JAVASCRIPT,
    CODE_TYPESCRIPT,
    CODE_TSX,
    CODE_C,
    CODE_CPP,
    CODE_GO,
    CODE_RUST,
    CODE_JAVA,
    CODE_JSON,
    CODE_BASH,
    CODE_LANG_COUNT
};

/* How line breaks and indentation matter to a language. */
enum code_layout {
    LAYOUT_LINES,   /* line breaks kept (statement ends, preprocessor, ASI), indentation dropped */
    LAYOUT_INDENT,  /* Python: line breaks kept, indentation is structure (narrowed) */
    LAYOUT_FREE     /* JSON: no whitespace matters outside strings */
};

struct code_lang {
    const char *name;                 /* canonical, as --lang and fence tags give it */
    const char *aliases;              /* other names, space-separated */
    const char *exts;                 /* file extensions with the dot, space-separated */
    const struct TSLanguage *(*grammar)(void);
    const char *line_comment;         /* "#" or "//", or NULL (JSON) */
    int layout;                       /* enum code_layout */
    const char *functions;            /* node types whose `body` max elides, space-separated */
    const char *body_marker;          /* what replaces an elided body */
};

/* Returns the entry of a language (static), or NULL for CODE_NONE or out of
 * range. */
const struct code_lang *code_lang_get(int id);

/* Returns the language called `name` (canonical or alias, case-insensitive,
 * n bytes), or CODE_NONE. Used for --lang and fence info strings. */
int code_lang_parse(const char *name, size_t n);

/* Returns the language of a file path by its extension (the directory part
 * is ignored), or CODE_NONE. */
int code_lang_from_path(const char *path, size_t n);

/* Returns the language the text most looks like (keywords and line shapes
 * over at most the first 64 KiB), or CODE_NONE when nothing looks like code
 * of a known language. A guess: a file name or --lang should win. */
int code_lang_guess(const char *s, size_t n);

/* 1 when the space-separated list `list` holds the word w (n bytes). */
int code_word_in(const char *list, const char *w, size_t n);

#endif
