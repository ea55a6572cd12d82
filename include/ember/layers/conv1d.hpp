// 1D convolution layer (torch.nn.Conv1d) over time-major frames, with a streaming step():
// one frame in, one output out, the window kept in a static history (no heap).
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

#include "ember/core/concepts.hpp"
#include "ember/core/policy.hpp"
#include "ember/cost/workload.hpp"
#include "ember/io/param_spec.hpp"
#include "ember/kernels/conv1d_f32.hpp"
#include "ember/kernels/conv1d_int.hpp"
#include "ember/kernels/conv_epilogue.hpp"

namespace ember {

/// Temporal convolution. Sequences are time-major, (T, Cin) row-major as for the RNN
/// layers: PyTorch's (Cin, L) input transposed. forward() is torch.nn.Conv1d on a whole
/// sequence; step() streams: it takes one frame and returns true when an output is ready,
/// which for pad::causal is every step from the first (the window starts on zero frames).
/// With other paddings an output appears once its window is complete (a delay of
/// reach - pad_before frames); outputs that would need right padding are not streamed.
/// Quantized policies quantize each frame as it arrives (one scale per frame), so streamed
/// and batch outputs agree bit for bit for every policy.
template <std::size_t Cin, std::size_t Cout, std::size_t Kernel, class P = policy<>, std::size_t Stride = 1,
          std::size_t Dilation = 1, padding Pad = pad::valid, std::size_t Groups = 1,
          activation Act = activation::none, bool Bias = true>
class conv1d {
  static_assert(Cin > 0 && Cout > 0 && Kernel > 0 && Stride > 0 && Dilation > 0 && Groups > 0,
                "ember::conv1d: every shape, stride, dilation and group count must be at least 1");
  static_assert(Cin % Groups == 0 && Cout % Groups == 0,
                "ember::conv1d: Groups must divide Cin and Cout (as in torch.nn.Conv1d)");
  static_assert(Pad.kind != padding::mode::same || Stride == 1,
                "ember::conv1d: pad::same needs Stride == 1 (as in torch.nn.Conv1d)");
  static_assert(policy_bundle<P>, "ember::conv1d: P must be an ember::policy<...>");
  static_assert(std::is_same_v<typename P::matvec, matvec::dense> && !P::skip::skips_columns,
                "ember::conv1d: convolutions use dense weights and no skip policy");

 public:
  using policy_type = P;
  using quant_type = typename P::quant;
  static constexpr kernels::conv1d_spec spec{Cin, Cout, Kernel, Stride, Dilation, Groups, Pad};
  using kernel_type = kernels::conv1d_kernel<quant_type, spec>;
  using history_type = typename kernel_type::history_type;

  static constexpr std::size_t in_size = Cin, out_size = Cout;  // per time step
  static constexpr std::size_t in_channels = Cin, channels = Cout;
  static constexpr std::size_t kernel_size = Kernel, stride = Stride, dilation = Dilation, groups = Groups;
  static constexpr std::size_t pad_before = spec.pad_before(), pad_after = spec.pad_after();
  static constexpr activation fused_activation = Act;
  static constexpr bool has_bias = Bias;
  /// Output steps of forward() for a sequence of t steps.
  static constexpr std::size_t out_steps(std::size_t t) noexcept { return spec.out_steps(t); }

  /// "weight" (Cout, Cin/Groups, Kernel) and, with Bias, "bias" (Cout).
  static constexpr auto params() noexcept {
    constexpr io::param_spec w{"weight", {Cout, Cin / Groups, Kernel, 0}, 3};
    if constexpr (Bias) return std::array<io::param_spec, 2>{w, io::vector("bias", Cout)};
    else return std::array<io::param_spec, 1>{w};
  }
  kernels::quant_report set_param(std::size_t i, std::span<const float> v) noexcept {
    if (i == 0) return k_.set_weight(v);
    if (i == 1 && Bias) k_.set_bias(v);
    return {};
  }

  conv1d() noexcept { reset(); }

  /// Clears the history: the stream restarts on pad_before zero frames.
  void reset() noexcept {
    h_.clear();
    next_ = 0;
    for (std::size_t i = 0; i < pad_before; ++i) k_.push(nullptr, 0, h_, simd::common{});
  }

  /// Streams one frame; writes y and returns true when the next output step is complete.
  template <class Arch = simd::native>
  bool step(std::span<const float, Cin> x, std::span<float, Cout> y, Arch arch = {}) noexcept {
    k_.push(x.data(), next_ * Stride, h_, arch);
    if (h_.end() < next_ * Stride + spec.reach() + 1) return false;
    k_.template output<Act, typename P::act>(h_, next_, y.data(), arch);
    ++next_;
    return true;
  }

  /// torch.nn.Conv1d on xs (T, Cin) into ys (out_steps(T), Cout); returns the steps
  /// written (fewer if ys is shorter). Starts from and leaves a reset history.
  template <class Arch = simd::native>
  std::size_t forward(std::span<const float> xs, std::span<float> ys, Arch arch = {}) noexcept {
    const std::size_t t_in = xs.size() / Cin, want = out_steps(t_in);
    const std::size_t t_out = want < ys.size() / Cout ? want : ys.size() / Cout;
    reset();
    for (std::size_t f = 0; f < t_in + pad_after && next_ < t_out; ++f) {
      k_.push(f < t_in ? xs.data() + f * Cin : nullptr, next_ * Stride, h_, arch);
      const std::size_t end = h_.end();  // frames available, left padding included
      std::size_t ready = end > spec.reach() ? (end - spec.reach() - 1) / Stride + 1 : 0;
      ready = ready < t_out ? ready : t_out;
      const bool last = f + 1 == t_in + pad_after;
      if (ready > next_ && (ready - next_ >= kernels::conv1d_round || last || ready == t_out)) {
        k_.template outputs<Act, typename P::act>(h_, next_, ready - next_, ys.data() + next_ * Cout, arch);
        next_ = ready;
      }
    }
    reset();
    return t_out;
  }

  /// Implicit GEMM over a sequence: M = output steps, N = Cout, K = Cin/Groups * Kernel.
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1) noexcept {
    const std::size_t t_out = out_steps(seq_len);
    cost::layer_workload w;
    w.name = Groups == Cin && Groups > 1 ? "conv1d_depthwise" : "conv1d";
    cost::gemm g{.M = t_out, .N = Cout, .K = Cin / Groups * Kernel, .weight_bits = P::weight_bits,
                 .act_bits = P::act_bits};
    w.add(g);
    if constexpr (Act != activation::none) w.add(cost::eltwise{t_out * Cout, kernels::eltwise_of(Act), 32, 1});
    const std::size_t per_channel = quant_type::is_integer ? 8 : 4;  // bias (+ scale)
    w.mem = {g.weight_bytes() + Cout * per_channel, (spec.reach() + 1) * ((Cin * P::act_bits + 7) / 8),
             Cin * 4 + Cout * 4};
    w.conv = {Cin, Cout, 1, Kernel, Stride, 1, seq_len, 1, t_out, Groups, false};
    w.has_conv = true;
    return w;
  }

  kernel_type& kernel() noexcept { return k_; }
  const kernel_type& kernel() const noexcept { return k_; }

 private:
  kernel_type k_;
  history_type h_;
  std::size_t next_ = 0;  // next output step
};

}  // namespace ember
