// Replaces global operator new/delete with counting versions, so a test can show that
// step()/forward() allocate nothing. Include it in exactly one .cpp of a test executable.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace ember::test {
/// Every allocation of this executable since it started.
inline std::atomic<std::size_t> allocations{0};
}  // namespace ember::test

// noinline: once GCC inlines these pairs into a caller it sees malloc's memory handed to
// operator delete's free() and warns (-Wmismatched-new-delete), which -Werror makes fatal.
[[gnu::noinline]] void* operator new(std::size_t n) {
  ++ember::test::allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
