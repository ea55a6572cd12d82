// Table lookups with computed indices, one spelling for floats and xsimd batches (the
// lut activations): scalar indexing, or a hardware gather (vgatherdps) on vectors.
#pragma once

#include <cstdint>
#include <type_traits>

#include "ember/simd/arch.hpp"

namespace ember::simd {

/// table[i] for an index held as a float (non-negative, integral or truncated toward
/// zero); the caller guarantees it lies inside the table.
EMBER_ALWAYS_INLINE float lookup(const float* table, float index) noexcept {
  return table[static_cast<std::int32_t>(index)];
}

#if EMBER_HAS_XSIMD
/// table[index[l]] per lane. xsimd 8.1's batch::gather never reaches its vgatherdps
/// kernels (their template heads do not match its own call), so it emulates the gather
/// lane by lane; x86 calls the instruction directly. Same values either way. The masked
/// forms with a zero source avoid GCC 12's false "uninitialized" on _mm*_undefined_ps.
template <class XA>
EMBER_ALWAYS_INLINE xsimd::batch<float, XA> gather(const float* table, const xsimd::batch<std::int32_t, XA>& index) noexcept {
#  if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, XA>) {
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), __mmask16(0xffff), index, table, sizeof(float));
  } else
#  endif
#  if defined(__AVX2__)
  if constexpr (std::is_base_of_v<xsimd::avx2, XA>) {
    return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), table, index,
                                    _mm256_castsi256_ps(_mm256_set1_epi32(-1)), sizeof(float));
  } else
#  endif
  {
    return xsimd::batch<float, XA>::gather(table, index);
  }
}

/// One table entry per lane, indices truncated toward zero as in the scalar twin.
template <class XA>
EMBER_ALWAYS_INLINE xsimd::batch<float, XA> lookup(const float* table, const xsimd::batch<float, XA>& index) noexcept {
  return gather(table, xsimd::batch_cast<std::int32_t>(index));
}
#endif

}  // namespace ember::simd
