// Shared fixture of the dense matvec tests: every vector architecture against the scalar
// twin (integer paths bit-exact, fp32 within a rounding bound), the twin against fp64.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <tuple>
#include <vector>

#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

namespace ember::test {


template <class Q, std::size_t R, std::size_t C>
struct fixture {
  using M = kernels::packed_matrix<matvec::dense, Q, R, C>;
  std::unique_ptr<M> W = std::make_unique<M>();
  std::vector<float> m = test::random_vector(R * C, 1000 + R * 7 + C);
  std::vector<float> x = test::random_vector(C, 2000 + C);
  std::vector<float> bias = test::random_vector(R, 3000 + R);
  kernels::quant_report report = W->pack(m);

  template <class Arch>
  std::vector<float> run(Arch arch, bool with_bias = true) const {
    kernels::input_buffer<Q, C> in;
    std::vector<float> y(R, -7.0f);
    kernels::prepare(std::span<const float, C>(x.data(), C), in, arch);
    kernels::matvec(*W, in, y.data(), with_bias ? bias.data() : nullptr, arch);
    return y;
  }
};

// fp32 rounding bound for a length-C dot product in any summation order:
// |err| <= C * eps * sum |w x| (first-order, with margin).
template <std::size_t R, std::size_t C>
void check_f32_close(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& m,
                     const std::vector<float>& x, const std::vector<float>& bias) {
  for (std::size_t r = 0; r < R; ++r) {
    double mag = std::fabs(bias[r]);
    for (std::size_t c = 0; c < C; ++c) mag += std::fabs(double(m[r * C + c]) * x[c]);
    const double tol = 2.0 * double(C + 1) * 1.2e-7 * mag + 1e-30;
    INFO("row " << r);
    CHECK(std::fabs(double(a[r]) - double(b[r])) <= tol);
  }
}

template <class Q, std::size_t R, std::size_t C>
void check_shape() {
  CAPTURE(Q::name);
  CAPTURE(R);
  CAPTURE(C);
  fixture<Q, R, C> f;
  const auto ref = f.run(simd::common{});
  std::apply([&](auto... archs) {
    ([&](auto arch) {
      CAPTURE(arch.name());
      const auto got = f.run(arch);
      if constexpr (Q::is_integer) {
        CHECK(std::ranges::equal(got, ref));  // bit-exact: same integers, same epilogue
        const auto got0 = f.run(arch, false);
        CHECK(std::ranges::equal(got0, f.run(simd::common{}, false)));
      } else {
        check_f32_close<R, C>(got, ref, f.m, f.x, f.bias);
      }
    }(archs), ...);
  }, test::vector_archs{});

  // The twin against an independent fp64 reference on the same (dequantized) operands.
  kernels::input_buffer<Q, C> in;
  kernels::prepare(std::span<const float, C>(f.x.data(), C), in, simd::common{});
  for (std::size_t r = 0; r < R; ++r) {
    double s = f.bias[r], mag = std::fabs(f.bias[r]);
    for (std::size_t c = 0; c < C; ++c) {
      double xv;
      if constexpr (Q::is_integer) xv = double(in.q[c]) * in.scale;
      else xv = f.x[c];
      s += double(f.W->at(r, c)) * xv;
      mag += std::fabs(double(f.W->at(r, c)) * xv);
    }
    CHECK(std::fabs(s - ref[r]) <= 2.0 * double(C + 1) * 1.2e-7 * mag + 1e-6 * mag + 1e-30);
  }
}

template <class Q>
void check_all_shapes() {
  check_shape<Q, 1, 1>();
  check_shape<Q, 3, 3>();
  check_shape<Q, 17, 17>();
  check_shape<Q, 64, 64>();
  check_shape<Q, 1, 1000>();
  check_shape<Q, 1000, 3>();
  check_shape<Q, 17, 64>();
  check_shape<Q, 1000, 1000>();
  check_shape<Q, 130, 257>();
}

}  // namespace ember::test
