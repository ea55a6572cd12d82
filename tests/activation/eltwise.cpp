// Element-wise kernels (relu, relu6, mix, lstm_cell, gru_cell): the scalar twin against
// double-precision formulas, and every vector arch against the twin.
#include <doctest/doctest.h>

#include <cmath>
#include <span>
#include <vector>

#include "activation_support.hpp"
#include "ember/kernels/eltwise.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

constexpr std::size_t sizes[] = {1, 3, 17, 64, 1000};

// Same bits on every arch: the kernels chain exact or correctly rounded ops (fused fma
// on FMA hardware) and act::pwl is bit-exact. With act::exact the vector exp/tanh differ
// from libm by a few ulp, which the gate arithmetic can grow to ~1e-6 absolute.
template <class Act>
void check_close(const std::vector<float>& got, const std::vector<float>& ref) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const bool tolerant = std::is_same_v<Act, act::exact> || !test::fused_fma;
    const bool ok = test::same_bits(got[i], ref[i]) || (tolerant && std::fabs(got[i] - ref[i]) <= 2e-6f);
    bad += !ok;
  }
  CHECK(bad == 0);
}

template <class F>
void for_archs(F f) {
  std::apply([&](auto... a) { (f(a), ...); }, test::vector_archs{});
}

}  // namespace

TEST_CASE("eltwise: relu and relu6 match their definition on every arch") {
  for (std::size_t n : sizes) {
    CAPTURE(n);
    auto x = test::random_vector(n, 10 + unsigned(n), -10.0f, 10.0f);
    x[0] = NAN;
    std::vector<float> r(n), r6(n);
    kernels::relu(x, r, simd::common{});
    kernels::relu6(x, r6, simd::common{});
    CHECK(std::isnan(r[0]));
    CHECK(std::isnan(r6[0]));
    for (std::size_t i = 1; i < n; ++i) {
      CHECK(r[i] == std::max(0.0f, x[i]));
      CHECK(r6[i] == std::min(6.0f, std::max(0.0f, x[i])));
    }
    for_archs([&](auto arch) {
      const std::string arch_name = arch.name();
      CAPTURE(arch_name);
      std::vector<float> v(n), v6 = x;
      kernels::relu(x, v, arch);
      kernels::relu6(std::span<float>(v6), arch);  // in place
      check_close<act::hard>(v, r);
      check_close<act::hard>(v6, r6);
    });
  }
}

TEST_CASE("eltwise: mix is z a + (1 - z) b") {
  for (std::size_t n : sizes) {
    CAPTURE(n);
    const auto z = test::random_vector(n, 20, 0.0f, 1.0f), a = test::random_vector(n, 21), b = test::random_vector(n, 22);
    std::vector<float> y(n);
    kernels::mix(z, a, b, y, simd::common{});
    for (std::size_t i = 0; i < n; ++i)
      CHECK(std::fabs(y[i] - (double(z[i]) * a[i] + (1.0 - z[i]) * b[i])) <= 4e-7);
    for_archs([&](auto arch) {
      std::vector<float> v = b;  // output aliasing an input
      kernels::mix(z, a, v, v, arch);
      check_close<act::hard>(v, y);
    });
  }
}

TEST_CASE_TEMPLATE("eltwise: lstm_cell follows PyTorch's LSTM equations", Act, act::exact, act::pwl<17>) {
  for (std::size_t H : sizes) {
    CAPTURE(H);
    const auto gates = test::random_vector(4 * H, 30 + unsigned(H), -4.0f, 4.0f);
    const auto c0 = test::random_vector(H, 31 + unsigned(H), -2.0f, 2.0f);
    std::vector<float> c = c0, h(H);
    kernels::lstm_cell<Act>(gates, c, h, simd::common{});
    for (std::size_t j = 0; j < H; ++j) {
      const auto sg = [](float v) { return double(Act::sigmoid(v)); };
      const auto th = [](float v) { return double(Act::tanh(v)); };
      const double cn = sg(gates[H + j]) * c0[j] + sg(gates[j]) * th(gates[2 * H + j]);
      CHECK(std::fabs(c[j] - cn) <= 1e-6);
      CHECK(std::fabs(h[j] - sg(gates[3 * H + j]) * th(c[j])) <= 1e-6);
    }
    for_archs([&](auto arch) {
      const std::string arch_name = arch.name();
      CAPTURE(arch_name);
      std::vector<float> cv = c0, hv(H);
      kernels::lstm_cell<Act>(gates, cv, hv, arch);
      check_close<Act>(cv, c);
      check_close<Act>(hv, h);
    });
  }
}

TEST_CASE_TEMPLATE("eltwise: gru_cell follows PyTorch's GRU equations", Act, act::exact, act::pwl<17>) {
  for (std::size_t H : sizes) {
    CAPTURE(H);
    const auto gx = test::random_vector(3 * H, 40 + unsigned(H), -3.0f, 3.0f);
    const auto gh = test::random_vector(3 * H, 41 + unsigned(H), -3.0f, 3.0f);
    const auto h0 = test::random_vector(H, 42 + unsigned(H));
    std::vector<float> h = h0;
    kernels::gru_cell<Act>(gx, gh, h, simd::common{});
    for (std::size_t j = 0; j < H; ++j) {
      const float r = Act::sigmoid(gx[j] + gh[j]), z = Act::sigmoid(gx[H + j] + gh[H + j]);
      const double n = Act::tanh(std::fma(r, gh[2 * H + j], gx[2 * H + j]));
      CHECK(std::fabs(h[j] - ((1.0 - z) * n + double(z) * h0[j])) <= 1e-6);
    }
    for_archs([&](auto arch) {
      const std::string arch_name = arch.name();
      CAPTURE(arch_name);
      std::vector<float> hv = h0;
      kernels::gru_cell<Act>(gx, gh, hv, arch);
      check_close<Act>(hv, h);
    });
  }
}
