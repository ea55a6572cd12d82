// Helpers shared by the activation tests: the policy list, double-precision references,
// a dense grid and policy labels for the error table.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "ember/activation/exact.hpp"
#include "ember/activation/hard.hpp"
#include "ember/activation/lut.hpp"
#include "ember/activation/pwl.hpp"

namespace ember::test {

// Scalar and vector paths agree bit for bit when the vector fma is fused, as std::fma
// is (x86 FMA3/AVX-512, AArch64); xsimd emulates fma with two roundings elsewhere.
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
inline constexpr bool fused_fma = true;
#else
inline constexpr bool fused_fma = false;
#endif

using pwl_policies = std::tuple<act::pwl<3>, act::pwl<5>, act::pwl<7>, act::pwl<9>, act::pwl<15>, act::pwl<17>,
                                act::pwl<31>, act::pwl<33>>;
using lut_policies = std::tuple<act::lut<16>, act::lut<64>, act::lut<256>, act::lut<1024>>;
using act_policies = decltype(std::tuple_cat(std::tuple<act::exact, act::hard>{}, pwl_policies{}, lut_policies{}));

template <class Act>
std::string label() {
  if constexpr (requires { Act::segments; }) return std::string("pwl<") + std::to_string(Act::segments) + ">";
  else if constexpr (requires { Act::entries; }) return std::string("lut<") + std::to_string(Act::entries) + ">";
  else return Act::name;
}

inline double ref_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double ref_tanh(double x) { return std::tanh(x); }

/// x_i = i * step for i in [-n, n], rounded to float (0 is on the grid).
inline std::vector<float> grid(double half_width, double step) {
  const auto n = static_cast<std::int64_t>(std::llround(half_width / step));
  std::vector<float> x;
  x.reserve(std::size_t(2 * n + 1));
  for (std::int64_t i = -n; i <= n; ++i) x.push_back(float(double(i) * step));
  return x;
}

/// Distance in units in the last place between two finite floats of any sign.
inline std::int64_t ulp_distance(float a, float b) {
  const auto key = [](float f) {
    const auto i = std::int64_t(std::bit_cast<std::int32_t>(f));
    return i < 0 ? std::int64_t(INT32_MIN) - i : i;  // monotone map of floats to integers
  };
  const std::int64_t d = key(a) - key(b);
  return d < 0 ? -d : d;
}

/// Same value bit for bit, or both NaN (payloads may differ between paths).
inline bool same_bits(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

}  // namespace ember::test
