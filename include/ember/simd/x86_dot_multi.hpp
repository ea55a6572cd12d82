// Multi-vector twins of the x86 integer micro-kernels (simd/x86_dot.hpp): one pass over a
// weight panel feeds NT input vectors, so each loaded (and unpacked) block is reused NT times.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ember/simd/x86_dot.hpp"

#if EMBER_HAS_X86_DOT
namespace ember::simd::x86 {

// Layouts are those of x86_dot.hpp. `x[t]` points at the t-th quantized input vector;
// out[t * out_stride + 16 p + r] receives the raw row sums (no offset correction).

#  if EMBER_HAS_AVX512_VNNI
/// u8 x s8 row sums of NP panels against NT vectors with vpdpbusd (NT * NP accumulators).
template <unsigned Bits, std::size_t NP, std::size_t NT>
EMBER_ALWAYS_INLINE void dot_panels_u8s8_multi(const std::uint8_t* w, std::size_t panel_bytes, std::size_t blocks,
                                               const std::int8_t* const* x, std::int32_t* out,
                                               std::size_t out_stride, const avx512_vnni&) noexcept {
  constexpr std::size_t QPB = 8 / Bits;
  const __m512i mask = _mm512_set1_epi8(static_cast<char>((1u << Bits) - 1));
  __m512i acc[NT][NP];
  EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t)
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) acc[t][p] = _mm512_setzero_si512();
  for (std::size_t k = 0; k < blocks; ++k) {
    __m512i raw[NP];
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
      raw[p] = _mm512_load_si512(reinterpret_cast<const void*>(w + p * panel_bytes + k * 64));
    EMBER_UNROLL for (std::size_t s = 0; s < QPB; ++s) {
      __m512i u[NP];
      EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
        if constexpr (Bits < 8) u[p] = _mm512_and_si512(_mm512_srli_epi16(raw[p], unsigned(s * Bits)), mask);
        else u[p] = raw[p];
      }
      EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
        const __m512i xb = _mm512_set1_epi32(load_i32(x[t] + (k * QPB + s) * 4));
        EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) acc[t][p] = _mm512_dpbusd_epi32(acc[t][p], u[p], xb);
      }
    }
  }
  EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t)
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
      _mm512_storeu_si512(reinterpret_cast<void*>(out + t * out_stride + 16 * p), acc[t][p]);
}
#  endif

/// AVX2 twin: each quarter block is widened to int16 once and multiplied (vpmaddwd) by
/// NT broadcast input quads; exact for any u8 x s8 input.
template <unsigned Bits, std::size_t NP, std::size_t NT>
EMBER_ALWAYS_INLINE void dot_panels_u8s8_multi(const std::uint8_t* w, std::size_t panel_bytes, std::size_t blocks,
                                               const std::int8_t* const* x, std::int32_t* out,
                                               std::size_t out_stride, const avx2&) noexcept {
  constexpr std::size_t QPB = 8 / Bits;
  const __m128i mask = _mm_set1_epi8(static_cast<char>((1u << Bits) - 1));
  __m256i acc[NT][NP][4];
  EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t)
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
      EMBER_UNROLL for (auto& a : acc[t][p]) a = _mm256_setzero_si256();
  for (std::size_t k = 0; k < blocks; ++k) {
    EMBER_UNROLL for (std::size_t s = 0; s < QPB; ++s) {
      __m256i xw[NT];
      EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t)
        xw[t] = _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(load_i32(x[t] + (k * QPB + s) * 4))));
      EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
        EMBER_UNROLL for (std::size_t q = 0; q < 4; ++q) {
          __m128i u = _mm_load_si128(reinterpret_cast<const __m128i*>(w + p * panel_bytes + k * 64 + 16 * q));
          if constexpr (Bits < 8) u = _mm_and_si128(_mm_srli_epi16(u, int(s * Bits)), mask);
          const __m256i uw = _mm256_cvtepu8_epi16(u);
          EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t)
            acc[t][p][q] = _mm256_add_epi32(acc[t][p][q], _mm256_madd_epi16(uw, xw[t]));
        }
      }
    }
  }
  for (std::size_t t = 0; t < NT; ++t) {
    for (std::size_t p = 0; p < NP; ++p) {
      for (std::size_t q = 0; q < 4; ++q) {
        alignas(32) std::int32_t v[8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(v), acc[t][p][q]);
        for (std::size_t r = 0; r < 4; ++r) out[t * out_stride + 16 * p + 4 * q + r] = v[2 * r] + v[2 * r + 1];
      }
    }
  }
}

/// s16 x s16 row sums of NP panels against NT vectors, widened into int64 (AVX2).
template <std::size_t NP, std::size_t NT>
EMBER_ALWAYS_INLINE void dot_panels_s16_multi(const std::int16_t* w, std::size_t panel_elems, std::size_t blocks,
                                              const std::int16_t* const* x, std::int64_t* out,
                                              std::size_t out_stride, const avx2&) noexcept {
  __m256i acc[NT][NP][4];
  EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t)
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
      EMBER_UNROLL for (auto& a : acc[t][p]) a = _mm256_setzero_si256();
  for (std::size_t k = 0; k < blocks; ++k) {
    __m256i xb[NT];
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) xb[t] = _mm256_set1_epi32(load_i32(x[t] + 2 * k));
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
      EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) {
        const __m256i v = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + p * panel_elems + k * 32 + 16 * h));
        EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
          const __m256i m = _mm256_madd_epi16(v, xb[t]);
          acc[t][p][2 * h] = _mm256_add_epi64(acc[t][p][2 * h], _mm256_cvtepi32_epi64(_mm256_castsi256_si128(m)));
          acc[t][p][2 * h + 1] =
              _mm256_add_epi64(acc[t][p][2 * h + 1], _mm256_cvtepi32_epi64(_mm256_extracti128_si256(m, 1)));
        }
      }
    }
  }
  for (std::size_t t = 0; t < NT; ++t)
    for (std::size_t p = 0; p < NP; ++p)
      for (std::size_t q = 0; q < 4; ++q)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + t * out_stride + 16 * p + 4 * q), acc[t][p][q]);
}

#  if EMBER_HAS_AVX512BW
/// AVX-512 twin of dot_panels_s16_multi.
template <std::size_t NP, std::size_t NT>
EMBER_ALWAYS_INLINE void dot_panels_s16_multi(const std::int16_t* w, std::size_t panel_elems, std::size_t blocks,
                                              const std::int16_t* const* x, std::int64_t* out,
                                              std::size_t out_stride, const avx512&) noexcept {
  __m512i lo[NT][NP], hi[NT][NP];
  EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t)
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) lo[t][p] = hi[t][p] = _mm512_setzero_si512();
  for (std::size_t k = 0; k < blocks; ++k) {
    __m512i v[NP];
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p)
      v[p] = _mm512_load_si512(reinterpret_cast<const void*>(w + p * panel_elems + k * 32));
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
      const __m512i xb = _mm512_set1_epi32(load_i32(x[t] + 2 * k));
      EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
        const __m512i m = _mm512_madd_epi16(v[p], xb);
        lo[t][p] = _mm512_add_epi64(lo[t][p], _mm512_cvtepi32_epi64(_mm512_castsi512_si256(m)));
        hi[t][p] = _mm512_add_epi64(hi[t][p], _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(m, 1)));
      }
    }
  }
  for (std::size_t t = 0; t < NT; ++t) {
    for (std::size_t p = 0; p < NP; ++p) {
      _mm512_storeu_si512(reinterpret_cast<void*>(out + t * out_stride + 16 * p), lo[t][p]);
      _mm512_storeu_si512(reinterpret_cast<void*>(out + t * out_stride + 16 * p + 8), hi[t][p]);
    }
  }
}
#  endif

}  // namespace ember::simd::x86
#endif
