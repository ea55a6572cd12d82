// GRU layer matching torch.nn.GRU (gates r, z, n, with the reset gate applied after the
// recurrent product: "linear before reset"), written once over the policy axes.
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

/// One GRU level, PyTorch's equations (rows stacked r, z, n):
///   gi = W_ih x + b_ih, gh = W_hh h + b_hh
///   r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z), n = tanh(gi_n + r * gh_n)
///   h' = n + z (h - n)   (= (1 - z) n + z h)
/// The x and h contributions stay in separate projections (gi, gh), as the n gate needs
/// them apart; a delta projection keeps one memory for each, as EdgeDRNN does.
/// Quantized policies: W per row at load, x and h per vector per step; the rest fp32.
template <std::size_t In, std::size_t H, class P, std::size_t Chunk>
class gru_cell {
 public:
  static constexpr std::size_t in_size = In, hidden = H, gates = 3, n_params = 4, state_vectors = 1;
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
      default: std::ranges::copy(v, (j == 2 ? b_ih_ : b_hh_).begin()); return {};
    }
  }

  void reset() noexcept {
    h_.fill(0.0f);
    ih_.reset();
    hh_.reset();
    ih_projection::reset_input(in_x_);
    hh_projection::reset_input(in_h_);
  }
  std::span<float, H> state(std::size_t) noexcept { return h_.span(); }
  std::span<const float, H> state(std::size_t) const noexcept { return h_.span(); }
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

  template <class Arch>
  void project(const float* x, float* g, Arch arch) noexcept {
    ih_projection::prepare(std::span<const float, In>(x, In), in_x_, arch);
    ih_.apply(in_x_, g, b_ih_.data(), arch);
  }
  template <class Arch>
  void project_chunk(const float* xs, std::size_t n, float* g, Arch arch) noexcept {
    ih_projection::prepare_batch(xs, n, In, batch_, in_x_, arch);
    ih_.apply_batch(batch_, n, g, gates * H, b_ih_.data(), arch);
  }

  template <class Arch>
  void recur(float* g, const float*, std::size_t n, float* ys, Arch arch) noexcept {
    for (std::size_t t = 0; t < n; ++t) {
      const float* gi = g + t * gates * H;
      hh_projection::prepare(h_.span(), in_h_, arch);
      hh_.apply(in_h_, gh_.data(), b_hh_.data(), arch);
      const float* gh = gh_.data();
      float* h = h_.data();
      for_lanes<Arch>(H, [&](auto lanes, std::size_t i) {
        using V = decltype(lanes);
        const auto r = act::sigmoid(V::load(gi + i) + V::load(gh + i));
        const auto z = act::sigmoid(V::load(gi + H + i) + V::load(gh + H + i));
        const auto nn = act::tanh(V::load(gi + 2 * H + i) + r * V::load(gh + 2 * H + i));
        V::store(h + i, nn + z * (V::load(h + i) - nn));
      });
      if (ys) std::copy(h, h + H, ys + t * H);
    }
  }

  static constexpr void add_workload(cost::layer_workload& w, std::size_t seq_len, std::size_t levels,
                                     double dx = 1.0, double dh = 1.0) noexcept {
    const cost::gemm ih{seq_len, gates * H, In, P::weight_bits, P::act_bits, P::matvec::block, dx, levels};
    const cost::gemm hh{1, gates * H, H, P::weight_bits, P::act_bits, P::matvec::block, dh, seq_len * levels};
    w.add(ih).add(hh);
    if (w.n_elts == 0) {
      const std::size_t steps = seq_len * levels;
      w.add(cost::eltwise{2 * H, cost::eltwise_kind::sigmoid, 32, steps})
          .add(cost::eltwise{H, cost::eltwise_kind::tanh, 32, steps})
          .add(cost::eltwise{2 * H, cost::eltwise_kind::mul, 32, steps})
          .add(cost::eltwise{4 * H, cost::eltwise_kind::add, 32, steps});
    } else {
      for (std::size_t e = 0; e < w.n_elts; ++e) w.elts[e].repeat += seq_len * levels;
    }
  }
  static constexpr std::size_t weight_bytes = sizeof(typename ih_projection::matrix_type) +
                                              sizeof(typename hh_projection::matrix_type) +
                                              2 * gates * H * sizeof(float);
  static constexpr std::size_t buffer_bytes = sizeof(typename ih_projection::input_type) +
                                              sizeof(typename hh_projection::input_type) +
                                              sizeof(typename ih_projection::template batch_type<Chunk>) +
                                              gates * H * sizeof(float);

 private:
  ih_projection ih_{};  // (3H, In) gate-major r, z, n
  hh_projection hh_{};  // (3H, H)
  aligned_array<float, gates * H> b_ih_{}, b_hh_{}, gh_{};
  aligned_array<float, H> h_{};
  typename ih_projection::input_type in_x_{};
  typename hh_projection::input_type in_h_{};
  typename ih_projection::template batch_type<Chunk> batch_{};
};

}  // namespace detail

/// GRU with In inputs, H hidden units, policy P and `Layers` levels, matching
/// torch.nn.GRU(In, H, num_layers=Layers) at batch 1 (oneDNN calls this variant
/// "linear-before-reset"). Parameters: weight_ih_l{k} (3H, In or H), weight_hh_l{k}
/// (3H, H), bias_ih_l{k}, bias_hh_l{k} (3H). State: h of every level (PyTorch's h_n).
/// Example: examples/kws_gru_int8.cpp.
template <std::size_t In, std::size_t H, class P = policy<>, std::size_t Layers = 1, std::size_t Chunk = 16>
class gru : public detail::rnn_stack<detail::gru_cell, In, H, P, Layers, Chunk> {
  using base = detail::rnn_stack<detail::gru_cell, In, H, P, Layers, Chunk>;

 public:
  static constexpr const char* name = "gru";
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1) noexcept {
    return base::workload(seq_len, name);
  }
  /// The workload with measured delta densities (skip::delta: delta_stats()).
  static constexpr cost::layer_workload workload(std::size_t seq_len, const kernels::delta_stats& s) noexcept {
    return base::workload(seq_len, name, s.input_density(), s.hidden_density());
  }
};

}  // namespace ember
