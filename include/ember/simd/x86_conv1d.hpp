// x86 integer kernels of the 1D convolutions: the NT-step x NP-panel VNNI tile on the dense
// byte layout, and the per-frame activation quantizer for frames in their own scale's range.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ember/core/fixed_point.hpp"
#include "ember/simd/x86_conv.hpp"

#if EMBER_HAS_X86_DOT
namespace ember::simd::x86 {

#  if defined(__AVX512F__) && defined(__AVX512BW__)
/// q_i = saturate(round_half_even(x_i * inv)) for |x_i * inv| <= qmax + 1/2 (the frame's own
/// scale guarantees it), NaN -> 0; returns sum q_i. The same integers as
/// simd::quantize / quantize_symmetric with fewer instructions: the clamp reduces to the
/// narrowing saturation, which only Inf * 0 = NaN (already zeroed) could reach.
template <class T>
inline std::int32_t quantize_in_range(const float* x, std::size_t n, float inv, std::int32_t qmax, T* q) noexcept {
  const __m512 vinv = _mm512_set1_ps(inv);
  __m512i sum = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 v = _mm512_mul_ps(_mm512_loadu_ps(x + i), vinv);
    const __m512i r = _mm512_cvtps_epi32(_mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v));  // nearest even
    sum = _mm512_add_epi32(sum, r);
    if constexpr (sizeof(T) == 1) _mm_storeu_si128(reinterpret_cast<__m128i*>(q + i), _mm512_cvtsepi32_epi8(r));
    else _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + i), _mm512_cvtsepi32_epi16(r));
  }
  std::int32_t total = _mm512_reduce_add_epi32(sum);
  for (std::size_t k = 0; k < n % 16; ++k, ++i) {  // counted tail
    const auto v = quantize_symmetric(x[i] * inv, qmax);
    q[i] = static_cast<T>(v);
    total += v;
  }
  return total;
}
#  endif

#  if EMBER_HAS_AVX512_VNNI
/// 1D convolution tile on the dense byte layout (16-row panels of offset-binary weights,
/// Bits wide, 8 / Bits column quads per 64-byte block): NT output steps x NP panels.
/// Step t, tap k reads the signed frame slice at x + t * step + k * tap_step, whose scale
/// and integer sum sit at the same strides from sx and sum. Per tap, in this order:
/// exact int32 dot, minus offset * sum, to float, y = fma(that, sw[r] * sx, y).
struct conv1d_tile_args {
  const std::uint8_t* w;          // tap 0, block 0 of the first panel
  std::size_t panel_bytes, tap_blocks, taps;
  const std::int8_t* x;
  const float* sx;
  const std::int32_t* sum;
  std::size_t step, tap_step;     // bytes
  const float* sw;                // NP * 16 row scales
  const float* bias;              // NP * 16
  std::int32_t offset;
  float* out;                     // step t, row r at out[t * out_step + r]
  std::size_t out_step;
};

template <unsigned Bits, std::size_t NT, std::size_t NP>
[[gnu::noinline]] void conv1d_tile_u8s8(const conv1d_tile_args& a, const avx512_vnni&) noexcept {
  constexpr std::size_t QPB = 8 / Bits;
  const __m512i mask = _mm512_set1_epi8(static_cast<char>((1u << Bits) - 1));
  const auto at = [](const void* p, std::size_t bytes) { return static_cast<const char*>(p) + bytes; };
  __m512 y[NT][NP];
  EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) y[t][p] = _mm512_loadu_ps(a.bias + 16 * p);
  }
  for (std::size_t k = 0; k < a.taps; ++k) {
    __m512i acc[NT][NP];
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
      EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) acc[t][p] = _mm512_setzero_si512();
    }
    const char* xk = at(a.x, k * a.tap_step);
    const std::uint8_t* wk = a.w + k * a.tap_blocks * 64;
    for (std::size_t b = 0; b < a.tap_blocks; ++b) {
      EMBER_UNROLL for (std::size_t s = 0; s < QPB; ++s) {
        __m512i wv[NP];
        EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
          wv[p] = _mm512_load_si512(reinterpret_cast<const void*>(wk + p * a.panel_bytes + b * 64));
          if constexpr (Bits < 8) wv[p] = _mm512_and_si512(_mm512_srli_epi16(wv[p], unsigned(s * Bits)), mask);
        }
        EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
          const __m512i xb = _mm512_set1_epi32(load_i32(xk + t * a.step + (b * QPB + s) * 4));
          EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) dpbusd(acc[t][p], wv[p], xb);
        }
      }
    }
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
      const std::size_t f = k * a.tap_step + t * a.step;
      const __m512i corr = _mm512_set1_epi32(a.offset * *reinterpret_cast<const std::int32_t*>(at(a.sum, f)));
      const __m512 sx = _mm512_set1_ps(*reinterpret_cast<const float*>(at(a.sx, f)));
      EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) {
        const __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[t][p], corr));
        y[t][p] = _mm512_fmadd_ps(v, _mm512_mul_ps(_mm512_loadu_ps(a.sw + 16 * p), sx), y[t][p]);
      }
    }
  }
  EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
    EMBER_UNROLL for (std::size_t p = 0; p < NP; ++p) _mm512_storeu_ps(a.out + t * a.out_step + 16 * p, y[t][p]);
  }
}
#  endif

}  // namespace ember::simd::x86
#endif
