// Delta-network statistics: columns each input offered and propagated (per step and
// cumulative), and a layer's totals with its effective multiply-accumulate count.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember::kernels {

/// Columns an input offered and propagated (one input vector of one projection).
struct delta_counts {
  std::uint64_t steps = 0;       ///< steps prepared since the last reset_counts()
  std::uint64_t columns = 0;     ///< columns offered (steps x cols)
  std::uint64_t propagated = 0;  ///< columns propagated (non-zero after thresholding)
  std::size_t last = 0;          ///< columns propagated at the last step
  std::size_t last_columns = 0;  ///< columns offered at the last step (cols)

  /// Fraction of the offered columns that were propagated (1 before any step).
  constexpr double density() const noexcept { return columns ? double(propagated) / double(columns) : 1.0; }
  constexpr double last_density() const noexcept { return last_columns ? double(last) / double(last_columns) : 1.0; }
  constexpr delta_counts& operator+=(const delta_counts& o) noexcept {
    steps = steps > o.steps ? steps : o.steps;
    columns += o.columns;
    propagated += o.propagated;
    last += o.last;
    last_columns += o.last_columns;
    return *this;
  }
};

/// A layer's propagation statistics: its input projections (W_ih / W / dense weight on
/// level 0's input) and its hidden-state projections (W_hh, and the inputs of levels
/// above 0, which are hidden states too). macs counts rows x propagated columns.
struct delta_stats {
  delta_counts input{}, hidden{};
  double macs = 0, dense_macs = 0;            ///< cumulative: performed / a dense layer's
  double last_macs = 0, last_dense_macs = 0;  ///< the last step

  constexpr double input_density() const noexcept { return input.density(); }
  constexpr double hidden_density() const noexcept { return hidden.density(); }
  /// Fraction of the dense multiply-accumulates performed (1 before any step).
  constexpr double op_fraction() const noexcept { return dense_macs > 0 ? macs / dense_macs : 1.0; }
};

}  // namespace ember::kernels
