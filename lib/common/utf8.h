/* utf8.h - UTF-8 validation and repair.
 *
 * terse's rule for invalid UTF-8 (documented in docs/tokenizers.md): every
 * maximal subpart of an ill-formed sequence is replaced by U+FFFD, exactly as
 * the WHATWG Encoding Standard decoder does it (and so as Node's
 * Buffer.toString, browsers' TextDecoder and Python's
 * bytes.decode('utf-8', 'replace') do). Text is otherwise left untouched:
 * no normalization, NUL bytes are ordinary characters.
 */
#ifndef TERSE_COMMON_UTF8_H
#define TERSE_COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Returns the length (1-4) of the well-formed UTF-8 sequence that starts at
 * s[0], storing its code point in *cp, or 0 if s[0..n) does not start with a
 * well-formed sequence (n must be > 0). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Returns the number of bytes of ill-formed data at s[0..n) that the WHATWG
 * decoder replaces by one U+FFFD, given that s[0] does not start a
 * well-formed sequence: 1 to 3. */
size_t utf8_invalid_span(const unsigned char *s, size_t n);

/* Returns the offset of the first ill-formed byte in s[0..n), or n when the
 * whole buffer is valid UTF-8. Fast on ASCII. */
size_t utf8_first_invalid(const unsigned char *s, size_t n);

/* Writes the repaired copy of s[0..n) (each maximal ill-formed subpart
 * replaced by EF BF BD) to out, which must hold utf8_repaired_len(s, n)
 * bytes, and returns the number of bytes written. */
size_t utf8_repair(const unsigned char *s, size_t n, unsigned char *out);

/* Returns the length of the repaired copy of s[0..n). */
size_t utf8_repaired_len(const unsigned char *s, size_t n);

/* UTF-16 with a byte-order mark: when s[0..n) starts with FF FE (UTF-16LE)
 * or FE FF (UTF-16BE), writes its UTF-8 form (mark removed; an unpaired
 * surrogate or a last odd byte becomes U+FFFD, as the WHATWG decoder does)
 * to a new buffer *out (NUL-terminated, freed with free()) of *out_len
 * bytes; for any other input *out = NULL. Returns TERSE_OK, or
 * TERSE_ENOMEM (*out = NULL) when memory runs out. A UTF-8 mark
 * (EF BB BF) is not UTF-16. */
int utf16_bom_to_utf8(const unsigned char *s, size_t n, char **out, size_t *out_len);

/* Length (1-4) of the character whose lead byte is c, in text already known
 * to be valid UTF-8 (repaired). */
static inline size_t utf8_len_valid(unsigned c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* The code point at s (valid UTF-8, so no checks) and its length in *len:
 * the hot-path decoder of the tokenizers. */
static inline uint32_t utf8_decode_valid(const unsigned char *s, size_t *len)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    if (c < 0xE0) {
        *len = 2;
        return (uint32_t)(c & 0x1F) << 6 | (s[1] & 0x3F);
    }
    if (c < 0xF0) {
        *len = 3;
        return (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    }
    *len = 4;
    return (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 |
           (s[3] & 0x3F);
}

/* Encodes cp (must be a Unicode scalar value) to out (4 bytes room) and
 * returns the length. */
size_t utf8_encode(uint32_t cp, unsigned char *out);

#endif
