/* code.c - the code pass: whitespace, comments, docstrings and bodies over
 * the tree-sitter syntax tree; see code.h.
 *
 * The output is written leaf by leaf. A leaf is a token of the tree, or a
 * whole node that must stay byte for byte (strings, comments, character
 * literals, heredocs, regexes, JSX): its bytes are copied. Only the gaps
 * between leaves are rewritten, and a gap carries at most one fact: a line
 * break (kept where the language may read it: statement ends, Python
 * blocks, preprocessor lines, ASI), a space (kept: it may separate two
 * words), or nothing. Python's indentation is rebuilt from the original
 * columns with a stack, as Python's tokenizer does, so a block keeps its
 * depth with a narrower unit. Everything is iterative (a tree cursor and
 * a heap stack), so deeply nested input cannot overflow the C stack.
 *
 * This file holds the pass itself (levels, budget fitting of bodies and
 * declarations); the parts it runs are in code_syntax.c (node classes,
 * tool comments, licenses, docstrings), code_write.c (leaves and gaps),
 * code_skeleton.c (max's skeletons), code_walk.c (the tree walk) and
 * code_relevance.c (which definitions matter), sharing code_internal.h.
 */
#include "code.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../select/pick.h"
#include "code_internal.h"
#include "code_lang.h"
#include "levels.h" /* level_get */
#include "terse.h"

/* Go: 1 when the last node of the file (comments aside) is a statement,
 * not a package clause or a function, method or import declaration.
 * tree-sitter-go takes statements at the top level (snippets) but wants
 * each ended by a line break or `;`, even the last ("x++" alone does not
 * parse, "x++\n" does), so a line break after one must stay. */
static int go_ends_in_statement(const struct emit *e, TSNode root)
{
    uint32_t i = ts_node_named_child_count(root);
    const char *t;
    while (i > 0 && (code_kind_of(e, ts_node_named_child(root, i - 1)) & K_COMMENT))
        i--;
    if (i == 0)
        return 0;
    t = ts_node_type(ts_node_named_child(root, i - 1));
    return !code_word_in("package_clause function_declaration method_declaration import_declaration", t, strlen(t));
}

/* Writes the whole tree at e->level into e->out (from empty). */
static void write_tree(struct emit *e, TSNode root)
{
    e->out->len = 0;
    e->prev_end = 0;
    e->pend_nl = e->pend_sp = e->removed = e->started = e->last_line_comment = e->pp_line = e->join_line = 0;
    e->idepth = 0;
    e->istack[0] = 0;
    e->brackets = 0;
    e->lic_done = 0;
    code_walk(e, root);
    /* C and C++: a preprocessor line must end with a line break */
    code_take_gap(e, e->n);
    if (e->pend_nl && !e->collect && (e->L->grammar == code_lang_get(CODE_C)->grammar ||
                                      e->L->grammar == code_lang_get(CODE_CPP)->grammar)) {
        /* a preprocessor line (maybe continued over several) must end with
         * a line break: keep the last one */
        size_t i = e->out->len;
        while (i > 0 && !(e->out->p[i - 1] == '\n' && (i < 2 || e->out->p[i - 2] != '\\')))
            i--;
        while (i < e->out->len && (e->out->p[i] == ' ' || e->out->p[i] == '\t'))
            i++;
        if (i < e->out->len && e->out->p[i] == '#')
            buf_addc(e->out, '\n');
    }
    if (e->pend_nl && !e->collect && e->L->grammar == code_lang_get(CODE_GO)->grammar && go_ends_in_statement(e, root))
        buf_addc(e->out, '\n');
}

/* Counts tokens with the caller's callback into *c. Returns TERSE_OK or
 * the callback's status (also kept in e->status). */
static int count_out(struct emit *e, const char *s, size_t n, size_t *c)
{
    int rc = e->o->count(e->o->count_arg, s, n, c);
    if (rc != TERSE_OK)
        status_fail(&e->status, rc);
    return rc;
}

/* The budget's candidate at index i of the union of bodies (first) and
 * declarations. */
static struct cand *unit_at(struct emit *e, size_t i)
{
    return i < e->n_cands ? &e->cands[i] : &e->decls[i - e->n_cands];
}

/* Writes the tree with the keeps as they stand (the stats as in saved)
 * and counts it into *got. Returns TERSE_OK or the first failure's
 * status. */
static int write_count(struct emit *e, TSNode root, const struct code_stats *saved, size_t *got)
{
    size_t i;
    for (i = 0; i < e->n_decls; i++)
        e->decls[i].out_start = e->decls[i].out_end = 0;
    *e->st = *saved;
    write_tree(e, root);
    if (e->status == TERSE_OK && e->out->oom)
        status_fail(&e->status, TERSE_ENOMEM);
    return e->status != TERSE_OK ? e->status : count_out(e, e->out->p, e->out->len, got);
}

/* The tokens of each of the n candidates' output in the last write (its
 * out range; 0 when it has none): into .tokens, or, with less, taken off
 * .tokens (at most down to 0). Returns TERSE_OK or the count's status. */
static int count_ranges(struct emit *e, struct cand *arr, size_t n, int less)
{
    size_t i;
    int rc;
    for (i = 0; i < n; i++) {
        struct cand *c = &arr[i];
        size_t t = 0;
        if (c->out_end > c->out_start &&
            (rc = count_out(e, e->out->p + c->out_start, c->out_end - c->out_start, &t)) != TERSE_OK)
            return rc;
        c->tokens = !less ? t : c->tokens > t ? c->tokens - t : 0;
    }
    return TERSE_OK;
}

/* The measure of the body fitter: the tree written with the items'
 * keeps, counted. */
struct body_fit {
    struct emit *e;
    TSNode root;
    const struct code_stats *saved;
    const struct pick_item *it;
    size_t n;
};

static int body_measure(void *arg, size_t *tokens)
{
    struct body_fit *f = arg;
    size_t i;
    for (i = 0; i < f->n; i++)
        unit_at(f->e, i)->keep = f->it[i].keep;
    return write_count(f->e, f->root, f->saved, tokens);
}

/* max with a budget: everything whole if it fits; else the skeleton plus,
 * most relevant first, the bodies and the declarations (written whole
 * instead of as a skeleton) that fit, by exact counts (pick_items, the
 * rules pick_bodies). Returns TERSE_OK, TERSE_EBUDGET (out: the
 * skeleton), or the failure's status (out of memory, a count's). */
static int fit_bodies(struct emit *e, TSNode root)
{
    struct pick_item *it;
    struct body_fit f;
    size_t i, total, skel, n = e->n_cands + e->n_decls;
    struct code_stats saved = *e->st;
    int rc;
    for (i = 0; i < n; i++)
        unit_at(e, i)->keep = 1;
    if ((rc = write_count(e, root, &saved, &total)) != TERSE_OK)
        return rc;
    if (total <= e->o->budget)
        return TERSE_OK;
    /* what each body and declaration costs: a body its tokens; a
     * declaration its whole form less its skeleton */
    if ((rc = count_ranges(e, e->cands, e->n_cands, 0)) != TERSE_OK ||
        (rc = count_ranges(e, e->decls, e->n_decls, 0)) != TERSE_OK)
        return rc;
    for (i = 0; i < n; i++)
        unit_at(e, i)->keep = 0;
    if ((rc = write_count(e, root, &saved, &skel)) != TERSE_OK ||
        (rc = count_ranges(e, e->decls, e->n_decls, 1)) != TERSE_OK)
        return rc;
    if (skel > e->o->budget) {
        e->st->min_tokens = skel;
        return TERSE_EBUDGET;
    }
    it = calloc(n + 1, sizeof *it);
    if (!it)
        return TERSE_ENOMEM;
    for (i = 0; i < n; i++) {
        it[i].score = unit_at(e, i)->score;
        it[i].tokens = unit_at(e, i)->tokens;
    }
    f.e = e;
    f.root = root;
    f.saved = &saved;
    f.it = it;
    f.n = n;
    rc = pick_items(it, n, e->o->budget, &pick_bodies, body_measure, &f, &skel);
    for (i = 0; i < n; i++)
        unit_at(e, i)->keep = it[i].keep;
    free(it);
    *e->st = saved;
    write_tree(e, root);
    if (rc == TERSE_OK && e->out->oom)
        status_fail(&e->status, TERSE_ENOMEM);
    return e->status != TERSE_OK ? e->status : rc;
}

/* ---- tree-sitter's memory ---------------------------------------------------- */

/* tree-sitter cannot report a failed allocation (it uses what it gets), and
 * its own allocator prints "tree-sitter failed to allocate N bytes" without
 * a newline and exits 1. Ours ends the process the way every out-of-memory
 * of terse does: one "terse:" line on stderr and status 2 (CODE_EXIT_OOM
 * in code.h). This is the one place where the library ends the process. */
static void ts_out_of_memory(size_t n)
{
    fprintf(stderr, "terse: out of memory (the code parser could not get %zu bytes)\n", n);
    fflush(stderr);
    _Exit(CODE_EXIT_OOM);
}

static void *ts_malloc_or_exit(size_t n)
{
    void *p = malloc(n);
    if (!p && n)
        ts_out_of_memory(n);
    return p;
}

static void *ts_calloc_or_exit(size_t k, size_t n)
{
    void *p = calloc(k, n);
    if (!p && k && n)
        ts_out_of_memory(k * n);
    return p;
}

static void *ts_realloc_or_exit(void *q, size_t n)
{
    void *p = realloc(q, n);
    if (!p && n)
        ts_out_of_memory(n);
    return p;
}

static pthread_once_t ts_alloc_once = PTHREAD_ONCE_INIT;

static void ts_alloc_install(void)
{
    ts_set_allocator(ts_malloc_or_exit, ts_calloc_or_exit, ts_realloc_or_exit, free);
}

/* See code.h. One parser per call: a context holds no parser (no state). */
int code_parses(const char *src, size_t n, int lang)
{
    const struct code_lang *L = code_lang_get(lang);
    TSParser *p;
    TSTree *t = NULL;
    int ok = 0;
    pthread_once(&ts_alloc_once, ts_alloc_install);
    if (!L || n > UINT32_MAX || !(p = ts_parser_new()))
        return 0;
    if (ts_parser_set_language(p, L->grammar()) && (t = ts_parser_parse_string(p, NULL, src, (uint32_t)n)) != NULL)
        ok = !ts_node_has_error(ts_tree_root_node(t));
    if (t)
        ts_tree_delete(t);
    ts_parser_delete(p);
    return ok;
}

/* See code.h. Parses once; max with a query or budget walks the tree more
 * than once (collect, score, write and fit), never re-parsing. */
int code_compress(const char *src, size_t n, const struct code_opts *o, struct buf *out, struct code_stats *st)
{
    const struct code_lang *L = code_lang_get(o->lang);
    struct emit e;
    TSParser *parser;
    TSTree *tree = NULL;
    TSNode root;
    int rc = TERSE_OK;
    struct buf tmp = {0};
    memset(&e, 0, sizeof e);
    if (!L || n > UINT32_MAX) {
        st->parse_errors++;
        buf_add(out, src, n);
        return out->oom ? TERSE_ENOMEM : TERSE_OK;
    }
    pthread_once(&ts_alloc_once, ts_alloc_install);
    parser = ts_parser_new();
    if (!parser || !ts_parser_set_language(parser, L->grammar()))
        goto fail;
    tree = ts_parser_parse_string(parser, NULL, src, (uint32_t)n);
    if (!tree)
        goto fail;
    root = ts_tree_root_node(tree);
    if (ts_node_has_error(root)) {
        st->parse_errors++;
        buf_add(out, src, n);
        goto done;
    }
    e.src = src;
    e.n = n;
    e.L = L;
    e.o = o;
    e.level = o->level;
    e.st = st;
    e.out = &tmp;
    e.unit = o->indent ? o->indent : CODE_INDENT;
    e.c_family = o->lang == CODE_C || o->lang == CODE_CPP;
    e.icap = 64;
    e.istack = malloc(e.icap * sizeof *e.istack);
    if (!e.istack || code_classify(&e, L->grammar()) != 0)
        goto fail;
    code_find_license(&e, root);
    if (level_get(e.level)->code_skeleton) {
        e.collect = 1;
        code_walk(&e, root);
        e.collect = 0;
        if (e.status == TERSE_OK && o->budget && o->count && code_collect_decls(&e, root) != TERSE_OK)
            goto fail;
        if (e.status != TERSE_OK ||
            ((o->query_len || o->budget) && (code_score_cands(&e, e.cands, e.n_cands) != TERSE_OK ||
                                             code_score_cands(&e, e.decls, e.n_decls) != TERSE_OK)))
            goto fail;
    }
    if (level_get(e.level)->code_skeleton && o->budget && o->count) {
        rc = fit_bodies(&e, root);
        if (rc != TERSE_OK && rc != TERSE_EBUDGET)
            goto fail;
    } else {
        write_tree(&e, root);
    }
    if (e.status != TERSE_OK || tmp.oom)
        goto fail;
    buf_add(out, tmp.p, tmp.len);
    goto done;
fail:
    /* the first failure's own status (a count callback's), else memory */
    rc = e.status != TERSE_OK ? e.status : TERSE_ENOMEM;
done:
    buf_free(&tmp);
    free(e.kind);
    free(e.istack);
    free(e.cands);
    free(e.decls);
    if (tree)
        ts_tree_delete(tree);
    if (parser)
        ts_parser_delete(parser);
    if (out->oom)
        rc = TERSE_ENOMEM;
    return rc;
}
