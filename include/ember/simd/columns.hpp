// Column-skipping micro-kernels for delta networks: lane masks as bit masks (compaction of
// the non-zero delta indices), int8 column-pair and int16 column AXPYs over weight columns.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ember/simd/arch.hpp"
#include "ember/simd/batch.hpp"

#if EMBER_HAS_XSIMD
#  if defined(__AVX2__) || defined(__AVX512F__)
#    include <immintrin.h>
#  endif

namespace ember::simd {

/// Bit i set iff lane i of the float mask is true (xsimd 8 has no movemask).
template <class XA>
EMBER_ALWAYS_INLINE std::uint32_t mask_bits(const xsimd::batch_bool<float, XA>& m) noexcept {
  constexpr std::size_t L = xsimd::batch<float, XA>::size;
#  if defined(__AVX512F__)
  if constexpr (L == 16) return std::uint32_t(static_cast<__mmask16>(m));
#  endif
#  if defined(__AVX__)
  if constexpr (L == 8) return std::uint32_t(_mm256_movemask_ps(static_cast<__m256>(m)));
#  endif
  alignas(64) float t[L];
  xsimd::select(m, xsimd::batch<float, XA>(1.0f), xsimd::batch<float, XA>(0.0f)).store_aligned(t);
  std::uint32_t b = 0;
  for (std::size_t i = 0; i < L; ++i) b |= std::uint32_t(t[i] != 0.0f) << i;
  return b;
}

}  // namespace ember::simd

#  if defined(__AVX2__) && defined(__FMA__)
#    define EMBER_HAS_X86_COLUMNS 1
namespace ember::simd::x86 {

// int16 weights, panel layout (panels, C, 16): the 16 weights of column c in panel p at
// p * panel_stride + 16 c. Column AXPY: acc(16 rows) += w(:, c) * d for every listed column.
// Products are int32 (|w| <= 32767, |d| <= 65534: |w d| < 2^31), widened into int64
// accumulators so no reduction length can overflow.

/// NP panels, int16 weights, int64 accumulators.
template <std::size_t NP>
EMBER_ALWAYS_INLINE void axpy_columns(const std::int16_t* w, std::size_t panel_stride, const std::uint32_t* idx,
                                      const std::int32_t* dv, std::size_t n, std::int64_t* M, const avx2&) noexcept {
  __m256i acc[NP][4];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
    EMBER_UNROLL for (std::size_t q = 0; q < 4; ++q)
      acc[p][q] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(M + 16 * p + 4 * q));
  for (std::size_t k = 0; k < n; ++k) {
    const __m256i d = _mm256_set1_epi32(dv[k]);
    const std::int16_t* col = w + std::size_t(idx[k]) * 16;
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
      const __m256i v = _mm256_load_si256(reinterpret_cast<const __m256i*>(col + p * panel_stride));
      EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) {
        const __m128i half = h == 0 ? _mm256_castsi256_si128(v) : _mm256_extracti128_si256(v, 1);
        const __m256i m = _mm256_mullo_epi32(_mm256_cvtepi16_epi32(half), d);  // 8 rows, exact in int32
        acc[p][2 * h] = _mm256_add_epi64(acc[p][2 * h], _mm256_cvtepi32_epi64(_mm256_castsi256_si128(m)));
        acc[p][2 * h + 1] = _mm256_add_epi64(acc[p][2 * h + 1], _mm256_cvtepi32_epi64(_mm256_extracti128_si256(m, 1)));
      }
    }
  }
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
    EMBER_UNROLL for (std::size_t q = 0; q < 4; ++q)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(M + 16 * p + 4 * q), acc[p][q]);
}

// Column pairs of int8 weights, layout (pairs, Rp, 2): rows r of pair p at w + p * 2 Rp + 2 r.
// pdv[k] holds the pair's two int16 deltas (low half: even column); one vpmaddwd (or VNNI
// vpdpwssd) per 16 rows x 2 columns. Four pairs per pass over M (int32, Rp rows).
template <class Step>
EMBER_ALWAYS_INLINE void pairs_by_four(const std::int8_t* w, std::size_t Rp, const std::uint32_t* pidx,
                                       std::size_t n, std::size_t rows_per_step, Step&& step) noexcept {
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const std::int8_t* c[4] = {w + std::size_t(pidx[k]) * 2 * Rp, w + std::size_t(pidx[k + 1]) * 2 * Rp,
                               w + std::size_t(pidx[k + 2]) * 2 * Rp, w + std::size_t(pidx[k + 3]) * 2 * Rp};
    for (std::size_t r = 0; r < Rp; r += rows_per_step) step(c, k, 4, r);
  }
  for (; k < n; ++k) {
    const std::int8_t* c[4] = {w + std::size_t(pidx[k]) * 2 * Rp, nullptr, nullptr, nullptr};
    for (std::size_t r = 0; r < Rp; r += rows_per_step) step(c, k, 1, r);
  }
}

/// AVX2: 8 rows per vpmaddwd.
inline void axpy_pairs(const std::int8_t* w, std::size_t Rp, const std::uint32_t* pidx, const std::int32_t* pdv,
                       std::size_t n, std::int32_t* M, const avx2&) noexcept {
  pairs_by_four(w, Rp, pidx, n, 8, [&](const std::int8_t* const* c, std::size_t k, std::size_t cnt, std::size_t r) {
    __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(M + r));
    for (std::size_t i = 0; i < cnt; ++i) {
      const __m256i v = _mm256_cvtepi8_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(c[i] + 2 * r)));
      m = _mm256_add_epi32(m, _mm256_madd_epi16(v, _mm256_set1_epi32(pdv[k + i])));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(M + r), m);
  });
}

#    if EMBER_HAS_AVX512BW
/// AVX-512: 16 rows per vpmaddwd (vpdpwssd with VNNI).
inline void axpy_pairs(const std::int8_t* w, std::size_t Rp, const std::uint32_t* pidx, const std::int32_t* pdv,
                       std::size_t n, std::int32_t* M, const avx512&) noexcept {
  pairs_by_four(w, Rp, pidx, n, 16, [&](const std::int8_t* const* c, std::size_t k, std::size_t cnt, std::size_t r) {
    __m512i m = _mm512_loadu_si512(M + r);
    for (std::size_t i = 0; i < cnt; ++i) {
      const __m512i v = _mm512_cvtepi8_epi16(_mm256_load_si256(reinterpret_cast<const __m256i*>(c[i] + 2 * r)));
#      if EMBER_HAS_AVX512_VNNI
      m = _mm512_dpwssd_epi32(m, v, _mm512_set1_epi32(pdv[k + i]));
#      else
      m = _mm512_add_epi32(m, _mm512_madd_epi16(v, _mm512_set1_epi32(pdv[k + i])));
#      endif
    }
    _mm512_storeu_si512(M + r, m);
  });
}

/// AVX-512, int16 weights, int64 accumulators (two registers per panel).
template <std::size_t NP>
EMBER_ALWAYS_INLINE void axpy_columns(const std::int16_t* w, std::size_t panel_stride, const std::uint32_t* idx,
                                      const std::int32_t* dv, std::size_t n, std::int64_t* M, const avx512&) noexcept {
  __m512i acc[NP][2];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
    acc[p][0] = _mm512_loadu_si512(M + 16 * p);
    acc[p][1] = _mm512_loadu_si512(M + 16 * p + 8);
  }
  for (std::size_t k = 0; k < n; ++k) {
    const __m512i d = _mm512_set1_epi32(dv[k]);
    const std::int16_t* col = w + std::size_t(idx[k]) * 16;
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
      const __m256i v = _mm256_load_si256(reinterpret_cast<const __m256i*>(col + p * panel_stride));
      const __m512i m = _mm512_mullo_epi32(_mm512_cvtepi16_epi32(v), d);
      acc[p][0] = _mm512_add_epi64(acc[p][0], _mm512_cvtepi32_epi64(_mm512_castsi512_si256(m)));
      acc[p][1] = _mm512_add_epi64(acc[p][1], _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(m, 1)));
    }
  }
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
    _mm512_storeu_si512(M + 16 * p, acc[p][0]);
    _mm512_storeu_si512(M + 16 * p + 8, acc[p][1]);
  }
}
#    endif

}  // namespace ember::simd::x86
#  endif
#endif
