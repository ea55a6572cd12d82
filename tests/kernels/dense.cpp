// Dense matvec kernels: every vector architecture against the scalar twin (integer
// paths bit-exact, fp32 within a rounding bound), and the twin against fp64 references.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <vector>

#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

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

}  // namespace

TEST_CASE("matvec dense f32: vector kernels match the scalar twin") { check_all_shapes<quant::f32>(); }
TEST_CASE("matvec dense s8: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int8>(); }
TEST_CASE("matvec dense s4: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int4>(); }
TEST_CASE("matvec dense s2: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int2>(); }
TEST_CASE("matvec dense s16: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int16>(); }
TEST_CASE("matvec dense q15 and q7: fixed-point policies") {
  check_all_shapes<quant::fixed<16, 12>>();
  check_all_shapes<quant::fixed<8, 5>>();
}
TEST_CASE("matvec dense s8 with 4-bit activations") { check_all_shapes<quant::symmetric<8, 4>>(); }

TEST_CASE_TEMPLATE("matvec dense: quantized result within the quantization error bound of fp32", Q,
                   quant::int8, quant::int4, quant::int2, quant::int16) {
  // |y_q - W x| <= sum_c |W - W_q| |x| + |W_q| |x - x_q| <= sum_c (s_w/2 |x_c| + |W_q| s_x/2).
  constexpr std::size_t R = 40, C = 130;
  fixture<Q, R, C> f;
  const auto y = f.run(simd::native{});
  kernels::input_buffer<Q, C> in;
  kernels::prepare(std::span<const float, C>(f.x.data(), C), in, simd::common{});
  for (std::size_t r = 0; r < R; ++r) {
    double exact = f.bias[r], bound = 0;
    for (std::size_t c = 0; c < C; ++c) {
      exact += double(f.m[r * C + c]) * f.x[c];
      bound += 0.5 * f.W->scale[r] * std::fabs(f.x[c]) + std::fabs(f.W->at(r, c)) * 0.5 * in.scale;
    }
    CHECK(std::fabs(y[r] - exact) <= bound * 1.001 + 1e-5);
  }
}

TEST_CASE_TEMPLATE("quantize/dequantize round trip: every weight within half an LSB", Q, quant::int8, quant::int4,
                   quant::int2, quant::int16, quant::symmetric<8, 4>) {
  constexpr std::size_t R = 33, C = 71;
  fixture<Q, R, C> f;
  double max_err_lsb = 0;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      max_err_lsb = std::max(max_err_lsb, std::fabs(double(f.m[r * C + c]) - f.W->at(r, c)) / f.W->scale[r]);
  CHECK(max_err_lsb <= 0.5 + 1e-6);
  CHECK(f.report.saturated == 0);
  CHECK(f.report.max_abs_error > 0);
  CHECK(f.report.rel_frobenius > 0);
  CHECK(f.report.rel_frobenius < (Q::weight_bits == 2 ? 0.7 : 0.1));
}

TEST_CASE("quantized matvec at the largest reduction length: exact at the int32 extremes") {
  // Every weight +qmax (offset-binary 255) against every activation -127 (and +127): the
  // VNNI intermediate sum reaches K * 255 * 127, the largest value max_reduction allows.
  using Q = quant::int8;
  constexpr std::size_t R = 16, C = Q::max_reduction;
  static_assert(C == 65536);
  using M = kernels::packed_matrix<matvec::dense, Q, R, C>;
  auto W = std::make_unique<M>();
  std::vector<float> m(R * C, 1.0f);
  for (std::size_t c = 0; c < C; ++c) m[5 * C + c] = -1.0f;  // one row at -qmax
  W->pack(m);
  for (const float sign : {-1.0f, 1.0f}) {
    std::vector<float> x(C, sign);
    auto in = std::make_unique<kernels::input_buffer<Q, C>>();
    std::vector<float> y_ref(R), y(R);
    kernels::prepare(std::span<const float, C>(x.data(), C), *in, simd::common{});
    kernels::matvec(*W, *in, y_ref.data(), nullptr, simd::common{});
    std::apply([&](auto... archs) {
      ([&](auto arch) {
        kernels::prepare(std::span<const float, C>(x.data(), C), *in, arch);
        kernels::matvec(*W, *in, y.data(), nullptr, arch);
        CHECK(std::ranges::equal(y, y_ref));
      }(archs), ...);
    }, test::vector_archs{});
    const double exact = 127.0 * 127.0 * double(C);  // |acc| per row
    const float expected = float(exact) * (W->scale[0] * in->scale);
    CHECK(y_ref[0] == doctest::Approx(sign * expected).epsilon(1e-7));
    CHECK(y_ref[5] == doctest::Approx(-sign * expected).epsilon(1e-7));
  }
}

TEST_CASE("matvec dense: c may alias y (accumulate)") {
  constexpr std::size_t R = 70, C = 33;
  fixture<quant::int8, R, C> f;
  kernels::input_buffer<quant::int8, C> in;
  kernels::prepare(std::span<const float, C>(f.x.data(), C), in, simd::native{});
  std::vector<float> y = f.bias, y2(R);
  kernels::matvec(*f.W, in, y.data(), y.data(), simd::native{});
  kernels::matvec(*f.W, in, y2.data(), f.bias.data(), simd::native{});
  CHECK(std::ranges::equal(y, y2));
}
