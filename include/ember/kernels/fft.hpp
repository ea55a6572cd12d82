// Real FFT of compile-time size K (power of two, 1..64) with constexpr twiddles, written
// once over a value type: double at load, float (scalar twin), or a SIMD batch whose lanes
// are independent transforms (kernels/fft_batch.hpp moves blocks into lanes and back).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "ember/core/fixed_point.hpp"
#include "ember/simd/math.hpp"

namespace ember::kernels::fft {

// Spectra are "packed" (half-complex) arrays of K reals, X_k = sum_n x_n e^{-2 pi i k n / K}:
//   K = 1: [X0];   K >= 2: [X0, X_{K/2}, Re X1, Im X1, ..., Re X_{K/2-1}, Im X_{K/2-1}].
// X0 and X_{K/2} are real for real input, so K reals hold the whole spectrum, the pair
// (X0, X_{K/2}) multiplies component-wise and every other pair as one complex number.
// inverse() is unnormalized: inverse(forward(x)) = K x.

template <std::size_t K>
inline constexpr bool valid_size = std::has_single_bit(K) && K <= 64;

namespace detail {

inline constexpr double two_pi = 6.283185307179586476925286766559;

// Taylor series for |x| <= pi/4, to double rounding (std::sin is not constexpr in C++20).
constexpr double sin_small(double x) noexcept {
  double term = x, sum = x;
  for (int i = 1; i < 16; ++i) sum += (term *= -x * x / double((2 * i) * (2 * i + 1)));
  return sum;
}
constexpr double cos_small(double x) noexcept {
  double term = 1, sum = 1;
  for (int i = 1; i < 16; ++i) sum += (term *= -x * x / double((2 * i - 1) * (2 * i)));
  return sum;
}
// cos and sin of 2 pi m / n for 0 <= m <= n / 4; the angle is reduced to [0, pi/4] with
// integer arithmetic so no rounding of pi/2 - a enters.
constexpr std::pair<double, double> cos_sin(std::size_t m, std::size_t n) noexcept {
  if (8 * m <= n) {
    const double a = two_pi * double(m) / double(n);
    return {cos_small(a), sin_small(a)};
  }
  const double a = two_pi * double(n / 4 - m) / double(n);
  return {sin_small(a), cos_small(a)};
}

/// cos/sin(2 pi k / N) for k = 0 .. N/4 (the twiddles one radix-2 real stage of size N needs).
template <std::size_t N>
struct twiddles {
  static constexpr std::size_t count = N / 4 + 1;
  static constexpr std::array<double, count> make(bool sine) noexcept {
    std::array<double, count> t{};
    for (std::size_t k = 0; k < count; ++k) t[k] = sine ? cos_sin(k, N).second : cos_sin(k, N).first;
    return t;
  }
  static constexpr std::array<double, count> cos = make(false), sin = make(true);
};

// The arithmetic the transforms use, for double (plain, constexpr), float and batches
// (fused, one rounding, so every arch computes the same numbers as the scalar twin).
template <class V>
EMBER_ALWAYS_INLINE constexpr V madd(V a, V b, V c) noexcept {  // a b + c
  if constexpr (std::is_same_v<V, double>) return a * b + c;
  else return simd::fma(a, b, c);
}
template <class V>
EMBER_ALWAYS_INLINE constexpr V nmadd(V a, V b, V c) noexcept {  // c - a b
  if constexpr (std::is_same_v<V, double>) return c - a * b;
  else return simd::fnma(a, b, c);
}
template <class V>
EMBER_ALWAYS_INLINE constexpr V constant(double d) noexcept {
  if constexpr (std::is_same_v<V, double>) return d;
  else return V(static_cast<float>(d));
}

// Stages up to size 16 are forced inline so a whole transform of K <= 16 lives in
// registers; from 32 on (more values than registers anyway) each stage size is one
// function, which keeps compile times sane (a fully inlined K = 64 transform costs an
// instrumented build ~15 s per instantiation).
inline constexpr std::size_t inline_limit = 16;

template <std::size_t N, class F, std::size_t... I>
EMBER_ALWAYS_INLINE constexpr void for_twiddles(F&& f, std::index_sequence<I...>) noexcept {
  (f(I + 1), ...);
}
// f(k) for k = 1 .. N/4 - 1: unrolled up to inline_limit (values stay in registers),
// a loop above it (one copy of the butterfly per stage size).
template <std::size_t N, class F>
EMBER_ALWAYS_INLINE constexpr void for_twiddles(F&& f) noexcept {
  if constexpr (N >= 8 && N <= inline_limit) {
    for_twiddles<N>(f, std::make_index_sequence<N / 4 - 1>{});
  } else if constexpr (N > inline_limit) {
    for (std::size_t k = 1; k < N / 4; ++k) f(k);
  }
}

template <std::size_t N, std::size_t S, class V>
  requires(N <= inline_limit)
EMBER_ALWAYS_INLINE constexpr void forward(const V* x, V* out) noexcept;
template <std::size_t N, std::size_t S, class V>
  requires(N > inline_limit)
constexpr void forward(const V* x, V* out) noexcept;
template <std::size_t N, std::size_t S, class V>
  requires(N <= inline_limit)
EMBER_ALWAYS_INLINE constexpr void inverse(const V* in, V* x) noexcept;
template <std::size_t N, std::size_t S, class V>
  requires(N > inline_limit)
constexpr void inverse(const V* in, V* x) noexcept;

// Radix-2 decimation in time on real data: the packed spectra E, O of the even and odd
// samples (size N/2) combine as X_k = E_k + w^k O_k, X_{N/2-k} = conj(E_k - w^k O_k).
template <std::size_t N, std::size_t S, class V>
EMBER_ALWAYS_INLINE constexpr void forward_stage(const V* x, V* out) noexcept {
  if constexpr (N == 1) {
    out[0] = x[0];
  } else if constexpr (N == 2) {
    out[0] = x[0] + x[S];
    out[1] = x[0] - x[S];
  } else {
    V e[N / 2], o[N / 2];
    forward<N / 2, 2 * S>(x, e);
    forward<N / 2, 2 * S>(x + S, o);
    out[0] = e[0] + o[0];
    out[1] = e[0] - o[0];
    out[N / 2] = e[1];       // X_{N/4} = E_{N/4} - i O_{N/4}, both real
    out[N / 2 + 1] = -o[1];
    for_twiddles<N>([&](std::size_t k) {
      const V c = constant<V>(twiddles<N>::cos[k]), s = constant<V>(twiddles<N>::sin[k]);
      const V tr = madd(c, o[2 * k], s * o[2 * k + 1]);   // (c - i s)(or + i oi)
      const V ti = nmadd(s, o[2 * k], c * o[2 * k + 1]);
      out[2 * k] = e[2 * k] + tr;
      out[2 * k + 1] = e[2 * k + 1] + ti;
      out[N - 2 * k] = e[2 * k] - tr;
      out[N - 2 * k + 1] = ti - e[2 * k + 1];
    });
  }
}

// The exact inverse of forward() up to a factor N (each stage skips the 1/2).
template <std::size_t N, std::size_t S, class V>
EMBER_ALWAYS_INLINE constexpr void inverse_stage(const V* in, V* x) noexcept {
  if constexpr (N == 1) {
    x[0] = in[0];
  } else if constexpr (N == 2) {
    x[0] = in[0] + in[1];
    x[S] = in[0] - in[1];
  } else {
    V e[N / 2], o[N / 2];
    e[0] = in[0] + in[1];
    o[0] = in[0] - in[1];
    e[1] = in[N / 2] + in[N / 2];
    o[1] = -(in[N / 2 + 1] + in[N / 2 + 1]);
    for_twiddles<N>([&](std::size_t k) {
      const V c = constant<V>(twiddles<N>::cos[k]), s = constant<V>(twiddles<N>::sin[k]);
      const V ar = in[2 * k], ai = in[2 * k + 1], br = in[N - 2 * k], bi = in[N - 2 * k + 1];
      e[2 * k] = ar + br;
      e[2 * k + 1] = ai - bi;
      const V dr = ar - br, di = ai + bi;                 // (c + i s)(dr + i di)
      o[2 * k] = nmadd(s, di, c * dr);
      o[2 * k + 1] = madd(s, dr, c * di);
    });
    inverse<N / 2, 2 * S>(e, x);
    inverse<N / 2, 2 * S>(o, x + S);
  }
}

template <std::size_t N, std::size_t S, class V>
  requires(N <= inline_limit)
EMBER_ALWAYS_INLINE constexpr void forward(const V* x, V* out) noexcept {
  forward_stage<N, S>(x, out);
}
template <std::size_t N, std::size_t S, class V>
  requires(N > inline_limit)
constexpr void forward(const V* x, V* out) noexcept {
  forward_stage<N, S>(x, out);
}
template <std::size_t N, std::size_t S, class V>
  requires(N <= inline_limit)
EMBER_ALWAYS_INLINE constexpr void inverse(const V* in, V* x) noexcept {
  inverse_stage<N, S>(in, x);
}
template <std::size_t N, std::size_t S, class V>
  requires(N > inline_limit)
constexpr void inverse(const V* in, V* x) noexcept {
  inverse_stage<N, S>(in, x);
}

}  // namespace detail

/// Packed spectrum of x[0..K) (see the layout above). V: double, float or a batch.
template <std::size_t K, class V>
EMBER_ALWAYS_INLINE constexpr void forward(const V* x, V* spectrum) noexcept {
  static_assert(valid_size<K>, "ember::kernels::fft: K must be a power of two from 1 to 64");
  detail::forward<K, 1>(x, spectrum);
}
/// K times the signal whose packed spectrum is given (unnormalized inverse).
template <std::size_t K, class V>
EMBER_ALWAYS_INLINE constexpr void inverse(const V* spectrum, V* x) noexcept {
  static_assert(valid_size<K>, "ember::kernels::fft: K must be a power of two from 1 to 64");
  detail::inverse<K, 1>(spectrum, x);
}

}  // namespace ember::kernels::fft
