// Streaming-tiles mapping (Rezk et al.) of a CNN's conv / pool / inception layer list onto an
// Epiphany chip: X, Y, rate, cores, load, communication and frames/s, all constexpr.
#pragma once

#include <array>
#include <cstddef>

#include "ember/cost/epiphany_report.hpp"
#include "ember/cost/hw/epiphany.hpp"
#include "ember/cost/workload.hpp"

namespace ember::cost {

struct streaming_options {
  streaming_load load = streaming_load::per_owned_row;
  unsigned bits = 0;  ///< weight precision for every layer (0: each layer's gemm weight_bits)
};

namespace detail::streaming {

constexpr std::size_t ceil_div(std::size_t a, std::size_t b) noexcept { return (a + b - 1) / b; }
constexpr std::size_t ceil_pos(double x) noexcept {
  const auto i = static_cast<std::size_t>(x);
  return double(i) < x ? i + 1 : i;
}
/// Nearest multiple of 0.5 (halves round up).
constexpr double round_half(double x) noexcept {
  return double(static_cast<long long>(2.0 * x + 0.5)) / 2.0;
}

struct index_list {
  std::array<std::size_t, 8> at{};  // an inception module has 4 branch heads
  std::size_t n = 0;
  constexpr void push(std::size_t i) noexcept {
    if (n < at.size()) at[n++] = i;
  }
};

/// The conv/pool layers of a workload (has_conv), in order, with their graph.
template <std::size_t N>
struct graph {
  std::array<conv_geometry, N> g{};
  std::size_t n = 0;

  /// One past the last layer of the stage (a plain layer or a whole module) holding j.
  constexpr std::size_t stage_end(std::size_t j) const noexcept {
    if (g[j].branch_group == 0) return j + 1;
    std::size_t k = j;
    while (k < n && g[k].branch_group == g[j].branch_group) ++k;
    return k;
  }
  /// The layers reading a stage's input: the stage itself, or each branch's first layer.
  constexpr index_list heads(std::size_t k) const noexcept {
    index_list h;
    if (k >= n) return h;
    if (g[k].branch_group == 0) {
      h.push(k);
      return h;
    }
    const std::size_t end = stage_end(k);
    for (std::size_t m = k; m < end; ++m) {
      bool first = true;
      for (std::size_t p = k; p < m; ++p) first = first && g[p].branch != g[m].branch;
      if (first) h.push(m);
    }
    return h;
  }
  /// The layers reading layer j's output.
  constexpr index_list consumers(std::size_t j) const noexcept {
    if (g[j].branch_group != 0) {
      const std::size_t end = stage_end(j);
      for (std::size_t k = j + 1; k < end; ++k)
        if (g[k].branch == g[j].branch) {
          index_list c;
          c.push(k);
          return c;
        }
      return heads(end);
    }
    return heads(j + 1);
  }
};

/// Cycles to write one output row of `width` activations to one core (stores from the
/// IALU slot, 8 bytes per cycle, the width of a cMesh link).
constexpr double send_cycles(std::size_t width, const hw::epiphany_params& hw) noexcept {
  return double(ceil_pos(double(width * hw.activation_bytes) / hw.store_bytes_per_cycle));
}

struct fan_out {
  double pool = 0, comm = 0;
  std::size_t destinations = 0;
};

/// Pooling done and rows written for `rows_per` rows of layer i's output (`ch` channels per
/// core), following fused pooling layers to the convolutions that read them.
template <std::size_t N>
constexpr void fan(const graph<N>& G, const std::array<std::size_t, N>& X,
                   const std::array<bool, N>& fused, std::size_t i, double ch, double rows_per,
                   const hw::epiphany_params& hw, fan_out& out) noexcept {
  const auto cs = G.consumers(i);
  const double send = send_cycles(G.g[i].out_w, hw);
  if (cs.n == 0) {  // the last layer writes its rows out once
    out.comm += send * ch * rows_per;
    out.destinations += 1;
    return;
  }
  for (std::size_t k = 0; k < cs.n; ++k) {
    const auto& c = G.g[cs.at[k]];
    if (fused[cs.at[k]]) {
      const double r2 = rows_per / double(c.stride);
      out.pool += double(c.out_w * c.kernel_h * c.kernel_w) * hw.pool_cycles_per_element * ch * r2;
      fan(G, X, fused, cs.at[k], ch, r2, hw, out);
    } else {
      const std::size_t d = X[cs.at[k]] * ceil_div(c.kernel_h, c.stride);
      out.comm += send * ch * rows_per * double(d);
      out.destinations += d;
    }
  }
}

}  // namespace detail::streaming

/// Maps a model's workload (conv/pool layers with has_conv; others are skipped) onto `hw`.
/// The formulas are documented with their sources in docs/cost_model.md.
template <std::size_t N>
constexpr epiphany_report<N> map_streaming_tiles(const model_workload<N>& w,
                                                 const hw::epiphany_params& hw,
                                                 streaming_options opt = {}) noexcept {
  using namespace detail::streaming;
  epiphany_report<N> r;
  r.hw = hw;
  r.load_model = opt.load;
  graph<N> G;
  std::array<unsigned, N> bits{};
  std::array<quant::weight_format, N> format{};
  std::array<std::size_t, N> codebook_bits{};  // kept by every core holding part of a shared layer
  for (std::size_t i = 0; i < N; ++i) {
    if (!w[i].has_conv) continue;
    G.g[G.n] = w[i].conv;
    unsigned b = opt.bits;
    if (b == 0) b = w[i].n_gemms > 0 ? w[i].gemms[0].weight_bits : 32u;
    bits[G.n] = b;
    if (opt.bits == 0 && w[i].n_gemms > 0) {  // an explicit --bits sweeps uniform weights
      format[G.n] = w[i].gemms[0].format;
      codebook_bits[G.n] = 8 * w[i].gemms[0].codebook_bytes();
    }
    auto& l = r.layers[G.n];
    l.name = w[i].name;
    l.is_pool = w[i].conv.is_pool;
    l.bits = l.is_pool ? 0 : b;
    l.rows = w[i].conv.out_h;
    l.macs = l.is_pool ? 0.0 : w[i].dense_macs();
    r.macs += l.macs;
    if (!l.is_pool && b > r.bits) r.bits = b;
    ++G.n;
  }
  r.n_layers = G.n;
  const std::size_t avail = hw.weight_bits_per_core();
  if (G.n == 0 || avail == 0) {
    r.why = G.n == 0 ? "no conv/pool layers" : "no local memory left for weights";
    return r;
  }

  // rate_i: rows of layer i per row of the last layer = product of the strides after it.
  std::array<bool, N> fused{};
  for (std::size_t j = G.n; j-- > 0;) {
    const auto cs = G.consumers(j);
    std::size_t rate = 1;
    for (std::size_t k = 0; k < cs.n; ++k) {
      const std::size_t rc = r.layers[cs.at[k]].rate * G.g[cs.at[k]].stride;
      rate = rc > rate ? rc : rate;
      if (G.g[cs.at[k]].is_pool) fused[cs.at[k]] = true;  // it has a producer to do it
    }
    r.layers[j].rate = rate;
  }

  // X_i = ceil(bits * N_i * M_i * K_i^2 / weight bits per core).
  std::array<std::size_t, N> X{};
  for (std::size_t j = 0; j < G.n; ++j) {
    const auto& g = G.g[j];
    if (g.is_pool) {
      X[j] = fused[j] ? 0 : 1;
    } else {
      const double wbits = hw::epiphany_storage_bits(bits[j]) * double(g.in_channels / g.groups) *
                           double(g.out_channels * g.kernel_h * g.kernel_w);
      const std::size_t room = avail > codebook_bits[j] ? avail - codebook_bits[j] : 1;
      X[j] = ceil_pos(wbits / double(room));
      if (X[j] == 0) X[j] = 1;
    }
    r.layers[j].fused = fused[j];
    r.layers[j].X = X[j];
  }

  // Unbalanced load and communication of one Y-unit; Y_i = max load / load_i, nearest half.
  double max_unit = 0;
  for (std::size_t j = 0; j < G.n; ++j) {
    if (fused[j]) continue;
    const auto& g = G.g[j];
    auto& l = r.layers[j];
    const double per_rate = opt.load == streaming_load::per_rate_rows ? double(l.rate) : 1.0;
    double channels = 0;
    if (g.is_pool) {
      l.conv_cycles = double(g.out_w * g.kernel_h * g.kernel_w) * hw.pool_cycles_per_element;
      l.compute_cycles = l.conv_cycles * double(g.out_channels);
      channels = double(g.out_channels);
    } else {
      const auto mac = hw::epiphany_cycles_per_mac(bits[j], hw.fpu_latency, format[j]);
      l.conv_cycles = double(g.out_w * g.kernel_h * g.kernel_w) * mac.cycles;
      channels = double(g.out_channels) / double(X[j]);
      l.compute_cycles = l.conv_cycles * double(g.in_channels / g.groups) * channels;
    }
    fan_out f;
    fan(G, X, fused, j, channels, 1.0, hw, f);
    l.compute_cycles = (l.compute_cycles + f.pool) * per_rate;
    l.comm_cycles = f.comm * per_rate;
    l.destinations = f.destinations;
    const double unit = l.compute_cycles + l.comm_cycles;
    max_unit = unit > max_unit ? unit : max_unit;
  }

  double max_load = 0;
  std::size_t iterations = 0;
  for (std::size_t j = 0; j < G.n; ++j) {
    if (fused[j]) continue;
    auto& l = r.layers[j];
    const double unit = l.compute_cycles + l.comm_cycles;
    double y = unit > 0 ? round_half(max_unit / unit) : double(l.rows);
    if (y < 1.0) y = 1.0;
    if (y > double(l.rows)) y = double(l.rows);
    l.Y = y;
    l.groups = ceil_pos(double(l.rows) / y);
    l.cores = l.groups * X[j];
    l.load_cycles = unit * y;
    l.time_s = l.load_cycles / hw.clock_hz;
    r.cores += l.cores;
    if (l.load_cycles > max_load) {
      max_load = l.load_cycles;
      r.bottleneck = j;
    }
    const std::size_t it = ceil_div(l.rows, l.rate);
    iterations = it > iterations ? it : iterations;
  }
  r.max_load_cycles = max_load;
  r.iterations = iterations;
  r.fps = max_load > 0 ? hw.clock_hz / (max_load * double(iterations)) : 0.0;
  r.fits = r.cores <= hw.cores;
  r.why = r.fits ? "" : "needs more cores than the chip has";
  return r;
}

template <hw::epiphany_hw HW, std::size_t N>
constexpr epiphany_report<N> map_streaming_tiles(const model_workload<N>& w,
                                                 streaming_options opt = {}) noexcept {
  return map_streaming_tiles(w, HW::params(), opt);
}

/// Models are anything with a static workload(): one layer_workload or an array of them.
template <class M>
concept static_workload = requires { M::workload(); };

constexpr model_workload<1> as_model_workload(const layer_workload& l) noexcept { return {l}; }
template <std::size_t N>
constexpr const model_workload<N>& as_model_workload(const model_workload<N>& w) noexcept {
  return w;
}

template <static_workload Model, hw::epiphany_hw HW>
constexpr auto map_streaming_tiles(streaming_options opt = {}) noexcept {
  return map_streaming_tiles(as_model_workload(Model::workload()), HW::params(), opt);
}

}  // namespace ember::cost
