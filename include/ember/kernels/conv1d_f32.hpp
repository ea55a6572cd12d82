// fp32 1D convolution over time-major frames: weights in 16-row panels (tap, channel)
// column-major as the dense kernels; tiles of NT output steps x NV row vectors.
#pragma once

#include <cstddef>
#include <span>

#include "ember/core/quant.hpp"
#include "ember/kernels/conv1d_history.hpp"
#include "ember/kernels/conv_epilogue.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/lanes.hpp"

namespace ember::kernels {

/// The 1D convolution engine of one (quantization, shape) pair. Output step j reads the
/// frames j * stride + k * dilation (k < kernel) of the history; every path sums in the
/// same order (bias, then taps ascending, channels ascending), so a streamed output equals
/// the batch one bit for bit. The primary template only fails.
template <class Q, conv1d_spec S>
class conv1d_kernel {
  static_assert(always_false<Q>, "ember::kernels::conv1d_kernel: no 1D convolution kernel for this quantization");
};

template <conv1d_spec S>
class conv1d_kernel<quant::f32, S> {
 public:
  static constexpr std::size_t cin = S.in_channels, cout = S.out_channels, cin_g = S.cin_g(),
                               cout_g = S.cout_g(), taps = S.kernel, groups = S.groups;
  /// Depthwise (one input and one output channel per group): vectors run across channels.
  static constexpr bool depthwise = cin_g == 1 && cout_g == 1;
  static constexpr std::size_t rows_g = round_up(cout_g, panel_rows);  // padded rows per group
  static constexpr std::size_t panel_floats = taps * cin_g * panel_rows;
  static constexpr std::size_t weight_floats = depthwise ? taps * round_up(cout, panel_rows) : groups * rows_g * taps * cin_g;
  using history_type = frame_history<float, cin, conv1d_round * S.stride + S.reach() + 1,
                                     depthwise ? round_up(cin, panel_rows) - cin : 0>;

  constexpr quant_report set_weight(std::span<const float> v) noexcept {
    for (std::size_t co = 0; co < cout; ++co)
      for (std::size_t ci = 0; ci < cin_g; ++ci)
        for (std::size_t t = 0; t < taps; ++t) w_[index(co, ci, t)] = v[(co * cin_g + ci) * taps + t];
    return {};
  }
  constexpr void set_bias(std::span<const float> b) noexcept {
    for (std::size_t co = 0; co < cout; ++co) bias_[co] = b.empty() ? 0.0f : b[co];
  }
  constexpr void scale_channels(std::span<const float> a) noexcept {
    for (std::size_t co = 0; co < cout; ++co)
      for (std::size_t ci = 0; ci < cin_g; ++ci)
        for (std::size_t t = 0; t < taps; ++t) w_[index(co, ci, t)] *= a[co];
  }
  constexpr float weight(std::size_t co, std::size_t ci, std::size_t t) const noexcept { return w_[index(co, ci, t)]; }
  constexpr float bias(std::size_t co) const noexcept { return bias_[co]; }

  /// Pushes one input frame (nullptr: a zero frame); keep_from = first frame still needed.
  template <class Arch>
  void push(const float* x, std::size_t keep_from, history_type& h, Arch) const noexcept {
    float* f = h.push(keep_from);
    for (std::size_t c = 0; c < cin; ++c) f[c] = x ? x[c] : 0.0f;
  }

  /// Output steps j0 .. j0 + n - 1 into y (time-major, Cout per step). Scalar twin.
  template <activation Act, class ActP>
  void outputs(const history_type& h, std::size_t j0, std::size_t n, float* y, simd::common) const noexcept {
    for (std::size_t j = j0; j < j0 + n; ++j) {
      for (std::size_t co = 0; co < cout; ++co) {
        const std::size_t g = co / cout_g;
        float s = bias_[co];
        for (std::size_t t = 0; t < taps; ++t) {
          const float* x = h.frame(j * S.stride + t * S.dilation) + g * cin_g;
          for (std::size_t ci = 0; ci < cin_g; ++ci) s = simd::fma(weight(co, ci, t), x[ci], s);
        }
        y[(j - j0) * cout + co] = apply_activation<Act, ActP>(s);
      }
    }
  }

  template <activation Act, class ActP>
  void output(const history_type& h, std::size_t j, float* y, simd::common) const noexcept {
    outputs<Act, ActP>(h, j, 1, y, simd::common{});
  }

#if EMBER_HAS_XSIMD
  template <activation Act, class ActP, simd::vector_arch A>
  void outputs(const history_type& h, std::size_t j0, std::size_t n, float* y, A) const noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size;
    constexpr std::size_t vecs = (depthwise ? round_up(cout, panel_rows) : rows_g) / L;  // per group
    constexpr std::size_t NV = vecs < 4 ? vecs : 4;  // a multiple of 16 / L rows, like vecs
    constexpr std::size_t fit = (vector_registers<A> - 1 - NV) / NV;
    constexpr std::size_t NT = fit < 1 ? 1 : fit > 8 ? 8 : fit;
    std::size_t j = j0;
    for (; j + NT <= j0 + n; j += NT) block<Act, ActP, A, NT, NV, vecs>(h, j, y + (j - j0) * cout);
    for (; j < j0 + n; ++j) block<Act, ActP, A, 1, NV, vecs>(h, j, y + (j - j0) * cout);
  }
  /// One output step (streaming): the NT = 1 tile of outputs().
  template <activation Act, class ActP, simd::vector_arch A>
  void output(const history_type& h, std::size_t j, float* y, A) const noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t vecs = (depthwise ? round_up(cout, panel_rows) : rows_g) / B::size;
    block<Act, ActP, A, 1, (vecs < 4 ? vecs : 4), vecs>(h, j, y);
  }

 private:
  // NT output steps from step j, every group and row block, stored with the activation.
  template <activation Act, class ActP, class A, std::size_t NT, std::size_t NV, std::size_t Vecs>
  void block(const history_type& h, std::size_t j, float* y) const noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size;
    const float* x = h.frame(j * S.stride);
    alignas(64) float out[NT * NV * L];
    for (std::size_t g = 0; g < (depthwise ? 1 : groups); ++g) {
      for (std::size_t v0 = 0; v0 < Vecs; v0 += NV) {
        const std::size_t r0 = (v0 + NV <= Vecs ? v0 : Vecs - NV) * L;  // last block overlaps
        if constexpr (depthwise) tile_dw<A, NT, NV>(w_.data() + r0, x + r0, bias_.data() + r0, out);
        else tile<A, NT, NV>(w_.data() + (g * rows_g + r0) * taps * cin_g, x + g * cin_g, bias_.data() + g * cout_g + r0, out);
        constexpr std::size_t rows = depthwise ? cout : cout_g;
        const std::size_t valid = rows - (r0 < rows ? r0 : rows);
        for (std::size_t t = 0; t < NT; ++t) {
          float* yt = y + t * cout + (depthwise ? 0 : g * cout_g) + r0;
          EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
            const B r = apply_activation<Act, ActP>(simd::load_aligned<float, A>(out + (t * NV + v) * L));
            if ((v + 1) * L <= rows && v * L + L <= valid) simd::store(yt + v * L, r);  // (v+1)L <= rows: no store GCC must prove
            else if (v * L < valid) simd::store_lanes(yt + v * L, r, 0, valid - v * L);
          }
        }
      }
    }
  }

  // acc[t][v] = bias + sum over (tap, ci) of w(row, ci, tap) * x(frame of step t + tap)[ci].
  template <class A, std::size_t NT, std::size_t NV>
  [[gnu::noinline]] static void tile(const float* EMBER_RESTRICT w, const float* EMBER_RESTRICT x,
                                     const float* bias, float* out) noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size, fs = cin, vpp = panel_rows / L;
    constexpr auto w_at = [](std::size_t v) { return (v / vpp) * panel_floats + (v % vpp) * L; };
    B acc[NT][NV];
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
      EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) acc[t][v] = simd::load<float, A>(bias + v * L);
    }
    for (std::size_t k = 0; k < taps; ++k) {
      const float* xk = x + k * S.dilation * fs;
      for (std::size_t ci = 0; ci < cin_g; ++ci, w += panel_rows) {
        B wv[NV];
        EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) wv[v] = simd::load_aligned<float, A>(w + w_at(v));
        EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
          const B xb(xk[t * S.stride * fs + ci]);
          EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) acc[t][v] = simd::fma(wv[v], xb, acc[t][v]);
        }
      }
    }
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
      EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) simd::store_aligned(out + (t * NV + v) * L, acc[t][v]);
    }
  }

  // Depthwise: vectors across channels, acc[t][v] = bias + sum_k w(k, c) * x(step t + k)[c].
  template <class A, std::size_t NT, std::size_t NV>
  [[gnu::noinline]] static void tile_dw(const float* EMBER_RESTRICT w, const float* EMBER_RESTRICT x,
                                        const float* bias, float* out) noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size, fs = cin, wstride = round_up(cout, panel_rows);
    B acc[NT][NV];
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
      EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) acc[t][v] = simd::load<float, A>(bias + v * L);
    }
    for (std::size_t k = 0; k < taps; ++k) {
      B wv[NV];
      EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) wv[v] = simd::load<float, A>(w + k * wstride + v * L);
      EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
        const float* xt = x + (t * S.stride + k * S.dilation) * fs;
        EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v)
          acc[t][v] = simd::fma(wv[v], simd::load<float, A>(xt + v * L), acc[t][v]);
      }
    }
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
      EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) simd::store_aligned(out + (t * NV + v) * L, acc[t][v]);
    }
  }
#endif

 private:
  static constexpr std::size_t index(std::size_t co, std::size_t ci, std::size_t t) noexcept {
    if constexpr (depthwise) {
      return t * round_up(cout, panel_rows) + co;
    } else {
      const std::size_t g = co / cout_g, r = g * rows_g + co % cout_g;
      return (r / panel_rows) * panel_floats + (t * cin_g + ci) * panel_rows + r % panel_rows;
    }
  }

  aligned_array<float, weight_floats> w_{};
  aligned_array<float, round_up(cout, panel_rows) + panel_rows> bias_{};
};

}  // namespace ember::kernels
