// x86 popcount micro-kernels for binary / ternary weight bit planes against binary / ternary
// activation bit planes over 16-row panels (AVX-512 VPOPCNTDQ, AVX2 nibble table).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ember/simd/x86_dot.hpp"

#if EMBER_HAS_X86_DOT
namespace ember::simd::x86 {

// Popcount layout: a panel is one 64-byte block per plane per 32 columns (sign plane, then
// the non-zero plane for ternary); dword r of a block holds plane(r, 32 g + t) in bit t.
// Activations: one 32-bit word per block of sign bits (and of non-zero bits).
//
// d[16 p + r] = popcount(M & (w_sign ^ x_sign)) and, when both sides are ternary,
// m[16 p + r] = popcount(M), where M = w_nz (ternary weights) & x_nz (ternary inputs).

#  if EMBER_HAS_AVX512_VPOPCNTDQ && EMBER_HAS_AVX512BW
template <bool TW, bool TX, std::size_t NP>
EMBER_ALWAYS_INLINE void popcount_panels(const std::uint8_t* w, std::size_t panel_bytes, std::size_t groups,
                                         const std::uint32_t* xneg, const std::uint32_t* xnz, std::int32_t* d,
                                         std::int32_t* m, const avx512&) noexcept {
  constexpr std::size_t planes = TW ? 2 : 1;
  constexpr int masked_xor = 0x28;  // vpternlogd: (a ^ b) & c
  __m512i acc_d[NP], acc_m[NP];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) acc_d[p] = acc_m[p] = _mm512_setzero_si512();
  for (std::size_t g = 0; g < groups; ++g) {
    const __m512i xn = _mm512_set1_epi32(std::int32_t(xneg[g]));
    __m512i xz = xn;
    if constexpr (TX) xz = _mm512_set1_epi32(std::int32_t(xnz[g]));
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
      const std::uint8_t* b = w + p * panel_bytes + g * 64 * planes;
      const __m512i wn = _mm512_load_si512(reinterpret_cast<const void*>(b));
      __m512i diff;
      if constexpr (!TW && !TX) {
        diff = _mm512_xor_si512(wn, xn);
      } else if constexpr (!TW) {
        diff = _mm512_ternarylogic_epi32(wn, xn, xz, masked_xor);
      } else {
        __m512i mask = _mm512_load_si512(reinterpret_cast<const void*>(b + 64));
        if constexpr (TX) {
          mask = _mm512_and_si512(mask, xz);
          acc_m[p] = _mm512_add_epi32(acc_m[p], _mm512_popcnt_epi32(mask));
        }
        diff = _mm512_ternarylogic_epi32(wn, xn, mask, masked_xor);
      }
      acc_d[p] = _mm512_add_epi32(acc_d[p], _mm512_popcnt_epi32(diff));
    }
  }
  for (std::size_t p = 0; p < NP; ++p) {
    _mm512_storeu_si512(reinterpret_cast<void*>(d + 16 * p), acc_d[p]);
    if constexpr (TW && TX) _mm512_storeu_si512(reinterpret_cast<void*>(m + 16 * p), acc_m[p]);
  }
}
#  endif

/// AVX2: nibble-table popcount (vpshufb) into byte counters, widened to int32 every
/// 31 blocks (31 * 8 = 248 fits a byte).
template <bool TW, bool TX, std::size_t NP>
EMBER_ALWAYS_INLINE void popcount_panels(const std::uint8_t* w, std::size_t panel_bytes, std::size_t groups,
                                         const std::uint32_t* xneg, const std::uint32_t* xnz, std::int32_t* d,
                                         std::int32_t* m, const avx2&) noexcept {
  constexpr std::size_t planes = TW ? 2 : 1;
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,  //
                                       0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low4 = _mm256_set1_epi8(0x0f), ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
  const auto count = [&](__m256i v) EMBER_LAMBDA_INLINE {
    return _mm256_add_epi8(_mm256_shuffle_epi8(lut, _mm256_and_si256(v, low4)),
                           _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(v, 4), low4)));
  };
  const auto widen = [&](__m256i c8) EMBER_LAMBDA_INLINE {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(c8, ones8), ones16);
  };
  __m256i sum_d[NP][2], sum_m[NP][2];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
    EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) sum_d[p][h] = sum_m[p][h] = _mm256_setzero_si256();
  for (std::size_t g0 = 0; g0 < groups; g0 += 31) {
    const std::size_t g1 = g0 + 31 < groups ? g0 + 31 : groups;
    __m256i cd[NP][2], cm[NP][2];
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
      EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) cd[p][h] = cm[p][h] = _mm256_setzero_si256();
    for (std::size_t g = g0; g < g1; ++g) {
      const __m256i xn = _mm256_set1_epi32(std::int32_t(xneg[g]));
      __m256i xz = xn;
      if constexpr (TX) xz = _mm256_set1_epi32(std::int32_t(xnz[g]));
      EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
        const std::uint8_t* b = w + p * panel_bytes + g * 64 * planes;
        EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) {
          __m256i diff = _mm256_xor_si256(_mm256_load_si256(reinterpret_cast<const __m256i*>(b + 32 * h)), xn);
          if constexpr (TW) {
            __m256i mask = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + 64 + 32 * h));
            if constexpr (TX) {
              mask = _mm256_and_si256(mask, xz);
              cm[p][h] = _mm256_add_epi8(cm[p][h], count(mask));
            }
            diff = _mm256_and_si256(diff, mask);
          } else if constexpr (TX) {
            diff = _mm256_and_si256(diff, xz);
          }
          cd[p][h] = _mm256_add_epi8(cd[p][h], count(diff));
        }
      }
    }
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
      EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) {
        sum_d[p][h] = _mm256_add_epi32(sum_d[p][h], widen(cd[p][h]));
        if constexpr (TW && TX) sum_m[p][h] = _mm256_add_epi32(sum_m[p][h], widen(cm[p][h]));
      }
    }
  }
  for (std::size_t p = 0; p < NP; ++p) {
    for (std::size_t h = 0; h < 2; ++h) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + 16 * p + 8 * h), sum_d[p][h]);
      if constexpr (TW && TX) _mm256_storeu_si256(reinterpret_cast<__m256i*>(m + 16 * p + 8 * h), sum_m[p][h]);
    }
  }
}

}  // namespace ember::simd::x86
#endif
