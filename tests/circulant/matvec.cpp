// Block-circulant matvec: the scalar twin against an fp64 product with the expanded matrix
// (and against ember's dense kernel on it), every vector arch bit-exact with the twin, and
// circulant<1> identical to dense.
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

template <std::size_t K, class Q, std::size_t R, std::size_t C>
struct fixture {
  using M = kernels::packed_matrix<matvec::circulant<K>, Q, R, C>;
  std::unique_ptr<M> W = std::make_unique<M>();
  std::vector<float> m = test::random_vector(R * C, 11 * R + C + K);
  std::vector<float> x = test::random_vector(C, 29 * C + K, -2.0f, 2.0f);
  std::vector<float> bias = test::random_vector(R, 31 * R + K);
  kernels::quant_report report = W->pack(m);

  template <class Arch>
  std::vector<float> run(Arch arch, bool with_bias = true) const {
    kernels::input_buffer<Q, C> in;
    std::vector<float> y(R, -7.0f);
    kernels::prepare(std::span<const float, C>(x.data(), C), in, arch);
    kernels::matvec(*W, in, y.data(), with_bias ? bias.data() : nullptr, arch);
    return y;
  }
  // x as the kernel sees it (dequantized for integer policies).
  std::vector<double> x_seen() const {
    kernels::input_buffer<Q, C> in;
    kernels::prepare(std::span<const float, C>(x.data(), C), in, simd::common{});
    std::vector<double> v(C);
    for (std::size_t i = 0; i < C; ++i) {
      if constexpr (Q::is_integer) v[i] = double(in.q[i]) * double(in.scale);
      else v[i] = x[i];
    }
    return v;
  }
};

// |y_r - (E x + b)_r| <= 1e-5 (|b_r| + sum_c |E_rc x_c|): componentwise relative error of
// the FFT path against fp64 on the expanded matrix E (fp32 FFT rounding is ~1e-7 of that).
template <std::size_t R, std::size_t C>
void check_against(const std::vector<float>& y, const std::vector<float>& E, const std::vector<double>& x,
                   const std::vector<float>& bias, double rel) {
  for (std::size_t r = 0; r < R; ++r) {
    double s = bias[r], mag = std::fabs(bias[r]);
    for (std::size_t c = 0; c < C; ++c) {
      s += double(E[r * C + c]) * x[c];
      mag += std::fabs(double(E[r * C + c]) * x[c]);
    }
    INFO("row " << r);
    CHECK(std::fabs(double(y[r]) - s) <= rel * mag + 1e-30);
  }
}

template <std::size_t K, class Q, std::size_t R, std::size_t C>
void check_shape() {
  CAPTURE(K);
  CAPTURE(Q::name);
  CAPTURE(R);
  CAPTURE(C);
  fixture<K, Q, R, C> f;
  std::vector<float> E(R * C);
  f.W->expand(E);
  const auto xs = f.x_seen();
  const auto ref = f.run(simd::common{});
  check_against<R, C>(ref, E, xs, f.bias, 1e-5);

  std::apply([&](auto... archs) {
    ([&](auto arch) {
      CAPTURE(arch.name());
      CHECK(std::ranges::equal(f.run(arch), ref));  // same operations in the same order
      CHECK(std::ranges::equal(f.run(arch, false), f.run(simd::common{}, false)));
    }(archs), ...);
  }, test::vector_archs{});

  if constexpr (!Q::is_integer) {  // ember's dense kernel on the expanded matrix agrees
    auto D = std::make_unique<kernels::packed_matrix<matvec::dense, quant::f32, R, C>>();
    D->pack(E);
    kernels::input_buffer<quant::f32, C> in;
    std::vector<float> yd(R);
    kernels::matvec(*D, std::span<const float, C>(f.x.data(), C), in, std::span<float, R>(yd.data(), R),
                    std::span<const float>(f.bias));
    check_against<R, C>(yd, E, xs, f.bias, 1e-5);
    double worst = 0;
    for (std::size_t r = 0; r < R; ++r) worst = std::max(worst, std::fabs(double(yd[r]) - ref[r]));
    double scale = 0;
    for (float v : yd) scale = std::max(scale, double(std::fabs(v)));
    CHECK(worst <= 1e-5 * scale + 1e-30);
  }
}

template <std::size_t K, class Q>
void check_k() {
  check_shape<K, Q, 16 * K, 16 * K>();         // one full panel, C = R
  check_shape<K, Q, 37, 53>();                 // nothing divisible by K
  check_shape<K, Q, 41 * K + 3, 9 * K - 1>();  // several panels, partial last unit and block
  check_shape<K, Q, 5 * K, 2 * K + 1>();       // 5 block rows: 8-lane panels
  check_shape<K, Q, 3 * K - 1, 70>();          // 3 block rows: 4-lane panels (scalar path)
}

}  // namespace

TEST_CASE("matvec circulant<K> f32: expanded-matrix reference, vector archs bit-exact, K = 2..8") {
  check_k<2, quant::f32>();
  check_k<4, quant::f32>();
  check_k<8, quant::f32>();
}
TEST_CASE("matvec circulant<K> f32: expanded-matrix reference, vector archs bit-exact, K = 16..64") {
  check_k<16, quant::f32>();
  check_k<32, quant::f32>();
  check_k<64, quant::f32>();
}
TEST_CASE("matvec circulant<K> s8 and s16: frequency-domain integer weights") {
  check_shape<8, quant::int8, 16 * 8, 16 * 8>();
  check_shape<4, quant::int8, 37, 53>();
  check_shape<16, quant::int8, 41 * 16 + 3, 9 * 16 - 1>();
  check_shape<64, quant::int8, 5 * 64, 130>();
  check_shape<8, quant::int16, 41 * 8 + 3, 9 * 8 - 1>();
  check_shape<32, quant::int16, 37, 53>();
  check_shape<2, quant::int4, 40, 41>();
}

TEST_CASE("matvec circulant<1> is dense: same packing, bit-identical results") {
  auto same = [](auto q_tag, auto r_c) {
    using Q = decltype(q_tag);
    constexpr std::size_t R = decltype(r_c)::value, C = R + 3;
    fixture<1, Q, R, C> f;
    auto D = std::make_unique<kernels::packed_matrix<matvec::dense, Q, R, C>>();
    const auto rep = D->pack(f.m);
    CHECK(rep.rel_frobenius == f.report.rel_frobenius);
    CHECK(std::ranges::equal(D->w, f.W->w));
    auto run_dense = [&](auto arch) {
      kernels::input_buffer<Q, C> in;
      std::vector<float> y(R);
      kernels::prepare(std::span<const float, C>(f.x.data(), C), in, arch);
      kernels::matvec(*D, in, y.data(), f.bias.data(), arch);
      return y;
    };
    CHECK(std::ranges::equal(f.run(simd::common{}), run_dense(simd::common{})));
    CHECK(std::ranges::equal(f.run(simd::native{}), run_dense(simd::native{})));
  };
  same(quant::f32{}, std::integral_constant<std::size_t, 33>{});
  same(quant::int8{}, std::integral_constant<std::size_t, 70>{});
  same(quant::int16{}, std::integral_constant<std::size_t, 17>{});
}

TEST_CASE("matvec circulant: c may alias y (accumulate)") {
  fixture<8, quant::f32, 130, 70> f;
  kernels::input_buffer<quant::f32, 70> in;
  kernels::prepare(std::span<const float, 70>(f.x.data(), 70), in, simd::native{});
  std::vector<float> y = f.bias, y2(130);
  kernels::matvec(*f.W, in, y.data(), y.data(), simd::native{});
  kernels::matvec(*f.W, in, y2.data(), f.bias.data(), simd::native{});
  CHECK(std::ranges::equal(y, y2));
}
