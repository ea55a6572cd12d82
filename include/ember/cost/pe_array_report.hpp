// What the PE-array cost model reports: per-layer cycles (steady + pipeline fill), tiles,
// utilization, energy split memory / multipliers / adder tree / epilogue / routing, and fit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>

#include "ember/cost/hw/pe_array.hpp"

namespace ember::cost {

/// Energy of one layer (or the model) on a PE array, in picojoules.
struct pe_energy {
  double memory_pj = 0;      ///< weight SRAM rows read (one per output per PE)
  double multiplier_pj = 0;  ///< one multiply per weight used
  double adder_tree_pj = 0;  ///< the trees (widths growing by a bit per level) and cross-PE partial sums
  double epilogue_pj = 0;    ///< end of the tree: requantize, ReLU, quantizer (per output)
  double routing_pj = 0;     ///< crossbar: activations into the PEs, partial sums between them
  constexpr double compute_pj() const noexcept { return multiplier_pj + adder_tree_pj + epilogue_pj; }
  constexpr double total_pj() const noexcept { return memory_pj + compute_pj() + routing_pj; }
  constexpr pe_energy& operator+=(const pe_energy& o) noexcept {
    memory_pj += o.memory_pj, multiplier_pj += o.multiplier_pj, adder_tree_pj += o.adder_tree_pj;
    epilogue_pj += o.epilogue_pj, routing_pj += o.routing_pj;
    return *this;
  }
};

struct pe_layer_cost {
  const char* name = "";
  double dense_macs = 0;           ///< as a dense product would count them
  double macs = 0;                 ///< multiplies the PEs do (stored weights x vectors)
  std::uint64_t tiles = 0;         ///< PE blocks the layer's weights occupy (partial ones count)
  std::uint64_t max_pe_rows = 0;   ///< most outputs (rows) one PE computes per vector, any GEMM
  std::uint64_t max_pe_inputs = 0; ///< most activations one PE receives per vector, any GEMM
  std::uint64_t steady_cycles = 0; ///< one output per PE per cycle, inputs one per PE per cycle
  std::uint64_t fill_cycles = 0;   ///< pipeline depth, paid once per dependent pass
  std::uint64_t stored_bits = 0;   ///< weight bits resident (rows x BlockCols x Bits per tile row)
  double utilization = 0;          ///< macs / (PEs x BlockCols x cycles)
  pe_energy energy{};
  constexpr std::uint64_t cycles() const noexcept { return steady_cycles + fill_cycles; }
};

/// Why a model does or does not fit a PE array.
enum class pe_fit_rule : std::uint8_t { fits, weights_exceed_pe_sram, precision_exceeds_pe };

constexpr const char* to_string(pe_fit_rule r) noexcept {
  switch (r) {
    case pe_fit_rule::fits: return "fits";
    case pe_fit_rule::weights_exceed_pe_sram: return "weight blocks exceed the PEs' SRAM";
    case pe_fit_rule::precision_exceeds_pe: return "weights or activations are wider than the PE multipliers";
  }
  return "?";
}

template <std::size_t N>
struct pe_array_report {
  std::array<pe_layer_cost, N> layers{};
  pe_layer_cost total{};
  hw::pe_array_config hw{};
  const char* energy_table = "";
  bool fits = true;
  pe_fit_rule rule = pe_fit_rule::fits;
  const char* reason = "fits";
  std::uint64_t rows_needed = 0;     ///< weight rows (one per output row of each tile), all layers
  std::uint64_t rows_available = 0;  ///< PEs x rows per PE
  std::uint64_t max_pe_rows_used = 0;

  constexpr double latency_s() const noexcept { return double(total.cycles()) / hw.clock_hz; }
  constexpr double energy_j() const noexcept { return total.energy.total_pj() * 1e-12; }
  constexpr double peak_ops_per_s() const noexcept { return hw.peak_ops_per_s(); }
  /// Ops (2 per MAC) per second over the whole run, pipeline fill included.
  constexpr double ops_per_s() const noexcept { return latency_s() > 0 ? 2.0 * total.macs / latency_s() : 0.0; }
  constexpr double power_w() const noexcept { return latency_s() > 0 ? energy_j() / latency_s() : 0.0; }
  constexpr double ops_per_j() const noexcept { return energy_j() > 0 ? 2.0 * total.macs / energy_j() : 0.0; }
  constexpr double memory_share() const noexcept { return share(total.energy.memory_pj); }
  constexpr double compute_share() const noexcept { return share(total.energy.compute_pj()); }
  constexpr double routing_share() const noexcept { return share(total.energy.routing_pj); }
  constexpr double share(double pj) const noexcept {
    return total.energy.total_pj() > 0 ? pj / total.energy.total_pj() : 0.0;
  }

  /// One row per layer plus `total`.
  std::string csv() const {
    std::ostringstream os;
    os << std::setprecision(17)
       << "layer,macs,tiles,max_pe_rows,max_pe_inputs,steady_cycles,fill_cycles,cycles,seconds,utilization,"
          "memory_pj,multiplier_pj,adder_tree_pj,epilogue_pj,routing_pj,energy_pj\n";
    const auto row = [&](const pe_layer_cost& l) {
      os << l.name << ',' << l.macs << ',' << l.tiles << ',' << l.max_pe_rows << ',' << l.max_pe_inputs << ','
         << l.steady_cycles << ',' << l.fill_cycles << ',' << l.cycles() << ',' << double(l.cycles()) / hw.clock_hz
         << ',' << l.utilization << ',' << l.energy.memory_pj << ',' << l.energy.multiplier_pj << ','
         << l.energy.adder_tree_pj << ',' << l.energy.epilogue_pj << ',' << l.energy.routing_pj << ','
         << l.energy.total_pj() << '\n';
    };
    for (const auto& l : layers) row(l);
    row(total);
    return os.str();
  }
};

template <std::size_t N>
std::ostream& operator<<(std::ostream& os, const pe_array_report<N>& r) {
  const auto flags = os.flags();
  const auto prec = os.precision();
  os << std::left << std::setw(10) << "layer" << std::right << std::setw(12) << "MMACs" << std::setw(7) << "tiles"
     << std::setw(9) << "rows/PE" << std::setw(9) << "ins/PE" << std::setw(10) << "cycles" << std::setw(7) << "fill"
     << std::setw(8) << "util%" << std::setw(10) << "E_mem_nJ" << std::setw(10) << "E_mul_nJ" << std::setw(10)
     << "E_tree_nJ" << std::setw(10) << "E_epi_nJ" << std::setw(10) << "E_route_nJ" << std::setw(10) << "E_nJ" << '\n'
     << std::fixed;
  const auto row = [&](const pe_layer_cost& l) {
    os << std::left << std::setw(10) << l.name << std::right << std::setprecision(3) << std::setw(12) << l.macs * 1e-6
       << std::setw(7) << l.tiles << std::setw(9) << l.max_pe_rows << std::setw(9) << l.max_pe_inputs << std::setw(10)
       << l.steady_cycles << std::setw(7) << l.fill_cycles << std::setprecision(1) << std::setw(8)
       << l.utilization * 100 << std::setprecision(3) << std::setw(10) << l.energy.memory_pj * 1e-3 << std::setw(10)
       << l.energy.multiplier_pj * 1e-3 << std::setw(10) << l.energy.adder_tree_pj * 1e-3 << std::setw(10)
       << l.energy.epilogue_pj * 1e-3 << std::setw(10) << l.energy.routing_pj * 1e-3 << std::setw(10)
       << l.energy.total_pj() * 1e-3 << '\n';
  };
  for (const auto& l : r.layers) row(l);
  row(r.total);
  const auto& h = r.hw;
  os << std::setprecision(2) << "PE array " << h.pes << " x " << h.block_rows << "x" << h.block_cols << ", "
     << h.weight_bits << "-bit weights x " << h.act_bits << "-bit activations, " << h.clock_hz / 1e6 << " MHz, "
     << double(h.sram_bits_per_pe()) / 1024 << " Kib SRAM per PE (" << h.blocks_per_pe()
     << " block(s)), tree depth " << h.tree_depth() << ", pipeline " << h.pipeline_depth()
     << ", energy: " << r.energy_table << '\n'
     << "fits: " << (r.fits ? "yes" : "no (") << (r.fits ? "" : r.reason) << (r.fits ? "" : ")") << "; weight rows "
     << r.rows_needed << " of " << r.rows_available << " (busiest PE " << r.max_pe_rows_used << " of "
     << h.rows_per_pe() << ")\n"
     << "latency " << r.latency_s() * 1e6 << " us, " << r.ops_per_s() * 1e-12 << " TOPS achieved of "
     << r.peak_ops_per_s() * 1e-12 << " peak, " << r.power_w() * 1e3 << " mW, " << r.ops_per_j() * 1e-12
     << " TOPS/W; energy memory " << r.memory_share() * 100 << " %, compute " << r.compute_share() * 100
     << " %, routing " << r.routing_share() * 100 << " %\n";
  os.flags(flags);
  os.precision(prec);
  return os;
}

}  // namespace ember::cost
