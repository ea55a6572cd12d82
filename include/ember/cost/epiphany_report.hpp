// Result of a streaming-tiles mapping onto an Epiphany chip: per-layer X, Y, rate, cores,
// load and time, the totals (cores, frames/s, energy), a printable table and CSV.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "ember/cost/hw/epiphany.hpp"

namespace ember::cost {

/// Which work a core group is charged per iteration (see docs/cost_model.md).
enum class streaming_load : std::uint8_t {
  per_owned_row,  ///< the Y rows it owns (default: the rate_i rows of an iteration run in parallel groups)
  per_rate_rows,  ///< rate_i rows, as unbalanced_load_i = conv_i N_i M_i rate_i / X_i is written
};

constexpr const char* to_string(streaming_load l) noexcept {
  return l == streaming_load::per_owned_row ? "per-owned-row" : "per-rate-rows";
}

/// One layer of a mapping. Pooling layers are done by their producer's cores (`fused`).
struct epiphany_layer {
  const char* name = "";
  bool is_pool = false;
  bool fused = false;            ///< pooling folded into the producing layer: no cores of its own
  unsigned bits = 0;             ///< weight precision
  std::size_t rows = 0;          ///< output rows (feature-map height)
  std::size_t rate = 1;          ///< rows per iteration: product of the strides after it
  std::size_t X = 0;             ///< cores sharing one output row (split by output channel)
  double Y = 0;                  ///< output rows per core group
  std::size_t groups = 0;        ///< ceil(rows / Y)
  std::size_t cores = 0;         ///< groups * X
  std::size_t destinations = 0;  ///< next-layer cores each output row is written to
  double conv_cycles = 0;        ///< one KxK convolution along an output row, one (in, out) pair
  double compute_cycles = 0;     ///< unbalanced load: conv * N/groups * M / X (+ fused pooling)
  double comm_cycles = 0;        ///< writing the output rows of one Y-unit to the next layer
  double load_cycles = 0;        ///< (compute + comm) * Y
  double time_s = 0;             ///< load / clock
  double macs = 0;               ///< per frame
};

template <std::size_t N>
struct epiphany_report {
  std::array<epiphany_layer, N> layers{};
  std::size_t n_layers = 0;
  hw::epiphany_params hw{};
  streaming_load load_model = streaming_load::per_owned_row;
  unsigned bits = 0;             ///< widest weight precision in the model
  std::size_t cores = 0;         ///< sum of the layers' cores
  std::size_t iterations = 0;    ///< max_i ceil(rows_i / rate_i)
  std::size_t bottleneck = 0;    ///< index of the layer with the largest load
  double max_load_cycles = 0;
  double fps = 0;                ///< 1 / (max_i time_i * max_i iterations_i)
  double macs = 0;               ///< per frame
  bool fits = false;
  const char* why = "";          ///< reason when it does not fit

  constexpr double frame_time_s() const noexcept { return fps > 0 ? 1.0 / fps : 0.0; }
  /// Every mapped core drawing the power of a core at peak FMADD efficiency (an upper bound).
  constexpr double power_w() const noexcept { return double(cores) * hw.core_power_w(); }
  constexpr double energy_per_frame_j() const noexcept { return fps > 0 ? power_w() / fps : 0.0; }
  /// Only the useful flops (2 per MAC) at peak efficiency (a lower bound).
  constexpr double compute_energy_j() const noexcept {
    return 2.0 * macs / (hw.gflops_per_watt * 1e9);
  }
  /// Useful flops per second over the peak of the mapped cores.
  constexpr double utilization() const noexcept {
    return cores == 0 ? 0.0 : 2.0 * macs * fps / (2.0 * hw.clock_hz * double(cores));
  }

  /// Per-layer CSV (pooling layers folded into their producer are listed with 0 cores).
  std::string csv() const {
    std::ostringstream os;
    os << "layer,pool,fused,bits,rows,rate,X,Y,groups,cores,destinations,conv_cycles,"
          "compute_cycles,comm_cycles,load_cycles,time_us\n";
    for (std::size_t i = 0; i < n_layers; ++i) {
      const auto& l = layers[i];
      os << l.name << ',' << l.is_pool << ',' << l.fused << ',' << l.bits << ',' << l.rows << ','
         << l.rate << ',' << l.X << ',' << l.Y << ',' << l.groups << ',' << l.cores << ','
         << l.destinations << ',' << l.conv_cycles << ',' << l.compute_cycles << ','
         << l.comm_cycles << ',' << l.load_cycles << ',' << l.time_s * 1e6 << '\n';
    }
    return os.str();
  }
  static constexpr const char* summary_csv_header() noexcept {
    return "net,bits,core_kib,cores,fps,fits,max_cores,clock_mhz,iterations,bottleneck,"
           "power_w,energy_mj,compute_energy_mj,utilization,load_model";
  }
  /// One CSV row for `net` under summary_csv_header().
  std::string summary_csv_row(std::string_view net) const {
    std::ostringstream os;
    os << net << ',' << bits << ',' << hw.core_bytes / 1024 << ',' << cores << ',' << fps << ','
       << (fits ? 1 : 0) << ',' << hw.cores << ',' << hw.clock_hz / 1e6 << ',' << iterations
       << ',' << (n_layers ? layers[bottleneck].name : "") << ',' << power_w() << ','
       << energy_per_frame_j() * 1e3 << ',' << compute_energy_j() * 1e3 << ',' << utilization()
       << ',' << to_string(load_model);
    return os.str();
  }
};

template <std::size_t N>
std::ostream& operator<<(std::ostream& os, const epiphany_report<N>& r) {
  const auto flags = os.flags();
  const auto prec = os.precision();
  os << "Epiphany streaming tiles: " << r.hw.cores << " cores x " << r.hw.core_bytes / 1024
     << " KiB (" << r.hw.generation << ") @ " << r.hw.clock_hz / 1e6 << " MHz, "
     << r.hw.reserved_bytes / 1024 << " KiB reserved per core, " << r.bits
     << "-bit weights, load model " << to_string(r.load_model) << '\n';
  os << std::left << std::setw(18) << "layer" << std::right << std::setw(6) << "X" << std::setw(6)
     << "Y" << std::setw(6) << "rate" << std::setw(6) << "rows" << std::setw(7) << "cores"
     << std::setw(14) << "compute[cyc]" << std::setw(12) << "comm[cyc]" << std::setw(13)
     << "load[cyc]" << std::setw(11) << "time[us]" << '\n';
  os << std::fixed;
  for (std::size_t i = 0; i < r.n_layers; ++i) {
    const auto& l = r.layers[i];
    os << std::left << std::setw(18) << l.name << std::right;
    if (l.fused) {
      os << "  (pooling done by its producer's cores)\n";
      continue;
    }
    os << std::setw(6) << l.X << std::setw(6) << std::setprecision(1) << l.Y << std::setw(6)
       << l.rate << std::setw(6) << l.rows << std::setw(7) << l.cores << std::setw(14)
       << std::setprecision(0) << l.compute_cycles << std::setw(12) << l.comm_cycles
       << std::setw(13) << l.load_cycles << std::setw(11) << std::setprecision(1)
       << l.time_s * 1e6 << (i == r.bottleneck ? "  <- bottleneck" : "") << '\n';
  }
  os << std::setprecision(1) << "cores " << r.cores << " of " << r.hw.cores
     << (r.fits ? " (fits)" : " (does not fit: ") << (r.fits ? "" : r.why) << (r.fits ? "" : ")")
     << ", iterations " << r.iterations << ", " << r.fps << " frames/s, "
     << std::setprecision(2) << r.power_w() << " W, " << r.energy_per_frame_j() * 1e3
     << " mJ/frame (useful flops alone " << r.compute_energy_j() * 1e3 << " mJ), utilization "
     << r.utilization() * 100 << " %\n";
  os.flags(flags);
  os.precision(prec);
  return os;
}

}  // namespace ember::cost
