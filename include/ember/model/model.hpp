// model<Layers...>: layers chained in a Boost.Hana tuple, shapes checked at compile time,
// one step / a sequence through all of them with two shared ping-pong buffers, no heap.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "ember/core/tensor.hpp"
#include "ember/cost/workload.hpp"
#include "ember/io/param_spec.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/layers/detail/arch_tag.hpp"
#include "ember/model/fold.hpp"
#include "ember/model/named.hpp"
#include "ember/simd/arch.hpp"

namespace ember {

/// Spelled out in the diagnostic when two layers do not chain: GCC and clang print the
/// template arguments, <output size of layer I, input size of layer I + 1>.
template <std::size_t OutputSize, std::size_t NextInputSize>
inline constexpr bool layer_output_matches_next_input = OutputSize == NextInputSize;

namespace detail {

// The instantiation context of a failed check names both layer types and both sizes:
//   In instantiation of 'consteval bool ember::detail::check_link() [with ... Index = 0;
//   From = ember::lstm<1, 16>; ... FromOut = 16; To = ember::dense<8, 1>; ... ToIn = 8]'
template <std::size_t Index, class From, std::size_t FromOut, class To, std::size_t ToIn>
consteval bool check_link() {
  static_assert(layer_output_matches_next_input<FromOut, ToIn>,
                "ember::model: the output size of layer Index (From::out_size) differs from the input size "
                "of layer Index + 1 (To::in_size); layer_output_matches_next_input<out, in> shows both");
  return true;
}

template <class L>
concept model_layer = requires {
  L::in_size;
  L::out_size;
  L::params();
  L::workload(std::size_t{1});
} && requires(L& l, std::span<const float, L::in_size> x, std::span<float, L::out_size> y) {
  l.step(x, y);
  l.reset();
};

// A temporal layer must give one output per input step from the first (conv1d: causal,
// stride 1) for a model to stream it; checked with the layer's own out_steps().
template <class L>
consteval bool streams_one_to_one() {
  if constexpr (requires { L::out_steps(std::size_t{1}); L::pad_after; })
    return L::out_steps(1) == 1 && L::out_steps(7) == 7 && L::out_steps(64) == 64 && L::pad_after == 0;
  else return true;
}

// Layers whose forward(span, span) continues from their state (recurrent layers, dense):
// a model runs them a chunk at a time, so their input projection is a matrix product.
template <class L>
concept chunk_forward = requires { L::chunk; } &&
                        requires(L& l, std::span<const float> xs, std::span<float> ys) { l.forward(xs, ys); };

/// f.template operator()<I, Layer_I>() for every layer type, in order (usable while the
/// model class is still incomplete, i.e. in its static member initializers).
template <class... Ls, class F>
constexpr void for_each_type(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    using list = boost::hana::tuple<boost::hana::basic_type<Ls>...>;
    (f.template operator()<I, typename std::remove_cvref_t<decltype(boost::hana::at_c<I>(list{}))>::type>(), ...);
  }(std::make_index_sequence<sizeof...(Ls)>{});
}

template <class L>
constexpr std::size_t state_size_of() noexcept {
  if constexpr (requires { L::state_size; }) return L::state_size;
  else return 0;
}

}  // namespace detail

/// Layers applied in order; layer i's out_size must equal layer i+1's in_size (a
/// static_assert names both layers and sizes). Parameters are the layers' under their
/// named<> prefix or their index ("0.weight"), PyTorch order, so io::load_state_dict,
/// io::load_tensors and io::load_blob load a whole model. Storage: the layers (weights,
/// state, their own scratch) plus two ping-pong buffers of `chunk` steps of the widest
/// inner activation and step(x)'s output; step() and forward() never allocate or throw.
template <class... Layers>
class model {
  static_assert(sizeof...(Layers) >= 1, "ember::model: give at least one layer");
  static_assert((detail::model_layer<Layers> && ...),
                "ember::model: every layer needs in_size, out_size, params(), workload(seq_len), "
                "step(x, y) and reset()");
  static_assert((detail::streams_one_to_one<Layers>() && ...),
                "ember::model: a temporal convolution in a model must give one output per input step "
                "(conv1d with pad::causal and Stride 1)");

  using types = boost::hana::tuple<Layers...>;
  static constexpr std::size_t N = sizeof...(Layers);
  static constexpr std::array<std::size_t, N> ins{Layers::in_size...}, outs{Layers::out_size...};

  static constexpr bool links_ok = [] {
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (detail::check_link<I, std::remove_cvref_t<decltype(boost::hana::at_c<I>(std::declval<types&>()))>,
                                 outs[I],
                                 std::remove_cvref_t<decltype(boost::hana::at_c<I + 1>(std::declval<types&>()))>,
                                 ins[I + 1]>() &&
              ... && true);
    }(std::make_index_sequence<N - 1>{});
  }();
  static_assert(links_ok);

 public:
  template <std::size_t I>
  using layer_type = std::remove_cvref_t<decltype(boost::hana::at_c<I>(std::declval<types&>()))>;
  static constexpr std::size_t size = N;
  static constexpr std::size_t in_size = ins[0], out_size = outs[N - 1];
  /// Steps per chunk of forward(): the ping-pong buffers hold this many steps.
  static constexpr std::size_t chunk = 16;
  /// Widest activation passed between two layers (0 for a single layer).
  static constexpr std::size_t inner_width = [] {
    std::size_t w = 0;
    for (std::size_t i = 0; i + 1 < N; ++i) w = std::max(w, outs[i]);
    return w;
  }();
  /// Floats of get_state / set_state: the recurrent layers' states, in layer order.
  static constexpr std::size_t state_size = (detail::state_size_of<Layers>() + ...);
  static constexpr std::size_t n_params = (Layers::params().size() + ...);

  template <std::size_t I>
  layer_type<I>& layer() noexcept { return boost::hana::at_c<I>(layers_); }
  template <std::size_t I>
  const layer_type<I>& layer() const noexcept { return boost::hana::at_c<I>(layers_); }

  /// Every layer's parameters, full names ("lstm.weight_ih_l0", "1.bias"), layer order.
  static constexpr std::array<io::param_spec, n_params> params() noexcept {
    std::array<io::param_spec, n_params> all{};
    std::size_t k = 0, at = 0;
    detail::for_each_type<Layers...>([&]<std::size_t I, class L>() {
      constexpr std::string_view prefix = detail::layer_prefix<L, I>();
      for (const auto& s : L::params()) {
        const std::size_t len = prefix.size() + 1 + s.name.size();
        all[k++] = io::param_spec{std::string_view(names_.data() + at, len), s.shape, s.rank};
        at += len;
      }
    });
    return all;
  }
  /// Sets parameter i of params() (quantized and packed by its layer).
  kernels::quant_report set_param(std::size_t i, std::span<const float> v) noexcept {
    kernels::quant_report rep{};
    std::size_t first = 0;
    for_layers([&]<std::size_t I>(auto& l) {
      constexpr std::size_t n = layer_type<I>::params().size();
      if (i >= first && i < first + n) rep = l.set_param(i - first, v);
      first += n;
    });
    return rep;
  }

  /// Called by the io loaders once every parameter is set (call it yourself after setting
  /// them all by hand): folds each block-diagonal dense layer's output permutation into the
  /// dense layer after it (docs/design.md, "Models"). Those two layers' outputs are then
  /// only meaningful inside the model; the model's output is unchanged. Allocates (load time).
  void params_loaded() {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (detail::fold_into_next(boost::hana::at_c<I>(layers_), boost::hana::at_c<I + 1>(layers_)), ...);
    }(std::make_index_sequence<N - 1>{});
  }

  /// Zero state (and skip memories, stream histories) of every layer.
  void reset() noexcept {
    for_layers([]<std::size_t>(auto& l) { l.reset(); });
  }
  void get_state(std::span<float, state_size> out) const noexcept {
    std::size_t at = 0;
    for_layers([&]<std::size_t I>(const auto& l) {
      constexpr std::size_t n = detail::state_size_of<layer_type<I>>();
      if constexpr (n > 0) l.get_state(std::span<float, n>(out.data() + at, n));
      at += n;
    });
  }
  void set_state(std::span<const float, state_size> s) noexcept {
    std::size_t at = 0;
    for_layers([&]<std::size_t I>(auto& l) {
      constexpr std::size_t n = detail::state_size_of<layer_type<I>>();
      if constexpr (n > 0) l.set_state(std::span<const float, n>(s.data() + at, n));
      at += n;
    });
  }
  /// f(projection, its input) for every matrix of every layer that has one (delta knobs).
  template <class F>
  void visit_projections(F&& f) {
    for_layers([&]<std::size_t>(auto& l) {
      if constexpr (requires { l.visit_projections(f); }) l.visit_projections(f);
    });
  }

  /// One time step (or one frame) through every layer: y = the last layer's output.
  template <arch_tag Arch = simd::native>
  void step(std::span<const float, in_size> x, std::span<float, out_size> y, Arch arch = {}) noexcept {
    const float* in = x.data();
    for_layers([&]<std::size_t I>(auto& l) {
      using L = layer_type<I>;
      float* out = I + 1 == N ? y.data() : buf_[I % 2].data();
      l.step(std::span<const float, L::in_size>(in, L::in_size), std::span<float, L::out_size>(out, L::out_size),
             arch);
      in = out;
    });
  }

  /// One step; returns a view of the output, valid until the next call (`auto y = net.step(x);`).
  template <arch_tag Arch = simd::native>
  std::span<const float, out_size> step(std::span<const float, in_size> x, Arch arch = {}) noexcept {
    step(x, y_.span(), arch);
    return y_.span();
  }

  /// T = min(xs.size() / in_size, ys.size() / out_size) steps, xs (T, in_size) and ys
  /// (T, out_size) row-major; state carries over from earlier calls (reset() to restart).
  /// Chunks of `chunk` steps: each recurrent or dense layer takes the chunk at once (one
  /// matrix-matrix input projection), other layers step through it. Returns T.
  template <arch_tag Arch = simd::native>
  std::size_t forward(std::span<const float> xs, std::span<float> ys, Arch arch = {}) noexcept {
    const std::size_t steps = std::min(xs.size() / in_size, ys.size() / out_size);
    for (std::size_t t0 = 0; t0 < steps; t0 += chunk) {
      const std::size_t n = std::min(chunk, steps - t0);
      const float* in = xs.data() + t0 * in_size;
      for_layers([&]<std::size_t I>(auto& l) {
        using L = layer_type<I>;
        float* out = I + 1 == N ? ys.data() + t0 * out_size : buf_[I % 2].data();
        if constexpr (detail::chunk_forward<L>) {
          l.forward(std::span<const float>(in, n * L::in_size), std::span<float>(out, n * L::out_size), arch);
        } else {
          for (std::size_t t = 0; t < n; ++t)
            l.step(std::span<const float, L::in_size>(in + t * L::in_size, L::in_size),
                   std::span<float, L::out_size>(out + t * L::out_size, L::out_size), arch);
        }
        in = out;
      });
    }
    return steps;
  }

  /// The layers' workloads for a seq_len-step sequence (1 for a CNN frame), in order:
  /// what cost::estimate<model, HW>(T) and the Epiphany mapper read.
  static constexpr std::array<cost::layer_workload, N> workload(std::size_t seq_len = 1) noexcept {
    return {Layers::workload(seq_len)...};
  }

 private:
  template <class F>
  void for_layers(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f.template operator()<I>(boost::hana::at_c<I>(layers_)), ...);
    }(std::make_index_sequence<N>{});
  }
  template <class F>
  void for_layers(F&& f) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f.template operator()<I>(boost::hana::at_c<I>(layers_)), ...);
    }(std::make_index_sequence<N>{});
  }

  // "prefix.name" of every parameter, back to back; params() hands out views into it.
  static constexpr std::size_t name_chars = [] {
    std::size_t n = 0;
    detail::for_each_type<Layers...>([&]<std::size_t I, class L>() {
      for (const auto& s : L::params()) n += detail::layer_prefix<L, I>().size() + 1 + s.name.size();
    });
    return n;
  }();
  static constexpr std::array<char, (name_chars > 0 ? name_chars : 1)> names_ = [] {
    std::array<char, (name_chars > 0 ? name_chars : 1)> a{};
    std::size_t at = 0;
    detail::for_each_type<Layers...>([&]<std::size_t I, class L>() {
      constexpr std::string_view prefix = detail::layer_prefix<L, I>();
      for (const auto& s : L::params()) {
        for (char c : prefix) a[at++] = c;
        a[at++] = '.';
        for (char c : s.name) a[at++] = c;
      }
    });
    return a;
  }();

  types layers_{};
  std::array<aligned_array<float, (inner_width > 0 ? chunk * inner_width : 1)>, 2> buf_{};  // ping-pong
  aligned_array<float, out_size> y_{};                                                      // step(x)'s output
};

}  // namespace ember
