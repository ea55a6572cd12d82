// Dense integer matvec for <= 8-bit weights (int8, int4, int2, q7) and int8 activations:
// VNNI-ready packing in 16-row panels, int32 accumulation, one fused float epilogue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ember/core/fixed_point.hpp"
#include "ember/core/structure.hpp"
#include "ember/kernels/packed_matrix.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/quantize.hpp"
#include "ember/simd/x86_dot.hpp"

namespace ember::kernels {

/// Layout: panels of 16 rows; a panel is `blocks` 64-byte blocks. Byte 4 r + t of a
/// block holds, in bit field s (Bits wide), weight (r, 4 (block * QPB + s) + t) in
/// offset binary u = q + 2^(Bits-1), where QPB = 8 / Bits column quads share a block
/// (int8: 1, int4: 2 nibbles, int2: 4 crumbs). The VNNI kernel multiplies u (unsigned)
/// by x (signed) and subtracts 2^(Bits-1) * sum(x) once per row.
template <quant::byte_quant Q, std::size_t R, std::size_t C>
struct packed_matrix<matvec::dense, Q, R, C> {
  static_assert(R > 0 && C > 0, "ember::kernels::packed_matrix: shapes must be non-zero");
  static_assert(C <= Q::max_reduction,
                "ember: this matrix has more columns than the int32 accumulator of this "
                "quantization can sum without overflow (Q::max_reduction)");
  using quant = Q;
  static constexpr std::size_t rows = R, cols = C;
  static constexpr unsigned bits = Q::weight_bits;
  static constexpr std::size_t quads_per_block = 8 / bits;
  static constexpr std::size_t cols_per_block = 4 * quads_per_block;
  static constexpr std::size_t blocks = ceil_div(C, cols_per_block);
  static constexpr std::size_t panels = ceil_div(R, panel_rows);
  static constexpr std::size_t panel_bytes = blocks * 64;
  static constexpr std::int32_t offset = 1 << (bits - 1);

  aligned_array<std::uint8_t, panels * panel_bytes> w{};
  aligned_array<float, panels * panel_rows> scale{};  // per row; 0 on padding rows

  /// Quantizes and packs a row-major (R, C) fp32 matrix; reports the error.
  constexpr quant_report pack(std::span<const float> m) noexcept {
    quant_report_builder rep;
    for (auto& b : w) b = 0;
    for (std::size_t r = 0; r < panels * panel_rows; ++r) {
      scale[r] = r < R ? weight_scale<Q>(m.subspan(r * C, C)) : 0.0f;
      for (std::size_t c = 0; c < blocks * cols_per_block; ++c) {
        const std::int32_t q = (r < R && c < C) ? quantize_weight<Q>(m[r * C + c], scale[r], rep) : 0;
        w[byte_index(r, c)] |= static_cast<std::uint8_t>(std::uint32_t(q + offset) << shift(c));
      }
    }
    return rep.done();
  }
  /// Signed integer weight (r, c).
  constexpr std::int32_t q(std::size_t r, std::size_t c) const noexcept {
    const std::uint32_t u = (w[byte_index(r, c)] >> shift(c)) & ((1u << bits) - 1);
    return std::int32_t(u) - offset;
  }
  /// Dequantized weight (r, c).
  constexpr float at(std::size_t r, std::size_t c) const noexcept { return float(q(r, c)) * scale[r]; }

  static constexpr std::size_t byte_index(std::size_t r, std::size_t c) noexcept {
    const std::size_t quad = c / 4;
    return (r / panel_rows) * panel_bytes + (quad / quads_per_block) * 64 + (r % panel_rows) * 4 + c % 4;
  }
  static constexpr unsigned shift(std::size_t c) noexcept { return unsigned((c / 4) % quads_per_block) * bits; }
};

/// The epilogue every integer path shares, in this order: (1) exact int32/int64 row sum,
/// (2) one float conversion, (3) y = fma(acc, scale_w[r] * scale_x, c) (one rounding).
inline float dequant_epilogue(float acc, float scale_w, float scale_x, float c) noexcept {
  return simd::fma(acc, scale_w * scale_x, c);
}

/// Scalar twin: exact int32 dot products on the unpacked integers.
template <quant::byte_quant Q, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, simd::common) noexcept {
  for (std::size_t r = 0; r < R; ++r) {
    std::int32_t acc = 0;
    for (std::size_t j = 0; j < C; ++j) acc += W.q(r, j) * std::int32_t(in.q[j]);
    y[r] = dequant_epilogue(float(acc), W.scale[r], in.scale, c ? c[r] : 0.0f);
  }
}

#if EMBER_HAS_XSIMD
/// Vector activation quantization (bit-identical to the scalar prepare()).
template <quant_policy Q, std::size_t N, simd::vector_arch A>
  requires Q::is_integer
void prepare(std::span<const float, N> x, input_buffer<Q, N>& in, A) noexcept {
  const float amax = simd::max_abs<A>(x.data(), N);
  const std::int32_t sum = simd::quantize<A>(x.data(), N, act_inv_scale<Q>(amax), Q::act_qmax, in.q.data());
  for (std::size_t j = N; j < in.padded; ++j) in.q[j] = 0;
  in.scale = act_scale<Q>(amax);
  if constexpr (requires { in.sum; }) in.sum = sum;
}
#endif

#if EMBER_HAS_X86_DOT
namespace detail {

// What the shape-independent body needs to know about one packed matrix and its input.
struct s8_args {
  const std::uint8_t* w;
  const float* scale;
  std::size_t rows, panels, panel_bytes, blocks;
  const std::int8_t* xq;
  float x_scale;
  std::int32_t x_correction;  // 2^(Bits-1) * sum(x_q)
};

// Row sums of NP panels starting at panel p0, then the epilogue on 16 rows at a time.
template <unsigned Bits, std::size_t NP, class A>
EMBER_ALWAYS_INLINE void s8_panels(const s8_args& g, float* y, const float* c, std::size_t p0, const A& arch) noexcept {
  using F = simd::batch<float, A>;
  using I = simd::batch<std::int32_t, A>;
  constexpr std::size_t L = F::size;
  alignas(64) std::int32_t acc[NP * panel_rows];
  simd::x86::dot_panels_u8s8<Bits, NP>(g.w + p0 * g.panel_bytes, g.panel_bytes, g.blocks, g.xq, acc, arch);
  const std::size_t r0 = p0 * panel_rows;
  if (r0 + NP * panel_rows <= g.rows) {
    const I corr(g.x_correction);
    const F sx(g.x_scale);
    EMBER_UNROLL for (std::size_t i = 0; i < NP * panel_rows; i += L) {
      const F a = simd::convert<float>(simd::load_aligned<std::int32_t, A>(acc + i) - corr);
      const F s = simd::load_aligned<float, A>(g.scale + r0 + i) * sx;
      const F add = c ? simd::load<float, A>(c + r0 + i) : F(0.0f);
      simd::store(y + r0 + i, simd::fma(a, s, add));
    }
  } else {  // the panel overhangs R (padding rows): same formula, row by row
    for (std::size_t i = 0; r0 + i < g.rows; ++i)
      y[r0 + i] = dequant_epilogue(float(acc[i] - g.x_correction), g.scale[r0 + i], g.x_scale, c ? c[r0 + i] : 0.0f);
  }
}

template <unsigned Bits, std::size_t NP, class A>
void s8_groups(const s8_args& g, float* y, const float* c, std::size_t p0, const A& arch) noexcept {
  for (; p0 + NP <= g.panels; p0 += NP) s8_panels<Bits, NP>(g, y, c, p0, arch);
  if constexpr (NP > 1) {
    if (p0 < g.panels) s8_groups<Bits, NP / 2>(g, y, c, p0, arch);
  }
}

// Instantiated once per (weight bits, arch), whatever the matrix shape.
template <unsigned Bits, class A>
EMBER_KERNEL_BODY void s8_matvec(const s8_args& g, float* y, const float* c, const A& arch) noexcept {
  s8_groups<Bits, 8>(g, y, c, 0, arch);
}

template <class Q, std::size_t R, std::size_t C>
s8_args make_s8_args(const packed_matrix<matvec::dense, Q, R, C>& W, const input_buffer<Q, C>& in) noexcept {
  using M = packed_matrix<matvec::dense, Q, R, C>;
  return {W.w.data(), W.scale.data(), R, M::panels, M::panel_bytes, M::blocks, in.q.data(), in.scale,
          M::offset * in.sum};
}

}  // namespace detail

/// x86 vector kernel (VNNI or AVX2 widening), 8 panels = 128 rows per pass over x.
template <quant::byte_quant Q, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, const simd::avx2& arch) noexcept {
  detail::s8_matvec<Q::weight_bits>(detail::make_s8_args(W, in), y, c, arch);
}
#  if EMBER_HAS_AVX512_VNNI
template <quant::byte_quant Q, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, const simd::avx512_vnni& arch) noexcept {
  detail::s8_matvec<Q::weight_bits>(detail::make_s8_args(W, in), y, c, arch);
}
#  endif
#endif

}  // namespace ember::kernels
