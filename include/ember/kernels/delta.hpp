// projection<Matrix, skip::delta>: delta networks (DeltaRNN / EdgeDRNN). Only input changes
// of at least a run-time threshold are propagated, through column-skipping kernels.
#pragma once

#include <cstddef>
#include <span>

#include "ember/core/structure.hpp"
#include "ember/kernels/delta_columns.hpp"
#include "ember/kernels/delta_input.hpp"
#include "ember/kernels/projection.hpp"

namespace ember::kernels {

/// Not offered: structures other than dense (a column of a circulant block is a rotation
/// of a stored vector, spread over FFT bins) and bit-plane / codebook weights (binary,
/// ternary, shared<K>). See docs/policies.md, "Delta networks".
template <packed_weights Matrix>
class projection<Matrix, skip::delta> {
  static_assert(always_false<Matrix>,
                "ember::kernels::projection<Matrix, skip::delta>: skip::delta needs matvec::dense weights "
                "and fp32, symmetric<W, A> or fixed<B, F> quantization");
};

/// skip::delta over dense weights W (R, C). Keeps the memory M = W x-hat (R accumulators,
/// fp32 or exact integers) and, in the input_type, x-hat and the threshold. Per step:
///   prepare:  delta = x - x-hat, drop |delta| < Theta (and 0), x-hat += kept delta,
///             list the kept columns (delta_prepare, SIMD + bit-mask compaction)
///   apply:    M += W[:, kept] delta[kept] (delta_accumulate, SIMD over rows, columns
///             skipped), y = M + c (integers: the dense kernels' dequantizing epilogue)
/// With Theta = 0 every change propagates: M equals W x (integers: exactly, so the output
/// is the dense output bit for bit on the same grid; fp32: up to rounding, as M is a sum
/// over steps).
template <delta_quant Q, std::size_t R, std::size_t C>
class projection<packed_matrix<matvec::dense, Q, R, C>, skip::delta> {
 public:
  using quant = Q;
  using matrix_type = delta_matrix<Q, R, C>;
  using accum_type = delta_accum<Q>;
  static constexpr std::size_t rows = R, cols = C;
  static constexpr std::size_t padded_rows = ceil_div(R, panel_rows) * panel_rows;
  using input_type = delta_input<Q, C>;
  /// The chunked path keeps no copies: each step is prepared when it is applied (the
  /// input state advances in `in`, which the batch points to).
  template <std::size_t T>
  struct batch_type {
    const float* xs = nullptr;
    std::size_t stride = 0;
    input_type* in = nullptr;
  };

  constexpr quant_report pack(std::span<const float> w) noexcept { return w_.pack(w); }
  const matrix_type& matrix() const noexcept { return w_; }
  /// M = 0 (the caller's addend c plays EdgeDRNN's bias initialisation).
  constexpr void reset() noexcept {
    m_.fill(accum_type{});
    since_refresh_ = 0;
  }
  /// The memory M (padded_rows entries; integers: units of scale_w[r] * grid step).
  std::span<const accum_type, padded_rows> memory() const noexcept { return m_.span(); }

  template <class Arch>
  static void prepare(std::span<const float, C> x, input_type& in, Arch arch) noexcept {
    delta_prepare(x.data(), in, arch);
  }
  static constexpr void reset_input(input_type& in) noexcept { in.reset(); }

  template <std::size_t T, class Arch>
  static void prepare_batch(const float* xs, std::size_t, std::size_t stride, batch_type<T>& b, input_type& in,
                            Arch) noexcept {
    b = {xs, stride, &in};
  }

  /// fp32: every `period` applied steps M is recomputed as W x-hat (one pass over every
  /// column), so rounding in M cannot drift over long sequences.
  /// 0 = never. Integer memories are exact and ignore it.
  static constexpr std::size_t default_refresh_period = 1024;
  constexpr void set_refresh_period(std::size_t period) noexcept { refresh_ = period; }
  constexpr std::size_t refresh_period() const noexcept { return refresh_; }

  template <class Arch>
  void apply(const input_type& in, float* y, const float* c, Arch arch) noexcept {
    if constexpr (ember::quant::byte_quant<Q>) {
      const std::size_t np = pair_columns(in.idx.data(), in.dv.data(), in.nnz, pidx_.data(), pdv_.data());
      delta_accumulate(w_, pidx_.data(), pdv_.data(), np, m_.data(), arch);
    } else if constexpr (Q::is_integer) {
      delta_accumulate(w_, in.idx.data(), in.dv.data(), in.nnz, m_.data(), arch);
    } else if (refresh_ != 0 && ++since_refresh_ >= refresh_) {
      since_refresh_ = 0;
      m_.fill(0.0f);  // M = W x-hat, every column
      delta_accumulate(w_, all_columns.data(), in.xhat.data(), C, m_.data(), arch);
    } else {
      delta_accumulate(w_, in.idx.data(), in.dv.data(), in.nnz, m_.data(), arch);
    }
    if constexpr (Q::is_integer) delta_epilogue(m_.data(), w_.scale.data(), in.scale, R, y, c, arch);
    else delta_epilogue(m_.data(), R, y, c, arch);
  }

  template <std::size_t T, class Arch>
  void apply_batch(const batch_type<T>& b, std::size_t n, float* ys, std::size_t ys_stride, const float* c,
                   Arch arch) noexcept {
    for (std::size_t t = 0; t < n; ++t) {
      prepare(std::span<const float, C>(b.xs + t * b.stride, C), *b.in, arch);
      apply(*b.in, ys + t * ys_stride, c, arch);
    }
  }

 private:
  static constexpr std::size_t refresh_cols = Q::is_integer ? 1 : C;  // fp32 refresh: every column
  static constexpr aligned_array<std::uint32_t, refresh_cols> all_columns = [] {
    aligned_array<std::uint32_t, refresh_cols> a{};
    for (std::size_t j = 0; j < refresh_cols; ++j) a[j] = std::uint32_t(j);
    return a;
  }();
  matrix_type w_;
  aligned_array<accum_type, padded_rows> m_{};  // memory M, padding rows stay 0
  std::size_t refresh_ = default_refresh_period, since_refresh_ = 0;
  static constexpr std::size_t pair_slots = ember::quant::byte_quant<Q> ? ceil_div(C, 2) : 1;
  aligned_array<std::uint32_t, pair_slots> pidx_{};  // byte path: this step's column pairs
  aligned_array<std::int32_t, pair_slots> pdv_{};    // and their two int16 deltas
};

}  // namespace ember::kernels
