// Vector activation kernels against their scalar twin on every arch of the build:
// bit-exact where the op sequence is identical (hard, pwl, lut), an ulp bound for exact.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <span>
#include <vector>

#include "activation_support.hpp"
#include "ember/kernels/eltwise.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

// hard, pwl and lut are abs/min/max/compare/select/fma/copysign/gather: every one is
// correctly rounded or exact in both paths, so scalar and vector agree bit for bit
// (given a fused vector fma, test::fused_fma).

// act::exact: xsimd's exp/tanh against libm's expf/tanhf. Measured <= 2 ulp apart on
// [-12, 12]; allowed 4 (both are few-ulp implementations of the same function), except below FLT_MIN: xsimd's exp
// flushes results that would be subnormal to 0 (sigmoid(x) for x < -87.3).
constexpr std::int64_t exact_ulp_bound = 4;

std::vector<float> inputs() {
  std::vector<float> x = test::grid(12.0, 1e-3);
  const auto wide = test::random_vector(4096, 77, -100.0f, 100.0f);
  x.insert(x.end(), wide.begin(), wide.end());
  const float inf = std::numeric_limits<float>::infinity();
  for (float s : {0.0f, -0.0f, 1e-40f, -1e-40f, 1e-20f, 88.0f, -88.0f, 1e30f, -1e30f, 3.4e38f, -3.4e38f, inf, -inf,
                  std::numeric_limits<float>::quiet_NaN()})
    x.push_back(s);
  return x;
}

template <class Act>
void check_agrees(const std::vector<float>& a, const std::vector<float>& b) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    bool ok;
    if constexpr (std::is_same_v<Act, act::exact> || !test::fused_fma) {
      ok = test::same_bits(a[i], b[i]) ||
           (std::isfinite(a[i]) && std::isfinite(b[i]) &&
            (test::ulp_distance(a[i], b[i]) <= exact_ulp_bound ||
             std::fabs(a[i] - b[i]) < std::numeric_limits<float>::min()));
    } else {
      ok = test::same_bits(a[i], b[i]);
    }
    if (!ok && bad++ < 5) MESSAGE("element " << i << ": vector " << a[i] << " vs scalar " << b[i]);
  }
  CHECK(bad == 0);
}

template <class Act>
void check_policy() {
  const std::vector<float> x = inputs();
  std::vector<float> s_ref(x.size()), t_ref(x.size());
  kernels::sigmoid<Act>(x, s_ref, simd::common{});
  kernels::tanh<Act>(x, t_ref, simd::common{});
  std::apply([&](auto... archs) {
    ([&](auto arch) {
      CAPTURE(test::label<Act>());
      const std::string arch_name = arch.name();
      CAPTURE(arch_name);
      std::vector<float> s(x.size()), t(x.size());
      kernels::sigmoid<Act>(x, s, arch);
      kernels::tanh<Act>(x, t, arch);
      check_agrees<Act>(s, s_ref);
      check_agrees<Act>(t, t_ref);
      // In place gives the same result as out of place.
      std::vector<float> io = x;
      kernels::tanh<Act>(std::span<float>(io), arch);
      check_agrees<Act>(io, t);
    }(archs), ...);
  }, test::vector_archs{});
}

}  // namespace

TEST_CASE("activation simd: exact within the ulp bound of the scalar twin") { check_policy<act::exact>(); }
TEST_CASE("activation simd: hard bit-exact with the scalar twin") { check_policy<act::hard>(); }
TEST_CASE("activation simd: pwl bit-exact with the scalar twin") {
  std::apply([](auto... p) { (check_policy<decltype(p)>(), ...); }, test::pwl_policies{});
}
TEST_CASE("activation simd: lut bit-exact with the scalar twin (gather)") {
  std::apply([](auto... p) { (check_policy<decltype(p)>(), ...); }, test::lut_policies{});
}

TEST_CASE("activation simd: lengths around the vector width, no over-read (asan)") {
  // Exactly sized heap vectors: a kernel touching element n would trip AddressSanitizer.
  for (std::size_t n : {0u, 1u, 3u, 7u, 15u, 16u, 17u, 31u, 33u, 64u, 1000u}) {
    CAPTURE(n);
    const auto x = test::random_vector(n, 500 + unsigned(n), -6.0f, 6.0f);
    std::vector<float> ref(n);
    kernels::tanh<act::pwl<9>>(x, ref, simd::common{});
    std::apply([&](auto... archs) {
      ([&](auto arch) {
        const std::string arch_name = arch.name();
      CAPTURE(arch_name);
        std::vector<float> y(n, -7.0f);
        kernels::tanh<act::pwl<9>>(x, y, arch);
        check_agrees<act::pwl<9>>(y, ref);
        std::vector<float> yl(n);
        kernels::sigmoid<act::lut<64>>(x, yl, arch);
        for (std::size_t i = 0; i < n; ++i) CHECK(test::same_bits(yl[i], act::lut<64>::sigmoid(x[i])));
      }(archs), ...);
    }, test::vector_archs{});
  }
}
