// x86 activation packing for the bit-plane policies: |x| sums in ember's canonical order
// (16 interleaved partial sums, then a fixed tree) and sign / magnitude bits, 32 per word.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ember/simd/x86_dot.hpp"

#if EMBER_HAS_X86_DOT
namespace ember::simd::x86 {

// The canonical order (kernels/bitplane_input.hpp has the scalar twin): partial sum
// l (0..15) adds f(x_j) for every j = l mod 16 in increasing j, then p[i] += p[i + s] for
// s = 8, 4, 2, 1. A vector of 16 (or two of 8) lanes holds exactly those partial sums,
// so every arch rounds identically; the tail goes through the same scalar update.

/// Finishes a canonical sum from its 16 partial sums (the fixed tree).
inline float canonical_tree(float (&p)[16]) noexcept {
  for (std::size_t s = 8; s >= 1; s /= 2)
    for (std::size_t i = 0; i < s; ++i) p[i] += p[i + s];
  return p[0];
}

/// sum |x_j| (NaN counts as 0) and, when delta >= 0, sum of |x_j| > delta and their count.
struct abs_sums {
  float all = 0, kept = 0;
  std::int32_t count = 0;
};

#  if EMBER_HAS_AVX512BW
/// One pass of 16 lanes: kept = false computes sum |x|; true sums |x| > delta only.
inline abs_sums canonical_abs_sum(const float* x, std::size_t n, float delta, bool kept, const avx512&) noexcept {
  const __m512 d = _mm512_set1_ps(delta);
  __m512 acc = _mm512_setzero_ps();
  std::int32_t count = 0;
  const std::size_t nv = n / 16 * 16;
  for (std::size_t i = 0; i < nv; i += 16) {
    const __m512 v = _mm512_loadu_ps(x + i);
    const __m512 a = _mm512_abs_ps(v);
    const __mmask16 m = kept ? _mm512_cmp_ps_mask(a, d, _CMP_GT_OQ) : _mm512_cmp_ps_mask(v, v, _CMP_ORD_Q);
    acc = _mm512_add_ps(acc, _mm512_maskz_mov_ps(m, a));
    count += __builtin_popcount(unsigned(m));
  }
  alignas(64) float p[16];
  _mm512_store_ps(p, acc);
  for (std::size_t j = nv; j < n; ++j) {
    const float a = x[j] < 0 ? -x[j] : x[j];
    const bool take = kept ? a > delta : x[j] == x[j];
    p[j % 16] += take ? a : 0.0f;
    count += take;
  }
  abs_sums r;
  (kept ? r.kept : r.all) = canonical_tree(p);
  r.count = count;
  return r;
}
#  endif

inline abs_sums canonical_abs_sum(const float* x, std::size_t n, float delta, bool kept, const avx2&) noexcept {
  const __m256 d = _mm256_set1_ps(delta);
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  std::int32_t count = 0;
  const auto term = [&](__m256 v) {
    const __m256 a = _mm256_andnot_ps(sign, v);
    const __m256 m = kept ? _mm256_cmp_ps(a, d, _CMP_GT_OQ) : _mm256_cmp_ps(v, v, _CMP_ORD_Q);
    count += __builtin_popcount(unsigned(_mm256_movemask_ps(m)));
    return _mm256_and_ps(m, a);
  };
  const std::size_t nv = n / 16 * 16;
  for (std::size_t i = 0; i < nv; i += 16) {
    acc0 = _mm256_add_ps(acc0, term(_mm256_loadu_ps(x + i)));
    acc1 = _mm256_add_ps(acc1, term(_mm256_loadu_ps(x + i + 8)));
  }
  alignas(32) float p[16];
  _mm256_store_ps(p, acc0);
  _mm256_store_ps(p + 8, acc1);
  for (std::size_t j = nv; j < n; ++j) {
    const float a = x[j] < 0 ? -x[j] : x[j];
    const bool take = kept ? a > delta : x[j] == x[j];
    p[j % 16] += take ? a : 0.0f;
    count += take;
  }
  abs_sums r;
  (kept ? r.kept : r.all) = canonical_tree(p);
  r.count = count;
  return r;
}

/// Bit j % 32 of word j / 32: neg[j] = x_j < -delta; nz[j] = |x_j| > delta (nz may be null).
/// Words past n are left alone (the caller zeroes the padding).
#  if EMBER_HAS_AVX512BW
inline void pack_signs(const float* x, std::size_t n, float delta, std::uint32_t* neg, std::uint32_t* nz,
                       const avx512&) noexcept {
  const __m512 lo = _mm512_set1_ps(-delta), d = _mm512_set1_ps(delta);
  const std::size_t words = n / 32;
  for (std::size_t w = 0; w < words; ++w) {
    const __m512 a = _mm512_loadu_ps(x + 32 * w), b = _mm512_loadu_ps(x + 32 * w + 16);
    neg[w] = std::uint32_t(_mm512_cmp_ps_mask(a, lo, _CMP_LT_OQ)) |
             (std::uint32_t(_mm512_cmp_ps_mask(b, lo, _CMP_LT_OQ)) << 16);
    if (nz)
      nz[w] = std::uint32_t(_mm512_cmp_ps_mask(_mm512_abs_ps(a), d, _CMP_GT_OQ)) |
              (std::uint32_t(_mm512_cmp_ps_mask(_mm512_abs_ps(b), d, _CMP_GT_OQ)) << 16);
  }
}
#  endif

inline void pack_signs(const float* x, std::size_t n, float delta, std::uint32_t* neg, std::uint32_t* nz,
                       const avx2&) noexcept {
  const __m256 lo = _mm256_set1_ps(-delta), d = _mm256_set1_ps(delta), sign = _mm256_set1_ps(-0.0f);
  const std::size_t words = n / 32;
  for (std::size_t w = 0; w < words; ++w) {
    std::uint32_t bn = 0, bz = 0;
    for (std::size_t q = 0; q < 4; ++q) {
      const __m256 v = _mm256_loadu_ps(x + 32 * w + 8 * q);
      bn |= std::uint32_t(_mm256_movemask_ps(_mm256_cmp_ps(v, lo, _CMP_LT_OQ))) << (8 * q);
      bz |= std::uint32_t(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_andnot_ps(sign, v), d, _CMP_GT_OQ))) << (8 * q);
    }
    neg[w] = bn;
    if (nz) nz[w] = bz;
  }
}

}  // namespace ember::simd::x86
#endif
