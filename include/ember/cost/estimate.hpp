// cost::estimate: a model type (or a workload value) on a hardware type -> a report of
// cycles, energy, bytes and fit. constexpr, so `static_assert(estimate<Net, HW>(T).fits)`.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ember/cost/cost_types.hpp"
#include "ember/cost/report.hpp"
#include "ember/cost/workload.hpp"
#include "ember/cost/hw/systolic.hpp"
#include "ember/cost/hw/systolic_cost.hpp"

namespace ember::cost {

/// A layer or model type: `static constexpr layer_workload workload(std::size_t seq_len)`
/// or `static constexpr std::array<layer_workload, N> workload(std::size_t seq_len)`.
template <class T>
concept has_workload = requires(std::size_t n) { T::workload(n); };

namespace detail {
template <class W>
struct workload_size : std::integral_constant<std::size_t, 0> {};  // 1 for a layer, N for a model
template <>
struct workload_size<layer_workload> : std::integral_constant<std::size_t, 1> {};
template <std::size_t N>
struct workload_size<std::array<layer_workload, N>> : std::integral_constant<std::size_t, N> {};

constexpr std::uint64_t act_working_set(const layer_workload& w) noexcept {
  if (w.mem.act_bytes + w.mem.state_bytes > 0) return w.mem.act_bytes + w.mem.state_bytes;
  std::uint64_t m = 0;
  for (std::size_t i = 0; i < w.n_gemms && i < w.gemms.size(); ++i) {
    const gemm& g = w.gemms[i];
    const std::uint64_t b = (std::uint64_t(g.M) * g.K * g.act_bits + 7) / 8;
    m = b > m ? b : m;
  }
  return m;
}
constexpr std::uint64_t out_working_set(const layer_workload& w) noexcept {
  std::uint64_t m = 0;
  for (std::size_t i = 0; i < w.n_gemms && i < w.gemms.size(); ++i) {
    const gemm& g = w.gemms[i];
    const std::uint64_t b = (std::uint64_t(g.M) * g.N * g.act_bits + 7) / 8;
    m = b > m ? b : m;
  }
  return m;
}
constexpr std::uint64_t stored_weight_bytes(const layer_workload& w) noexcept {
  if (w.mem.weight_bytes > 0) return w.mem.weight_bytes;
  std::uint64_t s = 0;
  for (std::size_t i = 0; i < w.n_gemms && i < w.gemms.size(); ++i)
    s += cost::stored_weight_bytes(w.gemms[i]);
  return s;
}

/// Residency: a model fits when all its weights stay in the weight SRAM for the whole
/// inference and the largest layer's input and output fit theirs (unified SRAM: the
/// three together fit the one SRAM). Then nothing but the model's own input and output
/// crosses to DRAM. An operand class that does not fit streams from DRAM per GEMM.
template <std::size_t N>
constexpr fit_check check_fit(const std::array<layer_workload, N>& ws, const hw::systolic_config& c) noexcept {
  fit_check f{};
  for (const auto& w : ws) {
    f.weight_bytes += stored_weight_bytes(w);
    const auto a = act_working_set(w), o = out_working_set(w);
    f.act_bytes = a > f.act_bytes ? a : f.act_bytes;
    f.out_bytes = o > f.out_bytes ? o : f.out_bytes;
  }
  f.unified = c.unified_sram > 0;
  if (f.unified) {
    f.weight_capacity = f.act_capacity = f.out_capacity = c.unified_sram;
    const std::uint64_t need = f.weight_bytes + f.act_bytes + f.out_bytes;
    if (need > c.unified_sram) { f.rule = fit_rule::exceeds_unified_sram; f.need = need; f.have = c.unified_sram; }
    return f;
  }
  f.weight_capacity = c.filter_sram;
  f.act_capacity = c.ifmap_sram;
  f.out_capacity = c.ofmap_sram;
  if (f.weight_bytes > f.weight_capacity) {
    f.rule = fit_rule::weights_exceed_filter_sram; f.need = f.weight_bytes; f.have = f.weight_capacity;
  } else if (f.act_bytes > f.act_capacity) {
    f.rule = fit_rule::activations_exceed_ifmap_sram; f.need = f.act_bytes; f.have = f.act_capacity;
  } else if (f.out_bytes > f.out_capacity) {
    f.rule = fit_rule::outputs_exceed_ofmap_sram; f.need = f.out_bytes; f.have = f.out_capacity;
  }
  return f;
}

template <energy_table E, std::size_t N>
constexpr report<N> estimate_systolic(const std::array<layer_workload, N>& ws, const hw::systolic_config& c) noexcept {
  report<N> r{};
  r.hw = c;
  r.energy_table = E::name;
  r.fit = check_fit(ws, c);
  r.fits = r.fit.fits();
  r.reason = r.fit.reason();
  hw::placement pl = hw::streaming_placement(c);
  if (r.fit.unified) {
    pl.weights_on_chip = pl.acts_on_chip = pl.outs_on_chip = r.fits;
  } else {
    pl.weights_on_chip = r.fit.weight_bytes <= r.fit.weight_capacity;
    pl.acts_on_chip = r.fit.act_bytes <= r.fit.act_capacity;
    pl.outs_on_chip = r.fit.out_bytes <= r.fit.out_capacity;
  }
  layer_cost& t = r.total;
  t.name = "total";
  double map_w = 0, util_w = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const layer_cost l = hw::cost_layer<E>(ws[i], c, pl);
    r.layers[i] = l;
    t.dense_macs += l.dense_macs;
    t.macs += l.macs;
    t.pe_cycles += l.pe_cycles;
    t.compute_cycles = hw::detail::add_sat(t.compute_cycles, l.compute_cycles);
    t.eltwise_cycles = hw::detail::add_sat(t.eltwise_cycles, l.eltwise_cycles);
    t.stall_cycles = hw::detail::add_sat(t.stall_cycles, l.stall_cycles);
    map_w += l.mapping_eff * double(l.compute_cycles);
    util_w += l.compute_util * double(l.compute_cycles);
    t.sram.ifmap_read += l.sram.ifmap_read;
    t.sram.filter_read += l.sram.filter_read;
    t.sram.ofmap_write += l.sram.ofmap_write;
    t.sram.ofmap_read += l.sram.ofmap_read;
    t.dram_read += l.dram_read;
    t.dram_write += l.dram_write;
    t.energy.compute_pj += l.energy.compute_pj;
    t.energy.sram_pj += l.energy.sram_pj;
    t.energy.dram_pj += l.energy.dram_pj;
    t.weight_bytes += l.weight_bytes;
    if (l.cycles() > 0) {
      const double bw = l.dram_bytes() / double(l.compute_cycles > 0 ? l.compute_cycles : l.cycles());
      r.peak_dram_bytes_per_cycle = bw > r.peak_dram_bytes_per_cycle ? bw : r.peak_dram_bytes_per_cycle;
    }
  }
  if (t.compute_cycles > 0) {
    t.mapping_eff = map_w / double(t.compute_cycles);
    t.compute_util = util_w / double(t.compute_cycles);
    t.utilization = t.pe_cycles / (double(t.compute_cycles) * double(c.rows) * double(c.cols));
  }
  r.bandwidth_ok = c.dram_bytes_per_cycle <= 0 || r.peak_dram_bytes_per_cycle <= c.dram_bytes_per_cycle;
  return r;
}
}  // namespace detail

/// The estimate of a run-time (or constexpr) workload value on hardware HW: a model's
/// std::array<layer_workload, N>, or one layer_workload (a report of one layer). Use it
/// with measured delta densities: set each gemm's `density` from the run's statistics.
template <class HW, std::size_t N>
  requires hw::systolic_model<HW>
constexpr report<N> estimate(const std::array<layer_workload, N>& ws) noexcept {
  return detail::estimate_systolic<typename HW::energy_table>(ws, HW::config);
}
template <class HW>
  requires hw::systolic_model<HW>
constexpr report<1> estimate(const layer_workload& w) noexcept {
  return detail::estimate_systolic<typename HW::energy_table>(std::array<layer_workload, 1>{w}, HW::config);
}
/// Run-time hardware (e.g. read from a SCALE-Sim config file), default energy table.
template <energy_table E = horowitz_45nm, std::size_t N>
constexpr report<N> estimate(const std::array<layer_workload, N>& ws, const hw::systolic_config& c) noexcept {
  return detail::estimate_systolic<E>(ws, c);
}

/// The estimate of layer or model type Model on hardware HW for a sequence of seq_len
/// steps (1 for a CNN frame).
template <has_workload Model, hw::systolic_model HW>
constexpr auto estimate(std::size_t seq_len = 1) noexcept {
  const auto w = Model::workload(seq_len);
  using W = std::remove_cvref_t<decltype(w)>;
  static_assert(std::is_same_v<W, layer_workload> || detail::workload_size<W>::value > 0,
                "cost::estimate<Model, HW>: Model::workload(seq_len) must return a "
                "cost::layer_workload or a std::array<cost::layer_workload, N>");
  return estimate<HW>(w);
}

}  // namespace ember::cost
