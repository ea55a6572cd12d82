// cost::report<N>: the estimate of an N-layer model (per layer and total), with an
// aligned table for `std::cout << r` and `r.csv()` for files.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "ember/cost/cost_types.hpp"
#include "ember/cost/hw/systolic.hpp"

namespace ember::cost {

/// The estimate of a model of N layers on a systolic array.
template <std::size_t N>
struct report {
  std::array<layer_cost, N> layers{};
  layer_cost total{};
  hw::systolic_config hw{};
  const char* energy_table = "";
  fit_check fit{};
  bool fits = true;              ///< == fit.fits(), a plain member so `static_assert(c.fits)` reads well
  const char* reason = "fits";   ///< == fit.reason()
  double peak_dram_bytes_per_cycle = 0;  ///< largest per-layer DRAM bytes / compute cycle
  bool bandwidth_ok = true;      ///< peak <= the array's DRAM bandwidth (when one is given)

  static constexpr std::size_t size() noexcept { return N; }
  constexpr std::uint64_t cycles() const noexcept { return total.cycles(); }
  constexpr double latency_s() const noexcept { return double(total.cycles()) / hw.clock_hz; }
  constexpr double energy_j() const noexcept { return total.energy.total_pj() * 1e-12; }
  constexpr double compute_energy_j() const noexcept { return total.energy.compute_pj * 1e-12; }
  constexpr double sram_energy_j() const noexcept { return total.energy.sram_pj * 1e-12; }
  constexpr double dram_energy_j() const noexcept { return total.energy.dram_pj * 1e-12; }
  /// Average DRAM bandwidth over the whole inference (bytes per second).
  constexpr double dram_bytes_per_s() const noexcept {
    return total.cycles() == 0 ? 0.0 : total.dram_bytes() / latency_s();
  }
  /// Bandwidth the busiest layer needs for its transfers to overlap its compute.
  constexpr double required_dram_bytes_per_s() const noexcept { return peak_dram_bytes_per_cycle * hw.clock_hz; }
  constexpr double utilization() const noexcept { return total.utilization; }

  /// One row per layer and a "total" row; shortest round-trip numbers, SI units.
  std::string csv() const;
};

namespace detail {
inline std::string num(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
inline std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + '"';
}
inline void csv_row(std::ostringstream& os, const layer_cost& l, double clock_hz) {
  os << csv_field(l.name ? l.name : "") << ',' << l.cycles() << ',' << l.compute_cycles << ','
     << l.eltwise_cycles << ',' << l.stall_cycles << ',' << num(double(l.cycles()) / clock_hz) << ','
     << num(100 * l.utilization) << ',' << num(100 * l.mapping_eff) << ',' << num(100 * l.compute_util) << ','
     << num(l.dense_macs) << ',' << num(l.macs) << ',' << l.weight_bytes << ',' << num(l.sram.total()) << ','
     << num(l.dram_read) << ',' << num(l.dram_write) << ',' << num(l.energy.compute_pj * 1e-12) << ','
     << num(l.energy.sram_pj * 1e-12) << ',' << num(l.energy.dram_pj * 1e-12) << ','
     << num(l.energy.total_pj() * 1e-12) << '\n';
}
}  // namespace detail

template <std::size_t N>
std::string report<N>::csv() const {
  std::ostringstream os;
  os << "layer,cycles,compute_cycles,eltwise_cycles,stall_cycles,seconds,utilization_pct,"
        "mapping_efficiency_pct,compute_util_pct,dense_macs,macs,weight_bytes,sram_bytes,"
        "dram_read_bytes,dram_write_bytes,energy_compute_j,energy_sram_j,energy_dram_j,energy_total_j\n";
  for (const auto& l : layers) detail::csv_row(os, l, hw.clock_hz);
  detail::csv_row(os, total, hw.clock_hz);
  return os.str();
}

/// An aligned table: one line per layer and a total, then the array and the fit verdict.
template <std::size_t N>
std::ostream& operator<<(std::ostream& out, const report<N>& r) {
  std::size_t w = 5;
  for (const auto& l : r.layers) w = std::max(w, std::string_view(l.name ? l.name : "").size());
  std::ostringstream os;
  os << std::fixed;
  auto line = [&](const layer_cost& l) {
    os << std::left << std::setw(int(w)) << (l.name ? l.name : "") << std::right << std::setw(13) << l.cycles()
       << std::setprecision(3) << std::setw(12) << 1e6 * double(l.cycles()) / r.hw.clock_hz
       << std::setprecision(1) << std::setw(7) << 100 * l.utilization << std::setw(8) << 100 * l.mapping_eff
       << std::setprecision(3) << std::setw(11) << l.macs * 1e-6 << std::setw(13) << l.sram.total() / 1024
       << std::setw(13) << l.dram_bytes() / 1024 << std::setw(12) << l.energy.compute_pj * 1e-6
       << std::setw(12) << l.energy.sram_pj * 1e-6 << std::setw(12) << l.energy.dram_pj * 1e-6
       << std::setw(12) << l.energy.total_pj() * 1e-6 << '\n';
  };
  os << std::left << std::setw(int(w)) << "layer" << std::right << std::setw(13) << "cycles" << std::setw(12)
     << "time_us" << std::setw(7) << "util%" << std::setw(8) << "map%" << std::setw(11) << "MMACs"
     << std::setw(13) << "SRAM_KiB" << std::setw(13) << "DRAM_KiB" << std::setw(12) << "E_mac_uJ"
     << std::setw(12) << "E_sram_uJ" << std::setw(12) << "E_dram_uJ" << std::setw(12) << "E_uJ" << '\n';
  for (const auto& l : r.layers) line(l);
  line(r.total);
  os << "array " << r.hw.rows << 'x' << r.hw.cols << ' ' << hw::to_string(r.hw.df) << ", "
     << std::setprecision(0) << r.hw.clock_hz / 1e6 << " MHz" << (r.hw.bitfusion ? ", BitFusion" : "")
     << ", energy: " << r.energy_table << '\n';
  os << "fits: " << (r.fits ? "yes" : "no");
  if (!r.fits) os << " (" << r.reason << ": " << r.fit.need << " B > " << r.fit.have << " B)";
  os << "; weights " << r.fit.weight_bytes << " B; DRAM need " << std::setprecision(3)
     << r.required_dram_bytes_per_s() / 1e9 << " GB/s" << (r.bandwidth_ok ? "" : " (exceeds the array's DRAM bandwidth)")
     << '\n';
  return out << os.str();
}

}  // namespace ember::cost
