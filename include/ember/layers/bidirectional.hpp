// bidirectional<Rnn>: torch.nn.LSTM/GRU(bidirectional=True) at batch 1 built from two
// instances of a one-level recurrent layer, the second one run over the reversed sequence.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "ember/core/tensor.hpp"
#include "ember/cost/workload.hpp"
#include "ember/io/param_spec.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/layers/detail/arch_tag.hpp"
#include "ember/simd/arch.hpp"

namespace ember {
namespace detail {

/// reverse_name<Rnn, I>::value == Rnn::params()[I].name + "_reverse" (PyTorch's naming of
/// the backward direction: weight_ih_l0 -> weight_ih_l0_reverse), in static storage.
template <class Rnn, std::size_t I>
struct reverse_name {
  static constexpr std::string_view base = Rnn::params()[I].name;
  static constexpr std::string_view suffix = "_reverse";
  static constexpr auto storage = [] {
    std::array<char, base.size() + suffix.size()> a{};
    std::ranges::copy(base, a.begin());
    std::ranges::copy(suffix, a.begin() + base.size());
    return a;
  }();
  static constexpr std::string_view value{storage.data(), storage.size()};
};

}  // namespace detail

/// A bidirectional recurrent layer (sequence API): Rnn (lstm<In, H, P, 1, Chunk>,
/// gru<...>, or any one-level layer of the rnn_stack family) runs forward over the
/// sequence and a second Rnn runs over it backwards; y_t = [h_fwd_t | h_bwd_t] (2H), as
/// PyTorch's output. Parameters: Rnn's, then the same with "_reverse" appended
/// (weight_ih_l0, ..., bias_hh_l0, weight_ih_l0_reverse, ..., bias_hh_l0_reverse).
/// State (PyTorch's h_n then c_n, direction-major inside): state vector k of direction d
/// at [(k * 2 + d) * H]. forward() treats its input as one whole sequence: the backward
/// direction starts from the stored backward state at the last step, so two calls do not
/// continue one sequence (unlike unidirectional layers). Workload: twice Rnn's.
/// Stacked bidirectional levels (num_layers > 1) feed [fwd | bwd] of the whole sequence to
/// the next level, which needs a (T, 2H) buffer per sequence: not provided (static_assert).
template <class Rnn>
class bidirectional {
  static_assert(Rnn::num_layers == 1,
                "ember::bidirectional<Rnn>: Rnn must have one level (num_layers == 1); stacked "
                "bidirectional levels need a whole-sequence buffer between levels, which ember's "
                "no-heap forward() does not keep");

 public:
  using layer_type = Rnn;
  using policy_type = typename Rnn::policy_type;
  static constexpr std::size_t H = Rnn::hidden_size;
  static constexpr std::size_t in_size = Rnn::in_size, out_size = 2 * H, hidden_size = H;
  static constexpr std::size_t num_layers = 1, num_directions = 2, chunk = Rnn::chunk;
  static constexpr std::size_t state_vectors = Rnn::state_vectors;
  static constexpr std::size_t state_size = 2 * Rnn::state_size;
  static constexpr std::size_t params_per_direction = Rnn::params().size();
  static constexpr const char* name = "bidirectional";

  /// Rnn's parameters (forward direction), then their "_reverse" twins, PyTorch's order.
  static constexpr std::array<io::param_spec, 2 * params_per_direction> params() noexcept {
    std::array<io::param_spec, 2 * params_per_direction> all{};
    constexpr auto fwd = Rnn::params();
    std::ranges::copy(fwd, all.begin());
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((all[params_per_direction + I] = fwd[I], all[params_per_direction + I].name = detail::reverse_name<Rnn, I>::value),
       ...);
    }(std::make_index_sequence<params_per_direction>{});
    return all;
  }

  /// Sets parameter i of params() (quantized and packed by the direction's layer).
  kernels::quant_report set_param(std::size_t i, std::span<const float> v) noexcept {
    return i < params_per_direction ? fwd_.set_param(i, v) : bwd_.set_param(i - params_per_direction, v);
  }

  void reset() noexcept {
    fwd_.reset();
    bwd_.reset();
  }
  /// PyTorch's (h_n[, c_n]) with h_n = [h_fwd, h_bwd]: vector k of direction d at (2k + d) H.
  void get_state(std::span<float, state_size> out) const noexcept {
    std::array<float, Rnn::state_size> s{};
    for (std::size_t d = 0; d < 2; ++d) {
      (d == 0 ? fwd_ : bwd_).get_state(s);
      for (std::size_t k = 0; k < state_vectors; ++k)
        std::copy(s.begin() + k * H, s.begin() + (k + 1) * H, out.begin() + (k * 2 + d) * H);
    }
  }
  void set_state(std::span<const float, state_size> in) noexcept {
    std::array<float, Rnn::state_size> s{};
    for (std::size_t d = 0; d < 2; ++d) {
      for (std::size_t k = 0; k < state_vectors; ++k)
        std::copy(in.begin() + (k * 2 + d) * H, in.begin() + (k * 2 + d + 1) * H, s.begin() + k * H);
      (d == 0 ? fwd_ : bwd_).set_state(s);
    }
  }

  /// f(projection, its input) for every matrix, forward direction first.
  template <class F>
  void visit_projections(F&& f) {
    fwd_.visit_projections(f);
    bwd_.visit_projections(f);
  }
  const Rnn& forward_direction() const noexcept { return fwd_; }
  const Rnn& backward_direction() const noexcept { return bwd_; }

  /// One sequence of T = min(xs.size() / In, ys.size() / 2H) steps: xs (T, In), ys (T, 2H)
  /// row-major, not overlapping. Each direction runs chunk by chunk through Rnn::forward
  /// (batched input projection); the backward one reads its chunk reversed.
  template <arch_tag Arch = simd::native>
  void forward(std::span<const float> xs, std::span<float> ys, Arch arch = {}) noexcept {
    const std::size_t steps = std::min(xs.size() / in_size, ys.size() / out_size);
    for (std::size_t t0 = 0; t0 < steps; t0 += chunk) {
      const std::size_t n = std::min(chunk, steps - t0);
      fwd_.forward(xs.subspan(t0 * in_size, n * in_size), std::span<float>(h_.data(), n * H), arch);
      for (std::size_t j = 0; j < n; ++j) std::copy_n(h_.data() + j * H, H, ys.data() + (t0 + j) * out_size);
    }
    for (std::size_t r0 = 0; r0 < steps; r0 += chunk) {  // r: steps counted from the end
      const std::size_t n = std::min(chunk, steps - r0);
      for (std::size_t j = 0; j < n; ++j)
        std::copy_n(xs.data() + (steps - 1 - r0 - j) * in_size, in_size, x_.data() + j * in_size);
      bwd_.forward(std::span<const float>(x_.data(), n * in_size), std::span<float>(h_.data(), n * H), arch);
      for (std::size_t j = 0; j < n; ++j)
        std::copy_n(h_.data() + j * H, H, ys.data() + (steps - 1 - r0 - j) * out_size + H);
    }
  }

  /// Twice Rnn's workload (both directions do the same work); buffers of both directions
  /// plus the reversed-chunk scratch.
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1) noexcept {
    cost::layer_workload w = Rnn::workload(seq_len);
    w.name = name;
    for (std::size_t g = 0; g < w.n_gemms; ++g) w.gemms[g].repeat *= 2;
    for (std::size_t e = 0; e < w.n_elts; ++e) w.elts[e].repeat *= 2;
    w.mem.weight_bytes *= 2;
    w.mem.state_bytes *= 2;
    w.mem.act_bytes = 2 * w.mem.act_bytes + sizeof(x_) + sizeof(h_);
    return w;
  }

 private:
  Rnn fwd_{}, bwd_{};
  aligned_array<float, chunk * in_size> x_{};  // (chunk, In) the backward chunk, reversed
  aligned_array<float, chunk * H> h_{};        // (chunk, H) one direction's chunk output
};

}  // namespace ember
