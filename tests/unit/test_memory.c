/* test_memory.c - the memory pass on a generated list with planted exact
 * duplicates, near duplicates and contradictions: every planted duplicate
 * goes, every fact stays, both sides of every contradiction stay (newest
 * first); and the shapes (text list, JSON Lines) and the budget. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/common/buf.h"
#include "../../lib/common/json.h"
#include "../../lib/detect/detect.h"
#include "check.h"
#include "terse.h"

static const char *const names[] = {"Priya", "Marco", "Aiko", "Tomasz", "Leila", "Kwame", "Ines", "Oskar",
                                    "Noor", "Dmitri", "Sofia", "Ravi", "Hana", "Jonas", "Amara", "Felix"};
static const char *const cities[] = {"Lyon", "Porto", "Osaka", "Gdansk", "Tunis", "Accra", "Sevilla", "Bergen",
                                     "Amman", "Kazan", "Cusco", "Pune", "Busan", "Graz", "Lagos", "Tartu"};
static const char *const pets[] = {"cats", "dogs", "rabbits", "parrots"};

#define N_FACTS 16

/* The i-th planted fact, in full. */
static void fact(size_t i, char *out, size_t cap)
{
    switch (i % 3) {
    case 0:
        snprintf(out, cap, "The user's friend %s was born in %s in %u.", names[i], cities[i], 1960u + (unsigned)i * 3);
        break;
    case 1:
        snprintf(out, cap, "%s has %u %s and does not like %s.", names[i], 2u + (unsigned)i, pets[i % 4], cities[i]);
        break;
    default:
        snprintf(out, cap, "The user met %s at the %s office on %u May.", names[i], cities[i], 1u + (unsigned)i);
        break;
    }
}

/* A JSON memory object. */
static void add_obj(struct buf *b, int *first, const char *id, const char *text, const char *ts)
{
    char head[128];
    snprintf(head, sizeof head, "%s{\"id\":\"%s\",\"memory\":", *first ? "" : ",\n ", id);
    buf_adds(b, head);
    json_write_string(text, strlen(text), b);
    buf_adds(b, ",\"created_at\":\"");
    buf_adds(b, ts);
    buf_adds(b, "\"}");
    *first = 0;
}

static char *squeeze(const char *s, size_t n, int level, size_t budget, const char *query, int *rc,
                     terse_result *res)
{
    terse_options o;
    terse_options_init(&o);
    o.level = level;
    o.budget = budget;
    o.query = query;
    o.query_len = query ? strlen(query) : 0;
    *rc = compress_with(&o, s, n, res);
    return *rc == TERSE_OK ? res->text : NULL;
}

/* Whether every number and capitalized word (but the first) of text
 * occurs in out. */
static int items_in(const char *text, const char *out)
{
    char w[64];
    const char *p = text;
    int first = 1;
    while (*p) {
        size_t n = 0;
        while (*p && !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            p++;
        while (p[n] && ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9')) &&
               n + 1 < sizeof w)
            n++;
        if (!n)
            break;
        memcpy(w, p, n);
        w[n] = 0;
        if (!first && ((w[0] >= 'A' && w[0] <= 'Z') || (w[0] >= '0' && w[0] <= '9') || strcmp(w, "not") == 0) &&
            !strstr(out, w)) {
            printf("#   lost '%s' of: %s\n", w, text);
            return 0;
        }
        first = 0;
        p += n;
    }
    return 1;
}

static void test_planted(void)
{
    struct buf b = {0};
    char text[256], id[16], ts[32];
    size_t i, planted = 0;
    int first = 1, rc;
    terse_result r;
    char *out;
    buf_addc(&b, '[');
    for (i = 0; i < N_FACTS; i++) {
        fact(i, text, sizeof text);
        snprintf(id, sizeof id, "f%zu", i);
        snprintf(ts, sizeof ts, "2024-02-%02zuT08:00:00Z", i + 1);
        add_obj(&b, &first, id, text, ts);
    }
    for (i = 0; i < N_FACTS; i += 2) {
        /* an exact duplicate: other case and punctuation */
        size_t k;
        fact(i, text, sizeof text);
        for (k = 0; text[k]; k++)
            if (text[k] >= 'a' && text[k] <= 'z' && k % 5 == 0)
                text[k] = (char)(text[k] - 32);
        text[strlen(text) - 1] = '!';
        snprintf(id, sizeof id, "x%zu", i);
        add_obj(&b, &first, id, text, "2024-03-01T08:00:00Z");
        planted++;
    }
    for (i = 1; i < N_FACTS; i += 2) {
        /* a near duplicate with less: a name or number fewer, filler more */
        switch (i % 3) {
        case 0:
            snprintf(text, sizeof text, "Basically, the user's friend %s was really born in %s.", names[i], cities[i]);
            break;
        case 1:
            snprintf(text, sizeof text, "It is worth noting that %s has %u %s.", names[i], 2u + (unsigned)i, pets[i % 4]);
            break;
        default:
            snprintf(text, sizeof text, "The user actually met %s at the office on %u May.", names[i], 1u + (unsigned)i);
            break;
        }
        snprintf(id, sizeof id, "n%zu", i);
        add_obj(&b, &first, id, text, "2024-04-01T08:00:00Z");
        planted++;
    }
    /* contradictions: same subject, another value, later */
    add_obj(&b, &first, "c1", "The user lives in Vienna with 2 children.", "2024-01-10T08:00:00Z");
    add_obj(&b, &first, "c2", "The user lives in Madrid with 2 children.", "2024-06-10T08:00:00Z");
    add_obj(&b, &first, "c3", "The user's manager is Ingrid.", "2024-05-10T08:00:00Z");
    add_obj(&b, &first, "c4", "The user's manager is Boris.", "2024-01-03T08:00:00Z");
    buf_addc(&b, ']');
    CHECK(detect_type(b.p, b.len) == TERSE_TYPE_MEMORY);
    /* "content" with a "role" is a chat message, without one a memory */
    CHECK(detect_type("[{\"content\":\"The user is vegetarian\"}]", 38) == TERSE_TYPE_MEMORY);
    CHECK(detect_type("[{\"role\":\"user\",\"content\":\"hi\"}]", 32) == TERSE_TYPE_CHAT);
    CHECK(detect_type("[\"a\", 3]", 8) == TERSE_TYPE_JSON);
    CHECK(detect_type("- The user likes tea.\n- The user lives in Oslo.\n- The user has a cat.\n", 70) == TERSE_TYPE_MEMORY);
    CHECK(detect_type("- buy milk\n- call Bob\n- fix the bike\n", 37) != TERSE_TYPE_MEMORY);
    out = squeeze(b.p, b.len, TERSE_LEVEL_BALANCED, 0, NULL, &rc, &r);
    CHECK(rc == TERSE_OK && out != NULL);
    if (out) {
        struct json_doc *d = json_parse(out, strlen(out), NULL);
        const struct json_value *a = d ? json_root(d) : NULL;
        const char *madrid, *vienna, *ingrid, *boris;
        CHECK_EQ_SIZE(r.duplicates, planted);
        if (r.duplicates != planted)
        CHECK(a && a->kind == JSON_ARRAY);
        if (a)
            CHECK_EQ_SIZE(a->n, N_FACTS + 4);
        for (i = 0; i < N_FACTS; i++) {
            fact(i, text, sizeof text);
            CHECK(items_in(text, out));
        }
        madrid = strstr(out, "Madrid");
        vienna = strstr(out, "Vienna");
        ingrid = strstr(out, "Ingrid");
        boris = strstr(out, "Boris");
        CHECK(madrid && vienna && madrid < vienna); /* newest first */
        CHECK(ingrid && boris && ingrid < boris);
        CHECK(strstr(out, "08:00:00") == NULL);     /* time stamps compacted */
        CHECK(strstr(out, "\"id\":\"f0\"") != NULL); /* ids kept */
        json_doc_free(d);
    }
    terse_result_free(&r);
    /* at exact nothing is merged */
    out = squeeze(b.p, b.len, TERSE_LEVEL_EXACT, 0, NULL, &rc, &r);
    CHECK(rc == TERSE_OK && out && r.duplicates == 0);
    terse_result_free(&r);
    buf_free(&b);
}

static void test_text_list(void)
{
    static const char list[] =
        "# Memories\n"
        "- The user is vegetarian.\n"
        "- The user lives in Lyon.\n"
        "- The user has 2 kids.\n"
        "- User is vegetarian.\n"
        "- [2024-01-05T10:00:00Z] The user works at Acme as a data engineer.\n"
        "- [2024-06-01T09:30:12Z] The user works at Globex as a data engineer.\n"
        "- Priya does not eat fish.\n";
    static const char jsonl[] =
        "{\"memory\": \"The user is vegetarian\", \"id\": 1}\n"
        "{\"memory\": \"The user is vegetarian.\", \"id\": 2}\n"
        "{\"memory\": \"The user has 3 cats named Tom, Kit and Mo\", \"id\": 3}\n";
    int rc;
    terse_result r;
    char *out = squeeze(list, strlen(list), TERSE_LEVEL_BALANCED, 0, NULL, &rc, &r);
    CHECK(detect_type(list, strlen(list)) == TERSE_TYPE_MEMORY);
    CHECK(rc == TERSE_OK && out);
    if (out) {
        const char *u = strstr(out, "- User: ");
        CHECK(strncmp(out, "# Memories\n", 11) == 0);
        CHECK(u != NULL && strstr(u + 3, "User:") == NULL); /* one group */
        CHECK(strstr(out, "vegetarian") && strstr(out, "Lyon") && strstr(out, "2 kids"));
        CHECK(strstr(out, "Globex") && strstr(out, "Acme") && strstr(out, "Globex") < strstr(out, "Acme"));
        CHECK(strstr(out, "[2024-06-01 09:30]") != NULL);
        CHECK(strstr(out, "Priya") && strstr(out, "not"));
    }
    terse_result_free(&r);
    out = squeeze(jsonl, strlen(jsonl), TERSE_LEVEL_BALANCED, 0, NULL, &rc, &r);
    CHECK(detect_type(jsonl, strlen(jsonl)) == TERSE_TYPE_MEMORY);
    CHECK(rc == TERSE_OK && out);
    if (out) {
        CHECK(strchr(out, '\n') != NULL && strchr(strchr(out, '\n') + 1, '\n') == NULL); /* two lines */
        CHECK(strstr(out, "Tom") && strstr(out, "Kit") && strstr(out, "Mo") && strstr(out, "\"id\":3"));
    }
    terse_result_free(&r);
    /* the compact form of JSON objects: one line per subject */
    {
        static const char objs[] =
            "[{\"id\":\"a\",\"memory\":\"The user is vegetarian\",\"created_at\":\"2024-01-02T10:11:12Z\"},"
            "{\"id\":\"b\",\"memory\":\"The user lives in Lyon\",\"created_at\":\"2024-02-02T00:00:00Z\"}]";
        terse_options o;
        terse_ctx *c;
        terse_options_init(&o);
        o.compact = 1;
        c = terse_ctx_new(&o, NULL);
        rc = c ? terse_compress(c, objs, strlen(objs), &r) : TERSE_ENOMEM;
        CHECK(rc == TERSE_OK);
        if (rc == TERSE_OK)
            CHECK(strcmp(r.text, "- User: [2024-01-02 10:11] vegetarian; [2024-02-02] lives in Lyon") == 0);
        terse_result_free(&r);
        terse_ctx_free(c);
    }
    /* headings stay in place and subjects group within a section */
    {
        static const char sec[] = "# Food\n- The user is vegetarian.\n- User likes Thai food.\n# Family\n"
                                  "- The user has 2 kids.\n- The user lives in Lyon.\n";
        out = squeeze(sec, strlen(sec), TERSE_LEVEL_BALANCED, 0, NULL, &rc, &r);
        CHECK(out && strcmp(out, "# Food\n- User: vegetarian; likes Thai food\n# Family\n- User: has 2 kids; lives in Lyon") == 0);
        terse_result_free(&r);
    }
    /* a budget keeps the relevant entry and says how many went */
    out = squeeze(list, strlen(list), TERSE_LEVEL_SAFE, 24, "fish", &rc, &r);
    CHECK(rc == TERSE_OK && out);
    if (out) {
        CHECK(strstr(out, "fish") != NULL);
        CHECK(strstr(out, "entries omitted") != NULL);
        CHECK(r.tokens_out <= 24);
    }
    terse_result_free(&r);
}

/* A stamp that is almost ISO 8601 but has a multi-byte character where a
 * digit should be is copied whole, not cut inside the character (found by
 * fuzz_memory: "[2024-01-05T10:0\xEF\xBF\xBD00Z]" came out cut after
 * 0xEF, invalid UTF-8). */
static void test_stamp_not_cut(void)
{
    static const char list[] = "- [2024-01-05T10:0\xEF\xBF\xBD" "00Z] The user works at Acme.\n"
                               "- [2024-06-01T09:30:12Z] The user lives in Lyon.\n"
                               "- The user has 2 kids.\n";
    terse_result r;
    int rc, level;
    for (level = TERSE_LEVEL_EXACT; level <= TERSE_LEVEL_MAX; level++) {
        const char *out = squeeze(list, sizeof list - 1, level, 0, NULL, &rc, &r);
        CHECK(rc == TERSE_OK);
        if (out) {
            const unsigned char *u = (const unsigned char *)out;
            size_t i;
            int valid = 1;
            for (i = 0; u[i]; i++) /* every 0xEF starts a whole U+FFFD here */
                if (u[i] == 0xEF && !(u[i + 1] == 0xBF && u[i + 2] == 0xBD))
                    valid = 0;
            CHECK(valid);
            CHECK(strstr(out, "2024-06-01 09:30") != NULL || level < TERSE_LEVEL_BALANCED);
        }
        terse_result_free(&r);
    }
}

const struct test_case memory_tests[] = {
    {"memory: planted duplicates go, facts and both sides of contradictions stay", test_planted},
    {"memory: text lists grouped by subject, JSON Lines, budget", test_text_list},
    {"memory: a stamp is compacted only when it is one", test_stamp_not_cut},
    {NULL, NULL},
};
