/* code_internal.h - what the files of the code pass share (code.c,
 * code_syntax.c, code_write.c, code_skeleton.c, code_walk.c,
 * code_relevance.c): the symbol classes, the walk's frames and candidates,
 * the writer's state (struct emit) and the functions one file uses of
 * another. Not used outside lib/passes/code*.c.
 */
#ifndef TERSE_PASSES_CODE_INTERNAL_H
#define TERSE_PASSES_CODE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "code.h"
#include "../common/status.h" /* status_fail */

struct buf;
struct code_lang;

/* Classes of grammar symbols, from their names (per call: no global state). */
enum {
    K_ATOMIC = 1 << 0,   /* copied whole: strings, literals, heredocs, regexes, JSX */
    K_COMMENT = 1 << 1,
    K_FUNC = 1 << 2,     /* a definition whose body max may elide */
    K_IDENT = 1 << 3,    /* an identifier (any kind) */
    K_STRING = 1 << 4,   /* Python: string (docstring candidate) */
    K_EXPR_STMT = 1 << 5,
    K_BLOCK = 1 << 6,    /* Python: block */
    K_MODULE = 1 << 7,   /* Python: module */
    K_DEF = 1 << 8,      /* Python: function_definition or class_definition */
    K_CLASS = 1 << 9,    /* a class (or interface) declaration */
    K_ASSIGN = 1 << 10,  /* an assignment or initialized declaration (max: long values elided) */
    K_MEMBERS = 1 << 11, /* a member list: struct, enum, interface, object type, class body */
    K_MEMBER = 1 << 12,  /* a member that max elides: a field, a property, an index or call signature */
    K_PPDEF = 1 << 13,   /* an object-like macro definition */
    K_PPFUNC = 1 << 14,  /* a function-like macro definition */
    K_ATTR = 1 << 15,    /* an attribute: __attribute__((...)), [[...]], __declspec(...) */
    K_METHOD = 1 << 16,  /* a member that max keeps: a method, a function, a nested declaration */
    K_LIST = 1 << 17,    /* an import or export list (max: long ones folded) */
    K_SIG = 1 << 18,     /* a function or method signature (max: overloads folded) */
    K_TYPEANN = 1 << 19, /* a type annotation (max: long types elided) */
    K_TYPEALIAS = 1 << 20 /* a type alias (max: a long value elided) */
};

/* One level of the walk: the node and what the walk decided about it. */
struct frame {
    TSNode node;
    uint32_t kind;
    uint8_t keep;  /* inside a body kept whole at max */
    uint8_t run;   /* max: the children written so far end in a run that max folds (RUN_*) */
    uint32_t named;            /* max: named children (comments aside) seen so far */
    size_t last_name, last_len; /* max: the name of the last of them (overloads), or 0, 0 */
    TSSymbol last_sym;
    size_t cand;   /* max: 1 + the candidate index of this definition, or 0 */
};

/* A definition whose body max may elide (e->cands), or, with a budget, a
 * declaration the skeleton shortens (e->decls, of collect_decls; body_*
 * unused). */
struct cand {
    size_t start, end;          /* the definition */
    size_t body_start, body_end;
    size_t name_start, name_end;
    size_t out_start, out_end;  /* where its body went in the last full output */
    double score;
    size_t tokens;              /* budget: what keeping it costs (body tokens minus marker tokens; for a
                                 * declaration, its whole form minus its skeleton) */
    TSNode node;                /* the definition's or declaration's node */
    uint8_t keep;
};

struct emit {
    const char *src;
    size_t n;
    const struct code_lang *L;
    const struct code_opts *o;
    int level;
    uint32_t *kind;             /* by symbol */
    uint32_t n_symbols;
    TSFieldId body_field, name_field, right_field, value_field, declarator_field;
    struct buf *out;
    struct code_stats *st;
    /* gap state */
    size_t prev_end;
    int pend_nl, pend_sp, removed, started, last_line_comment;
    int c_family, pp_line;      /* C or C++; the current output line is a preprocessor line */
    int join_line;              /* Python: the next token follows its block's header on its line */
    /* Python indentation */
    size_t *istack;
    size_t idepth, icap;
    long brackets;
    const char *unit;
    /* license header */
    size_t lic_start, lic_end;
    int lic_done;
    char lic_name[32];
    /* max */
    struct cand *cands;
    size_t n_cands, cap_cands, next_cand;
    struct cand *decls;         /* budget: declarations written whole when kept (collect_decls) */
    size_t n_decls, cap_decls, next_decl;
    int collect;                /* 1: only collect candidates, write nothing */
    int status;                 /* TERSE_OK, or the first failure (TERSE_*): stops the work */
};

enum { RUN_NONE, RUN_MEMBERS, RUN_MACROS, RUN_LIST, RUN_OVERLOADS };

/* The marker of what max elides: "…" (U+2026, one o200k token). */
#define ELLIPSIS "\xe2\x80\xa6"

/* max: an import or export list of more than LIST_KEEP + 2 names keeps
 * its first LIST_KEEP; a type longer than TYPE_MAX bytes becomes "…". */
#define LIST_KEEP 3

#define TYPE_MAX 80

/* A run of at least this many object-like macros is folded into one
 * marker line at max. */
#define MACRO_RUN 3


/* ---- code_syntax.c ---- */

/* Fills e->kind for every symbol of the grammar. Returns TERSE_OK or
 * TERSE_ENOMEM. */
int code_classify(struct emit *e, const TSLanguage *lang);

/* Returns the K_* classes of a node (0 for a symbol out of the table). */
uint32_t code_kind_of(const struct emit *e, TSNode n);

/* 1 when a tool reads this comment, so `balanced` keeps it: shebangs,
 * encoding lines, type comments, pragmas, linters' and compilers'
 * directives, Go build and cgo lines, TypeScript's @ts- and triple-slash
 * references, bundlers' annotations. */
int code_tool_comment(const struct emit *e, size_t s, size_t end);

/* Finds the license header: the comments at the top of the file (after a
 * shebang or an encoding line) when they mention a copyright or a
 * license. Sets e->lic_start/lic_end (equal when there is none). */
void code_find_license(struct emit *e, TSNode root);

/* 1 when the Python string node at frame d is a docstring: alone in an
 * expression statement that is the first statement of a module, class or
 * function (comments do not count). */
int code_is_docstring(const struct emit *e, const struct frame *f, size_t d);

/* Cuts the docstring src[s,en) to its first sentence (first_line: its first
 * line) into *out. Returns the length, or 0 when it stays whole: nothing to
 * cut, an f- or b-string, or a cut that would end in a backslash or a quote
 * character (the closing quotes would change). */
size_t code_docstring_cut(const char *src, size_t s, size_t en, int first_line, struct buf *out);

/* ---- code_write.c ---- */

/* Takes in the gap src[prev_end, to): what it means is kept in the pending
 * flags. A gap holding anything but blanks (a backslash-newline, which
 * some grammars leave out of the tree) is written as it is. */
void code_take_gap(struct emit *e, size_t to);

/* Writes Python indentation: `level` units. */
void code_indent(struct emit *e, size_t level);

/* Writes what the pending gap stands for before a token at s. */
void code_separate(struct emit *e, size_t s, int is_comment);

/* Writes the token src[s,en) (or `text` instead, when not NULL). */
void code_put(struct emit *e, size_t s, size_t en, const char *text, size_t tn, int is_comment);

/* Leaves out the node src[s,en): its gaps merge; a space stands for it if
 * nothing else separates its neighbours, a line break if it held one. */
void code_drop(struct emit *e, size_t s, size_t en);

/* ---- code_skeleton.c ---- */

/* The index of the first of the n candidates of arr (in document order)
 * that starts at byte s or later; n if none. */
size_t code_cand_from(const struct cand *arr, size_t n, size_t s);

/* max: writes the skeleton form of a declaration node, or returns 0 to
 * let the walk write it. Attributes go; a member list that holds no
 * method becomes "{…}"; in one that does, each run of fields or
 * properties becomes one "…"; a run of MACRO_RUN or more object-like
 * macros becomes one marker line (fold_macros); a macro's value longer
 * than eight bytes (trailing blanks aside) becomes "…"; a type longer than
 * TYPE_MAX bytes becomes "…"; import and export lists keep LIST_KEEP
 * names; a run of overloads keeps the first. Returns 1 when the node was
 * written or dropped. */
int code_skeleton(struct emit *e, const TSTreeCursor *cur, struct frame *f, size_t depth);

/* ---- code_walk.c ---- */

/* max with a budget: lists the declarations that the budget may write
 * whole instead of as a skeleton (e->decls, in document order). They are
 * the named nodes at the level of the file (inside decl_container nodes
 * too) that hold no body candidate, comments aside; each macro of a run
 * is one (fold_macros folds the macros between kept ones). Iterative (a
 * cursor). Returns TERSE_OK or TERSE_ENOMEM. */
int code_collect_decls(struct emit *e, TSNode root);

/* Walks the tree and writes it (or, in collect mode, only lists the
 * definitions whose bodies max may elide). Iterative: a cursor and a heap
 * stack of frames, so nesting depth costs heap, not C stack. */
void code_walk(struct emit *e, TSNode root);

/* ---- code_relevance.c ---- */

/* Scores the n candidates of cands (bodies or declarations): BM25 of the
 * query over each one's split words, weighted up by how often the rest of
 * the file names it (aider's repo map ranks by references); without a
 * query the references alone, earlier first on ties. The scorer is the
 * one of select/relevance.c, with the rule prior_scales. With a query and
 * no budget, the bodies of the most relevant stay (keep). Returns TERSE_OK
 * or the scorer's status. */
int code_score_cands(struct emit *e, struct cand *cands, size_t n);

#endif
