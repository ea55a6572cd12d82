// rnn_stack: what LSTM, GRU and SRU share. Stacks Layers cells (level 0: In -> H, the rest
// H -> H), runs one step or a sequence in chunks (input projection batched), owns scratch.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <utility>

#include "ember/core/tensor.hpp"
#include "ember/cost/workload.hpp"
#include "ember/io/param_spec.hpp"
#include "ember/kernels/delta_stats.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/layers/detail/arch_tag.hpp"
#include "ember/layers/detail/delta_knobs.hpp"
#include "ember/simd/arch.hpp"

namespace ember {

namespace detail {

/// A cell (one level of a recurrent layer) provides:
///   in_size, hidden, gates (rows of its input projection / H), n_params, state_vectors
///   template <size_t Level> static params()      its parameters under PyTorch names
///   set_param(j, span), reset(), state(k)        k < state_vectors: (h, c) for LSTM
///   output()                                     the last output h
///   visit_projections(f)                         f(projection, input) for each matrix
///   project(x, g, arch)                          g = input projection of one step
///   project_chunk(xs, n, g, arch)                g[t] = input projection of step t < n
///   recur(g, xs, n, ys, arch)                    n recurrent steps from g (and the inputs
///                                                xs, for SRU's highway); h_t -> ys[t] if ys
///   static add_workload(w, seq_len, levels, dx, dh)  its GEMMs/element-wise ops, x levels;
///                                                dx, dh: column densities of x and h
template <template <std::size_t, std::size_t, class, std::size_t> class Cell, std::size_t In, std::size_t H,
          class P, std::size_t Layers, std::size_t Chunk>
class rnn_stack {
  static_assert(In > 0 && H > 0, "ember recurrent layer: In and H must be non-zero");
  static_assert(Layers >= 1, "ember recurrent layer: Layers must be at least 1");
  static_assert(Chunk >= 1, "ember recurrent layer: the sequence chunk must hold at least one step");

 public:
  using first_cell = Cell<In, H, P, Chunk>;
  using next_cell = Cell<H, H, P, Chunk>;
  using policy_type = P;
  static constexpr std::size_t in_size = In, out_size = H, hidden_size = H;
  static constexpr std::size_t num_layers = Layers, chunk = Chunk;
  static constexpr std::size_t params_per_layer = first_cell::n_params;
  static constexpr std::size_t state_vectors = first_cell::state_vectors;
  /// Floats in get_state/set_state: state vector k of level l at [(k * Layers + l) * H].
  static constexpr std::size_t state_size = state_vectors * Layers * H;

  /// Parameters of every level, PyTorch order (level 0's, then level 1's, ...).
  static constexpr std::array<io::param_spec, Layers * params_per_layer> params() noexcept {
    std::array<io::param_spec, Layers * params_per_layer> all{};
    [&]<std::size_t... L>(std::index_sequence<L...>) {
      ((std::ranges::copy(cell_params<L>(), all.begin() + L * params_per_layer)), ...);
    }(std::make_index_sequence<Layers>{});
    return all;
  }

  /// Sets parameter i of params() from row-major floats of its count(); quantizes and
  /// packs it. A span of the wrong size is ignored (loaders check shapes first).
  kernels::quant_report set_param(std::size_t i, std::span<const float> v) noexcept {
    if (i >= Layers * params_per_layer || v.size() != params()[i].count()) return {};
    kernels::quant_report rep{};
    for_level(i / params_per_layer, [&](auto& c) { rep = c.set_param(i % params_per_layer, v); });
    return rep;
  }

  /// Zero state (and any skip memories) of every level.
  void reset() noexcept {
    for_each_level([](auto& c, std::size_t) { c.reset(); });
  }

  void get_state(std::span<float, state_size> out) const noexcept {
    for_each_level([&](const auto& c, std::size_t l) {
      for (std::size_t k = 0; k < state_vectors; ++k) std::ranges::copy(c.state(k), out.data() + (k * Layers + l) * H);
    });
  }
  /// Sets the state (PyTorch's h_0 / (h_0, c_0) layout); skip memories restart from it.
  void set_state(std::span<const float, state_size> s) noexcept {
    for_each_level([&](auto& c, std::size_t l) {
      c.reset();
      for (std::size_t k = 0; k < state_vectors; ++k) {
        const float* src = s.data() + (k * Layers + l) * H;
        std::copy(src, src + H, c.state(k).data());
      }
    });
  }
  /// The last output h of a level (default: the top one).
  std::span<const float, H> output(std::size_t level = Layers - 1) const noexcept {
    std::span<const float, H> r = c0_.output();
    for_level(level, [&](const auto& c) { r = c.output(); });
    return r;
  }

  /// f(projection, its input) for every matrix of every level, level 0 first: the hook
  /// for skip-policy knobs (delta thresholds) and statistics (propagated columns).
  template <class F>
  void visit_projections(F&& f) {
    for_each_level([&](auto& c, std::size_t) { c.visit_projections(f); });
  }

  /// skip::delta knobs (docs/policies.md, "Delta networks"). Theta_x applies to level 0's
  /// input x, Theta_h to every hidden state (W_hh's input, and the input of levels above
  /// 0). Returns false and changes nothing if either is negative or NaN.
  bool set_delta_threshold(float theta_x, float theta_h) noexcept
    requires P::skip::skips_columns
  {
    return set_delta_thresholds([&](auto&& f) { visit_inputs(f); }, theta_x, theta_h);
  }
  bool set_delta_threshold(float theta) noexcept
    requires P::skip::skips_columns
  {
    return set_delta_threshold(theta, theta);
  }
  /// Integer symmetric<W, A> policies: the fixed grids of x and h (default 1, 1); resets.
  bool set_delta_range(float x_range, float h_range) noexcept
    requires P::skip::skips_columns
  {
    if (!set_delta_ranges([&](auto&& f) { visit_inputs(f); }, x_range, h_range)) return false;
    reset();
    return true;
  }
  /// fp32: recompute each delta memory from x-hat every `period` steps (default 1024; 0 = never).
  void set_delta_refresh(std::size_t period) noexcept
    requires P::skip::skips_columns
  {
    detail::set_delta_refresh([&](auto&& f) { visit_inputs(f); }, period);
  }
  /// Propagated columns (input / hidden, last step and cumulative) and effective MACs.
  kernels::delta_stats delta_stats() const noexcept
    requires P::skip::skips_columns
  {
    return collect_delta_stats([&](auto&& f) { visit_inputs(f); });
  }
  void reset_delta_stats() noexcept
    requires P::skip::skips_columns
  {
    detail::reset_delta_stats([&](auto&& f) { visit_inputs(f); });
  }
  /// f(projection, input, is_hidden) for every matrix: is_hidden is false only for level
  /// 0's input projection (cells visit their input projection first).
  template <class F>
  void visit_inputs(F&& f) {
    for_each_level([&](auto& c, std::size_t l) {
      std::size_t k = 0;
      c.visit_projections([&](auto& p, auto& in) { f(p, in, l > 0 || k++ > 0); });
    });
  }
  template <class F>
  void visit_inputs(F&& f) const {
    for_each_level([&](const auto& c, std::size_t l) {
      std::size_t k = 0;
      c.visit_projections([&](const auto& p, const auto& in) { f(p, in, l > 0 || k++ > 0); });
    });
  }

  /// One time step: y = h_t of the top level; state kept inside.
  template <arch_tag Arch = simd::native>
  void step(std::span<const float, In> x, std::span<float, H> y, Arch arch = {}) noexcept {
    const auto h = step(x, arch);
    std::ranges::copy(h, y.begin());
  }
  /// One time step; returns a view of the top level's output (valid until the next call).
  template <arch_tag Arch = simd::native>
  std::span<const float, H> step(std::span<const float, In> x, Arch arch = {}) noexcept {
    c0_.project(x.data(), g_.data(), arch);
    c0_.recur(g_.data(), x.data(), 1, nullptr, arch);
    const float* prev = c0_.output().data();
    for (auto& c : rest_) {
      c.project(prev, g_.data(), arch);
      c.recur(g_.data(), prev, 1, nullptr, arch);
      prev = c.output().data();
    }
    return output();
  }

  /// T = min(xs.size() / In, ys.size() / H) steps; xs (T, In) and ys (T, H) row-major and
  /// not overlapping. Chunks of `chunk` steps: per level, the input projection of the chunk
  /// is one matrix-matrix product, then the recurrence runs step by step.
  template <arch_tag Arch = simd::native>
  void forward(std::span<const float> xs, std::span<float> ys, Arch arch = {}) noexcept {
    const std::size_t steps = std::min(xs.size() / In, ys.size() / H);
    for (std::size_t t0 = 0; t0 < steps; t0 += Chunk) {
      const std::size_t n = std::min(Chunk, steps - t0);
      const float* in = xs.data() + t0 * In;
      float* top = ys.data() + t0 * H;
      float* out = Layers == 1 ? top : s_.data();
      c0_.project_chunk(in, n, g_.data(), arch);
      c0_.recur(g_.data(), in, n, out, arch);
      for (std::size_t l = 1; l < Layers; ++l) {
        // The chunk's inputs are fully projected before the recurrence overwrites s_.
        in = s_.data();
        out = l + 1 == Layers ? top : s_.data();
        rest_[l - 1].project_chunk(in, n, g_.data(), arch);
        rest_[l - 1].recur(g_.data(), in, n, out, arch);
      }
    }
  }

  /// GEMMs (input projection of seq_len steps as one product, recurrent ones per step),
  /// element-wise ops and footprint of a seq_len-step sequence.
  /// input_density / hidden_density: fraction of the columns of x / h a delta layer
  /// propagates (measured: delta_stats()); they scale the GEMMs' K (cost::gemm::density).
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1, const char* name = "rnn",
                                                 double input_density = 1.0, double hidden_density = 1.0) noexcept {
    cost::layer_workload w;
    w.name = name;
    first_cell::add_workload(w, seq_len, 1, input_density, hidden_density);
    if constexpr (Layers > 1) next_cell::add_workload(w, seq_len, Layers - 1, hidden_density, hidden_density);
    w.mem.weight_bytes = first_cell::weight_bytes + (Layers - 1) * next_cell::weight_bytes;
    w.mem.state_bytes = state_size * sizeof(float);
    w.mem.act_bytes = sizeof(decltype(g_)) + sizeof(decltype(s_)) + first_cell::buffer_bytes + (Layers - 1) * next_cell::buffer_bytes;
    return w;
  }

 private:
  template <std::size_t L>
  static constexpr auto cell_params() noexcept {
    if constexpr (L == 0) return first_cell::template params<0>();
    else return next_cell::template params<L>();
  }
  template <class F>
  void for_each_level(F&& f) {
    f(c0_, std::size_t{0});
    for (std::size_t l = 1; l < Layers; ++l) f(rest_[l - 1], l);
  }
  template <class F>
  void for_each_level(F&& f) const {
    f(c0_, std::size_t{0});
    for (std::size_t l = 1; l < Layers; ++l) f(rest_[l - 1], l);
  }
  template <class F>
  void for_level(std::size_t l, F&& f) {
    if (l == 0) f(c0_);
    else if (l < Layers) f(rest_[l - 1]);
  }
  template <class F>
  void for_level(std::size_t l, F&& f) const {
    if (l == 0) f(c0_);
    else if (l < Layers) f(rest_[l - 1]);
  }

  static constexpr std::size_t g_rows = std::max(first_cell::gates, next_cell::gates) * H;

  first_cell c0_{};
  std::array<next_cell, Layers - 1> rest_{};
  aligned_array<float, Chunk * g_rows> g_{};                // (chunk, gates * H) projected inputs
  aligned_array<float, (Layers > 1 ? Chunk * H : 1)> s_{};  // (chunk, H) outputs between levels
};

}  // namespace detail
}  // namespace ember
