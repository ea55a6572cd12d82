// x86 integer micro-kernels of the 2D convolutions: register tiles of NC output channels x
// NV x 16 output pixels over staged 32-bit pixels (4 u8 channels, or 2 s16 channels).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ember/simd/x86_dot.hpp"

#if EMBER_HAS_X86_DOT
namespace ember::simd::x86 {

// A staged pixel is 32 bits: byte path, channels 4u .. 4u+3 as offset-binary bytes q + 128
// (vpdpbusd's unsigned operand; padding is 0x80, i.e. zero); wide path, channels 2u, 2u+1
// as int16. A weight word holds the same channels' signed weights, in the same order.

/// dst[j] = 4 offset-binary bytes (r0[j], r1[j], r2[j], r3[j]) + 128.
inline void interleave4_s8(const std::int8_t* r0, const std::int8_t* r1, const std::int8_t* r2,
                           const std::int8_t* r3, std::size_t n, std::uint32_t* dst) noexcept {
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  const auto ld = [&](const std::int8_t* p) {
    return _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), flip);
  };
  std::size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m128i a = ld(r0 + j), b = ld(r1 + j), c = ld(r2 + j), d = ld(r3 + j);
    const __m128i ab0 = _mm_unpacklo_epi8(a, b), ab1 = _mm_unpackhi_epi8(a, b);
    const __m128i cd0 = _mm_unpacklo_epi8(c, d), cd1 = _mm_unpackhi_epi8(c, d);
    auto* o = reinterpret_cast<__m128i*>(dst + j);
    _mm_storeu_si128(o + 0, _mm_unpacklo_epi16(ab0, cd0));
    _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(ab0, cd0));
    _mm_storeu_si128(o + 2, _mm_unpacklo_epi16(ab1, cd1));
    _mm_storeu_si128(o + 3, _mm_unpackhi_epi16(ab1, cd1));
  }
  for (std::size_t k = 0; k < (n & 15); ++k, ++j)  // tail (< 16), counted so GCC sees the bound
    dst[j] = std::uint32_t(std::uint8_t(r0[j] ^ 0x80)) | std::uint32_t(std::uint8_t(r1[j] ^ 0x80)) << 8 |
             std::uint32_t(std::uint8_t(r2[j] ^ 0x80)) << 16 | std::uint32_t(std::uint8_t(r3[j] ^ 0x80)) << 24;
}

/// dst[j] = bytes row[j .. j + 3] (sliding window); row must be readable up to n + 32.
inline void sliding_quads(const std::uint8_t* row, std::size_t n, std::uint32_t* dst) noexcept {
  const __m128i idx = _mm_setr_epi8(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6);
  std::size_t j = 0;
#  if defined(__AVX512VBMI__)
  // 16 words from bytes j .. j + 18 with one byte permute (row readable up to n + 18 here).
  alignas(64) static constexpr std::uint8_t perm[64] = {
      0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, 4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10,
      8, 9, 10, 11, 9, 10, 11, 12, 10, 11, 12, 13, 11, 12, 13, 14, 12, 13, 14, 15, 13, 14, 15, 16, 14, 15, 16, 17, 15, 16, 17, 18};
  const __m512i p = _mm512_load_si512(perm);
  for (; j + 16 <= n; j += 16)
    _mm512_storeu_si512(dst + j, _mm512_permutexvar_epi8(p, _mm512_castsi256_si512(_mm256_loadu_si256(
                                                               reinterpret_cast<const __m256i*>(row + j)))));
#  endif
  for (; j + 4 <= n; j += 4)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + j),
                     _mm_shuffle_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + j)), idx));
  for (std::size_t k = 0; k < (n & 3); ++k, ++j) dst[j] = load_i32(row + j);
}

/// dst[j] = (r0[j], r1[j]) as two int16.
inline void interleave2_s16(const std::int16_t* r0, const std::int16_t* r1, std::size_t n,
                            std::uint32_t* dst) noexcept {
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r0 + j));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r1 + j));
    auto* o = reinterpret_cast<__m128i*>(dst + j);
    _mm_storeu_si128(o, _mm_unpacklo_epi16(a, b));
    _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(a, b));
  }
  for (std::size_t k = 0; k < (n & 7); ++k, ++j)
    dst[j] = std::uint32_t(std::uint16_t(r0[j])) | std::uint32_t(std::uint16_t(r1[j])) << 16;
}

template <std::size_t Run, std::size_t Pitch>
constexpr std::size_t vec_offset(std::size_t v) noexcept { return (v / Run) * Pitch + (v % Run) * 16; }

#  if EMBER_HAS_AVX512_VNNI
/// acc += dot4(u, s) per 32-bit lane (vpdpbusd). Written as inline asm: with the intrinsic,
/// GCC 12 keeps a tile's accumulators in memory at -O3 (the tied destination defeats its
/// register allocator), which halves the int8 throughput.
EMBER_ALWAYS_INLINE void dpbusd(__m512i& acc, __m512i u, __m512i s) noexcept {
#    if defined(__GNUC__)
  __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(s));
#    else
  acc = _mm512_dpbusd_epi32(acc, u, s);
#    endif
}
#  endif

// The tiles are not inlined: inside a caller's loops GCC 12 spills their accumulators.


/// Tile arguments: w = (unit, tap, NC) weight words of one block; x = staged pixels of the
/// group's first unit at the tile's first vector (vector v is (v / Run) * Pitch +
/// (v % Run) * 16 pixels further); off = tap offsets (pixels); corr =
/// per-channel value subtracted from the raw sum (byte path: 128 * sum of the channel's
/// weights). Result: out[c * NV * 16 + p] = float(exact dot product of channel c, pixel p).
struct conv_tile_args {
  const std::int32_t* w;
  const std::uint32_t* x;
  const std::uint32_t* off;
  std::size_t taps, units, unit_stride;
  const std::int32_t* corr;
  float* out;
  // Fused epilogue (conv_tile_u8s8 with OutPitch > 0): channel c, vector v is written to
  // y + c * y_stride + (v / Run) * OutPitch + (v % Run) * 16 as
  // clamp(fma(float(sum - corr[c]), scale[c], bias[c])).
  const float* scale = nullptr;
  const float* bias = nullptr;
  float* y = nullptr;
  std::size_t y_stride = 0;
  // Fused only: `tiles` consecutive tiles, x_step staged pixels and y_step outputs apart.
  std::size_t tiles = 1, x_step = 0, y_step = 0;
};

/// Clamps of the fused epilogue, matching ember::activation none / relu / relu6 exactly
/// (max(v, 0) returns 0 for NaN, as simd::max(v, 0) does).
enum class tile_clamp { none, relu, relu6 };

#  if EMBER_HAS_AVX512_VNNI
template <std::size_t NC, std::size_t NV, std::size_t Run, std::size_t Pitch, std::size_t OutPitch = 0,
          tile_clamp Clamp = tile_clamp::none>
[[gnu::noinline]] void conv_tile_u8s8(const conv_tile_args& a, const avx512_vnni&) noexcept {
  for (std::size_t tile = 0; tile < a.tiles; ++tile) {
    __m512i acc[NC][NV];
    EMBER_UNROLL for (std::size_t c = 0; c < NC; ++c) {
      EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) acc[c][v] = _mm512_setzero_si512();
    }
    const std::int32_t* w = a.w;
    const std::uint32_t* x = a.x + tile * a.x_step;
    for (std::size_t u = 0; u < a.units; ++u, x += a.unit_stride) {
      for (std::size_t t = 0; t < a.taps; ++t, w += NC) {
        const std::uint32_t* xt = x + a.off[t];
        if constexpr (NC <= NV) {
          __m512i wb[NC];
          EMBER_UNROLL for (std::size_t c = 0; c < NC; ++c) wb[c] = _mm512_set1_epi32(w[c]);
          EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
            const __m512i xv = _mm512_loadu_si512(reinterpret_cast<const void*>(xt + vec_offset<Run, Pitch>(v)));
            EMBER_UNROLL for (std::size_t c = 0; c < NC; ++c) dpbusd(acc[c][v], xv, wb[c]);
          }
        } else {
          __m512i xv[NV];
          EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v)
            xv[v] = _mm512_loadu_si512(reinterpret_cast<const void*>(xt + vec_offset<Run, Pitch>(v)));
          EMBER_UNROLL for (std::size_t c = 0; c < NC; ++c) {
            const __m512i wb = _mm512_set1_epi32(w[c]);
            EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) dpbusd(acc[c][v], xv[v], wb);
          }
        }
      }
    }
    // The stores may alias a's fields as far as the compiler knows: read them once.
    const std::int32_t* const corr_p = a.corr;
    const float *const scale_p = a.scale, *const bias_p = a.bias;
    float* const out_p = a.out;
    float* const y_p = a.y + tile * a.y_step;
    const std::size_t y_stride = a.y_stride;
    EMBER_UNROLL for (std::size_t c = 0; c < NC; ++c) {
      const __m512i corr = _mm512_set1_epi32(corr_p[c]);
      EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
        const __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[c][v], corr));
        if constexpr (OutPitch == 0) {
          _mm512_storeu_ps(out_p + (c * NV + v) * 16, f);
        } else {
          __m512 r = _mm512_fmadd_ps(f, _mm512_set1_ps(scale_p[c]), _mm512_set1_ps(bias_p[c]));
          if constexpr (Clamp != tile_clamp::none) r = _mm512_max_ps(r, _mm512_setzero_ps());
          if constexpr (Clamp == tile_clamp::relu6) r = _mm512_min_ps(r, _mm512_set1_ps(6.0f));
          _mm512_storeu_ps(y_p + c * y_stride + (v / Run) * OutPitch + (v % Run) * 16, r);
        }
      }
    }
  }
}
#  endif

/// AVX2 twin: 8 pixels x 4 bytes per register, widened to int16 and reduced with vpmaddwd
/// into (pixel, channel pair) sums, added pairwise at the end; exact for any u8 x s8.
template <std::size_t NC, std::size_t NV, std::size_t Run, std::size_t Pitch>
[[gnu::noinline]] void conv_tile_u8s8(const conv_tile_args& a, const avx2&) noexcept {
  constexpr std::size_t CB = NC < 2 ? NC : 2;  // channels per pass
  EMBER_UNROLL for (std::size_t c0 = 0; c0 < NC; c0 += CB) {
    for (std::size_t v = 0; v < NV; ++v) {
      __m256i acc[CB][2][2];  // channel, 8-pixel half, pixels 0-3 / 4-7 of the half
      EMBER_UNROLL for (std::size_t c = 0; c < CB; ++c)
        for (auto& h : acc[c]) h[0] = h[1] = _mm256_setzero_si256();
      const std::int32_t* w = a.w;
      const std::uint32_t* x = a.x + vec_offset<Run, Pitch>(v);
      for (std::size_t u = 0; u < a.units; ++u, x += a.unit_stride) {
        for (std::size_t t = 0; t < a.taps; ++t, w += NC) {
          __m256i wv[CB];
          EMBER_UNROLL for (std::size_t c = 0; c < CB; ++c)
            wv[c] = _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(c0 + c < NC ? w[c0 + c] : 0)));
          EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) {
            const __m256i px = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + a.off[t] + 8 * h));
            const __m256i lo = _mm256_cvtepu8_epi16(_mm256_castsi256_si128(px));
            const __m256i hi = _mm256_cvtepu8_epi16(_mm256_extracti128_si256(px, 1));
            EMBER_UNROLL for (std::size_t c = 0; c < CB; ++c) {
              acc[c][h][0] = _mm256_add_epi32(acc[c][h][0], _mm256_madd_epi16(lo, wv[c]));
              acc[c][h][1] = _mm256_add_epi32(acc[c][h][1], _mm256_madd_epi16(hi, wv[c]));
            }
          }
        }
      }
      EMBER_UNROLL for (std::size_t c = 0; c < CB; ++c) {
        if (c0 + c >= NC) break;
        const __m256i corr = _mm256_set1_epi32(a.corr[c0 + c]);
        EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) {
          const __m256i s = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[c][h][0], acc[c][h][1]), 0xD8);
          _mm256_storeu_ps(a.out + ((c0 + c) * NV + v) * 16 + 8 * h, _mm256_cvtepi32_ps(_mm256_sub_epi32(s, corr)));
        }
      }
    }
  }
}

/// Wide path, AVX2: vpmaddwd pair sums (|.| < 2^31) widened into int64 accumulators.
template <std::size_t NC, std::size_t NV, std::size_t Run, std::size_t Pitch>
[[gnu::noinline]] void conv_tile_s16(const conv_tile_args& a, const avx2&) noexcept {
  for (std::size_t c = 0; c < NC; ++c) {
    for (std::size_t v = 0; v < NV; ++v) {
      __m256i acc[4];  // int64: pixels 0-3, 4-7, 8-11, 12-15
      for (auto& r : acc) r = _mm256_setzero_si256();
      const std::int32_t* w = a.w + c;
      const std::uint32_t* x = a.x + vec_offset<Run, Pitch>(v);
      for (std::size_t u = 0; u < a.units; ++u, x += a.unit_stride) {
        for (std::size_t t = 0; t < a.taps; ++t, w += NC) {
          const __m256i wb = _mm256_set1_epi32(*w);
          EMBER_UNROLL for (std::size_t h = 0; h < 2; ++h) {
            const __m256i m = _mm256_madd_epi16(
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + a.off[t] + 8 * h)), wb);
            acc[2 * h] = _mm256_add_epi64(acc[2 * h], _mm256_cvtepi32_epi64(_mm256_castsi256_si128(m)));
            acc[2 * h + 1] = _mm256_add_epi64(acc[2 * h + 1], _mm256_cvtepi32_epi64(_mm256_extracti128_si256(m, 1)));
          }
        }
      }
      alignas(32) std::int64_t s[16];
      for (std::size_t i = 0; i < 4; ++i) _mm256_store_si256(reinterpret_cast<__m256i*>(s + 4 * i), acc[i]);
      for (std::size_t p = 0; p < 16; ++p) a.out[(c * NV + v) * 16 + p] = static_cast<float>(s[p]);  // as the twin
    }
  }
}

#  if EMBER_HAS_AVX512BW && defined(__AVX512DQ__)
template <std::size_t NC, std::size_t NV, std::size_t Run, std::size_t Pitch>
[[gnu::noinline]] void conv_tile_s16(const conv_tile_args& a, const avx512&) noexcept {
  __m512i lo[NC][NV], hi[NC][NV];  // int64 sums of pixels 0-7 and 8-15
  EMBER_UNROLL for (std::size_t c = 0; c < NC; ++c) {
    EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) lo[c][v] = hi[c][v] = _mm512_setzero_si512();
  }
  const std::int32_t* w = a.w;
  const std::uint32_t* x = a.x;
  for (std::size_t u = 0; u < a.units; ++u, x += a.unit_stride) {
    for (std::size_t t = 0; t < a.taps; ++t, w += NC) {
      const std::uint32_t* xt = x + a.off[t];
      EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
        const __m512i xv = _mm512_loadu_si512(reinterpret_cast<const void*>(xt + vec_offset<Run, Pitch>(v)));
        EMBER_UNROLL for (std::size_t c = 0; c < NC; ++c) {
          const __m512i m = _mm512_madd_epi16(xv, _mm512_set1_epi32(w[c]));
          lo[c][v] = _mm512_add_epi64(lo[c][v], _mm512_cvtepi32_epi64(_mm512_castsi512_si256(m)));
          hi[c][v] = _mm512_add_epi64(hi[c][v], _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(m, 1)));
        }
      }
    }
  }
  EMBER_UNROLL for (std::size_t c = 0; c < NC; ++c) {
    EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
      float* o = a.out + (c * NV + v) * 16;
      _mm256_storeu_ps(o, _mm512_cvtepi64_ps(lo[c][v]));  // one rounding, as static_cast<float>
      _mm256_storeu_ps(o + 8, _mm512_cvtepi64_ps(hi[c][v]));
    }
  }
}
#  endif


}  // namespace ember::simd::x86
#endif
