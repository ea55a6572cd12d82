// Max absolute error of every activation policy on a dense grid over [-12, 12] against
// double-precision references, each within its stated bound; the table is printed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "activation_support.hpp"
#include "ember/kernels/eltwise.hpp"

using namespace ember;

namespace {

struct measured {
  double sigmoid = 0, tanh = 0;
};

// Max |f(x) - ref(x)| over the grid, f run through the element-wise kernel on Arch.
template <class Act, class Arch>
measured max_errors(const std::vector<float>& x, Arch arch) {
  std::vector<float> s(x.size()), t(x.size());
  kernels::sigmoid<Act>(x, s, arch);
  kernels::tanh<Act>(x, t, arch);
  measured m;
  for (std::size_t i = 0; i < x.size(); ++i) {
    m.sigmoid = std::max(m.sigmoid, std::fabs(double(s[i]) - test::ref_sigmoid(x[i])));
    m.tanh = std::max(m.tanh, std::fabs(double(t[i]) - test::ref_tanh(x[i])));
  }
  return m;
}

struct bound {
  double sigmoid, tanh;  // upper bounds the measurement must respect
  double attained;       // fraction of the bound the grid must reach (claims are tight)
};

// Float evaluation of a fit adds at most: the coefficients' rounding to float (relative
// 2^-24 on slopes, intercepts and knots, times |x| <= 4 at the tail) plus one rounding
// of the result (2^-24 near 1): 1.5e-7 covers both with margin.
constexpr double float_slack = 1.5e-7;

template <class Act>
bound bound_of() {
  if constexpr (std::is_same_v<Act, act::exact>) {
    // libm/xsimd tanhf and expf are within a few ulp; sigmoid = 1 / (1 + e^-x) adds two
    // roundings. 4 ulp of 1 (4 * 2^-24 = 2.4e-7) bounds both, nothing to attain.
    return {2.4e-7, 2.4e-7, 0.0};
  } else if constexpr (std::is_same_v<Act, act::hard>) {
    // clamp(x/4 + 1/2): worst at |x| = 2, 1 - sigmoid(2); clamp(x): at |x| = 1, 1 - tanh(1).
    return {1.0 - test::ref_sigmoid(2.0) + 1e-7, 1.0 - std::tanh(1.0) + 1e-7, 0.999};
  } else {
    // The constexpr fit's own error claim, plus float evaluation.
    return {Act::max_error_sigmoid + float_slack, Act::max_error_tanh + float_slack, 0.999};
  }
}

}  // namespace

TEST_CASE("activation: max error of every policy on [-12, 12] within its bound (table)") {
  const std::vector<float> x = test::grid(12.0, 1e-4);  // 240001 points
  std::string table =
      "\n| policy    | sigmoid max err | bound        | tanh max err | bound        |\n"
      "|-----------|-----------------|--------------|--------------|--------------|\n";
  std::apply([&](auto... acts) {
    ([&]<class Act>(Act) {
      const bound b = bound_of<Act>();
      const measured scalar = max_errors<Act>(x, simd::common{});
      const measured vec = max_errors<Act>(x, simd::native{});
      CAPTURE(test::label<Act>());
      CHECK(scalar.sigmoid <= b.sigmoid);
      CHECK(scalar.tanh <= b.tanh);
      CHECK(vec.sigmoid <= b.sigmoid);
      CHECK(vec.tanh <= b.tanh);
      // The claimed error is really reached (a bound far above the truth proves little).
      CHECK(scalar.sigmoid >= b.attained * (b.sigmoid - float_slack));
      CHECK(scalar.tanh >= b.attained * (b.tanh - float_slack));
      char row[160];
      std::snprintf(row, sizeof row, "| %-9s | %15.6e | %12.6e | %12.6e | %12.6e |\n", test::label<Act>().c_str(),
                    std::max(scalar.sigmoid, vec.sigmoid), b.sigmoid, std::max(scalar.tanh, vec.tanh), b.tanh);
      table += row;
    }(acts), ...);
  }, test::act_policies{});
  MESSAGE(table);
}

TEST_CASE("activation: saturation and symmetry at the ends of the real line") {
  std::apply([&](auto... acts) {
    ([&]<class Act>(Act) {
      CAPTURE(test::label<Act>());
      const bound b = bound_of<Act>();
      for (float x : {30.0f, 1e4f, 3e38f, INFINITY}) {
        CHECK(std::fabs(Act::sigmoid(x) - 1.0) <= b.sigmoid);
        CHECK(std::fabs(Act::sigmoid(-x) - 0.0) <= b.sigmoid);
        CHECK(std::fabs(Act::tanh(x) - 1.0) <= b.tanh);
        CHECK(Act::tanh(-x) == -Act::tanh(x));  // odd
      }
      for (float x : test::grid(8.0, 0.01)) {
        CHECK(Act::tanh(-x) == -Act::tanh(x));
        // sigmoid(-x) = 1 - sigmoid(x), up to each side's rounding (2 ulp of 1 each)
        CHECK(std::fabs(double(Act::sigmoid(-x)) - (1.0 - Act::sigmoid(x))) <= 2.4e-7);
      }
    }(acts), ...);
  }, test::act_policies{});
}
