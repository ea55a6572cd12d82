// Dense matvec for binary and ternary weights (quant::bitplane) in 16-row panels: offset-
// binary fields on the int8 dot kernels, or sign / non-zero bit planes with popcount.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "ember/core/fixed_point.hpp"
#include "ember/core/quant_lowbit.hpp"
#include "ember/core/structure.hpp"
#include "ember/kernels/bitplane_input.hpp"
#include "ember/kernels/dense_s8.hpp"
#include "ember/kernels/packed_matrix.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/x86_bitplane.hpp"

namespace ember::kernels {

/// The levels of one weight row under a bit-plane policy, in double precision: calls
/// put(c, q) with q in {-1, 0, +1} for every column and returns the row's scale alpha.
/// Binary: q = sign(w) (+1 for w >= 0 and NaN), alpha = mean |w| (XNOR-Net). Ternary (TWN):
/// q = sign(w) [|w| > 0.7 mean |w|], alpha = mean |w| over the kept weights. NaN counts as 0
/// in the means; an all-zero row gets alpha = 0 (binary has no zero level). Kernels that
/// store these policies in their own layout (conv, delta) quantize through this.
template <quant::bitplane_quant Q, class Put>
constexpr float quantize_bitplane_row(std::span<const float> row, Put&& put) noexcept {
  double sum = 0;
  for (float v : row) sum += v == v ? abs_value(double(v)) : 0.0;
  const double mean = row.empty() ? 0.0 : sum / double(row.size());
  if constexpr (Q::ternary_weights) {
    const double delta = 0.7 * mean;
    double kept_sum = 0;
    std::size_t kept = 0;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const double a = abs_value(double(row[c]));
      const bool keep = a > delta;  // false for NaN
      if (keep) {
        kept_sum += a;
        ++kept;
      }
      put(c, keep ? (row[c] < 0 ? -1 : 1) : 0);
    }
    return kept > 0 ? float(kept_sum / double(kept)) : 0.0f;
  } else {
    for (std::size_t c = 0; c < row.size(); ++c) put(c, row[c] < 0 ? -1 : 1);
    return float(mean);
  }
}

/// Layout: panels of 16 rows.
/// - int8 activations: dense_s8's byte layout, so the vpdpbusd kernels of int8 / int4 /
///   int2 run it: 64-byte blocks of 16 rows x 4 columns, QPB = 8 / Bits column quads per
///   block in Bits-bit fields, weights in offset binary: u = (q + 1) / 2 in 1 bit (binary)
///   or u = q + 1 in 2 bits (ternary); the kernel subtracts the activations' sum.
/// - popcount kernels: `blocks` groups of `planes` 64-byte bit blocks (the sign plane, then
///   for ternary the non-zero plane); dword r of a block holds plane(r, 32 b + t) in bit t.
/// Padding fields and bits are 0 (their activations are 0 too).
template <quant::weight_format F, unsigned A, std::size_t R, std::size_t C>
struct packed_matrix<matvec::dense, quant::bitplane<F, A>, R, C> {
  using quant = quant::bitplane<F, A>;
  static_assert(R > 0 && C > 0, "ember::kernels::packed_matrix: shapes must be non-zero");
  static_assert(C <= quant::max_reduction,
                "ember: this matrix has more columns than the int32 accumulator of this "
                "quantization can sum without overflow (Q::max_reduction)");
  static constexpr std::size_t rows = R, cols = C;
  static constexpr bool ternary = quant::ternary_weights;
  static constexpr bool byte_layout = !quant::popcount;
  static constexpr unsigned bits = quant::weight_bits;  // field width of the byte layout
  static constexpr std::size_t quads_per_block = 8 / bits;
  static constexpr std::size_t planes = byte_layout ? 1 : (ternary ? 2 : 1);
  static constexpr std::size_t block_cols = byte_layout ? 4 * quads_per_block : 32;
  static constexpr std::size_t blocks = ceil_div(C, block_cols);
  static constexpr std::size_t panels = ceil_div(R, panel_rows);
  static constexpr std::size_t panel_bytes = blocks * planes * 64;

  aligned_array<std::uint8_t, panels * panel_bytes> w{};
  aligned_array<float, panels * panel_rows> scale{};           // alpha per row; 0 on padding rows
  aligned_array<std::int32_t, panels * panel_rows> nonzeros{};  // non-zero weights per row

  /// Quantizes each row with quantize_bitplane_row<Q> and packs it; reports the error.
  constexpr quant_report pack(std::span<const float> m) noexcept {
    quant_report_builder rep;
    for (auto& b : w) b = 0;
    for (std::size_t r = 0; r < panels * panel_rows; ++r) {
      scale[r] = 0.0f;
      nonzeros[r] = 0;
      if (r >= R) continue;
      const auto row = m.subspan(r * C, C);
      scale[r] = quantize_bitplane_row<quant>(row, [&](std::size_t c, std::int32_t v) { set(r, c, v); });
      for (std::size_t c = 0; c < C; ++c) {
        rep.add(row[c], at(r, c));
        nonzeros[r] += q(r, c) != 0;
      }
    }
    return rep.done();
  }

  /// Weight (r, c) in {-1, 0, +1}.
  constexpr std::int32_t q(std::size_t r, std::size_t c) const noexcept {
    if constexpr (byte_layout) {
      const std::int32_t u = (w[byte_index(r, c, 0)] >> bit_index(r, c)) & ((1u << bits) - 1);
      return ternary ? u - 1 : 2 * u - 1;
    } else {
      const bool neg = bit(r, c, 0);
      if constexpr (ternary) {
        if (!bit(r, c, 1)) return 0;
      }
      return neg ? -1 : 1;
    }
  }
  /// Dequantized weight (r, c).
  constexpr float at(std::size_t r, std::size_t c) const noexcept { return float(q(r, c)) * scale[r]; }

  /// Byte holding (r, c) in plane `pl`, and the position of its field or bit in it.
  static constexpr std::size_t byte_index(std::size_t r, std::size_t c, std::size_t pl) noexcept {
    const std::size_t panel = (r / panel_rows) * panel_bytes;
    if constexpr (byte_layout) {
      return panel + (c / block_cols) * 64 + (r % panel_rows) * 4 + c % 4;
    } else {
      const std::size_t b = (r % panel_rows) * block_cols + c % block_cols;
      return panel + ((c / block_cols) * planes + pl) * 64 + b / 8;
    }
  }
  static constexpr unsigned bit_index(std::size_t r, std::size_t c) noexcept {
    if constexpr (byte_layout) return unsigned((c / 4) % quads_per_block) * bits;
    else return unsigned(((r % panel_rows) * block_cols + c % block_cols) % 8);
  }

 private:
  constexpr bool bit(std::size_t r, std::size_t c, std::size_t pl) const noexcept {
    return (w[byte_index(r, c, pl)] >> bit_index(r, c)) & 1u;
  }
  constexpr void set(std::size_t r, std::size_t c, std::int32_t v) noexcept {
    const auto put = [&](std::size_t pl, unsigned u) {
      w[byte_index(r, c, pl)] |= std::uint8_t(u << bit_index(r, c));
    };
    if constexpr (byte_layout) {
      put(0, unsigned(ternary ? v + 1 : (v + 1) / 2));
    } else {
      if (v < 0) put(0, 1);
      if constexpr (ternary) {
        if (v != 0) put(1, 1);
      }
    }
  }
};

/// Scalar twin: the exact integer dot product of the {-1, 0, +1} weights with the
/// activation integers (int8, or +-1 / 0 for bit-plane activations), then the epilogue.
template <quant::weight_format F, unsigned A, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, quant::bitplane<F, A>, R, C>& W,
            const input_buffer<quant::bitplane<F, A>, C>& in, float* y, const float* c, simd::common) noexcept {
  for (std::size_t r = 0; r < R; ++r) {
    std::int32_t acc = 0;
    for (std::size_t j = 0; j < C; ++j) {
      if constexpr (A == 8) acc += W.q(r, j) * std::int32_t(in.q[j]);
      else acc += W.q(r, j) * in.value(j);
    }
    y[r] = dequant_epilogue(float(acc), W.scale[r], in.scale, c ? c[r] : 0.0f);
  }
}

#if EMBER_HAS_X86_DOT
namespace detail {

template <class Arch>
inline constexpr bool is_avx512_tag =
#  if EMBER_HAS_AVX512BW
    std::is_base_of_v<simd::avx512, Arch>;
#  else
    false;
#  endif

// What the shape-independent body needs to know about one matrix and its input.
struct bitplane_args {
  const std::uint8_t* w;
  const float* scale;
  const std::int32_t* nonzeros;
  std::size_t rows, cols, panels, panel_bytes, blocks;
  const std::int8_t* xq;      // int8 activations
  const std::uint32_t* xneg;  // bit-plane activations
  const std::uint32_t* xnz;
  float x_scale;
  std::int32_t x_sum, x_count;
};

// Row sums of NP panels from p0, turned into the exact dot products, then the epilogue.
template <class Q, std::size_t NP, class Arch>
EMBER_ALWAYS_INLINE void bitplane_panels(const bitplane_args& g, float* y, const float* c, std::size_t p0,
                                         const Arch& arch) noexcept {
  constexpr bool tw = Q::ternary_weights, tx = Q::ternary_acts;
  alignas(64) std::int32_t acc[NP * panel_rows], aux[NP * panel_rows];
  const std::uint8_t* w = g.w + p0 * g.panel_bytes;
  const std::size_t r0 = p0 * panel_rows;
  if constexpr (Q::popcount) {
    simd::x86::popcount_panels<tw, tx, NP>(w, g.panel_bytes, g.blocks, g.xneg, g.xnz, acc, aux, arch);
    // sum_j w_j x_j = |M| - 2 |M & (sign_w ^ sign_x)|, M = the columns where both are non-zero
    for (std::size_t i = 0; i < NP * panel_rows; ++i) {
      const std::int32_t m = tw && tx ? aux[i] : tw ? g.nonzeros[r0 + i] : tx ? g.x_count : std::int32_t(g.cols);
      acc[i] = m - 2 * acc[i];
    }
  } else {
    // offset binary: sum u x with u = q + 1 (ternary) or (q + 1) / 2 (binary)
    simd::x86::dot_panels_u8s8<Q::weight_bits, NP>(w, g.panel_bytes, g.blocks, g.xq, acc, arch);
    for (std::size_t i = 0; i < NP * panel_rows; ++i) acc[i] = (tw ? acc[i] : 2 * acc[i]) - g.x_sum;
  }
  using Fb = simd::batch<float, Arch>;
  constexpr std::size_t L = Fb::size;
  if (r0 + NP * panel_rows <= g.rows) {
    const Fb sx(g.x_scale);
    EMBER_UNROLL for (std::size_t i = 0; i < NP * panel_rows; i += L) {
      const Fb a = simd::convert<float>(simd::load_aligned<std::int32_t, Arch>(acc + i));
      const Fb s = simd::load_aligned<float, Arch>(g.scale + r0 + i) * sx;
      const Fb add = c ? simd::load<float, Arch>(c + r0 + i) : Fb(0.0f);
      simd::store(y + r0 + i, simd::fma(a, s, add));
    }
  } else {  // the panel overhangs R: same formula, row by row
    for (std::size_t i = 0; r0 + i < g.rows; ++i)
      y[r0 + i] = dequant_epilogue(float(acc[i]), g.scale[r0 + i], g.x_scale, c ? c[r0 + i] : 0.0f);
  }
}

template <class Q, std::size_t NP, class Arch>
void bitplane_groups(const bitplane_args& g, float* y, const float* c, std::size_t p0, const Arch& arch) noexcept {
  for (; p0 + NP <= g.panels; p0 += NP) bitplane_panels<Q, NP>(g, y, c, p0, arch);
  if constexpr (NP > 1) {
    if (p0 < g.panels) bitplane_groups<Q, NP / 2>(g, y, c, p0, arch);
  }
}

// Instantiated once per (policy, arch), whatever the matrix shape.
template <class Q, class Arch>
EMBER_KERNEL_BODY void bitplane_matvec(const bitplane_args& g, float* y, const float* c, const Arch& arch) noexcept {
  // 8 panels (128 rows) per pass over x with 32 vector registers; AVX2 keeps fewer live.
  constexpr std::size_t np = is_avx512_tag<Arch> ? 8 : (Q::ternary_weights && Q::ternary_acts ? 2 : 4);
  bitplane_groups<Q, np>(g, y, c, 0, arch);
}

template <class Q, std::size_t R, std::size_t C>
bitplane_args make_bitplane_args(const packed_matrix<matvec::dense, Q, R, C>& W,
                                 const input_buffer<Q, C>& in) noexcept {
  using M = packed_matrix<matvec::dense, Q, R, C>;
  bitplane_args a{W.w.data(), W.scale.data(), W.nonzeros.data(), R, C, M::panels, M::panel_bytes, M::blocks,
                  nullptr, nullptr, nullptr, in.scale, 0, 0};
  if constexpr (Q::popcount) {
    a.xneg = in.neg.data();
    a.xnz = in.nz.data();
    a.x_count = in.count;
  } else {
    a.xq = in.q.data();
    a.x_sum = in.sum;
  }
  return a;
}

}  // namespace detail

/// x86: int8 activations on the u8 x s8 dot kernels of dense_s8 (AVX2 widening, AVX-512
/// VNNI); popcount on AVX2 (nibble table) and AVX-512 VPOPCNTDQ.
template <quant::weight_format F, unsigned A, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, quant::bitplane<F, A>, R, C>& W,
            const input_buffer<quant::bitplane<F, A>, C>& in, float* y, const float* c,
            const simd::avx2& arch) noexcept {
  detail::bitplane_matvec<quant::bitplane<F, A>>(detail::make_bitplane_args(W, in), y, c, arch);
}
#  if EMBER_HAS_AVX512_VPOPCNTDQ && EMBER_HAS_AVX512BW
template <quant::weight_format F, unsigned A, std::size_t R, std::size_t C>
  requires(A <= 2)
void matvec(const packed_matrix<matvec::dense, quant::bitplane<F, A>, R, C>& W,
            const input_buffer<quant::bitplane<F, A>, C>& in, float* y, const float* c,
            const simd::avx512& arch) noexcept {
  detail::bitplane_matvec<quant::bitplane<F, A>>(detail::make_bitplane_args(W, in), y, c, arch);
}
#  endif
#  if EMBER_HAS_AVX512_VNNI
template <quant::weight_format F, unsigned A, std::size_t R, std::size_t C>
  requires(A == 8)
void matvec(const packed_matrix<matvec::dense, quant::bitplane<F, A>, R, C>& W,
            const input_buffer<quant::bitplane<F, A>, C>& in, float* y, const float* c,
            const simd::avx512_vnni& arch) noexcept {
  detail::bitplane_matvec<quant::bitplane<F, A>>(detail::make_bitplane_args(W, in), y, c, arch);
}
#  endif
#endif

}  // namespace ember::kernels
