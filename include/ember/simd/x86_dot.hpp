// x86 integer micro-kernels over 16-row weight panels: u8 x s8 dot products (VNNI
// vpdpbusd, or exact AVX2 widening to vpmaddwd) and s16 x s16 into int64 accumulators.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "ember/simd/arch.hpp"

#if EMBER_HAS_XSIMD && defined(__AVX2__) && defined(__FMA__)
#  include <immintrin.h>
#  define EMBER_HAS_X86_DOT 1

namespace ember::simd::x86 {

inline std::int32_t load_i32(const void* p) noexcept {
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Byte-path layout (see kernels/dense_s8.hpp): a panel is `blocks` 64-byte blocks; byte
// 4*r + t of a block holds, in bit field s (Bits wide), the offset-binary weight of row
// r, column 4*(block*QPB + s) + t, where QPB = 8 / Bits quads share a block.

#  if EMBER_HAS_AVX512_VNNI
/// out[16 p + r] = sum over the panel's columns of u(r, c) * x[c], for NP panels.
template <unsigned Bits, std::size_t NP>
EMBER_ALWAYS_INLINE void dot_panels_u8s8(const std::uint8_t* w, std::size_t panel_bytes, std::size_t blocks,
                                         const std::int8_t* x, std::int32_t* out, const avx512_vnni&) noexcept {
  constexpr std::size_t QPB = 8 / Bits;
  const __m512i mask = _mm512_set1_epi8(static_cast<char>((1u << Bits) - 1));
  __m512i acc[2][NP];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) acc[0][p] = acc[1][p] = _mm512_setzero_si512();
  // One sub-quad step into accumulator set A (a compile-time index: the sets alternate
  // so consecutive vpdpbusd on one row panel do not wait on each other).
  const auto step = [&]<std::size_t A>(std::integral_constant<std::size_t, A>, std::size_t k, std::size_t s) {
    const __m512i xb = _mm512_set1_epi32(load_i32(x + (k * QPB + s) * 4));
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
      __m512i u = _mm512_load_si512(reinterpret_cast<const void*>(w + p * panel_bytes + k * 64));
      if constexpr (Bits < 8) u = _mm512_and_si512(_mm512_srli_epi16(u, unsigned(s * Bits)), mask);
      acc[A][p] = _mm512_dpbusd_epi32(acc[A][p], u, xb);
    }
  };
  constexpr std::integral_constant<std::size_t, 0> even{};
  constexpr std::integral_constant<std::size_t, 1> odd{};
  std::size_t k = 0;
  if constexpr (QPB == 1) {
    for (; k + 2 <= blocks; k += 2) {
      step(even, k, 0);
      step(odd, k + 1, 0);
    }
    if (k < blocks) step(even, k, 0);
  } else {
    for (; k < blocks; ++k) {
      EMBER_UNROLL for (std::size_t s = 0; s < QPB; s += 2) {
        step(even, k, s);
        step(odd, k, s + 1);
      }
    }
  }
  for (std::size_t p = 0; p < NP; ++p)
    _mm512_storeu_si512(reinterpret_cast<void*>(out + 16 * p), _mm512_add_epi32(acc[0][p], acc[1][p]));
}
#  endif

/// AVX2 twin: each quarter block (4 rows x 4 columns) is widened to int16 and reduced
/// with vpmaddwd into (row, column pair) partial sums; exact for any u8 x s8 input.
template <unsigned Bits, std::size_t NP>
EMBER_ALWAYS_INLINE void dot_panels_u8s8(const std::uint8_t* w, std::size_t panel_bytes, std::size_t blocks,
                                         const std::int8_t* x, std::int32_t* out, const avx2&) noexcept {
  constexpr std::size_t QPB = 8 / Bits;
  const __m128i mask = _mm_set1_epi8(static_cast<char>((1u << Bits) - 1));
  __m256i acc[NP][4];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
    EMBER_UNROLL for (auto& a : acc[p]) a = _mm256_setzero_si256();
  for (std::size_t k = 0; k < blocks; ++k) {
    EMBER_UNROLL for (std::size_t s = 0; s < QPB; ++s) {
      const __m128i x8 = _mm_cvtsi32_si128(load_i32(x + (k * QPB + s) * 4));
      const __m256i xw = _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(x8));
      EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
        EMBER_UNROLL for (std::size_t q = 0; q < 4; ++q) {
          __m128i u = _mm_load_si128(reinterpret_cast<const __m128i*>(w + p * panel_bytes + k * 64 + 16 * q));
          if constexpr (Bits < 8) u = _mm_and_si128(_mm_srli_epi16(u, int(s * Bits)), mask);
          acc[p][q] = _mm256_add_epi32(acc[p][q], _mm256_madd_epi16(_mm256_cvtepu8_epi16(u), xw));
        }
      }
    }
  }
  for (std::size_t p = 0; p < NP; ++p) {
    for (std::size_t q = 0; q < 4; ++q) {
      alignas(32) std::int32_t t[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(t), acc[p][q]);
      for (std::size_t r = 0; r < 4; ++r) out[16 * p + 4 * q + r] = t[2 * r] + t[2 * r + 1];
    }
  }
}

// Wide-path layout (see kernels/dense_s16.hpp): a 64-byte block is 16 rows x 2 columns
// of int16, row-major inside the block.

/// out[16 p + r] = sum_c w(r, c) * x[c] in int64, for NP panels.
template <std::size_t NP>
EMBER_ALWAYS_INLINE void dot_panels_s16(const std::int16_t* w, std::size_t panel_elems, std::size_t blocks,
                                        const std::int16_t* x, std::int64_t* out, const avx2&) noexcept {
  __m256i acc[NP][4];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
    EMBER_UNROLL for (auto& a : acc[p]) a = _mm256_setzero_si256();
  for (std::size_t k = 0; k < blocks; ++k) {
    const __m256i xb = _mm256_set1_epi32(load_i32(x + 2 * k));
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
      EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) {
        const __m256i v = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + p * panel_elems + k * 32 + 16 * h));
        const __m256i m = _mm256_madd_epi16(v, xb);  // 8 rows, each |.| <= 2 * 32767^2 < 2^31
        acc[p][2 * h] = _mm256_add_epi64(acc[p][2 * h], _mm256_cvtepi32_epi64(_mm256_castsi256_si128(m)));
        acc[p][2 * h + 1] = _mm256_add_epi64(acc[p][2 * h + 1], _mm256_cvtepi32_epi64(_mm256_extracti128_si256(m, 1)));
      }
    }
  }
  for (std::size_t p = 0; p < NP; ++p)
    for (std::size_t q = 0; q < 4; ++q) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16 * p + 4 * q), acc[p][q]);
}

#  if EMBER_HAS_AVX512BW
template <std::size_t NP>
EMBER_ALWAYS_INLINE void dot_panels_s16(const std::int16_t* w, std::size_t panel_elems, std::size_t blocks,
                                        const std::int16_t* x, std::int64_t* out, const avx512&) noexcept {
  __m512i lo[NP], hi[NP];
  EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) lo[p] = hi[p] = _mm512_setzero_si512();
  for (std::size_t k = 0; k < blocks; ++k) {
    const __m512i xb = _mm512_set1_epi32(load_i32(x + 2 * k));
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
      const __m512i v = _mm512_load_si512(reinterpret_cast<const void*>(w + p * panel_elems + k * 32));
      const __m512i m = _mm512_madd_epi16(v, xb);
      lo[p] = _mm512_add_epi64(lo[p], _mm512_cvtepi32_epi64(_mm512_castsi512_si256(m)));
      hi[p] = _mm512_add_epi64(hi[p], _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(m, 1)));
    }
  }
  for (std::size_t p = 0; p < NP; ++p) {
    _mm512_storeu_si512(reinterpret_cast<void*>(out + 16 * p), lo[p]);
    _mm512_storeu_si512(reinterpret_cast<void*>(out + 16 * p + 8), hi[p]);
  }
}
#  endif

}  // namespace ember::simd::x86
#else
#  define EMBER_HAS_X86_DOT 0
#endif
