// Dense int16 matvec (quant::int16, quant::fixed<16, F>): 16-row panels of column
// pairs for vpmaddwd, pair sums widened into int64 accumulators so no K can overflow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ember/core/fixed_point.hpp"
#include "ember/core/structure.hpp"
#include "ember/kernels/dense_s8.hpp"
#include "ember/kernels/packed_matrix.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/x86_dot.hpp"

namespace ember::kernels {

/// Layout: panels of 16 rows; a panel is `blocks` 32-element blocks, element 2 r + t
/// of block k holding weight (r, 2 k + t). Weights saturate to +-32767 so that a
/// vpmaddwd pair sum (<= 2 * 32767^2) never wraps before it is widened to int64.
template <quant::wide_quant Q, std::size_t R, std::size_t C>
struct packed_matrix<matvec::dense, Q, R, C> {
  static_assert(R > 0 && C > 0, "ember::kernels::packed_matrix: shapes must be non-zero");
  using quant = Q;
  static constexpr std::size_t rows = R, cols = C;
  static constexpr std::size_t blocks = ceil_div(C, 2);
  static constexpr std::size_t panels = ceil_div(R, panel_rows);
  static constexpr std::size_t panel_elems = blocks * 2 * panel_rows;

  aligned_array<std::int16_t, panels * panel_elems> w{};
  aligned_array<float, panels * panel_rows> scale{};

  constexpr quant_report pack(std::span<const float> m) noexcept {
    quant_report_builder rep;
    for (std::size_t r = 0; r < panels * panel_rows; ++r) {
      scale[r] = r < R ? weight_scale<Q>(m.subspan(r * C, C)) : 0.0f;
      for (std::size_t c = 0; c < blocks * 2; ++c)
        w[index(r, c)] = static_cast<std::int16_t>((r < R && c < C) ? quantize_weight<Q>(m[r * C + c], scale[r], rep) : 0);
    }
    return rep.done();
  }
  constexpr std::int32_t q(std::size_t r, std::size_t c) const noexcept { return w[index(r, c)]; }
  constexpr float at(std::size_t r, std::size_t c) const noexcept { return float(q(r, c)) * scale[r]; }
  static constexpr std::size_t index(std::size_t r, std::size_t c) noexcept {
    return (r / panel_rows) * panel_elems + (c / 2) * 2 * panel_rows + (r % panel_rows) * 2 + c % 2;
  }
};

/// Scalar twin: exact int64 dot products.
template <quant::wide_quant Q, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, simd::common) noexcept {
  for (std::size_t r = 0; r < R; ++r) {
    std::int64_t acc = 0;
    for (std::size_t j = 0; j < C; ++j) acc += std::int64_t(W.q(r, j)) * in.q[j];
    y[r] = dequant_epilogue(float(acc), W.scale[r], in.scale, c ? c[r] : 0.0f);
  }
}

#if EMBER_HAS_X86_DOT
namespace detail {

struct s16_args {
  const std::int16_t* w;
  const float* scale;
  std::size_t rows, panels, panel_elems, blocks;
  const std::int16_t* xq;
  float x_scale;
};

// Instantiated once per arch, whatever the shape.
template <std::size_t NP, class A>
EMBER_KERNEL_BODY void s16_groups(const s16_args& g, float* y, const float* c, std::size_t p0, const A& arch) noexcept {
  for (; p0 + NP <= g.panels; p0 += NP) {
    alignas(64) std::int64_t acc[NP * panel_rows];
    simd::x86::dot_panels_s16<NP>(g.w + p0 * g.panel_elems, g.panel_elems, g.blocks, g.xq, acc, arch);
    // int64 -> float has no AVX2 instruction: the epilogue is scalar (R ops vs R*C MACs).
    const std::size_t r0 = p0 * panel_rows;
    for (std::size_t i = 0; i < NP * panel_rows && r0 + i < g.rows; ++i)
      y[r0 + i] = dequant_epilogue(float(acc[i]), g.scale[r0 + i], g.x_scale, c ? c[r0 + i] : 0.0f);
  }
  if constexpr (NP > 1) {
    if (p0 < g.panels) s16_groups<NP / 2>(g, y, c, p0, arch);
  }
}

template <class Q, std::size_t R, std::size_t C>
s16_args make_s16_args(const packed_matrix<matvec::dense, Q, R, C>& W, const input_buffer<Q, C>& in) noexcept {
  using M = packed_matrix<matvec::dense, Q, R, C>;
  return {W.w.data(), W.scale.data(), R, M::panels, M::panel_elems, M::blocks, in.q.data(), in.scale};
}

}  // namespace detail

template <quant::wide_quant Q, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, const simd::avx2& arch) noexcept {
  detail::s16_groups<4>(detail::make_s16_args(W, in), y, c, 0, arch);
}
#  if EMBER_HAS_AVX512BW
template <quant::wide_quant Q, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, const simd::avx512& arch) noexcept {
  detail::s16_groups<4>(detail::make_s16_args(W, in), y, c, 0, arch);
}
#  endif
#endif

}  // namespace ember::kernels
