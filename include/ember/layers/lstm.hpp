// LSTM layer matching torch.nn.LSTM (gates i, f, g, o; batch 1; optional stacking),
// written once over the policy axes: packed matrices, projection (skip), act::sigmoid/tanh.
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
#include "ember/layers/detail/lanes.hpp"
#include "ember/layers/detail/param_names.hpp"
#include "ember/layers/detail/rnn_stack.hpp"

namespace ember {
namespace detail {

/// One LSTM level, PyTorch's equations:
///   [i f g o] = W_ih x + b_ih + W_hh h + b_hh      (rows stacked i, f, g, o; 4H each H)
///   i, f, o = sigmoid(.), g = tanh(.), c' = f c + i g, h' = o tanh(c')
/// Quantized policies quantize W (per row, at load) and x, h (per vector, per step);
/// gate sums, biases, activations, c and h stay fp32.
template <std::size_t In, std::size_t H, class P, std::size_t Chunk>
class lstm_cell {
 public:
  static constexpr std::size_t in_size = In, hidden = H, gates = 4, n_params = 4, state_vectors = 2;
  using act = typename P::act;
  using ih_projection = kernels::projection_for<P, gates * H, In>;
  using hh_projection = kernels::projection_for<P, gates * H, H>;

  template <std::size_t L>
  static constexpr std::array<io::param_spec, n_params> params() noexcept {
    return {io::matrix(level_name<"weight_ih", L>::value, gates * H, In),
            io::matrix(level_name<"weight_hh", L>::value, gates * H, H),
            io::vector(level_name<"bias_ih", L>::value, gates * H),
            io::vector(level_name<"bias_hh", L>::value, gates * H)};
  }

  kernels::quant_report set_param(std::size_t j, std::span<const float> v) noexcept {
    switch (j) {
      case 0: return ih_.pack(v);
      case 1: return hh_.pack(v);
      default: {
        std::ranges::copy(v, (j == 2 ? b_ih_ : b_hh_).begin());
        for (std::size_t r = 0; r < gates * H; ++r) b_sum_[r] = b_ih_[r] + b_hh_[r];
        return {};
      }
    }
  }

  void reset() noexcept {
    h_.fill(0.0f);
    c_.fill(0.0f);
    ih_.reset();
    hh_.reset();
    ih_projection::reset_input(in_x_);
    hh_projection::reset_input(in_h_);
  }
  std::span<float, H> state(std::size_t k) noexcept { return k == 0 ? h_.span() : c_.span(); }
  std::span<const float, H> state(std::size_t k) const noexcept { return k == 0 ? h_.span() : c_.span(); }
  std::span<const float, H> output() const noexcept { return h_.span(); }
  /// f(projection, its input) for W_ih then W_hh (skip knobs and statistics live there).
  template <class F>
  void visit_projections(F&& f) {
    f(ih_, in_x_);
    f(hh_, in_h_);
  }
  template <class F>
  void visit_projections(F&& f) const {
    f(ih_, in_x_);
    f(hh_, in_h_);
  }

  /// g = W_ih x + (b_ih + b_hh): both biases enter once, with the input projection.
  template <class Arch>
  void project(const float* x, float* g, Arch arch) noexcept {
    ih_projection::prepare(std::span<const float, In>(x, In), in_x_, arch);
    ih_.apply(in_x_, g, b_sum_.data(), arch);
  }
  template <class Arch>
  void project_chunk(const float* xs, std::size_t n, float* g, Arch arch) noexcept {
    ih_projection::prepare_batch(xs, n, In, batch_, in_x_, arch);
    ih_.apply_batch(batch_, n, g, gates * H, b_sum_.data(), arch);
  }

  template <class Arch>
  void recur(float* g, const float*, std::size_t n, float* ys, Arch arch) noexcept {
    for (std::size_t t = 0; t < n; ++t) {
      float* gt = g + t * gates * H;
      hh_projection::prepare(h_.span(), in_h_, arch);
      hh_.apply(in_h_, gt, gt, arch);  // gates += W_hh h
      float* h = h_.data();
      float* c = c_.data();
      for_lanes<Arch>(H, [&](auto lanes, std::size_t i) {
        using V = decltype(lanes);
        const auto ig = act::sigmoid(V::load(gt + i));
        const auto fg = act::sigmoid(V::load(gt + H + i));
        const auto gg = act::tanh(V::load(gt + 2 * H + i));
        const auto og = act::sigmoid(V::load(gt + 3 * H + i));
        const auto cn = fg * V::load(c + i) + ig * gg;
        V::store(c + i, cn);
        V::store(h + i, og * act::tanh(cn));
      });
      if (ys) std::copy(h, h + H, ys + t * H);
    }
  }

  static constexpr void add_workload(cost::layer_workload& w, std::size_t seq_len, std::size_t levels,
                                     double dx = 1.0, double dh = 1.0) noexcept {
    const cost::gemm ih{seq_len, gates * H, In, P::weight_bits, P::act_bits, P::matvec::block, dx, levels};
    const cost::gemm hh{1, gates * H, H, P::weight_bits, P::act_bits, P::matvec::block, dh, seq_len * levels};
    w.add(ih).add(hh);
    if (w.n_elts == 0) {  // element-wise work is the same at every level: one entry each
      const std::size_t steps = seq_len * levels;
      w.add(cost::eltwise{3 * H, cost::eltwise_kind::sigmoid, 32, steps})
          .add(cost::eltwise{2 * H, cost::eltwise_kind::tanh, 32, steps})
          .add(cost::eltwise{3 * H, cost::eltwise_kind::mul, 32, steps})
          .add(cost::eltwise{H, cost::eltwise_kind::add, 32, steps});
    } else {
      for (std::size_t e = 0; e < w.n_elts; ++e) w.elts[e].repeat += seq_len * levels;
    }
  }
  static constexpr std::size_t weight_bytes = sizeof(typename ih_projection::matrix_type) +
                                              sizeof(typename hh_projection::matrix_type) +
                                              2 * gates * H * sizeof(float);
  static constexpr std::size_t buffer_bytes = sizeof(typename ih_projection::input_type) +
                                              sizeof(typename hh_projection::input_type) +
                                              sizeof(typename ih_projection::template batch_type<Chunk>);

 private:
  ih_projection ih_{};  // (4H, In) gate-major i, f, g, o
  hh_projection hh_{};  // (4H, H)
  aligned_array<float, gates * H> b_ih_{}, b_hh_{}, b_sum_{};
  aligned_array<float, H> h_{}, c_{};
  typename ih_projection::input_type in_x_{};
  typename hh_projection::input_type in_h_{};
  typename ih_projection::template batch_type<Chunk> batch_{};
};

}  // namespace detail

/// LSTM with In inputs, H hidden units, policy P and `Layers` stacked levels, matching
/// torch.nn.LSTM(In, H, num_layers=Layers) at batch 1. Parameters: weight_ih_l{k} (4H, In
/// for k = 0, else H), weight_hh_l{k} (4H, H), bias_ih_l{k}, bias_hh_l{k} (4H). State:
/// h of every level then c of every level (PyTorch's h_n, c_n). Sequences run in chunks
/// of Chunk steps whose input projection is one matrix-matrix product.
/// Example: examples/hello_lstm.cpp.
template <std::size_t In, std::size_t H, class P = policy<>, std::size_t Layers = 1, std::size_t Chunk = 16>
class lstm : public detail::rnn_stack<detail::lstm_cell, In, H, P, Layers, Chunk> {
  using base = detail::rnn_stack<detail::lstm_cell, In, H, P, Layers, Chunk>;

 public:
  static constexpr const char* name = "lstm";
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1) noexcept {
    return base::workload(seq_len, name);
  }
  /// The workload with measured delta densities (skip::delta: delta_stats()).
  static constexpr cost::layer_workload workload(std::size_t seq_len, const kernels::delta_stats& s) noexcept {
    return base::workload(seq_len, name, s.input_density(), s.hidden_density());
  }
};

}  // namespace ember
