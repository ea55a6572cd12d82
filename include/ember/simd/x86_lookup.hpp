// x86 micro-kernel for weight sharing: per input column, the 16 products codebook[k] * x_j
// in one register, then one permute (vpermps) per 16 rows picks each row's labelled product.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "ember/simd/x86_dot.hpp"

#if EMBER_HAS_X86_DOT
namespace ember::simd::x86 {

// Layout (kernels/dense_shared.hpp): a panel is one 64-byte block per 8 columns; dword r
// of block g holds the labels of row r, columns 8 g + j, in bits 4 j .. 4 j + 3. vpermps
// reads only the low 4 (AVX2: 3) bits of each index, so the labels of column 8 g + j are
// the block shifted right by 4 j: no mask needed.
//
// out[16 p + r] = sum over j, in column order, of codebook[label(r, j)] * x[j], each
// product rounded once and added once: the order of the scalar twin.

#  if EMBER_HAS_AVX512BW
template <std::size_t NP>
EMBER_ALWAYS_INLINE void lookup_panels(const std::uint32_t* labels, std::size_t panel_dwords, std::size_t cols,
                                       const float* codebook, const float* x, float* out, const avx512&) noexcept {
  const __m512 cb = _mm512_load_ps(codebook);
  __m512 acc[NP];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) acc[p] = _mm512_setzero_ps();
  const auto column = [&](const __m512i (&v)[NP], __m512i shift, float xj) EMBER_LAMBDA_INLINE {
    const __m512 prod = _mm512_mul_ps(cb, _mm512_set1_ps(xj));  // shared by the NP panels
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
      acc[p] = _mm512_add_ps(acc[p], _mm512_permutexvar_ps(_mm512_srlv_epi32(v[p], shift), prod));
  };
  const std::size_t groups = cols / 8;
  for (std::size_t g = 0; g <= groups; ++g) {
    const std::size_t n = g < groups ? 8 : cols - 8 * groups;  // the last block may be partial
    if (n == 0) break;
    __m512i v[NP];
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
      v[p] = _mm512_load_si512(reinterpret_cast<const void*>(labels + p * panel_dwords + 16 * g));
    if (n == 8) {
      [&]<std::size_t... J>(std::index_sequence<J...>) EMBER_LAMBDA_INLINE {
        (column(v, _mm512_set1_epi32(int(4 * J)), x[8 * g + J]), ...);
      }(std::make_index_sequence<8>{});
    } else {
      for (std::size_t j = 0; j < n; ++j) column(v, _mm512_set1_epi32(int(4 * j)), x[8 * g + j]);
    }
  }
  for (std::size_t p = 0; p < NP; ++p) _mm512_storeu_ps(out + 16 * p, acc[p]);
}
#  endif

/// AVX2: vpermps holds 8 entries, so the two halves of the codebook are permuted
/// separately and label bit 3 (moved to the sign bit) selects between them.
template <std::size_t NP>
EMBER_ALWAYS_INLINE void lookup_panels(const std::uint32_t* labels, std::size_t panel_dwords, std::size_t cols,
                                       const float* codebook, const float* x, float* out, const avx2&) noexcept {
  const __m256 lo = _mm256_load_ps(codebook), hi = _mm256_load_ps(codebook + 8);
  __m256 acc[NP][2];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) acc[p][0] = acc[p][1] = _mm256_setzero_ps();
  const auto column = [&](const __m256i (&v)[NP][2], int shift, float xj) EMBER_LAMBDA_INLINE {
    const __m256 xb = _mm256_set1_ps(xj);
    const __m256 plo = _mm256_mul_ps(lo, xb), phi = _mm256_mul_ps(hi, xb);
    const __m128i s = _mm_cvtsi32_si128(shift), s3 = _mm_cvtsi32_si128(28 - shift);
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
      EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) {
        const __m256i idx = _mm256_srl_epi32(v[p][h], s);
        const __m256 sel = _mm256_castsi256_ps(_mm256_sll_epi32(v[p][h], s3));  // label bit 3 -> sign
        const __m256 r = _mm256_blendv_ps(_mm256_permutevar8x32_ps(plo, idx), _mm256_permutevar8x32_ps(phi, idx), sel);
        acc[p][h] = _mm256_add_ps(acc[p][h], r);
      }
    }
  };
  const std::size_t groups = cols / 8;
  for (std::size_t g = 0; g <= groups; ++g) {
    const std::size_t n = g < groups ? 8 : cols - 8 * groups;
    if (n == 0) break;
    __m256i v[NP][2];
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
      EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h)
        v[p][h] = _mm256_load_si256(reinterpret_cast<const __m256i*>(labels + p * panel_dwords + 16 * g + 8 * h));
    for (std::size_t j = 0; j < n; ++j) column(v, int(4 * j), x[8 * g + j]);
  }
  for (std::size_t p = 0; p < NP; ++p)
    for (std::size_t h = 0; h < 2; ++h) _mm256_storeu_ps(out + 16 * p + 8 * h, acc[p][h]);
}

}  // namespace ember::simd::x86
#endif
