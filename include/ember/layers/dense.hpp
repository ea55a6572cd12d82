// Dense (fully connected) layer matching torch.nn.Linear: y = W x + b, one vector per step
// or a sequence of vectors through the multi-vector kernel; any policy.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "ember/core/policy.hpp"
#include "ember/core/tensor.hpp"
#include "ember/cost/workload.hpp"
#include "ember/io/param_spec.hpp"
#include "ember/kernels/projection.hpp"
#include "ember/kernels/delta_stats.hpp"
#include "ember/layers/detail/arch_tag.hpp"
#include "ember/layers/detail/delta_knobs.hpp"

namespace ember {

/// y = W x + b with W (Out, In), as torch.nn.Linear(In, Out). Parameters: weight (Out, In),
/// bias (Out). Stateless under skip::none (a delta projection keeps x-hat and M; reset()
/// clears them). Quantized policies: W per row at load, x per vector per call; b and y fp32.
template <std::size_t In, std::size_t Out, class P = policy<>, std::size_t Chunk = 16>
class dense {
  static_assert(In > 0 && Out > 0, "ember::dense<In, Out>: In and Out must be non-zero");
  static_assert(Chunk >= 1, "ember::dense: the sequence chunk must hold at least one vector");

 public:
  using policy_type = P;
  using projection = kernels::projection_for<P, Out, In>;
  static constexpr std::size_t in_size = In, out_size = Out, chunk = Chunk;
  static constexpr const char* name = "dense";

  static constexpr std::array<io::param_spec, 2> params() noexcept {
    return {io::matrix("weight", Out, In), io::vector("bias", Out)};
  }
  kernels::quant_report set_param(std::size_t i, std::span<const float> v) noexcept {
    if (i >= 2 || v.size() != params()[i].count()) return {};
    if (i == 0) return w_.pack(v);
    std::ranges::copy(v, b_.begin());
    return {};
  }
  void reset() noexcept {
    w_.reset();
    projection::reset_input(in_x_);
  }

  /// f(projection, its input): where skip knobs (delta thresholds) and statistics live.
  template <class F>
  void visit_projections(F&& f) {
    f(w_, in_x_);
  }

  template <class F>
  void visit_projections(F&& f) const {
    f(w_, in_x_);
  }
  /// skip::delta: Theta for x (false and no change if negative or NaN), the integer grid
  /// range of x (symmetric<W, A>; resets), propagation statistics (all "input").
  bool set_delta_threshold(float theta) noexcept
    requires P::skip::skips_columns
  {
    return detail::set_delta_thresholds([&](auto&& f) { f(w_, in_x_, false); }, theta, theta);
  }
  bool set_delta_range(float x_range) noexcept
    requires P::skip::skips_columns
  {
    if (!detail::set_delta_ranges([&](auto&& f) { f(w_, in_x_, false); }, x_range, x_range)) return false;
    reset();
    return true;
  }
  void set_delta_refresh(std::size_t period) noexcept
    requires P::skip::skips_columns
  {
    detail::set_delta_refresh([&](auto&& f) { f(w_, in_x_, false); }, period);
  }
  kernels::delta_stats delta_stats() const noexcept
    requires P::skip::skips_columns
  {
    return detail::collect_delta_stats([&](auto&& f) { f(w_, in_x_, false); });
  }
  void reset_delta_stats() noexcept
    requires P::skip::skips_columns
  {
    detail::reset_delta_stats([&](auto&& f) { f(w_, in_x_, false); });
  }

  template <arch_tag Arch = simd::native>
  void step(std::span<const float, In> x, std::span<float, Out> y, Arch arch = {}) noexcept {
    projection::prepare(x, in_x_, arch);
    w_.apply(in_x_, y.data(), b_.data(), arch);
  }
  /// T = min(xs.size() / In, ys.size() / Out) vectors, row-major, not overlapping.
  template <arch_tag Arch = simd::native>
  void forward(std::span<const float> xs, std::span<float> ys, Arch arch = {}) noexcept {
    const std::size_t steps = std::min(xs.size() / In, ys.size() / Out);
    for (std::size_t t0 = 0; t0 < steps; t0 += Chunk) {
      const std::size_t n = std::min(Chunk, steps - t0);
      projection::prepare_batch(xs.data() + t0 * In, n, In, batch_, in_x_, arch);
      w_.apply_batch(batch_, n, ys.data() + t0 * Out, Out, b_.data(), arch);
    }
  }

  /// One GEMM with M = seq_len (the vectors of a sequence share each weight load).
  /// input_density: fraction of x's columns a delta layer propagates (delta_stats()).
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1, double input_density = 1.0) noexcept {
    cost::layer_workload w;
    w.name = name;
    w.add(cost::gemm{seq_len, Out, In, P::weight_bits, P::act_bits, P::matvec::block, input_density, 1});
    w.mem.weight_bytes = sizeof(typename projection::matrix_type) + Out * sizeof(float);
    w.mem.act_bytes = sizeof(typename projection::input_type) + sizeof(typename projection::template batch_type<Chunk>);
    return w;
  }
  static constexpr cost::layer_workload workload(std::size_t seq_len, const kernels::delta_stats& s) noexcept {
    return workload(seq_len, s.input_density());
  }

 private:
  projection w_{};  // (Out, In)
  aligned_array<float, Out> b_{};
  typename projection::input_type in_x_{};
  typename projection::template batch_type<Chunk> batch_{};
};

}  // namespace ember
