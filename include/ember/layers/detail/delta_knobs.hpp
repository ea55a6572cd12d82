// Run-time knobs and statistics of skip::delta layers, written once over a visitor of the
// layer's (projection, input, is_hidden) triples: thresholds, grids, propagation counts.
#pragma once

#include <cstddef>

#include "ember/kernels/delta_stats.hpp"

namespace ember::detail {

/// Theta_x for the layer's own input, Theta_h for hidden-state inputs. Both are checked
/// before either is set: a negative or NaN threshold changes nothing and returns false.
template <class Visit>
bool set_delta_thresholds(Visit&& visit, float theta_x, float theta_h) noexcept {
  if (!(theta_x >= 0.0f) || !(theta_h >= 0.0f)) return false;
  visit([&](auto&, auto& in, bool hidden) { in.set_threshold(hidden ? theta_h : theta_x); });
  return true;
}

/// Integer grids (symmetric<W, A> policies): x in [-x_range, x_range], hidden states in
/// [-h_range, h_range]. Rejects non-positive or non-finite ranges (changes nothing).
template <class Visit>
bool set_delta_ranges(Visit&& visit, float x_range, float h_range) noexcept {
  const auto ok = [](float r) { return r > 0.0f && r <= 3.0e38f; };
  if (!ok(x_range) || !ok(h_range)) return false;
  visit([&](auto&, auto& in, bool hidden) { in.set_range(hidden ? h_range : x_range); });
  return true;
}

/// fp32 memories are recomputed from x-hat every `period` steps (0 = never).
template <class Visit>
void set_delta_refresh(Visit&& visit, std::size_t period) noexcept {
  visit([&](auto& p, auto&, bool) { p.set_refresh_period(period); });
}

template <class Visit>
kernels::delta_stats collect_delta_stats(Visit&& visit) noexcept {
  kernels::delta_stats s{};
  visit([&](const auto& p, const auto& in, bool hidden) {
    const double rows = double(p.rows);
    (hidden ? s.hidden : s.input) += in.counts;
    s.macs += rows * double(in.counts.propagated);
    s.dense_macs += rows * double(in.counts.columns);
    s.last_macs += rows * double(in.counts.last);
    s.last_dense_macs += rows * double(in.counts.last_columns);
  });
  return s;
}

template <class Visit>
void reset_delta_stats(Visit&& visit) noexcept {
  visit([](auto&, auto& in, bool) { in.reset_counts(); });
}

}  // namespace ember::detail
