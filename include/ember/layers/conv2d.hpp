// 2D convolution layer (torch.nn.Conv2d): CHW in and out, weight (Cout, Cin/Groups, K, K),
// stride, padding, dilation, groups (depthwise: Groups = Cin), fused bias and activation.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

#include "ember/core/concepts.hpp"
#include "ember/core/policy.hpp"
#include "ember/cost/workload.hpp"
#include "ember/io/param_spec.hpp"
#include "ember/kernels/conv2d_f32.hpp"
#include "ember/kernels/conv2d_int.hpp"
#include "ember/kernels/conv2d_winograd.hpp"
#include "ember/kernels/conv_epilogue.hpp"
#include "ember/kernels/conv_plan.hpp"

namespace ember {

/// Square-kernel 2D convolution of a Cin x Height x Width frame (one frame per call).
/// Quantized policies quantize weights per output channel at load and the input per
/// frame (one dynamic scale for the whole CHW tensor), accumulate exactly in integers and
/// dequantize once per output. Act is fused after the bias (and a folded batch norm).
/// Bias = false drops the "bias" parameter (PyTorch bias=False).
template <std::size_t Cin, std::size_t Height, std::size_t Width, std::size_t Cout, std::size_t Kernel,
          class P = policy<>, std::size_t Stride = 1, std::size_t Dilation = 1, padding Pad = pad::valid,
          std::size_t Groups = 1, activation Act = activation::none, bool Bias = true>
class conv2d {
  static_assert(Cin > 0 && Height > 0 && Width > 0 && Cout > 0 && Kernel > 0 && Stride > 0 && Dilation > 0 &&
                    Groups > 0,
                "ember::conv2d: every shape, stride, dilation and group count must be at least 1");
  static_assert(Cin % Groups == 0 && Cout % Groups == 0,
                "ember::conv2d: Groups must divide Cin and Cout (as in torch.nn.Conv2d)");
  static_assert(Pad.kind != padding::mode::causal, "ember::conv2d: pad::causal is for conv1d");
  static_assert(Pad.kind != padding::mode::same || Stride == 1,
                "ember::conv2d: pad::same needs Stride == 1 (as in torch.nn.Conv2d)");
  static_assert(policy_bundle<P>, "ember::conv2d: P must be an ember::policy<...>");
  static_assert(std::is_same_v<typename P::matvec, matvec::dense> && !P::skip::skips_columns,
                "ember::conv2d: convolutions use dense weights and no skip policy");

 public:
  using policy_type = P;
  using quant_type = typename P::quant;
  static constexpr kernels::conv2d_spec spec{Cin, Height, Width, Cout, Kernel, Stride, Dilation, Groups, Pad};
  // Checked on the spec, before the kernel type is instantiated: clang would otherwise stop
  // at the kernel's (unreadable) out-of-range template arguments first.
  static_assert(spec.grid().hout() > 0 && spec.grid().wout() > 0,
                "ember::conv2d: the dilated kernel is larger than the padded input (no output pixel)");
  using kernel_type = kernels::conv2d_kernel<quant_type, spec>;
  static constexpr kernels::grid2d grid = kernel_type::grid;

  static constexpr std::size_t in_channels = Cin, in_height = Height, in_width = Width;
  static constexpr std::size_t channels = Cout, height = grid.hout(), width = grid.wout();
  static constexpr std::size_t in_size = Cin * Height * Width, out_size = Cout * height * width;
  static constexpr std::size_t kernel_size = Kernel, stride = Stride, dilation = Dilation, groups = Groups;
  static constexpr activation fused_activation = Act;
  static constexpr bool has_bias = Bias;

  /// "weight" (Cout, Cin/Groups, K, K) and, with Bias, "bias" (Cout).
  static constexpr auto params() noexcept {
    constexpr io::param_spec w{"weight", {Cout, Cin / Groups, Kernel, Kernel}, 4};
    if constexpr (Bias) return std::array<io::param_spec, 2>{w, io::vector("bias", Cout)};
    else return std::array<io::param_spec, 1>{w};
  }
  kernels::quant_report set_param(std::size_t i, std::span<const float> v) noexcept {
    if (i == 0) return k_.set_weight(v);
    if (i == 1 && Bias) k_.set_bias(v);
    return {};
  }
  void reset() noexcept {}  // no state between frames

  /// y = act(conv(x) + bias) for one CHW frame.
  template <class Arch = simd::native>
  void forward(std::span<const float, in_size> x, std::span<float, out_size> y, Arch arch = {}) noexcept {
    k_.template run<Act, typename P::act>(x.data(), y.data(), arch);
  }
  template <class Arch = simd::native>
  void step(std::span<const float, in_size> x, std::span<float, out_size> y, Arch arch = {}) noexcept {
    forward(x, y, arch);
  }

  /// Implicit GEMM per frame: M = output pixels, N = Cout, K = Cin/Groups * K * K.
  static constexpr cost::layer_workload workload(std::size_t frames = 1) noexcept {
    cost::layer_workload w;
    w.name = Groups == Cin && Groups > 1 ? "conv2d_depthwise" : "conv2d";
    cost::gemm g{.M = height * width, .N = Cout, .K = Cin / Groups * Kernel * Kernel,
                 .weight_bits = P::weight_bits, .act_bits = P::act_bits, .repeat = frames};
    w.add(g);
    if constexpr (Act != activation::none) w.add(cost::eltwise{out_size, kernels::eltwise_of(Act), 32, frames});
    const std::size_t per_channel = quant_type::is_integer ? 8 : 4;  // bias (+ scale)
    w.mem = {g.weight_bytes() + Cout * per_channel, 0, (in_size * P::act_bits + 7) / 8 + out_size * 4};
    w.conv = {Cin, Cout, Kernel, Kernel, Stride, Height, Width, height, width, Groups, false};
    w.has_conv = true;
    return w;
  }

  /// The packed engine (load-time access: batch-norm folding, inspection in tests).
  kernel_type& kernel() noexcept { return k_; }
  const kernel_type& kernel() const noexcept { return k_; }

 private:
  kernel_type k_;
};

/// Depthwise convolution (Groups = C): torch.nn.Conv2d(C, C * Multiplier, K, groups=C).
template <std::size_t C, std::size_t Height, std::size_t Width, std::size_t Kernel, class P = policy<>,
          std::size_t Stride = 1, std::size_t Dilation = 1, padding Pad = pad::valid,
          activation Act = activation::none, std::size_t Multiplier = 1, bool Bias = true>
using depthwise_conv2d = conv2d<C, Height, Width, C * Multiplier, Kernel, P, Stride, Dilation, Pad, C, Act, Bias>;

}  // namespace ember
