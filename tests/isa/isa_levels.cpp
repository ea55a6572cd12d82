// Layers compiled for one x86 level (tests/isa/CMakeLists.txt) against their scalar twins:
// what the native build (AVX-512 on CI) leaves uncompiled, and where GCC's warnings differ.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "ember/ember.hpp"

using namespace ember;

namespace {

// splitmix64 in [-0.5, 0.5): deterministic without <random>'s platform differences.
struct rng {
  std::uint64_t s;
  float operator()() noexcept {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return float((z ^ (z >> 31)) >> 40) / float(1ull << 24) - 0.5f;
  }
};

template <class L>
void fill(L& layer, rng& r) {
  for (std::size_t i = 0; i < L::params().size(); ++i) {
    std::vector<float> v(L::params()[i].count());
    for (float& x : v) x = r();
    layer.set_param(i, v);
  }
}

// 20 steps through the native vector path and through simd::common; fp32 paths differ by
// summation order only, integer paths quantize the same sums (one LSB where a rounding tie
// flips), so 1e-4 absolute on outputs of magnitude < 1 catches any wrong lane or tail.
template <class L>
void same_as_scalar() {
  static L vec, ref;  // static: layers of this size do not belong on the stack
  rng r{42};
  fill(vec, r);
  r = rng{42};
  fill(ref, r);
  std::array<float, L::in_size> x{};
  std::array<float, L::out_size> yv{}, yr{};
  double worst = 0.0;
  for (int t = 0; t < 20; ++t) {
    for (float& e : x) e = 2.0f * r();
    vec.step(x, yv);
    ref.step(x, yr, simd::common{});
    for (std::size_t i = 0; i < yv.size(); ++i) worst = std::max(worst, double(std::fabs(yv[i] - yr[i])));
  }
  INFO(L::name, " ", L::in_size, " -> ", L::out_size, ": worst |vector - scalar| = ", worst);
  CHECK(worst <= 1e-4);
}

}  // namespace

TEST_CASE("dense layers: every quantization and structure on this x86 level") {
  same_as_scalar<dense<37, 19>>();
  same_as_scalar<dense<64, 130, policy<quant::int8>>>();
  same_as_scalar<dense<64, 33, policy<quant::int4>>>();
  same_as_scalar<dense<17, 40, policy<quant::int16>>>();
  same_as_scalar<dense<100, 37, policy<matvec::circulant<4>>>>();
  same_as_scalar<dense<96, 96, policy<matvec::circulant<8>, quant::int8>>>();
  same_as_scalar<dense<128, 128, policy<matvec::block_diagonal<4>>>>();
}

TEST_CASE("recurrent layers on this x86 level") {
  same_as_scalar<lstm<16, 32>>();
  same_as_scalar<lstm<16, 32, policy<quant::int8>>>();
  same_as_scalar<gru<16, 32, policy<matvec::circulant<4>>>>();
  same_as_scalar<gru<40, 64, policy<quant::int8, act::pwl<9>>>>();
  same_as_scalar<sru<16, 16>>();
  same_as_scalar<sru<24, 48, policy<quant::int8>>>();
}
