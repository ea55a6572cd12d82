// Loads, stores and reductions on simd::batch<T, Arch>: the thin forwarding layer the
// kernels use instead of naming xsimd (which only simd/ may include).
#pragma once

#include <cstddef>

#include "ember/simd/arch.hpp"
#include "ember/simd/math.hpp"

#if EMBER_HAS_XSIMD
namespace ember::simd {

template <class T, class A>
inline constexpr std::size_t lanes = batch<T, A>::size;

template <class T, class A>
EMBER_ALWAYS_INLINE batch<T, A> load_aligned(const T* p) noexcept { return batch<T, A>::load_aligned(p); }
template <class T, class A>
EMBER_ALWAYS_INLINE batch<T, A> load(const T* p) noexcept { return batch<T, A>::load_unaligned(p); }
template <class T, class A>
EMBER_ALWAYS_INLINE batch<T, A> broadcast(T v) noexcept { return batch<T, A>(v); }
// Functions taking a batch deduce xsimd's arch (XA): ember's tag cannot be deduced
// through the batch<T, A> alias.
template <class T, class XA>
EMBER_ALWAYS_INLINE void store_aligned(T* p, const xsimd::batch<T, XA>& v) noexcept { v.store_aligned(p); }
template <class T, class XA>
EMBER_ALWAYS_INLINE void store(T* p, const xsimd::batch<T, XA>& v) noexcept { v.store_unaligned(p); }

template <class T, class XA>
inline T reduce_add(const xsimd::batch<T, XA>& v) noexcept { return xsimd::hadd(v); }

template <class T, class XA>
inline T reduce_max(const xsimd::batch<T, XA>& v) noexcept {
  alignas(64) T tmp[xsimd::batch<T, XA>::size];
  v.store_aligned(tmp);
  T m = tmp[0];
  for (std::size_t i = 1; i < xsimd::batch<T, XA>::size; ++i) m = tmp[i] > m ? tmp[i] : m;
  return m;
}

/// Round to nearest, ties to even (the rounding mode every ember quantizer uses).
template <class XA>
EMBER_ALWAYS_INLINE xsimd::batch<float, XA> round_half_even(const xsimd::batch<float, XA>& v) noexcept {
  return xsimd::nearbyint(v);
}

template <class To, class From, class XA>
EMBER_ALWAYS_INLINE xsimd::batch<To, XA> convert(const xsimd::batch<From, XA>& v) noexcept {
  return xsimd::batch_cast<To>(v);
}

}  // namespace ember::simd
#endif
