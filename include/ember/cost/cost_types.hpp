// The numbers an estimate produces: per-layer cost (cycles, utilization, bytes, energy)
// and the fit verdict. Plain constexpr data; the whole-model report is in report.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ember/cost/hw/systolic.hpp"

namespace ember::cost {

/// Bytes moved between the array and its SRAMs, per operand.
struct sram_traffic {
  double ifmap_read = 0, filter_read = 0, ofmap_write = 0, ofmap_read = 0;
  constexpr double total() const noexcept { return ifmap_read + filter_read + ofmap_write + ofmap_read; }
};

/// Energy in picojoules, split the way the issue asks (compute / SRAM / DRAM).
struct energy_split {
  double compute_pj = 0, sram_pj = 0, dram_pj = 0;
  constexpr double total_pj() const noexcept { return compute_pj + sram_pj + dram_pj; }
};

/// The cost of one layer (or of the whole model, in report::total).
struct layer_cost {
  const char* name = "";
  double dense_macs = 0;       ///< MACs of the workload as a dense product would count them
  double macs = 0;             ///< MACs the array performs after delta / circulant lowering
  double pe_cycles = 0;        ///< PE-cycles those MACs occupy (BitFusion packs several per PE)
  std::uint64_t compute_cycles = 0;  ///< SCALE-Sim compute cycles, summed over GEMMs and repeats
  std::uint64_t eltwise_cycles = 0;  ///< element-wise work on a Cols-wide vector unit
  std::uint64_t stall_cycles = 0;    ///< waiting for DRAM (only with a finite DRAM bandwidth)
  double mapping_eff = 0;      ///< SCALE-Sim Mapping Efficiency, cycle-weighted over GEMMs (0..1)
  double compute_util = 0;     ///< SCALE-Sim Compute Util, cycle-weighted over GEMMs (0..1)
  double utilization = 0;      ///< PE-cycles / (PEs * compute cycles) (0..1)
  sram_traffic sram{};
  double dram_read = 0, dram_write = 0;  ///< bytes
  energy_split energy{};
  std::uint64_t weight_bytes = 0;        ///< stored on chip (after quantization / circulant)

  constexpr std::uint64_t cycles() const noexcept {
    return hw::detail::add_sat(hw::detail::add_sat(compute_cycles, eltwise_cycles), stall_cycles);
  }
  constexpr double dram_bytes() const noexcept { return dram_read + dram_write; }
};

/// Why a model does or does not fit; `need` and `have` are bytes.
enum class fit_rule : std::uint8_t { fits, weights_exceed_filter_sram, activations_exceed_ifmap_sram,
                                     outputs_exceed_ofmap_sram, exceeds_unified_sram };

constexpr const char* to_string(fit_rule r) noexcept {
  switch (r) {
    case fit_rule::fits: return "fits";
    case fit_rule::weights_exceed_filter_sram: return "weights exceed the filter SRAM";
    case fit_rule::activations_exceed_ifmap_sram: return "activations exceed the ifmap SRAM";
    case fit_rule::outputs_exceed_ofmap_sram: return "outputs exceed the ofmap SRAM";
    case fit_rule::exceeds_unified_sram: return "weights + activations + outputs exceed the SRAM";
  }
  return "?";
}

/// On-chip footprint of a model against the array's SRAMs.
struct fit_check {
  std::uint64_t weight_bytes = 0;  ///< all layers' weights (resident for the whole inference)
  std::uint64_t act_bytes = 0;     ///< the largest layer input / state working set
  std::uint64_t out_bytes = 0;     ///< the largest layer output
  std::uint64_t weight_capacity = 0, act_capacity = 0, out_capacity = 0;
  bool unified = false;
  fit_rule rule = fit_rule::fits;
  std::uint64_t need = 0, have = 0;  ///< the numbers behind `rule`

  constexpr bool fits() const noexcept { return rule == fit_rule::fits; }
  constexpr const char* reason() const noexcept { return to_string(rule); }
};

}  // namespace ember::cost
