// Integer 2D convolution (int8/int4/int2/q7 on the byte path, int16/q15 on the wide path):
// per-output-channel weight scales, one dynamic scale per input frame, exact integer sums.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ember/core/quant.hpp"
#include "ember/kernels/conv2d_f32.hpp"
#include "ember/kernels/conv2d_int_stage.hpp"
#include "ember/kernels/dense_s8.hpp"
#include "ember/simd/lanes.hpp"
#include "ember/simd/quantize.hpp"
#include "ember/simd/x86_conv.hpp"
#include "ember/simd/x86_conv1d.hpp"

namespace ember::kernels {

/// Weights are quantized per output channel (a row of the (Cout, Cin/g*K*K) matrix) as the
/// dense kernels do; the frame is quantized with one symmetric scale max|x| / qmax (NaN -> 0,
/// round half to even, saturating). Output: fma(float(exact sum), s_w[co] * s_x, bias[co]).
/// Vector layout: 32-bit words of 4 (byte path) or 2 (wide path) input channels, tiles of
/// NC output channels; the byte path stores <= 8-bit weights one per byte (vpdpbusd's
/// broadcast operand), so int4/int2 run at int8 speed and save only in the cost model.
template <quant_policy Q, conv2d_spec S>
  requires Q::is_integer
class conv2d_kernel<Q, S> {
 public:
  static constexpr grid2d grid = S.grid();
  static constexpr bool byte_path = Q::byte_path;
  static constexpr int_layout layout = make_int_layout(S, byte_path);
  static constexpr std::size_t per_word = layout.per_word;
  static constexpr std::size_t cin = S.in_channels, cout = S.out_channels, cin_g = S.cin_g(),
                               cout_g = S.cout_g(), taps = S.taps(), groups = S.groups;
  static constexpr std::size_t out_plane = grid.hout() * grid.wout(), in_plane = S.height * S.width;
  static constexpr std::size_t units_g = layout.units, word_taps = layout.taps;
  static_assert(units_g * word_taps * 4 <= Q::max_reduction,
                "ember::conv2d: Cin/groups * K * K is longer than this quantization's int32 accumulator "
                "can sum without overflow (Q::max_reduction)");
  using tiles = conv2d_tiles<S, tile_channels(cout_g, grid)>;
  static constexpr std::size_t nc = tiles::nc;
  static constexpr std::size_t block_words = units_g * word_taps * nc;
  using act_t = typename Q::act_type;

  constexpr quant_report set_weight(std::span<const float> v) noexcept {
    quant_report_builder rep;
    for (auto& e : w_) e = 0;
    for (std::size_t co = 0; co < cout; ++co) {
      const auto row = v.subspan(co * cin_g * taps, cin_g * taps);
      scale_[co] = weight_scale<Q>(row);
      std::int32_t sum = 0;
      for (std::size_t ci = 0; ci < cin_g; ++ci) {
        for (std::size_t t = 0; t < taps; ++t) {
          const std::int32_t q = quantize_weight<Q>(row[ci * taps + t], scale_[co], rep);
          sum += q;
          const weight_slot at = slot_of(layout, S.kernel, ci, t);
          tiles::for_each_copy(co, [&](std::size_t gb, std::size_t c) {
            auto& word = w_[gb * block_words + at.word * nc + c];
            word = std::int32_t(std::uint32_t(word) | (std::uint32_t(q) & field_mask) << at.shift);
          });
        }
      }
      corr_[co] = byte_path ? 128 * sum : 0;
    }
    return rep.done();
  }
  constexpr void set_bias(std::span<const float> b) noexcept {
    for (std::size_t co = 0; co < cout; ++co) bias_[co] = b.empty() ? 0.0f : b[co];
  }
  /// Multiplies output channel co by a[co] (batch-norm folding): only its scale changes.
  constexpr void scale_channels(std::span<const float> a) noexcept {
    for (std::size_t co = 0; co < cout; ++co) scale_[co] *= a[co];
  }
  /// Integer weight (co, ci within the group, tap).
  constexpr std::int32_t q(std::size_t co, std::size_t ci, std::size_t t) const noexcept {
    const std::size_t g = co / cout_g, b = tiles::block_of(co % cout_g), c = co % cout_g - tiles::block_start(b);
    const weight_slot at = slot_of(layout, S.kernel, ci, t);
    const auto word = std::uint32_t(w_[(g * tiles::blocks + b) * block_words + at.word * nc + c]);
    if constexpr (byte_path) return std::int8_t(std::uint8_t(word >> at.shift));
    else return std::int16_t(std::uint16_t(word >> at.shift));
  }
  constexpr float weight(std::size_t co, std::size_t ci, std::size_t t) const noexcept {
    return float(q(co, ci, t)) * scale_[co];
  }
  constexpr float weight_scale_of(std::size_t co) const noexcept { return scale_[co]; }
  constexpr float bias(std::size_t co) const noexcept { return bias_[co]; }
  /// The activation scale of the last frame run (tests and diagnostics).
  constexpr float input_scale() const noexcept { return sx_; }

  /// Scalar twin: quantize, then direct exact integer loops on the CHW integers.
  template <activation Act, class ActP>
  void run(const float* x, float* y, simd::common) noexcept {
    quantize_frame(x, simd::common{});
    const std::size_t K = S.kernel, W = S.width;
    using acc_t = typename Q::accum_type;
    for (std::size_t co = 0; co < cout; ++co) {
      const std::size_t g = co / cout_g;
      for (std::size_t oh = 0; oh < grid.hout(); ++oh) {
        for (std::size_t ow = 0; ow < grid.wout(); ++ow) {
          acc_t acc = 0;
          for (std::size_t ci = 0; ci < cin_g; ++ci) {
            const act_t* xc = in_.q.data() + (g * cin_g + ci) * in_plane;
            for (std::size_t t = 0; t < taps; ++t) {
              const std::size_t ih = oh * S.stride + (t / K) * S.dilation, iw = ow * S.stride + (t % K) * S.dilation;
              if (ih < grid.h.before || ih - grid.h.before >= S.height || iw < grid.w.before ||
                  iw - grid.w.before >= W)
                continue;  // zero padding
              acc += acc_t(q(co, ci, t)) * acc_t(xc[(ih - grid.h.before) * W + (iw - grid.w.before)]);
            }
          }
          const float r = dequant_epilogue(float(acc), scale_[co], sx_, bias_[co]);
          y[co * out_plane + oh * grid.wout() + ow] = apply_activation<Act, ActP>(r);
        }
      }
    }
  }

#if EMBER_HAS_X86_DOT
  /// x86 kernel: quantize, stage 32-bit pixels, integer tiles, then the float epilogue.
  template <activation Act, class ActP, class A>
    requires std::is_base_of_v<simd::avx2, A>
  void run(const float* x, float* y, const A& arch) noexcept {
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size, chunks = 16 / L;  // float chunks per 16-pixel vector
    constexpr vector_tiling T = make_tiling(grid, 16);
    constexpr std::size_t NV = tile_vectors<A>(byte_path ? nc : 2 * nc, cout_g, T), np = NV * 16;
    static constexpr auto offsets = word_offsets<word_taps>(grid, layout);
#  if EMBER_HAS_AVX512_VNNI
    // Fused: output vectors are whole (rows of a multiple of 16, or flat without junk columns).
    constexpr bool fused = byte_path && std::is_base_of_v<simd::avx512_vnni, A> && grid.wout() % 16 == 0 &&
                           (T.rows || grid.wph == grid.wout()) &&
                           (Act == activation::none || Act == activation::relu || Act == activation::relu6);
#  else
    constexpr bool fused = false;
#  endif
    constexpr bool fused_rows = fused && NV % T.vpr == 0;  // tiles advance linearly
    quantize_frame(x, arch);
    alignas(64) float tile_out[nc * np];
    for (std::size_t g = 0; g < groups; ++g) {
      stage(g);
      for (std::size_t j0 = 0; j0 < T.count; j0 += NV) {
        if (fused_rows && j0 > 0 && j0 + NV <= T.count) continue;  // done by the j0 = 0 call
        const std::size_t js = j0 + NV <= T.count ? j0 : T.count - NV;  // the last tile overlaps
        tile_stores<L, NV * chunks, T.rows, (grid.wout() >= L)> st;
        for (std::size_t v = 0; v < NV; ++v) {
          for (std::size_t k = 0; k < chunks; ++k) {
            if constexpr (T.rows) st.set_row(v * chunks + k, grid, (js + v) / T.vpr, (js + v) % T.vpr * 16 + k * L);
            else st.set_flat(v * chunks + k, grid, (js + v) * 16 + k * L);
          }
        }
        for (std::size_t b = 0; b < tiles::blocks; ++b) {
          const std::size_t co0 = g * cout_g + tiles::block_start(b);
          simd::x86::conv_tile_args args{w_.data() + (g * tiles::blocks + b) * block_words,
                                         stage_.data() + T.offset(js), offsets.data(), word_taps, units_g,
                                         grid.plane, corr_.data() + co0, tile_out};
#  if EMBER_HAS_AVX512_VNNI
          // Whole output rows and a clamp activation: the tile writes y itself.
          if constexpr (fused) {
            alignas(64) float sc[nc];
            for (std::size_t c = 0; c < nc; ++c) sc[c] = scale_[co0 + c] * sx_;
            args.scale = sc;
            args.bias = bias_.data() + co0;
            args.y = y + co0 * out_plane + (T.rows ? js / T.vpr * grid.wout() + js % T.vpr * 16 : js * 16);
            args.y_stride = out_plane;
            constexpr auto clamp = Act == activation::relu    ? simd::x86::tile_clamp::relu
                                   : Act == activation::relu6 ? simd::x86::tile_clamp::relu6
                                                              : simd::x86::tile_clamp::none;
            // Tiles of whole rows advance linearly: run every full tile in the same call.
            if (fused_rows && j0 == 0) {
              args.tiles = T.count / NV;
              args.x_step = T.offset(NV);
              args.y_step = T.rows ? NV / T.vpr * grid.wout() : NV * 16;
            }
            simd::x86::conv_tile_u8s8<nc, NV, T.run(NV), T.pitch, (T.run(NV) == NV ? 16 * NV : grid.wout()), clamp>(args, arch);
            continue;
          }
#  endif
          if constexpr (byte_path) simd::x86::conv_tile_u8s8<nc, NV, T.run(NV), T.pitch>(args, arch);
          else simd::x86::conv_tile_s16<nc, NV, T.run(NV), T.pitch>(args, arch);
          for (std::size_t c = 0; c < nc; ++c) {
            const B sc(scale_[co0 + c] * sx_), bc(bias_[co0 + c]);
            float* yc = y + (co0 + c) * out_plane;
            EMBER_UNROLL for (std::size_t k = 0; k < NV * chunks; ++k)
              st.store(yc, apply_activation<Act, ActP>(simd::fma(simd::load_aligned<float, A>(tile_out + c * np + k * L), sc, bc)), k);
          }
        }
      }
    }
  }
#endif

 private:
  static constexpr std::uint32_t field_mask = byte_path ? 0xffu : 0xffffu;

  template <class Arch>
  void quantize_frame(const float* x, Arch arch) noexcept {
#if EMBER_HAS_X86_DOT && defined(__AVX512F__) && defined(__AVX512BW__)
    if constexpr (Arch::float_lanes == 16 && Q::scale == quant::scale_kind::per_row) {  // |x * inv| <= qmax
      const float amax = simd::max_abs_fast<Arch>(x, cin * in_plane);
      simd::x86::quantize_in_range(x, cin * in_plane, act_inv_scale<Q>(amax), Q::act_qmax, in_.q.data());
      sx_ = act_scale<Q>(amax);
      return;
    }
#endif
    prepare(std::span<const float, cin * in_plane>(x, cin * in_plane), in_, arch);
    sx_ = in_.scale;
  }

#if EMBER_HAS_X86_DOT
  // Stages group g's words (see int_layout).
  void stage(std::size_t g) noexcept {
    if constexpr (layout.row_words) {
      stage_row_words(grid, in_.q.data() + g * in_plane, row_.data(), stage_.data());
    } else {
      const act_t* ch[4 * units_g];  // each unit's channels; nullptr where the group has fewer
      for (std::size_t k = 0; k < 4 * units_g; ++k) {
        const std::size_t ci = k / 4 * per_word + k % 4;
        ch[k] = k % 4 < per_word && ci < cin_g ? in_.q.data() + (g * cin_g + ci) * in_plane : nullptr;
      }
      stage_channel_words<per_word>(grid, units_g, ch, S.width, zeros_.data(), stage_.data());
    }
  }
#endif

  aligned_array<std::int32_t, groups * tiles::blocks * block_words> w_{};
  aligned_array<float, round_up(cout, 16)> scale_{}, bias_{};
  aligned_array<std::int32_t, round_up(cout, 16)> corr_{};
  input_buffer<Q, cin * in_plane> in_{};
  float sx_ = 1.0f;
#if EMBER_HAS_X86_DOT
  aligned_array<std::uint32_t, grid.staged_pixels(units_g)> stage_{};  // one group
  aligned_array<act_t, round_up(S.width, 64)> zeros_{};
  aligned_array<std::uint8_t, layout.row_words ? grid.hph * row_bytes(grid) : 1> row_{};
#endif
};

}  // namespace ember::kernels
