/* code_skeleton.c - max: declaration skeletons: member lists, runs of
 * macros and fields, long values and types, import and export lists and
 * overloads folded into markers; see code_internal.h.
 */
#include <stdio.h>
#include <string.h>

#include "../common/buf.h"
#include "code_internal.h"

/* C and C++: 1 when the declaration or member node n declares a function
 * (a prototype, a method), not a function pointer or a variable: one of
 * its declarators, through pointers, references and attributes, is a
 * function declarator whose own declarator is a name. */
static int declares_function(const struct emit *e, TSNode n)
{
    TSTreeCursor c = ts_tree_cursor_new(n);
    int found = 0;
    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode d;
            if (ts_tree_cursor_current_field_id(&c) != e->declarator_field || !e->declarator_field)
                continue;
            d = ts_tree_cursor_current_node(&c);
            while (!ts_node_is_null(d) && (strcmp(ts_node_type(d), "pointer_declarator") == 0 ||
                                           strcmp(ts_node_type(d), "reference_declarator") == 0 ||
                                           strcmp(ts_node_type(d), "attributed_declarator") == 0)) {
                TSNode in = ts_node_child_by_field_id(d, e->declarator_field);
                d = ts_node_is_null(in) ? ts_node_named_child(d, ts_node_named_child_count(d) - 1) : in;
            }
            if (!ts_node_is_null(d) && strcmp(ts_node_type(d), "function_declarator") == 0) {
                TSNode in = ts_node_child_by_field_id(d, e->declarator_field);
                if (!ts_node_is_null(in) && !strstr(ts_node_type(in), "declarator"))
                    found = 1;
            }
        } while (!found && ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    return found;
}

/* 1 when the member n is one max elides: a field, a property, an index or
 * call signature (not a method, even one declared as a field). */
static int elided_member(const struct emit *e, TSNode n, uint32_t k)
{
    TSNode type;
    if (!(k & K_MEMBER) || (k & (K_FUNC | K_CLASS)) || declares_function(e, n))
        return 0;
    /* a nested struct, union, enum or class definition names a type: kept */
    type = ts_node_child_by_field_name(n, "type", 4);
    return ts_node_is_null(type) || !strstr(ts_node_type(type), "_specifier") ||
           ts_node_is_null(ts_node_child_by_field_id(type, e->body_field));
}

/* 1 when node n holds, at any depth, a named function, method, signature
 * or class (C and C++: a declaration of a function): what a member that is
 * not itself one may wrap (a Java record or enum with methods, TypeScript's
 * "export function f(): T;" in an interface, C++'s "friend int f(A);").
 * Iterative (a cursor). */
static int holds_named_definition(const struct emit *e, TSNode n)
{
    TSTreeCursor c = ts_tree_cursor_new(n);
    int found = 0;
    if (!ts_tree_cursor_goto_first_child(&c)) {
        ts_tree_cursor_delete(&c);
        return 0;
    }
    for (;;) {
        TSNode d = ts_tree_cursor_current_node(&c);
        if ((code_kind_of(e, d) & (K_FUNC | K_CLASS | K_METHOD)) &&
            (!ts_node_is_null(ts_node_child_by_field_id(d, e->name_field)) || declares_function(e, d))) {
            found = 1;
            break;
        }
        if (ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c) || ts_node_eq(ts_tree_cursor_current_node(&c), n))
                goto out;
    }
out:
    ts_tree_cursor_delete(&c);
    return found;
}

/* 1 when a member list holds something the skeleton keeps (a method, a
 * nested function, class or declaration, or a member that holds a named
 * one: holds_named_definition): then its fields are elided a run at a
 * time instead of the whole list, so every name of a definition the list
 * holds is written. */
static int holds_methods(const struct emit *e, TSNode list)
{
    TSTreeCursor c = ts_tree_cursor_new(list);
    int found = 0;
    if (ts_tree_cursor_goto_first_child(&c)) {
        do {
            TSNode ch = ts_tree_cursor_current_node(&c);
            uint32_t k = code_kind_of(e, ch);
            if (!ts_node_is_named(ch) || (k & K_COMMENT))
                continue;
            if ((k & (K_FUNC | K_CLASS | K_METHOD)) || ((k & K_MEMBER) && !elided_member(e, ch, k)) ||
                (!elided_member(e, ch, k) && holds_named_definition(e, ch)))
                found = 1;
        } while (!found && ts_tree_cursor_goto_next_sibling(&c));
    }
    ts_tree_cursor_delete(&c);
    return found;
}

/* See code_internal.h. */
size_t code_cand_from(const struct cand *arr, size_t n, size_t s)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (arr[mid].start < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Budget: 1 when the declaration that starts at byte s is kept whole. */
static int decl_kept_at(const struct emit *e, size_t s)
{
    size_t i = code_cand_from(e->decls, e->n_decls, s);
    return i < e->n_decls && e->decls[i].start == s && e->decls[i].keep;
}

/* Writes the marker of a run of object-like macros that starts at the
 * cursor's node: a C comment line that says "12 macros: NID_…, SN_…,
 * EPERM" (up to four distinct name prefixes, each up to its first inner
 * underscore, or the whole name when it has none). The run must hold at
 * least MACRO_RUN definitions with a value (comments between them aside;
 * a define without a value, such as an include guard, ends it); returns 0
 * when it does not (nothing written), else 1. */
static int fold_macros(struct emit *e, const TSTreeCursor *cur)
{
    TSTreeCursor c = ts_tree_cursor_copy(cur);
    size_t count = 0, np = 0, s = ts_node_start_byte(ts_tree_cursor_current_node(cur)), i;
    struct { size_t at, len; } pre[4];
    int more = 0;
    struct buf mk = {0};
    char num[32];
    do {
        TSNode n = ts_tree_cursor_current_node(&c);
        uint32_t k = code_kind_of(e, n);
        TSNode name;
        size_t a, b, p;
        if (k & K_COMMENT)
            continue;
        if (!(k & K_PPDEF) || ts_node_is_null(ts_node_child_by_field_id(n, e->value_field)))
            break; /* a define without a value (an include guard, a flag) stays */
        if (e->n_decls && decl_kept_at(e, ts_node_start_byte(n)))
            break; /* written whole for the budget */
        count++;
        name = ts_node_child_by_field_id(n, e->name_field);
        if (ts_node_is_null(name))
            continue;
        a = ts_node_start_byte(name);
        b = ts_node_end_byte(name);
        for (p = a; p < b && e->src[p] == '_'; p++)
            ;
        while (p < b && e->src[p] != '_')
            p++;
        if (p + 1 < b)
            p++; /* the prefix, up to its first inner underscore */
        else
            p = b; /* no inner underscore: the whole name */
        for (i = 0; i < np; i++)
            if (pre[i].len == p - a && memcmp(e->src + pre[i].at, e->src + a, p - a) == 0)
                break;
        if (i < np)
            continue;
        if (np < 4) {
            pre[np].at = a;
            pre[np].len = p - a;
            np++;
        } else {
            more = 1;
        }
    } while (ts_tree_cursor_goto_next_sibling(&c));
    ts_tree_cursor_delete(&c);
    if (count < MACRO_RUN)
        return 0;
    snprintf(num, sizeof num, "%zu", count);
    buf_adds(&mk, "/* ");
    buf_adds(&mk, num);
    buf_adds(&mk, " macros");
    for (i = 0; i < np; i++) {
        buf_adds(&mk, i ? ", " : ": ");
        buf_add(&mk, e->src + pre[i].at, pre[i].len);
        if (e->src[pre[i].at + pre[i].len - 1] == '_')
            buf_adds(&mk, ELLIPSIS);
    }
    if (more)
        buf_adds(&mk, ", " ELLIPSIS);
    buf_adds(&mk, " */\n");
    if (mk.oom)
        status_fail(&e->status, TERSE_ENOMEM);
    else
        code_put(e, s, s, mk.p, mk.len, 0);
    buf_free(&mk);
    e->st->members_elided++;
    return 1;
}

/* max: node [s, en) belongs to a run of `run` elided as one "…": the
 * first of the run writes the marker, the rest are dropped. Returns 1. */
static int elide_run(struct emit *e, struct frame *up, size_t s, size_t en, int run)
{
    if (up->run == run) {
        code_drop(e, s, en);
    } else {
        code_put(e, s, en, ELLIPSIS, sizeof ELLIPSIS - 1, 0);
        up->run = run;
        e->st->members_elided++;
    }
    return 1;
}

/* See code_internal.h. */
int code_skeleton(struct emit *e, const TSTreeCursor *cur, struct frame *f, size_t depth)
{
    TSNode nd = f[depth].node;
    uint32_t k = f[depth].kind;
    size_t s = ts_node_start_byte(nd), en = ts_node_end_byte(nd);
    struct frame *up = depth ? &f[depth - 1] : NULL;
    if (k & K_ATTR) {
        code_drop(e, s, en);
        return 1;
    }
    if (up && up->run == RUN_MACROS) {
        if ((k & K_COMMENT) || ((k & K_PPDEF) && !ts_node_is_null(ts_node_child_by_field_id(nd, e->value_field)))) {
            code_drop(e, s, en);
            return 1;
        }
        up->run = RUN_NONE;
    }
    if (up && ts_node_is_named(nd) && !(k & K_COMMENT)) {
        /* overloads: a signature named as the one before it */
        TSNode nm = ts_node_child_by_field_id(nd, e->name_field);
        size_t ns = 0, nl = 0;
        int overload;
        if (!ts_node_is_null(nm)) {
            ns = ts_node_start_byte(nm);
            nl = ts_node_end_byte(nm) - ns;
        }
        overload = (k & K_SIG) && nl && up->last_len == nl && up->last_sym == ts_node_symbol(nd) &&
                   memcmp(e->src + up->last_name, e->src + ns, nl) == 0;
        up->named++;
        up->last_name = ns;
        up->last_len = nl;
        up->last_sym = ts_node_symbol(nd);
        if (overload)
            return elide_run(e, up, s, en, RUN_OVERLOADS);
        if ((up->kind & K_LIST) && up->named > LIST_KEEP && ts_node_named_child_count(up->node) > LIST_KEEP + 2)
            return elide_run(e, up, s, en, RUN_LIST);
    }
    if (up && (up->run == RUN_MEMBERS || up->run == RUN_LIST || up->run == RUN_OVERLOADS)) {
        if ((k & K_COMMENT) || (!ts_node_is_named(nd) && en - s == 1 && (e->src[s] == ';' || e->src[s] == ','))) {
            code_drop(e, s, en);
            return 1;
        }
        if (ts_node_is_named(nd) && (up->run != RUN_MEMBERS || !elided_member(e, nd, k)))
            up->run = RUN_NONE;
    }
    if ((k & K_MEMBERS) && ts_node_named_child_count(nd) > 0 && !holds_methods(e, nd)) {
        code_take_gap(e, s);
        if (!e->pp_line && !e->last_line_comment)
            e->pend_nl = 0; /* "struct x {…};" on one line */
        code_put(e, s, en, "{" ELLIPSIS "}", sizeof ELLIPSIS + 1, 0);
        e->st->members_elided++;
        return 1;
    }
    if (up && (up->kind & K_MEMBERS) && ts_node_is_named(nd) && elided_member(e, nd, k))
        return elide_run(e, up, s, en, RUN_MEMBERS);
    if (up && ts_node_is_named(nd) && en - s > TYPE_MAX &&
        ((up->kind & K_TYPEANN) ||
         ((up->kind & K_TYPEALIAS) && ts_tree_cursor_current_field_id(cur) == e->value_field && e->value_field))) {
        code_put(e, s, en, ELLIPSIS, sizeof ELLIPSIS - 1, 0);
        e->st->members_elided++;
        return 1;
    }
    if ((k & K_PPDEF) && up && fold_macros(e, cur)) {
        code_drop(e, s, en);
        up->run = RUN_MACROS;
        return 1;
    }
    if (up && (up->kind & (K_PPDEF | K_PPFUNC)) && ts_tree_cursor_current_field_id(cur) == e->value_field &&
        e->value_field) {
        /* a macro's value ends before the blanks that led to a comment */
        size_t t = en;
        while (t > s && (e->src[t - 1] == ' ' || e->src[t - 1] == '\t'))
            t--;
        if (t - s > 8) {
            code_put(e, s, en, ELLIPSIS, sizeof ELLIPSIS - 1, 0);
            e->st->members_elided++;
        } else {
            code_put(e, s, en, e->src + s, t - s, 0);
        }
        return 1;
    }
    return 0;
}
