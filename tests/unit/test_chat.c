/* test_chat.c - the chat pass: JSON shapes keep every non-text field,
 * small talk goes and facts stay, detection, and the prefix property over
 * a 200-turn conversation replayed turn by turn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/common/buf.h"
#include "../../lib/common/json.h"
#include "../../lib/detect/detect.h"
#include "../../lib/passes/chat.h"
#include "../../lib/passes/memory.h"
#include "../../lib/passes/pass.h"
#include "../../lib/passes/prose.h"
#include "../../lib/tokenize/tokenizer.h"
#include "check.h"
#include "terse.h"

/* Compresses s with the given type, level and keep_recent; returns the
 * text (caller frees) or NULL. */
static char *squeeze(const char *s, size_t n, int type, int level, size_t keep, size_t budget,
                     const char *query, int *rc)
{
    terse_options o;
    terse_result r;
    terse_options_init(&o);
    o.type = type;
    o.level = level;
    o.keep_recent = keep;
    o.budget = budget;
    o.query = query;
    o.query_len = query ? strlen(query) : 0;
    *rc = compress_with(&o, s, n, &r);
    return *rc == TERSE_OK ? r.text : NULL;
}

/* Whether every member of a and b other than the strings at the paths
 * named "text"/"content" of text parts equals: compares a and b, treating
 * strings under a key in `free_keys` as free when both are strings. */
static int same_but_text(const struct json_value *a, const struct json_value *b, const char *const *free_keys,
                         int is_free)
{
    size_t i, k;
    if (a->kind != b->kind)
        return 0;
    if (a->kind == JSON_STRING)
        return is_free || json_equal(a, b);
    if (a->kind == JSON_ARRAY) {
        if (a->n != b->n)
            return 0;
        for (i = 0; i < a->n; i++)
            if (!same_but_text(&a->items[i], &b->items[i], free_keys, is_free))
                return 0;
        return 1;
    }
    if (a->kind == JSON_OBJECT) {
        if (a->n != b->n)
            return 0;
        for (i = 0; i < a->n; i++) {
            int f = 0;
            if (!json_equal(&a->keys[i], &b->keys[i]))
                return 0;
            for (k = 0; free_keys[k]; k++)
                f |= strcmp(a->keys[i].str, free_keys[k]) == 0;
            if (!same_but_text(&a->items[i], &b->items[i], free_keys, f && a->items[i].kind != JSON_OBJECT))
                return 0;
        }
        return 1;
    }
    return json_equal(a, b);
}

static const char openai[] =
    "{\"model\": \"gpt-4o\", \"temperature\": 0.50, \"messages\": [\n"
    " {\"role\": \"system\", \"content\": \"You are a helpful assistant. It is important to note that you answer in order to help.\"},\n"
    " {\"role\": \"user\", \"content\": \"Hi there! In order to plan the trip, I would like to know, basically, what the weather is in Lyon on 12 March 2024.\"},\n"
    " {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"weather\", \"arguments\": \"{\\\"city\\\": \\\"Lyon\\\"}\"}}]},\n"
    " {\"role\": \"tool\", \"tool_call_id\": \"call_1\", \"content\": \"{\\n  \\\"city\\\": \\\"Lyon\\\",\\n  \\\"temp_c\\\": 14.50\\n}\"},\n"
    " {\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Thanks! It is important to note that the photo below is of the actual hotel.\"}, {\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,AAAA\"}}]},\n"
    " {\"role\": \"assistant\", \"content\": \"The weather in Lyon is basically cloudy, with 14.5 degrees.\"},\n"
    " {\"role\": \"user\", \"content\": \"It is important to note that I did not book the flight in order to save money.\"}\n"
    "]}";

static const char anthropic[] =
    "{\"model\": \"claude-sonnet-4\", \"max_tokens\": 1024, \"system\": \"You are terse. It is important to note that you answer in order to help.\",\n"
    " \"messages\": [\n"
    "  {\"role\": \"user\", \"content\": \"It is important to note that the deploy did not fail in order to save time on 5 May.\"},\n"
    "  {\"role\": \"assistant\", \"content\": [{\"type\": \"thinking\", \"thinking\": \"It is important to note that\", \"signature\": \"abc\"}, {\"type\": \"text\", \"text\": \"Basically, I will check the logs in order to see what happened.\"}, {\"type\": \"tool_use\", \"id\": \"tu_1\", \"name\": \"logs\", \"input\": {\"since\": \"5 May\", \"limit\": 10}}]},\n"
    "  {\"role\": \"user\", \"content\": [{\"type\": \"tool_result\", \"tool_use_id\": \"tu_1\", \"content\": \"It is important to note that 3 requests failed with error 502.\"}, {\"type\": \"image\", \"source\": {\"type\": \"base64\", \"media_type\": \"image/png\", \"data\": \"AAAA\"}}]},\n"
    "  {\"role\": \"assistant\", \"content\": \"The deploy is fine.\"},\n"
    "  {\"role\": \"user\", \"content\": \"Thanks!\"}\n"
    " ]}";

static const char gemini[] =
    "{\"systemInstruction\": {\"parts\": [{\"text\": \"It is important to note that you are terse.\"}]},\n"
    " \"contents\": [\n"
    "  {\"role\": \"user\", \"parts\": [{\"text\": \"It is important to note that the meeting on 3 June did not happen in order to save time.\"}, {\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"AAAA\"}}]},\n"
    "  {\"role\": \"model\", \"parts\": [{\"functionCall\": {\"name\": \"calendar\", \"args\": {\"day\": \"3 June\"}}}]},\n"
    "  {\"role\": \"user\", \"parts\": [{\"functionResponse\": {\"name\": \"calendar\", \"response\": {\"events\": [\"standup\"]}}}]},\n"
    "  {\"role\": \"model\", \"parts\": [{\"text\": \"Basically, there was only the standup.\"}]},\n"
    "  {\"role\": \"user\", \"parts\": [{\"text\": \"Ok.\"}]}\n"
    " ]}";

/* Parses out and in; checks that only text strings changed and returns
 * the parsed output (caller frees) for more checks. */
static struct json_doc *check_shape(const char *in, const char *out, const char *const *free_keys)
{
    struct json_doc *a = json_parse(in, strlen(in), NULL), *b = out ? json_parse(out, strlen(out), NULL) : NULL;
    CHECK(a != NULL);
    CHECK(b != NULL);
    if (a && b)
        CHECK(same_but_text(json_root(a), json_root(b), free_keys, 0));
    json_doc_free(a);
    return b;
}

static void test_json_shapes(void)
{
    static const char *const openai_free[] = {"content", "text", NULL};
    static const char *const gemini_free[] = {"text", NULL};
    int rc;
    char *out;
    struct json_doc *d;
    const struct json_value *m;
    /* OpenAI: system kept, user text compressed, tool result in tabular form,
     * tool call, image part and the recent message untouched */
    out = squeeze(openai, strlen(openai), TERSE_TYPE_AUTO, TERSE_LEVEL_BALANCED, 1, 0, NULL, &rc);
    CHECK(rc == TERSE_OK);
    d = check_shape(openai, out, openai_free);
    if (d) {
        m = json_get(json_root(d), "messages");
        CHECK(strcmp(json_get(&m->items[0], "content")->str,
                     "You are a helpful assistant. It is important to note that you answer in order to help.") == 0);
        CHECK(strstr(json_get(&m->items[1], "content")->str, "in order to") == NULL);
        CHECK(strstr(json_get(&m->items[1], "content")->str, "12 March 2024") != NULL);
        /* the tool result goes through the JSON pass: its tabular form */
        CHECK(strcmp(json_get(&m->items[3], "content")->str, "{city:Lyon,temp_c:14.50}") == 0);
        CHECK(strstr(json_get(&json_get(&m->items[4], "content")->items[0], "text")->str, "Thanks") == NULL);
        CHECK(strcmp(json_get(&m->items[6], "content")->str,
                     "It is important to note that I did not book the flight in order to save money.") == 0);
        json_doc_free(d);
    }
    free(out);
    /* Anthropic: top-level system, thinking, tool_use and image blocks
     * untouched; the tool result compressed */
    out = squeeze(anthropic, strlen(anthropic), TERSE_TYPE_AUTO, TERSE_LEVEL_BALANCED, 0, 0, NULL, &rc);
    CHECK(rc == TERSE_OK);
    {
        static const char *const anth_free[] = {"content", "text", NULL};
        d = check_shape(anthropic, out, anth_free);
    }
    if (d) {
        const struct json_value *blocks;
        CHECK(strcmp(json_get(json_root(d), "system")->str,
                     "You are terse. It is important to note that you answer in order to help.") == 0);
        m = json_get(json_root(d), "messages");
        blocks = json_get(&m->items[1], "content");
        CHECK(strcmp(json_get(&blocks->items[0], "thinking")->str, "It is important to note that") == 0);
        CHECK(strstr(json_get(&blocks->items[1], "text")->str, "in order to") == NULL);
        blocks = json_get(&m->items[2], "content");
        CHECK(strstr(json_get(&blocks->items[0], "content")->str, "502") != NULL);
        CHECK(strstr(json_get(&blocks->items[0], "content")->str, "important to note") == NULL);
        CHECK(strstr(json_get(&m->items[0], "content")->str, "not") != NULL);
        /* a message that is only small talk keeps its text (the API needs one) */
        CHECK(strcmp(json_get(&m->items[4], "content")->str, "Thanks!") == 0);
        json_doc_free(d);
    }
    free(out);
    /* Gemini: parts with text rewritten, everything else as it was */
    out = squeeze(gemini, strlen(gemini), TERSE_TYPE_AUTO, TERSE_LEVEL_BALANCED, 0, 0, NULL, &rc);
    CHECK(rc == TERSE_OK);
    d = check_shape(gemini, out, gemini_free);
    if (d) {
        const struct json_value *c = json_get(json_root(d), "contents");
        CHECK(strcmp(json_get(&json_get(json_get(json_root(d), "systemInstruction"), "parts")->items[0], "text")->str,
                     "It is important to note that you are terse.") == 0);
        CHECK(strstr(json_get(&json_get(&c->items[0], "parts")->items[0], "text")->str, "3 June") != NULL);
        CHECK(strstr(json_get(&json_get(&c->items[0], "parts")->items[0], "text")->str, "in order to") == NULL);
        json_doc_free(d);
    }
    free(out);
    /* a bare array of messages is a chat too */
    {
        static const char bare[] = "[{\"role\":\"user\",\"content\":\"hi\"}]";
        CHECK(detect_type(bare, strlen(bare)) == TERSE_TYPE_CHAT);
    }
    CHECK(detect_type(openai, strlen(openai)) == TERSE_TYPE_CHAT);
    CHECK(detect_type(gemini, strlen(gemini)) == TERSE_TYPE_CHAT);
    CHECK(detect_type("{\"messages\": 3}", 15) == TERSE_TYPE_JSON);
}

static void test_json_budget_and_repeats(void)
{
    static const char rep[] =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Read the config twice, please.\"},"
        "{\"role\":\"tool\",\"tool_call_id\":\"a\",\"content\":\"port = 8080 and host = db.internal, timeout = 30 seconds, retries = 5, user = svc_app\"},"
        "{\"role\":\"tool\",\"tool_call_id\":\"b\",\"content\":\"port = 8080 and host = db.internal, timeout = 30 seconds, retries = 5, user = svc_app\"},"
        "{\"role\":\"user\",\"content\":\"Thanks.\"}]}";
    int rc;
    char *out;
    terse_result r;
    terse_options o;
    terse_ctx *c;
    /* a repeated tool result names the earlier message */
    out = squeeze(rep, strlen(rep), TERSE_TYPE_AUTO, TERSE_LEVEL_SAFE, 1, 0, NULL, &rc);
    CHECK(rc == TERSE_OK && out);
    if (out) {
        CHECK(strstr(out, "\"tool_call_id\":\"b\",\"content\":\"[same as message 2]\"") != NULL);
        CHECK(strstr(out, "8080") != NULL);
    }
    free(out);
    /* the system prompt is compressed only on request, in every shape */
    {
        const char *const inputs[] = {openai, anthropic, gemini};
        size_t k;
        for (k = 0; k < 3; k++) {
            terse_options_init(&o);
            o.compress_system = 1;
            c = terse_ctx_new(&o, NULL);
            rc = c ? terse_compress(c, inputs[k], strlen(inputs[k]), &r) : TERSE_ENOMEM;
            CHECK(rc == TERSE_OK);
            if (rc == TERSE_OK) {
                CHECK(strstr(r.text, "important to note that you") == NULL);
                CHECK(strstr(r.text, "It is important to note that\"") != NULL || k != 1); /* thinking kept */
                terse_result_free(&r);
            }
            terse_ctx_free(c);
        }
    }
    /* a budget drops the text of the least relevant old message, keeps
     * the shape, and is met */
    terse_options_init(&o);
    o.keep_recent = 1;
    o.budget = 190;
    o.query = "weather";
    o.query_len = 7;
    o.level = TERSE_LEVEL_MAX;
    c = terse_ctx_new(&o, NULL);
    rc = c ? terse_compress(c, openai, strlen(openai), &r) : TERSE_ENOMEM;
    CHECK(rc == TERSE_OK);
    if (rc == TERSE_OK) {
        static const char *const free_keys[] = {"content", "text", NULL};
        struct json_doc *d = check_shape(openai, r.text, free_keys);
        CHECK(r.tokens_out <= 190 && r.segments_dropped > 0);
        CHECK(strstr(r.text, "\"[…]\"") != NULL);
        json_doc_free(d);
        terse_result_free(&r);
    }
    terse_ctx_free(c);
}

static void test_transcript(void)
{
    static const char t[] =
        "Session 1 (1:56 pm on 8 May, 2023):\n"
        "Caroline: Hey Mel! Good to see you! How have you been?\n"
        "Melanie: Hey Caroline! I'm swamped with the kids & work. I ran a charity race for mental health last Saturday.\n"
        "Caroline: Wow, that's awesome, Melanie! Thanks!\n"
        "Melanie: Yeah, I did not win, but I finished 5 km in 31 minutes with Jon.\n"
        "Caroline: Did you go with Jon?\n"
        "Melanie: Yes.\n"
        "Caroline: Talk soon!\n";
    int rc;
    char *out = squeeze(t, strlen(t), TERSE_TYPE_AUTO, TERSE_LEVEL_BALANCED, 0, 0, NULL, &rc);
    CHECK(rc == TERSE_OK);
    CHECK(detect_type(t, strlen(t)) == TERSE_TYPE_CHAT);
    CHECK(detect_type("Note: this is prose.\nIt has a label.\n", 37) == TERSE_TYPE_PROSE);
    if (out) {
        CHECK(strncmp(out, "Session 1", 9) == 0);
        CHECK(strstr(out, "Good to see you") == NULL);       /* small talk */
        CHECK(strstr(out, "awesome") == NULL);
        CHECK(strstr(out, "Talk soon") == NULL);             /* a turn of small talk goes */
        CHECK(strstr(out, "Melanie: Yes") != NULL);          /* an answer stays */
        CHECK(strstr(out, "not") != NULL && strstr(out, "5 km") != NULL && strstr(out, "31") != NULL);
        CHECK(strstr(out, "Jon") != NULL);                   /* a name that is not addressed */
        CHECK(strstr(out, "Saturday") != NULL);
        CHECK(strstr(out, "\nMelanie: ") != NULL);           /* the speaker prefix as it was */
    }
    free(out);
    /* time stamps before the speaker stay as they were */
    {
        static const char ts[] =
            "[10:32] Alice: Hey Bob! It is important to note that the deploy is done.\n"
            "[10:33] Bob: Thanks, Alice! Did it fail on 3 hosts?\n"
            "[10:35] Alice: No, it did not fail in order to save time.\n"
            "2024-01-02 10:36 - Bob: Great!\n"
            "2024-01-02 10:37 - Alice: We basically moved 12 services.\n";
        char *o2 = squeeze(ts, strlen(ts), TERSE_TYPE_AUTO, TERSE_LEVEL_BALANCED, 0, 0, NULL, &rc);
        CHECK(detect_type(ts, strlen(ts)) == TERSE_TYPE_CHAT);
        CHECK(o2 && strncmp(o2, "[10:32] Alice: ", 15) == 0);
        CHECK(o2 && strstr(o2, "\n2024-01-02 10:37 - Alice: ") && strstr(o2, "12") && strstr(o2, "not"));
        CHECK(o2 && !strstr(o2, "Great"));
        free(o2);
    }
    /* exact keeps every line's words */
    out = squeeze(t, strlen(t), TERSE_TYPE_CHAT, TERSE_LEVEL_EXACT, 0, 0, NULL, &rc);
    CHECK(rc == TERSE_OK && out && strstr(out, "Good to see you!") != NULL);
    free(out);
    /* a budget keeps the relevant turns and marks the rest */
    out = squeeze(t, strlen(t), TERSE_TYPE_CHAT, TERSE_LEVEL_BALANCED, 0, 40, "how many km and minutes", &rc);
    CHECK(rc == TERSE_OK);
    if (out) {
        CHECK(strstr(out, "5 km") != NULL);
        CHECK(strstr(out, "[…]") != NULL);
    }
    free(out);
}

/* A 200-turn conversation, generated: facts with numbers and names, small
 * talk, questions and negations. */
static void make_conversation(struct buf *b, size_t turns, int json)
{
    static const char *const lines[] = {
        "Hey %s! Good to see you! It is important to note that I moved to Lyon on %u May.",
        "Wow, that's awesome! Thanks, %s! Basically, the new job pays %u euros more.",
        "Did you really go to the race with Priya, %s? It was %u km.",
        "Yes, %s. I did not win, but I finished in %u minutes, which was very nice.",
        "Totally agree, %s. In order to train, I run %u times a week.",
        "That is so great, %s! Talk soon! See you at %u.",
    };
    static const char *const who[] = {"Alice", "Bob"};
    size_t i;
    unsigned x = 12345;
    if (json)
        buf_adds(b, "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"}");
    for (i = 0; i < turns; i++) {
        char text[256], esc[300];
        x = x * 1103515245u + 12345u;
        snprintf(text, sizeof text, lines[(x >> 16) % 6], who[(i + 1) % 2], (unsigned)((x >> 8) % 97 + 1));
        if (json) {
            struct buf e = {0};
            json_write_string(text, strlen(text), &e);
            snprintf(esc, sizeof esc, ",{\"role\":\"%s\",\"content\":", i % 2 ? "assistant" : "user");
            buf_adds(b, esc);
            buf_add(b, e.p, e.len);
            buf_addc(b, '}');
            buf_free(&e);
        } else {
            buf_adds(b, who[i % 2]);
            buf_adds(b, ": ");
            buf_adds(b, text);
            buf_addc(b, '\n');
        }
    }
    if (json)
        buf_adds(b, "]}");
}

/* Removes the last `lines` lines of s (in place). */
static void drop_lines(char *s, size_t lines)
{
    size_t n = strlen(s);
    while (lines-- && n) {
        if (s[n - 1] == '\n')
            n--;
        while (n && s[n - 1] != '\n')
            n--;
    }
    while (n && s[n - 1] == '\n')
        n--;
    s[n] = 0;
}

static void test_prefix_property(void)
{
    struct buf full = {0};
    size_t k, keep, bad = 0, bad_json = 0;
    int rc;
    char *all, *all_json;
    struct json_doc *dj;
    make_conversation(&full, 200, 0);
    for (keep = 0; keep <= 2; keep += 2) {
        all = squeeze(full.p, full.len, TERSE_TYPE_CHAT, TERSE_LEVEL_BALANCED, keep, 0, NULL, &rc);
        CHECK(all != NULL);
        if (!all)
            break;
        for (k = 1; k <= 200; k++) {
            struct buf part = {0};
            char *out;
            make_conversation(&part, k, 0);
            out = squeeze(part.p, part.len, TERSE_TYPE_CHAT, TERSE_LEVEL_BALANCED, keep, 0, NULL, &rc);
            if (out) {
                /* what is no longer recent is final: the output without the
                 * last `keep` turns is a prefix of the full output */
                drop_lines(out, keep);
                int b1 = strlen(out) && (strncmp(all, out, strlen(out)) != 0 || (all[strlen(out)] != '\n' && all[strlen(out)] != 0));
                if (b1 && !bad)
                    printf("#   prefix of %zu turns (keep %zu) differs:\n%s\nfull:\n%.300s\n", k, keep, out, all);
                bad += b1;
            } else {
                bad++;
            }
            free(out);
            buf_free(&part);
        }
        free(all);
    }
    CHECK_EQ_SIZE(bad, 0);
    /* the same in OpenAI JSON: each message's output is final once it
     * is out of the recent window */
    buf_free(&full);
    make_conversation(&full, 200, 1);
    all_json = squeeze(full.p, full.len, TERSE_TYPE_AUTO, TERSE_LEVEL_BALANCED, 2, 0, NULL, &rc);
    dj = all_json ? json_parse(all_json, strlen(all_json), NULL) : NULL;
    CHECK(dj != NULL);
    for (k = 1; dj && k <= 200; k++) {
        struct buf part = {0};
        char *out;
        struct json_doc *dp;
        size_t i;
        make_conversation(&part, k, 1);
        out = squeeze(part.p, part.len, TERSE_TYPE_AUTO, TERSE_LEVEL_BALANCED, 2, 0, NULL, &rc);
        dp = out ? json_parse(out, strlen(out), NULL) : NULL;
        if (!dp) {
            bad_json++;
        } else {
            const struct json_value *a = json_get(json_root(dj), "messages"), *p = json_get(json_root(dp), "messages");
            for (i = 0; i + 2 < p->n; i++)
                bad_json += !json_equal(&a->items[i], &p->items[i]);
        }
        json_doc_free(dp);
        free(out);
        buf_free(&part);
    }
    CHECK_EQ_SIZE(bad_json, 0);
    json_doc_free(dj);
    free(all_json);
    buf_free(&full);
}

/* A chat whose tool result is a chat whose tool result is a chat ...: each
 * level's message goes through the pipeline one level deeper, down to
 * PASS_MAX_DEPTH (4, lib/passes/pass.h); a chat nested deeper is read as
 * prose, so the nesting has an end (before, every level ran the chat pass
 * again with no limit). */
static void nest(struct buf *b, int depth)
{
    struct buf in = {0};
    int i;
    buf_adds(b, "{\"messages\":[{\"role\":\"user\",\"content\":\"It is important to note that the deploy "
                "did not fail in order to save time.\"}]}");
    for (i = 0; i < depth; i++) {
        in.len = 0;
        buf_adds(&in, "{\"messages\":[{\"role\":\"user\",\"content\":\"Run it.\"},{\"role\":\"tool\",\"content\":");
        json_write_string(b->p, b->len, &in);
        buf_adds(&in, "}]}");
        b->len = 0;
        buf_add(b, in.p, in.len);
    }
    buf_free(&in);
}

static void test_nesting_depth(void)
{
    int depth, rc;
    for (depth = 3; depth <= 6; depth++) {
        struct buf b = {0};
        char *out;
        nest(&b, depth);
        out = squeeze(b.p, b.len, TERSE_TYPE_AUTO, TERSE_LEVEL_BALANCED, 0, 0, NULL, &rc);
        CHECK(rc == TERSE_OK);
        if (out && depth <= 4) {
            CHECK(strstr(out, "Deploy not fail save time") != NULL); /* a chat, compressed */
            CHECK(strstr(out, "It is important") == NULL);
        } else if (out) {
            CHECK(strstr(out, "It is important to note that the deploy") != NULL); /* prose, not a chat */
            CHECK(strstr(out, "Deploy not fail save time") == NULL);
        }
        free(out);
        buf_free(&b);
    }
}

/* Issue 13, defect 8: a higher level never keeps more. The message of
 * small talk and one question kept its small talk at `max` (28 tokens)
 * where `balanced` removed it (23). */
/* A piece callback that fails with TERSE_EFORMAT on a piece holding
 * "BAD", and gives any other piece back as it is. */
static int piece_or_fail(const struct pass_ctx *pc, int type, int level, const char *s, size_t n, char **out,
                         size_t *out_len)
{
    size_t i;
    (void)pc;
    (void)type;
    (void)level;
    for (i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, "BAD", 3) == 0)
            return TERSE_EFORMAT;
    if (!(*out = malloc(n + 1)))
        return TERSE_ENOMEM;
    memcpy(*out, s, n);
    *out_len = n;
    return TERSE_OK;
}

/* A failure that is not out of memory, deep inside the chat or memory
 * pass (a tool result's piece, a memory's text), reaches the caller as its
 * own status. A guard: chat.c's run_ctx once made every failure out of
 * memory; this passed already when it was written (issue 14, part 2). */
static void test_piece_status_forwarded(void)
{
    static const char chat[] = "[{\"role\":\"user\",\"content\":\"What is in the log?\"},"
                               "{\"role\":\"tool\",\"content\":\"line one BAD line two\"},"
                               "{\"role\":\"assistant\",\"content\":\"It failed.\"}]";
    static const char mem[] = "[\"User lives in Paris.\", \"User BAD likes tea.\"]";
    terse_options o;
    struct tok_counter counter;
    struct pass_ctx pc;
    struct chat_stats cs;
    struct memory_stats ms;
    struct buf out = {0};
    size_t min = 0;
    int level;
    terse_options_init(&o);
    tok_counter_init(&counter, o.tokenizer);
    pc.o = &o;
    pc.counter = &counter;
    pc.env = prose_env_new();
    pc.piece = piece_or_fail;
    pc.depth = 0;
    CHECK(pc.env != NULL);
    for (level = TERSE_LEVEL_SAFE; level <= TERSE_LEVEL_MAX && pc.env; level++) {
        o.level = level;
        out.len = 0;
        CHECK(chat_compress(&pc, chat, strlen(chat), NULL, &out, &cs, &min) == TERSE_EFORMAT);
        out.len = 0;
        CHECK(memory_compress(&pc, mem, strlen(mem), NULL, &out, &ms, &min) == TERSE_EFORMAT);
    }
    buf_free(&out);
    prose_env_free((struct prose_env *)pc.env);
    tok_counter_free(&counter);
}

static void test_levels_monotonic(void)
{
    static const char small_talk_question[] =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi there! Thanks so much! What is the capital of "
        "France?\"},{\"role\":\"assistant\",\"content\":\"Paris.\"}]}";
    static const char transcript[] = "Ann: Hi Bob! Thanks so much!\nBob: Hello! What is the plan for the launch?\n"
                                     "Ann: Great question. Is it on 5 May?\nBob: Thanks! Cool.\nAnn: Bye!\n";
    const char *in[] = {small_talk_question, openai, anthropic, gemini, transcript};
    size_t i;
    for (i = 0; i < sizeof in / sizeof in[0]; i++) {
        size_t prev = (size_t)-1;
        int level;
        for (level = TERSE_LEVEL_EXACT; level <= TERSE_LEVEL_MAX; level++) {
            terse_options o;
            terse_result r;
            terse_options_init(&o);
            o.type = TERSE_TYPE_CHAT;
            o.level = level;
            CHECK(compress_with(&o, in[i], strlen(in[i]), &r) == TERSE_OK);
            if (r.tokens_out > prev) {
                printf("#   input %zu: level %d gives %zu tokens, the level below %zu: %s\n", i, level,
                       r.tokens_out, prev, r.text);
                CHECK(0);
            }
            prev = r.tokens_out;
            terse_result_free(&r);
        }
    }
}

/* A lone surrogate escape (\uD800) in a chat message or a memory has no
 * UTF-8 spelling; the chat and memory passes wrote U+FFFD for it (issue 13).
 * At every level it stays, as written, in valid JSON; the other messages
 * and memories are still compressed. */
static void test_lone_surrogates(void)
{
    static const char chat[] = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi there! Thanks so much! The key is "
                               "\\ud800 and the code \\uDFFF. What is the capital of France?\"},{\"role\":\"assistant\","
                               "\"content\":\"It is basically the case that the capital is Paris.\"}]}";
    static const char mem[] = "[{\"memory\":\"User likes \\ud83d tea and the \\udc00 marker\",\"created_at\":\"2024-01-01\"},"
                              "{\"memory\":\"User likes \\ud83d tea and the \\udc01 marker\",\"created_at\":\"2024-01-02\"},"
                              "{\"memory\":\"User lives in the city of Paris\",\"created_at\":\"2024-01-03\"}]";
    int level, rc;
    for (level = TERSE_LEVEL_EXACT; level <= TERSE_LEVEL_MAX; level++) {
        char *out = squeeze(chat, strlen(chat), TERSE_TYPE_AUTO, level, 0, 0, NULL, &rc);
        CHECK(out && strstr(out, "\\ud800") && strstr(out, "\\uDFFF") && json_valid(out, strlen(out)) &&
              !strstr(out, "\xEF\xBF\xBD"));
        if (out && level >= TERSE_LEVEL_BALANCED)
            CHECK(strstr(out, "basically") == NULL);
        free(out);
        out = squeeze(mem, strlen(mem), TERSE_TYPE_AUTO, level, 0, 0, NULL, &rc);
        CHECK(out && strstr(out, "\\ud83d tea and the \\udc00") && strstr(out, "\\udc01") &&
              json_valid(out, strlen(out)) && !strstr(out, "\xEF\xBF\xBD"));
        free(out);
    }
}

/* A turn whose text starts on the next line ("Conffiles:" in dpkg's
 * status, read as a transcript) kept its line break nowhere: the speaker
 * and the text were glued, "Conffiles:/etc/adduser.conf" (issue 13). */
static void test_turn_on_next_line(void)
{
    static const char t[] = "Package: adduser\nStatus: install ok installed\nConffiles:\n /etc/adduser.conf cc34\n"
                            " /etc/deluser.conf 11a0\nDescription: add and remove users\nPackage: bash\n"
                            "Status: install ok installed\n";
    int level, rc;
    for (level = TERSE_LEVEL_EXACT; level <= TERSE_LEVEL_MAX; level++) {
        char *out = squeeze(t, strlen(t), TERSE_TYPE_CHAT, level, 0, 0, NULL, &rc);
        CHECK(out && strstr(out, "Conffiles: /etc/adduser.conf") && !strstr(out, ":/etc"));
        free(out);
    }
}

/* Records whose keys come back once per paragraph (dpkg's status, Debian
 * control files) were read as a transcript: "Architecture: all" of the
 * second package was dropped as a repeated turn, and the descriptions lost
 * their "and"s as small talk; read as prose, each package's "Status:
 * install ok installed" after the first was dropped as a duplicate
 * sentence. Conversations with a turn per paragraph, or speakers coming
 * back within one, stay transcripts. */
static void test_records_are_no_transcript(void)
{
    static const char rec[] = "Package: adduser\nStatus: install ok installed\nArchitecture: all\nVersion: 3.134\n"
                              "Description: add and remove users and groups\n\n"
                              "Package: base-files\nStatus: install ok installed\nArchitecture: all\n"
                              "Version: 12.4\nDescription: Debian base system miscellaneous files\n\n"
                              "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2\n"
                              "Description: GNU Bourne Again SHell\n";
    static const char spaced[] = "User: What is the capital of France?\n\nAssistant: Paris.\n\n"
                                 "User: And of Spain?\n\nAssistant: Madrid.\n";
    static const char grouped[] = "Ann: Did the deploy finish?\nBob: Yes, on 3 hosts.\nAnn: Any errors?\n\n"
                                  "Bob: None so far.\nAnn: Good.\nBob: I will watch it.\n";
    int rc, level;
    CHECK(detect_type(rec, strlen(rec)) != TERSE_TYPE_CHAT);
    CHECK(detect_type(spaced, strlen(spaced)) == TERSE_TYPE_CHAT);
    CHECK(detect_type(grouped, strlen(grouped)) == TERSE_TYPE_CHAT);
    for (level = TERSE_LEVEL_EXACT; level <= TERSE_LEVEL_MAX; level++) {
        char *out = squeeze(rec, strlen(rec), TERSE_TYPE_AUTO, level, 0, 0, NULL, &rc);
        const char *second = out ? strstr(out, "Package: base-files") : NULL, *p;
        int status = 0;
        CHECK(rc == TERSE_OK && second && strstr(second, "Architecture: all"));
        /* and no record's line is another's duplicate */
        for (p = out; p && (p = strstr(p, "Status: install ok installed")) != NULL; p++)
            status++;
        CHECK(status == 3);
        if (level <= TERSE_LEVEL_BALANCED)
            CHECK(out && strstr(out, "add and remove users and groups"));
        free(out);
    }
}

const struct test_case chat_tests[] = {
    {"chat: a higher level never keeps more", test_levels_monotonic},
    {"chat: lone surrogate escapes in messages and memories stay", test_lone_surrogates},
    {"chat: a turn whose text starts on the next line", test_turn_on_next_line},
    {"chat: records whose keys come back once per paragraph are no transcript", test_records_are_no_transcript},
    {"chat, memory: a piece's failure status is forwarded, not made out of memory", test_piece_status_forwarded},
    {"chat: OpenAI, Anthropic and Gemini shapes keep every non-text field", test_json_shapes},
    {"chat: repeated messages and budgets in JSON", test_json_budget_and_repeats},
    {"chat: transcripts lose small talk and keep facts", test_transcript},
    {"chat: prefix property over a 200-turn conversation", test_prefix_property},
    {"chat: a chat nested in tool results deeper than PASS_MAX_DEPTH is read as prose", test_nesting_depth},
    {NULL, NULL},
};
