// Multi-vector kernel Y = W X + c: every vector architecture against the scalar twin (integer
// paths bit-exact, fp32 within a rounding bound) and against one matvec per vector.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <vector>

#include "ember/kernels/matmat.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

constexpr std::size_t T = 16;  // batch capacity, as a layer's chunk

template <class Q, std::size_t R, std::size_t C>
struct fixture {
  using M = kernels::packed_matrix<matvec::dense, Q, R, C>;
  std::unique_ptr<M> W = std::make_unique<M>();
  std::vector<float> m = test::random_vector(R * C, 11 + R * 3 + C);
  std::vector<float> xs = test::random_vector(T * C, 22 + C, -2.0f, 2.0f);
  std::vector<float> bias = test::random_vector(R, 33 + R);
  fixture() {
    W->pack(m);
    for (std::size_t c = 0; c < C; ++c) xs[3 * C + c] = 0.0f;  // an all-zero vector (scale 1)
  }

  template <class Arch>
  std::vector<float> matmat(std::size_t n, Arch arch, bool with_bias = true) const {
    auto b = std::make_unique<kernels::input_batch<Q, C, T>>();
    kernels::prepare_batch(xs.data(), n, C, *b, arch);
    std::vector<float> ys(T * (R + 3), -7.0f);  // row stride R + 3: the gaps must stay untouched
    kernels::matmat(*W, *b, n, ys.data(), R + 3, with_bias ? bias.data() : nullptr, arch);
    return ys;
  }
  template <class Arch>
  std::vector<float> matvecs(std::size_t n, Arch arch, bool with_bias = true) const {
    std::vector<float> ys(T * (R + 3), -7.0f);
    kernels::input_buffer<Q, C> in;
    for (std::size_t t = 0; t < n; ++t) {
      kernels::prepare(std::span<const float, C>(xs.data() + t * C, C), in, arch);
      kernels::matvec(*W, in, ys.data() + t * (R + 3), with_bias ? bias.data() : nullptr, arch);
    }
    return ys;
  }
};

// fp32: both sides are length-C dot products in some order, |err| <= 2 (C + 1) eps sum|w x|.
template <class Q, std::size_t R, std::size_t C>
void check_close(const fixture<Q, R, C>& f, const std::vector<float>& a, const std::vector<float>& b, std::size_t n) {
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t r = 0; r < R; ++r) {
      double mag = std::fabs(f.bias[r]);
      for (std::size_t c = 0; c < C; ++c) mag += std::fabs(double(f.m[r * C + c]) * f.xs[t * C + c]);
      const std::size_t i = t * (R + 3) + r;
      CHECK(std::fabs(double(a[i]) - b[i]) <= 2.0 * double(C + 1) * 1.2e-7 * mag + 1e-30);
    }
  for (std::size_t t = 0; t < T; ++t)  // gaps between rows and unused vectors untouched
    for (std::size_t r = (t < n ? R : 0); r < R + 3; ++r) CHECK(a[t * (R + 3) + r] == -7.0f);
}

template <class Q, std::size_t R, std::size_t C>
void check_shape() {
  CAPTURE(Q::name);
  CAPTURE(R);
  CAPTURE(C);
  fixture<Q, R, C> f;
  for (const std::size_t n : {std::size_t{1}, std::size_t{5}, std::size_t{11}, T}) {
    CAPTURE(n);
    const auto ref = f.matmat(n, simd::common{});
    CHECK(ref == f.matvecs(n, simd::common{}));  // the twin is one scalar matvec per vector
    std::apply([&](auto... archs) {
      ([&](auto arch) {
        CAPTURE(arch.name());
        const auto got = f.matmat(n, arch);
        if constexpr (Q::is_integer) {
          CHECK(got == ref);                    // bit-exact: same integers, same epilogue
          CHECK(got == f.matvecs(n, arch));     // so the sequence path equals the step path
          CHECK(f.matmat(n, arch, false) == f.matmat(n, simd::common{}, false));
        } else {
          check_close(f, got, ref, n);
          check_close(f, got, f.matvecs(n, arch), n);
        }
      }(archs), ...);
    }, test::vector_archs{});
  }
}

template <class Q>
void check_all_shapes() {
  check_shape<Q, 1, 1>();
  check_shape<Q, 28, 5>();
  check_shape<Q, 17, 33>();
  check_shape<Q, 64, 64>();
  check_shape<Q, 130, 257>();
  check_shape<Q, 512, 128>();
}

}  // namespace

TEST_CASE("matmat dense f32: vector kernels match the scalar twin and per-vector matvec") {
  check_all_shapes<quant::f32>();
}
TEST_CASE("matmat dense s8: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int8>(); }
TEST_CASE("matmat dense s4 and s2: vector kernels bit-exact with the scalar twin") {
  check_all_shapes<quant::int4>();
  check_all_shapes<quant::int2>();
}
TEST_CASE("matmat dense s16: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int16>(); }
TEST_CASE("matmat dense q7 and q15: fixed-point policies") {
  check_shape<quant::fixed<8, 5>, 130, 257>();
  check_shape<quant::fixed<16, 12>, 130, 257>();
}

TEST_CASE("prepare_batch: each vector quantized exactly as prepare() does") {
  using Q = quant::int8;
  constexpr std::size_t C = 70;
  const auto xs = test::random_vector(T * C, 5);
  kernels::input_batch<Q, C, T> b;
  kernels::prepare_batch(xs.data(), T, C, b, simd::native{});
  for (std::size_t t = 0; t < T; ++t) {
    kernels::input_buffer<Q, C> in;
    kernels::prepare(std::span<const float, C>(xs.data() + t * C, C), in, simd::common{});
    CHECK(std::ranges::equal(in.q, b.v[t].q));
    CHECK(in.scale == b.v[t].scale);
    CHECK(in.sum == b.v[t].sum);
  }
}
