// Shared checks of the circulant matvec tests: the scalar twin against an fp64 product with
// the expanded matrix (and ember's dense kernel on it), every vector arch bit-exact with it.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <vector>

#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

using namespace ember;

namespace ember::test::circ {

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

}  // namespace ember::test::circ
