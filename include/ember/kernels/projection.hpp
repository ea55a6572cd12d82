// projection<Matrix, Skip>: the skip axis wrapped around one packed matrix. Layers apply
// every weight matrix through it, so skip::none and skip::delta share one layer body.
#pragma once

#include <cstddef>
#include <span>

#include "ember/core/structure.hpp"
#include "ember/kernels/matmat.hpp"
#include "ember/kernels/matvec.hpp"

namespace ember::kernels {

/// y = W x + c under a skip policy. The contract every specialization meets (layers use
/// nothing else):
///
///   matrix_type, rows, cols
///   input_type                 the prepared right-hand side of one step. The layer keeps
///                              one per input vector (x, h) as a member, so a stateful
///                              skip (delta: x-hat, threshold) can keep its state in it.
///   batch_type<T>              up to T prepared steps (the chunked sequence path)
///   pack(span)                 quantize/project/re-lay W once (noexcept, quant_report)
///   reset()                    forget the projection's memory (delta: M = 0)
///   static prepare(x, in, a)   prepare one step's input (quantize; delta: threshold x - x-hat)
///   static reset_input(in)     forget an input's memory (delta: x-hat = 0)
///   static prepare_batch(xs, n, stride, batch, in, a)
///                              prepare n steps; `in` carries the input state across them
///   apply(in, y, c, a)         y = W x + c for one step (c may be y itself, or null)
///   apply_batch(batch, n, ys, ys_stride, c, a)
///                              ys[t] = W x_t + c for t < n (c is one vector, not overlapping ys)
///
/// The addend c is owned by the caller (biases live in the layer). A delta projection
/// therefore keeps M = sum of W * (propagated deltas) starting at 0 and returns M + c,
/// which equals EdgeDRNN's memory initialised to the bias. One projection per matrix
/// keeps the contributions of different inputs apart (GRU's n gate needs W_in x and
/// W_hn h separately).
template <packed_weights Matrix, skip_policy Skip>
class projection {
  static_assert(always_false<Skip>,
                "ember::kernels::projection<Matrix, Skip>: no projection for this skip policy "
                "(skip::none and skip::delta are provided; a new skip policy needs its own specialization)");
};

/// skip::none: every column every step; apply is matvec, apply_batch is matmat.
template <packed_weights Matrix>
class projection<Matrix, skip::none> {
 public:
  using matrix_type = Matrix;
  using quant = typename Matrix::quant;
  static constexpr std::size_t rows = Matrix::rows, cols = Matrix::cols;
  using input_type = input_for<Matrix>;
  template <std::size_t T>
  using batch_type = batch_for<Matrix, T>;

  constexpr quant_report pack(std::span<const float> w) noexcept { return w_.pack(w); }
  const Matrix& matrix() const noexcept { return w_; }
  /// Load-time access (permutation folding); the packed weights, not the layer's inputs.
  Matrix& matrix() noexcept { return w_; }
  constexpr void reset() noexcept {}

  template <class Arch>
  static void prepare(std::span<const float, cols> x, input_type& in, Arch arch) noexcept {
    kernels::prepare(x, in, arch);
  }
  static constexpr void reset_input(input_type&) noexcept {}

  template <std::size_t T, class Arch>
  static void prepare_batch(const float* xs, std::size_t n, std::size_t stride, batch_type<T>& b, input_type&,
                            Arch arch) noexcept {
    kernels::prepare_batch(xs, n, stride, b, arch);
  }

  template <class Arch>
  void apply(const input_type& in, float* y, const float* c, Arch arch) const noexcept {
    matvec(w_, in, y, c, arch);
  }

  template <std::size_t T, class Arch>
  void apply_batch(const batch_type<T>& b, std::size_t n, float* ys, std::size_t ys_stride, const float* c,
                   Arch arch) const noexcept {
    matmat(w_, b, n, ys, ys_stride, c, arch);
  }

 private:
  Matrix w_;
};

/// The projection a layer with policy P uses for an (R, C) matrix.
template <class P, std::size_t R, std::size_t C>
using projection_for = projection<packed_matrix<typename P::matvec, typename P::quant, R, C>, typename P::skip>;

}  // namespace ember::kernels

// skip::delta (column-skipping kernels), so every layer offers it through policy<...>.
#include "ember/kernels/delta.hpp"
