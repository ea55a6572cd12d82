// Matrix-vector structure policies (matvec::dense, circulant<K>, block_diagonal<B>) and
// skip policies (skip::none, skip::delta): tags with the constexpr facts kernels and cost use.
#pragma once

#include <bit>
#include <cstddef>

#include "ember/core/concepts.hpp"

namespace ember::matvec {

/// Plain dense weights: y = W x, every weight stored.
struct dense : matvec_tag {
  static constexpr std::size_t compression = 1;
  static constexpr std::size_t block = 1;        // circulant block (cost::gemm::circulant_k)
  static constexpr std::size_t diag_blocks = 1;  // diagonal blocks (cost::gemm::diag_blocks)
  static constexpr const char* name = "dense";
};

/// Block-circulant weights (C-LSTM, E-RNN): W is a grid of K x K circulant blocks,
/// each stored as one length-K vector and multiplied through a size-K FFT.
/// circulant<1> is dense.
template <std::size_t K>
struct circulant : matvec_tag {
  static_assert(std::has_single_bit(K) && K <= 64,
                "matvec::circulant<K>: K must be a power of two from 1 to 64");
  static constexpr std::size_t compression = K;
  static constexpr std::size_t block = K;
  static constexpr std::size_t diag_blocks = 1;
  static constexpr const char* name = "circulant";
};

/// Permuted block-diagonal weights (Naous et al., UC Berkeley edge-inference design):
/// W = P_r^T diag(W_1 .. W_Blocks) P_c, i.e. after a row and a column permutation only
/// Blocks independent dense sub-matrices remain, each (Rows/Blocks) x (Cols/Blocks) (the
/// first Rows % Blocks blocks get one row more, likewise for columns). Each block runs on
/// the dense kernel of the quantization policy. block_diagonal<1> is dense.
template <std::size_t Blocks>
struct block_diagonal : matvec_tag {
  static_assert(Blocks >= 1 && Blocks <= 4096,
                "matvec::block_diagonal<Blocks>: Blocks must be from 1 to 4096");
  static constexpr std::size_t compression = Blocks;
  static constexpr std::size_t block = 1;  // not circulant: layers pass `block` as circulant_k
  static constexpr std::size_t diag_blocks = Blocks;
  static constexpr const char* name = "block_diagonal";
};

}  // namespace ember::matvec

namespace ember::skip {

/// Every column of every matrix is used at every step.
struct none : skip_tag {
  static constexpr bool skips_columns = false;
  static constexpr const char* name = "none";
};

/// Delta network (DeltaRNN / EdgeDRNN): only input and hidden changes whose magnitude
/// reaches a run-time threshold are propagated; unchanged columns are skipped.
struct delta : skip_tag {
  static constexpr bool skips_columns = true;
  static constexpr const char* name = "delta";
};

}  // namespace ember::skip
