// for_lanes: run one element-wise body over n floats, as SIMD batches then a scalar tail,
// so gate equations are written once (generic on the value type, like act:: policies).
#pragma once

#include <cstddef>

#include "ember/simd/batch.hpp"

namespace ember::detail {

// Kept private to the layers until kernels/eltwise.hpp offers the same service.

/// Scalar lanes: the body sees plain floats.
struct scalar_lanes {
  using value = float;
  static constexpr std::size_t size = 1;
  static float load(const float* p) noexcept { return *p; }
  static void store(float* p, float v) noexcept { *p = v; }
  static float splat(float v) noexcept { return v; }
};

#if EMBER_HAS_XSIMD
/// Vector lanes of architecture A: the body sees simd::batch<float, A>.
template <class A>
struct vector_lanes {
  using value = simd::batch<float, A>;
  static constexpr std::size_t size = value::size;
  static value load(const float* p) noexcept { return simd::load<float, A>(p); }
  static void store(float* p, const value& v) noexcept { simd::store(p, v); }
  static value splat(float v) noexcept { return value(v); }
};
#endif

/// Calls body(lanes, i) for i = 0, L, 2L, ... with full vectors of Arch, then for each
/// remaining index with scalar_lanes. With simd::common every index is scalar.
template <class Arch, class Body>
EMBER_ALWAYS_INLINE void for_lanes(std::size_t n, Body&& body) noexcept {
  std::size_t i = 0;
#if EMBER_HAS_XSIMD
  if constexpr (simd::vector_arch<Arch>) {
    using V = vector_lanes<Arch>;
    for (; i + V::size <= n; i += V::size) body(V{}, i);
  }
#endif
  for (; i < n; ++i) body(scalar_lanes{}, i);
}

}  // namespace ember::detail
