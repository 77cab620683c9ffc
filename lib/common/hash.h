/* hash.h - the byte-string hash shared by the vocabulary generator and the
 * tokenizers.
 *
 * tools/mkvocab.c builds open-addressing tables with this function at build
 * time and lib/tokenize/ probes them at run time, so both sides must compute
 * exactly the same value: keep it a header-only, pure function. It is not a
 * cryptographic hash; the inputs are vocabulary entries and slices of text.
 */
#ifndef TERSE_COMMON_HASH_H
#define TERSE_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t hash_mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

/* Returns a 64-bit hash of the n bytes at p. Reads 8 bytes at a time with
 * memcpy (no alignment or aliasing assumptions); the length is mixed in so
 * that "a" and "a\0" differ. */
static inline uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)n * 0xff51afd7ed558ccdULL);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    if (n) {
        /* the last 1-7 bytes as one word, loaded in fixed-size pieces: a
         * memcpy of a variable length is a library call, and this runs
         * for every piece of text a tokenizer looks up */
        uint64_t w = 0;
        size_t o = 0;
        if (n & 4) {
            uint32_t x;
            memcpy(&x, s, 4);
            w = x;
            o = 4;
        }
        if (n & 2) {
            uint16_t x;
            memcpy(&x, s + o, 2);
            w |= (uint64_t)x << (8 * o);
            o += 2;
        }
        if (n & 1)
            w |= (uint64_t)s[o] << (8 * o);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    }
    return hash_mix(h);
}

/* Returns 1 when the n bytes at a and b are equal. Lookups compare short
 * strings (most under 16 bytes) millions of times, where a call to memcmp
 * costs more than the comparison itself. */
static inline int hash_same_bytes(const void *pa, const void *pb, size_t n)
{
    const unsigned char *a = (const unsigned char *)pa, *b = (const unsigned char *)pb;
    uint64_t x, y;
    if (n >= 8 && n <= 16) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return 0;
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n < 8) {
        /* 4, 2 and 1 byte loads, as in hash_bytes */
        size_t o = 0;
        if (n & 4) {
            uint32_t u, v;
            memcpy(&u, a, 4);
            memcpy(&v, b, 4);
            if (u != v)
                return 0;
            o = 4;
        }
        if (n & 2) {
            uint16_t u, v;
            memcpy(&u, a + o, 2);
            memcpy(&v, b + o, 2);
            if (u != v)
                return 0;
            o += 2;
        }
        return !(n & 1) || a[o] == b[o];
    }
    return memcmp(a, b, n) == 0;
}

/* Returns a hash of an ordered pair of 32-bit ids (BPE merge tables). */
static inline uint64_t hash_pair(uint32_t a, uint32_t b)
{
    return hash_mix(((uint64_t)a << 32 | b) * 0x9e3779b97f4a7c15ULL);
}

/* The number of set bits of x, without a library call (the build does not
 * assume the processor's popcount instruction, so __builtin_popcountll
 * calls libgcc's, which showed in profiles of near-duplicate detection). */
static inline int hash_popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}

#endif
