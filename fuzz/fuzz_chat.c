/* fuzz_chat.c - libFuzzer target for the chat pass: OpenAI, Anthropic and
 * Gemini messages and transcripts.
 *
 * The first byte picks the level, the number of recent messages kept,
 * whether a budget and a query are used, and whether the system prompt is
 * compressed; the rest is the input, compressed as type chat. Checks
 * (fuzz_compress_check.h): no failure other than an unmeetable budget,
 * valid UTF-8 out, never more tokens than in, the budget met, an exact
 * output count, the same bytes when run twice, and a JSON input of the
 * pass's shape gives JSON of that shape.
 */
#include "../lib/detect/shape.h"
#include "../lib/passes/chat.h"
#include "fuzz_compress_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    terse_options o;
    const char *text;
    size_t len;
    if (size < 1)
        return 0;
    fuzz_options(data, size, &o, &text, &len);
    o.type = TERSE_TYPE_CHAT;
    o.keep_recent = (data[0] >> 2) & 3;
    o.compress_system = (data[0] >> 6) & 1;
    fuzz_compress_check(&o, text, len, shape_chat_json);
    return 0;
}
