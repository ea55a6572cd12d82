// Compile-time parameter names with a level suffix ("weight_ih" + level 1 -> "weight_ih_l1"),
// stored statically so layers can hand out std::string_view in constexpr params().
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ember::detail {

/// A string literal usable as a template argument.
template <std::size_t N>
struct fixed_string {
  char chars[N]{};
  constexpr fixed_string(const char (&s)[N]) noexcept {  // NOLINT: implicit on purpose
    for (std::size_t i = 0; i < N; ++i) chars[i] = s[i];
  }
  static constexpr std::size_t length = N - 1;
};

/// level_name<"weight_ih", 2>::value == "weight_ih_l2" (PyTorch's RNN naming).
template <fixed_string Base, std::size_t Level>
struct level_name {
  static constexpr std::size_t digits = Level < 10 ? 1 : Level < 100 ? 2 : 3;
  static_assert(Level < 1000, "ember: at most 1000 stacked levels");
  static constexpr auto storage = [] {
    std::array<char, decltype(Base)::length + 2 + digits> a{};
    std::size_t k = 0;
    for (std::size_t i = 0; i < decltype(Base)::length; ++i) a[k++] = Base.chars[i];
    a[k++] = '_';
    a[k++] = 'l';
    std::size_t v = Level;
    for (std::size_t d = digits; d-- > 0;) {
      a[k + d] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    return a;
  }();
  static constexpr std::string_view value{storage.data(), storage.size()};
};

}  // namespace ember::detail
