// Column-skipping kernels of the delta projection: M += W[:, nz] * delta[nz] over 16-row
// panels stored column by column, so a skipped column is never read (fp32, int8, int16).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ember/core/fixed_point.hpp"
#include "ember/core/quant.hpp"
#include "ember/core/quant_format.hpp"
#include "ember/core/structure.hpp"
#include "ember/core/tensor.hpp"
#include "ember/kernels/dense_f32.hpp"
#include "ember/kernels/dense_s8.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/columns.hpp"
#include "ember/simd/math.hpp"

namespace ember::kernels {

/// Quantization policies the delta kernels support: fp32, and uniform integer weights
/// (symmetric<W, A>, fixed<Bits, Frac>), which the integer layout stores unpacked
/// (<= 8-bit weights as int8, 16-bit as int16). Bit-plane and codebook weights are not.
template <class Q>
concept delta_quant = std::same_as<Q, quant::f32> ||
                      (Q::is_integer && quant::format_of<Q> == quant::weight_format::uniform &&
                       requires { Q::weight_qmax; Q::act_qmax; typename Q::weight_type; });

/// Integer weights for column skipping, layout (panels, C, 16): weight (r, c) at
/// [(r / 16) * C * 16 + c * 16 + r % 16], one row scale each (as the dense kernels).
/// A column of a panel is 16 contiguous weights (16 or 32 bytes): a skipped column costs
/// no memory traffic. int4/int2 weights are stored one per byte (no nibble packing).
template <class Q, std::size_t R, std::size_t C>
struct delta_int_matrix {
  static_assert(R > 0 && C > 0, "ember::kernels::delta_int_matrix: shapes must be non-zero");
  using quant = Q;
  using weight_type = typename Q::weight_type;
  using accum_type = typename Q::accum_type;
  static constexpr std::size_t rows = R, cols = C;
  static constexpr std::size_t panels = ceil_div(R, panel_rows);
  static constexpr std::size_t panel_stride = C * panel_rows;  // weights between panels

  aligned_array<weight_type, panels * panel_stride> w{};
  aligned_array<float, panels * panel_rows> scale{};  // per row; 0 on padding rows

  constexpr quant_report pack(std::span<const float> m) noexcept {
    quant_report_builder rep;
    for (std::size_t r = 0; r < panels * panel_rows; ++r) {
      scale[r] = r < R ? weight_scale<Q>(m.subspan(r * C, C)) : 0.0f;
      for (std::size_t c = 0; c < C; ++c)
        w[index(r, c)] = static_cast<weight_type>(r < R ? quantize_weight<Q>(m[r * C + c], scale[r], rep) : 0);
    }
    return rep.done();
  }
  constexpr std::int32_t q(std::size_t r, std::size_t c) const noexcept { return w[index(r, c)]; }
  constexpr float at(std::size_t r, std::size_t c) const noexcept { return float(q(r, c)) * scale[r]; }
  static constexpr std::size_t index(std::size_t r, std::size_t c) noexcept {
    return (r / panel_rows) * panel_stride + c * panel_rows + r % panel_rows;
  }
};

/// The weights of a delta projection under Q: fp32 reuses the dense panel layout (each
/// column of a panel is already 64 contiguous bytes), integers the layout above.
template <class Q, std::size_t R, std::size_t C>
using delta_matrix = std::conditional_t<std::same_as<Q, quant::f32>, packed_matrix<matvec::dense, quant::f32, R, C>,
                                        delta_int_matrix<Q, R, C>>;

/// Accumulator of a delta memory M (one per padded row).
template <class Q>
using delta_accum = std::conditional_t<std::same_as<Q, quant::f32>, float, typename Q::accum_type>;

// ---- scalar twins (the test oracles) --------------------------------------------------

/// M[r] = fma(W(r, idx[k]), dv[k], M[r]) for k = 0..n-1 in order (the vector kernel's order).
template <std::size_t R, std::size_t C>
void delta_accumulate(const packed_matrix<matvec::dense, quant::f32, R, C>& W, const std::uint32_t* idx,
                      const float* dv, std::size_t n, float* M, simd::common) noexcept {
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t r = 0; r < R; ++r) M[r] = simd::fma(W.at(r, idx[k]), dv[k], M[r]);
}

/// Exact integer M[r] += sum_k q(r, idx[k]) * dv[k].
template <class Q, std::size_t R, std::size_t C>
void delta_accumulate(const delta_int_matrix<Q, R, C>& W, const std::uint32_t* idx, const std::int32_t* dv,
                      std::size_t n, typename Q::accum_type* M, simd::common) noexcept {
  using acc = typename Q::accum_type;
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t r = 0; r < R; ++r) M[r] += acc(W.q(r, idx[k])) * acc(dv[k]);
}

// ---- vector kernels -------------------------------------------------------------------

#if EMBER_HAS_XSIMD
namespace detail {

// NV vectors of rows (whole panels) against the listed columns; one accumulator per
// vector, columns in list order (so the scalar twin's order: results are bit-identical).
template <class A, std::size_t NV>
EMBER_ALWAYS_INLINE void delta_f32_rows(const float* w, std::size_t stride, const std::uint32_t* idx, const float* dv,
                                        std::size_t n, float* M) noexcept {
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size, V = panel_rows / L;
  B acc[NV];
  EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) acc[v] = simd::load_aligned<float, A>(M + v * L);
  for (std::size_t k = 0; k < n; ++k) {
    const float* wj = w + std::size_t(idx[k]) * panel_rows;
    const B d(dv[k]);
    EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v)
      acc[v] = simd::fma(simd::load_aligned<float, A>(wj + (v / V) * stride + (v % V) * L), d, acc[v]);
  }
  EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) simd::store_aligned(M + v * L, acc[v]);
}

template <class A, std::size_t NV>
void delta_f32_groups(const float* w, std::size_t panels, std::size_t C, const std::uint32_t* idx, const float* dv,
                      std::size_t n, float* M, std::size_t p0) noexcept {
  constexpr std::size_t L = simd::batch<float, A>::size, PG = NV * L / panel_rows;  // panels per group
  const std::size_t stride = C * panel_rows;
  for (; p0 + PG <= panels; p0 += PG) delta_f32_rows<A, NV>(w + p0 * stride, stride, idx, dv, n, M + p0 * panel_rows);
  if constexpr (NV > panel_rows / L) {
    if (p0 < panels) delta_f32_groups<A, NV / 2>(w, panels, C, idx, dv, n, M, p0);
  }
}

// Shape-independent body: one instantiation per architecture.
template <class A>
EMBER_KERNEL_BODY void delta_f32(const float* w, std::size_t panels, std::size_t C, const std::uint32_t* idx,
                                 const float* dv, std::size_t n, float* M) noexcept {
  delta_f32_groups<A, 8>(w, panels, C, idx, dv, n, M, 0);
}

}  // namespace detail

/// Vector kernel: up to 8 vectors of rows (128 on AVX-512) per pass over the listed columns.
template <std::size_t R, std::size_t C, simd::vector_arch A>
void delta_accumulate(const packed_matrix<matvec::dense, quant::f32, R, C>& W, const std::uint32_t* idx,
                      const float* dv, std::size_t n, float* M, A) noexcept {
  detail::delta_f32<A>(W.w.data(), ceil_div(R, panel_rows), C, idx, dv, n, M);
}
#endif

#if EMBER_HAS_X86_COLUMNS
namespace detail {

template <std::size_t NP, class T, class Acc, class A>
void delta_int_groups(const T* w, std::size_t panels, std::size_t C, const std::uint32_t* idx, const std::int32_t* dv,
                      std::size_t n, Acc* M, std::size_t p0, const A& arch) noexcept {
  const std::size_t stride = C * panel_rows;
  for (; p0 + NP <= panels; p0 += NP) simd::x86::axpy_columns<NP>(w + p0 * stride, stride, idx, dv, n, M + p0 * panel_rows, arch);
  if constexpr (NP > 1) {
    if (p0 < panels) delta_int_groups<NP / 2>(w, panels, C, idx, dv, n, M, p0, arch);
  }
}

template <class T, class Acc, class A>
EMBER_KERNEL_BODY void delta_int(const T* w, std::size_t panels, std::size_t C, const std::uint32_t* idx,
                                 const std::int32_t* dv, std::size_t n, Acc* M, const A& arch) noexcept {
  constexpr std::size_t NP = sizeof(T) == 1 ? 8 : 4;  // registers: 8 (16) accumulators + temporaries
  delta_int_groups<NP>(w, panels, C, idx, dv, n, M, 0, arch);
}

}  // namespace detail

/// x86 vector kernels: SIMD over the rows of 4-8 panels (AVX2: 8 rows per register).
template <class Q, std::size_t R, std::size_t C>
void delta_accumulate(const delta_int_matrix<Q, R, C>& W, const std::uint32_t* idx, const std::int32_t* dv,
                      std::size_t n, typename Q::accum_type* M, const simd::avx2& arch) noexcept {
  detail::delta_int(W.w.data(), W.panels, C, idx, dv, n, M, arch);
}
#  if EMBER_HAS_AVX512BW
/// AVX-512: 16 rows (one panel) per register.
template <class Q, std::size_t R, std::size_t C>
void delta_accumulate(const delta_int_matrix<Q, R, C>& W, const std::uint32_t* idx, const std::int32_t* dv,
                      std::size_t n, typename Q::accum_type* M, const simd::avx512& arch) noexcept {
  detail::delta_int(W.w.data(), W.panels, C, idx, dv, n, M, arch);
}
#  endif
#endif

// ---- epilogues: y = M + c -------------------------------------------------------------

/// fp32: y[r] = M[r] + c[r] (c may alias y, or be null).
template <class Arch>
void delta_epilogue(const float* M, std::size_t R, float* y, const float* c, Arch) noexcept {
  std::size_t tail = 0;
#if EMBER_HAS_XSIMD
  if constexpr (simd::vector_arch<Arch>) {
    using B = simd::batch<float, Arch>;
    tail = R / B::size * B::size;
    for (std::size_t r = 0; r < tail; r += B::size) {
      const B m = simd::load_aligned<float, Arch>(M + r);
      simd::store(y + r, c ? m + simd::load<float, Arch>(c + r) : m);
    }
  }
#endif
  for (std::size_t r = tail; r < R; ++r) y[r] = c ? M[r] + c[r] : M[r];
}

/// Integer: the dense kernels' epilogue, y[r] = fma(float(M[r]), scale_w[r] * scale_x, c[r]),
/// so an exact M equal to the dense row sum gives the dense output bit for bit.
template <class Acc, class Arch>
void delta_epilogue(const Acc* M, const float* scale_w, float scale_x, std::size_t R, float* y, const float* c,
                    Arch) noexcept {
  for (std::size_t r = 0; r < R; ++r) y[r] = dequant_epilogue(float(M[r]), scale_w[r], scale_x, c ? c[r] : 0.0f);
}

}  // namespace ember::kernels
