// Two-register float shuffles (even/odd split, interleave) that transpose runs of K
// consecutive floats into lanes and back, and widening int8/int16 -> float loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ember/simd/batch.hpp"

#if EMBER_HAS_XSIMD
namespace ember::simd {

// xsimd 8.1's zip_lo/zip_hi interleave within 128-bit lanes only; ember needs the
// interleave of whole registers, so these are written per ISA with a portable fallback.
namespace detail {
template <class XA, class F>
EMBER_ALWAYS_INLINE xsimd::batch<float, XA> shuffle_generic(const xsimd::batch<float, XA>& a,
                                                            const xsimd::batch<float, XA>& b, F pick) noexcept {
  constexpr std::size_t L = xsimd::batch<float, XA>::size;
  alignas(64) float in[2 * L], out[L];
  a.store_aligned(in);
  b.store_aligned(in + L);
  for (std::size_t i = 0; i < L; ++i) out[i] = in[pick(i)];
  return xsimd::batch<float, XA>::load_aligned(out);
}
}  // namespace detail

/// Elements 0, 2, 4, ... of the 2L-element sequence (a, b).
template <class XA>
EMBER_ALWAYS_INLINE xsimd::batch<float, XA> even(const xsimd::batch<float, XA>& a,
                                                 const xsimd::batch<float, XA>& b) noexcept {
#  if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, XA>) {
    const __m512i idx = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    return _mm512_permutex2var_ps(a, idx, b);
  } else
#  endif
#  if defined(__AVX2__)
  if constexpr (std::is_base_of_v<xsimd::avx2, XA>) {
    const __m256 t = _mm256_shuffle_ps(a, b, 0x88);  // a0 a2 b0 b2 | a4 a6 b4 b6
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), 0xD8));
  } else
#  endif
  {
    return detail::shuffle_generic(a, b, [](std::size_t i) { return 2 * i; });
  }
}

/// Elements 1, 3, 5, ... of the 2L-element sequence (a, b).
template <class XA>
EMBER_ALWAYS_INLINE xsimd::batch<float, XA> odd(const xsimd::batch<float, XA>& a,
                                                const xsimd::batch<float, XA>& b) noexcept {
#  if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, XA>) {
    const __m512i idx = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    return _mm512_permutex2var_ps(a, idx, b);
  } else
#  endif
#  if defined(__AVX2__)
  if constexpr (std::is_base_of_v<xsimd::avx2, XA>) {
    const __m256 t = _mm256_shuffle_ps(a, b, 0xDD);  // a1 a3 b1 b3 | a5 a7 b5 b7
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), 0xD8));
  } else
#  endif
  {
    return detail::shuffle_generic(a, b, [](std::size_t i) { return 2 * i + 1; });
  }
}

/// First half of the interleave of a and b: a0 b0 a1 b1 ... (L elements).
template <class XA>
EMBER_ALWAYS_INLINE xsimd::batch<float, XA> interleave_lo(const xsimd::batch<float, XA>& a,
                                                          const xsimd::batch<float, XA>& b) noexcept {
#  if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, XA>) {
    const __m512i idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    return _mm512_permutex2var_ps(a, idx, b);
  } else
#  endif
#  if defined(__AVX2__)
  if constexpr (std::is_base_of_v<xsimd::avx2, XA>) {
    return _mm256_permute2f128_ps(_mm256_unpacklo_ps(a, b), _mm256_unpackhi_ps(a, b), 0x20);
  } else
#  endif
  {
    constexpr std::size_t L = xsimd::batch<float, XA>::size;
    return detail::shuffle_generic(a, b, [](std::size_t i) { return (i % 2) * L + i / 2; });
  }
}

/// Second half of the interleave of a and b: a(L/2) b(L/2) ... a(L-1) b(L-1).
template <class XA>
EMBER_ALWAYS_INLINE xsimd::batch<float, XA> interleave_hi(const xsimd::batch<float, XA>& a,
                                                          const xsimd::batch<float, XA>& b) noexcept {
#  if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, XA>) {
    const __m512i idx = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    return _mm512_permutex2var_ps(a, idx, b);
  } else
#  endif
#  if defined(__AVX2__)
  if constexpr (std::is_base_of_v<xsimd::avx2, XA>) {
    return _mm256_permute2f128_ps(_mm256_unpacklo_ps(a, b), _mm256_unpackhi_ps(a, b), 0x31);
  } else
#  endif
  {
    constexpr std::size_t L = xsimd::batch<float, XA>::size;
    return detail::shuffle_generic(a, b, [](std::size_t i) { return (i % 2) * L + L / 2 + i / 2; });
  }
}

/// L integers (int8 or int16) converted exactly to float lanes.
template <class A, class T>
  requires std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::int16_t>
EMBER_ALWAYS_INLINE batch<float, A> load_as_float(const T* p) noexcept {
  using XA [[maybe_unused]] = typename A::xsimd_arch;  // unused when no AVX branch is compiled
#  if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, XA>) {
    if constexpr (sizeof(T) == 1)
      return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
    else
      return _mm512_cvtepi32_ps(_mm512_cvtepi16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))));
  } else
#  endif
#  if defined(__AVX2__)
  if constexpr (std::is_base_of_v<xsimd::avx2, XA>) {
    if constexpr (sizeof(T) == 1)
      return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
    else
      return _mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
  } else
#  endif
  {
    constexpr std::size_t L = batch<float, A>::size;
    alignas(64) float tmp[L];
    for (std::size_t i = 0; i < L; ++i) tmp[i] = float(p[i]);
    return load_aligned<float, A>(tmp);
  }
}

}  // namespace ember::simd
#endif
