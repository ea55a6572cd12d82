// The primary packed_matrix template (it only fails) and the packed_weights concept:
// every (structure, quantization) kernel specializes packed_matrix in its own header.
#pragma once

#include <concepts>
#include <cstddef>

#include "ember/core/concepts.hpp"

namespace ember::kernels {

/// Weights laid out for one kernel, with pack() from a row-major fp32 matrix.
template <class Matvec, class Quant, std::size_t Rows, std::size_t Cols>
struct packed_matrix {
  static_assert(always_false<Matvec>,
                "ember::kernels::packed_matrix: no matvec kernel for this (matvec, quant) pair");
};

/// A packed_matrix specialization: shapes, its quantization policy, and pack().
template <class M>
concept packed_weights = requires {
  { M::rows } -> std::convertible_to<std::size_t>;
  { M::cols } -> std::convertible_to<std::size_t>;
  typename M::quant;
};

}  // namespace ember::kernels
