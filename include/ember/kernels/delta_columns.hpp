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

/// int8 (byte-path) weights as column pairs, layout (P, Rp, 2), P = ceil(C / 2): weight
/// (r, c) at [(c / 2) * 2 Rp + 2 r + c % 2], one row scale each. A pair is read when either
/// of its columns propagates (its deltas as two int16 in one dword), and one vpmaddwd /
/// vpdpwssd does 16 rows x 2 columns: twice the MACs per instruction of a single column
/// (sign extension + vpmulld), at the price of the inactive half of active pairs.
template <class Q, std::size_t R, std::size_t C>
struct delta_pair_matrix {
  static_assert(R > 0 && C > 0, "ember::kernels::delta_pair_matrix: shapes must be non-zero");
  using quant = Q;
  using accum_type = std::int32_t;
  static constexpr std::size_t rows = R, cols = C, pairs = ceil_div(C, 2);
  static constexpr std::size_t padded_rows = ceil_div(R, panel_rows) * panel_rows;

  aligned_array<std::int8_t, pairs * 2 * padded_rows> w{};
  aligned_array<float, padded_rows> scale{};  // per row; 0 on padding rows

  constexpr quant_report pack(std::span<const float> m) noexcept {
    quant_report_builder rep;
    for (auto& v : w) v = 0;
    for (std::size_t r = 0; r < padded_rows; ++r) {
      scale[r] = r < R ? weight_scale<Q>(m.subspan(r * C, C)) : 0.0f;
      for (std::size_t c = 0; r < R && c < C; ++c)
        w[index(r, c)] = static_cast<std::int8_t>(quantize_weight<Q>(m[r * C + c], scale[r], rep));
    }
    return rep.done();
  }
  constexpr std::int32_t q(std::size_t r, std::size_t c) const noexcept { return w[index(r, c)]; }
  constexpr float at(std::size_t r, std::size_t c) const noexcept { return float(q(r, c)) * scale[r]; }
  static constexpr std::size_t index(std::size_t r, std::size_t c) noexcept {
    return (c / 2) * 2 * padded_rows + 2 * r + c % 2;
  }
};

/// Groups a column list (increasing) into pairs: pidx[k] = pair index, pdv[k] = its deltas
/// as int16 halves (low: even column, high: odd column; 0 for a column not in the list).
/// Returns the number of pairs. Deltas must fit int16 (byte path: |delta| <= 254).
inline std::size_t pair_columns(const std::uint32_t* idx, const std::int32_t* dv, std::size_t n, std::uint32_t* pidx,
                                std::int32_t* pdv) noexcept {
  std::size_t np = 0;
  for (std::size_t k = 0; k < n; ++np) {
    const std::uint32_t p = idx[k] / 2;
    std::uint32_t lo = 0, hi = 0;
    if (idx[k] % 2 == 0) lo = std::uint32_t(dv[k++]) & 0xffffu;
    if (k < n && idx[k] == 2 * p + 1) hi = std::uint32_t(dv[k++]) << 16;
    pidx[np] = p;
    pdv[np] = std::int32_t(lo | hi);
  }
  return np;
}

/// fp32 weights column-major over all rows, layout (C, Rp), Rp = R rounded up to 16:
/// a propagated column is one contiguous stream of Rp floats (prefetcher-friendly when W
/// does not fit in cache), a skipped column is never touched.
template <std::size_t R, std::size_t C>
struct delta_f32_matrix {
  static_assert(R > 0 && C > 0, "ember::kernels::delta_f32_matrix: shapes must be non-zero");
  using quant = quant::f32;
  static constexpr std::size_t rows = R, cols = C;
  static constexpr std::size_t padded_rows = ceil_div(R, panel_rows) * panel_rows;

  aligned_array<float, C * padded_rows> w{};

  constexpr quant_report pack(std::span<const float> m) noexcept {
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t r = 0; r < padded_rows; ++r) w[c * padded_rows + r] = r < R ? m[r * C + c] : 0.0f;
    return {};
  }
  constexpr float at(std::size_t r, std::size_t c) const noexcept { return w[c * padded_rows + r]; }
};

namespace detail {
template <class Q, std::size_t R, std::size_t C>
struct delta_matrix_of { using type = delta_int_matrix<Q, R, C>; };
template <std::size_t R, std::size_t C>
struct delta_matrix_of<quant::f32, R, C> { using type = delta_f32_matrix<R, C>; };
template <quant::byte_quant Q, std::size_t R, std::size_t C>
struct delta_matrix_of<Q, R, C> { using type = delta_pair_matrix<Q, R, C>; };
}  // namespace detail

/// The weights of a delta projection under Q: fp32 whole columns, <= 8-bit integers column
/// pairs, 16-bit integers 16-row panels.
template <class Q, std::size_t R, std::size_t C>
using delta_matrix = typename detail::delta_matrix_of<Q, R, C>::type;

/// Accumulator of a delta memory M (one per padded row).
template <class Q>
using delta_accum = std::conditional_t<std::same_as<Q, quant::f32>, float, typename Q::accum_type>;

// ---- scalar twins (the test oracles) --------------------------------------------------

/// M[r] = fma(W(r, idx[k]), dv[k], M[r]) for k = 0..n-1 in order (the vector kernel's order).
template <std::size_t R, std::size_t C>
void delta_accumulate(const delta_f32_matrix<R, C>& W, const std::uint32_t* idx, const float* dv, std::size_t n,
                      float* M, simd::common) noexcept {
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

/// Pairs: exact M[r] += q(r, 2p) d_lo + q(r, 2p + 1) d_hi for each listed pair.
template <class Q, std::size_t R, std::size_t C>
void delta_accumulate(const delta_pair_matrix<Q, R, C>& W, const std::uint32_t* pidx, const std::int32_t* pdv,
                      std::size_t n, std::int32_t* M, simd::common) noexcept {
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t c = 2 * std::size_t(pidx[k]);
    const auto lo = std::int32_t(std::int16_t(std::uint32_t(pdv[k]) & 0xffffu));
    const auto hi = std::int32_t(std::int16_t(std::uint32_t(pdv[k]) >> 16));
    for (std::size_t r = 0; r < R; ++r)
      M[r] += W.w[W.index(r, c)] * lo + W.w[W.index(r, c + 1)] * hi;  // column C (odd C) stores 0
  }
}

// ---- vector kernels -------------------------------------------------------------------

#if EMBER_HAS_XSIMD
namespace detail {

// Four listed columns per pass over the rows: M[r] = fma(w3, d3, fma(w2, d2, fma(w1, d1,
// fma(w0, d0, M[r])))) - the scalar twin's order, so results are bit-identical. Each pass
// streams four contiguous columns and M (which stays in L1/L2) once.
template <class A>
EMBER_KERNEL_BODY void delta_f32(const float* w, std::size_t Rp, const std::uint32_t* idx, const float* dv,
                                 std::size_t n, float* M) noexcept {
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size;
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const float* w0 = w + std::size_t(idx[k]) * Rp;
    const float* w1 = w + std::size_t(idx[k + 1]) * Rp;
    const float* w2 = w + std::size_t(idx[k + 2]) * Rp;
    const float* w3 = w + std::size_t(idx[k + 3]) * Rp;
    const B d0(dv[k]), d1(dv[k + 1]), d2(dv[k + 2]), d3(dv[k + 3]);
    for (std::size_t r = 0; r < Rp; r += L) {
      B m = simd::load_aligned<float, A>(M + r);
      m = simd::fma(simd::load_aligned<float, A>(w0 + r), d0, m);
      m = simd::fma(simd::load_aligned<float, A>(w1 + r), d1, m);
      m = simd::fma(simd::load_aligned<float, A>(w2 + r), d2, m);
      m = simd::fma(simd::load_aligned<float, A>(w3 + r), d3, m);
      simd::store_aligned(M + r, m);
    }
  }
  for (; k < n; ++k) {
    const float* w0 = w + std::size_t(idx[k]) * Rp;
    const B d0(dv[k]);
    for (std::size_t r = 0; r < Rp; r += L)
      simd::store_aligned(M + r, simd::fma(simd::load_aligned<float, A>(w0 + r), d0, simd::load_aligned<float, A>(M + r)));
  }
}

}  // namespace detail

/// Vector kernel: SIMD over the rows, four propagated columns per pass.
template <std::size_t R, std::size_t C, simd::vector_arch A>
void delta_accumulate(const delta_f32_matrix<R, C>& W, const std::uint32_t* idx, const float* dv, std::size_t n,
                      float* M, A) noexcept {
  static_assert(panel_rows % simd::batch<float, A>::size == 0, "ember: float lanes must divide 16");
  detail::delta_f32<A>(W.w.data(), W.padded_rows, idx, dv, n, M);
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
  constexpr std::size_t NP = 4;  // registers: 8 (16) int64 accumulators + temporaries
  delta_int_groups<NP>(w, panels, C, idx, dv, n, M, 0, arch);
}

}  // namespace detail

/// x86 pair kernels: AVX2 8 rows, AVX-512 16 rows per instruction, four pairs per pass.
template <class Q, std::size_t R, std::size_t C>
void delta_accumulate(const delta_pair_matrix<Q, R, C>& W, const std::uint32_t* pidx, const std::int32_t* pdv,
                      std::size_t n, std::int32_t* M, const simd::avx2& arch) noexcept {
  simd::x86::axpy_pairs(W.w.data(), W.padded_rows, pidx, pdv, n, M, arch);
}
#  if EMBER_HAS_AVX512BW
template <class Q, std::size_t R, std::size_t C>
void delta_accumulate(const delta_pair_matrix<Q, R, C>& W, const std::uint32_t* pidx, const std::int32_t* pdv,
                      std::size_t n, std::int32_t* M, const simd::avx512& arch) noexcept {
  simd::x86::axpy_pairs(W.w.data(), W.padded_rows, pidx, pdv, n, M, arch);
}
#  endif

/// x86 int16 kernels: SIMD over the rows of 4 panels (AVX2: 4 rows of int64 per register).
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
  std::size_t tail = 0;
#if EMBER_HAS_XSIMD
  if constexpr (simd::vector_arch<Arch> && std::same_as<Acc, std::int32_t>) {  // int64 -> float: scalar
    using F = simd::batch<float, Arch>;
    const F sx(scale_x);
    tail = R / F::size * F::size;
    for (std::size_t r = 0; r < tail; r += F::size) {
      const F a = simd::convert<float>(simd::load_aligned<std::int32_t, Arch>(M + r));
      const F s = simd::load_aligned<float, Arch>(scale_w + r) * sx;
      simd::store(y + r, simd::fma(a, s, c ? simd::load<float, Arch>(c + r) : F(0.0f)));
    }
  }
#endif
  for (std::size_t r = tail; r < R; ++r) y[r] = dequant_epilogue(float(M[r]), scale_w[r], scale_x, c ? c[r] : 0.0f);
}

}  // namespace ember::kernels
