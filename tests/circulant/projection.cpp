// Dense -> block-circulant projection: idempotent, equal to a brute-force least-squares
// fit (full and zero-padded edge blocks), and the error pack() reports for it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <type_traits>
#include <vector>

#include "ember/core/policy.hpp"
#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

// Least squares over the in-range entries of one block by the normal equations of the
// design matrix A[(a, b), d] = [(a - b) mod K == d], solved by Gaussian elimination with
// partial pivoting; a diagonal without in-range entries gets the minimum-norm value 0.
template <std::size_t K>
std::vector<double> brute_force_block(const std::vector<float>& m, std::size_t R, std::size_t C, std::size_t bi,
                                      std::size_t bj) {
  std::vector<std::vector<double>> A;
  std::vector<double> rhs;
  for (std::size_t a = 0; a < K && bi * K + a < R; ++a)
    for (std::size_t b = 0; b < K && bj * K + b < C; ++b) {
      std::vector<double> row(K, 0.0);
      row[(a + K - b) % K] = 1.0;
      A.push_back(row);
      rhs.push_back(m[(bi * K + a) * C + bj * K + b]);
    }
  std::vector<std::vector<double>> G(K, std::vector<double>(K + 1, 0.0));
  for (std::size_t e = 0; e < A.size(); ++e)
    for (std::size_t i = 0; i < K; ++i) {
      for (std::size_t j = 0; j < K; ++j) G[i][j] += A[e][i] * A[e][j];
      G[i][K] += A[e][i] * rhs[e];
    }
  for (std::size_t i = 0; i < K; ++i)  // unused diagonal: pin it to 0
    if (G[i][i] == 0) G[i][i] = 1;
  for (std::size_t col = 0; col < K; ++col) {
    std::size_t piv = col;
    for (std::size_t r = col + 1; r < K; ++r)
      if (std::fabs(G[r][col]) > std::fabs(G[piv][col])) piv = r;
    std::swap(G[col], G[piv]);
    for (std::size_t r = 0; r < K; ++r)
      if (r != col) {
        const double f = G[r][col] / G[col][col];
        for (std::size_t j = col; j <= K; ++j) G[r][j] -= f * G[col][j];
      }
  }
  std::vector<double> w(K);
  for (std::size_t i = 0; i < K; ++i) w[i] = G[i][K] / G[i][i];
  return w;
}

double block_error(const std::vector<float>& m, std::size_t R, std::size_t C, std::size_t bi, std::size_t bj,
                   std::size_t K, const std::vector<double>& w) {
  double e = 0;
  for (std::size_t a = 0; a < K && bi * K + a < R; ++a)
    for (std::size_t b = 0; b < K && bj * K + b < C; ++b) {
      const double d = m[(bi * K + a) * C + bj * K + b] - w[(a + K - b) % K];
      e += d * d;
    }
  return e;
}

template <std::size_t K>
void check_minimal(std::size_t R, std::size_t C) {
  CAPTURE(K);
  CAPTURE(R);
  CAPTURE(C);
  const auto m = test::random_vector(R * C, unsigned(R * 131 + C * 7 + K));
  for (std::size_t bi = 0; bi * K < R; ++bi)
    for (std::size_t bj = 0; bj * K < C; ++bj) {
      const auto w = kernels::circulant_project_block<K>(m, R, C, bi, bj);
      const auto ls = brute_force_block<K>(m, R, C, bi, bj);
      std::vector<double> wv(w.begin(), w.end());
      for (std::size_t d = 0; d < K; ++d) CHECK(w[d] == doctest::Approx(ls[d]).epsilon(1e-12).scale(1.0));
      // No single-diagonal perturbation lowers the error (first-order optimality).
      const double e0 = block_error(m, R, C, bi, bj, K, wv);
      for (std::size_t d = 0; d < K; ++d)
        for (double delta : {-1e-3, 1e-3}) {
          auto wp = wv;
          wp[d] += delta;
          CHECK(block_error(m, R, C, bi, bj, K, wp) >= e0);
        }
    }
}

template <std::size_t K>
void check_idempotent(std::size_t R, std::size_t C) {
  CAPTURE(K);
  const auto m = test::random_vector(R * C, unsigned(R + C + K));
  const std::size_t n = ceil_div(R, K) * ceil_div(C, K) * K;
  std::vector<float> w(n), w2(n), E(R * C), E2(R * C);
  kernels::circulant_project<K>(m, R, C, w);
  kernels::circulant_expand<K>(w, R, C, E);
  kernels::circulant_project<K>(E, R, C, w2);
  CHECK(std::ranges::equal(w, w2));
  kernels::circulant_expand<K>(w2, R, C, E2);
  CHECK(std::ranges::equal(E, E2));
}

// The relative Frobenius error pack() reports equals the projection's, computed here
// from the projection helpers (fp32 storage adds ~1e-7).
template <std::size_t K, std::size_t R, std::size_t C>
void check_report() {
  CAPTURE(K);
  const auto m = test::random_vector(R * C, unsigned(5 * R + C));
  using M = kernels::packed_matrix<matvec::circulant<K>, quant::f32, R, C>;
  auto W = std::make_unique<M>();
  const auto rep = W->pack(m);
  std::vector<float> w(ceil_div(R, K) * ceil_div(C, K) * K), E(R * C), got(R * C);
  kernels::circulant_project<K>(m, R, C, w);
  kernels::circulant_expand<K>(w, R, C, E);
  double e2 = 0, n2 = 0, emax = 0;
  for (std::size_t i = 0; i < R * C; ++i) {
    e2 += (double(m[i]) - E[i]) * (double(m[i]) - E[i]);
    n2 += double(m[i]) * m[i];
    emax = std::max(emax, std::fabs(double(m[i]) - E[i]));
  }
  CHECK(rep.rel_frobenius == doctest::Approx(std::sqrt(e2 / n2)).epsilon(1e-5));
  CHECK(rep.max_abs_error == doctest::Approx(emax).epsilon(1e-5));
  CHECK(rep.saturated == 0);
  W->expand(got);  // the kernel's matrix is the projection, up to fp32 rounding of the spectra
  for (std::size_t i = 0; i < R * C; ++i) CHECK(std::fabs(got[i] - E[i]) <= 1e-6);
  // A block-circulant input is stored (almost) exactly.
  const auto rep2 = W->pack(E);
  CHECK(rep2.rel_frobenius < 1e-6);
}

// pack() is constexpr: a tiny circulant weight table can be built at compile time.
constexpr bool constexpr_pack() {
  kernels::packed_matrix<matvec::circulant<4>, quant::f32, 4, 8> W{};
  float m[32] = {};
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 8; ++c) m[r * 8 + c] = float(((r - c) % 4 + 4) % 4 + (c / 4) * 10);
  const auto rep = W.pack(m);
  return rep.rel_frobenius < 1e-6 && abs_value(W.at(1, 6) - 13.0f) < 1e-5f && abs_value(W.at(3, 0) - 3.0f) < 1e-5f;
}
static_assert(constexpr_pack());

// What layers rely on: any (circulant<K>, quant) pair is a packed_weights with the shared
// input_buffer, so packed_matrix<P::matvec, P::quant, R, C> works unchanged.
using P8 = policy<quant::int8, matvec::circulant<8>>;
static_assert(kernels::packed_weights<kernels::packed_matrix<P8::matvec, P8::quant, 100, 37>>);
static_assert(kernels::packed_weights<kernels::packed_matrix<matvec::circulant<64>, quant::f32, 3, 1000>>);
static_assert(std::is_same_v<kernels::input_for<kernels::packed_matrix<P8::matvec, P8::quant, 100, 37>>,
                             kernels::input_buffer<quant::int8, 37>>);
// K-fold compression once there are 16 block rows (smaller matrices use narrower panels).
static_assert(sizeof(kernels::packed_matrix<matvec::circulant<8>, quant::f32, 512, 128>) == 512 * 128 / 8 * 4);

}  // namespace

TEST_CASE("circulant projection: equals a brute-force least-squares fit, full and edge blocks") {
  check_minimal<2>(5, 3);
  check_minimal<4>(8, 12);
  check_minimal<4>(7, 9);
  check_minimal<8>(13, 21);
  check_minimal<16>(16, 5);
}

TEST_CASE("circulant projection: idempotent") {
  check_idempotent<2>(9, 7);
  check_idempotent<8>(64, 64);
  check_idempotent<8>(37, 53);
  check_idempotent<64>(130, 70);
}

TEST_CASE("circulant pack: reports the projection error; stores circulant matrices exactly") {
  check_report<4, 64, 64>();
  check_report<8, 37, 53>();
  check_report<16, 100, 300>();
  check_report<64, 130, 70>();
}

TEST_CASE_TEMPLATE("circulant pack, integer spectra: error bounded, scales per (block row, component)", Q,
                   quant::int8, quant::int16) {
  constexpr std::size_t K = 8, R = 128, C = 96;
  // An exactly block-circulant matrix, so the report measures quantization alone.
  const auto m0 = test::random_vector(R * C, 77);
  std::vector<float> w(ceil_div(R, K) * ceil_div(C, K) * K), E(R * C);
  kernels::circulant_project<K>(m0, R, C, w);
  kernels::circulant_expand<K>(w, R, C, E);
  using M = kernels::packed_matrix<matvec::circulant<K>, Q, R, C>;
  auto W = std::make_unique<M>();
  const auto rep = W->pack(E);
  CHECK(rep.saturated == 0);
  CHECK(rep.rel_frobenius > 0);
  // Spectral rounding of half a step per component, spread over K time samples: the
  // relative error stays near 1 / (2 qmax) (~0.4% for int8, ~1.5e-5 for int16).
  CHECK(rep.rel_frobenius < (Q::weight_bits == 8 ? 0.02 : 1e-4));
  // Every stored integer within [-qmax, qmax] and each (block row, component)'s largest
  // magnitude reaches qmax (the scale is the max over block columns).
  for (std::size_t bi = 0; bi < M::block_rows; ++bi)
    for (std::size_t k = 0; k < K; ++k) {
      std::int32_t amax = 0;
      const std::size_t pair = k < 2 ? k : k & ~std::size_t{1};
      for (std::size_t bj = 0; bj < M::block_cols; ++bj) {
        CHECK(std::abs(W->q(bi, bj, k)) <= Q::weight_qmax);
        amax = std::max({amax, std::abs(W->q(bi, bj, pair)), std::abs(W->q(bi, bj, pair + (k >= 2 ? 1 : 0)))});
      }
      CHECK(amax == Q::weight_qmax);
    }
}
