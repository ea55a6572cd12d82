// NaN / Inf inputs to every layer, fp32 and int8, on every architecture: the behaviour
// docs/policies.md ("Non-finite inputs") states. fp32 propagates (IEEE, no checks on the hot
// path); the integer input quantizer maps a NaN element to 0 and a vector holding +-Inf to
// an infinite scale, so that step's outputs are NaN. A recurrent state, once non-finite,
// stays so until reset(), which always recovers.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "edge_support.hpp"
#include "ember/inference.hpp"

using namespace ember;

namespace {

enum class expect { all_nan, all_inf, all_finite, some_nan, some_inf, no_finite };

bool holds(expect e, const test::census& c, std::size_t n) {
  switch (e) {
    case expect::all_nan: return c.nan == n;
    case expect::all_inf: return c.inf == n;
    case expect::all_finite: return c.finite == n;
    case expect::some_nan: return c.nan > 0 && c.inf == 0 && c.finite > 0;
    case expect::some_inf: return c.inf > 0 && c.nan == 0 && c.finite > 0;
    case expect::no_finite: return c.finite == 0;
  }
  return false;
}

struct row {
  expect first;  // the first output step (its window holds the bad value)
  expect rest;   // every later step (recurrent layers: the state carries it on)
};

// T = 4 steps of input, one bad element (channel 1 of step 0). Every architecture gives the
// same classification, and after reset() the layer computes exactly what a fresh one does.
template <class L>
void check(const char* name, row on_nan, row on_inf) {
  const std::string layer = name;
  CAPTURE(layer);
  static L l, fresh;
  test::fill_params(l);
  test::fill_params(fresh);
  constexpr std::size_t T = 4;
  const std::vector<float> good = test::random_vector(T * L::in_size, 3);
  for (const bool is_nan : {true, false}) {
    CAPTURE(is_nan);
    std::vector<float> xs = good;
    xs[1] = is_nan ? std::numeric_limits<float>::quiet_NaN() : -std::numeric_limits<float>::infinity();
    const row want = is_nan ? on_nan : on_inf;
    test::for_each_arch([&](auto arch) {
      const std::string arch_name = arch.name();
      CAPTURE(arch_name);
      const auto y = test::run_layer(l, xs, arch);
      REQUIRE(y.size() >= L::out_size);
      const std::span<const float> ys(y);
      CHECK(holds(want.first, test::count(ys.first(L::out_size)), L::out_size));
      if (y.size() > L::out_size)
        CHECK(holds(want.rest, test::count(ys.subspan(L::out_size)), y.size() - L::out_size));
      // Recovery: reset() (run_layer starts with it) and a finite input give a fresh result.
      const auto after = test::run_layer(l, good, arch);
      const auto want_y = test::run_layer(fresh, good, arch);
      REQUIRE(after.size() == want_y.size());
      CHECK(std::memcmp(after.data(), want_y.data(), after.size() * sizeof(float)) == 0);
    });
  }
}

using I8 = policy<quant::int8>;
constexpr auto nan_ = expect::all_nan, fin = expect::all_finite;

}  // namespace

TEST_CASE("non-finite inputs: fp32 layers propagate NaN; +-Inf saturates gates, reaches linear outputs") {
  check<dense<8, 8>>("dense", {nan_, fin}, {expect::all_inf, fin});
  check<lstm<8, 8>>("lstm", {nan_, nan_}, {fin, fin});  // sigmoid/tanh(+-Inf) are finite
  check<lstm<8, 8, policy<act::hard>>>("lstm hard", {nan_, nan_}, {fin, fin});
  check<gru<8, 8>>("gru", {nan_, nan_}, {fin, fin});
  // SRU's highway term (1 - r) x carries x itself: 0 * Inf = NaN there.
  check<sru<8, 8>>("sru", {nan_, nan_}, {expect::no_finite, expect::no_finite});
  check<conv1d<8, 8, 3>>("conv1d", {nan_, fin}, {expect::all_inf, fin});
  check<conv2d<2, 4, 4, 4, 3>>("conv2d", {expect::some_nan, fin}, {expect::some_inf, fin});
}

TEST_CASE("non-finite inputs: int8 layers quantize NaN to 0; an Inf makes that step's outputs NaN") {
  check<dense<8, 8, I8>>("dense int8", {fin, fin}, {nan_, fin});
  check<lstm<8, 8, I8>>("lstm int8", {fin, fin}, {nan_, nan_});
  check<gru<8, 8, I8>>("gru int8", {fin, fin}, {nan_, nan_});
  // The highway term is fp32 (x itself): the NaN channel alone stays NaN in that step.
  check<sru<8, 8, I8>>("sru int8", {expect::some_nan, fin}, {nan_, nan_});
  check<conv1d<8, 8, 3, I8>>("conv1d int8", {fin, fin}, {nan_, fin});
  check<conv2d<2, 4, 4, 4, 3, I8>>("conv2d int8", {fin, fin}, {nan_, fin});
}
