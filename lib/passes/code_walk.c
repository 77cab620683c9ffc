/* code_walk.c - the walk over the syntax tree (iterative: a cursor and a
 * heap stack), which writes each node or elides it, and the candidates max
 * may elide (bodies, declarations); see code_internal.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "code_internal.h"
#include "code_lang.h"
#include "levels.h" /* level_get */
#include "terse.h"

/* The body max may elide of a definition node, or a null node: a block of
 * statements (not an arrow function's expression). */
static TSNode elidable_body(const struct emit *e, TSNode def)
{
    TSNode body = ts_node_child_by_field_id(def, e->body_field), none;
    memset(&none, 0, sizeof none);
    if (ts_node_is_null(body) || ts_node_child_count(body) == 0)
        return none;
    {
        const char *t = ts_node_type(body);
        if (!strstr(t, "block") && !strstr(t, "body") && !strstr(t, "compound_statement"))
            return none;
    }
    return body;
}

/* 1 when an anonymous function holds named definitions (a module
 * pattern, an IIFE bundle, a test suite's callback): max keeps such a
 * container and elides the definitions inside instead. */
static int holds_definitions(const struct emit *e, TSNode fn)
{
    TSTreeCursor c = ts_tree_cursor_new(fn);
    int found = 0;
    if (!ts_node_is_null(ts_node_child_by_field_id(fn, e->name_field)) || !ts_tree_cursor_goto_first_child(&c)) {
        ts_tree_cursor_delete(&c);
        return 0;
    }
    while (!found) {
        TSNode n = ts_tree_cursor_current_node(&c);
        uint32_t k = code_kind_of(e, n);
        if ((k & K_CLASS) || ((k & K_FUNC) && !ts_node_is_null(ts_node_child_by_field_id(n, e->name_field)))) {
            found = 1;
            break;
        }
        if (ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c) || ts_node_eq(ts_tree_cursor_current_node(&c), fn))
                goto out;
    }
out:
    ts_tree_cursor_delete(&c);
    return found;
}

/* Appends a candidate for node def, named by `name` (a null node: none),
 * to the array *arr of *n (capacity *cap). Returns it, or NULL without
 * memory. */
static struct cand *push_cand(struct cand **arr, size_t *n, size_t *cap, TSNode def, TSNode name)
{
    struct cand *c;
    if (*n == *cap) {
        size_t bigger = *cap ? *cap * 2 : 64;
        struct cand *p = realloc(*arr, bigger * sizeof *p);
        if (!p)
            return NULL;
        *arr = p;
        *cap = bigger;
    }
    c = &(*arr)[(*n)++];
    memset(c, 0, sizeof *c);
    c->start = ts_node_start_byte(def);
    c->end = ts_node_end_byte(def);
    c->node = def;
    if (!ts_node_is_null(name)) {
        c->name_start = ts_node_start_byte(name);
        c->name_end = ts_node_end_byte(name);
    }
    return c;
}

/* Lists a definition whose body max may elide. Returns TERSE_OK or
 * TERSE_ENOMEM. */
static int add_cand(struct emit *e, TSNode def, TSNode body)
{
    struct cand *c = push_cand(&e->cands, &e->n_cands, &e->cap_cands, def,
                               ts_node_child_by_field_id(def, e->name_field));
    if (!c)
        return TERSE_ENOMEM;
    c->body_start = ts_node_start_byte(body);
    c->body_end = ts_node_end_byte(body);
    return TERSE_OK;
}

/* Node types whose children are declarations at the level of the file:
 * preprocessor conditionals, extern "C" blocks, namespaces and ambient
 * modules. collect_decls looks inside them. */
static int decl_container(TSNode n)
{
    const char *t = ts_node_type(n);
    return code_word_in("preproc_ifdef preproc_if preproc_else preproc_elif preproc_elifdef linkage_specification "
                        "declaration_list namespace_definition ambient_declaration internal_module module "
                        "statement_block export_statement",
                        t, strlen(t));
}

/* 1 when a body candidate starts in [s, en). */
static int holds_cand(const struct emit *e, size_t s, size_t en)
{
    size_t i = code_cand_from(e->cands, e->n_cands, s);
    return i < e->n_cands && e->cands[i].start < en;
}

/* Lists declaration n (code_collect_decls). Returns TERSE_OK or
 * TERSE_ENOMEM. */
static int add_decl(struct emit *e, TSNode n)
{
    TSNode name = ts_node_child_by_field_id(n, e->name_field);
    if (ts_node_is_null(name) && e->declarator_field) {
        /* typedef struct {...} name; a declarator that is a plain name */
        TSNode d = ts_node_child_by_field_id(n, e->declarator_field);
        if (!ts_node_is_null(d) && ts_node_child_count(d) == 0)
            name = d;
    }
    return push_cand(&e->decls, &e->n_decls, &e->cap_decls, n, name) ? TERSE_OK : TERSE_ENOMEM;
}

/* See code_internal.h. */
int code_collect_decls(struct emit *e, TSNode root)
{
    TSTreeCursor c = ts_tree_cursor_new(root);
    size_t depth = 1;
    int rc = TERSE_OK;
    if (!ts_tree_cursor_goto_first_child(&c)) {
        ts_tree_cursor_delete(&c);
        return TERSE_OK;
    }
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&c);
        uint32_t k = code_kind_of(e, n);
        if (ts_node_is_named(n) && !(k & K_COMMENT)) {
            if (decl_container(n)) {
                if (ts_tree_cursor_goto_first_child(&c)) {
                    depth++;
                    continue;
                }
            } else if (!holds_cand(e, ts_node_start_byte(n), ts_node_end_byte(n)) && (rc = add_decl(e, n)) != 0) {
                break;
            }
        }
        while (!ts_tree_cursor_goto_next_sibling(&c)) {
            if (depth <= 1 || !ts_tree_cursor_goto_parent(&c))
                goto done;
            depth--;
        }
    }
done:
    ts_tree_cursor_delete(&c);
    return rc;
}

/* Budget: node nd [s, en) of the walk in the declaration it belongs to, if
 * any: records where the declaration's output starts (at its own node) and
 * returns 1 when it is kept whole. */
static int decl_at(struct emit *e, TSNode nd, size_t s, size_t en)
{
    struct cand *d;
    while (e->next_decl < e->n_decls && e->decls[e->next_decl].end <= s &&
           !ts_node_eq(nd, e->decls[e->next_decl].node))
        e->next_decl++;
    if (e->next_decl == e->n_decls)
        return 0;
    d = &e->decls[e->next_decl];
    if (s < d->start || en > d->end)
        return 0;
    if (ts_node_eq(nd, d->node))
        d->out_start = e->out->len;
    return d->keep;
}

/* Budget: the walk has written node nd; when it is the current
 * declaration, records where its output ends. */
static void decl_done(struct emit *e, TSNode nd)
{
    if (e->next_decl < e->n_decls && ts_node_eq(nd, e->decls[e->next_decl].node))
        e->decls[e->next_decl].out_end = e->out->len;
}

/* Writes the marker of an elided body (node `body`, owned by a definition
 * written at Python depth e->idepth). */
static void elide(struct emit *e, TSNode body)
{
    size_t bs = ts_node_start_byte(body), be = ts_node_end_byte(body);
    e->st->bodies_elided++;
    if (e->L->layout == LAYOUT_INDENT) {
        uint32_t i, count = ts_node_named_child_count(body);
        size_t mark = e->out->len;
        code_take_gap(e, bs);
        e->pend_nl = e->pend_sp = e->removed = 0;
        for (i = 0; i < count; i++) {
            TSNode ch = ts_node_named_child(body, i);
            if (code_kind_of(e, ch) & K_COMMENT)
                continue;
            if ((code_kind_of(e, ch) & K_EXPR_STMT) && ts_node_named_child_count(ch) == 1 &&
                (code_kind_of(e, ts_node_named_child(ch, 0)) & K_STRING)) {
                TSNode str = ts_node_named_child(ch, 0);
                buf_addc(e->out, '\n');
                code_indent(e, e->idepth + 1);
                mark = e->out->len;
                if (!code_docstring_cut(e->src, ts_node_start_byte(str), ts_node_end_byte(str), 1, e->out))
                    buf_add(e->out, e->src + ts_node_start_byte(str), ts_node_end_byte(str) - ts_node_start_byte(str));
                buf_addc(e->out, '\n');
                code_indent(e, e->idepth + 1);
                buf_adds(e->out, "...");
            }
            break;
        }
        if (mark == e->out->len && e->last_line_comment) {
            /* a comment kept after the header's colon ("# type: ...") runs
             * to the end of its line: the body goes on the next one */
            buf_addc(e->out, '\n');
            code_indent(e, e->idepth + 1);
            buf_adds(e->out, "...");
        } else if (mark == e->out->len) {
            buf_adds(e->out, " ...");
        }
    } else {
        code_take_gap(e, bs);
        code_separate(e, bs, 0);
        buf_adds(e->out, e->L->body_marker);
    }
    e->prev_end = be;
    e->last_line_comment = 0;
}

/* 1 when node n (the cursor's) is the value of an assignment and spans
 * more than three lines: max elides it (what the name is matters, not
 * the table it holds). */
static int long_value(const struct emit *e, const TSTreeCursor *cur, TSNode n)
{
    TSFieldId f = ts_tree_cursor_current_field_id(cur);
    if (!f || (f != e->right_field && f != e->value_field))
        return 0;
    {
        /* __all__ lists what a Python module exports: kept */
        size_t b = ts_node_start_byte(n);
        while (b > 0 && e->src[b - 1] != '\n')
            b--;
        while (e->src[b] == ' ' || e->src[b] == '\t')
            b++;
        if (ts_node_start_byte(n) - b >= 7 && memcmp(e->src + b, "__all__", 7) == 0)
            return 0;
    }
    return ts_node_end_point(n).row - ts_node_start_point(n).row >= 3;
}

/* Python: 1 when a block holds one simple statement (and at most comments
 * this level drops), so it can follow its header on the same line
 * ("if x: return y"): tree-sitter gives the same block either way, and
 * the line break and indentation cost tokens. */
static int joinable_block(const struct emit *e, TSNode block)
{
    static const char *const simple[] = {
        "expression_statement", "return_statement", "pass_statement", "break_statement", "continue_statement",
        "raise_statement", "assert_statement", "import_statement", "import_from_statement",
        "future_import_statement", "global_statement", "nonlocal_statement", "delete_statement",
        "print_statement", "exec_statement", "type_alias_statement",
    };
    uint32_t i, count = ts_node_named_child_count(block);
    int statements = 0, ok;
    size_t k;
    for (i = 0; i < count; i++) {
        TSNode ch = ts_node_named_child(block, i);
        if (code_kind_of(e, ch) & K_COMMENT) {
            if (!level_get(e->level)->code_comments || code_tool_comment(e, ts_node_start_byte(ch), ts_node_end_byte(ch)))
                return 0;
            continue;
        }
        if (++statements > 1)
            return 0;
        for (ok = 0, k = 0; k < sizeof simple / sizeof simple[0] && !ok; k++)
            ok = strcmp(ts_node_type(ch), simple[k]) == 0;
        if (!ok)
            return 0;
    }
    return statements == 1;
}

/* max: the long value src[s..en) (a table, a big literal) elided: "..."
 * in an indented language, else "…" inside its brackets. */
static void elide_value(struct emit *e, size_t s, size_t en)
{
    char mk[8];
    size_t ml = 0;
    if (e->L->layout == LAYOUT_INDENT) {
        memcpy(mk, "...", 3);
        ml = 3;
    } else {
        char open = e->src[s];
        if (open == '{' || open == '[' || open == '(')
            mk[ml++] = open;
        memcpy(mk + ml, "\xe2\x80\xa6", 3); /* … */
        ml += 3;
        if (open == '{' || open == '[' || open == '(')
            mk[ml++] = open == '{' ? '}' : open == '[' ? ']' : ')';
    }
    code_put(e, s, en, mk, ml, 0);
    e->st->values_elided++;
}

/* The comment src[s..en): the license header becomes one marker (at the
 * levels that say so), other comments go where the level drops them
 * (not those a tool reads), else stay. */
static void write_comment(struct emit *e, size_t s, size_t en)
{
    if (s >= e->lic_start && en <= e->lic_end && e->lic_end > e->lic_start && level_get(e->level)->code_license) {
        if (!e->lic_done) {
            char mk[96];
            const char *lc = e->L->line_comment;
            int c_style = e->L->grammar == code_lang_get(CODE_C)->grammar;
            int ml;
            e->lic_done = 1;
            e->st->license_headers++;
            ml = snprintf(mk, sizeof mk, "%s[license header elided%s%s]%s",
                          c_style ? "/* " : lc[0] == '#' ? "# " : "// ", e->lic_name[0] ? ": " : "", e->lic_name,
                          c_style ? " */" : "");
            if (ml < 0 || (size_t)ml >= sizeof mk)
                ml = (int)sizeof mk - 1;
            code_put(e, s, en, mk, (size_t)ml, !c_style);
        } else {
            code_drop(e, s, en);
        }
    } else if (level_get(e->level)->code_comments && !code_tool_comment(e, s, en)) {
        code_drop(e, s, en);
        e->st->comments_removed++;
    } else {
        code_put(e, s, en, NULL, 0, 1);
    }
}

/* An atomic node src[s..en) (a string): a docstring cut where the level
 * cuts them (first_line: see code_docstring_cut), else as it is. */
static void write_atomic(struct emit *e, const struct frame *f, size_t depth, size_t s, size_t en, int first_line)
{
    size_t mark = e->out->len;
    if (!e->collect && level_get(e->level)->code_docstrings && code_is_docstring(e, f, depth)) {
        struct buf tmp = {0};
        size_t tn = code_docstring_cut(e->src, s, en, first_line, &tmp);
        if (tn) {
            code_put(e, s, en, tmp.p, tn, 0);
            e->st->docstrings_cut++;
        }
        if (tmp.oom)
            status_fail(&e->status, TERSE_ENOMEM);
        buf_free(&tmp);
    }
    if (mark == e->out->len)
        code_put(e, s, en, NULL, 0, 0);
}

/* See code_internal.h. */
void code_walk(struct emit *e, TSNode root)
{
    TSTreeCursor cur = ts_tree_cursor_new(root);
    struct frame *f = malloc(64 * sizeof *f);
    size_t depth = 0, cap = 64;
    int max = level_get(e->level)->code_skeleton;
    if (!f) {
        status_fail(&e->status, TERSE_ENOMEM);
        ts_tree_cursor_delete(&cur);
        return;
    }
    memset(&f[0], 0, sizeof f[0]);
    f[0].node = root;
    f[0].kind = code_kind_of(e, root);
    e->next_cand = 0;
    e->next_decl = 0;
    while (e->status == TERSE_OK) {
        TSNode nd = f[depth].node;
        uint32_t k = f[depth].kind;
        size_t s = ts_node_start_byte(nd), en = ts_node_end_byte(nd);
        int fk = f[depth].keep; /* written whole: a kept body or declaration */
        if (e->n_decls && !e->collect && decl_at(e, nd, s, en)) {
            fk = 1;
            if (depth >= 1)
                f[depth - 1].run = RUN_NONE; /* a run of macros or overloads ends */
        }
        if (max && !e->collect && depth >= 1 && f[depth - 1].cand &&
            ts_tree_cursor_current_field_id(&cur) == e->body_field &&
            s == e->cands[f[depth - 1].cand - 1].body_start) {
            struct cand *c = &e->cands[f[depth - 1].cand - 1];
            if (!c->keep) {
                elide(e, nd);
                goto advance;
            }
            c->out_start = e->out->len;
        }
        if (max && !e->collect && !fk && code_skeleton(e, &cur, f, depth))
            goto advance;
        if (max && !e->collect && !fk && depth >= 1 && (f[depth - 1].kind & K_ASSIGN) &&
            !(k & (K_FUNC | K_CLASS | K_COMMENT)) && long_value(e, &cur, nd) && !holds_definitions(e, nd)) {
            elide_value(e, s, en); /* max: a long value (a table, a big literal) */
            goto advance;
        }
        if (k & K_COMMENT) {
            if (!e->collect)
                write_comment(e, s, en);
        } else if (k & K_ATOMIC) {
            write_atomic(e, f, depth, s, en, max && !fk);
        } else if (ts_node_child_count(nd) == 0) {
            if (en > s)
                code_put(e, s, en, NULL, 0, 0);
        } else {
            int keep = fk;
            if (max && !keep && (k & K_FUNC)) {
                TSNode body = elidable_body(e, nd);
                if (!ts_node_is_null(body) && !holds_definitions(e, nd)) {
                    if (e->collect) {
                        /* nested definitions belong to this one */
                        if (add_cand(e, nd, body) != 0)
                            status_fail(&e->status, TERSE_ENOMEM);
                        goto advance;
                    }
                    /* a candidate inside something the skeleton elided
                     * (a field's arrow function) was never reached */
                    while (e->next_cand < e->n_cands && e->cands[e->next_cand].start < s)
                        e->next_cand++;
                    if (e->next_cand < e->n_cands && e->cands[e->next_cand].start == s) {
                        f[depth].cand = ++e->next_cand;
                        if (e->cands[e->next_cand - 1].keep) {
                            keep = 1;
                            e->st->bodies_kept++;
                        }
                    }
                }
            }
            if ((k & K_BLOCK) && !e->collect && joinable_block(e, nd))
                e->join_line = 1;
            if (ts_tree_cursor_goto_first_child(&cur)) {
                if (depth + 1 >= cap) {
                    struct frame *p = realloc(f, cap * 2 * sizeof *p);
                    if (!p) {
                        status_fail(&e->status, TERSE_ENOMEM);
                        break;
                    }
                    f = p;
                    cap *= 2;
                }
                depth++;
                memset(&f[depth], 0, sizeof f[depth]);
                f[depth].node = ts_tree_cursor_current_node(&cur);
                f[depth].kind = code_kind_of(e, f[depth].node);
                f[depth].keep = (uint8_t)keep;
                continue;
            }
        }
    advance:
        if (e->n_decls && !e->collect)
            decl_done(e, f[depth].node);
        while (!ts_tree_cursor_goto_next_sibling(&cur)) {
            if (depth == 0 || !ts_tree_cursor_goto_parent(&cur))
                goto done;
            depth--;
            if (f[depth].cand && e->cands[f[depth].cand - 1].keep)
                e->cands[f[depth].cand - 1].out_end = e->out->len;
            if (e->n_decls && !e->collect)
                decl_done(e, f[depth].node);
        }
        f[depth].node = ts_tree_cursor_current_node(&cur);
        f[depth].kind = code_kind_of(e, f[depth].node);
        f[depth].cand = 0;
        f[depth].run = RUN_NONE;
        f[depth].named = 0;
        f[depth].last_name = f[depth].last_len = 0;
    }
done:
    free(f);
    ts_tree_cursor_delete(&cur);
}
