// Architecture tags for kernel dispatch (xsimd's requires_arch idea): `common` selects
// the scalar twin, the others a vector kernel; `native` is the best one compiled for.
#pragma once

#include <cstddef>

#include "ember/config.hpp"

#if EMBER_HAS_XSIMD
// GCC 12's AVX-512 intrinsic headers read an undefined register on purpose (the
// _mm*_undefined_* idiom) and, once inlined, report it as uninitialized (GCC PR 105593,
// fixed in GCC 13). The pragma covers only those headers' own lines.
#  if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#    pragma GCC diagnostic push
#    pragma GCC diagnostic ignored "-Wuninitialized"
#    pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#    include <immintrin.h>
#    include <xsimd/xsimd.hpp>
#    pragma GCC diagnostic pop
#  else
#    include <xsimd/xsimd.hpp>
#  endif
#endif

namespace ember::simd {

/// Scalar code: the reference twin of every kernel, and the only path without xsimd.
struct common {
  static constexpr const char* name() noexcept { return "scalar"; }
  static constexpr std::size_t float_lanes = 1;
};

#if EMBER_HAS_XSIMD
/// Any xsimd architecture: float kernels are written once against xsimd::batch.
template <class XArch>
struct generic_vector : common {
  using xsimd_arch = XArch;
  static constexpr const char* name() noexcept { return XArch::name(); }
  static constexpr std::size_t float_lanes = xsimd::batch<float, XArch>::size;
};

#  if defined(__AVX2__) && defined(__FMA__)
/// x86 AVX2 + FMA: integer dot products by widening to int16 (vpmaddwd), exact.
struct avx2 : generic_vector<xsimd::fma3<xsimd::avx2>> {
  static constexpr const char* name() noexcept { return "avx2"; }
};
#  endif
#  if EMBER_HAS_AVX512BW
/// x86 AVX-512 (F, BW): float kernels on 16 lanes; integer kernels without VNNI fall back
/// to the AVX2 overloads (derived-to-base overload resolution picks the nearest).
struct avx512 : avx2 {
  using xsimd_arch = xsimd::avx512bw;
  static constexpr const char* name() noexcept { return "avx512"; }
  static constexpr std::size_t float_lanes = 16;
};
#  endif
#  if EMBER_HAS_AVX512_VNNI
/// x86 AVX-512 VNNI: int8 dot products with vpdpbusd (64 MACs per instruction).
struct avx512_vnni : avx512 {
  static constexpr const char* name() noexcept { return "avx512_vnni"; }
};
#  endif

#  if EMBER_HAS_AVX512_VNNI
using native = avx512_vnni;
#  elif EMBER_HAS_AVX512BW
using native = avx512;
#  elif defined(__AVX2__) && defined(__FMA__)
using native = avx2;
#  else
using native = generic_vector<xsimd::default_arch>;
#  endif

/// True for tags that name an xsimd architecture (vector kernels), false for common.
template <class A>
concept vector_arch = requires { typename A::xsimd_arch; };

template <class T, class A>
using batch = xsimd::batch<T, typename A::xsimd_arch>;
#else
using native = common;
template <class A>
concept vector_arch = false;
#endif

/// Float lanes of the native architecture (1 for the scalar build).
inline constexpr std::size_t native_float_lanes = native::float_lanes;

}  // namespace ember::simd
