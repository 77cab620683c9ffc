/* Sizes and signs, written for terse's code tests: C reads a sign and a
 * digit with no space between as one signed literal, so these spaces are
 * part of the syntax after a parenthesised type. */
#include <stddef.h>

struct pair {
    int a, b;
};

size_t room(size_t n)
{
    size_t one = sizeof(int) + 1;
    size_t less = sizeof(int) - 1;
    double half = sizeof(int) + 1.5;
    size_t hex = sizeof(int) + 0x1;
    size_t cast = (size_t) + 1;
    long minus = (long) - 2;
    size_t both = sizeof (struct pair) - 2 * n + (n)+1;
    return one + less + (size_t)half + hex + cast + (size_t)minus + both;
}
