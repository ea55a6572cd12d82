// Helpers for the numeric edge-case tests: fill any layer with seeded finite weights, run a
// sequence on a chosen architecture, and classify outputs (NaN / Inf / finite).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <tuple>
#include <vector>

#include "test_support.hpp"

namespace ember::test {

template <class L>
void fill_params(L& l, unsigned seed = 7, float scale = 0.5f) {
  constexpr auto specs = L::params();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto w = random_vector(specs[i].count(), seed + unsigned(i), -scale, scale);
    l.set_param(i, w);
  }
}

struct census {
  std::size_t nan = 0, inf = 0, finite = 0;
};
inline census count(std::span<const float> y) {
  census c;
  for (float v : y) (std::isnan(v) ? c.nan : std::isinf(v) ? c.inf : c.finite) += 1;
  return c;
}

/// y for `steps` inputs of in_size floats (xs) on architecture `arch`, from reset state.
template <class L, class Arch>
std::vector<float> run_layer(L& l, const std::vector<float>& xs, Arch arch) {
  l.reset();
  std::vector<float> ys(xs.size() / L::in_size * L::out_size + L::out_size, 0.0f);
  if constexpr (requires { l.forward(std::span<const float>(xs), std::span<float>(ys), arch); }) {
    using R = decltype(l.forward(std::span<const float>(xs), std::span<float>(ys), arch));
    if constexpr (std::is_void_v<R>) {  // sequence layers: one output per step
      l.forward(std::span<const float>(xs), std::span<float>(ys), arch);
      ys.resize(xs.size() / L::in_size * L::out_size);
    } else {  // conv1d: returns its output steps
      ys.resize(l.forward(std::span<const float>(xs), std::span<float>(ys), arch) * L::out_size);
    }
  } else {  // frame layers (conv2d): the first in_size values
    l.forward(std::span<const float, L::in_size>(xs.data(), L::in_size),
              std::span<float, L::out_size>(ys.data(), L::out_size), arch);
    ys.resize(L::out_size);
  }
  return ys;
}

/// Calls f(arch) for simd::common and every vector architecture of this build.
template <class F>
void for_each_arch(F&& f) {
  f(simd::common{});
  std::apply([&](auto... a) { (f(a), ...); }, vector_archs{});
}

}  // namespace ember::test
