// Pooling kernels: 2D max / average over the staged grid2d layout (vectors across output
// pixels, as the convolutions), 1D pooling over time-major frames (vectors across channels).
#pragma once

#include <cstddef>
#include <limits>

#include "ember/core/tensor.hpp"
#include "ember/kernels/conv2d_stage.hpp"
#include "ember/kernels/conv_plan.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/lanes.hpp"

namespace ember {
/// Max pooling, or average pooling (the divisor counts padding zeros when CountIncludePad,
/// as PyTorch's default, else only the input elements under the window).
enum class pool_kind : unsigned char { max, avg };
}  // namespace ember

namespace ember::kernels {

inline constexpr float neg_inf = -std::numeric_limits<float>::infinity();

template <pool_kind Kind>
EMBER_ALWAYS_INLINE float pool_op(float a, float b) noexcept {
  if constexpr (Kind == pool_kind::max) return b > a ? b : a;
  else return a + b;
}
#if EMBER_HAS_XSIMD
template <pool_kind Kind, class V>
EMBER_ALWAYS_INLINE V pool_op(const V& a, const V& b) noexcept {
  if constexpr (Kind == pool_kind::max) return simd::max(a, b);
  else return a + b;
}
#endif

/// Divisor of output pixel (oh, ow) of an average pool on grid g.
constexpr float pool_divisor(const grid2d& g, bool include_pad, std::size_t oh, std::size_t ow) noexcept {
  if (include_pad) return float(g.taps());
  const auto count = [](const window_axis& a, std::size_t o) {
    std::size_t n = 0;
    for (std::size_t k = 0; k < a.kernel; ++k) {
      const std::size_t i = o * a.stride + k * a.dilation;
      n += (i >= a.before && i - a.before < a.in) ? 1 : 0;
    }
    return n;
  };
  return float(count(g.h, oh) * count(g.w, ow));
}

/// 2D pooling of `Channels` CHW planes on grid G, with its staging scratch.
template <pool_kind Kind, std::size_t Channels, grid2d G, bool IncludePad>
class pool2d_kernel {
 public:
  static constexpr std::size_t out_plane = G.hout() * G.wout(), in_plane = G.h.in * G.w.in;
  static constexpr float pad_value = Kind == pool_kind::max ? neg_inf : 0.0f;

  /// Scalar twin: direct loops, taps in (kh, kw) order.
  void run(const float* x, float* y, simd::common) const noexcept {
    for (std::size_t c = 0; c < Channels; ++c) {
      for (std::size_t oh = 0; oh < G.hout(); ++oh) {
        for (std::size_t ow = 0; ow < G.wout(); ++ow) {
          float acc = pad_value;
          for (std::size_t t = 0; t < G.taps(); ++t) {
            const std::size_t ih = oh * G.h.stride + (t / G.w.kernel) * G.h.dilation,
                              iw = ow * G.w.stride + (t % G.w.kernel) * G.w.dilation;
            const bool inside = ih >= G.h.before && ih - G.h.before < G.h.in && iw >= G.w.before && iw - G.w.before < G.w.in;
            acc = pool_op<Kind>(acc, inside ? x[c * in_plane + (ih - G.h.before) * G.w.in + (iw - G.w.before)] : pad_value);
          }
          if constexpr (Kind == pool_kind::avg) acc = acc / pool_divisor(G, IncludePad, oh, ow);
          y[c * out_plane + oh * G.wout() + ow] = acc;
        }
      }
    }
  }

#if EMBER_HAS_XSIMD
  template <simd::vector_arch A>
  void run(const float* x, float* y, A) noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size;
    constexpr vector_tiling T = make_tiling(G, L);
    constexpr std::size_t NV = vectors(T);
    static constexpr auto offsets = tap_offsets<G.taps()>(G);
    stage_planes(G, Channels, x, stage_.data(), pad_value);
    for (std::size_t j0 = 0; j0 < T.count; j0 += NV) {
      const std::size_t js = j0 + NV <= T.count ? j0 : T.count - NV;
      tile_stores<L, NV, T.rows, (G.wout() >= L)> st;
      [[maybe_unused]] B div[NV];
      for (std::size_t v = 0; v < NV; ++v) {
        const std::size_t j = js + v;
        if constexpr (T.rows) st.set_row(v, G, j / T.vpr, j % T.vpr * L);
        else st.set_flat(v, G, j * L);
        if constexpr (Kind == pool_kind::avg) div[v] = divisors<A>(j);
      }
      for (std::size_t c = 0; c < Channels; ++c) {
        const float* xc = stage_.data() + c * G.plane + T.offset(js);
        B acc[NV];
        EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) acc[v] = B(pad_value);
        for (std::size_t t = 0; t < G.taps(); ++t) {
          EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v)
            acc[v] = pool_op<Kind>(acc[v], simd::load<float, A>(xc + offsets[t] + (v / T.run(NV)) * T.pitch + (v % T.run(NV)) * L));
        }
        EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
          if constexpr (Kind == pool_kind::avg) acc[v] = acc[v] / div[v];
          st.store(y + c * out_plane, acc[v], v);
        }
      }
    }
  }

 private:
  // At most 8 accumulators (and 8 divisors) per tile, as the tiling allows.
  static constexpr std::size_t vectors(const vector_tiling& t) noexcept {
    std::size_t n = 1;
    for (std::size_t k = 1; k <= 8 && k <= t.count; ++k) n = t.allows(k) ? k : n;
    return n;
  }
  // Divisors of the L outputs of vector j (1 for junk lanes).
  template <class A>
  static simd::batch<float, A> divisors(std::size_t j) noexcept {
    constexpr std::size_t L = simd::batch<float, A>::size;
    constexpr vector_tiling T = make_tiling(G, L);
    alignas(64) float d[L];
    for (std::size_t l = 0; l < L; ++l) {
      std::size_t oh, ow;
      if constexpr (T.rows) oh = j / T.vpr, ow = j % T.vpr * L + l;
      else oh = (j * L + l) / G.wph, ow = (j * L + l) % G.wph;
      d[l] = oh < G.hout() && ow < G.wout() ? pool_divisor(G, IncludePad, oh, ow) : 1.0f;
    }
    return simd::load_aligned<float, A>(d);
  }

  aligned_array<float, G.staged_pixels(Channels)> stage_{};
#endif
};

/// 1D pooling over time-major frames of C channels (vectors across channels).
template <pool_kind Kind, std::size_t C, window_axis Ax, bool IncludePad, class Arch>
void pool1d(const float* x, std::size_t t_in, float* y, std::size_t t_out, Arch) noexcept {
  constexpr float pad = Kind == pool_kind::max ? neg_inf : 0.0f;
  for (std::size_t t = 0; t < t_out; ++t) {
    float* yt = y + t * C;
    std::size_t n = 0;  // input frames under the window
    for (std::size_t k = 0; k < Ax.kernel; ++k) {
      const std::size_t i = t * Ax.stride + k * Ax.dilation;
      n += (i >= Ax.before && i - Ax.before < t_in) ? 1 : 0;
    }
    const float div = IncludePad ? float(Ax.kernel) : float(n);
    std::size_t c = 0;
#if EMBER_HAS_XSIMD
    if constexpr (simd::vector_arch<Arch>) {
      using B = simd::batch<float, Arch>;
      constexpr std::size_t L = B::size;
      for (; c + L <= C; c += L) {
        B acc(pad);
        for (std::size_t k = 0; k < Ax.kernel; ++k) {
          const std::size_t i = t * Ax.stride + k * Ax.dilation;
          acc = pool_op<Kind>(acc, (i >= Ax.before && i - Ax.before < t_in) ? simd::load<float, Arch>(x + (i - Ax.before) * C + c) : B(pad));
        }
        if constexpr (Kind == pool_kind::avg) acc = acc / B(div);
        simd::store(yt + c, acc);
      }
    }
#endif
    for (; c < C; ++c) {
      float acc = pad;
      for (std::size_t k = 0; k < Ax.kernel; ++k) {
        const std::size_t i = t * Ax.stride + k * Ax.dilation;
        acc = pool_op<Kind>(acc, (i >= Ax.before && i - Ax.before < t_in) ? x[(i - Ax.before) * C + c] : pad);
      }
      if constexpr (Kind == pool_kind::avg) acc = acc / div;
      yt[c] = acc;
    }
  }
}

}  // namespace ember::kernels
