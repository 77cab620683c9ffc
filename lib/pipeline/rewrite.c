/* rewrite.c - a model backend over a document; see rewrite.h.
 *
 * Chunks are runs of sentences (paragraphs and list items) of at most
 * terse_options.rewrite_tokens input tokens (512 by default), cut at a
 * block boundary when the run has one, else between sentences: whole
 * documents make models invent (LLMLingua-2), and a chunk is also the unit
 * a rewrite is accepted or turned down in. Headings, code fences, tables,
 * JSON and other verbatim blocks end a chunk and keep terse's own output.
 *
 * A rewrite is accepted only when it is non-empty valid UTF-8, keeps every
 * item the guards protect (guard_check_text: numbers, negations, names, URLs,
 * paths, e-mail addresses, code spans, quoted strings), invents few words
 * (guard_novel_words: at most 2 + 1/10 of its words neither in the chunk nor
 * an abbreviation of one of its words), and costs fewer tokens than terse's
 * own output of the same chunk. Otherwise terse's own output stays, so a
 * model that answers garbage leaves the output byte for byte as without it.
 */
#include "rewrite.h"

#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/utf8.h"
#include "../guard/guard.h"
#include "../passes/prose.h"
#include "document.h"

#define REWRITE_TOKENS 512

/* Segments that may go to the model: sentences of paragraphs and list items. */
static int eligible(const struct seg *g)
{
    return g->kind == SEG_SENTENCE && !g->fence && !g->json;
}

/* terse's own output of segments [a, b) (as assemble writes it, without
 * the first block's prefix, which stays outside the chunk) into out. */
static void own_text(const struct job *j, size_t a, size_t b, struct buf *out)
{
    size_t i;
    long last = (long)j->segs[a].block;
    int any = 0;
    for (i = a; i < b; i++) {
        const struct seg *g = &j->segs[i];
        if (g->removed || g->out_len == 0)
            continue;
        if (any) {
            int sep = (long)g->block == last ? SEP_SPACE : j->blocks[g->block].sep;
            buf_adds(out, sep == SEP_SPACE ? " " : sep == SEP_LINE ? "\n" : "\n\n");
        }
        if ((long)g->block != last && j->blocks[g->block].lit)
            buf_adds(out, j->blocks[g->block].lit);
        else if ((long)g->block != last && j->blocks[g->block].prefix_len)
            buf_add(out, j->doc + j->blocks[g->block].prefix, j->blocks[g->block].prefix_len);
        last = (long)g->block;
        any = 1;
        buf_add(out, g->out, g->out_len);
    }
}

struct span {
    size_t a, b; /* segments [a, b): the first and last are kept ones */
};

/* Cuts the document's prose into chunks. Returns their number, or
 * (size_t)-1 when memory runs out. */
static size_t cut_chunks(struct job *j, size_t limit, struct span **out)
{
    struct span *s = NULL;
    size_t n = 0, cap = 0, i = 0;
    while (i < j->n_segs) {
        size_t a, cut = 0, tokens = 0, last_kept;
        if (!eligible(&j->segs[i]) || j->segs[i].removed || j->segs[i].out_len == 0) {
            i++;
            continue;
        }
        a = i;
        while (i < j->n_segs && eligible(&j->segs[i])) {
            const struct seg *g = &j->segs[i];
            size_t t = count_tokens(j, j->doc + g->start, g->end - g->start);
            if (i > a && tokens + t > limit) {
                if (cut > a)
                    i = cut; /* at the last block boundary */
                break;
            }
            if (i > a && g->block != j->segs[i - 1].block)
                cut = i;
            tokens += t;
            i++;
        }
        for (last_kept = i; last_kept > a && (j->segs[last_kept - 1].removed || !j->segs[last_kept - 1].out_len);
             last_kept--)
            ;
        if (n == cap) {
            struct span *p = realloc(s, (cap = cap ? cap * 2 : 16) * sizeof *s);
            if (!p) {
                free(s);
                return (size_t)-1;
            }
            s = p;
        }
        s[n].a = a;
        s[n].b = last_kept;
        n++;
    }
    *out = s;
    return n;
}

/* Judges rewrite out[0..len) of chunk in[0..in_len) whose own output
 * costs own tokens: c->verdict (TERSE_VERDICT_*), c->tokens_model (the
 * rewrite's tokens, 0 when not counted), c->missing (the item a guard
 * missed). Returns TERSE_OK, or TERSE_ENOMEM when the guards ran out of
 * memory (no verdict then). */
static int judge(struct job *j, const char *in, size_t in_len, const char *out, size_t len, size_t own,
                 terse_chunk *c)
{
    const char *miss = NULL;
    size_t miss_len = 0, words = 0, novel;
    c->tokens_model = 0;
    if (!out || len == 0) {
        c->verdict = TERSE_VERDICT_FAILED;
        return TERSE_OK;
    }
    if (utf8_first_invalid((const unsigned char *)out, len) != len) {
        c->verdict = TERSE_VERDICT_UTF8;
        return TERSE_OK;
    }
    if (!guard_check_text(in, in_len, out, len, prose_common_word, &miss, &miss_len)) {
        if (!miss)
            return TERSE_ENOMEM; /* the check fails without an item only when memory runs out */
        if (miss_len > sizeof c->missing - 1) {
            /* cut before a continuation byte */
            miss_len = sizeof c->missing - 1;
            while (miss_len && ((unsigned char)miss[miss_len] & 0xC0) == 0x80)
                miss_len--;
        }
        memcpy(c->missing, miss, miss_len);
        c->missing[miss_len] = 0;
        switch (guard_item_kind(miss, miss_len)) {
        case GUARD_NUMBER:
            c->verdict = TERSE_VERDICT_NUMBER;
            break;
        case GUARD_NEGATION:
            c->verdict = TERSE_VERDICT_NEGATION;
            break;
        case GUARD_NAME:
            c->verdict = TERSE_VERDICT_NAME;
            break;
        default:
            c->verdict = TERSE_VERDICT_IDENTIFIER;
        }
        return TERSE_OK;
    }
    novel = guard_novel_words(in, in_len, out, len, &words);
    if (novel == (size_t)-1)
        return TERSE_ENOMEM;
    if (novel > 2 + words / 10) {
        c->verdict = TERSE_VERDICT_NOVEL;
        return TERSE_OK;
    }
    c->tokens_model = count_tokens(j, out, len);
    c->verdict = c->tokens_model >= own ? TERSE_VERDICT_LONGER : TERSE_VERDICT_ACCEPTED;
    return TERSE_OK;
}

/* out[0..*len) without leading and trailing white space. */
static const char *trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    *len = n;
    return s;
}

/* See rewrite.h. */
int rewrite_doc(struct job *j)
{
    const terse_options *o = j->o;
    struct span *sp = NULL;
    terse_rewrite *rw = NULL;
    struct buf own = {0};
    size_t n, i, k;
    int rc = TERSE_OK;
    n = cut_chunks(j, o->rewrite_tokens ? o->rewrite_tokens : REWRITE_TOKENS, &sp);
    if (n == (size_t)-1)
        goto oom;
    if (n == 0)
        return TERSE_OK;
    rw = calloc(n, sizeof *rw);
    j->chunks = calloc(n, sizeof *j->chunks);
    if (!rw || !j->chunks)
        goto oom;
    j->n_chunks = n;
    for (i = 0; i < n; i++) {
        const struct seg *a = &j->segs[sp[i].a], *z = &j->segs[sp[i].b - 1];
        rw[i].text = j->doc + a->start;
        rw[i].len = z->end - a->start;
        rw[i].cost = -1;
        j->chunks[i].start = a->start;
        j->chunks[i].len = rw[i].len;
    }
    rc = o->rewrite(o->rewrite_user, rw, n);
    if (rc != TERSE_OK)
        goto done;
    for (i = 0; i < n; i++) {
        terse_chunk *c = &j->chunks[i];
        size_t len = rw[i].out_len, own_tokens;
        const char *out = rw[i].out ? trim(rw[i].out, &len) : NULL;
        int v;
        own.len = 0;
        own_text(j, sp[i].a, sp[i].b, &own);
        if (own.oom)
            goto oom;
        own_tokens = count_tokens(j, own.p ? own.p : "", own.len);
        if (judge(j, rw[i].text, rw[i].len, out, len, own_tokens, c) != TERSE_OK)
            goto oom;
        v = c->verdict;
        c->tokens_terse = own_tokens;
        c->seconds = rw[i].seconds;
        c->cost = rw[i].cost;
        c->cached = rw[i].cached;
        if (v != TERSE_VERDICT_ACCEPTED) {
            j->rejected[v]++;
            continue;
        }
        {
            struct seg *g = &j->segs[sp[i].a];
            char *copy = len <= UINT32_MAX ? malloc(len + 1) : NULL; /* seg lengths are 32-bit */
            if (!copy)
                goto oom;
            memcpy(copy, out, len);
            copy[len] = 0;
            free(g->out);
            g->out = copy;
            g->out_len = (uint32_t)len;
            for (k = sp[i].a + 1; k < sp[i].b; k++)
                j->segs[k].removed = 1;
        }
        j->rewritten++;
    }
    goto done;
oom:
    status_fail(&j->status, TERSE_ENOMEM);
    rc = TERSE_ENOMEM;
done:
    for (i = 0; rw && i < n; i++)
        free(rw[i].out);
    free(rw);
    free(sp);
    buf_free(&own);
    return rc;
}
