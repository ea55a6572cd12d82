// Degenerate sequences and tiny numbers: a zero-length forward writes nothing and leaves
// the state alone, a length-1 forward equals one step, conv1d shorter than its kernel gives
// no output; subnormal inputs give finite outputs within 1e-6 of a zero input's (fp32 and
// int8: a vector of subnormals overflows the int8 inverse scale to +Inf, which saturates).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "edge_support.hpp"
#include "ember/inference.hpp"

using namespace ember;

namespace {

// forward() batches the input projection (matrix-matrix) while step() is a matvec: fp32
// sums in another order on the vector paths, so equal within rounding (integer: exactly).
bool same_step(const std::vector<float>& a, const std::vector<float>& b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!test::close(a[i], b[i], 1e-5, 1e-6)) return false;
  return true;
}

template <class L>
void check_lengths(const char* name) {
  const std::string layer = name;
  CAPTURE(layer);
  static L a, b;
  test::fill_params(a);
  test::fill_params(b);
  const auto x = test::random_vector(3 * L::in_size, 21);
  std::vector<float> y(3 * L::out_size, -9.0f), z(3 * L::out_size, -9.0f);
  test::for_each_arch([&](auto arch) {
    const std::string arch_name = arch.name();
      CAPTURE(arch_name);
    a.reset();
    b.reset();
    std::fill(y.begin(), y.end(), -9.0f);
    // Zero-length: nothing written, and the next step is the same as without it.
    a.forward(std::span<const float>(), std::span<float>(y), arch);
    CHECK(y[0] == -9.0f);
    a.forward(std::span<const float>(x).first(L::in_size), std::span<float>(y).first(L::out_size), arch);
    // Length 1 equals one step() of a fresh layer.
    b.step(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(z.data(), L::out_size),
           arch);
    CHECK(same_step(y, z, L::out_size));
    // Output span shorter than the input: the shorter one decides the step count.
    a.reset();
    std::fill(y.begin(), y.end(), -9.0f);
    a.forward(std::span<const float>(x), std::span<float>(y).first(L::out_size), arch);
    CHECK(same_step(y, z, L::out_size));
    CHECK(y[L::out_size] == -9.0f);
  });
}

template <class L>
void check_subnormal(const char* name) {
  const std::string layer = name;
  CAPTURE(layer);
  static L l;
  test::fill_params(l);
  constexpr std::size_t T = 3;
  const float tiny = std::numeric_limits<float>::denorm_min() * 1000.0f;  // ~1.4e-42, subnormal
  REQUIRE(std::fpclassify(tiny) == FP_SUBNORMAL);
  std::vector<float> sub(T * L::in_size), zero(T * L::in_size, 0.0f);
  for (std::size_t i = 0; i < sub.size(); ++i) sub[i] = i % 2 ? tiny : -tiny;
  std::vector<float> mixed = test::random_vector(T * L::in_size, 4);
  for (std::size_t i = 0; i < mixed.size(); i += 3) mixed[i] = tiny;
  test::for_each_arch([&](auto arch) {
    const std::string arch_name = arch.name();
      CAPTURE(arch_name);
    const auto ys = test::run_layer(l, sub, arch), y0 = test::run_layer(l, zero, arch);
    REQUIRE(ys.size() == y0.size());
    for (std::size_t i = 0; i < ys.size(); ++i) {
      CHECK(std::isfinite(ys[i]));
      CHECK(std::fabs(ys[i] - y0[i]) <= 1e-6f);
    }
    for (float v : test::run_layer(l, mixed, arch)) CHECK(std::isfinite(v));
  });
}

template <class L>
void check_both(const char* name) {
  if constexpr (requires { L::out_steps(std::size_t{1}); }) {
    const std::string layer = name;  // conv1d: a sequence shorter than the kernel's reach has no output
    CAPTURE(layer);
    static L l;
    test::fill_params(l);
    const auto x = test::random_vector(L::in_size * (L::kernel_size - 1), 2);
    std::vector<float> y(8 * L::out_size, -9.0f);
    CHECK(l.forward(std::span<const float>(x), std::span<float>(y)) == 0);
    CHECK(l.forward(std::span<const float>(), std::span<float>(y)) == 0);
    CHECK(y[0] == -9.0f);
    const auto x1 = test::random_vector(L::in_size * L::kernel_size, 2);
    CHECK(l.forward(std::span<const float>(x1), std::span<float>(y)) == 1);
    CHECK(std::isfinite(y[0]));
  } else {
    check_lengths<L>(name);
  }
  check_subnormal<L>(name);
}

using I8 = policy<quant::int8>;

}  // namespace

TEST_CASE("zero-length and length-1 sequences; subnormal inputs (fp32)") {
  check_both<dense<8, 8>>("dense");
  check_both<lstm<8, 8, policy<>, 2>>("lstm x2");
  check_both<gru<8, 8>>("gru");
  check_both<sru<8, 8>>("sru");
  check_both<conv1d<8, 8, 3>>("conv1d");
  check_subnormal<conv2d<2, 4, 4, 4, 3>>("conv2d");
}

TEST_CASE("zero-length and length-1 sequences; subnormal inputs (int8)") {
  check_both<dense<8, 8, I8>>("dense int8");
  check_both<lstm<8, 8, I8, 2>>("lstm int8 x2");
  check_both<gru<8, 8, I8>>("gru int8");
  check_both<sru<8, 8, I8>>("sru int8");
  check_both<conv1d<8, 8, 3, I8>>("conv1d int8");
  check_subnormal<conv2d<2, 4, 4, 4, 3, I8>>("conv2d int8");
}
