// Many independent size-K real FFTs at once (the block-circulant workload): runs of K
// floats moved into SIMD lanes (lane i = block i) by register shuffles, and back.
#pragma once

#include <cstddef>
#include <type_traits>

#include "ember/core/fixed_point.hpp"
#include "ember/kernels/fft.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/shuffle.hpp"

namespace ember::kernels::fft {

#if EMBER_HAS_XSIMD
/// v holds L blocks of K consecutive values (v[m] = elements m L .. m L + L - 1); afterwards
/// v[n] holds element n of every block, lane i = block i. log2(K) perfect unshuffles of
/// the whole L K sequence rotate each index's bits by log2(K): (block, n) -> (n, block).
template <std::size_t K, class B>
EMBER_ALWAYS_INLINE void blocks_to_lanes(B (&v)[K]) noexcept {
  for (std::size_t stage = 1; stage < K; stage *= 2) {
    B t[K];
    EMBER_UNROLL for (std::size_t m = 0; m < K / 2; ++m) {
      t[m] = simd::even(v[2 * m], v[2 * m + 1]);
      t[K / 2 + m] = simd::odd(v[2 * m], v[2 * m + 1]);
    }
    EMBER_UNROLL for (std::size_t m = 0; m < K; ++m) v[m] = t[m];
  }
}
/// The inverse of blocks_to_lanes (perfect shuffles).
template <std::size_t K, class B>
EMBER_ALWAYS_INLINE void lanes_to_blocks(B (&v)[K]) noexcept {
  for (std::size_t stage = 1; stage < K; stage *= 2) {
    B t[K];
    EMBER_UNROLL for (std::size_t m = 0; m < K / 2; ++m) {
      t[2 * m] = simd::interleave_lo(v[m], v[K / 2 + m]);
      t[2 * m + 1] = simd::interleave_hi(v[m], v[K / 2 + m]);
    }
    EMBER_UNROLL for (std::size_t m = 0; m < K; ++m) v[m] = t[m];
  }
}
#endif

/// Lanes every batched driver pads its spectrum rows to (the widest float register).
inline constexpr std::size_t max_lanes = 16;

/// Scalar twin: spectra of the ceil(n / K) blocks of x (element i >= n reads as 0), stored
/// component-major: spec[k * stride + j] is component k of block j.
template <std::size_t K, class T>
void forward_blocks(const T* x, std::size_t n, float* spec, std::size_t stride, simd::common) noexcept {
  float t[K], s[K];
  for (std::size_t j = 0; j * K < n; ++j) {
    for (std::size_t i = 0; i < K; ++i) t[i] = j * K + i < n ? float(x[j * K + i]) : 0.0f;
    forward<K>(t, s);
    for (std::size_t k = 0; k < K; ++k) spec[k * stride + j] = s[k];
  }
}

/// Scalar twin: y[j K + i] = K * (inverse of block j's spectrum)[i], for j K + i < n.
template <std::size_t K>
void inverse_blocks(const float* spec, std::size_t stride, std::size_t n, float* y, simd::common) noexcept {
  float s[K], t[K];
  for (std::size_t j = 0; j * K < n; ++j) {
    for (std::size_t k = 0; k < K; ++k) s[k] = spec[k * stride + j];
    inverse<K>(s, t);
    for (std::size_t i = 0; i < K && j * K + i < n; ++i) y[j * K + i] = t[i];
  }
}

#if EMBER_HAS_XSIMD
template <class A, class T>
EMBER_ALWAYS_INLINE simd::batch<float, A> load_float(const T* p) noexcept {
  if constexpr (std::is_same_v<T, float>) return simd::load<float, A>(p);
  else return simd::load_as_float<A>(p);
}

/// The L blocks of K values at x (block t at x + t K) as lanes: v[e], lane t = x[t K + e].
/// K <= L: one sequence transpose of K registers. K > L: K / L square L x L transposes,
/// fewer shuffles (K log2 L) and 2 L live registers instead of 2 K.
template <std::size_t K, class A, class T, class B = simd::batch<float, A>>
EMBER_ALWAYS_INLINE void gather_lanes(const T* x, B (&v)[K]) noexcept {
  constexpr std::size_t L = B::size;
  if constexpr (K <= L) {
    EMBER_UNROLL for (std::size_t m = 0; m < K; ++m) v[m] = load_float<A>(x + m * L);
    blocks_to_lanes<K>(v);
  } else {
    for (std::size_t c = 0; c < K / L; ++c) {
      B w[L];
      EMBER_UNROLL for (std::size_t t = 0; t < L; ++t) w[t] = load_float<A>(x + t * K + c * L);
      blocks_to_lanes<L>(w);
      EMBER_UNROLL for (std::size_t e = 0; e < L; ++e) v[c * L + e] = w[e];
    }
  }
}

/// The inverse of gather_lanes: writes the L blocks of K values to out[0, L K).
template <std::size_t K, class A, class B>
EMBER_ALWAYS_INLINE void scatter_lanes(B (&v)[K], float* out) noexcept {
  constexpr std::size_t L = B::size;
  if constexpr (K <= L) {
    lanes_to_blocks<K>(v);
    EMBER_UNROLL for (std::size_t m = 0; m < K; ++m) simd::store(out + m * L, v[m]);
  } else {
    for (std::size_t c = 0; c < K / L; ++c) {
      B w[L];
      EMBER_UNROLL for (std::size_t e = 0; e < L; ++e) w[e] = v[c * L + e];
      lanes_to_blocks<L>(w);
      EMBER_UNROLL for (std::size_t t = 0; t < L; ++t) simd::store(out + t * K + c * L, w[t]);
    }
  }
}

/// L blocks starting at x, as lanes (element i >= n, counted from x, reads as 0).
template <std::size_t K, class A, class T, class B = simd::batch<float, A>>
EMBER_ALWAYS_INLINE void load_lanes(const T* x, std::size_t n, B (&v)[K]) noexcept {
  constexpr std::size_t L = B::size;
  if (n >= L * K) {
    gather_lanes<K, A>(x, v);
  } else {  // the last group reaches past n: stage it with zeros
    alignas(64) float t[L * K];
    std::size_t i = 0;
    for (; i < n; ++i) t[i] = float(x[i]);
    for (; i < L * K; ++i) t[i] = 0.0f;
    gather_lanes<K, A>(static_cast<const float*>(t), v);
  }
}

namespace detail {
template <std::size_t K, class T, class A>
void forward_blocks(const T* x, std::size_t n, float* spec, std::size_t stride) noexcept {
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size;
  const std::size_t groups = ceil_div(ceil_div(n, K), L);
  for (std::size_t g = 0; g < groups; ++g) {
    B v[K], s[K];
    load_lanes<K, A>(x + g * L * K, n - g * L * K, v);
    fft::forward<K>(v, s);
    EMBER_UNROLL for (std::size_t k = 0; k < K; ++k) simd::store(spec + k * stride + g * L, s[k]);
  }
}

template <std::size_t K, class A>
void inverse_blocks(const float* spec, std::size_t stride, std::size_t n, float* y) noexcept {
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size;
  const std::size_t groups = ceil_div(ceil_div(n, K), L);
  for (std::size_t g = 0; g < groups; ++g) {
    B s[K], v[K];
    EMBER_UNROLL for (std::size_t k = 0; k < K; ++k) s[k] = simd::load<float, A>(spec + k * stride + g * L);
    fft::inverse<K>(s, v);
    float* out = y + g * L * K;
    const std::size_t left = n - g * L * K;
    if (left >= L * K) {
      scatter_lanes<K, A>(v, out);
    } else {
      alignas(64) float t[L * K];
      scatter_lanes<K, A>(v, t);
      for (std::size_t i = 0; i < left; ++i) out[i] = t[i];
    }
  }
}
}  // namespace detail

/// Vector driver, lane i = block i of each group of L blocks. `stride` must leave room for
/// round_up(ceil(n / K), max_lanes) entries per component: the padding receives zeros.
/// Tags of one xsimd arch (avx512, avx512_vnni) share one instantiation.
template <std::size_t K, class T, simd::vector_arch A>
void forward_blocks(const T* x, std::size_t n, float* spec, std::size_t stride, A) noexcept {
  detail::forward_blocks<K, T, simd::generic_vector<typename A::xsimd_arch>>(x, n, spec, stride);
}
/// Vector driver of inverse_blocks (same layout as its scalar twin).
template <std::size_t K, simd::vector_arch A>
void inverse_blocks(const float* spec, std::size_t stride, std::size_t n, float* y, A) noexcept {
  detail::inverse_blocks<K, simd::generic_vector<typename A::xsimd_arch>>(spec, stride, n, y);
}
#endif

}  // namespace ember::kernels::fft
