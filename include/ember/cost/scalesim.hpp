// SCALE-Sim v2 compatibility: its topology layers as GEMMs and the COMPUTE_REPORT.csv
// row of one layer, reproduced from the fold mechanism (for the ember-cost CLI).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>

#include "ember/cost/hw/dataflow.hpp"

namespace ember::cost::scalesim {

/// One row of a SCALE-Sim topology file. GEMM rows (Layer, M, N, K) are stored the way
/// scalesim/topology_utils.py loads them: ifmap M x K, filter 1 x K, 1 channel, N filters.
struct layer {
  std::string name;
  std::uint64_t ifmap_h = 1, ifmap_w = 1, filter_h = 1, filter_w = 1;
  std::uint64_t channels = 1, num_filter = 1, stride_h = 1, stride_w = 1;

  /// SCALE-Sim counts ceil((H - F + S) / S) output rows: when the stride does not divide
  /// H - F it adds one more (partly padded) window than floor((H - F) / S) + 1.
  constexpr std::uint64_t ofmap_h() const noexcept { return (ifmap_h - filter_h + stride_h - 1) / stride_h + 1; }
  constexpr std::uint64_t ofmap_w() const noexcept { return (ifmap_w - filter_w + stride_w - 1) / stride_w + 1; }
  constexpr std::uint64_t M() const noexcept { return hw::detail::mul_sat(ofmap_h(), ofmap_w()); }
  constexpr std::uint64_t N() const noexcept { return num_filter; }
  constexpr std::uint64_t K() const noexcept { return hw::detail::mul_sat(hw::detail::mul_sat(filter_h, filter_w), channels); }

  static layer from_gemm(std::string name, std::uint64_t M, std::uint64_t N, std::uint64_t K) {
    layer l;
    l.name = std::move(name);
    l.ifmap_h = M;
    l.ifmap_w = K;
    l.filter_w = K;
    l.num_filter = N;
    return l;
  }
};

/// The columns of SCALE-Sim's COMPUTE_REPORT.csv for one layer.
struct compute_row {
  std::uint64_t total_cycles = 0, stall_cycles = 0;
  double overall_util_pct = 0, mapping_eff_pct = 0, compute_util_pct = 0;
};

/// Reproduces SCALE-Sim's per-layer compute report: cycles from the fold plan; the two
/// averages summed fold by fold in its loop order (column folds outer, row folds inner)
/// so that the doubles round as its Python loop does (exact up to 2^24 folds, beyond
/// that the closed form, equal to the last bit or two). Stall cycles are 0: this is the
/// compute model (SCALE-Sim with SRAMs large enough not to stall).
inline compute_row compute_report(hw::dataflow df, std::uint64_t rows, std::uint64_t cols, std::uint64_t M,
                                  std::uint64_t N, std::uint64_t K) {
  const hw::fold_plan p = hw::plan_gemm(df, rows, cols, M, N, K);
  compute_row r{};
  r.total_cycles = p.cycles();
  if (r.total_cycles == 0) return r;
  const double pes = double(rows) * double(cols);
  r.overall_util_pct = (double(M) * double(N) * double(K) * 100.0) / (double(r.total_cycles) * pes);
  if (p.folds() <= (std::uint64_t(1) << 24)) {
    double map_sum = 0, util_sum = 0;
    const double util_den = pes * double(p.util_cycles_per_fold);
    for (std::uint64_t fc = 0; fc < p.col_folds; ++fc) {
      const std::uint64_t cu = p.sc - fc * cols < cols ? p.sc - fc * cols : cols;
      for (std::uint64_t fr = 0; fr < p.row_folds; ++fr) {
        const std::uint64_t ru = p.sr - fr * rows < rows ? p.sr - fr * rows : rows;
        map_sum += double(ru * cu) / pes;
        util_sum += double(ru * cu * p.t) / util_den;
      }
    }
    r.mapping_eff_pct = map_sum / double(p.folds()) * 100.0;
    r.compute_util_pct = util_sum / double(p.folds()) * 100.0;
  } else {
    r.mapping_eff_pct = p.mapping_efficiency() * 100.0;
    r.compute_util_pct = p.compute_utilization() * 100.0;
  }
  return r;
}

/// Python's repr() of a float (what SCALE-Sim's str(x) writes): shortest round-trip
/// digits, fixed notation with a ".0" for exponents -4..15, else d.ddde+XX.
inline std::string python_float(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, res.ptr);
  std::string sign;
  if (!s.empty() && s[0] == '-') { sign = "-"; s.erase(0, 1); }
  if (s == "inf" || s == "nan") return sign + s;
  const auto e = s.find('e');
  std::string digits = s.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  int exp10 = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exp10);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (digits == "0") return sign + "0.0";
  const int decpt = exp10 + 1;  // value = 0.digits * 10^decpt
  if (decpt > -4 && decpt <= 16) {
    std::string out;
    if (decpt <= 0) {
      out = "0." + std::string(std::size_t(-decpt), '0') + digits;
    } else if (std::size_t(decpt) >= digits.size()) {
      out = digits + std::string(std::size_t(decpt) - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, std::size_t(decpt)) + "." + digits.substr(std::size_t(decpt));
    }
    return sign + out;
  }
  std::string mant = digits.substr(0, 1);
  if (digits.size() > 1) mant += "." + digits.substr(1);
  const int x = decpt - 1;
  std::string ex = std::to_string(x < 0 ? -x : x);
  if (ex.size() < 2) ex = "0" + ex;
  return sign + mant + "e" + (x < 0 ? "-" : "+") + ex;
}

}  // namespace ember::cost::scalesim
