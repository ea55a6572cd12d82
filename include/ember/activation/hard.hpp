// act::hard: the 3-segment "hard" sigmoid clamp(x/4 + 1/2, 0, 1) (slope matches
// sigmoid'(0) = 1/4) and hard tanh clamp(x, -1, 1); one fma and one clamp per value.
#pragma once

#include "ember/core/concepts.hpp"
#include "ember/simd/math.hpp"

namespace ember::act {

/// Max error: 0.1192 for sigmoid (at |x| = 2), 0.2384 for tanh (at |x| = 1); these
/// are what the tests bound. PyTorch's Hardsigmoid (x/6 + 1/2) is a different variant.
struct hard : act_tag {
  static constexpr const char* name = "hard";
  template <class V>
  static V sigmoid(V x) noexcept {
    return simd::clamp(simd::fma(x, simd::splat<V>(0.25f), simd::splat<V>(0.5f)),
                       simd::splat<V>(0.0f), simd::splat<V>(1.0f));
  }
  template <class V>
  static V tanh(V x) noexcept {
    return simd::clamp(x, simd::splat<V>(-1.0f), simd::splat<V>(1.0f));
  }
};

}  // namespace ember::act
