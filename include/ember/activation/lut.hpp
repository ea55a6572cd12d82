// act::lut<N>: sigmoid and tanh from one constexpr table of N entries (uniform cells on
// [0, L), odd symmetry, no interpolation); a vector gather per batch on SIMD paths.
#pragma once

#include <array>
#include <cstddef>

#include "ember/activation/constexpr_math.hpp"
#include "ember/config.hpp"
#include "ember/core/concepts.hpp"
#include "ember/simd/gather.hpp"
#include "ember/simd/math.hpp"

namespace ember::act {

namespace detail {

/// 1 - tanh(y) without cancellation: 2 e^-2y / (1 + e^-2y).
constexpr double tanh_complement(double y) noexcept {
  const double q = cmath::exp(-2.0 * y);
  return 2.0 * q / (1.0 + q);
}

/// Cell width h of an N-cell table on [0, N h). Cell i = [i h, (i+1) h) holds the
/// midrange of tanh over the cell, so its error is half the rise of tanh across it; the
/// largest is cell 0's, tanh(h) / 2 (tanh is concave). The last cell also covers
/// [N h, inf), where its error is (1 - tanh((N-1) h)) / 2. A larger h shrinks that tail
/// error and grows the grid error: the minimax h equalises them (bisection, increasing).
template <std::size_t N>
constexpr double lut_cell_width() noexcept {
  double lo = 0.0, hi = 1.0;  // at h = 1: tanh(1) > 1 - tanh(N - 1) for every N >= 2
  for (int i = 0; i < 80; ++i) {
    const double h = 0.5 * (lo + hi);
    (cmath::tanh(h) < tanh_complement(double(N - 1) * h) ? lo : hi) = h;
  }
  return hi;
}

}  // namespace detail

/// Table-lookup sigmoid and tanh with N entries (N >= 2). Lookup is nearest-entry within
/// cells: |x| picks cell floor(|x| / h) (clamped to the last), whose entry is returned
/// unchanged: a plain LUT, no interpolation, so the output is a staircase. Cost: abs,
/// mul, min, convert, one gather (vgatherdps) and copysign per value; 4 N bytes of table.
template <std::size_t N>
struct lut : act_tag {
  static_assert(N >= 2, "ember::act::lut<N>: the table needs at least 2 entries");
  static_assert(N <= (std::size_t{1} << 20),
                "ember::act::lut<N>: at most 2^20 entries (the index is computed in float)");

  static constexpr const char* name = "lut";
  static constexpr std::size_t entries = N;
  /// Cell width of the tanh table and the range L = N h it covers.
  static constexpr double step = detail::lut_cell_width<N>();
  static constexpr double range = double(N) * step;
  /// Max |lut - tanh| over the real line: the larger of the first cell's and the tail's.
  static constexpr double max_error_tanh = [] {
    const double grid = cmath::tanh(step) / 2, tail = detail::tanh_complement(double(N - 1) * step) / 2;
    return grid > tail ? grid : tail;
  }();
  /// sigmoid(x) = 1/2 + tanh(x/2)/2 reads the same table at x/2: half the error.
  static constexpr double max_error_sigmoid = max_error_tanh / 2;

  /// Entry i: midrange of tanh over cell i (the last cell extends to infinity, where tanh -> 1).
  alignas(64) static constexpr std::array<float, N> table = [] {
    std::array<float, N> t{};
    double lo = 0.0;
    for (std::size_t i = 0; i < N; ++i) {
      const double hi = i + 1 < N ? cmath::tanh(double(i + 1) * step) : 1.0;
      t[i] = float(0.5 * (lo + hi));
      lo = hi;
    }
    return t;
  }();

  template <class V>
  static EMBER_ALWAYS_INLINE V tanh(V x) noexcept {
    return simd::copysign(entry(x, float(1.0 / step)), x);
  }
  /// 1/2 + entry/2 as one fma (the halving is exact), so no contraction can differ.
  template <class V>
  static EMBER_ALWAYS_INLINE V sigmoid(V x) noexcept {
    return simd::fma(simd::copysign(entry(x, float(0.5 / step)), x), simd::splat<V>(0.5f), simd::splat<V>(0.5f));
  }

 private:
  // min's constant second operand also catches NaN (x86 min returns it, as the scalar
  // twin does), so the index is always in range: NaN maps to the last entry.
  template <class V>
  static EMBER_ALWAYS_INLINE V entry(V x, float inv_step) noexcept {
    const V cell = simd::min(simd::abs(x) * simd::splat<V>(inv_step), simd::splat<V>(float(N - 1)));
    return simd::lookup(table.data(), cell);
  }
};

}  // namespace ember::act
