// Dense matvec for weight sharing (quant::shared<Clusters>): a k-means codebook per matrix,
// 4-bit labels in 16-row panels, products c_k x_j formed once per column and looked up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "ember/core/fixed_point.hpp"
#include "ember/core/quant_lowbit.hpp"
#include "ember/core/structure.hpp"
#include "ember/kernels/kmeans.hpp"
#include "ember/kernels/packed_matrix.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/x86_lookup.hpp"

namespace ember::kernels {

/// Layout: a sorted codebook of 16 floats (Clusters centroids, then zeros) and panels of
/// 16 rows; a panel is one 64-byte block per 8 columns, dword r of block g holding the
/// labels of row r, columns 8 g + j, in bits 4 j .. 4 j + 3 (padding labels are 0).
template <std::size_t K, std::size_t R, std::size_t C>
struct packed_matrix<matvec::dense, quant::shared<K>, R, C> {
  using quant = quant::shared<K>;
  static_assert(R > 0 && C > 0, "ember::kernels::packed_matrix: shapes must be non-zero");
  static constexpr std::size_t rows = R, cols = C;
  static constexpr std::size_t groups = ceil_div(C, 8);
  static constexpr std::size_t panels = ceil_div(R, panel_rows);
  static constexpr std::size_t panel_dwords = groups * panel_rows;

  aligned_array<std::uint32_t, panels * panel_dwords> labels{};
  aligned_array<float, 16> codebook{};
  std::size_t used = 0;  ///< distinct centroids (< K only if W has fewer distinct values)
  unsigned iterations = 0;

  /// Clusters the weights (kernels::kmeans_1d), labels each weight with
  /// its nearest centroid (ties to the smaller) and reports the codebook error: max and
  /// relative Frobenius error of W against its centroids. Non-finite weights stay out of
  /// the fit: NaN takes the label nearest 0, +-Inf the extreme ones (counted as saturated).
  constexpr quant_report pack(std::span<const float> m) noexcept {
    const auto fit = kmeans_1d<K>(m.first(R * C));
    used = fit.used;
    iterations = fit.iterations;
    sorted_centroids s;
    for (std::size_t k = 0; k < 16; ++k) codebook[k] = k < used ? float(fit.centroids[k]) : 0.0f;
    for (std::size_t k = 0; k < used; ++k) s.insert(double(codebook[k]));
    for (auto& d : labels) d = 0;
    quant_report_builder rep;
    for (std::size_t r = 0; r < R; ++r) {
      for (std::size_t c = 0; c < C; ++c) {
        const float v = m[r * C + c];
        const bool finite = v == v && v - v == 0.0f;
        const std::size_t l = s.nearest(v == v ? double(v) : 0.0);
        labels[index(r, c)] |= std::uint32_t(l) << (4 * (c % 8));
        if (finite) rep.add(v, codebook[l]);
        else if (v == v) ++rep.saturated;
      }
    }
    return rep.done();
  }
  constexpr std::uint32_t label(std::size_t r, std::size_t c) const noexcept {
    return (labels[index(r, c)] >> (4 * (c % 8))) & 15u;
  }
  /// Weight (r, c) as the kernel sees it: its centroid.
  constexpr float at(std::size_t r, std::size_t c) const noexcept { return codebook[label(r, c)]; }
  static constexpr std::size_t index(std::size_t r, std::size_t c) noexcept {
    return (r / panel_rows) * panel_dwords + (c / 8) * panel_rows + r % panel_rows;
  }
};

/// Activations stay fp32: the buffer is a view of the caller's vector.
template <std::size_t K, std::size_t N>
struct input_buffer<quant::shared<K>, N> {
  const float* x = nullptr;
};

template <std::size_t K, std::size_t N, class Arch>
void prepare(std::span<const float, N> x, input_buffer<quant::shared<K>, N>& in, Arch) noexcept {
  in.x = x.data();
}

/// Rows a pass over x covers: the 16 products of a column are formed once per pass.
inline constexpr std::size_t shared_pass_rows = 8 * panel_rows;

/// Scalar twin, in the order of the vector kernels: per pass of up to 128 rows and per
/// column j, the 16 products codebook[k] * x_j (one rounding each), then for each row
/// acc += product[label] in column order; y = acc + c. No fused multiply-add anywhere.
template <std::size_t K, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, quant::shared<K>, R, C>& W,
            const input_buffer<quant::shared<K>, C>& in, float* y, const float* c, simd::common) noexcept {
  for (std::size_t r0 = 0; r0 < R; r0 += shared_pass_rows) {
    const std::size_t n = R - r0 < shared_pass_rows ? R - r0 : shared_pass_rows;
    float acc[shared_pass_rows] = {};
    for (std::size_t j = 0; j < C; ++j) {
      float prod[16];
      for (std::size_t k = 0; k < 16; ++k) prod[k] = W.codebook[k] * in.x[j];
      for (std::size_t i = 0; i < n; ++i) acc[i] += prod[W.label(r0 + i, j)];
    }
    for (std::size_t i = 0; i < n; ++i) y[r0 + i] = acc[i] + (c ? c[r0 + i] : 0.0f);
  }
}

#if EMBER_HAS_X86_DOT
namespace detail {

struct shared_args {
  const std::uint32_t* labels;
  const float* codebook;
  std::size_t rows, cols, panels, panel_dwords;
  const float* x;
};

template <std::size_t NP, class Arch>
EMBER_ALWAYS_INLINE void shared_panels(const shared_args& g, float* y, const float* c, std::size_t p0,
                                       const Arch& arch) noexcept {
  alignas(64) float acc[NP * panel_rows];
  simd::x86::lookup_panels<NP>(g.labels + p0 * g.panel_dwords, g.panel_dwords, g.cols, g.codebook, g.x, acc, arch);
  using Fb = simd::batch<float, Arch>;
  constexpr std::size_t L = Fb::size;
  const std::size_t r0 = p0 * panel_rows;
  if (r0 + NP * panel_rows <= g.rows) {
    EMBER_UNROLL for (std::size_t i = 0; i < NP * panel_rows; i += L) {
      const Fb add = c ? simd::load<float, Arch>(c + r0 + i) : Fb(0.0f);
      simd::store(y + r0 + i, simd::load_aligned<float, Arch>(acc + i) + add);
    }
  } else {
    for (std::size_t i = 0; r0 + i < g.rows; ++i) y[r0 + i] = acc[i] + (c ? c[r0 + i] : 0.0f);
  }
}

template <std::size_t NP, class Arch>
void shared_groups(const shared_args& g, float* y, const float* c, std::size_t p0, const Arch& arch) noexcept {
  for (; p0 + NP <= g.panels; p0 += NP) shared_panels<NP>(g, y, c, p0, arch);
  if constexpr (NP > 1) {
    if (p0 < g.panels) shared_groups<NP / 2>(g, y, c, p0, arch);
  }
}

// Instantiated once per arch, whatever the shape or the number of clusters.
template <class Arch>
EMBER_KERNEL_BODY void shared_matvec(const shared_args& g, float* y, const float* c, const Arch& arch) noexcept {
  shared_groups<std::is_same_v<Arch, simd::avx2> ? 2 : 8>(g, y, c, 0, arch);
}

template <class Q, std::size_t R, std::size_t C>
shared_args make_shared_args(const packed_matrix<matvec::dense, Q, R, C>& W, const input_buffer<Q, C>& in) noexcept {
  using M = packed_matrix<matvec::dense, Q, R, C>;
  return {W.labels.data(), W.codebook.data(), R, C, M::panels, M::panel_dwords, in.x};
}

}  // namespace detail

/// x86: vpermps lookups of the per-column product table (AVX2: two 8-entry halves).
template <std::size_t K, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, quant::shared<K>, R, C>& W,
            const input_buffer<quant::shared<K>, C>& in, float* y, const float* c,
            const simd::avx2& arch) noexcept {
  detail::shared_matvec(detail::make_shared_args(W, in), y, c, arch);
}
#  if EMBER_HAS_AVX512BW
template <std::size_t K, std::size_t R, std::size_t C>
void matvec(const packed_matrix<matvec::dense, quant::shared<K>, R, C>& W,
            const input_buffer<quant::shared<K>, C>& in, float* y, const float* c,
            const simd::avx512& arch) noexcept {
  detail::shared_matvec(detail::make_shared_args(W, in), y, c, arch);
}
#  endif
#endif

}  // namespace ember::kernels
