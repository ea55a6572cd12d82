// The fused epilogue of convolution kernels: ReLU, ReLU6, or the policy's sigmoid / tanh
// (act::exact, act::hard, ...) on (accumulator + bias), written once for floats and batches.
#pragma once

#include "ember/config.hpp"
#include "ember/cost/workload.hpp"
#include "ember/simd/math.hpp"

namespace ember {

/// Activation fused into a convolution's output (applied after bias and folded batch norm).
/// sigmoid and tanh come from the layer policy's act axis, so act::hard makes them hard.
enum class activation : unsigned char { none, relu, relu6, sigmoid, tanh };

namespace kernels {

template <activation Act, class ActPolicy, class V>
EMBER_ALWAYS_INLINE V apply_activation(V v) noexcept {
  if constexpr (Act == activation::relu) {
    return simd::max(v, simd::splat<V>(0.0f));
  } else if constexpr (Act == activation::relu6) {
    return simd::min(simd::max(v, simd::splat<V>(0.0f)), simd::splat<V>(6.0f));
  } else if constexpr (Act == activation::sigmoid) {
    return ActPolicy::sigmoid(v);
  } else if constexpr (Act == activation::tanh) {
    return ActPolicy::tanh(v);
  } else {
    return v;
  }
}

/// The cost model's name for an activation stage.
constexpr cost::eltwise_kind eltwise_of(activation a) noexcept {
  switch (a) {
    case activation::relu:
    case activation::relu6: return cost::eltwise_kind::relu;
    case activation::sigmoid: return cost::eltwise_kind::sigmoid;
    case activation::tanh: return cost::eltwise_kind::tanh;
    default: return cost::eltwise_kind::other;
  }
}

}  // namespace kernels
}  // namespace ember
