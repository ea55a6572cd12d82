// named<"fc", dense<16, 1>>: a layer under a PyTorch submodule name, so a model's
// parameters are "fc.weight", "fc.bias" (unnamed layers of a model use their index, "1.").
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "ember/layers/detail/param_names.hpp"

namespace ember {

/// Layer L whose parameters live under prefix Name in a model's state dict. Everything
/// else (shapes, step, workload) is L's own.
template <detail::fixed_string Name, class L>
struct named : L {
  static constexpr std::string_view prefix{Name.chars, decltype(Name)::length};
  using layer_type = L;
};

namespace detail {

/// The decimal text of I, stored statically ("0", "1", ... nn.Sequential's child names).
template <std::size_t I>
struct index_name {
  static constexpr std::size_t digits = I < 10 ? 1 : I < 100 ? 2 : 3;
  static_assert(I < 1000, "ember::model: at most 1000 layers");
  static constexpr auto storage = [] {
    std::array<char, digits> a{};
    std::size_t v = I;
    for (std::size_t d = digits; d-- > 0; v /= 10) a[d] = static_cast<char>('0' + v % 10);
    return a;
  }();
  static constexpr std::string_view value{storage.data(), storage.size()};
};

/// The state-dict prefix of layer I of a model: named<>'s, else the index.
template <class L, std::size_t I>
constexpr std::string_view layer_prefix() noexcept {
  if constexpr (requires { L::prefix; }) return L::prefix;
  else return index_name<I>::value;
}

}  // namespace detail
}  // namespace ember
