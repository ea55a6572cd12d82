// Load-time folding of a block-diagonal matrix's output permutation into the input
// permutation (or column order) of the matrix that reads its output: one scatter less.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "ember/kernels/block_diagonal.hpp"

namespace ember::kernels {

namespace detail {

template <class M>
inline constexpr bool is_block_diagonal = false;
template <std::size_t B, class Q, std::size_t R, std::size_t C>
inline constexpr bool is_block_diagonal<packed_matrix<matvec::block_diagonal<B>, Q, R, C>> = true;
template <class M>
inline constexpr bool is_dense = false;
template <class Q, std::size_t R, std::size_t C>
inline constexpr bool is_dense<packed_matrix<matvec::dense, Q, R, C>> = true;

// A dense matrix whose input element c moves to index f(c): W'[:, f(c)] = W[:, c]. Exact
// for every layout (the stored integers and row scales move, nothing is re-quantized).
template <class Q, std::size_t R, std::size_t C, class F>
void permute_columns(packed_matrix<matvec::dense, Q, R, C>& W, F f) {
  using M = packed_matrix<matvec::dense, Q, R, C>;
  const auto old = std::make_unique<M>(W);
  for (std::size_t r = 0; r < M::panels * panel_rows; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      const std::size_t to = f(c);
      if constexpr (std::is_same_v<Q, quant::f32> || quant::wide_quant<Q>) {
        W.w[M::index(r, to)] = old->w[M::index(r, c)];
      } else {
        const unsigned mask = ((1u << M::bits) - 1) << M::shift(to);
        auto& byte = W.w[M::byte_index(r, to)];
        const std::uint32_t u = std::uint32_t(old->q(r, c) + M::offset);
        byte = static_cast<std::uint8_t>((byte & ~mask) | ((u << M::shift(to)) & mask));
      }
    }
}

}  // namespace detail

/// Lets `producer` write its outputs in block order (no scatter: output element
/// k = block_start(R, B, b) + i is row i of block b) and makes `consumer`, which reads
/// that output vector (directly or through element-wise, per-unit operations such as a
/// bias-free activation), gather from the permuted order instead. The pair computes the
/// same values, only the vector between them is permuted: bit for bit when the consumer
/// is block-diagonal or integer, within rounding for an fp32 dense consumer (it now sums
/// its columns in the permuted order). The producer's
/// addend c keeps the layer's row order (a bias is not moved), so after folding c must
/// not alias y in the producer. Repeated folds compose. Consumer: block_diagonal (its
/// input permutation changes, nothing allocates) or dense (its columns are permuted in
/// place; allocates one copy, load time only).
template <std::size_t B, class Q, std::size_t R, std::size_t C, class Consumer>
void fold_permutation(packed_matrix<matvec::block_diagonal<B>, Q, R, C>& producer, Consumer& consumer) {
  static_assert(detail::is_block_diagonal<Consumer> || detail::is_dense<Consumer>,
                "ember::kernels::fold_permutation(producer, consumer): the consumer must be a block_diagonal "
                "or dense packed_matrix (other structures cannot absorb a column permutation)");
  static_assert(Consumer::cols == R,
                "ember::kernels::fold_permutation(producer, consumer): the consumer's Cols must equal the "
                "producer's Rows (it reads the producer's output vector)");
  using P = packed_matrix<matvec::block_diagonal<B>, Q, R, C>;
  // Position p of the producer's outputs becomes element compact(p).
  const auto compact = [](std::size_t p) {
    return block_start(R, B, p / P::block_rows) + p % P::block_rows;
  };
  const auto moved = [&](std::size_t r) { return compact(producer.out_pos[r]); };  // old element -> new
  if constexpr (detail::is_block_diagonal<Consumer>) {
    for (auto& q : consumer.in_index)
      if (q != Consumer::no_col) q = std::uint32_t(moved(q));
    for (std::size_t j = 0; j < consumer.in_index.size(); ++j)
      if (consumer.in_index[j] != Consumer::no_col) consumer.in_pos[consumer.in_index[j]] = std::uint32_t(j);
  } else {
    detail::permute_columns(consumer, moved);
  }
  for (std::size_t p = 0; p < producer.out_index.size(); ++p) {
    if (producer.out_index[p] == P::no_row) continue;
    producer.out_index[p] = std::uint32_t(compact(p));
    producer.out_pos[compact(p)] = std::uint32_t(p);
  }
  producer.outputs_folded = true;
}

}  // namespace ember::kernels
