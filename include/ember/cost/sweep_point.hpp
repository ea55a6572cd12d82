// One design point of a sweep (coordinates, cost summary, verdict), the limits it is checked
// against, the energy-latency Pareto front and the counts a design-space exploration reports.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "ember/cost/cost_types.hpp"
#include "ember/cost/report.hpp"

namespace ember::cost {

/// Limits a design point must meet; infinity (the default) means no limit.
struct constraints {
  double max_latency_s = std::numeric_limits<double>::infinity();
  double max_energy_j = std::numeric_limits<double>::infinity();
  /// DRAM bandwidth the busiest layer needs to overlap its transfers (bytes/s); the
  /// array's own limit (hw::dram_bytes_per_cycle) is checked too, through bandwidth_ok.
  double max_dram_bytes_per_s = std::numeric_limits<double>::infinity();
  bool require_fit = true;  ///< weights and working set resident on chip
};

/// What a sweep keeps of one estimate (report<N>::total and the verdicts).
struct point_cost {
  std::uint64_t cycles = 0, compute_cycles = 0, eltwise_cycles = 0, stall_cycles = 0;
  double latency_s = 0, energy_j = 0;
  double compute_energy_j = 0, sram_energy_j = 0, dram_energy_j = 0;
  double dense_macs = 0, macs = 0;
  std::uint64_t weight_bytes = 0;  ///< stored on chip (after quantization / circulant)
  double sram_bytes = 0, dram_bytes = 0;
  double dram_bytes_per_s = 0;     ///< required by the busiest layer (full overlap)
  double utilization = 0;
  bool fits = false;
  fit_rule fit = fit_rule::fits;
  bool bandwidth_ok = true;        ///< within the array's DRAM bandwidth, when it has one
};

template <std::size_t N>
constexpr point_cost summarize(const report<N>& r) noexcept {
  point_cost c{};
  c.cycles = r.cycles();
  c.compute_cycles = r.total.compute_cycles;
  c.eltwise_cycles = r.total.eltwise_cycles;
  c.stall_cycles = r.total.stall_cycles;
  c.latency_s = r.latency_s();
  c.energy_j = r.energy_j();
  c.compute_energy_j = r.compute_energy_j();
  c.sram_energy_j = r.sram_energy_j();
  c.dram_energy_j = r.dram_energy_j();
  c.dense_macs = r.total.dense_macs;
  c.macs = r.total.macs;
  c.weight_bytes = r.fit.weight_bytes;
  c.sram_bytes = r.total.sram.total();
  c.dram_bytes = r.total.dram_bytes();
  c.dram_bytes_per_s = r.required_dram_bytes_per_s();
  c.utilization = r.utilization();
  c.fits = r.fits;
  c.fit = r.fit.rule;
  c.bandwidth_ok = r.bandwidth_ok;
  return c;
}

/// Which limits a point meets.
struct verdict {
  bool latency = true, energy = true, bandwidth = true, fit = true;
  constexpr bool pass() const noexcept { return latency && energy && bandwidth && fit; }
  /// Meets every limit but the two the Pareto front trades against each other.
  constexpr bool feasible() const noexcept { return bandwidth && fit; }
};

constexpr verdict check(const point_cost& c, const constraints& lim) noexcept {
  verdict v{};
  v.latency = c.latency_s <= lim.max_latency_s;
  v.energy = c.energy_j <= lim.max_energy_j;
  v.bandwidth = c.bandwidth_ok && c.dram_bytes_per_s <= lim.max_dram_bytes_per_s;
  v.fit = !lim.require_fit || c.fits;
  return v;
}

/// One point of a sweep over A axes.
template <std::size_t A>
struct sweep_point {
  std::array<double, A> value{};       ///< the point's value on each axis
  std::array<std::size_t, A> index{};  ///< its position in each axis's value list
  point_cost cost{};
  verdict meets{};
  bool pass = false;
  bool pareto = false;  ///< feasible, and no feasible point is as fast and as frugal and better in one
};

/// True when a is at least as fast and as frugal as b and better in one of the two.
constexpr bool dominates(const point_cost& a, const point_cost& b) noexcept {
  return a.latency_s <= b.latency_s && a.energy_j <= b.energy_j &&
         (a.latency_s < b.latency_s || a.energy_j < b.energy_j);
}

/// Marks the energy-latency Pareto front among the feasible points (fit, bandwidth):
/// the latency and energy limits are a window on that front, not part of it.
template <std::size_t A>
constexpr void mark_pareto(std::span<sweep_point<A>> pts) noexcept {
  for (auto& p : pts) {
    p.pareto = p.meets.feasible();
    for (const auto& q : pts)
      if (p.pareto && q.meets.feasible() && dominates(q.cost, p.cost)) p.pareto = false;
  }
}

/// The points of a sweep (Points: std::array for constexpr sweeps, std::vector at run
/// time), in row-major order over the axes (the last axis fastest).
template <std::size_t A, class Points>
struct sweep_result {
  std::array<const char*, A> axis_names{};
  std::array<std::size_t, A> axis_sizes{};
  Points points{};
  constraints limits{};

  constexpr std::size_t size() const noexcept { return points.size(); }
  constexpr std::size_t passing() const noexcept {
    std::size_t n = 0;
    for (const auto& p : points) n += p.pass;
    return n;
  }
  constexpr std::size_t pareto_size() const noexcept {
    std::size_t n = 0;
    for (const auto& p : points) n += p.pareto;
    return n;
  }
  /// The axis called `name`, or A when there is none.
  constexpr std::size_t axis(std::string_view name) const noexcept {
    for (std::size_t a = 0; a < A; ++a)
      if (name == axis_names[a]) return a;
    return A;
  }
  /// Is p a point of "axis `a` alone": every other axis at its baseline (first) value?
  static constexpr bool alone(const sweep_point<A>& p, std::size_t a) noexcept {
    for (std::size_t b = 0; b < A; ++b)
      if (b != a && p.index[b] != 0) return false;
    return true;
  }
  /// Points, and passing points, where only axis `a` varies (e.g. quantization alone).
  constexpr std::size_t count_alone(std::size_t a) const noexcept {
    std::size_t n = 0;
    for (const auto& p : points) n += alone(p, a);
    return n;
  }
  constexpr std::size_t passing_alone(std::size_t a) const noexcept {
    std::size_t n = 0;
    for (const auto& p : points) n += alone(p, a) && p.pass;
    return n;
  }
  /// The point at these positions on the axes.
  constexpr const sweep_point<A>& at(const std::array<std::size_t, A>& index) const noexcept {
    std::size_t flat = 0;
    for (std::size_t a = 0; a < A; ++a) flat = flat * axis_sizes[a] + index[a];
    return points[flat];
  }
  /// Steps along one axis (to its next value: more compression when the axes are listed
  /// from the baseline on) that raise the cycles or the energy (beyond rounding). Zero
  /// means the ranking agrees with the mechanisms: more compression never costs more.
  constexpr std::size_t rank_violations() const noexcept {
    std::size_t n = 0;
    for (const auto& p : points)
      for (std::size_t a = 0; a < A; ++a) {
        if (p.index[a] + 1 >= axis_sizes[a]) continue;
        auto next = p.index;
        ++next[a];
        const point_cost& q = at(next).cost;
        n += q.cycles > p.cost.cycles || q.energy_j > p.cost.energy_j * (1 + 1e-12);
      }
    return n;
  }
};

}  // namespace ember::cost
