// fp32 2D convolution: weights re-laid at load as (group, block, unit, tap, NC) so that a
// register tile of NC output channels x NV pixel vectors broadcasts each weight once per tap.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "ember/core/quant.hpp"
#include "ember/core/tensor.hpp"
#include "ember/kernels/conv2d_stage.hpp"
#include "ember/kernels/conv_epilogue.hpp"
#include "ember/kernels/conv_plan.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/lanes.hpp"

namespace ember::kernels {

/// The convolution engine of one (quantization, shape) pair: packed weights, bias, staging
/// scratch and run(). The primary template only fails; conv2d_f32.hpp and conv2d_int.hpp
/// specialize it.
template <class Q, conv2d_spec S>
class conv2d_kernel {
  static_assert(always_false<Q>, "ember::kernels::conv2d_kernel: no 2D convolution kernel for this quantization");
};

/// fp32 weights of shape S in tiles of NC output channels. Blocks never straddle a group;
/// the last block of a group starts at cout_g - NC (it overlaps the previous one), so
/// every tile is full and overlapping channels are simply computed twice.
template <conv2d_spec S, std::size_t NC>
struct conv2d_tiles {
  static constexpr std::size_t groups = S.groups, cout_g = S.cout_g(), taps = S.taps(), nc = NC;
  static constexpr std::size_t blocks = ceil_div(cout_g, NC);
  static_assert(NC >= 1 && NC <= cout_g, "ember: a register tile cannot hold more channels than a group");

  static constexpr std::size_t block_start(std::size_t b) noexcept {
    return b * NC + NC <= cout_g ? b * NC : cout_g - NC;
  }
  /// Block holding group channel cg (block_start(b) <= b * NC <= cg < block_start(b) + NC).
  static constexpr std::size_t block_of(std::size_t cg) noexcept { return cg / NC; }
  /// Calls f(index offset of (group, block, channel-in-tile)) for every copy of channel co.
  template <class F>
  static constexpr void for_each_copy(std::size_t co, F&& f) noexcept {
    const std::size_t g = co / cout_g, cg = co % cout_g;
    for (std::size_t b = 0; b < blocks; ++b)
      if (cg >= block_start(b) && cg < block_start(b) + NC) f(g * blocks + b, cg - block_start(b));
  }
};

template <conv2d_spec S>
class conv2d_kernel<quant::f32, S> {
 public:
  static constexpr grid2d grid = S.grid();
  static constexpr std::size_t cin = S.in_channels, cout = S.out_channels, cin_g = S.cin_g(),
                               cout_g = S.cout_g(), taps = S.taps();
  static constexpr std::size_t out_plane = grid.hout() * grid.wout();
  using tiles = conv2d_tiles<S, tile_channels(cout_g, grid)>;
  static constexpr std::size_t nc = tiles::nc;
  static constexpr std::size_t block_floats = cin_g * taps * nc;  // one block: (unit, tap, NC)
  static constexpr std::size_t weight_floats = S.groups * tiles::blocks * block_floats;
  static constexpr std::size_t scratch_bytes = grid.staged_pixels(cin_g) * sizeof(float);

  /// Packs a PyTorch weight (Cout, Cin/groups, K, K), row-major. fp32 stores it exactly.
  constexpr quant_report set_weight(std::span<const float> v) noexcept {
    for (std::size_t co = 0; co < cout; ++co)
      tiles::for_each_copy(co, [&](std::size_t gb, std::size_t c) {
        for (std::size_t ci = 0; ci < cin_g; ++ci)
          for (std::size_t t = 0; t < taps; ++t) w_[gb * block_floats + (ci * taps + t) * nc + c] = v[(co * cin_g + ci) * taps + t];
      });
    return {};
  }
  constexpr void set_bias(std::span<const float> b) noexcept {
    for (std::size_t co = 0; co < cout; ++co) bias_[co] = b.empty() ? 0.0f : b[co];
  }
  /// Multiplies output channel co's weights by a[co] (batch-norm folding).
  constexpr void scale_channels(std::span<const float> a) noexcept {
    for (std::size_t co = 0; co < cout; ++co)
      tiles::for_each_copy(co, [&](std::size_t gb, std::size_t c) {
        for (std::size_t k = 0; k < cin_g * taps; ++k) w_[gb * block_floats + k * nc + c] *= a[co];
      });
  }
  /// Weight (co, ci within the group, tap kh * K + kw) as the kernel uses it.
  constexpr float weight(std::size_t co, std::size_t ci, std::size_t t) const noexcept {
    const std::size_t g = co / cout_g, b = tiles::block_of(co % cout_g);
    return w_[(g * tiles::blocks + b) * block_floats + (ci * taps + t) * nc + (co % cout_g - tiles::block_start(b))];
  }
  constexpr float bias(std::size_t co) const noexcept { return bias_[co]; }

  /// Scalar twin (the test oracle): direct loops on the CHW input, same fma order.
  template <activation Act, class ActP>
  void run(const float* x, float* y, simd::common) noexcept {
    const std::size_t K = S.kernel, H = S.height, W = S.width;
    for (std::size_t co = 0; co < cout; ++co) {
      const std::size_t g = co / cout_g;
      for (std::size_t oh = 0; oh < grid.hout(); ++oh) {
        for (std::size_t ow = 0; ow < grid.wout(); ++ow) {
          float s = bias_[co];
          for (std::size_t ci = 0; ci < cin_g; ++ci) {
            const float* xc = x + (g * cin_g + ci) * H * W;
            for (std::size_t t = 0; t < taps; ++t) {
              const std::size_t ih = oh * S.stride + (t / K) * S.dilation, iw = ow * S.stride + (t % K) * S.dilation;
              const bool inside = ih >= grid.h.before && ih - grid.h.before < H && iw >= grid.w.before &&
                                  iw - grid.w.before < W;
              const float xv = inside ? xc[(ih - grid.h.before) * W + (iw - grid.w.before)] : 0.0f;
              s = simd::fma(weight(co, ci, t), xv, s);
            }
          }
          y[co * out_plane + oh * grid.wout() + ow] = apply_activation<Act, ActP>(s);
        }
      }
    }
  }

#if EMBER_HAS_XSIMD
  /// Vector kernel: per group, stage its channels (pad + polyphase; the staged group stays
  /// in cache for the grouped and depthwise layers), then tiles of NC channels x NV vectors.
  template <activation Act, class ActP, simd::vector_arch A>
  void run(const float* x, float* y, A) noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size;
    constexpr vector_tiling T = make_tiling(grid, L);
    constexpr std::size_t NV = tile_vectors<A>(nc, cout_g, T);
    static constexpr auto offsets = tap_offsets<taps>(grid);
    for (std::size_t g = 0; g < S.groups; ++g) {
      stage_planes(grid, cin_g, x + g * cin_g * S.height * S.width, stage_.data(), 0.0f);
      for (std::size_t j0 = 0; j0 < T.count; j0 += NV) {
        const std::size_t js = j0 + NV <= T.count ? j0 : T.count - NV;  // the last tile overlaps
        tile_stores<L, NV, T.rows, (grid.wout() >= L)> st;
        for (std::size_t v = 0; v < NV; ++v) {
          if constexpr (T.rows) st.set_row(v, grid, (js + v) / T.vpr, (js + v) % T.vpr * L);
          else st.set_flat(v, grid, (js + v) * L);
        }
        for (std::size_t b = 0; b < tiles::blocks; ++b) {
          const std::size_t co0 = g * cout_g + tiles::block_start(b);
          B acc[nc][NV];
          EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) {
            EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) acc[c][v] = B(bias_[co0 + c]);
          }
          tile<A, NV, T.run(NV), T.pitch>(w_.data() + (g * tiles::blocks + b) * block_floats, stage_.data() + T.offset(js),
                                          offsets.data(), acc);
          EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) {
            EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v)
              st.store(y + (co0 + c) * out_plane, apply_activation<Act, ActP>(acc[c][v]), v);
          }
        }
      }
    }
  }

 private:
  // acc[c][v] += w(unit, tap, c) * x(unit base + tap offset + vector v) over every unit and
  // tap; vector v starts (v / Run) * Pitch + (v % Run) * L pixels after x. Not inlined:
  // inside the caller's loops GCC 12 spills the accumulators.
  template <class A, std::size_t NV, std::size_t Run, std::size_t Pitch>
  [[gnu::noinline]] static void tile(const float* EMBER_RESTRICT w, const float* EMBER_RESTRICT x,
                                     const std::uint32_t* off, simd::batch<float, A> (&acc)[nc][NV]) noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size;
    constexpr auto at = [](std::size_t v) { return (v / Run) * Pitch + (v % Run) * L; };
    for (std::size_t u = 0; u < cin_g; ++u, x += grid.plane) {
      for (std::size_t t = 0; t < taps; ++t, w += nc) {
        const float* xt = x + off[t];
        if constexpr (nc <= NV) {  // hoist the nc broadcasts, stream the inputs
          B wb[nc];
          EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) wb[c] = B(w[c]);
          EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
            const B xv = simd::load<float, A>(xt + at(v));
            EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) acc[c][v] = simd::fma(xv, wb[c], acc[c][v]);
          }
        } else {  // hoist the NV inputs, stream the broadcasts
          B xv[NV];
          EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) xv[v] = simd::load<float, A>(xt + at(v));
          EMBER_UNROLL for (std::size_t c = 0; c < nc; ++c) {
            const B wb(w[c]);
            EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) acc[c][v] = simd::fma(xv[v], wb, acc[c][v]);
          }
        }
      }
    }
  }
#endif

 private:
  aligned_array<float, weight_floats> w_{};
  aligned_array<float, round_up(cout, 16)> bias_{};
  aligned_array<float, grid.staged_pixels(cin_g)> stage_{};  // one group
};

}  // namespace ember::kernels
