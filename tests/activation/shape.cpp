// Shape of the approximations: constexpr facts about the tables (sorted breakpoints,
// error falling with N), monotonicity, and the equioscillation that certifies pwl's fit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "activation_support.hpp"
#include "ember/core/policy.hpp"

using namespace ember;

namespace {

template <class P>
constexpr bool strictly_increasing(const P& a) {
  for (std::size_t i = 1; i < a.size(); ++i)
    if (!(a[i - 1] < a[i])) return false;
  return true;
}

template <std::size_t N>
constexpr bool pwl_well_formed() {
  using P = act::pwl<N>;
  return P::knots == (N - 1) / 2 && strictly_increasing(P::tanh_breakpoints) && P::tanh_breakpoints[0] > 0 &&
         P::tanh_values.back() == 1.0 - P::max_error_tanh && strictly_increasing(P::tanh_values) &&
         P::sigmoid_breakpoints.back() == 2.0 * P::tanh_breakpoints.back() && P::max_error_tanh > 0 &&
         P::max_error_sigmoid == P::max_error_tanh / 2;
}

template <std::size_t N>
constexpr bool lut_well_formed() {
  using L = act::lut<N>;
  return strictly_increasing(L::table) && L::table.front() > 0 && L::table.back() < 1 && L::step > 0 &&
         L::max_error_tanh > 0 && L::max_error_sigmoid == L::max_error_tanh / 2;
}

}  // namespace

// Computed by the compiler: breakpoints sorted and inside (0, inf), values rising to the tail.
static_assert(pwl_well_formed<3>() && pwl_well_formed<5>() && pwl_well_formed<7>() && pwl_well_formed<9>());
static_assert(pwl_well_formed<15>() && pwl_well_formed<17>() && pwl_well_formed<31>() && pwl_well_formed<33>());
static_assert(lut_well_formed<16>() && lut_well_formed<64>() && lut_well_formed<256>() && lut_well_formed<1024>());
// More segments or entries, smaller error; the 3-segment fit beats hard tanh (0.238).
static_assert(act::pwl<3>::max_error_tanh < 1 - 0.7615941559557649);
static_assert(act::pwl<3>::max_error_tanh > act::pwl<5>::max_error_tanh &&
              act::pwl<5>::max_error_tanh > act::pwl<7>::max_error_tanh &&
              act::pwl<7>::max_error_tanh > act::pwl<9>::max_error_tanh &&
              act::pwl<9>::max_error_tanh > act::pwl<15>::max_error_tanh &&
              act::pwl<15>::max_error_tanh > act::pwl<17>::max_error_tanh &&
              act::pwl<17>::max_error_tanh > act::pwl<31>::max_error_tanh &&
              act::pwl<31>::max_error_tanh > act::pwl<33>::max_error_tanh);
static_assert(act::lut<16>::max_error_tanh > act::lut<64>::max_error_tanh &&
              act::lut<64>::max_error_tanh > act::lut<256>::max_error_tanh &&
              act::lut<256>::max_error_tanh > act::lut<1024>::max_error_tanh);
static_assert(act::pwl<3>::name == std::string_view("pwl") && act::lut<16>::name == std::string_view("lut"));
static_assert(act_policy<act::pwl<3>> && act_policy<act::pwl<33>> && act_policy<act::lut<16>>);
static_assert(std::is_same_v<policy<act::pwl<9>, quant::int8>::act, act::pwl<9>>);

TEST_CASE("activation: pwl and lut are monotone (dense grid and every float near each knot)") {
  const std::vector<float> x = test::grid(12.0, 1e-4);
  std::apply([&](auto... acts) {
    ([&]<class Act>(Act) {
      CAPTURE(test::label<Act>());
      std::size_t drops = 0;
      for (std::size_t i = 1; i < x.size(); ++i) {
        drops += Act::sigmoid(x[i]) < Act::sigmoid(x[i - 1]);
        drops += Act::tanh(x[i]) < Act::tanh(x[i - 1]);
      }
      CHECK(drops == 0);
    }(acts), ...);
  }, std::tuple_cat(test::pwl_policies{}, test::lut_policies{}));

  // Where segments meet, the two lines' float roundings could disagree: walk every float
  // in +-4096 ulp around each knot, for both functions.
  std::apply([&](auto... acts) {
    ([&]<class Act>(Act) {
      CAPTURE(test::label<Act>());
      std::size_t drops = 0;
      for (double t : Act::tanh_breakpoints) {
        for (int fn = 0; fn < 2; ++fn) {
          float v = std::nextafter(float(fn ? 2 * t : t), 0.0f);
          for (int i = 0; i < 4096; ++i) v = std::nextafter(v, 0.0f);
          float prev = fn ? Act::sigmoid(v) : Act::tanh(v);
          for (int i = 0; i < 8192; ++i) {
            v = std::nextafter(v, INFINITY);
            const float y = fn ? Act::sigmoid(v) : Act::tanh(v);
            drops += y < prev;
            prev = y;
          }
        }
      }
      CHECK(drops == 0);
    }(acts), ...);
  }, test::pwl_policies{});
}

// Optimality certificate: on x >= 0 the exact fit's error p - tanh alternates between -e
// (once inside each sloped segment, where the line is tangent to tanh - e) and +e (at
// every knot), then tends to -e along the flat tail: 2M + 1 alternations of full size,
// which no continuous odd fit with M sloped pieces per side can improve on.
TEST_CASE("activation: pwl fits equioscillate (the minimax certificate)") {
  std::apply([](auto... acts) {
    ([]<class Act>(Act) {
      CAPTURE(test::label<Act>());
      const double e = Act::max_error_tanh;
      double t0 = 0, v0 = 0;
      for (std::size_t k = 0; k < Act::knots; ++k) {
        const double t1 = Act::tanh_breakpoints[k], v1 = Act::tanh_values[k];
        CHECK(v1 - std::tanh(t1) == doctest::Approx(e).epsilon(1e-9));  // +e at the knot
        // min of the (convex) error over the segment, by golden-section search
        const auto err = [&](double x) { return v0 + (v1 - v0) * (x - t0) / (t1 - t0) - std::tanh(x); };
        double a = t0, b = t1;
        for (int i = 0; i < 200; ++i) {
          const double m1 = b - 0.618033988749895 * (b - a), m2 = a + 0.618033988749895 * (b - a);
          (err(m1) < err(m2) ? b : a) = err(m1) < err(m2) ? m2 : m1;
        }
        CHECK(err(0.5 * (a + b)) == doctest::Approx(-e).epsilon(1e-8));  // -e inside
        t0 = t1, v0 = v1;
      }
      CHECK(v0 - 1.0 == doctest::Approx(-e).epsilon(1e-12));  // the tail's limit
    }(acts), ...);
  }, test::pwl_policies{});
}
