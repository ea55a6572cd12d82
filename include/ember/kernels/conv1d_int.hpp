// Integer 1D convolution: per-output-channel weight scales, one dynamic scale per input
// frame (streaming cannot see the future), exact integer sums per tap, float tap epilogue.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ember/core/quant.hpp"
#include "ember/kernels/conv1d_f32.hpp"
#include "ember/kernels/dense_s16.hpp"
#include "ember/kernels/dense_s8.hpp"
#include "ember/simd/lanes.hpp"
#include "ember/simd/x86_conv1d.hpp"

namespace ember::kernels {

/// Each frame is quantized once, when it arrives, with its own scale s_x = max|x| / qmax.
/// Weights are the dense kernels' packed matrices, one per group, columns (tap, channel)
/// with the channels padded to whole column blocks. Output step j, row r:
///   y = bias; for each tap k: y = fma(float(sum_c q_w q_x), s_w[r] * s_x(frame k), y)
/// in tap order, identically in the scalar twin and the x86 kernels (bit-exact).
/// Depthwise layers (one channel per group) use the same rule with one product per tap.
template <quant_policy Q, conv1d_spec S>
  requires Q::is_integer
class conv1d_kernel<Q, S> {
 public:
  static constexpr std::size_t cin = S.in_channels, cout = S.out_channels, cin_g = S.cin_g(),
                               cout_g = S.cout_g(), taps = S.kernel, groups = S.groups;
  static constexpr bool depthwise = cin_g == 1 && cout_g == 1;
  static constexpr std::size_t block_cols = Q::byte_path ? 4 * (8 / Q::weight_bits) : 2;
  static constexpr std::size_t cin_pad = depthwise ? 1 : round_up(cin_g, block_cols);  // per tap
  using act_t = typename Q::act_type;
  using matrix = packed_matrix<matvec::dense, Q, depthwise ? 1 : cout_g, taps * cin_pad>;
  static_assert(depthwise || cin_pad <= Q::max_reduction,
                "ember::conv1d: Cin/groups is longer than this quantization's int32 accumulator can sum");

  struct frame {
    act_t q[groups * cin_pad];  // group slices, zero padded
    float scale;
    std::int32_t sum[groups];        // sum of each group's integers (offset-binary correction)
  };
  using history_type = frame_history<frame, 1, conv1d_round * S.stride + S.reach() + 1>;

  constexpr quant_report set_weight(std::span<const float> v) noexcept {
    quant_report_builder rep;
    for (std::size_t co = 0; co < cout; ++co) {
      float amax = 0;
      for (std::size_t k = 0; k < cin_g * taps; ++k) amax = abs_value(v[co * cin_g * taps + k]) > amax ? abs_value(v[co * cin_g * taps + k]) : amax;
      scale_[co] = weight_scale<Q>(std::span<const float>(&amax, 1));
      for (std::size_t ci = 0; ci < cin_g; ++ci)
        for (std::size_t t = 0; t < taps; ++t) set_q(co, ci, t, quantize_weight<Q>(v[(co * cin_g + ci) * taps + t], scale_[co], rep));
    }
    sync_scales();
    return rep.done();
  }
  constexpr void set_bias(std::span<const float> b) noexcept {
    for (std::size_t co = 0; co < cout; ++co) bias_[co] = b.empty() ? 0.0f : b[co];
  }
  constexpr void scale_channels(std::span<const float> a) noexcept {
    for (std::size_t co = 0; co < cout; ++co) scale_[co] *= a[co];
    sync_scales();
  }
  constexpr std::int32_t q(std::size_t co, std::size_t ci, std::size_t t) const noexcept {
    if constexpr (depthwise) return dw_[t * cout + co];
    else return w_[co / cout_g].q(co % cout_g, t * cin_pad + ci);
  }
  constexpr float weight(std::size_t co, std::size_t ci, std::size_t t) const noexcept {
    return float(q(co, ci, t)) * scale_[co];
  }
  constexpr float weight_scale_of(std::size_t co) const noexcept { return scale_[co]; }
  constexpr float bias(std::size_t co) const noexcept { return bias_[co]; }

  /// Quantizes and pushes one frame (nullptr: a zero frame, scale 1). Same integers as
  /// kernels::prepare on the whole frame, written straight into the group slices.
  template <class Arch>
  void push(const float* x, std::size_t keep_from, history_type& h, Arch arch) const noexcept {
    frame& f = *h.push(keep_from);
    const float amax = x ? max_abs(x, arch) : 0.0f, inv = act_inv_scale<Q>(amax);
    f.scale = act_scale<Q>(amax);
    for (std::size_t g = 0; g < groups; ++g) {
      act_t* q = f.q + g * cin_pad;
      f.sum[g] = x ? quantize(x + g * cin_g, inv, q, arch) : 0;
      for (std::size_t c = x ? cin_g : 0; c < cin_pad; ++c) q[c] = 0;
    }
  }

  /// Output steps j0 .. j0 + n - 1 into y (time-major). Scalar twin.
  template <activation Act, class ActP>
  void outputs(const history_type& h, std::size_t j0, std::size_t n, float* y, simd::common) const noexcept {
    using acc_t = typename Q::accum_type;
    for (std::size_t j = j0; j < j0 + n; ++j) {
      for (std::size_t co = 0; co < cout; ++co) {
        const std::size_t g = co / cout_g;
        float s = bias_[co];
        for (std::size_t t = 0; t < taps; ++t) {
          const frame& f = *h.frame(j * S.stride + t * S.dilation);
          acc_t acc = 0;
          for (std::size_t ci = 0; ci < cin_g; ++ci) acc += acc_t(q(co, ci, t)) * acc_t(f.q[g * cin_pad + ci]);
          s = dequant_epilogue(float(acc), scale_[co], f.scale, s);
        }
        y[(j - j0) * cout + co] = apply_activation<Act, ActP>(s);
      }
    }
  }

  /// One output step (streaming): outputs() of one step, the same arithmetic.
  template <activation Act, class ActP, class Arch>
  void output(const history_type& h, std::size_t j, float* y, Arch arch) const noexcept {
#if EMBER_HAS_AVX512_VNNI
    if constexpr (Q::byte_path && !depthwise && std::is_base_of_v<simd::avx512_vnni, Arch>) {
      vnni_steps<Act, ActP, 1, (matrix::panels < 4 ? matrix::panels : 4)>(h, j, y, arch);
      return;
    }
#endif
    outputs<Act, ActP>(h, j, 1, y, arch);
  }

#if EMBER_HAS_X86_DOT
  /// x86: per tap, the dense kernels' panel dot products (VNNI / AVX2 / AVX-512 int16)
  /// against the tap's frame slice, then the tap epilogue on 16 rows at a time.
  template <activation Act, class ActP, class A>
    requires(std::is_base_of_v<simd::avx2, A> && !depthwise)
  void outputs(const history_type& h, std::size_t j0, std::size_t n, float* y, const A& arch) const noexcept {
#  if EMBER_HAS_AVX512_VNNI
    if constexpr (Q::byte_path && std::is_base_of_v<simd::avx512_vnni, A>) {
      std::size_t j = j0;
      constexpr std::size_t NP = matrix::panels < 4 ? matrix::panels : 4, NT = (32 - NP - 1) / (2 * NP) < 8 ? (32 - NP - 1) / (2 * NP) : 8;
      for (; j + NT <= j0 + n; j += NT) vnni_steps<Act, ActP, NT, NP>(h, j, y + (j - j0) * cout, arch);
      for (; j < j0 + n; ++j) vnni_steps<Act, ActP, 1, NP>(h, j, y + (j - j0) * cout, arch);
      return;
    }
#  endif
    using B = simd::batch<float, A>;
    using I = simd::batch<std::int32_t, A>;
    constexpr std::size_t L = B::size, rows = matrix::panels * panel_rows;
    using acc_t = std::conditional_t<Q::byte_path, std::int32_t, std::int64_t>;
    alignas(64) acc_t acc[rows];
    alignas(64) float ys[rows];
    for (std::size_t j = j0; j < j0 + n; ++j) {
      for (std::size_t g = 0; g < groups; ++g) {
        const matrix& W = w_[g];
        for (std::size_t r = 0; r < rows; r += L) simd::store_aligned(ys + r, simd::load<float, A>(bias_.data() + g * cout_g + r));
        for (std::size_t t = 0; t < taps; ++t) {
          const frame& f = *h.frame(j * S.stride + t * S.dilation);
          dots(W, t, f.q + g * cin_pad, acc, arch);
          const B sx(f.scale);
          if constexpr (Q::byte_path) {
            const I corr(matrix::offset * f.sum[g]);
            for (std::size_t r = 0; r < rows; r += L) {
              const B a = simd::convert<float>(simd::load_aligned<std::int32_t, A>(acc + r) - corr);
              const B sc = simd::load_aligned<float, A>(W.scale.data() + r) * sx;
              simd::store_aligned(ys + r, simd::fma(a, sc, simd::load_aligned<float, A>(ys + r)));
            }
          } else {  // int64 -> float has no AVX2 instruction: scalar, as dense_s16
            for (std::size_t r = 0; r < rows; ++r) ys[r] = dequant_epilogue(float(acc[r]), W.scale[r], f.scale, ys[r]);
          }
        }
        float* yg = y + (j - j0) * cout + g * cout_g;
        for (std::size_t r = 0; r < cout_g; ++r) yg[r] = apply_activation<Act, ActP>(ys[r]);
      }
    }
  }
#endif

 private:
  static constexpr std::size_t blocks_per_tap = cin_pad / block_cols;

#if EMBER_HAS_X86_DOT
  // Panel dot products of tap t, up to 8 panels per call, into acc (16 rows per panel).
  template <class Acc, class A>
  static void dots(const matrix& W, std::size_t t, const act_t* x, Acc* acc, const A& arch) noexcept {
    constexpr std::size_t P = matrix::panels, NP = P < 8 ? P : 8;
    const auto call = [&]<std::size_t N>(std::integral_constant<std::size_t, N>, std::size_t p0) {
      if constexpr (Q::byte_path)
        simd::x86::dot_panels_u8s8<matrix::bits, N>(W.w.data() + p0 * matrix::panel_bytes + t * blocks_per_tap * 64,
                                                    matrix::panel_bytes, blocks_per_tap, x, acc + p0 * panel_rows, arch);
      else
        simd::x86::dot_panels_s16<N>(W.w.data() + p0 * matrix::panel_elems + t * blocks_per_tap * 32,
                                     matrix::panel_elems, blocks_per_tap, x, acc + p0 * panel_rows, arch);
    };
    std::size_t p0 = 0;
    for (; p0 + NP <= P; p0 += NP) call(std::integral_constant<std::size_t, NP>{}, p0);
    if constexpr (P % NP != 0) call(std::integral_constant<std::size_t, P % NP>{}, p0);
  }
#endif

#if EMBER_HAS_AVX512_VNNI
  // NT steps from j: every group, panels NP at a time (the remainder in one smaller call).
  template <activation Act, class ActP, std::size_t NT, std::size_t NP>
  void vnni_steps(const history_type& h, std::size_t j, float* y, const simd::avx512_vnni& arch) const noexcept {
    constexpr std::size_t P = matrix::panels;
    constexpr bool direct = cout_g % panel_rows == 0;  // every panel row is an output: write y
    alignas(64) float out[direct ? 1 : NT * NP * panel_rows];
    const frame& f0 = *h.frame(j * S.stride);
    for (std::size_t g = 0; g < groups; ++g) {
      const matrix& W = w_[g];
      const auto run = [&]<std::size_t N>(std::integral_constant<std::size_t, N>, std::size_t p0) {
        const simd::x86::conv1d_tile_args a{W.w.data() + p0 * matrix::panel_bytes, matrix::panel_bytes, blocks_per_tap,
                                            taps, f0.q + g * cin_pad, &f0.scale, &f0.sum[g],
                                            S.stride * sizeof(frame), S.dilation * sizeof(frame),
                                            W.scale.data() + p0 * panel_rows, bias_.data() + g * cout_g + p0 * panel_rows,
                                            matrix::offset, direct ? y + g * cout_g + p0 * panel_rows : out,
                                            direct ? cout : N * panel_rows};
        simd::x86::conv1d_tile_u8s8<matrix::bits, NT, N>(a, arch);
        const std::size_t r0 = p0 * panel_rows, valid = cout_g - r0 < N * panel_rows ? cout_g - r0 : N * panel_rows;
        for (std::size_t t = 0; t < NT; ++t) {
          float* yt = y + t * cout + g * cout_g + r0;
          if constexpr (direct) {
            if constexpr (Act != activation::none) {
              for (std::size_t r = 0; r < valid; r += 16) simd::store(yt + r, apply_activation<Act, ActP>(simd::load<float, simd::avx512_vnni>(yt + r)));
            }
          } else {
            for (std::size_t r = 0; r < valid; ++r) yt[r] = apply_activation<Act, ActP>(out[t * N * panel_rows + r]);
          }
        }
      };
      std::size_t p0 = 0;
      for (; p0 + NP <= P; p0 += NP) run(std::integral_constant<std::size_t, NP>{}, p0);
      if constexpr (P % NP != 0) run(std::integral_constant<std::size_t, P % NP>{}, p0);
    }
  }
#endif

  static float max_abs(const float* x, simd::common) noexcept {
    float m = 0;
    for (std::size_t c = 0; c < cin; ++c) m = abs_value(x[c]) > m ? abs_value(x[c]) : m;  // NaN ignored
    return m;
  }
  static std::int32_t quantize(const float* x, float inv, act_t* q, simd::common) noexcept {
    std::int32_t sum = 0;
    for (std::size_t c = 0; c < cin_g; ++c) {
      const auto v = quantize_symmetric(x[c] * inv, Q::act_qmax);
      q[c] = static_cast<act_t>(v);
      sum += v;
    }
    return sum;
  }
#if EMBER_HAS_XSIMD
  template <simd::vector_arch A>
  static float max_abs(const float* x, A) noexcept { return simd::max_abs_fast<A>(x, cin); }
  template <simd::vector_arch A>
  static std::int32_t quantize(const float* x, float inv, act_t* q, A) noexcept {
#  if EMBER_HAS_X86_DOT && defined(__AVX512F__) && defined(__AVX512BW__)
    if constexpr (A::float_lanes == 16 && Q::scale == quant::scale_kind::per_row)  // |x * inv| <= qmax
      return simd::x86::quantize_in_range(x, cin_g, inv, Q::act_qmax, q);
#  endif
    return simd::quantize<A>(x, cin_g, inv, Q::act_qmax, q);
  }
#endif

  constexpr void set_q(std::size_t co, std::size_t ci, std::size_t t, std::int32_t v) noexcept {
    if constexpr (depthwise) {
      dw_[t * cout + co] = static_cast<act_t>(v);
    } else {
      matrix& W = w_[co / cout_g];
      const std::size_t r = co % cout_g, c = t * cin_pad + ci;
      if constexpr (Q::byte_path) {
        auto& b = W.w[matrix::byte_index(r, c)];
        b = std::uint8_t((b & ~(((1u << matrix::bits) - 1) << matrix::shift(c))) |
                         (std::uint32_t(v + matrix::offset) << matrix::shift(c)));
      } else {
        W.w[matrix::index(r, c)] = static_cast<std::int16_t>(v);
      }
    }
  }
  // Padding columns (channels >= cin_g of a tap) multiply zero activations: their weights
  // never matter. The packed matrices keep their own copy of the row scales.
  constexpr void sync_scales() noexcept {
    if constexpr (!depthwise) {
      for (std::size_t g = 0; g < groups; ++g)
        for (std::size_t r = 0; r < matrix::panels * panel_rows; ++r) w_[g].scale[r] = r < cout_g ? scale_[g * cout_g + r] : 0.0f;
    }
  }

  std::array<matrix, depthwise ? 1 : groups> w_{};
  aligned_array<act_t, depthwise ? taps * cout : 1> dw_{};
  aligned_array<float, round_up(cout, panel_rows) + panel_rows> scale_{}, bias_{};
};

}  // namespace ember::kernels
