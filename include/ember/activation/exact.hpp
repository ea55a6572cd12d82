// act::exact: sigmoid and tanh to float precision (xsimd's exp/tanh on vectors, libm
// on scalars); the reference the approximate activation policies are measured against.
#pragma once

#include "ember/core/concepts.hpp"
#include "ember/simd/math.hpp"

namespace ember::act {

struct exact : act_tag {
  static constexpr const char* name = "exact";
  /// 1 / (1 + e^-x); saturates cleanly (e^-x = inf gives 0).
  template <class V>
  static V sigmoid(V x) noexcept {
    return simd::splat<V>(1.0f) / (simd::splat<V>(1.0f) + simd::exp(-x));
  }
  template <class V>
  static V tanh(V x) noexcept { return simd::tanh(x); }
};

}  // namespace ember::act
