// A sweep as text: csv(r) (one row per point: the axes' values, cycles, latency, energy split,
// bytes, bandwidth, verdicts) and `std::cout << r` (an aligned table and the counts).
#pragma once

#include <cstddef>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>

#include "ember/cost/report.hpp"
#include "ember/cost/sweep_point.hpp"

namespace ember::cost {

/// The CSV header of a sweep: the axis names, then the cost and verdict columns.
template <std::size_t A, class Points>
std::string csv_header(const sweep_result<A, Points>& r) {
  std::string h;
  for (const char* n : r.axis_names) h += detail::csv_field(n ? n : "") + ',';
  return h + "cycles,compute_cycles,eltwise_cycles,stall_cycles,latency_s,energy_j,energy_compute_j,"
             "energy_sram_j,energy_dram_j,dense_macs,macs,weight_bytes,sram_bytes,dram_bytes,"
             "dram_bytes_per_s,utilization_pct,fits,meets_latency,meets_energy,meets_bandwidth,pass,pareto";
}

/// One CSV row per point (shortest round-trip numbers, SI units, verdicts 0/1), with header.
template <std::size_t A, class Points>
std::string csv(const sweep_result<A, Points>& r) {
  using detail::num;
  std::ostringstream os;
  os << csv_header(r) << '\n';
  for (const auto& p : r.points) {
    for (double v : p.value) os << num(v) << ',';
    const point_cost& c = p.cost;
    os << c.cycles << ',' << c.compute_cycles << ',' << c.eltwise_cycles << ',' << c.stall_cycles << ','
       << num(c.latency_s) << ',' << num(c.energy_j) << ',' << num(c.compute_energy_j) << ','
       << num(c.sram_energy_j) << ',' << num(c.dram_energy_j) << ',' << num(c.dense_macs) << ','
       << num(c.macs) << ',' << c.weight_bytes << ',' << num(c.sram_bytes) << ',' << num(c.dram_bytes) << ','
       << num(c.dram_bytes_per_s) << ',' << num(100 * c.utilization) << ',' << int(c.fits) << ','
       << int(p.meets.latency) << ',' << int(p.meets.energy) << ',' << int(p.meets.bandwidth) << ','
       << int(p.pass) << ',' << int(p.pareto) << '\n';
  }
  return os.str();
}

/// An aligned table, one line per point, then the number of passing and Pareto points.
template <std::size_t A, class Points>
std::ostream& operator<<(std::ostream& out, const sweep_result<A, Points>& r) {
  std::ostringstream os;
  for (const char* n : r.axis_names) os << std::setw(9) << (n ? n : "");
  os << std::setw(12) << "cycles" << std::setw(12) << "latency_ms" << std::setw(11) << "energy_uJ"
     << std::setw(10) << "E_mac" << std::setw(10) << "E_sram" << std::setw(10) << "E_dram" << std::setw(13)
     << "weights_KiB" << std::setw(10) << "DRAM_GB/s" << std::setw(6) << "fits" << std::setw(6) << "pass"
     << std::setw(8) << "pareto" << '\n';
  for (const auto& p : r.points) {
    for (double v : p.value) os << std::setw(9) << detail::num(v);
    const point_cost& c = p.cost;
    os << std::fixed << std::setw(12) << c.cycles << std::setprecision(4) << std::setw(12) << c.latency_s * 1e3
       << std::setprecision(2) << std::setw(11) << c.energy_j * 1e6 << std::setw(10) << c.compute_energy_j * 1e6
       << std::setw(10) << c.sram_energy_j * 1e6 << std::setw(10) << c.dram_energy_j * 1e6 << std::setprecision(1)
       << std::setw(13) << double(c.weight_bytes) / 1024 << std::setprecision(3) << std::setw(10)
       << c.dram_bytes_per_s / 1e9 << std::setw(6) << (c.fits ? "yes" : "no") << std::setw(6)
       << (p.pass ? "PASS" : "-") << std::setw(8) << (p.pareto ? "*" : "") << '\n';
    os.unsetf(std::ios::floatfield);
  }
  os << "passing: " << r.passing() << " of " << r.size() << "; Pareto front (energy vs latency, feasible "
     << "points): " << r.pareto_size() << " point" << (r.pareto_size() == 1 ? "" : "s") << '\n';
  return out << os.str();
}

}  // namespace ember::cost
