// Dense matvec, quantization properties (error bounds, round trip, accumulator extremes, aliasing): vector kernels against the scalar twin and fp64 references.
#include "dense_fixture.hpp"

using namespace ember;
using namespace ember::test;

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
