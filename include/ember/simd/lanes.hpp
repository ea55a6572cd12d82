// Lane-level helpers of the convolution kernels: partial stores (an output row ending
// mid-vector), a true lane interleave (zip) and max|x| whose reduction stays in registers.
#pragma once

#include <cstddef>

#include "ember/core/fixed_point.hpp"
#include "ember/simd/batch.hpp"

#if EMBER_HAS_XSIMD && (defined(__AVX2__) || defined(__AVX512F__))
#  include <immintrin.h>
#endif

#if EMBER_HAS_XSIMD
namespace ember::simd {

/// dst[i] = v[first + i] for i < n (first + n <= lanes); nothing else is written.
template <class XA>
EMBER_ALWAYS_INLINE void store_lanes(float* dst, const xsimd::batch<float, XA>& v, std::size_t first,
                                     std::size_t n) noexcept {
  constexpr std::size_t L = xsimd::batch<float, XA>::size;
#  if defined(__AVX512F__)
  if constexpr (L == 16) {
    const auto keep = static_cast<__mmask16>(((1u << n) - 1u) << first);
    const __m512 packed = _mm512_maskz_compress_ps(keep, v);  // lanes first.. moved to 0..
    _mm512_mask_storeu_ps(dst, static_cast<__mmask16>((1u << n) - 1u), packed);
    return;
  }
#  endif
#  if defined(__AVX2__)
  if constexpr (L == 8) {
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 shifted = _mm256_permutevar8x32_ps(v, _mm256_add_epi32(iota, _mm256_set1_epi32(int(first))));
    _mm256_maskstore_ps(dst, _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), iota), shifted);
    return;
  }
#  endif
  alignas(64) float tmp[L];
  v.store_aligned(tmp);
  for (std::size_t i = 0; i < n; ++i) dst[i] = tmp[first + i];
}

/// max |x_i| over n floats, NaN ignored: simd::max_abs with a shuffle reduction instead of
/// a round trip through memory (which stalls store forwarding once per frame in conv1d).
template <class A>
inline float max_abs_fast(const float* x, std::size_t n) noexcept {
  using B = batch<float, A>;
  constexpr std::size_t L = B::size;
  B m[4] = {B(0.0f), B(0.0f), B(0.0f), B(0.0f)};  // four chains: max has a 4-cycle latency
  std::size_t i = 0;
  const auto step = [&](B& acc, const B& v) { acc = xsimd::max(acc, xsimd::select(v == v, xsimd::abs(v), B(0.0f))); };
  for (; i + 4 * L <= n; i += 4 * L) {
    EMBER_UNROLL for (std::size_t k = 0; k < 4; ++k) step(m[k], load<float, A>(x + i + k * L));
  }
  for (; i + L <= n; i += L) step(m[0], load<float, A>(x + i));
  const B mm = xsimd::max(xsimd::max(m[0], m[1]), xsimd::max(m[2], m[3]));
  float r;
#  if defined(__AVX512F__)
  if constexpr (L == 16) r = _mm512_reduce_max_ps(mm);
  else
#  endif
    r = reduce_max(mm);
  for (std::size_t k = 0; k < n % L; ++k, ++i) r = abs_value(x[i]) > r ? abs_value(x[i]) : r;  // counted tail
  return r;
}

/// Interleaves a and b lane by lane: lo = a0 b0 a1 b1 ... (first L/2 pairs), hi = the rest.
/// (xsimd 8.1's zip_lo / zip_hi interleave within 128-bit lanes only.)
template <class XA>
EMBER_ALWAYS_INLINE void zip(const xsimd::batch<float, XA>& a, const xsimd::batch<float, XA>& b,
                             xsimd::batch<float, XA>& lo, xsimd::batch<float, XA>& hi) noexcept {
  constexpr std::size_t L = xsimd::batch<float, XA>::size;
#  if defined(__AVX512F__)
  if constexpr (L == 16) {
    const __m512i il = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i ih = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    lo = _mm512_permutex2var_ps(a, il, b);
    hi = _mm512_permutex2var_ps(a, ih, b);
    return;
  }
#  endif
#  if defined(__AVX2__)
  if constexpr (L == 8) {
    const __m256 l = _mm256_unpacklo_ps(a, b), h = _mm256_unpackhi_ps(a, b);
    lo = _mm256_permute2f128_ps(l, h, 0x20);
    hi = _mm256_permute2f128_ps(l, h, 0x31);
    return;
  }
#  endif
  alignas(64) float ta[L], tb[L], t[2 * L];
  a.store_aligned(ta);
  b.store_aligned(tb);
  for (std::size_t i = 0; i < L; ++i) t[2 * i] = ta[i], t[2 * i + 1] = tb[i];
  lo = xsimd::batch<float, XA>::load_aligned(t);
  hi = xsimd::batch<float, XA>::load_aligned(t + L);
}

}  // namespace ember::simd
#endif
