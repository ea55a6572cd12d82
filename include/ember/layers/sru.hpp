// SRU layer (Lei et al. 2018): every matrix product depends on the input only, so a whole
// chunk is projected in one matrix-matrix product and the recurrence is element-wise.
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

/// One SRU level (rows of W stacked x~, f, r, and a highway projection when In != H):
///   x~ = W_x x, f = sigmoid(W_f x + v_f c + b_f), r = sigmoid(W_r x + v_r c + b_r)
///   c' = f c + (1 - f) x~,  h = r c' + (1 - r) x'   with x' = x (In == H) or W_h x
/// where c is the previous cell state (f and r both read it). No bias on x~ and x'.
template <std::size_t In, std::size_t H, class P, std::size_t Chunk>
class sru_cell {
 public:
  static constexpr bool projects_highway = In != H;
  static constexpr std::size_t in_size = In, hidden = H, gates = projects_highway ? 4 : 3;
  static constexpr std::size_t n_params = 3, state_vectors = 1;
  using act = typename P::act;
  using projection = kernels::projection_for<P, gates * H, In>;

  template <std::size_t L>
  static constexpr std::array<io::param_spec, n_params> params() noexcept {
    return {io::matrix(level_name<"weight", L>::value, gates * H, In),
            io::vector(level_name<"weight_c", L>::value, 2 * H),
            io::vector(level_name<"bias", L>::value, 2 * H)};
  }

  kernels::quant_report set_param(std::size_t j, std::span<const float> v) noexcept {
    if (j == 0) return w_.pack(v);
    if (j == 1) {
      std::ranges::copy(v, vc_.begin());
    } else {  // b_f, b_r enter with the projection: addend [0 | b_f | b_r | 0]
      std::copy(v.begin(), v.end(), u_bias_.begin() + H);
    }
    return {};
  }

  void reset() noexcept {
    c_.fill(0.0f);
    h_.fill(0.0f);
    w_.reset();
    projection::reset_input(in_x_);
  }
  std::span<float, H> state(std::size_t) noexcept { return c_.span(); }
  std::span<const float, H> state(std::size_t) const noexcept { return c_.span(); }
  std::span<const float, H> output() const noexcept { return h_.span(); }
  /// f(projection, its input) for W (skip knobs and statistics live there).
  template <class F>
  void visit_projections(F&& f) {
    f(w_, in_x_);
  }
  template <class F>
  void visit_projections(F&& f) const {
    f(w_, in_x_);
  }

  template <class Arch>
  void project(const float* x, float* g, Arch arch) noexcept {
    projection::prepare(std::span<const float, In>(x, In), in_x_, arch);
    w_.apply(in_x_, g, u_bias_.data(), arch);
  }
  template <class Arch>
  void project_chunk(const float* xs, std::size_t n, float* g, Arch arch) noexcept {
    projection::prepare_batch(xs, n, In, batch_, in_x_, arch);
    w_.apply_batch(batch_, n, g, gates * H, u_bias_.data(), arch);
  }

  template <class Arch>
  void recur(float* g, const float* xs, std::size_t n, float* ys, Arch) noexcept {
    const float* vf = vc_.data();
    const float* vr = vc_.data() + H;
    float* c = c_.data();
    float* h = h_.data();
    for (std::size_t t = 0; t < n; ++t) {
      const float* u = g + t * gates * H;
      const float* xh = projects_highway ? u + 3 * H : xs + t * In;
      float* out = ys ? ys + t * H : h;  // ys may be xs (in place): x' is read before h is written
      for_lanes<Arch>(H, [&](auto lanes, std::size_t i) {
        using V = decltype(lanes);
        const auto one = V::splat(1.0f);
        const auto cp = V::load(c + i);
        const auto f = act::sigmoid(V::load(u + H + i) + V::load(vf + i) * cp);
        const auto r = act::sigmoid(V::load(u + 2 * H + i) + V::load(vr + i) * cp);
        const auto cn = f * cp + (one - f) * V::load(u + i);
        const auto x = V::load(xh + i);
        V::store(c + i, cn);
        V::store(out + i, r * cn + (one - r) * x);
      });
      if (ys) std::copy(out, out + H, h);
    }
  }

  static constexpr void add_workload(cost::layer_workload& w, std::size_t seq_len, std::size_t levels,
                                     double dx = 1.0, double = 1.0) noexcept {
    w.add(cost::gemm{seq_len, gates * H, In, P::weight_bits, P::act_bits, P::matvec::block, dx, levels});
    if (w.n_elts == 0) {
      const std::size_t steps = seq_len * levels;
      w.add(cost::eltwise{2 * H, cost::eltwise_kind::sigmoid, 32, steps})
          .add(cost::eltwise{2 * H, cost::eltwise_kind::fma, 32, steps})
          .add(cost::eltwise{4 * H, cost::eltwise_kind::mul, 32, steps})
          .add(cost::eltwise{4 * H, cost::eltwise_kind::add, 32, steps});
    } else {
      for (std::size_t e = 0; e < w.n_elts; ++e) w.elts[e].repeat += seq_len * levels;
    }
  }
  static constexpr std::size_t weight_bytes =
      sizeof(typename projection::matrix_type) + 4 * H * sizeof(float);
  static constexpr std::size_t buffer_bytes = sizeof(typename projection::input_type) +
                                              sizeof(typename projection::template batch_type<Chunk>);

 private:
  projection w_{};                         // (gates * H, In) stacked x~, f, r (, x')
  aligned_array<float, gates * H> u_bias_{};  // [0 | b_f | b_r (| 0)]
  aligned_array<float, 2 * H> vc_{};         // [v_f | v_r]
  aligned_array<float, H> c_{}, h_{};
  typename projection::input_type in_x_{};
  typename projection::template batch_type<Chunk> batch_{};
};

}  // namespace detail

/// SRU with In inputs, H hidden units, policy P and `Layers` levels (Lei et al., 2018,
/// "Simple Recurrent Units for Highly Parallelizable Recurrence", eqs. 3-7 without the
/// optional scaling). Parameters (ember's names; there is no torch.nn.SRU):
/// weight_l{k} (3H, In) rows x~, f, r, or (4H, In) with the highway rows when In != H;
/// weight_c_l{k} (2H) = [v_f | v_r]; bias_l{k} (2H) = [b_f | b_r]. State: c of every level.
/// The reference is tools/reference/rnn.py (torch, written from these equations).
template <std::size_t In, std::size_t H, class P = policy<>, std::size_t Layers = 1, std::size_t Chunk = 16>
class sru : public detail::rnn_stack<detail::sru_cell, In, H, P, Layers, Chunk> {
  using base = detail::rnn_stack<detail::sru_cell, In, H, P, Layers, Chunk>;

 public:
  static constexpr const char* name = "sru";
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1) noexcept {
    return base::workload(seq_len, name);
  }
  /// The workload with measured delta densities (skip::delta: delta_stats()).
  static constexpr cost::layer_workload workload(std::size_t seq_len, const kernels::delta_stats& s) noexcept {
    return base::workload(seq_len, name, s.input_density(), s.hidden_density());
  }
};

}  // namespace ember
