// Synthetic input sequences with a chosen delta density: after the first step, exactly
// round(z * In) inputs change (each by at least `min_change`) and the others repeat.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <vector>

namespace ember::dse {

/// A sequence of `steps` input vectors of `in` floats, row-major (steps, in).
struct delta_sequence {
  std::size_t in = 0, steps = 0;
  std::size_t changed = 0;  ///< inputs that change at every step after the first
  float min_change = 0;     ///< smallest |x_t[i] - x_{t-1}[i]| of a changed input
  std::vector<float> xs;

  /// Fraction of the inputs a delta network propagates per step (after the first).
  double density() const noexcept { return in == 0 ? 0.0 : double(changed) / double(in); }
  std::span<const float> step(std::size_t t) const noexcept { return {xs.data() + t * in, in}; }
};

/// x_0 uniform in [-1, 1]. At every later step, round(z * in) inputs drawn without
/// replacement move by d ~ U[min_change, 2 min_change] (up or down, whichever stays in
/// [-1, 1], at random when both do); the others keep their value. A delta network whose
/// threshold lies in (0, min_change] propagates exactly the moved inputs, so its input
/// delta density is round(z * in) / in. min_change is clamped to (0, 0.5] (so a move of
/// 2 min_change always fits the range); z to [0, 1]. Deterministic for a given seed.
inline delta_sequence make_delta_sequence(std::size_t in, std::size_t steps, double z, std::uint64_t seed,
                                          float min_change = 0.25f) {
  delta_sequence s{};
  s.in = in;
  s.steps = steps;
  s.min_change = std::clamp(min_change, 1e-6f, 0.5f);
  const double zc = std::clamp(std::isnan(z) ? 0.0 : z, 0.0, 1.0);
  s.changed = std::min(in, static_cast<std::size_t>(std::lround(zc * double(in))));
  s.xs.resize(in * steps);
  if (in == 0 || steps == 0) return s;
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f), move(s.min_change, 2 * s.min_change);
  std::bernoulli_distribution coin(0.5);
  for (std::size_t i = 0; i < in; ++i) s.xs[i] = unit(g);
  std::vector<std::size_t> order(in);
  for (std::size_t t = 1; t < steps; ++t) {
    float* x = s.xs.data() + t * in;
    const float* prev = x - in;
    std::copy(prev, prev + in, x);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), g);
    for (std::size_t j = 0; j < s.changed; ++j) {
      const std::size_t i = order[j];
      const float d = move(g);
      const bool up_ok = prev[i] + d <= 1.0f, down_ok = prev[i] - d >= -1.0f;
      const bool up = up_ok && (!down_ok || coin(g));
      x[i] = up ? prev[i] + d : prev[i] - d;
    }
  }
  return s;
}

}  // namespace ember::dse
