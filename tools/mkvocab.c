/* mkvocab.c - build-time converter from the npm packages' vocabularies to
 * the blob format of lib/tokenize/vocab_format.h.
 *
 *   mkvocab bytebpe RANKS OUT [--special TEXT=ID]...
 *       RANKS: a .tiktoken file ("<base64 token> <rank>" per line).
 *   mkvocab mergebpe VOCAB MERGES ADDED UNK_ID OUT
 *       VOCAB: token strings in id order, each as u32 length + bytes;
 *       MERGES: u32 pairs (left id, right id) in rank order;
 *       ADDED: records u32 id, u32 special (0/1), u32 length + bytes.
 *       (tools/extract_vocab.js writes these from tokenizer.json.)
 *
 * Exits 1 with a one-line message on malformed input: a vocabulary that does
 * not convert cleanly must stop the build, not produce a wrong tokenizer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/common/hash.h"
#include "../lib/common/utf8.h"
#include "../lib/tokenize/vocab_format.h"

static const char *prog_input = "";

static void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mkvocab: %s: ", prog_input);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        die("out of memory");
    return q;
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n = 0;
    prog_input = path;
    if (!f)
        die("cannot open: %s", strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        die("cannot size file");
    buf = xcalloc((size_t)n + 1, 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        die("short read");
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* ---- token table ------------------------------------------------------ */

struct tok {
    unsigned char *s;
    uint32_t len;
    int present;
};

static struct tok *toks;
static uint32_t n_toks;

static void set_token(uint32_t id, const unsigned char *s, size_t len)
{
    if (id >= n_toks)
        die("token id %u out of range", id);
    if (toks[id].present)
        die("token id %u defined twice", id);
    toks[id].s = xcalloc(len + 1, 1);
    memcpy(toks[id].s, s, len);
    toks[id].len = (uint32_t)len;
    toks[id].present = 1;
}

static uint32_t bits_for(uint32_t n)
{
    uint32_t b = 4;
    while ((1u << b) < n * 2u)
        b++;
    return b;
}

/* ---- output ------------------------------------------------------------ */

static unsigned char *out;
static size_t out_len, out_cap;

static uint32_t out_section(const void *data, size_t len)
{
    size_t start = (out_len + 7) & ~(size_t)7;
    if (start + len > out_cap) {
        out_cap = (start + len) * 2;
        out = xrealloc(out, out_cap);
    }
    memset(out + out_len, 0, start - out_len);
    if (len)
        memcpy(out + start, data, len);
    out_len = start + len;
    if (out_len > UINT32_MAX)
        die("blob too large");
    return (uint32_t)start;
}

static int64_t lookup_token(const uint32_t *hash, uint32_t bits, const unsigned char *s, size_t len)
{
    uint32_t mask = (1u << bits) - 1, id_mask = (1u << vocab_id_bits(n_toks)) - 1;
    uint32_t i = (uint32_t)hash_bytes(s, len) & mask;
    for (;; i = (i + 1) & mask) {
        uint32_t v = hash[i] & id_mask;
        if (!hash[i])
            return -1;
        if (toks[v - 1].len == len && memcmp(toks[v - 1].s, s, len) == 0)
            return v - 1;
    }
}

/* Puts token i in the hash (1 << bits slots), as vocab_format.h lays a
 * slot out. */
static void hash_insert(uint32_t *hash, uint32_t bits, uint32_t i)
{
    uint32_t mask = (1u << bits) - 1, id_bits = vocab_id_bits(n_toks);
    uint64_t h = hash_bytes(toks[i].s, toks[i].len);
    uint32_t j = (uint32_t)h & mask;
    while (hash[j])
        j = (j + 1) & mask;
    hash[j] = vocab_slot_tag(h, id_bits) | (i + 1);
}

/* Returns a token hash (as in the blob) without writing anything. */
static uint32_t *write_tokens_hash_only(void)
{
    uint32_t bits = bits_for(n_toks), i;
    uint32_t *hash = xcalloc((size_t)1 << bits, 4);
    for (i = 0; i < n_toks; i++)
        if (toks[i].present)
            hash_insert(hash, bits, i);
    return hash;
}

/* Writes the sections common to both kinds into h. */
static uint32_t *write_tokens(struct vocab_header *h)
{
    uint32_t *off = xcalloc(n_toks + 1, 4), i, total = 0;
    unsigned char *bytes;
    uint32_t bits = bits_for(n_toks);
    uint32_t *hash = xcalloc((size_t)1 << bits, 4);
    for (i = 0; i < n_toks; i++) {
        off[i] = total;
        total += toks[i].len;
    }
    off[n_toks] = total;
    bytes = xcalloc(total, 1);
    for (i = 0; i < n_toks; i++) {
        if (toks[i].len)
            memcpy(bytes + off[i], toks[i].s, toks[i].len);
        if (!toks[i].present)
            continue;
        if (lookup_token(hash, bits, toks[i].s, toks[i].len) >= 0)
            die("token %u duplicates an earlier token", i);
        hash_insert(hash, bits, i);
    }
    h->n_tokens = n_toks;
    h->off_tok_off = out_section(off, (size_t)(n_toks + 1) * 4);
    h->off_tok_bytes = out_section(bytes, total);
    h->hash_bits = bits;
    h->off_hash = out_section(hash, ((size_t)1 << bits) * 4);
    free(off);
    free(bytes);
    return hash;
}

/* The added/special tokens are looked up by longest match at a position,
 * walking a byte trie (see vocab_format.h). */
struct trie_build {
    uint32_t value;
    uint32_t child[256];
};

static void write_added(struct vocab_header *h, const uint32_t *ids, const int *special, uint32_t n)
{
    struct trie_build *tb = xcalloc(1, sizeof *tb);
    uint32_t n_nodes = 1, i, b, n_edges = 0;
    struct vocab_trie_node *nodes;
    uint32_t *edges, root[256];
    uint32_t *plain = xcalloc((size_t)n + 1, 4), nplain = 0;
    uint32_t *spec = xcalloc((size_t)n + 1, 4), nspec = 0;
    for (i = 0; i < n; i++) {
        const struct tok *t = &toks[ids[i]];
        uint32_t node = 0, k;
        if (t->len == 0)
            die("empty added token %u", ids[i]);
        for (k = 0; k < t->len; k++) {
            uint32_t c = t->s[k];
            if (!tb[node].child[c]) {
                tb = xrealloc(tb, (size_t)(n_nodes + 1) * sizeof *tb);
                memset(&tb[n_nodes], 0, sizeof *tb);
                tb[node].child[c] = n_nodes++;
            }
            node = tb[node].child[c];
        }
        if (tb[node].value)
            die("added token %u duplicates another", ids[i]);
        tb[node].value = (ids[i] + 1) | (special[i] ? 0x80000000u : 0);
        if (special[i])
            spec[nspec++] = ids[i];
        else
            plain[nplain++] = ids[i];
    }
    nodes = xcalloc(n_nodes, sizeof *nodes);
    edges = xcalloc((size_t)n_nodes + 1, 4);
    for (i = 0; i < n_nodes; i++) {
        nodes[i].value = tb[i].value;
        nodes[i].edge_start = n_edges;
        for (b = 0; b < 256; b++)
            if (tb[i].child[b] && i != 0) {
                if (tb[i].child[b] >= (1u << 24))
                    die("trie too large");
                edges[n_edges++] = b << 24 | tb[i].child[b];
            }
        nodes[i].n_edges = n_edges - nodes[i].edge_start;
    }
    for (b = 0; b < 256; b++)
        root[b] = tb[0].child[b];
    h->n_added = nplain;
    h->off_added = out_section(plain, (size_t)nplain * 4);
    h->n_special = nspec;
    h->off_special = out_section(spec, (size_t)nspec * 4);
    h->n_trie = n_nodes;
    h->off_trie_nodes = out_section(nodes, (size_t)n_nodes * sizeof *nodes);
    h->off_trie_root = out_section(root, sizeof root);
    h->off_trie_edges = out_section(edges, (size_t)n_edges * 4);
    free(tb);
    free(nodes);
    free(edges);
    free(plain);
    free(spec);
}

static void finish(struct vocab_header *h, const char *path)
{
    FILE *f;
    memcpy(out, h, sizeof *h);
    prog_input = path;
    f = fopen(path, "wb");
    if (!f)
        die("cannot create: %s", strerror(errno));
    if (fwrite(out, 1, out_len, f) != out_len || fclose(f) != 0)
        die("write failed");
}

/* ---- tiktoken ranks ---------------------------------------------------- */

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static size_t b64decode(const unsigned char *s, size_t n, unsigned char *outb)
{
    size_t i, o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (i = 0; i < n && s[i] != '='; i++) {
        int v = b64val(s[i]);
        if (v < 0)
            die("bad base64 character 0x%02x", s[i]);
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            outb[o++] = (unsigned char)(acc >> bits);
        }
    }
    return o;
}

static int cmd_bytebpe(int argc, char **argv)
{
    size_t len, pos = 0, line = 0;
    unsigned char *data;
    uint32_t max_id = 0, i;
    struct vocab_header h;
    int a;
    uint32_t sp_ids[16];
    int sp_flags[16];
    uint32_t n_sp = 0;
    if (argc < 4)
        die("usage: mkvocab bytebpe RANKS OUT [--special TEXT=ID]...");
    data = read_file(argv[2], &len);
    /* first pass: the highest id decides the table size */
    for (a = 4; a < argc; a += 2) {
        const char *eq = a + 1 < argc ? strrchr(argv[a + 1], '=') : NULL;
        if (strcmp(argv[a], "--special") != 0 || !eq)
            die("bad argument %s (expected --special TEXT=ID)", argv[a]);
        if ((uint32_t)strtoul(eq + 1, NULL, 10) > max_id)
            max_id = (uint32_t)strtoul(eq + 1, NULL, 10);
    }
    while (pos < len) {
        size_t e = pos;
        const unsigned char *sp;
        while (e < len && data[e] != '\n')
            e++;
        line++;
        if (e > pos) {
            sp = memchr(data + pos, ' ', e - pos);
            if (!sp)
                die("line %zu: no rank", line);
            if ((uint32_t)strtoul((const char *)sp + 1, NULL, 10) > max_id)
                max_id = (uint32_t)strtoul((const char *)sp + 1, NULL, 10);
        }
        pos = e + 1;
    }
    n_toks = max_id + 1;
    toks = xcalloc(n_toks, sizeof *toks);
    pos = 0;
    line = 0;
    while (pos < len) {
        size_t e = pos;
        while (e < len && data[e] != '\n')
            e++;
        line++;
        if (e > pos) {
            const unsigned char *sp = memchr(data + pos, ' ', e - pos);
            char *end;
            unsigned long rank;
            size_t blen = (size_t)(sp - (data + pos));
            unsigned char *buf = xcalloc(blen, 1);
            rank = strtoul((const char *)sp + 1, &end, 10);
            if (end == (const char *)sp + 1)
                die("line %zu: bad rank", line);
            set_token((uint32_t)rank, buf, b64decode(data + pos, blen, buf));
            free(buf);
        }
        pos = e + 1;
    }
    for (a = 4; a + 1 < argc; a += 2) {
        char *eq = strrchr(argv[a + 1], '=');
        *eq = 0;
        if (n_sp == 16)
            die("too many special tokens");
        sp_ids[n_sp] = (uint32_t)strtoul(eq + 1, NULL, 10);
        sp_flags[n_sp] = 1;
        set_token(sp_ids[n_sp], (const unsigned char *)argv[a + 1], strlen(argv[a + 1]));
        n_sp++;
    }
    memset(&h, 0, sizeof h);
    out_section(&h, sizeof h);
    h.magic = VOCAB_MAGIC;
    h.version = VOCAB_VERSION;
    h.kind = VOCAB_BYTE_BPE;
    free(write_tokens(&h));
    write_added(&h, sp_ids, sp_flags, n_sp);
    h.unk_id = UINT32_MAX;
    {
        /* every single byte must be a token for byte-level BPE to be total */
        uint32_t *hash = write_tokens_hash_only(), byte_ids[256];
        for (i = 0; i < 256; i++) {
            unsigned char c = (unsigned char)i;
            int64_t r = lookup_token(hash, bits_for(n_toks), &c, 1);
            if (r < 0)
                die("byte 0x%02x has no token", i);
            byte_ids[i] = (uint32_t)r;
        }
        h.off_byte_ids = out_section(byte_ids, sizeof byte_ids);
        {
            uint32_t *pairs = xcalloc(65536, 4);
            for (i = 0; i < 65536; i++) {
                unsigned char ab[2] = {(unsigned char)(i >> 8), (unsigned char)i};
                int64_t r = lookup_token(hash, bits_for(n_toks), ab, 2);
                pairs[i] = r < 0 ? UINT32_MAX : (uint32_t)r;
            }
            h.off_byte_pairs = out_section(pairs, 65536 * 4);
            free(pairs);
        }
        free(hash);
    }
    finish(&h, argv[3]);
    fprintf(stderr, "mkvocab: %s: %u ids, %u special, %zu bytes\n", argv[3], n_toks, n_sp, out_len);
    return 0;
}

/* ---- merge BPE (tokenizer.json) --------------------------------------- */

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int cmd_mergebpe(int argc, char **argv)
{
    size_t vlen, mlen, alen, pos, n_merges, i;
    unsigned char *vdata, *mdata, *adata;
    struct vocab_header h;
    uint32_t *hash, mbits, mmask, n = 0;
    struct vocab_merge *mt;
    uint32_t *added_ids = NULL, n_added = 0, byte_ids[256];
    int *added_special = NULL;
    if (argc != 7)
        die("usage: mkvocab mergebpe VOCAB MERGES ADDED UNK_ID OUT");
    vdata = read_file(argv[2], &vlen);
    for (pos = 0; pos + 4 <= vlen; n++)
        pos += 4 + get_u32(vdata + pos);
    if (pos != vlen)
        die("truncated record");
    n_toks = n;
    toks = xcalloc(n_toks, sizeof *toks);
    for (pos = 0, n = 0; pos < vlen; n++) {
        uint32_t L = get_u32(vdata + pos);
        uint32_t cp;
        size_t k;
        for (k = 0; k < L; k += utf8_decode(vdata + pos + 4 + k, L - k, &cp))
            if (!utf8_decode(vdata + pos + 4 + k, L - k, &cp))
                die("token %u is not valid UTF-8", n);
        set_token(n, vdata + pos + 4, L);
        pos += 4 + L;
    }
    adata = read_file(argv[4], &alen);
    for (pos = 0; pos + 12 <= alen;) {
        uint32_t id = get_u32(adata + pos), sp = get_u32(adata + pos + 4), L = get_u32(adata + pos + 8);
        if (pos + 12 + L > alen)
            die("truncated added token");
        if (id >= n_toks) {
            /* added tokens may extend the vocabulary */
            toks = xrealloc(toks, (size_t)(id + 1) * sizeof *toks);
            memset(toks + n_toks, 0, (size_t)(id + 1 - n_toks) * sizeof *toks);
            n_toks = id + 1;
        }
        if (toks[id].present && (toks[id].len != L || memcmp(toks[id].s, adata + pos + 12, L) != 0))
            die("added token %u differs from its vocabulary entry", id);
        if (!toks[id].present) {
            /* an added token whose vocabulary entry differs: the added
             * string is what is matched in text */
            set_token(id, adata + pos + 12, L);
        }
        added_ids = xrealloc(added_ids, (size_t)(n_added + 1) * 4);
        added_special = xrealloc(added_special, (size_t)(n_added + 1) * sizeof(int));
        added_ids[n_added] = id;
        added_special[n_added] = sp != 0;
        n_added++;
        pos += 12 + L;
    }
    if (pos != alen)
        die("trailing bytes");
    memset(&h, 0, sizeof h);
    out_section(&h, sizeof h);
    h.magic = VOCAB_MAGIC;
    h.version = VOCAB_VERSION;
    h.kind = VOCAB_MERGE_BPE;
    hash = write_tokens(&h);

    mdata = read_file(argv[3], &mlen);
    if (mlen % 8)
        die("merges file length is not a multiple of 8");
    n_merges = mlen / 8;
    mbits = bits_for((uint32_t)n_merges);
    mmask = (1u << mbits) - 1;
    mt = xcalloc((size_t)1 << mbits, sizeof *mt);
    for (i = 0; i < ((size_t)1 << mbits); i++)
        mt[i].left = UINT32_MAX;
    for (i = 0; i < n_merges; i++) {
        uint32_t a = get_u32(mdata + 8 * i), b = get_u32(mdata + 8 * i + 4), j;
        unsigned char buf[4096];
        int64_t r;
        if (a >= n_toks || b >= n_toks)
            die("merge %zu: id out of range", i);
        if ((size_t)toks[a].len + toks[b].len > sizeof buf)
            die("merge %zu: too long", i);
        memcpy(buf, toks[a].s, toks[a].len);
        memcpy(buf + toks[a].len, toks[b].s, toks[b].len);
        r = lookup_token(hash, h.hash_bits, buf, (size_t)toks[a].len + toks[b].len);
        if (r < 0)
            die("merge %zu: result is not in the vocabulary", i);
        j = (uint32_t)hash_pair(a, b) & mmask;
        while (mt[j].left != UINT32_MAX) {
            if (mt[j].left == a && mt[j].right == b)
                break; /* a repeated merge keeps its first (lowest) rank */
            j = (j + 1) & mmask;
        }
        if (mt[j].left == UINT32_MAX) {
            mt[j].left = a;
            mt[j].right = b;
            mt[j].rank = (uint32_t)i;
            mt[j].result = (uint32_t)r;
        }
    }
    h.merge_bits = mbits;
    h.off_merges = out_section(mt, ((size_t)1 << mbits) * sizeof *mt);

    write_added(&h, added_ids, added_special, n_added);

    for (i = 0; i < 256; i++) {
        char name[8];
        int64_t r;
        snprintf(name, sizeof name, "<0x%02X>", (unsigned)i);
        r = lookup_token(hash, h.hash_bits, (const unsigned char *)name, 6);
        if (r < 0)
            die("no byte-fallback token %s", name);
        byte_ids[i] = (uint32_t)r;
    }
    h.off_byte_ids = out_section(byte_ids, sizeof byte_ids);
    {
        uint32_t ascii_ids[128];
        for (i = 0; i < 128; i++) {
            /* the normalizer turns U+0020 into U+2581 */
            unsigned char c = (unsigned char)i;
            int64_t r = i == 0x20 ? lookup_token(hash, h.hash_bits, (const unsigned char *)"\xe2\x96\x81", 3)
                                  : lookup_token(hash, h.hash_bits, &c, 1);
            ascii_ids[i] = r < 0 ? UINT32_MAX : (uint32_t)r;
        }
        h.off_ascii_ids = out_section(ascii_ids, sizeof ascii_ids);
    }
    h.unk_id = (uint32_t)strtoul(argv[5], NULL, 10);
    /* Adjacent code-point pairs inside tokens (see vocab_format.h). */
    {
        uint32_t ascii[128 * 128 / 32];
        uint32_t pbits = 16, pmask, n_pairs = 0;
        uint64_t *pairs;
        memset(ascii, 0, sizeof ascii);
        for (;;) {
            pmask = (1u << pbits) - 1;
            pairs = xcalloc((size_t)1 << pbits, 8);
            memset(pairs, 0xff, ((size_t)1 << pbits) * 8);
            n_pairs = 0;
            for (i = 0; i < n_toks && n_pairs * 2 < (1u << pbits); i++) {
                const unsigned char *ts = toks[i].s;
                uint32_t L = toks[i].len, k, prev = UINT32_MAX, cp;
                for (k = 0; k < L; k += (uint32_t)utf8_decode(ts + k, L - k, &cp)) {
                    utf8_decode(ts + k, L - k, &cp);
                    if (cp == 0x20)
                        cp = 0x2581;
                    if (prev != UINT32_MAX) {
                        uint64_t key = (uint64_t)prev << 32 | cp;
                        uint32_t j = (uint32_t)hash_pair(prev, cp) & pmask;
                        /* in the ASCII bitmap, index 0x20 stands for U+2581 */
                        uint32_t a = prev == 0x2581 ? 0x20 : prev, b = cp == 0x2581 ? 0x20 : cp;
                        if (a < 128 && b < 128)
                            ascii[(a * 128 + b) / 32] |= 1u << ((a * 128 + b) % 32);
                        while (pairs[j] != UINT64_MAX && pairs[j] != key)
                            j = (j + 1) & pmask;
                        if (pairs[j] == UINT64_MAX) {
                            pairs[j] = key;
                            n_pairs++;
                        }
                    }
                    prev = cp;
                }
            }
            if (n_pairs * 2 < (1u << pbits))
                break;
            free(pairs);
            pbits++;
        }
        h.off_pair_ascii = out_section(ascii, sizeof ascii);
        h.pair_bits = pbits;
        h.off_pairs = out_section(pairs, ((size_t)1 << pbits) * 8);
        fprintf(stderr, "mkvocab: %u adjacent code-point pairs occur in tokens\n", n_pairs);
        free(pairs);
    }
    finish(&h, argv[6]);
    fprintf(stderr, "mkvocab: %s: %u ids, %zu merges, %u added, %zu bytes\n", argv[6], n_toks,
            n_merges, n_added, out_len);
    free(hash);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "bytebpe") == 0)
        return cmd_bytebpe(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "mergebpe") == 0)
        return cmd_mergebpe(argc, argv);
    fprintf(stderr, "usage: mkvocab bytebpe|mergebpe ...\n");
    return 1;
}
