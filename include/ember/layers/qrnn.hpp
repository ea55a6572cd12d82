// QRNN layer (Bradbury et al. 2017, fo-pooling): gates come from a causal convolution of
// the input only, so a whole chunk is projected in one matrix-matrix product, like SRU.
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

/// One QRNN level with filter width Window (1 or 2). The window of step t is
/// u_t = [x_t | x_{t-1}] (Window == 2, x_{-1} = 0 at the start) or x_t, and
///   [z f o] = W u_t + b   (rows stacked Z, F, O; W (3H, Window * In))
///   z = tanh(.), f = sigmoid(.), o = sigmoid(.), c' = f c + (1 - f) z, h = o c'
/// Quantized policies quantize u_t as one vector per step (one scale for x_t and x_{t-1}).
template <std::size_t In, std::size_t H, std::size_t Window, class P, std::size_t Chunk>
class qrnn_cell {
  static_assert(Window == 1 || Window == 2, "ember::qrnn: the filter width (Window) must be 1 or 2");

 public:
  static constexpr std::size_t in_size = In, hidden = H, gates = 3, n_params = 2, state_vectors = 1;
  static constexpr std::size_t window_size = Window * In;
  using act = typename P::act;
  using projection = kernels::projection_for<P, gates * H, window_size>;

  template <std::size_t L>
  static constexpr std::array<io::param_spec, n_params> params() noexcept {
    return {io::matrix(level_name<"weight", L>::value, gates * H, window_size),
            io::vector(level_name<"bias", L>::value, gates * H)};
  }

  kernels::quant_report set_param(std::size_t j, std::span<const float> v) noexcept {
    if (j == 0) return w_.pack(v);
    std::ranges::copy(v, bias_.begin());
    return {};
  }

  /// Zero c, h and x_{t-1} (a new sequence).
  void reset() noexcept {
    c_.fill(0.0f);
    h_.fill(0.0f);
    u_.fill(0.0f);
    w_.reset();
    projection::reset_input(in_u_);
  }
  std::span<float, H> state(std::size_t) noexcept { return c_.span(); }
  std::span<const float, H> state(std::size_t) const noexcept { return c_.span(); }
  std::span<const float, H> output() const noexcept { return h_.span(); }
  template <class F>
  void visit_projections(F&& f) {
    f(w_, in_u_);
  }

  template <class Arch>
  void project(const float* x, float* g, Arch arch) noexcept {
    if constexpr (Window == 2) {
      // u_ rows hold [x_t | x_{t-1}]; row 0's tail is x_{t-1} from the previous call. The
      // tail becomes x_t only after apply(): an fp32 input is a view of u_.
      std::copy_n(x, In, u_.data());
      projection::prepare(std::span<const float, window_size>(u_.data(), window_size), in_u_, arch);
      w_.apply(in_u_, g, bias_.data(), arch);
      std::copy_n(x, In, u_.data() + In);
    } else {
      projection::prepare(std::span<const float, In>(x, In), in_u_, arch);
      w_.apply(in_u_, g, bias_.data(), arch);
    }
  }
  template <class Arch>
  void project_chunk(const float* xs, std::size_t n, float* g, Arch arch) noexcept {
    const float* rows = xs;
    if constexpr (Window == 2) {
      // Row t = [x_t | x_{t-1}]; x_{-1} of this chunk is the tail of row 0 (the last x seen).
      for (std::size_t t = 0; t < n; ++t) {
        float* row = u_.data() + t * window_size;
        if (t > 0) std::copy_n(xs + (t - 1) * In, In, row + In);
        std::copy_n(xs + t * In, In, row);
      }
      rows = u_.data();
    }
    projection::prepare_batch(rows, n, window_size, batch_, in_u_, arch);
    w_.apply_batch(batch_, n, g, gates * H, bias_.data(), arch);
    if constexpr (Window == 2) std::copy_n(xs + (n - 1) * In, In, u_.data() + In);
  }

  /// fo-pooling of n steps from their projections g (t, 3H).
  template <class Arch>
  void recur(float* g, const float*, std::size_t n, float* ys, Arch) noexcept {
    float* c = c_.data();
    float* h = h_.data();
    for (std::size_t t = 0; t < n; ++t) {
      const float* gt = g + t * gates * H;
      for_lanes<Arch>(H, [&](auto lanes, std::size_t i) {
        using V = decltype(lanes);
        const auto one = V::splat(1.0f);
        const auto z = act::tanh(V::load(gt + i));
        const auto f = act::sigmoid(V::load(gt + H + i));
        const auto o = act::sigmoid(V::load(gt + 2 * H + i));
        const auto cn = f * V::load(c + i) + (one - f) * z;
        V::store(c + i, cn);
        V::store(h + i, o * cn);
      });
      if (ys) std::copy_n(h, H, ys + t * H);
    }
  }

  // dx: measured input-column density (delta); QRNN has no recurrent product, so dh is unused.
  static constexpr void add_workload(cost::layer_workload& w, std::size_t seq_len, std::size_t levels,
                                     double dx = 1.0, double /*dh*/ = 1.0) noexcept {
    auto g = cost::quantized<typename P::quant>(cost::gemm_for<P>(seq_len, gates * H, window_size, levels));
    g.density = dx;
    w.add(g);
    if (w.n_elts == 0) {
      const std::size_t steps = seq_len * levels;
      w.add(cost::eltwise{2 * H, cost::eltwise_kind::sigmoid, 32, steps})
          .add(cost::eltwise{H, cost::eltwise_kind::tanh, 32, steps})
          .add(cost::eltwise{3 * H, cost::eltwise_kind::mul, 32, steps})
          .add(cost::eltwise{2 * H, cost::eltwise_kind::add, 32, steps});
    } else {
      for (std::size_t e = 0; e < w.n_elts; ++e) w.elts[e].repeat += seq_len * levels;
    }
  }
  static constexpr std::size_t weight_bytes = sizeof(typename projection::matrix_type) + gates * H * sizeof(float);
  static constexpr std::size_t buffer_bytes = sizeof(typename projection::input_type) +
                                              sizeof(typename projection::template batch_type<Chunk>) +
                                              (Window == 2 ? Chunk * window_size * sizeof(float) : 0);

 private:
  projection w_{};                              // (3H, Window * In) rows Z, F, O; cols x_t, x_{t-1}
  aligned_array<float, gates * H> bias_{};      // [b_z | b_f | b_o]
  aligned_array<float, H> c_{}, h_{};
  aligned_array<float, (Window == 2 ? Chunk * window_size : 1)> u_{};  // (chunk, 2 In) windows
  typename projection::input_type in_u_{};
  typename projection::template batch_type<Chunk> batch_{};
};

/// qrnn_cell with its filter width bound, in the shape rnn_stack expects.
template <std::size_t Window>
struct qrnn_window {
  template <std::size_t In, std::size_t H, class P, std::size_t Chunk>
  using cell = qrnn_cell<In, H, Window, P, Chunk>;
};

}  // namespace detail

/// QRNN with In inputs, H hidden units, filter width Window (1 or 2), policy P and
/// `Layers` levels (Bradbury et al., 2017, "Quasi-Recurrent Neural Networks", masked
/// convolution + fo-pooling; no zoneout, which only acts in training). Parameters
/// (ember's names, the layout of the common torchqrnn layer): weight_l{k} (3H, Window * In)
/// with rows Z, F, O and columns [x_t | x_{t-1}]; bias_l{k} (3H). State: c of every level
/// (the layer also keeps x_{t-1} across forward()/step() calls; reset() and set_state()
/// zero it). The reference is tools/reference/rnn_ext.py (torch, from the equations).
template <std::size_t In, std::size_t H, std::size_t Window = 2, class P = policy<>, std::size_t Layers = 1,
          std::size_t Chunk = 16>
class qrnn : public detail::rnn_stack<detail::qrnn_window<Window>::template cell, In, H, P, Layers, Chunk> {
  using base = detail::rnn_stack<detail::qrnn_window<Window>::template cell, In, H, P, Layers, Chunk>;

 public:
  static constexpr std::size_t window = Window;
  static constexpr const char* name = "qrnn";
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1) noexcept {
    return base::workload(seq_len, name);
  }
};

}  // namespace ember
