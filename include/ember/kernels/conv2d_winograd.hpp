// Winograd F(2x2, 3x3) for fp32 3x3 stride-1 convolutions: 16 multiplies per 2x2 output tile
// and channel pair instead of 36. Weights are transformed at load, inputs and outputs per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ember/kernels/conv2d_f32.hpp"
#include "ember/kernels/winograd.hpp"
#include "ember/simd/lanes.hpp"

namespace ember::kernels {

/// The Winograd engine: the fp32 conv2d_kernel for eligible shapes (same interface). The
/// scalar twin runs the same transforms in the same order, tile by tile.
template <conv2d_spec S>
  requires(winograd_eligible(S))
class conv2d_kernel<quant::f32, S> {
 public:
  static constexpr grid2d grid = S.grid();
  static constexpr winograd_grid wg = make_winograd_grid(S);
  static constexpr std::size_t cin = S.in_channels, cout = S.out_channels, taps = 9;
  static constexpr std::size_t out_plane = grid.hout() * grid.wout();
  static constexpr std::size_t lanes = simd::native_float_lanes >= 8 ? simd::native_float_lanes : 8;
  using tiles = conv2d_tiles<S, tile_channels(cout, winograd_tiling(wg, lanes))>;
  static constexpr std::size_t nc = tiles::nc, block_floats = cin * nc;
  // NV * L of any arch's tile: 16-lane archs have 32 registers, narrower ones 16.
  static constexpr std::size_t max_tile_floats = 16 * detail::max_tile_vectors(nc, 32) > 8 * detail::max_tile_vectors(nc, 16)
                                                     ? 16 * detail::max_tile_vectors(nc, 32)
                                                     : 8 * detail::max_tile_vectors(nc, 16);

  /// Packs a PyTorch weight (Cout, Cin, 3, 3) and its transform U = G g G^T (in double).
  constexpr quant_report set_weight(std::span<const float> v) noexcept {
    for (std::size_t i = 0; i < cout * cin * taps; ++i) raw_[i] = v[i];
    for (std::size_t co = 0; co < cout; ++co)
      for (std::size_t ci = 0; ci < cin; ++ci) {
        const float* g = raw_.data() + (co * cin + ci) * taps;
        double t[12], u[16];  // t = G g (4 x 3), u = t G^T (4 x 4)
        for (std::size_t c = 0; c < 3; ++c) {
          t[c] = g[c];
          t[3 + c] = 0.5 * (double(g[c]) + g[3 + c] + g[6 + c]);
          t[6 + c] = 0.5 * (double(g[c]) - g[3 + c] + g[6 + c]);
          t[9 + c] = g[6 + c];
        }
        for (std::size_t r = 0; r < 4; ++r) {
          u[4 * r] = t[3 * r];
          u[4 * r + 1] = 0.5 * (t[3 * r] + t[3 * r + 1] + t[3 * r + 2]);
          u[4 * r + 2] = 0.5 * (t[3 * r] - t[3 * r + 1] + t[3 * r + 2]);
          u[4 * r + 3] = t[3 * r + 2];
        }
        tiles::for_each_copy(co, [&](std::size_t b, std::size_t c) {
          for (std::size_t k = 0; k < 16; ++k) u_[((k * tiles::blocks + b) * cin + ci) * nc + c] = float(u[k]);
        });
      }
    return {};
  }
  constexpr void set_bias(std::span<const float> b) noexcept {
    for (std::size_t co = 0; co < cout; ++co) bias_[co] = b.empty() ? 0.0f : b[co];
  }
  constexpr void scale_channels(std::span<const float> a) noexcept {
    for (std::size_t co = 0; co < cout; ++co) {
      for (std::size_t k = 0; k < cin * taps; ++k) raw_[co * cin * taps + k] *= a[co];
      tiles::for_each_copy(co, [&](std::size_t b, std::size_t c) {
        for (std::size_t k = 0; k < 16; ++k)
          for (std::size_t ci = 0; ci < cin; ++ci) u_[((k * tiles::blocks + b) * cin + ci) * nc + c] *= a[co];
      });
    }
  }
  constexpr float weight(std::size_t co, std::size_t ci, std::size_t t) const noexcept { return raw_[(co * cin + ci) * taps + t]; }
  constexpr float bias(std::size_t co) const noexcept { return bias_[co]; }

  /// Scalar twin: per output channel and tile, the same transforms and sums in the same order.
  template <activation Act, class ActP>
  void run(const float* x, float* y, simd::common) noexcept {
    const std::size_t H = S.height, W = S.width, pb = grid.h.before, pw = grid.w.before;
    for (std::size_t co = 0; co < cout; ++co) {
      const std::size_t b = tiles::block_of(co), c = co - tiles::block_start(b);
      for (std::size_t ti = 0; ti < wg.th; ++ti)
        for (std::size_t tj = 0; tj < wg.tw; ++tj) {
          float m[16] = {};
          for (std::size_t ci = 0; ci < cin; ++ci) {
            float d[16], v[16];
            for (std::size_t r = 0; r < 4; ++r)
              for (std::size_t k = 0; k < 4; ++k) {
                const std::size_t ih = 2 * ti + r, iw = 2 * tj + k;
                const bool in = ih >= pb && ih - pb < H && iw >= pw && iw - pw < W;
                d[4 * r + k] = in ? x[(ci * H + ih - pb) * W + iw - pw] : 0.0f;
              }
            winograd::input(d, v);
            for (std::size_t k = 0; k < 16; ++k) m[k] = simd::fma(u_[((k * tiles::blocks + b) * cin + ci) * nc + c], v[k], m[k]);
          }
          float o[4];
          winograd::output(m, bias_[co], o);
          for (std::size_t k = 0; k < 4; ++k) {
            const std::size_t oh = 2 * ti + k / 2, ow = 2 * tj + k % 2;
            if (oh < grid.hout() && ow < grid.wout()) y[co * out_plane + oh * grid.wout() + ow] = apply_activation<Act, ActP>(o[k]);
          }
        }
    }
  }

#if EMBER_HAS_XSIMD
  /// Vector kernel: stage (stride-2 polyphase), transform the input, then per tile of NV
  /// vectors and block of NC channels the 16 GEMMs and the output transform.
  template <activation Act, class ActP, simd::vector_arch A>
  void run(const float* x, float* y, A) noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size;
    constexpr vector_tiling T = winograd_tiling(wg, L);
    constexpr std::size_t nq = T.count, NV = tile_vectors<A>(nc, cout, T);
    static_assert(NV * L <= max_tile_floats, "ember: Winograd tile larger than its transform buffer");
    stage_planes(wg.in, cin, x, stage_.data(), 0.0f);
    alignas(64) float m[16 * nc * NV * L];  // (xi, channel, vector)
    for (std::size_t j0 = 0; j0 < nq; j0 += NV) {
      const std::size_t js = j0 + NV <= nq ? j0 : nq - NV;  // the last tile overlaps
      winograd_stores<L> st[NV];
      for (std::size_t v = 0; v < NV; ++v) {
        if constexpr (T.rows) st[v].set_row(wg, (js + v) / T.vpr, (js + v) % T.vpr * L);
        else st[v].set(wg, (js + v) * L);
      }
      winograd_input<A, NV>(wg, T, js, cin, stage_.data(), v_.data());
      for (std::size_t b = 0; b < tiles::blocks; ++b) {
        const std::size_t co0 = tiles::block_start(b);
        for (std::size_t k = 0; k < 16; ++k)
          gemm<A, NV>(u_.data() + (k * tiles::blocks + b) * block_floats, v_.data() + k * cin * NV * L, m + k * nc * NV * L);
        for (std::size_t c = 0; c < nc; ++c) {
          const B bias(bias_[co0 + c]);
          for (std::size_t v = 0; v < NV; ++v) {
            B mm[16], o[4];
            EMBER_UNROLL for (std::size_t k = 0; k < 16; ++k) mm[k] = simd::load_aligned<float, A>(m + ((k * nc + c) * NV + v) * L);
            winograd::output(mm, bias, o);
            EMBER_UNROLL for (std::size_t k = 0; k < 4; ++k) o[k] = apply_activation<Act, ActP>(o[k]);
            st[v].template store<(grid.wout() >= 2 * L)>(y + (co0 + c) * out_plane, o, grid.hout(), grid.wout());
          }
        }
      }
    }
  }

 private:
  // m[c][v] = sum over input channels of U(ci, c) * V(ci, vector v) (a 1x1 tile on the
  // tile's transformed input, NV vectors per channel).
  template <class A, std::size_t NV>
  [[gnu::noinline]] static void gemm(const float* EMBER_RESTRICT u, const float* EMBER_RESTRICT v, float* m) noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size;
    constexpr auto at = [](std::size_t j) { return j * L; };
    B acc[nc][NV];
    EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) {
      EMBER_UNROLL for (std::size_t j = 0; j < NV; ++j) acc[c][j] = B(0.0f);
    }
    for (std::size_t ci = 0; ci < cin; ++ci, u += nc, v += NV * L) {
      if constexpr (nc <= NV) {
        B wb[nc];
        EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) wb[c] = B(u[c]);
        EMBER_UNROLL for (std::size_t j = 0; j < NV; ++j) {
          const B xv = simd::load_aligned<float, A>(v + at(j));
          EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) acc[c][j] = simd::fma(xv, wb[c], acc[c][j]);
        }
      } else {
        B xv[NV];
        EMBER_UNROLL for (std::size_t j = 0; j < NV; ++j) xv[j] = simd::load_aligned<float, A>(v + at(j));
        EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) {
          const B wb(u[c]);
          EMBER_UNROLL for (std::size_t j = 0; j < NV; ++j) acc[c][j] = simd::fma(xv[j], wb, acc[c][j]);
        }
      }
    }
    EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) {
      EMBER_UNROLL for (std::size_t j = 0; j < NV; ++j) simd::store_aligned(m + (c * NV + j) * L, acc[c][j]);
    }
  }
#endif

 private:
  aligned_array<float, cout * cin * taps> raw_{};
  aligned_array<float, 16 * tiles::blocks * block_floats> u_{};
  aligned_array<float, round_up(cout, 16)> bias_{};
  aligned_array<float, wg.in.staged_pixels(cin)> stage_{};
  aligned_array<float, 16 * cin * max_tile_floats> v_{};  // one tile's transformed input (xi, ci, vector)
};

}  // namespace ember::kernels
