// Permuted block-diagonal matvec (matvec::block_diagonal<B>) for every quantization: the
// permuted input is gathered once, each block runs the dense kernel, outputs are scattered.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "ember/core/fixed_point.hpp"
#include "ember/core/structure.hpp"
#include "ember/kernels/block_diagonal_projection.hpp"
#include "ember/kernels/dense_f32.hpp"
#include "ember/kernels/dense_s16.hpp"
#include "ember/kernels/dense_s8.hpp"
#include "ember/kernels/packed_matrix.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/gather.hpp"

namespace ember::kernels {

/// Blocks dense sub-matrices of (block_rows, block_cols) in the dense layout of Q, plus
/// the permutations as index tables over block *positions* p = b * block_rows + i (row i
/// of block b; block b has block_extent(R, Blocks, b) real rows, the rest is padding):
///   out_index[p]  output element the kernel writes (sentinel R on padding),
///   add_index[p]  element of the addend c it adds (the layer's own row order; equal to
///                 out_index until fold_permutation() lets the output stay permuted),
///   in_index[q]   input element gathered into column position q (sentinel C on padding),
/// and their inverses out_pos[r], in_pos[c]. pack() projects a dense matrix (see
/// find_block_partition); pack_permuted() takes the permutations from an exporter.
template <std::size_t Blocks, class Q, std::size_t R, std::size_t C>
struct packed_matrix<matvec::block_diagonal<Blocks>, Q, R, C> {
  static_assert(R > 0 && C > 0, "ember::kernels::packed_matrix: shapes must be non-zero");
  static_assert(Blocks <= R && Blocks <= C,
                "ember::kernels::packed_matrix<block_diagonal<Blocks>, Q, Rows, Cols>: every diagonal "
                "block needs at least one row and one column (Blocks <= Rows and Blocks <= Cols)");
  static_assert(R < (std::size_t{1} << 31) && C < (std::size_t{1} << 31),
                "ember::kernels::packed_matrix<block_diagonal<Blocks>, ...>: permutation tables are 32-bit");
  using quant = Q;
  static constexpr std::size_t rows = R, cols = C, blocks = Blocks;
  static constexpr std::size_t block_rows = ceil_div(R, Blocks), block_cols = ceil_div(C, Blocks);
  using block_type = packed_matrix<matvec::dense, Q, block_rows, block_cols>;
  static constexpr std::uint32_t no_row = std::uint32_t(R), no_col = std::uint32_t(C);

  std::array<block_type, Blocks> block{};
  aligned_array<std::uint32_t, Blocks * block_rows> out_index{};
  aligned_array<std::uint32_t, Blocks * block_rows> add_index{};
  aligned_array<std::uint32_t, Blocks * block_cols> in_index{};
  aligned_array<std::uint32_t, R> out_pos{};
  aligned_array<std::uint32_t, C> in_pos{};
  block_projection_report projection{};  ///< what the last pack() kept
  bool outputs_folded = false;           ///< outputs are written in block order (fold_permutation)

  /// Projects a row-major (R, C) matrix onto Blocks permuted diagonal blocks, then packs
  /// (and quantizes) the blocks. The report compares the result with the dense input, so
  /// it counts both the dropped off-block weights and the quantization; for fp32,
  /// rel_frobenius^2 = 1 - projection.retained_energy. An exported, already projected
  /// matrix is recognised exactly (projection.exact) and loses nothing.
  constexpr quant_report pack(std::span<const float> m) {
    const auto part = find_block_partition(m, R, C, Blocks);
    auto rep = apply(part.row_order.data(), part.col_order.data(), m);
    projection = part.report;
    return rep;
  }

  /// Packs with given permutations: row_order / col_order list every row / column once,
  /// block by block (block b's rows at [block_start(R, B, b), +block_extent(R, B, b))), as
  /// tools/blockdiag_project.py exports them. Weights outside the blocks are dropped.
  /// std::nullopt (and nothing changed) when an order is not a permutation of the right size.
  constexpr std::optional<quant_report> pack_permuted(std::span<const std::uint32_t> row_order,
                                                      std::span<const std::uint32_t> col_order,
                                                      std::span<const float> m) {
    if (!is_permutation(row_order, R) || !is_permutation(col_order, C) || m.size() < R * C) return std::nullopt;
    auto rep = apply(row_order.data(), col_order.data(), m);
    double kept = 0, total = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) {
        const double v = double(m[r * C + c]) * m[r * C + c];
        total += v;
        kept += same_block(r, c) ? v : 0.0;
      }
    projection = {total > 0 ? kept / total : 1.0, 1.0, kept == total, 0};
    return rep;
  }

  /// Weight (r, c) as the kernel applies it: r indexes the output vector the kernel
  /// writes and c the input vector it reads (after folding, the folded orders).
  constexpr float at(std::size_t r, std::size_t c) const noexcept {
    const std::size_t p = out_pos[r], q = in_pos[c];
    return p / block_rows == q / block_cols ? block[p / block_rows].at(p % block_rows, q % block_cols) : 0.0f;
  }
  /// Whether (r, c) lies inside a diagonal block.
  constexpr bool same_block(std::size_t r, std::size_t c) const noexcept {
    return out_pos[r] / block_rows == in_pos[c] / block_cols;
  }
  static constexpr std::size_t real_rows(std::size_t b) noexcept { return block_extent(R, Blocks, b); }
  static constexpr std::size_t real_cols(std::size_t b) noexcept { return block_extent(C, Blocks, b); }

 private:
  static constexpr bool is_permutation(std::span<const std::uint32_t> order, std::size_t n) {
    if (order.size() != n) return false;
    std::vector<bool> seen(n, false);
    for (auto v : order) {
      if (v >= n || seen[v]) return false;
      seen[v] = true;
    }
    return true;
  }

  constexpr quant_report apply(const std::uint32_t* row_order, const std::uint32_t* col_order, std::span<const float> m) {
    std::vector<float> sub(block_rows * block_cols);
    std::size_t saturated = 0;
    for (std::size_t b = 0; b < Blocks; ++b) {
      const std::size_t rs = block_start(R, Blocks, b), cs = block_start(C, Blocks, b);
      for (std::size_t i = 0; i < block_rows; ++i) {
        const std::size_t p = b * block_rows + i;
        out_index[p] = add_index[p] = i < real_rows(b) ? row_order[rs + i] : no_row;
        if (i < real_rows(b)) out_pos[row_order[rs + i]] = std::uint32_t(p);
      }
      for (std::size_t j = 0; j < block_cols; ++j) {
        const std::size_t q = b * block_cols + j;
        in_index[q] = j < real_cols(b) ? col_order[cs + j] : no_col;
        if (j < real_cols(b)) in_pos[col_order[cs + j]] = std::uint32_t(q);
      }
      for (std::size_t i = 0; i < block_rows; ++i)
        for (std::size_t j = 0; j < block_cols; ++j)
          sub[i * block_cols + j] = i < real_rows(b) && j < real_cols(b)
                                        ? m[std::size_t(row_order[rs + i]) * C + col_order[cs + j]] : 0.0f;
      saturated += block[b].pack(sub).saturated;
    }
    outputs_folded = false;
    quant_report_builder rep;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) rep.add(m[r * C + c], at(r, c));
    rep.saturated = saturated;
    return rep.done();
  }
};

namespace detail {

// dst[i] = src[idx[i]] for the n real positions of a block (padding positions come after
// them and are zeroed by the caller). Shape-independent: one body per element type.
template <class T>
EMBER_KERNEL_BODY std::int32_t bd_gather(const T* src, const std::uint32_t* idx, std::size_t n, T* dst) noexcept {
  std::int32_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T v = src[idx[i]];
    dst[i] = v;
    if constexpr (std::is_integral_v<T>) sum += v;
  }
  return sum;
}

#if EMBER_HAS_XSIMD
// Float gather with the vector gather instruction (vgatherdps), scalar tail.
template <class A>
EMBER_KERNEL_BODY void bd_gather_f32(const float* src, const std::uint32_t* idx, std::size_t n, float* dst) noexcept {
  constexpr std::size_t L = simd::batch<std::int32_t, A>::size;
  std::size_t i = 0;
  // The tables hold indices < 2^31 (a static_assert of the matrix), so int32 reads them.
  const auto* sidx = reinterpret_cast<const std::int32_t*>(idx);
  for (; i + L <= n; i += L) simd::store(dst + i, simd::gather(src, simd::load<std::int32_t, A>(sidx + i)));
  for (; i < n; ++i) dst[i] = src[idx[i]];
}
#endif

template <class Arch>
void bd_gather_floats(const float* src, const std::uint32_t* idx, std::size_t n, float* dst, Arch) noexcept {
#if EMBER_HAS_XSIMD
  if constexpr (simd::vector_arch<Arch>) {
    bd_gather_f32<Arch>(src, idx, n, dst);
    return;
  }
#endif
  bd_gather(src, idx, n, dst);
}

EMBER_KERNEL_BODY inline void bd_scatter(const float* src, const std::uint32_t* idx, std::size_t n, float* y) noexcept {
  for (std::size_t i = 0; i < n; ++i) y[idx[i]] = src[i];
}

// The whole kernel, any arch: gather the permuted input once (integer policies gather
// the already quantized integers, so the one activation scale is shared), then per block
// gather its addend, run the dense kernel on it and scatter its real rows (or, once
// fold_permutation() made the outputs block-ordered, write them in place). Workspace on
// the stack: the gathered input (Blocks x block_cols elements), two block_rows floats.
template <std::size_t B, class Q, std::size_t R, std::size_t C, class Arch>
void bd_matvec(const packed_matrix<matvec::block_diagonal<B>, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
               const float* c, Arch arch) noexcept {
  using M = packed_matrix<matvec::block_diagonal<B>, Q, R, C>;
  constexpr std::size_t BR = M::block_rows, BC = M::block_cols;
  using block_input = input_buffer<Q, BC>;
  // Folded outputs of equal blocks are contiguous: block b writes y[b * BR, (b + 1) * BR).
  const bool direct = (R % B == 0) && W.outputs_folded;
  const auto blocks = [&](const auto& input_of) {
    alignas(64) float cbuf[BR], obuf[BR];
    for (std::size_t b = 0; b < B; ++b) {
      if (c) bd_gather_floats(c, W.add_index.data() + b * BR, M::real_rows(b), cbuf, arch);
      if (c && M::real_rows(b) < BR) cbuf[BR - 1] = 0.0f;  // a short block's one padding row
      matvec(W.block[b], input_of(b), direct ? y + b * BR : obuf, c ? cbuf : nullptr, arch);
      if (!direct) bd_scatter(obuf, W.out_index.data() + b * BR, M::real_rows(b), y);
    }
  };
  if constexpr (Q::is_integer) {
    std::array<block_input, B> xb;  // q{} zeroes the padding columns
    for (std::size_t b = 0; b < B; ++b) {
      const std::int32_t s = bd_gather(in.q.data(), W.in_index.data() + b * BC, M::real_cols(b), xb[b].q.data());
      xb[b].scale = in.scale;
      if constexpr (requires { xb[b].sum; }) xb[b].sum = s;
    }
    blocks([&](std::size_t b) -> const block_input& { return xb[b]; });
  } else {
    alignas(64) float xg[B * BC];
    if constexpr (C % B == 0) {
      bd_gather_floats(in.x, W.in_index.data(), C, xg, arch);
    } else {
      for (std::size_t b = 0; b < B; ++b) {
        bd_gather_floats(in.x, W.in_index.data() + b * BC, M::real_cols(b), xg + b * BC, arch);
        if (M::real_cols(b) < BC) xg[b * BC + BC - 1] = 0.0f;  // a short block's padding column
      }
    }
    blocks([&](std::size_t b) { return block_input{xg + b * BC}; });
  }
}

}  // namespace detail

/// Scalar twin (the test oracle): the same gather, the dense scalar twin per block.
template <std::size_t B, class Q, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::block_diagonal<B>, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, simd::common arch) noexcept {
  detail::bd_matvec(W, in, y, c, arch);
}

#if EMBER_HAS_XSIMD
/// Vector kernel: each block on the dense kernel this arch selects for Q (fp32 FMA
/// panels, VNNI / AVX2 int8, int16 vpmaddwd; the scalar twin where Q has none).
template <std::size_t B, class Q, std::size_t R, std::size_t C, simd::vector_arch A>
void matvec(const packed_matrix<matvec::block_diagonal<B>, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, A arch) noexcept {
  detail::bd_matvec(W, in, y, c, arch);
}
#endif

}  // namespace ember::kernels
