// Runs a layer beside an fp32 reference holding the same weights, on the same input: time per
// step and output error, the measured side of a design-space exploration (cost beside speed).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "ember/dse/delta_input.hpp"

namespace ember::dse {

/// The part of the layer contract (docs/design.md) a measurement uses: shapes, params()
/// (name + shape per parameter), set_param(i, floats), reset() and step(x, y).
template <class L>
concept measurable_layer = requires(L& l, std::size_t i, std::span<const float> v,
                                    std::span<const float, L::in_size> x, std::span<float, L::out_size> y) {
  { L::params() };
  l.set_param(i, v);
  l.reset();
  l.step(x, y);
};

/// Parameters of a layer as row-major floats, in params() order.
using param_values = std::vector<std::vector<float>>;

/// Random parameters for L::params(), each uniform in [-bound, bound] (PyTorch initialises
/// RNN weights and biases with bound 1/sqrt(hidden)). Same seed, same values.
template <measurable_layer L>
param_values random_params(std::uint64_t seed, float bound) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<float> d(-bound, bound);
  param_values out;
  for (const auto& spec : L::params()) {
    std::vector<float> v(spec.count());
    for (auto& e : v) e = d(g);
    out.push_back(std::move(v));
  }
  return out;
}

/// Loads parameters into a layer (packing, quantizing or projecting them as its policy does).
template <measurable_layer L>
void load_params(L& layer, const param_values& p) {
  const auto specs = L::params();
  for (std::size_t i = 0; i < specs.size() && i < p.size(); ++i) layer.set_param(i, std::span<const float>(p[i]));
}

/// The nearest block-circulant matrix (Frobenius norm) of a row-major (rows, cols) matrix:
/// in each k x k block, every wrapped diagonal (a - b) mod k takes its mean over the block's
/// entries inside the matrix (C-LSTM's projection; matvec::circulant does the same at load).
/// Loaded into a dense layer, it is the circulant layer expanded: the time-domain mapping.
inline std::vector<float> project_block_circulant(std::span<const float> m, std::size_t rows, std::size_t cols,
                                                  std::size_t k) {
  std::vector<float> out(m.begin(), m.end());
  if (k <= 1 || m.size() < rows * cols) return out;
  std::vector<double> sum(k);
  std::vector<std::size_t> n(k);
  for (std::size_t bi = 0; bi * k < rows; ++bi)
    for (std::size_t bj = 0; bj * k < cols; ++bj) {
      std::fill(sum.begin(), sum.end(), 0.0);
      std::fill(n.begin(), n.end(), std::size_t{0});
      const std::size_t ra = std::min(k, rows - bi * k), cb = std::min(k, cols - bj * k);
      for (std::size_t a = 0; a < ra; ++a)
        for (std::size_t b = 0; b < cb; ++b) {
          const std::size_t d = (a + k - b) % k;
          sum[d] += m[(bi * k + a) * cols + bj * k + b];
          ++n[d];
        }
      for (std::size_t a = 0; a < ra; ++a)
        for (std::size_t b = 0; b < cb; ++b) {
          const std::size_t d = (a + k - b) % k;
          out[(bi * k + a) * cols + bj * k + b] = float(sum[d] / double(n[d]));
        }
    }
  return out;
}

/// Projects every matrix (rank-2) parameter of L to block-circulant with block k.
template <measurable_layer L>
param_values project_params(const param_values& p, std::size_t k) {
  param_values out = p;
  const auto specs = L::params();
  for (std::size_t i = 0; i < specs.size() && i < p.size(); ++i)
    if (specs[i].rank == 2) out[i] = project_block_circulant(p[i], specs[i].shape[0], specs[i].shape[1], k);
  return out;
}

/// Speed and accuracy of one configuration.
struct measurement {
  double seconds_per_step = 0;  ///< median over the timed runs of (run time / steps)
  double max_abs_error = 0;     ///< max |y - y_ref| over every step and output
  double rms_error = 0;         ///< root mean square of y - y_ref
  double ref_rms = 0;           ///< root mean square of y_ref (the scale of the errors)
  std::size_t steps = 0, runs = 0;
  bool threshold_set = false;   ///< the layer took the delta threshold (set_delta_threshold)
  /// Delta layers (those with delta_stats()), over the comparison run: fraction of the input
  /// and hidden-state columns propagated and of the dense multiply-accumulates performed,
  /// the measured sparsity cost::estimate takes through layer.workload(seq_len, stats).
  /// 1 for layers without skipping.
  double input_density = 1, hidden_density = 1, op_fraction = 1;
};

struct measure_options {
  std::size_t runs = 5;          ///< timed runs of the whole sequence (after one untimed run)
  float delta_threshold = -1.0f; ///< >= 0: the input threshold for layer.set_delta_threshold
  /// Recurrent delta layers: the hidden-state threshold. 0 by default, as ModelFlex models
  /// delta as an input vector shrunk to its non-zero fraction (the recurrent product dense);
  /// the input's threshold would silence h, whose scale is far smaller than x's.
  float hidden_threshold = 0.0f;
};

/// Runs `layer` and `ref` (fp32, dense, same input and, usually, the unprojected weights)
/// step by step over `seq` from a reset state and compares every output; then times
/// `layer` alone over `opt.runs` runs of the sequence, each from reset.
template <measurable_layer L, measurable_layer R>
measurement measure(L& layer, R& ref, const delta_sequence& seq, const measure_options& opt = {}) {
  static_assert(L::in_size == R::in_size && L::out_size == R::out_size,
                "dse::measure: the layer and its reference must have the same shapes");
  constexpr std::size_t In = L::in_size, H = L::out_size;
  measurement m{};
  m.steps = seq.in == In ? seq.steps : 0;
  if (opt.delta_threshold >= 0) {
    if constexpr (requires { layer.set_delta_threshold(0.0f, 0.0f); })
      m.threshold_set = layer.set_delta_threshold(opt.delta_threshold, opt.hidden_threshold);
    else if constexpr (requires { layer.set_delta_threshold(0.0f); })
      m.threshold_set = layer.set_delta_threshold(opt.delta_threshold);
  }
  std::vector<float> y(H), yr(H);
  auto run = [&](auto& l, std::size_t t, std::vector<float>& out) {
    l.step(std::span<const float, In>(seq.xs.data() + t * In, In), std::span<float, H>(out.data(), H));
  };
  layer.reset();
  ref.reset();
  if constexpr (requires { layer.reset_delta_stats(); }) layer.reset_delta_stats();
  double se = 0, sr = 0;
  for (std::size_t t = 0; t < m.steps; ++t) {
    run(layer, t, y);
    run(ref, t, yr);
    for (std::size_t i = 0; i < H; ++i) {
      const double e = double(y[i]) - double(yr[i]);
      m.max_abs_error = std::max(m.max_abs_error, std::fabs(e));
      se += e * e;
      sr += double(yr[i]) * double(yr[i]);
    }
  }
  if constexpr (requires { layer.delta_stats(); }) {
    const auto s = layer.delta_stats();  // the comparison run (counts restart above)
    m.input_density = s.input_density();
    m.hidden_density = s.hidden_density();
    m.op_fraction = s.op_fraction();
  }
  if (m.steps > 0) {
    m.rms_error = std::sqrt(se / double(m.steps * H));
    m.ref_rms = std::sqrt(sr / double(m.steps * H));
  }
  std::vector<double> per_step;
  for (std::size_t r = 0; r < opt.runs && m.steps > 0; ++r) {
    layer.reset();
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t t = 0; t < m.steps; ++t) run(layer, t, y);
    const auto t1 = std::chrono::steady_clock::now();
    per_step.push_back(std::chrono::duration<double>(t1 - t0).count() / double(m.steps));
  }
  m.runs = per_step.size();
  if (!per_step.empty()) {
    std::nth_element(per_step.begin(), per_step.begin() + per_step.size() / 2, per_step.end());
    m.seconds_per_step = per_step[per_step.size() / 2];
  }
  return m;
}

}  // namespace ember::dse
