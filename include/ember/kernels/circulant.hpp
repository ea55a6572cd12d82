// Block-circulant matvec y = W x + c (C-LSTM, E-RNN): FFT each input block once, multiply-
// accumulate in the frequency domain, one inverse FFT per output block. Scalar twin + SIMD.
#pragma once

#include <cstddef>
#include <type_traits>

#include "ember/kernels/circulant_packed.hpp"
#include "ember/kernels/fft_batch.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/shuffle.hpp"

namespace ember::kernels {

// Per call, for an (R, C) matrix of p x q blocks:
//   1. X_j = FFT(x_j) for the q input blocks (lanes = blocks), into a K x q stack buffer;
//   2. Y_i[k] = sum_j S_ij[k] X_j[k], S = FFT(w_ij) / K precomputed by pack(); lanes are
//      16 (or fewer) output blocks, X_j[k] is broadcast, so the loop is a dense complex
//      matvec per frequency with every weight read once;
//   3. y_i = IFFT(Y_i) (unnormalized: the 1/K sits in S), then y = y (* scale_x) + c.
// Integer policies: x arrives quantized (input_buffer, as for dense), its integers are
// transformed in fp32, weights are widened to float as they are loaded, the per-(bi, k)
// weight scale multiplies Y_i[k] once and scale_x the result.

namespace detail {
template <class Q, std::size_t C>
constexpr auto circulant_input(const input_buffer<Q, C>& in) noexcept {
  if constexpr (Q::is_integer) return in.q.data();
  else return in.x;
}
template <class Q, std::size_t C>
EMBER_ALWAYS_INLINE float circulant_epilogue(float t, const input_buffer<Q, C>& in, const float* c,
                                             std::size_t r) noexcept {
  if constexpr (Q::is_integer) return simd::fma(t, in.scale, c ? c[r] : 0.0f);
  else return c ? t + c[r] : t;
}
}  // namespace detail

/// Scalar twin (the test oracle): the same arithmetic, one block row at a time.
template <std::size_t K, class Q, std::size_t R, std::size_t C>
  requires(K > 1)
void matvec(const packed_matrix<matvec::circulant<K>, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, simd::common) noexcept {
  using M = packed_matrix<matvec::circulant<K>, Q, R, C>;
  constexpr std::size_t S = M::spec_stride;
  alignas(64) float spec[K * S]{};  // all written by forward_blocks; {} quiets GCC 12 -Wuninitialized at K = 64
  fft::forward_blocks<K>(detail::circulant_input(in), C, spec, S, simd::common{});
  for (std::size_t bi = 0; bi < M::block_rows; ++bi) {
    float acc[K] = {};
    for (std::size_t bj = 0; bj < M::block_cols; ++bj) {
      const auto w = [&](std::size_t k) { return float(W.w[M::index(bi, bj, k)]); };
      const float* x = spec + bj;
      acc[0] = simd::fma(w(0), x[0], acc[0]);  // X_0 and X_{K/2}: real
      acc[1] = simd::fma(w(1), x[S], acc[1]);
      for (std::size_t k = 2; k < K; k += 2) {  // complex: (wr + i wi)(xr + i xi)
        acc[k] = simd::fma(w(k), x[k * S], acc[k]);
        acc[k] = simd::fnma(w(k + 1), x[(k + 1) * S], acc[k]);
        acc[k + 1] = simd::fma(w(k), x[(k + 1) * S], acc[k + 1]);
        acc[k + 1] = simd::fma(w(k + 1), x[k * S], acc[k + 1]);
      }
    }
    if constexpr (Q::is_integer) {
      // fma(a, s, 0), not a * s: GCC contracts a bare product into the inverse FFT's first
      // additions (-ffp-contract=fast) differently here and in the vector kernel (seen at -O2).
      for (std::size_t k = 0; k < K; ++k) acc[k] = simd::fma(acc[k], W.scale[M::scale_index(bi, k)], 0.0f);
    }
    float t[K];
    fft::inverse<K>(acc, t);
    for (std::size_t i = 0; i < K && bi * K + i < R; ++i)
      y[bi * K + i] = detail::circulant_epilogue(t[i], in, c, bi * K + i);
  }
}

#if EMBER_HAS_XSIMD
namespace detail {

template <class A, class WT>
EMBER_ALWAYS_INLINE simd::batch<float, A> load_weights(const WT* p) noexcept {
  if constexpr (std::is_same_v<WT, float>) return simd::load_aligned<float, A>(p);
  else return simd::load_as_float<A>(p);
}

// Components [k0, k0 + F) of NU register-wide units (L block rows each) summed over all q
// input blocks. w: this sub-chunk's weights of unit 0; unit u is at w + off[u].
template <class M, class A, std::size_t F, std::size_t NU, bool DC, class WT, class B>
EMBER_ALWAYS_INLINE void circulant_mac(const WT* w, const std::size_t (&off)[NU], const float* x,
                                       B (&acc)[F][NU]) noexcept {
  constexpr std::size_t S = M::spec_stride, lanes = M::lanes;
  EMBER_UNROLL for (std::size_t f = 0; f < F; ++f)
    EMBER_UNROLL for (std::size_t u = 0; u < NU; ++u) acc[f][u] = B(0.0f);
  for (std::size_t j = 0; j < M::block_cols; ++j, w += M::chunk * lanes) {
    EMBER_UNROLL for (std::size_t f = 0; f < F; f += 2) {
      const B xr(x[f * S + j]), xi(x[(f + 1) * S + j]);
      EMBER_UNROLL for (std::size_t u = 0; u < NU; ++u) {
        const B wr = load_weights<A>(w + off[u] + f * lanes);
        const B wi = load_weights<A>(w + off[u] + (f + 1) * lanes);
        if (DC && f == 0) {
          acc[0][u] = simd::fma(wr, xr, acc[0][u]);
          acc[1][u] = simd::fma(wi, xi, acc[1][u]);
        } else {
          acc[f][u] = simd::fma(wr, xr, acc[f][u]);
          acc[f][u] = simd::fnma(wi, xi, acc[f][u]);
          acc[f + 1][u] = simd::fma(wr, xi, acc[f + 1][u]);
          acc[f + 1][u] = simd::fma(wi, xr, acc[f + 1][u]);
        }
      }
    }
  }
}

// Inverse FFT of one unit's L accumulated spectra (row k at s + k * s_stride, times
// scale[k * scale_stride] for integer policies), written to out[0, L K) in row order.
// Depends on (K, arch) only, so every matrix shape shares one copy of the transform.
template <std::size_t K, class A, bool Scaled>
void circulant_inverse(const float* s, std::size_t s_stride, const float* scale, std::size_t scale_stride,
                       float* out) noexcept {
  using B = simd::batch<float, A>;
  B v[K], t[K];
  EMBER_UNROLL for (std::size_t k = 0; k < K; ++k) {
    v[k] = simd::load_aligned<float, A>(s + k * s_stride);
    if constexpr (Scaled) v[k] = simd::fma(v[k], simd::load_aligned<float, A>(scale + k * scale_stride), B(0.0f));
  }
  fft::inverse<K>(v, t);
  fft::scatter_lanes<K, A>(t, out);
}

// y[r0, r0 + n) from the unit's time-domain rows t (bias, input scale), same rounding as
// the scalar twin's epilogue. The tail loop's constant bound (fewer than L rows) keeps
// GCC 12 from reporting a 2^62-iteration loop (-Waggressive-loop-optimizations, -O2, AVX2).
template <class A, class Q, std::size_t C>
EMBER_ALWAYS_INLINE void circulant_store(const float* t, std::size_t n, const input_buffer<Q, C>& in, float* y,
                                         const float* c, std::size_t r0) noexcept {
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size;
  std::size_t i = 0;
  for (; i + L <= n; i += L) {
    B v = simd::load_aligned<float, A>(t + i);
    if constexpr (Q::is_integer) v = simd::fma(v, B(in.scale), c ? simd::load<float, A>(c + r0 + i) : B(0.0f));
    else if (c) v = v + simd::load<float, A>(c + r0 + i);
    simd::store(y + r0 + i, v);
  }
  for (std::size_t k = 0; k < L - 1 && i + k < n; ++k) y[r0 + i + k] = circulant_epilogue(t[i + k], in, c, r0 + i + k);
}

// Units [u0, units) in groups of NU (then NU / 2 ...). A unit is L consecutive block rows
// of one panel (panels are `lanes` >= L block rows wide).
template <std::size_t NU, class A, class M, class Q>
void circulant_units(const M& W, const input_buffer<Q, M::cols>& in, const float* spec, float* y, const float* c,
                     std::size_t u0) noexcept {
  using B = simd::batch<float, A>;
  constexpr std::size_t K = M::block, L = B::size, G = M::lanes / L, units = M::panels * G;
  constexpr std::size_t F = M::chunk < (L == 16 ? 16 : 8) ? M::chunk : (L == 16 ? 16 : 8);
  for (; u0 + NU <= units; u0 += NU) {
    std::size_t off[NU];
    for (std::size_t u = 0; u < NU; ++u) off[u] = (u0 + u) / G * M::panel_floats + (u0 + u) % G * L;
    alignas(64) float sbuf[K][NU * L];
    for (std::size_t k0 = 0; k0 < K; k0 += F) {
      B acc[F][NU];
      const auto* w = W.w.data() + (k0 / M::chunk) * M::block_cols * M::chunk * M::lanes + (k0 % M::chunk) * M::lanes;
      if (k0 == 0) circulant_mac<M, A, F, NU, true>(w, off, spec + k0 * M::spec_stride, acc);
      else circulant_mac<M, A, F, NU, false>(w, off, spec + k0 * M::spec_stride, acc);
      EMBER_UNROLL for (std::size_t f = 0; f < F; ++f)
        EMBER_UNROLL for (std::size_t u = 0; u < NU; ++u) simd::store_aligned(&sbuf[k0 + f][u * L], acc[f][u]);
    }
    for (std::size_t u = 0; u < NU; ++u) {
      const std::size_t panel = (u0 + u) / G, g = (u0 + u) % G;
      const std::size_t r0 = (panel * M::lanes + g * L) * K;
      if (r0 >= M::rows) continue;
      alignas(64) float t[L * K];
      if constexpr (Q::is_integer)
        circulant_inverse<K, A, true>(&sbuf[0][u * L], NU * L, W.scale.data() + panel * K * M::lanes + g * L,
                                      M::lanes, t);
      else
        circulant_inverse<K, A, false>(&sbuf[0][u * L], NU * L, nullptr, 0, t);
      circulant_store<A>(t, std::min(L * K, M::rows - r0), in, y, c, r0);
    }
  }
  if constexpr (NU > 1) {
    if (u0 < units) circulant_units<NU / 2, A>(W, in, spec, y, c, u0);
  }
}

}  // namespace detail

namespace detail {
// Matrices with fewer block-row lanes than the register (few block rows) run on a
// narrower arch, or on the scalar twin.
template <class A, std::size_t K, class Q, std::size_t R, std::size_t C>
void circulant_vector(const packed_matrix<matvec::circulant<K>, Q, R, C>& W, const input_buffer<Q, C>& in,
                      float* y, const float* c) noexcept {
  using M = packed_matrix<matvec::circulant<K>, Q, R, C>;
  constexpr std::size_t L = simd::batch<float, A>::size;
  if constexpr (M::lanes < L) {
#  if defined(__AVX2__) && defined(__FMA__)
    if constexpr (M::lanes >= 8 && L > 8) {
      circulant_vector<simd::generic_vector<typename simd::avx2::xsimd_arch>>(W, in, y, c);
      return;
    }
#  endif
    matvec(W, in, y, c, simd::common{});
  } else {
    alignas(64) float spec[K * M::spec_stride];
    fft::forward_blocks<K>(circulant_input(in), C, spec, M::spec_stride, A{});
    constexpr std::size_t F = M::chunk < (L == 16 ? 16 : 8) ? M::chunk : (L == 16 ? 16 : 8);
    constexpr std::size_t NU = F >= (L == 16 ? 16 : 8) ? 1 : (L == 16 ? 16 : 8) / F;
    circulant_units<NU, A>(W, in, spec, y, c, 0);
  }
}
}  // namespace detail

/// Vector kernel. Float kernels depend only on the register width, so every tag of one
/// xsimd arch (avx512, avx512_vnni) shares one instantiation.
template <std::size_t K, class Q, std::size_t R, std::size_t C, simd::vector_arch A>
  requires(K > 1)
void matvec(const packed_matrix<matvec::circulant<K>, Q, R, C>& W, const input_buffer<Q, C>& in, float* y,
            const float* c, A) noexcept {
  detail::circulant_vector<simd::generic_vector<typename A::xsimd_arch>>(W, in, y, c);
}
#endif

}  // namespace ember::kernels
