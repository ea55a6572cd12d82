// Block-circulant weights (matvec::circulant<K>): projection of a dense matrix at pack(),
// spectra FFT(w_ij) / K stored for the kernel (fp32, or int8/int16 with per-component scales).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ember/core/fixed_point.hpp"
#include "ember/core/structure.hpp"
#include "ember/kernels/circulant_projection.hpp"
#include "ember/kernels/dense_f32.hpp"
#include "ember/kernels/dense_s16.hpp"
#include "ember/kernels/dense_s8.hpp"
#include "ember/kernels/fft_batch.hpp"
#include "ember/kernels/packed_matrix.hpp"
#include "ember/kernels/quantize.hpp"

namespace ember::kernels {

/// Where each spectral weight of an (R, C) matrix of K x K circulant blocks lives.
/// block_rows x block_cols blocks; `lanes` block rows per panel (16 = one AVX-512 register, fewer when the
/// matrix has fewer block rows, so small matrices are not padded to 16); spectra cut
/// into chunks of up to 16 packed components so a kernel's accumulators fit in registers.
/// Element (bi, bj, k) at (((panel * chunks + k / chunk) * block_cols + bj) * chunk + k % chunk) * lanes + bi % lanes:
/// for one chunk, the kernel streams every input block j with all lanes' weights contiguous.
template <std::size_t K, std::size_t R, std::size_t C>
struct circulant_layout {
  static_assert(R > 0 && C > 0, "ember::kernels::packed_matrix: shapes must be non-zero");
  static_assert(fft::valid_size<K>, "matvec::circulant<K>: K must be a power of two from 1 to 64");
  static constexpr std::size_t rows = R, cols = C, block = K;
  static constexpr std::size_t block_rows = ceil_div(R, K), block_cols = ceil_div(C, K);
  static constexpr std::size_t lanes = block_rows >= 16 ? 16 : std::bit_ceil(block_rows);
  static constexpr std::size_t panels = ceil_div(block_rows, lanes);
  static constexpr std::size_t chunk = K < 16 ? K : 16, chunks = K / chunk;
  static constexpr std::size_t panel_floats = block_cols * K * lanes;  // one panel, all chunks
  static constexpr std::size_t size = panels * panel_floats;
  /// Row length of the input spectrum a matvec builds on its stack (K rows).
  static constexpr std::size_t spec_stride = round_up(block_cols, fft::max_lanes);
  /// Stack bytes a matvec call uses for the input spectrum.
  static constexpr std::size_t workspace_bytes = K * spec_stride * sizeof(float);

  static constexpr std::size_t index(std::size_t bi, std::size_t bj, std::size_t k) noexcept {
    return (((bi / lanes * chunks + k / chunk) * block_cols + bj) * chunk + k % chunk) * lanes + bi % lanes;
  }
};

namespace detail {
// Packed spectrum of the projected block (bi, bj), divided by K so that the kernel's
// unnormalized inverse FFT needs no final scaling (exact: K is a power of two).
template <std::size_t K>
constexpr std::array<double, K> projected_spectrum(std::span<const float> m, std::size_t R, std::size_t C,
                                                   std::size_t bi, std::size_t bj) noexcept {
  const auto w = circulant_project_block<K>(m, R, C, bi, bj);
  std::array<double, K> s{};
  fft::forward<K>(w.data(), s.data());
  for (auto& v : s) v /= double(K);
  return s;
}

// Adds one block's projection + storage error over its in-range entries to the report.
template <std::size_t K>
constexpr void report_block(quant_report_builder& rep, std::span<const float> m, std::size_t R, std::size_t C,
                            std::size_t bi, std::size_t bj, const std::array<float, K>& eff) noexcept {
  for (std::size_t a = 0; a < K && bi * K + a < R; ++a)
    for (std::size_t b = 0; b < K && bj * K + b < C; ++b)
      rep.add(m[(bi * K + a) * C + bj * K + b], eff[circulant_diagonal<K>(a, b)]);
}

// Mixin: first_column(), at() and expand() from the derived class's spectrum(bi, bj, k).
template <class Derived, std::size_t K, std::size_t R, std::size_t C>
struct circulant_access : circulant_layout<K, R, C> {
  /// First column of block (bi, bj) as the kernel applies it (inverse FFT in fp64).
  constexpr std::array<float, K> first_column(std::size_t bi, std::size_t bj) const noexcept {
    std::array<double, K> s{}, w{};
    for (std::size_t k = 0; k < K; ++k) s[k] = static_cast<const Derived&>(*this).spectrum(bi, bj, k);
    fft::inverse<K>(s.data(), w.data());
    std::array<float, K> out{};
    for (std::size_t d = 0; d < K; ++d) out[d] = float(w[d]);
    return out;
  }
  /// Weight (r, c) of the block-circulant matrix the kernel applies.
  constexpr float at(std::size_t r, std::size_t c) const noexcept {
    return first_column(r / K, c / K)[circulant_diagonal<K>(r % K, c % K)];
  }
  /// The dense (R, C) row-major expansion (for tests and export).
  constexpr void expand(std::span<float> out) const noexcept {
    for (std::size_t bi = 0; bi < this->block_rows; ++bi)
      for (std::size_t bj = 0; bj < this->block_cols; ++bj) {
        const auto w = first_column(bi, bj);
        for (std::size_t a = 0; a < K && bi * K + a < R; ++a)
          for (std::size_t b = 0; b < K && bj * K + b < C; ++b)
            out[(bi * K + a) * C + bj * K + b] = w[circulant_diagonal<K>(a, b)];
      }
  }
};
}  // namespace detail

/// circulant<1> is dense: the same storage, pack() and kernels (bit-identical results).
template <class Q, std::size_t R, std::size_t C>
struct packed_matrix<matvec::circulant<1>, Q, R, C> : packed_matrix<matvec::dense, Q, R, C> {
  constexpr void expand(std::span<float> out) const noexcept {
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) out[r * C + c] = this->at(r, c);
  }
};

/// fp32 spectra: w[index(bi, bj, k)] = FFT(first column of block (bi, bj))[k] / K.
template <std::size_t K, std::size_t R, std::size_t C>
  requires(K > 1)
struct packed_matrix<matvec::circulant<K>, quant::f32, R, C>
    : detail::circulant_access<packed_matrix<matvec::circulant<K>, quant::f32, R, C>, K, R, C> {
  using quant = quant::f32;
  using weight_type = float;
  using L = circulant_layout<K, R, C>;

  aligned_array<float, L::size> w{};

  /// Projects each K x K block of the row-major (R, C) matrix to its nearest circulant and
  /// stores the spectra; the report is the projection error (plus fp32 rounding).
  constexpr quant_report pack(std::span<const float> m) noexcept {
    w.fill(0.0f);
    quant_report_builder rep;
    for (std::size_t bi = 0; bi < L::block_rows; ++bi)
      for (std::size_t bj = 0; bj < L::block_cols; ++bj) {
        const auto s = detail::projected_spectrum<K>(m, R, C, bi, bj);
        for (std::size_t k = 0; k < K; ++k) w[L::index(bi, bj, k)] = float(s[k]);
        detail::report_block<K>(rep, m, R, C, bi, bj, this->first_column(bi, bj));
      }
    return rep.done();
  }
  /// Stored spectral weight k of block (bi, bj).
  constexpr double spectrum(std::size_t bi, std::size_t bj, std::size_t k) const noexcept {
    return w[L::index(bi, bj, k)];
  }
};

/// Integer spectra (quant::symmetric<W, A>): s = FFT(w_ij)[k] / K is stored as
/// q = round_half_even(s / scale) saturated to +-qmax (int8 for W <= 8, one per byte;
/// int16 for W = 16), with one float scale per (block row bi, packed component k) =
/// max over bj of |s| / qmax; the real and imaginary parts of a complex component share
/// it. The scale is constant along the sum over bj, so the kernel applies it once per
/// output component; weights are converted to float as they are loaded (see docs).
template <std::size_t K, class Q, std::size_t R, std::size_t C>
  requires(K > 1 && Q::is_integer && Q::scale == quant::scale_kind::per_row)
struct packed_matrix<matvec::circulant<K>, Q, R, C>
    : detail::circulant_access<packed_matrix<matvec::circulant<K>, Q, R, C>, K, R, C> {
  using quant = Q;
  using weight_type = typename Q::weight_type;
  using L = circulant_layout<K, R, C>;

  aligned_array<weight_type, L::size> w{};
  aligned_array<float, L::panels * L::lanes * K> scale{};  // [(panel * K + k) * lanes + lane]

  constexpr quant_report pack(std::span<const float> m) noexcept {
    w.fill(0);
    scale.fill(0.0f);
    quant_report_builder rep;
    for (std::size_t bi = 0; bi < L::block_rows; ++bi) {
      std::array<double, K> amax{};  // pass 1: scales (complex pairs share one)
      for (std::size_t bj = 0; bj < L::block_cols; ++bj) {
        const auto s = detail::projected_spectrum<K>(m, R, C, bi, bj);
        for (std::size_t k = 0; k < K; ++k) {
          const std::size_t pair = k < 2 ? k : k & ~std::size_t{1};
          amax[pair] = std::max(amax[pair], abs_value(s[k]));
        }
      }
      for (std::size_t k = 0; k < K; ++k) {
        const double a = amax[k < 2 ? k : k & ~std::size_t{1}];
        scale[scale_index(bi, k)] = a > 0 ? float(a / double(Q::weight_qmax)) : 1.0f;
      }
      for (std::size_t bj = 0; bj < L::block_cols; ++bj) {  // pass 2: quantize
        const auto s = detail::projected_spectrum<K>(m, R, C, bi, bj);
        for (std::size_t k = 0; k < K; ++k) {
          const float v = float(s[k] / double(scale[scale_index(bi, k)]));
          if (abs_value(v) > float(Q::weight_qmax) + 0.5f) ++rep.saturated;
          w[L::index(bi, bj, k)] = static_cast<weight_type>(quantize_symmetric(v, Q::weight_qmax));
        }
        detail::report_block<K>(rep, m, R, C, bi, bj, this->first_column(bi, bj));
      }
    }
    return rep.done();
  }
  constexpr std::int32_t q(std::size_t bi, std::size_t bj, std::size_t k) const noexcept {
    return w[L::index(bi, bj, k)];
  }
  /// Dequantized spectral weight k of block (bi, bj) (exact in double).
  constexpr double spectrum(std::size_t bi, std::size_t bj, std::size_t k) const noexcept {
    return double(q(bi, bj, k)) * double(scale[scale_index(bi, k)]);
  }
  static constexpr std::size_t scale_index(std::size_t bi, std::size_t k) noexcept {
    return (bi / L::lanes * K + k) * L::lanes + bi % L::lanes;
  }
};

/// Q-format policies would need a fixed-point FFT with per-stage rescaling: not offered.
template <std::size_t K, class Q, std::size_t R, std::size_t C>
  requires(K > 1 && Q::scale == quant::scale_kind::power_of_two)
struct packed_matrix<matvec::circulant<K>, Q, R, C> {
  static_assert(always_false<Q>,
                "ember: matvec::circulant<K> (K > 1) supports quant::f32 and quant::symmetric<W, A> "
                "(int8, int4, int2, int16); Q-format quant::fixed<B, F> has no circulant kernel");
};

}  // namespace ember::kernels
