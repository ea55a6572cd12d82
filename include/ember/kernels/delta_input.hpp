// The input side of a delta projection: x-hat (last propagated values), the threshold, this
// step's non-zero deltas compacted as (column, value) lists, and propagation counts.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "ember/core/fixed_point.hpp"
#include "ember/core/quant.hpp"
#include "ember/core/tensor.hpp"
#include "ember/kernels/delta_stats.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/arch.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/columns.hpp"

namespace ember::kernels {

/// Delta state of one input vector of N columns under Q.
/// fp32: x-hat and the deltas are floats. Integer policies: x is quantized on a *fixed*
/// grid (step `scale`: 2^-Frac for fixed<B, F>, range / act_qmax for symmetric<W, A>,
/// range = 1 by default, set with set_range), x-hat and the deltas are integers on that
/// grid, so the memory M = W_q x-hat_q is exact and drift-free (EdgeDRNN's fixed point).
/// A column propagates when its delta is non-zero and |delta| >= threshold (in x's units);
/// the first step after reset() propagates every non-zero column whatever the threshold,
/// so a delta layer restarted from any state starts exact.
template <class Q, std::size_t N>
struct delta_input {
  static constexpr bool is_integer = Q::is_integer;
  static constexpr bool has_range = is_integer && Q::scale != quant::scale_kind::power_of_two;
  using value_type = std::conditional_t<is_integer, std::int32_t, float>;

  aligned_array<value_type, N> xhat{};  ///< last propagated values (integers: on the grid)
  aligned_array<value_type, N> dv{};    ///< this step's propagated deltas, compacted
  aligned_array<std::uint32_t, N> idx{};  ///< their columns, increasing
  std::size_t nnz = 0;                  ///< propagated columns this step
  bool primed = false;                  ///< false until the first step after reset()
  float threshold = 0.0f;               ///< Theta, >= 0 (x's units)
  float scale = grid_scale(1.0f);       ///< integer grid step (1 for fp32)
  float inv = grid_inv(1.0f);       ///< its reciprocal: x * inv is x's grid position
  delta_counts counts{};

  /// Sets Theta. Rejects (returns false, keeps the old value) a negative or NaN Theta;
  /// +infinity is allowed (nothing propagates after the first step).
  constexpr bool set_threshold(float t) noexcept {
    if (!(t >= 0.0f)) return false;
    threshold = t;
    return true;
  }
  /// Integer policies with float scales: the grid covers [-range, range] (inputs beyond
  /// saturate). Rejects a range that is not finite and positive. Call reset() afterwards:
  /// x-hat and the projection memory live on the old grid.
  constexpr bool set_range(float range) noexcept {
    if constexpr (has_range) {
      if (!(range > 0.0f) || !(range <= 3.0e38f)) return false;
      scale = grid_scale(range);
      inv = grid_inv(range);
      return true;
    } else {
      return range == 1.0f;
    }
  }
  constexpr void reset() noexcept {
    xhat.fill(value_type{});
    nnz = 0;
    primed = false;
  }
  constexpr void reset_counts() noexcept { counts = {}; }

  /// Theta in grid units (a delta propagates when |delta| >= this; NaN-free).
  constexpr float grid_threshold() const noexcept {
    if (!primed) return 0.0f;
    if constexpr (is_integer) return threshold * inv;
    else return threshold;
  }
  constexpr void count() noexcept {
    primed = true;
    ++counts.steps;
    counts.columns += N;
    counts.propagated += nnz;
    counts.last = nnz;
    counts.last_columns = N;
  }

 private:
  static constexpr float grid_scale(float range) noexcept {
    if constexpr (!is_integer) return 1.0f;
    else if constexpr (Q::scale == quant::scale_kind::power_of_two) return act_scale<Q>(0.0f);
    else return range / float(Q::act_qmax);
  }
  static constexpr float grid_inv(float range) noexcept {
    if constexpr (!is_integer) return 1.0f;
    else if constexpr (Q::scale == quant::scale_kind::power_of_two) return act_inv_scale<Q>(0.0f);
    else return float(Q::act_qmax) / range;
  }
};

namespace detail {
// One column under the scalar rule: propagate when delta != 0 and |delta| >= th (grid units).
template <class Q, std::size_t N>
inline void delta_column(float xj, std::size_t j, delta_input<Q, N>& in, float th, std::size_t& n) noexcept {
  if constexpr (Q::is_integer) {
    const std::int32_t q = quantize_symmetric(xj * in.inv, Q::act_qmax);
    const std::int32_t d = q - in.xhat[j];
    if (d == 0 || float(d < 0 ? -d : d) < th) return;
    in.xhat[j] = q;
    in.dv[n] = d;
  } else {
    const float d = xj - in.xhat[j];
    if (!(abs_value(d) >= th && abs_value(d) > 0.0f)) return;  // NaN never propagates
    in.xhat[j] = xj;
    in.dv[n] = d;
  }
  in.idx[n++] = std::uint32_t(j);
}
}  // namespace detail

/// Scalar twin: delta = x - x-hat (integers: on the grid), keep columns with
/// delta != 0 and |delta| >= Theta, update x-hat there, list them in column order.
template <class Q, std::size_t N>
void delta_prepare(const float* x, delta_input<Q, N>& in, simd::common) noexcept {
  const float th = in.grid_threshold();
  std::size_t n = 0;
  for (std::size_t j = 0; j < N; ++j) detail::delta_column(x[j], j, in, th, n);
  in.nnz = n;
  in.count();
}

#if EMBER_HAS_XSIMD
template <class Q>
constexpr float qmax_of() noexcept {
  if constexpr (Q::is_integer) return float(Q::act_qmax);
  else return 0.0f;
}

/// Vector twin: the delta and the mask in SIMD, the mask as bits, then only the set bits
/// are visited to write the compacted lists (same lists as the scalar twin).
template <class Q, std::size_t N, simd::vector_arch A>
void delta_prepare(const float* x, delta_input<Q, N>& in, A) noexcept {
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size;
  const B th(in.grid_threshold()), zero(0.0f);
  [[maybe_unused]] const B inv(in.inv), qmax(qmax_of<Q>());
  alignas(64) float d[L];
  std::size_t n = 0, j = 0;
  for (; j + L <= N; j += L) {
    B xv = simd::load<float, A>(x + j), dl;
    if constexpr (Q::is_integer) {
      xv *= inv;
      xv = xsimd::select(xv == xv, xv, zero);  // NaN -> 0, as quantize_symmetric
      xv = simd::clamp(simd::round_half_even(xv), -qmax, qmax);
      const B xh = simd::convert<float>(simd::load_aligned<std::int32_t, A>(in.xhat.data() + j));
      dl = xv - xh;  // exact: integers below 2^17
      const auto m = (xsimd::abs(dl) >= th) & (dl != zero);
      std::uint32_t bits = simd::mask_bits(m);
      if (bits == 0) continue;
      simd::store_aligned(in.xhat.data() + j, simd::convert<std::int32_t>(xsimd::select(m, xv, xh)));
      simd::store_aligned(d, dl);
      for (; bits; bits &= bits - 1) {
        const unsigned b = unsigned(std::countr_zero(bits));
        in.idx[n] = std::uint32_t(j + b);
        in.dv[n++] = std::int32_t(d[b]);
      }
    } else {
      const B xh = simd::load_aligned<float, A>(in.xhat.data() + j);
      dl = xv - xh;
      const auto a = xsimd::abs(dl);
      const auto m = (a >= th) & (a > zero);
      std::uint32_t bits = simd::mask_bits(m);
      if (bits == 0) continue;
      simd::store_aligned(in.xhat.data() + j, xsimd::select(m, xv, xh));
      simd::store_aligned(d, dl);
      for (; bits; bits &= bits - 1) {
        const unsigned b = unsigned(std::countr_zero(bits));
        in.idx[n] = std::uint32_t(j + b);
        in.dv[n++] = d[b];
      }
    }
  }
  if constexpr (N % L != 0) {  // tail: the scalar rule
    const float ths = in.grid_threshold();
    for (std::size_t i = N / L * L; i < N; ++i) detail::delta_column(x[i], i, in, ths, n);
  }
  in.nnz = n;
  in.count();
}
#endif

}  // namespace ember::kernels
