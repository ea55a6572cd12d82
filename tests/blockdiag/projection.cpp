// Projection of dense matrices onto permuted block-diagonal structure: planted structure is
// found, exact structure is recognised, the unpermuted split is never beaten by less, and
// the exporter's vectors (tools/blockdiag_project.py) load without loss.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "blockdiag_support.hpp"
#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

// A matrix that is block-diagonal under random permutations, plus off-block noise of
// standard deviation `noise`; returns the energy fraction the planted blocks hold.
double planted(std::size_t R, std::size_t C, std::size_t B, float noise, unsigned seed, std::vector<float>& m) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<std::uint32_t> pr(R), pc(C);
  std::iota(pr.begin(), pr.end(), 0u);
  std::iota(pc.begin(), pc.end(), 0u);
  std::shuffle(pr.begin(), pr.end(), g);
  std::shuffle(pc.begin(), pc.end(), g);
  std::vector<std::size_t> rb(R), cb(C);
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t i = 0; i < kernels::block_extent(R, B, b); ++i) rb[pr[kernels::block_start(R, B, b) + i]] = b;
    for (std::size_t i = 0; i < kernels::block_extent(C, B, b); ++i) cb[pc[kernels::block_start(C, B, b) + i]] = b;
  }
  m.assign(R * C, 0.0f);
  double in = 0, all = 0;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      const float v = rb[r] == cb[c] ? d(g) : noise * d(g);
      m[r * C + c] = v;
      all += double(v) * v;
      in += rb[r] == cb[c] ? double(v) * v : 0.0;
    }
  return all > 0 ? in / all : 1.0;
}

template <std::size_t R, std::size_t C, std::size_t B>
void check_planted(float noise, unsigned seed) {
  CAPTURE(R);
  CAPTURE(C);
  CAPTURE(B);
  CAPTURE(noise);
  std::vector<float> m;
  const double plant = planted(R, C, B, noise, seed, m);
  using M = kernels::packed_matrix<matvec::block_diagonal<B>, quant::f32, R, C>;
  auto W = std::make_unique<M>();
  const auto rep = W->pack(m);
  const auto& p = W->projection;
  MESSAGE("planted " << plant << ", found " << p.retained_energy << ", unpermuted " << p.identity_retained
                     << ", sweeps " << p.sweeps);
  CHECK(p.retained_energy >= plant - 1e-9);
  CHECK(p.retained_energy >= p.identity_retained);
  CHECK(p.exact == (noise == 0.0f));
  CHECK(rep.rel_frobenius == doctest::Approx(std::sqrt(std::max(0.0, 1.0 - p.retained_energy))).epsilon(1e-6));
  if (noise == 0.0f)
    for (std::size_t i = 0; i < R * C; ++i) REQUIRE(W->at(i / C, i % C) == m[i]);
}

}  // namespace

TEST_CASE("block_diagonal projection: exact structure is recovered without loss") {
  check_planted<64, 64, 4>(0.0f, 1);
  check_planted<100, 70, 8>(0.0f, 2);  // uneven blocks
  check_planted<256, 128, 16>(0.0f, 3);
}

TEST_CASE("block_diagonal projection: planted structure under noise is found") {
  check_planted<64, 64, 4>(0.1f, 4);
  check_planted<100, 70, 8>(0.2f, 5);
  check_planted<256, 256, 8>(0.3f, 6);
  check_planted<128, 96, 16>(0.1f, 7);
}

TEST_CASE("block_diagonal projection: unstructured matrices keep at least the unpermuted split") {
  constexpr std::size_t R = 96, C = 80, B = 4;
  using M = kernels::packed_matrix<matvec::block_diagonal<B>, quant::int8, R, C>;
  auto W = std::make_unique<M>();
  W->pack(test::random_vector(R * C, 11));
  const auto& p = W->projection;
  MESSAGE("random: found " << p.retained_energy << ", unpermuted " << p.identity_retained);
  CHECK(!p.exact);
  CHECK(p.retained_energy >= p.identity_retained);
  CHECK(p.retained_energy > 1.0 / B);  // the search improves on a random split of iid weights
  CHECK(p.retained_energy < 1.0);
}

TEST_CASE("block_diagonal projection: degenerate inputs") {
  constexpr std::size_t R = 20, C = 12, B = 4;
  using M = kernels::packed_matrix<matvec::block_diagonal<B>, quant::int4, R, C>;
  auto W = std::make_unique<M>();
  const auto zero = W->pack(std::vector<float>(R * C, 0.0f));
  CHECK(W->projection.exact);
  CHECK(W->projection.retained_energy == 1.0);
  CHECK(zero.rel_frobenius == 0.0);
  // Only a few non-zeros, in rows and columns that need not be grouped at all.
  std::vector<float> m(R * C, 0.0f);
  m[3 * C + 7] = 1.0f, m[15 * C + 2] = -2.0f, m[0 * C + 0] = 0.5f;
  W->pack(m);
  CHECK(W->projection.exact);
  CHECK(W->at(3, 7) == doctest::Approx(1.0f));
  CHECK(W->at(15, 2) == doctest::Approx(-2.0f));
  CHECK(W->at(0, 0) == doctest::Approx(0.5f));
  // Non-finite weights (loaders reject them; pack() must still terminate, ordered).
  auto bad = test::random_vector(R * C, 13);
  bad[5] = std::numeric_limits<float>::quiet_NaN();
  bad[17] = std::numeric_limits<float>::infinity();
  W->pack(bad);
  CHECK(std::isfinite(W->projection.retained_energy));
}

TEST_CASE("block_diagonal pack_permuted: given orders, invalid orders rejected") {
  constexpr std::size_t R = 10, C = 7, B = 3;
  using M = kernels::packed_matrix<matvec::block_diagonal<B>, quant::f32, R, C>;
  auto W = std::make_unique<M>();
  const auto m = test::random_vector(R * C, 12);
  std::vector<std::uint32_t> rows(R), cols(C);
  std::iota(rows.begin(), rows.end(), 0u);
  std::iota(cols.begin(), cols.end(), 0u);
  std::reverse(cols.begin(), cols.end());
  const auto rep = W->pack_permuted(rows, cols, m);
  REQUIRE(rep.has_value());
  // Block b: rows [4, 3, 3] from 0, columns [3, 2, 2] from the reversed order.
  CHECK(W->at(0, 6) == m[0 * C + 6]);
  CHECK(W->at(3, 4) == m[3 * C + 4]);
  CHECK(W->at(4, 3) == m[4 * C + 3]);
  CHECK(W->at(9, 0) == m[9 * C + 0]);
  CHECK(W->at(0, 0) == 0.0f);
  CHECK(W->at(9, 6) == 0.0f);
  CHECK(!W->projection.exact);
  auto bad = rows;
  bad[2] = 1;  // duplicate
  const auto before = W->at(0, 6);
  CHECK(!W->pack_permuted(bad, cols, m).has_value());
  CHECK(!W->pack_permuted(std::span(rows).first(R - 1), cols, m).has_value());
  CHECK(W->at(0, 6) == before);  // unchanged
}

TEST_CASE("block_diagonal: vectors exported by tools/blockdiag_project.py load without loss") {
  const auto v = test::read_projected_vector(std::string(EMBER_TEST_DATA_DIR) + "/blockdiag/linear_48x40_b4.bin");
  constexpr std::size_t R = 48, C = 40, B = 4;
  REQUIRE(v.rows == R);
  REQUIRE(v.cols == C);
  REQUIRE(v.blocks == B);
  using M = kernels::packed_matrix<matvec::block_diagonal<B>, quant::f32, R, C>;
  // 1. The projected matrix (original order, zeros off the blocks) is recognised exactly.
  auto W = std::make_unique<M>();
  const auto rep = W->pack(v.projected);
  CHECK(W->projection.exact);
  CHECK(rep.rel_frobenius == 0.0);
  for (std::size_t i = 0; i < R * C; ++i) REQUIRE(W->at(i / C, i % C) == v.projected[i]);
  // 2. The exported orders give the same matrix from the original one.
  auto Wp = std::make_unique<M>();
  REQUIRE(Wp->pack_permuted(v.row_order, v.col_order, v.original).has_value());
  for (std::size_t i = 0; i < R * C; ++i) REQUIRE(Wp->at(i / C, i % C) == v.projected[i]);
  CHECK(Wp->projection.retained_energy == doctest::Approx(v.retained).epsilon(1e-6));
  // 3. The C++ search on the original keeps about as much as the Python one (same method).
  auto Wc = std::make_unique<M>();
  Wc->pack(v.original);
  MESSAGE("tool " << v.retained << ", C++ " << Wc->projection.retained_energy << ", unpermuted "
                  << v.identity_retained);
  CHECK(Wc->projection.identity_retained == doctest::Approx(v.identity_retained).epsilon(1e-6));
  CHECK(Wc->projection.retained_energy >= 0.97 * v.retained);
  CHECK(Wc->projection.retained_energy > v.identity_retained);
}
