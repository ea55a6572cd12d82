// Helpers for the delta tests: random parameters for a layer and its dense twin, input
// sequences (random, drifting, sine + noise), and a layer run over a whole sequence.
#pragma once

#include <cmath>
#include <cstddef>
#include <numbers>
#include <random>
#include <span>
#include <vector>

#include "ember/dse/measure.hpp"
#include "test_support.hpp"

namespace ember::test {

/// Steps of the long-sequence tests: 10 000 in optimized builds; 2 500 in the -O0 sanitizer
/// build, where 10 000 steps of four layers take half a minute (CI time budget).
#if defined(__OPTIMIZE__)
inline constexpr std::size_t long_steps = 10000;
#else
inline constexpr std::size_t long_steps = 2500;
#endif

/// x_j(t) = sin(2 pi t / period_j + phase_j) + N(0, noise): slowly varying, like audio features.
inline std::vector<float> sine_sequence(std::size_t in, std::size_t steps, unsigned seed, float noise = 0.01f) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> phase(0.0f, 6.2831853f), period(50.0f, 400.0f);
  std::normal_distribution<float> nd(0.0f, noise);
  std::vector<float> ph(in), pe(in), xs(in * steps);
  for (std::size_t j = 0; j < in; ++j) {
    ph[j] = phase(g);
    pe[j] = period(g);
  }
  for (std::size_t t = 0; t < steps; ++t)
    for (std::size_t j = 0; j < in; ++j)
      xs[t * in + j] = std::sin(2.0f * std::numbers::pi_v<float> * float(t) / pe[j] + ph[j]) + nd(g);
  return xs;
}

/// Runs layer.step over every step of xs; returns the outputs (steps, out_size).
template <class L, class Arch = simd::native>
std::vector<float> run_steps(L& layer, const std::vector<float>& xs, Arch arch = {}) {
  constexpr std::size_t In = L::in_size, Out = L::out_size;
  const std::size_t T = xs.size() / In;
  std::vector<float> ys(T * Out);
  for (std::size_t t = 0; t < T; ++t)
    layer.step(std::span<const float, In>(xs.data() + t * In, In), std::span<float, Out>(ys.data() + t * Out, Out), arch);
  return ys;
}

inline double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::fabs(double(a[i]) - double(b[i])));
  return m;
}

}  // namespace ember::test
