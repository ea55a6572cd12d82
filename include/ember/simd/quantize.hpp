// Vector activation quantization: max |x| and round-half-even to int8/int16 with
// saturation, bit-identical to the scalar quantize_symmetric (NaN -> 0, +-Inf saturate).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ember/core/fixed_point.hpp"
#include "ember/simd/batch.hpp"

#if EMBER_HAS_XSIMD && (defined(__AVX2__) || defined(__AVX512F__))
#  include <immintrin.h>
#endif

#if EMBER_HAS_XSIMD
namespace ember::simd {

/// max |x_i| over n floats, ignoring NaN (as the scalar twin does).
template <class A>
inline float max_abs(const float* x, std::size_t n) noexcept {
  using B = batch<float, A>;
  constexpr std::size_t L = B::size;
  B m(0.0f);
  const std::size_t nv = n / L * L;
  for (std::size_t i = 0; i < nv; i += L) {
    const B v = load<float, A>(x + i);
    m = xsimd::max(m, xsimd::select(v == v, xsimd::abs(v), B(0.0f)));
  }
  float r = reduce_max(m);
  for (std::size_t i = nv; i < n; ++i) r = abs_value(x[i]) > r ? abs_value(x[i]) : r;
  return r;
}

namespace detail {
// Narrowing stores of in-range int32 lanes.
template <class A, class T>
EMBER_ALWAYS_INLINE void store_narrow(T* dst, const batch<std::int32_t, A>& v) noexcept {
  constexpr std::size_t L = batch<std::int32_t, A>::size;
#  if defined(__AVX512F__)
  if constexpr (L == 16) {
    const __m512i r = v;
    if constexpr (sizeof(T) == 1) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm512_cvtepi32_epi8(r));
    else _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), _mm512_cvtepi32_epi16(r));
    return;
  }
#  endif
#  if defined(__AVX2__)
  if constexpr (L == 8) {
    const __m256i r = v;
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    if constexpr (sizeof(T) == 1) _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), _mm_packs_epi16(w, w));
    else _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), w);
    return;
  }
#  endif
  alignas(64) std::int32_t tmp[L];
  v.store_aligned(tmp);
  for (std::size_t i = 0; i < L; ++i) dst[i] = static_cast<T>(tmp[i]);
}
}  // namespace detail

/// q_i = clamp(round_half_even(x_i * inv), -qmax, qmax); returns sum of q_i.
template <class A, class T>
inline std::int32_t quantize(const float* x, std::size_t n, float inv, std::int32_t qmax, T* q) noexcept {
  using B = batch<float, A>;
  using I = batch<std::int32_t, A>;
  constexpr std::size_t L = B::size;
  const auto lo = B(-float(qmax)), hi = B(float(qmax)), vinv = B(inv), zero = B(0.0f);
  I acc(0);
  const std::size_t nv = n / L * L;
  for (std::size_t i = 0; i < nv; i += L) {
    B v = load<float, A>(x + i) * vinv;
    v = xsimd::select(v == v, v, zero);                 // NaN -> 0
    v = clamp(round_half_even(v), lo, hi);              // +-Inf saturate here
    const I iv = convert<std::int32_t>(v);
    acc += iv;
    detail::store_narrow<A>(q + i, iv);
  }
  std::int32_t sum = reduce_add(acc);
  for (std::size_t i = nv; i < n; ++i) {
    const auto v = quantize_symmetric(x[i] * inv, qmax);
    q[i] = static_cast<T>(v);
    sum += v;
  }
  return sum;
}

}  // namespace ember::simd
#endif
