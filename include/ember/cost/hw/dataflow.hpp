// Systolic-array dataflows (output / weight / input stationary) and SCALE-Sim v2's
// fold plan: how a GEMM is cut into array-sized folds and how long each fold runs.
#pragma once

#include <cstdint>
#include <limits>

namespace ember::hw {

/// Which operand stays in the PEs: outputs (OS), weights (WS) or inputs (IS).
enum class dataflow : std::uint8_t { os, ws, is };

constexpr const char* to_string(dataflow d) noexcept {
  return d == dataflow::os ? "os" : d == dataflow::ws ? "ws" : "is";
}

namespace detail {
constexpr std::uint64_t sat_max = std::numeric_limits<std::uint64_t>::max();
/// a * b, saturating (a cost that overflows 64 bits is "infinite", never wrapped).
constexpr std::uint64_t mul_sat(std::uint64_t a, std::uint64_t b) noexcept {
  if (a == 0 || b == 0) return 0;
  return a > sat_max / b ? sat_max : a * b;
}
constexpr std::uint64_t add_sat(std::uint64_t a, std::uint64_t b) noexcept {
  return a > sat_max - b ? sat_max : a + b;
}
constexpr std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) noexcept {
  return a / b + (a % b != 0);
}
}  // namespace detail

/// SCALE-Sim v2's view of one GEMM (M x K) * (K x N) on a Rows x Cols array
/// (scalesim/compute/systolic_compute_{os,ws,is}.py). Sr x Sc is the operand laid
/// over the array, T the length streamed through it:
///   OS: Sr = M, Sc = N, T = K     WS: Sr = K, Sc = N, T = M     IS: Sr = K, Sc = M, T = N
/// Each fold is one Rows x Cols tile of Sr x Sc. Its demand matrices have
///   OS: T + Rows + Cols - 2 lines (T - 1 waiting + Rows drain rows, skewed by Cols - 1)
///   WS/IS: 2 Rows + Cols + T - 2 lines (Rows to load the stationary tile, T to stream,
///          Cols - 1 to drain, skewed by Rows - 1)
/// and "Total Cycles" is the index of the last line: folds * lines - 1 (no stalls).
struct fold_plan {
  std::uint64_t rows = 0, cols = 0;       ///< array shape
  std::uint64_t sr = 0, sc = 0, t = 0;    ///< spatial rows, spatial cols, temporal length
  std::uint64_t row_folds = 0, col_folds = 0;
  std::uint64_t lines_per_fold = 0;       ///< demand-matrix lines of one fold
  std::uint64_t util_cycles_per_fold = 0; ///< the cycle count SCALE-Sim's Compute Util divides by

  constexpr std::uint64_t folds() const noexcept { return detail::mul_sat(row_folds, col_folds); }
  /// SCALE-Sim's "Total Cycles" (compute report, no stalls).
  constexpr std::uint64_t cycles() const noexcept {
    const auto lines = detail::mul_sat(folds(), lines_per_fold);
    return lines == 0 ? 0 : lines - (lines != detail::sat_max);
  }
  /// Average over folds of used PEs / all PEs ("Mapping Efficiency", 0..1).
  constexpr double mapping_efficiency() const noexcept {
    if (folds() == 0) return 0.0;
    return (double(sr) * double(sc)) / (double(rows) * double(cols) * double(folds()));
  }
  /// Average over folds of MACs / (PEs * fold cycles) ("Compute Util", 0..1).
  constexpr double compute_utilization() const noexcept {
    if (folds() == 0) return 0.0;
    return (double(sr) * double(sc) * double(t)) /
           (double(rows) * double(cols) * double(util_cycles_per_fold) * double(folds()));
  }
  /// MACs / (PEs * total cycles) ("Overall Util", 0..1).
  constexpr double overall_utilization() const noexcept {
    const auto c = cycles();
    if (c == 0) return 0.0;
    return (double(sr) * double(sc) * double(t)) / (double(c) * double(rows) * double(cols));
  }
};

/// The fold plan of GEMM (M x K) * (K x N) on a Rows x Cols array with dataflow `df`.
/// A zero dimension is an empty GEMM (no folds, no cycles).
constexpr fold_plan plan_gemm(dataflow df, std::uint64_t rows, std::uint64_t cols, std::uint64_t M,
                              std::uint64_t N, std::uint64_t K) noexcept {
  fold_plan p{};
  p.rows = rows;
  p.cols = cols;
  if (rows == 0 || cols == 0 || M == 0 || N == 0 || K == 0) return p;
  switch (df) {
    case dataflow::os: p.sr = M; p.sc = N; p.t = K; break;
    case dataflow::ws: p.sr = K; p.sc = N; p.t = M; break;
    case dataflow::is: p.sr = K; p.sc = M; p.t = N; break;
  }
  using detail::add_sat;
  p.row_folds = detail::ceil_div(p.sr, rows);
  p.col_folds = detail::ceil_div(p.sc, cols);
  if (df == dataflow::os) {
    p.lines_per_fold = add_sat(p.t, rows + cols - 2);
    p.util_cycles_per_fold = p.lines_per_fold;  // ofmap demand: (T-1+Rows) x Cols, +Cols-1
  } else {
    p.lines_per_fold = add_sat(p.t, 2 * rows + cols - 2);
    // WS counts its filter demand, IS its ifmap demand: (2 Rows + Cols + T - 2) lines
    // x Cols columns before skew, so Compute Util divides by that + Cols - 1.
    p.util_cycles_per_fold = add_sat(p.t, 2 * rows + 2 * cols - 3);
  }
  return p;
}

}  // namespace ember::hw
