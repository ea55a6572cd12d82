// Real FFT of size K = 1..64: against a naive fp64 DFT, round trip, constexpr use, and the
// batched drivers of every vector architecture against their scalar twin (bit-exact).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "ember/kernels/fft_batch.hpp"
#include "test_support.hpp"

using namespace ember;
namespace fft = ember::kernels::fft;

namespace {

// Naive DFT in long double, returned in ember's packed layout.
std::vector<long double> naive_packed(const std::vector<double>& x) {
  const std::size_t K = x.size();
  std::vector<std::complex<long double>> X(K / 2 + 1);
  const long double pi = 3.141592653589793238462643383279502884L;
  for (std::size_t k = 0; k <= K / 2; ++k)
    for (std::size_t n = 0; n < K; ++n)
      X[k] += (long double)x[n] * std::polar(1.0L, -2 * pi * (long double)(k * n % K) / (long double)K);
  std::vector<long double> p(K);
  p[0] = X[0].real();
  if (K == 1) return p;
  p[1] = X[K / 2].real();
  for (std::size_t k = 1; k < K / 2; ++k) {
    p[2 * k] = X[k].real();
    p[2 * k + 1] = X[k].imag();
  }
  return p;
}

double sum_abs(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += std::fabs(v);
  return s;
}

// First-order rounding bound of a radix-2 FFT: each output is a sum over log2(K) stages
// of at most 2 roundings each, applied to partial sums bounded by sum |x|.
double fft_bound(std::size_t K, double eps, double mag) {
  return (4.0 * double(std::bit_width(K)) + 4.0) * eps * mag + 1e-300;
}

template <std::size_t K>
void check_size() {
  CAPTURE(K);
  for (unsigned seed = 0; seed < 4; ++seed) {
    const auto xf = test::random_vector(K, 100 * K + seed, -2.0f, 3.0f);
    std::vector<double> xd(xf.begin(), xf.end());
    const auto ref = naive_packed(xd);
    const double mag = sum_abs(xd);

    double sd[K], td[K];
    fft::forward<K>(xd.data(), sd);
    float sf[K], tf[K];
    fft::forward<K>(xf.data(), sf);
    for (std::size_t k = 0; k < K; ++k) {
      CAPTURE(k);
      CHECK(std::fabs(sd[k] - double(ref[k])) <= fft_bound(K, 1.2e-16, mag));
      CHECK(std::fabs(sf[k] - double(ref[k])) <= fft_bound(K, 6e-8, mag));
    }
    fft::inverse<K>(sd, td);
    fft::inverse<K>(sf, tf);
    for (std::size_t n = 0; n < K; ++n) {
      CAPTURE(n);
      CHECK(std::fabs(td[n] - double(K) * xd[n]) <= double(K) * fft_bound(K, 1.2e-16, 2 * mag));
      CHECK(std::fabs(tf[n] - double(K) * xd[n]) <= double(K) * fft_bound(K, 6e-8, 2 * mag));
    }
  }
}

// The batched drivers: scalar twin against the single-block transform, and every vector
// arch bit-exact with the twin (same operations, fused multiply-adds on every path).
template <std::size_t K, class T>
void check_batched(std::size_t n) {
  CAPTURE(K);
  CAPTURE(n);
  const std::size_t blocks = (n + K - 1) / K;
  const std::size_t stride = round_up(blocks, fft::max_lanes);
  const auto r = test::random_vector(n, 7 * n + K, -100.0f, 100.0f);
  std::vector<T> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = T(std::is_same_v<T, float> ? r[i] : std::round(r[i]));
  std::vector<float> ref(K * stride, 0.0f);
  fft::forward_blocks<K>(x.data(), n, ref.data(), stride, simd::common{});
  for (std::size_t j = 0; j < blocks; ++j) {
    float t[K], s[K];
    for (std::size_t i = 0; i < K; ++i) t[i] = j * K + i < n ? float(x[j * K + i]) : 0.0f;
    fft::forward<K>(t, s);
    for (std::size_t k = 0; k < K; ++k) CHECK(ref[k * stride + j] == s[k]);
  }
  std::vector<float> yref(n, 0.0f);
  fft::inverse_blocks<K>(ref.data(), stride, n, yref.data(), simd::common{});
  for (std::size_t i = 0; i < n; ++i) CHECK(std::fabs(yref[i] - float(K) * float(x[i])) <= 1e-4 * K * 100.0 * K);
  std::apply([&](auto... archs) {
    ([&](auto arch) {
      CAPTURE(arch.name());
      std::vector<float> got(K * stride, -1.0f);
      fft::forward_blocks<K>(x.data(), n, got.data(), stride, arch);
      bool same = true;
      for (std::size_t k = 0; k < K; ++k)
        for (std::size_t j = 0; j < blocks; ++j) same = same && got[k * stride + j] == ref[k * stride + j];
      CHECK(same);
      std::vector<float> y(n + 1, -3.0f);
      fft::inverse_blocks<K>(ref.data(), stride, n, y.data(), arch);
      CHECK(std::equal(yref.begin(), yref.end(), y.begin()));
      CHECK(y[n] == -3.0f);  // nothing written past n
    }(archs), ...);
  }, test::vector_archs{});
}

template <std::size_t K>
void check_batched_all() {
  for (std::size_t n : {std::size_t(1), K, 3 * K + 1, 16 * K, 16 * K + K / 2 + 1, 37 * K, 100 * K + 3}) {
    check_batched<K, float>(n);
    check_batched<K, std::int8_t>(n);
    check_batched<K, std::int16_t>(n);
  }
}

// Usable at compile time (pack() runs the FFT in double).
constexpr bool constexpr_round_trip() {
  double x[8] = {1, -2, 3.5, 0.25, 0, 7, -1, 2}, s[8], y[8];
  fft::forward<8>(x, s);
  fft::inverse<8>(s, y);
  double err = 0;
  for (int i = 0; i < 8; ++i) err += abs_value(y[i] - 8 * x[i]);
  return s[0] == 10.75 && err < 1e-12;
}
static_assert(constexpr_round_trip());

}  // namespace

TEST_CASE("fft: constexpr twiddles agree with std::cos/std::sin") {
  for (std::size_t n : {4u, 8u, 16u, 32u, 64u})
    for (std::size_t m = 0; m <= n / 4; ++m) {
      const auto [c, s] = fft::detail::cos_sin(m, n);
      const double a = 2 * 3.141592653589793238462643383279502884L * (long double)m / (long double)n;
      CHECK(std::fabs(c - std::cos(a)) <= 2.3e-16);
      CHECK(std::fabs(s - std::sin(a)) <= 2.3e-16);
    }
}

TEST_CASE("fft: forward matches a naive DFT and inverse(forward(x)) = K x, every K") {
  check_size<1>();
  check_size<2>();
  check_size<4>();
  check_size<8>();
  check_size<16>();
  check_size<32>();
  check_size<64>();
}

TEST_CASE("fft: batched drivers, vector archs bit-exact with the scalar twin") {
  check_batched_all<1>();
  check_batched_all<2>();
  check_batched_all<4>();
  check_batched_all<8>();
  check_batched_all<16>();
  check_batched_all<32>();
  check_batched_all<64>();
}
