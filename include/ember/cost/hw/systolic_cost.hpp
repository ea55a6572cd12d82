// The systolic cost of one layer: each lowered GEMM costed with SCALE-Sim's fold plan,
// its SRAM/DRAM traffic under the double-buffered model, and its energy.
#pragma once

#include <cstdint>

#include "ember/cost/cost_types.hpp"
#include "ember/cost/energy.hpp"
#include "ember/cost/lowering.hpp"
#include "ember/cost/workload.hpp"
#include "ember/cost/hw/dataflow.hpp"
#include "ember/cost/hw/systolic.hpp"

namespace ember::hw {

/// BitFusion (Sharma et al., ISCA 2018): a fusion unit is 16 BitBricks (2b x 2b); a
/// w x a multiply takes ceil(w/2) * ceil(a/2) bricks, so a unit does 16 / bricks MACs a
/// cycle (8b: 1, 4b: 4, 2b: 16) or needs bricks / 16 cycles per MAC (16b: 4). The
/// products a unit fuses are summed into one accumulator: consecutive reduction elements,
/// so K shrinks to ceil(K * bricks / 16). Widths above 16 (fp32) are costed as integers
/// of that width (BitFusion has no floating point): 32b takes 16 cycles.
constexpr std::uint64_t bitfusion_bricks(unsigned weight_bits, unsigned act_bits) noexcept {
  const std::uint64_t w = (weight_bits + 1) / 2, a = (act_bits + 1) / 2;
  return (w == 0 ? 1 : w) * (a == 0 ? 1 : a);
}
constexpr std::uint64_t bitfusion_k(std::uint64_t K, unsigned weight_bits, unsigned act_bits) noexcept {
  return detail::ceil_div(detail::mul_sat(K, bitfusion_bricks(weight_bits, act_bits)), 16);
}

/// Where the operands of a layer live for the whole inference (decided per model).
struct placement {
  bool weights_on_chip = false, acts_on_chip = false, outs_on_chip = false;
  std::uint64_t ifmap_cap = 0, filter_cap = 0, ofmap_cap = 0;  ///< bytes, for streaming
  std::uint64_t ifmap_sram = 0, filter_sram = 0, ofmap_sram = 0;  ///< sizes, for energy
};

constexpr placement streaming_placement(const systolic_config& c) noexcept {
  placement p{};
  if (c.unified_sram > 0) {
    p.ifmap_cap = p.filter_cap = p.ofmap_cap = c.unified_sram / 3;
    p.ifmap_sram = p.filter_sram = p.ofmap_sram = c.unified_sram;
  } else {
    p.ifmap_cap = p.ifmap_sram = c.ifmap_sram;
    p.filter_cap = p.filter_sram = c.filter_sram;
    p.ofmap_cap = p.ofmap_sram = c.ofmap_sram;
  }
  return p;
}

namespace detail {
constexpr double bytes_of(double elements, unsigned bits) noexcept { return elements * double(bits) / 8.0; }

/// DRAM bytes to stream an operand of `bytes` that the array reads in `passes` passes:
/// once if it fits the active half of its double-buffered SRAM (SCALE-Sim's
/// active_buf_frac = 0.5), else once per pass (re-fetched every fold).
constexpr double stream_bytes(double bytes, double passes, std::uint64_t cap) noexcept {
  return bytes <= double(cap) / 2.0 ? bytes : bytes * passes;
}
}  // namespace detail

/// Adds the cost of one lowered GEMM to `lc` (mapping_eff / compute_util accumulate
/// cycle-weighted sums; finish_layer divides them).
template <cost::energy_table E>
constexpr void add_gemm(cost::layer_cost& lc, const systolic_config& hw, const placement& pl,
                        const cost::mapped_gemm& g) noexcept {
  using detail::bytes_of;
  if (g.role == cost::gemm_role::codebook) {
    // Weight sharing's centroid multiplies happen where each output's cluster sums are
    // kept (its PE): every PE multiplies its sums by the K centroids, so an array of
    // outputs takes K cycles, and only the codebook itself is read (K fp32 values).
    const std::uint64_t pes = std::uint64_t(hw.rows) * hw.cols;
    const std::uint64_t cyc = detail::mul_sat(detail::mul_sat(detail::ceil_div(g.M, pes), g.K), g.repeat);
    lc.compute_cycles = detail::add_sat(lc.compute_cycles, cyc);
    lc.macs += g.macs();
    lc.pe_cycles += g.macs();
    lc.mapping_eff += double(cyc);  // every PE used (but the last array's remainder)
    lc.compute_util += double(cyc);
    const double cb = bytes_of(double(g.K), 32) * double(g.repeat);
    lc.sram.filter_read += cb;
    lc.energy.compute_pj += g.macs() * cost::mac_pj<E>(g.weight_bits, g.act_bits);
    lc.energy.sram_pj += cb * cost::sram_pj_per_byte<E>(pl.filter_sram);
    return;
  }
  const std::uint64_t kt = hw.bitfusion ? bitfusion_k(g.K, g.weight_bits, g.act_bits) : g.K;
  const fold_plan p = plan_gemm(hw.df, hw.rows, hw.cols, g.M, g.N, kt);
  const std::uint64_t cyc = detail::mul_sat(p.cycles(), g.repeat);
  const double rep = double(g.repeat);
  lc.compute_cycles = detail::add_sat(lc.compute_cycles, cyc);
  lc.macs += g.macs();
  lc.pe_cycles += double(g.M) * double(g.N) * double(kt) * rep;
  lc.mapping_eff += p.mapping_efficiency() * double(cyc);
  lc.compute_util += p.compute_utilization() * double(cyc);

  // Operand sizes (elements) and how often the array sweeps each one (scalesim/compute).
  const double in_el = double(g.M) * double(g.K), w_el = double(g.K) * double(g.N),
               out_el = double(g.M) * double(g.N);
  double in_passes = 1, w_passes = 1, out_passes = 1;
  switch (hw.df) {
    case dataflow::os: in_passes = double(p.col_folds); w_passes = double(p.row_folds); break;
    case dataflow::ws: in_passes = double(p.col_folds); out_passes = double(p.row_folds); break;
    case dataflow::is: w_passes = double(p.col_folds); out_passes = double(p.row_folds); break;
  }
  // Time-domain circulant: the array expands each stored k-vector into a k x k block,
  // so only 1/k of the weights it uses are read from memory.
  const double share = g.weight_share > 1 ? double(g.weight_share) : 1.0;
  const double in_b = bytes_of(in_el, g.act_bits), w_b = bytes_of(w_el / share, g.weight_bits),
               out_b = bytes_of(out_el, g.act_bits);
  // WS and IS split K over row folds: every fold but the last leaves 32-bit partial sums
  // that the next one reads back and adds to (OS keeps them in the PEs).
  const double psum_b = bytes_of(out_el * (out_passes - 1), 32);
  cost::sram_traffic s{};
  s.ifmap_read = in_b * in_passes * rep;
  s.filter_read = w_b * w_passes * rep;
  s.ofmap_write = (out_b + psum_b) * rep;
  s.ofmap_read = psum_b * rep;
  lc.sram.ifmap_read += s.ifmap_read;
  lc.sram.filter_read += s.filter_read;
  lc.sram.ofmap_write += s.ofmap_write;
  lc.sram.ofmap_read += s.ofmap_read;

  double dram_r = 0, dram_w = 0;
  if (!pl.weights_on_chip) dram_r += detail::stream_bytes(w_b, w_passes, pl.filter_cap) * rep;
  if (!pl.acts_on_chip) dram_r += detail::stream_bytes(in_b, in_passes, pl.ifmap_cap) * rep;
  if (!pl.outs_on_chip) {
    const bool spill = bytes_of(out_el, 32) > double(pl.ofmap_cap) / 2.0;
    dram_w += (out_b + (spill ? psum_b : 0.0)) * rep;
    dram_r += (spill ? psum_b : 0.0) * rep;
  }
  lc.dram_read += dram_r;
  lc.dram_write += dram_w;

  if (hw.dram_bytes_per_cycle > 0) {
    const double mem = (dram_r + dram_w) / hw.dram_bytes_per_cycle;
    if (mem > double(cyc)) {
      const double extra = mem - double(cyc);
      auto st = std::uint64_t(extra);
      if (double(st) < extra) ++st;
      lc.stall_cycles = detail::add_sat(lc.stall_cycles, st);
    }
  }

  const double mac_e = hw.bitfusion
                           ? cost::mac_pj<E>(8, 8) * double(bitfusion_bricks(g.weight_bits, g.act_bits)) / 16.0
                           : cost::mac_pj<E>(g.weight_bits, g.act_bits, g.format);
  lc.energy.compute_pj += g.macs() * mac_e;
  lc.energy.sram_pj += s.ifmap_read * cost::sram_pj_per_byte<E>(pl.ifmap_sram) +
                       s.filter_read * cost::sram_pj_per_byte<E>(pl.filter_sram) +
                       (s.ofmap_write + s.ofmap_read) * cost::sram_pj_per_byte<E>(pl.ofmap_sram);
  lc.energy.dram_pj += (dram_r + dram_w) * cost::dram_pj_per_byte<E>();
}

/// Energy of one element-wise operation (an ALU beside the array): add-like ops one
/// add, mul one multiply, fma both, sigmoid/tanh (hard / piecewise-linear: a multiply,
/// an add and a clamp) one multiply and two adds. 32 bits = fp32.
template <cost::energy_table E>
constexpr double eltwise_pj(cost::eltwise_kind kind, unsigned bits) noexcept {
  const bool fp = bits >= 32;
  const double add = fp ? E::fp_add_pj(32) : E::int_add_pj(bits);
  const double mul = fp ? E::fp_mult_pj(32) : E::int_mult_pj(bits);
  switch (kind) {
    case cost::eltwise_kind::mul: return mul;
    case cost::eltwise_kind::fma: return mul + add;
    case cost::eltwise_kind::sigmoid:
    case cost::eltwise_kind::tanh: return mul + 2 * add;
    default: return add;
  }
}

namespace detail {
/// Adds the additive parts of `b` (one GEMM's contribution) to `a`.
constexpr void merge_gemm_cost(cost::layer_cost& a, const cost::layer_cost& b) noexcept {
  a.compute_cycles = add_sat(a.compute_cycles, b.compute_cycles);
  a.stall_cycles = add_sat(a.stall_cycles, b.stall_cycles);
  a.macs += b.macs;
  a.pe_cycles += b.pe_cycles;
  a.mapping_eff += b.mapping_eff;
  a.compute_util += b.compute_util;
  a.sram.ifmap_read += b.sram.ifmap_read;
  a.sram.filter_read += b.sram.filter_read;
  a.sram.ofmap_write += b.sram.ofmap_write;
  a.sram.ofmap_read += b.sram.ofmap_read;
  a.dram_read += b.dram_read;
  a.dram_write += b.dram_write;
  a.energy.compute_pj += b.energy.compute_pj;
  a.energy.sram_pj += b.energy.sram_pj;
  a.energy.dram_pj += b.energy.dram_pj;
}

template <cost::energy_table E>
constexpr cost::layer_cost cost_lowered(const cost::lowered_gemm& lg, const systolic_config& hw,
                                        const placement& pl) noexcept {
  cost::layer_cost c{};
  for (std::size_t j = 0; j < lg.count; ++j) add_gemm<E>(c, hw, pl, lg.parts[j]);
  return c;
}
}  // namespace detail

/// The cost of one workload GEMM after lowering, with block-circulant GEMMs run as
/// `hw.circulant` says (the fastest mapping: fewer cycles, then less energy).
template <cost::energy_table E>
constexpr cost::layer_cost cost_gemm(const cost::gemm& g, const systolic_config& hw, const placement& pl) noexcept {
  using cost::circulant_mapping;
  if (g.circulant_k <= 1 || hw.circulant == circulant_mapping::frequency)
    return detail::cost_lowered<E>(cost::lower(g), hw, pl);
  if (hw.circulant == circulant_mapping::time_domain)
    return detail::cost_lowered<E>(cost::lower_time_domain(g), hw, pl);
  const cost::layer_cost f = detail::cost_lowered<E>(cost::lower(g), hw, pl);
  const cost::layer_cost t = detail::cost_lowered<E>(cost::lower_time_domain(g), hw, pl);
  const bool time_wins = t.cycles() < f.cycles() ||
                         (t.cycles() == f.cycles() && t.energy.total_pj() < f.energy.total_pj());
  return time_wins ? t : f;
}

/// The cost of one layer workload on the array.
template <cost::energy_table E>
constexpr cost::layer_cost cost_layer(const cost::layer_workload& w, const systolic_config& hw,
                                      const placement& pl) noexcept {
  cost::layer_cost lc{};
  lc.name = w.name;
  std::uint64_t stored_bytes = 0;
  for (std::size_t i = 0; i < w.n_gemms && i < w.gemms.size(); ++i) {
    const cost::gemm& g = w.gemms[i];
    lc.dense_macs += g.dense_macs();
    stored_bytes += cost::stored_weight_bytes(g);
    detail::merge_gemm_cost(lc, cost_gemm<E>(g, hw, pl));
  }
  lc.weight_bytes = w.mem.weight_bytes > 0 ? w.mem.weight_bytes : stored_bytes;
  for (std::size_t i = 0; i < w.n_elts && i < w.elts.size(); ++i) {
    const cost::eltwise& e = w.elts[i];
    const std::uint64_t n = detail::mul_sat(e.count, e.repeat);
    lc.eltwise_cycles = detail::add_sat(lc.eltwise_cycles, detail::ceil_div(n, hw.cols));
    lc.energy.compute_pj += double(n) * eltwise_pj<E>(e.kind, e.bits);
  }
  if (lc.compute_cycles > 0) {
    lc.mapping_eff /= double(lc.compute_cycles);
    lc.compute_util /= double(lc.compute_cycles);
    lc.utilization = lc.pe_cycles / (double(lc.compute_cycles) * double(hw.rows) * double(hw.cols));
  }
  return lc;
}

}  // namespace ember::hw
