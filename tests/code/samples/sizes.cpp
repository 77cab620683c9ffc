// Sizes and signs in C++, written for terse's code tests (see sizes.c).
#include <cstddef>

namespace sizes {
template <typename T> std::size_t room(std::size_t n)
{
    std::size_t one = sizeof(T) + 1;
    std::size_t less = sizeof(T) - 1;
    double half = sizeof(T) + 1.5;
    std::size_t hex = sizeof(T) + 0x1;
    auto cast = (std::size_t) + 1;
    auto both = alignof(T) - 1 + (n) - 1;
    return one + less + static_cast<std::size_t>(half) + hex + cast + both + n;
}
// a class whose only function is a friend: max keeps its name
class Box {
    friend int peek(const Box &b);
    int v;
};
} // namespace sizes
