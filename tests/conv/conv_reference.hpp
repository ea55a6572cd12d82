// Shared checks for the convolution reference tests: reads tests/data/conv/cases.json,
// verifies that a C++ layer type matches its case, regenerates the operands and compares.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <tuple>
#include <vector>

#include "ember/ember.hpp"
#include "reference_data.hpp"
#include "test_support.hpp"

namespace conv_test {

using namespace ember;

inline const nlohmann::json& manifest() {
  static const nlohmann::json m = test::read_json("conv/cases.json");
  return m;
}

/// Every arch to run: the scalar twin first, then each vector arch of this build.
using all_archs = decltype(std::tuple_cat(std::tuple<simd::common>{}, test::vector_archs{}));

template <class F>
void for_each_arch(F&& f) {
  std::apply([&](auto... a) { (f(a), ...); }, all_archs{});
}

inline const char* quant_key(const char* name) {
  const std::string n = name;
  return n == "f32" ? "f32" : n == "s8" ? "int8" : n == "s4" ? "int4" : n == "s16" ? "int16" : "?";
}
inline const char* act_key(activation a) {
  switch (a) {
    case activation::relu: return "relu";
    case activation::relu6: return "relu6";
    case activation::sigmoid: return "sigmoid";
    case activation::tanh: return "tanh";
    default: return "none";
  }
}
inline bool pad_matches(const nlohmann::json& j, padding p) {
  if (j.is_string()) {
    return (j == "same" && p.kind == padding::mode::same) || (j == "causal" && p.kind == padding::mode::causal);
  }
  return p.kind == padding::mode::symmetric && j.get<std::size_t>() == p.amount;
}

/// The conv layer inside L (L itself, or the Conv of a conv_bn<Conv, ...>).
template <class L>
struct conv_of { using type = L; };
template <class Conv, ember::fixed_string A, ember::fixed_string B, bool CB>
struct conv_of<conv_bn<Conv, A, B, CB>> { using type = Conv; };

/// Checks the case's shape and options against the layer type Conv (plain or inside BN).
template <class Conv>
void check_config(const nlohmann::json& c, bool bn) {
  constexpr auto s = Conv::spec;
  CHECK(c["cin"] == s.in_channels);
  CHECK(c["cout"] == s.out_channels);
  CHECK(c["k"] == s.kernel);
  CHECK(c["stride"] == s.stride);
  CHECK(c["dilation"] == s.dilation);
  CHECK(c["groups"] == s.groups);
  CHECK(pad_matches(c["pad"], s.pad));
  CHECK(c["act"] == act_key(Conv::fused_activation));
  CHECK(c["actpol"] == Conv::policy_type::act::name);
  CHECK(c["quant"] == quant_key(Conv::quant_type::name));
  CHECK(c.contains("seed_bn") == bn);
  if (!bn) CHECK(c["bias"] == Conv::has_bias);
}

/// Loads the case's weights (and bias, and batch norm) into layer l.
template <class L>
void load(L& l, const nlohmann::json& c, std::size_t weight_count) {
  using Conv = typename conv_of<L>::type;
  const std::size_t cout = Conv::channels;
  const auto w = test::reference_uniform(c["seed_w"], weight_count, c["scale_w"].get<float>());
  const auto b = test::reference_uniform(c["seed_b"], cout, 0.5f);
  std::size_t i = 0;
  l.set_param(i++, w);
  if (c["bias"].get<bool>()) l.set_param(i++, b);
  if (c.contains("seed_bn")) {
    const std::uint64_t sb = c["seed_bn"];
    auto gamma = test::reference_uniform(sb, cout, 0.5f), beta = test::reference_uniform(sb + 1, cout, 0.2f);
    auto mean = test::reference_uniform(sb + 2, cout, 0.3f), var = test::reference_uniform(sb + 3, cout, 0.4f);
    for (auto& g : gamma) g += 1.0f;
    for (auto& v : var) v += 0.6f;
    for (const auto* p : {&gamma, &beta, &mean, &var}) l.set_param(i++, *p);
  }
}

inline double max_abs(const std::vector<float>& v) {
  double m = 0;
  for (float e : v) m = std::max(m, double(std::fabs(e)));
  return m;
}

/// fp32: every output within 1e-5 of the largest reference output (relative).
inline void check_f32(const std::vector<float>& y, const std::vector<float>& ref) {
  REQUIRE(y.size() == ref.size());
  const double tol = 1e-5 * max_abs(ref);
  double worst = 0;
  for (std::size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::fabs(double(y[i]) - ref[i]));
  CHECK(worst <= tol);
}

/// Quantized: output i (channel ch(i)) within one accumulator LSB lsb[ch] of the fake-quant
/// reference, plus fp32 rounding (1e-6 of the largest output).
template <class Ch>
void check_lsb(const std::vector<float>& y, const std::vector<float>& ref, const std::vector<double>& lsb, Ch ch) {
  REQUIRE(y.size() == ref.size());
  const double slack = 1e-6 * max_abs(ref);
  double worst = 0;  // in LSB
  for (std::size_t i = 0; i < y.size(); ++i)
    worst = std::max(worst, (std::fabs(double(y[i]) - ref[i]) - slack) / lsb[ch(i)]);
  CHECK(worst <= 1.0);
}

}  // namespace conv_test

namespace conv_test {

template <class L>
inline constexpr bool is_conv_bn = !std::is_same_v<typename conv_of<L>::type, L>;

/// A conv2d (or conv_bn of one) against its reference case, on every arch; the vector
/// archs also against the scalar twin (integer: bit-exact; fp32: 1e-6 of the largest).
template <class L>
void run_conv2d(const std::string& name) {
  using Conv = typename conv_of<L>::type;
  using Q = typename Conv::quant_type;
  CAPTURE(name);
  const auto& c = manifest().at(name);
  REQUIRE(c["kind"] == "conv2d");
  check_config<Conv>(c, is_conv_bn<L>);
  CHECK(c["h"] == Conv::in_height);
  CHECK(c["w"] == Conv::in_width);
  auto l = std::make_unique<L>();
  load(*l, c, Conv::params()[0].count());
  const auto x = test::reference_uniform(c["seed_x"], L::in_size);
  const auto ref = test::read_floats("conv/" + c["file"].get<std::string>());
  REQUIRE(ref.size() == L::out_size);
  std::vector<double> lsb(L::channels);
  if constexpr (Q::is_integer) {
    float amax = 0;
    for (float v : x) amax = std::max(amax, std::fabs(v));
    for (std::size_t co = 0; co < L::channels; ++co)
      lsb[co] = std::fabs(double(l->kernel().weight_scale_of(co))) * kernels::act_scale<Q>(amax);
  }
  std::vector<float> twin;
  for_each_arch([&](auto arch) {
    CAPTURE(arch.name());
    std::vector<float> y(L::out_size, std::nanf(""));
    l->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(y.data(), L::out_size), arch);
    if constexpr (Q::is_integer) {
      check_lsb(y, ref, lsb, [](std::size_t i) { return i / (L::height * L::width); });
    } else {
      check_f32(y, ref);
    }
    if (twin.empty()) {
      twin = y;
    } else if constexpr (Q::is_integer) {
      CHECK(std::ranges::equal(y, twin));
    } else {
      double d = 0;
      for (std::size_t i = 0; i < y.size(); ++i) d = std::max(d, std::fabs(double(y[i]) - twin[i]));
      CHECK(d <= 1e-6 * max_abs(twin));
    }
  });
}

/// A conv1d (or conv_bn of one) against its reference case on every arch, and step() by
/// step() against forward() (bit-exact for every policy and arch).
template <class L>
void run_conv1d(const std::string& name) {
  using Conv = typename conv_of<L>::type;
  using Q = typename Conv::quant_type;
  CAPTURE(name);
  const auto& c = manifest().at(name);
  REQUIRE(c["kind"] == "conv1d");
  check_config<Conv>(c, is_conv_bn<L>);
  const std::size_t t_in = c["t"], t_out = L::out_steps(t_in);
  auto l = std::make_unique<L>();
  load(*l, c, Conv::params()[0].count());
  const auto x = test::reference_uniform(c["seed_x"], t_in * L::in_size);
  const auto ref = test::read_floats("conv/" + c["file"].get<std::string>());
  REQUIRE(ref.size() == t_out * L::out_size);
  std::vector<double> lsb(L::channels);
  if constexpr (Q::is_integer) {
    double sx = 0;  // the coarsest frame scale
    for (std::size_t t = 0; t < t_in; ++t) {
      float amax = 0;
      for (std::size_t i = 0; i < L::in_size; ++i) amax = std::max(amax, std::fabs(x[t * L::in_size + i]));
      sx = std::max(sx, double(kernels::act_scale<Q>(amax)));
    }
    for (std::size_t co = 0; co < L::channels; ++co) lsb[co] = std::fabs(double(l->kernel().weight_scale_of(co))) * sx;
  }
  std::vector<float> twin;
  for_each_arch([&](auto arch) {
    CAPTURE(arch.name());
    std::vector<float> y(t_out * L::out_size, std::nanf(""));
    CHECK(l->forward(x, y, arch) == t_out);
    if constexpr (Q::is_integer) check_lsb(y, ref, lsb, [](std::size_t i) { return i % L::out_size; });
    else check_f32(y, ref);
    // Streaming: a causal layer emits output t at step t; others once the window is full.
    l->reset();
    std::vector<float> ys(L::out_size);
    std::size_t j = 0;
    for (std::size_t t = 0; t < t_in; ++t) {
      if (l->step(std::span<const float, L::in_size>(x.data() + t * L::in_size, L::in_size),
                  std::span<float, L::out_size>(ys.data(), L::out_size), arch)) {
        REQUIRE(j < t_out);
        CHECK(std::equal(ys.begin(), ys.end(), y.begin() + j * L::out_size));
        ++j;
      }
    }
    // Every output whose window ends inside the input is streamed (all of them when causal).
    const std::size_t pb = Conv::pad_before, reach = Conv::spec.reach();
    const std::size_t streamable = pb + t_in > reach ? (pb + t_in - 1 - reach) / Conv::stride + 1 : 0;
    CHECK(j == std::min(streamable, t_out));
    if (Conv::spec.pad.kind == padding::mode::causal) CHECK(j == t_out);
    if (twin.empty()) {
      twin = y;
    } else if constexpr (Q::is_integer) {
      CHECK(std::ranges::equal(y, twin));
    } else {
      double d = 0;
      for (std::size_t i = 0; i < y.size(); ++i) d = std::max(d, std::fabs(double(y[i]) - twin[i]));
      CHECK(d <= 1e-6 * max_abs(twin));
    }
  });
}

}  // namespace conv_test
