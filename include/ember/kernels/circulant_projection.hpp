// Nearest block-circulant matrix to a dense one (the mean along each block's wrapped
// diagonals) and the dense expansion back: the projection circulant pack() applies at load.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "ember/core/fixed_point.hpp"

namespace ember::kernels {

// Convention (C-LSTM / CirCNN's W_ij x_j = IFFT(FFT(w_ij) o FFT(x_j)), a circular
// convolution): block (bi, bj) is the K x K circulant whose FIRST COLUMN is w, so
//   W[bi K + a][bj K + b] = w_{bi,bj}[(a - b) mod K].
// A matrix whose sides are not multiples of K is zero-padded to whole blocks; the padded
// rows are never output and the padded columns only ever meet zero inputs, so an edge
// block is fitted to its in-range entries only (least squares on what the matrix uses).

/// Index into a block's first column of the entry at (a, b) inside the block.
template <std::size_t K>
constexpr std::size_t circulant_diagonal(std::size_t a, std::size_t b) noexcept {
  return (a + K - b) % K;
}

/// First column of the nearest circulant (Frobenius norm, over in-range entries) to block
/// (bi, bj) of the row-major (rows, cols) matrix m: w[d] is the mean of the in-range
/// entries on wrapped diagonal d, or 0 if none is in range. Exact double sums: projecting
/// an already block-circulant matrix returns its first columns exactly.
template <std::size_t K>
constexpr std::array<double, K> circulant_project_block(std::span<const float> m, std::size_t rows,
                                                        std::size_t cols, std::size_t bi,
                                                        std::size_t bj) noexcept {
  std::array<double, K> sum{}, count{};
  for (std::size_t a = 0; a < K && bi * K + a < rows; ++a)
    for (std::size_t b = 0; b < K && bj * K + b < cols; ++b) {
      const std::size_t d = circulant_diagonal<K>(a, b);
      sum[d] += double(m[(bi * K + a) * cols + bj * K + b]);
      count[d] += 1;
    }
  for (std::size_t d = 0; d < K; ++d) sum[d] = count[d] > 0 ? sum[d] / count[d] : 0.0;
  return sum;
}

/// Projects a whole (rows, cols) matrix: writes the first columns of its
/// ceil(rows/K) x ceil(cols/K) blocks, block-row-major: first_columns[(bi q + bj) K + d].
template <std::size_t K>
constexpr void circulant_project(std::span<const float> m, std::size_t rows, std::size_t cols,
                                 std::span<float> first_columns) noexcept {
  const std::size_t p = ceil_div(rows, K), q = ceil_div(cols, K);
  for (std::size_t bi = 0; bi < p; ++bi)
    for (std::size_t bj = 0; bj < q; ++bj) {
      const auto w = circulant_project_block<K>(m, rows, cols, bi, bj);
      for (std::size_t d = 0; d < K; ++d) first_columns[(bi * q + bj) * K + d] = float(w[d]);
    }
}

/// The dense (rows, cols) row-major matrix of the given first columns (layout as above).
template <std::size_t K>
constexpr void circulant_expand(std::span<const float> first_columns, std::size_t rows, std::size_t cols,
                                std::span<float> m) noexcept {
  const std::size_t q = ceil_div(cols, K);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c)
      m[r * cols + c] = first_columns[((r / K) * q + c / K) * K + circulant_diagonal<K>(r % K, c % K)];
}

}  // namespace ember::kernels
