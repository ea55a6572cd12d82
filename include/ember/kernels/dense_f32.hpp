// Dense fp32 matvec y = W x + c: weights packed in 16-row panels, columns contiguous, so
// the kernel streams W once with broadcast x (no horizontal sums) and can skip columns.
#pragma once

#include <cstddef>
#include <span>
#include <utility>

#include "ember/core/fixed_point.hpp"
#include "ember/core/structure.hpp"
#include "ember/kernels/packed_matrix.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/batch.hpp"

namespace ember::kernels {

/// fp32 weights, layout (panels, Cols, 16): element (r, c) at
/// [(r / 16) * Cols * 16 + c * 16 + r % 16]; rows padded to 16 with zeros.
template <std::size_t R, std::size_t C>
struct packed_matrix<matvec::dense, quant::f32, R, C> {
  static_assert(R > 0 && C > 0, "ember::kernels::packed_matrix: shapes must be non-zero");
  using quant = quant::f32;
  static constexpr std::size_t rows = R, cols = C;
  static constexpr std::size_t panels = ceil_div(R, panel_rows);
  static constexpr std::size_t panel_stride = C * panel_rows;  // floats between panels

  aligned_array<float, panels * panel_stride> w{};

  /// Packs a row-major (R, C) matrix. fp32 stores it exactly: the report is all zeros.
  constexpr quant_report pack(std::span<const float> m) noexcept {
    for (std::size_t r = 0; r < panels * panel_rows; ++r)
      for (std::size_t c = 0; c < C; ++c) w[index(r, c)] = r < R ? m[r * C + c] : 0.0f;
    return {};
  }
  /// Weight (r, c) as the kernel sees it.
  constexpr float at(std::size_t r, std::size_t c) const noexcept { return w[index(r, c)]; }
  /// The 16 weights of column c in panel p (what a skipped column avoids reading).
  constexpr const float* column(std::size_t p, std::size_t c) const noexcept {
    return w.data() + p * panel_stride + c * panel_rows;
  }
  static constexpr std::size_t index(std::size_t r, std::size_t c) noexcept {
    return (r / panel_rows) * panel_stride + c * panel_rows + r % panel_rows;
  }
};

/// Scalar twin (the test oracle): y[r] = c[r] + sum_j W[r, j] x[j], in column order.
template <std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, quant::f32, R, C>& W, const input_buffer<quant::f32, C>& in,
            float* y, const float* c, simd::common) noexcept {
  for (std::size_t r = 0; r < R; ++r) {
    float s = c ? c[r] : 0.0f;
    for (std::size_t j = 0; j < C; ++j) s += W.at(r, j) * in.x[j];
    y[r] = s;
  }
}

#if EMBER_HAS_XSIMD
namespace detail {

// NV vectors of rows (NV * L rows, whole panels) against all C columns. J column
// streams with separate accumulators hide the FMA latency when NV is small.
template <class A, std::size_t NV>
EMBER_ALWAYS_INLINE void f32_rows(const float* EMBER_RESTRICT w, std::size_t C, const float* EMBER_RESTRICT x,
                                  float* out, const float* c) noexcept {  // c may alias out
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size;
  constexpr std::size_t V = panel_rows / L;        // vectors per panel
  constexpr std::size_t J = NV >= 4 ? 2 : 8 / NV;  // independent column streams
  const std::size_t stride = C * panel_rows;
  B acc[J][NV];
  EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
    acc[0][v] = c ? simd::load<float, A>(c + v * L) : B(0.0f);
    EMBER_UNROLL for (std::size_t k = 1; k < J; ++k) acc[k][v] = B(0.0f);
  }
  const auto col = [&]<std::size_t... Vs>(std::index_sequence<Vs...>, B (&a)[NV], const float* wj, float xj) {
    const B xb(xj);
    ((a[Vs] = simd::fma(simd::load_aligned<float, A>(wj + (Vs / V) * stride + (Vs % V) * L), xb, a[Vs])), ...);
  };
  std::size_t j = 0;
  for (; j + J <= C; j += J) {
    const float* wj = w + j * panel_rows;
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      (col(std::make_index_sequence<NV>{}, acc[Ks], wj + Ks * panel_rows, x[j + Ks]), ...);
    }(std::make_index_sequence<J>{});
  }
  for (; j < C; ++j) col(std::make_index_sequence<NV>{}, acc[0], w + j * panel_rows, x[j]);
  EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
    B s = acc[0][v];
    EMBER_UNROLL for (std::size_t k = 1; k < J; ++k) s += acc[k][v];
    simd::store(out + v * L, s);
  }
}

// Rows [r0, R) in groups of NV vectors, then smaller groups for the tail panels.
template <class A, std::size_t NV>
void f32_groups(const float* w, std::size_t R, std::size_t C, const float* x, float* y, const float* c,
                std::size_t r0) noexcept {
  constexpr std::size_t L = simd::batch<float, A>::size;
  constexpr std::size_t rows_per_group = NV * L;  // a multiple of panel_rows
  const std::size_t padded = ceil_div(R, panel_rows) * panel_rows;
  for (; r0 + rows_per_group <= padded; r0 += rows_per_group) {
    const float* wp = w + (r0 / panel_rows) * C * panel_rows;
    if (r0 + rows_per_group <= R) {
      f32_rows<A, NV>(wp, C, x, y + r0, c ? c + r0 : nullptr);
    } else {  // last group overhangs R: stage addend and result
      alignas(64) float cbuf[rows_per_group], obuf[rows_per_group];
      for (std::size_t i = 0; i < rows_per_group; ++i) cbuf[i] = (c && r0 + i < R) ? c[r0 + i] : 0.0f;
      f32_rows<A, NV>(wp, C, x, obuf, cbuf);
      for (std::size_t i = 0; r0 + i < R; ++i) y[r0 + i] = obuf[i];
    }
  }
  if constexpr (NV > panel_rows / L) {
    if (r0 < padded) f32_groups<A, NV / 2>(w, R, C, x, y, c, r0);
  }
}

// Shape-independent body: instantiated once per architecture, whatever the layer sizes
// (keeps compile times flat as models grow).
template <class A>
EMBER_KERNEL_BODY void f32_matvec(const float* w, std::size_t R, std::size_t C, const float* x, float* y, const float* c) noexcept {
  constexpr std::size_t L = simd::batch<float, A>::size;
  static_assert(L <= panel_rows && panel_rows % L == 0, "ember: float lanes must divide the 16-row panel");
  f32_groups<A, 8>(w, R, C, x, y, c, 0);
}

}  // namespace detail

/// Vector kernel: 8 vectors of rows at a time (128 rows on AVX-512), W read once.
template <std::size_t R, std::size_t C, simd::vector_arch A>
void matvec(const packed_matrix<matvec::dense, quant::f32, R, C>& W, const input_buffer<quant::f32, C>& in,
            float* y, const float* c, A) noexcept {
  detail::f32_matvec<A>(W.w.data(), R, C, in.x, y, c);
}
#endif

}  // namespace ember::kernels
