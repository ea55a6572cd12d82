// Element-wise math with one spelling for floats and xsimd batches, so activation
// policies are written once (templated on the value type) and serve both paths.
#pragma once

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "ember/simd/arch.hpp"

namespace ember::simd {

inline float exp(float x) noexcept { return std::exp(x); }
inline float tanh(float x) noexcept { return std::tanh(x); }
inline float abs(float x) noexcept { return std::fabs(x); }
inline float min(float a, float b) noexcept { return a < b ? a : b; }
inline float max(float a, float b) noexcept { return a > b ? a : b; }
/// Fused where the hardware fuses (x86 FMA3, Cortex-M4F/M7 VFMA: __FP_FAST_FMAF), so the
/// scalar twin rounds exactly like the vector kernels; elsewhere std::fma would be a slow
/// soft-float call, and a multiply-add (two roundings) is used instead.
inline float fma(float a, float b, float c) noexcept {
#if defined(__FP_FAST_FMAF) || defined(FP_FAST_FMAF)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}
inline float copysign(float mag, float sign) noexcept { return std::copysign(mag, sign); }
inline float select(bool c, float a, float b) noexcept { return c ? a : b; }
/// Clamp that propagates NaN (min/max order chosen so a NaN input stays NaN).
inline float clamp(float x, float lo, float hi) noexcept { return x < lo ? lo : (x > hi ? hi : x); }
/// c - a * b, rounded as simd::fma rounds.
inline float fnma(float a, float b, float c) noexcept { return fma(-a, b, c); }

#if EMBER_HAS_XSIMD
template <class T, class A>
inline xsimd::batch<T, A> exp(const xsimd::batch<T, A>& x) noexcept { return xsimd::exp(x); }
template <class T, class A>
inline xsimd::batch<T, A> tanh(const xsimd::batch<T, A>& x) noexcept { return xsimd::tanh(x); }
template <class T, class A>
inline xsimd::batch<T, A> abs(const xsimd::batch<T, A>& x) noexcept { return xsimd::abs(x); }
template <class T, class A>
inline xsimd::batch<T, A> min(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b) noexcept {
  return xsimd::min(a, b);
}
template <class T, class A>
inline xsimd::batch<T, A> max(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b) noexcept {
  return xsimd::max(a, b);
}
/// Fused multiply-add with a single rounding on every arch. xsimd 8.1 has no AVX-512
/// fma kernel (its generic one is x * y + z: two roundings, or one when the compiler
/// contracts), so AVX-512 calls the instruction directly: SIMD and scalar twins agree.
template <class T, class A>
inline xsimd::batch<T, A> fma(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                              const xsimd::batch<T, A>& c) noexcept {
#  if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, float>) {
    return _mm512_fmadd_ps(a, b, c);
  } else if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, double>) {
    return _mm512_fmadd_pd(a, b, c);
  } else
#  endif
  {
    return xsimd::fma(a, b, c);
  }
}
/// c - a * b with a single rounding on every arch (same reason as fma above).
template <class T, class A>
inline xsimd::batch<T, A> fnma(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                               const xsimd::batch<T, A>& c) noexcept {
#  if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, float>) {
    return _mm512_fnmadd_ps(a, b, c);
  } else
#  endif
  {
    return simd::fma(-a, b, c);
  }
}
template <class T, class A>
inline xsimd::batch<T, A> copysign(const xsimd::batch<T, A>& mag, const xsimd::batch<T, A>& sign) noexcept {
  return xsimd::copysign(mag, sign);
}
template <class T, class A>
inline xsimd::batch<T, A> select(const xsimd::batch_bool<T, A>& c, const xsimd::batch<T, A>& a,
                                 const xsimd::batch<T, A>& b) noexcept {
  return xsimd::select(c, a, b);
}
template <class T, class A>
inline xsimd::batch<T, A> clamp(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& lo,
                                const xsimd::batch<T, A>& hi) noexcept {
  return xsimd::select(x < lo, lo, xsimd::select(x > hi, hi, x));
}
#endif

/// The scalar value type behind V (float for float, T for batch<T, A>).
template <class V>
struct scalar_of { using type = V; };
#if EMBER_HAS_XSIMD
template <class T, class A>
struct scalar_of<xsimd::batch<T, A>> { using type = T; };
#endif

/// A constant of the same shape as V (a float, or a broadcast batch).
template <class V>
inline V splat(typename scalar_of<V>::type c) noexcept { return V(c); }

}  // namespace ember::simd
