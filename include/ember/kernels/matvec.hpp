// Matvec entry points: includes every packed_matrix specialization (one per structure x
// quantization) and offers the span-based calls layers use.
#pragma once

#include <cstddef>
#include <span>

#include "ember/core/concepts.hpp"
#include "ember/kernels/circulant.hpp"
#include "ember/kernels/block_diagonal.hpp"
#include "ember/kernels/block_diagonal_fold.hpp"
#include "ember/kernels/dense_bitplane.hpp"
#include "ember/kernels/dense_f32.hpp"
#include "ember/kernels/dense_s16.hpp"
#include "ember/kernels/dense_s8.hpp"
#include "ember/kernels/dense_shared.hpp"
#include "ember/kernels/packed_matrix.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/arch.hpp"

namespace ember::kernels {

/// The prepared right-hand side of M (quantized input, or a view for fp32).
template <packed_weights M>
using input_for = input_buffer<typename M::quant, M::cols>;

/// Quantizes (or, for fp32, views) x so that several matrices can share it.
template <packed_weights M, class Arch = simd::native>
void prepare_input(std::span<const float, M::cols> x, input_for<M>& in, Arch arch = {}) noexcept {
  prepare(x, in, arch);
}

/// y = W x + c. `c` may be `y` itself (accumulate) or a bias; pass an empty span for 0.
template <packed_weights M, class Arch = simd::native>
void matvec(const M& W, const input_for<M>& in, std::span<float, M::rows> y, std::span<const float> c,
            Arch arch = {}) noexcept {
  matvec(W, in, y.data(), c.empty() ? nullptr : c.data(), arch);
}

/// Convenience: prepares x into `in` then computes y = W x + c.
template <packed_weights M, class Arch = simd::native>
void matvec(const M& W, std::span<const float, M::cols> x, input_for<M>& in, std::span<float, M::rows> y,
            std::span<const float> c = {}, Arch arch = {}) noexcept {
  prepare(x, in, arch);
  matvec(W, in, y.data(), c.empty() ? nullptr : c.data(), arch);
}

}  // namespace ember::kernels
