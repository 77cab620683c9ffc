/* code_dispatch.h - code in the pipeline: code input (one file or many, by language)
 * through the code pass at a level or a budget, fences of known languages
 * inside prose, and the shape tests that tell code from prose.
 */
#ifndef TERSE_PIPELINE_CODE_DISPATCH_H
#define TERSE_PIPELINE_CODE_DISPATCH_H

#include <stddef.h>

struct buf;
struct job;
struct seg;

/* A fenced block src[0..n) (fence lines included) whose language is known
 * from its info string ("```python") or, without one, from its content:
 * writes the fences and the code pass's output into b and returns 1.
 * Returns 0 (b untouched) when the language is unknown. */
int compress_fence(struct job *j, struct seg *g, const char *src, size_t n, int level, struct buf *b);

/* The language of a whole code input: --lang, else the file name, else
 * the content; CODE_NONE when none is known. */
int input_lang(const struct job *j);

/* 1 when the input is multi-file code: it has file headers
 * (code_split_files) and at least one names a file of a known language
 * (so "=== Summary ===" in a text does not make it code). */
int multi_file_code(const struct job *j);

/* The code branch of terse_compress: the input at the level asked; with a
 * budget the lowest level that fits, and at max the skeleton plus the most
 * relevant bodies. Returns a TERSE_* status; sets *level to the level used. */
int compress_code(struct job *j, int lang, struct buf *out, int *level, size_t *min_tokens);

/* Whether text that detection calls prose is shaped like a source file,
 * so that it is worth a trial parse: at most 256 KiB (a parse of prose runs
 * tree-sitter's error recovery, about 1 MB/s), no line over 200 bytes and
 * lines of 100 bytes or fewer on average (prose paragraphs are long lines,
 * code lines are short). */
int code_shaped(const char *s, size_t n);

#endif
