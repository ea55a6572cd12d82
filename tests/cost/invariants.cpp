// Properties of the fold model that must hold for any array and GEMM: monotone in M, N,
// K; a 1x1 array is the MAC count plus pipeline terms; WS(M,N,K) == IS(N,M,K); and the
// three operands' demand streams have equal length (SCALE-Sim asserts it) everywhere.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <random>

#include "ember/cost/hw/dataflow.hpp"

using namespace ember;
using hw::dataflow;

namespace {
constexpr dataflow all_flows[] = {dataflow::os, dataflow::ws, dataflow::is};

std::uint64_t cycles(dataflow df, std::uint64_t r, std::uint64_t c, std::uint64_t M, std::uint64_t N, std::uint64_t K) {
  return hw::plan_gemm(df, r, c, M, N, K).cycles();
}

/// Rows of SCALE-Sim's demand matrices for one fold, built piece by piece the way
/// systolic_compute_{os,ws,is}.py concatenate them (skew adds cols - 1 rows). Returns
/// the common length, or 0 if the ifmap, filter and ofmap streams disagree.
std::uint64_t fold_lines(dataflow df, std::uint64_t R, std::uint64_t C, std::uint64_t T) {
  auto skew = [](std::uint64_t rows, std::uint64_t cols) { return rows + cols - 1; };
  std::uint64_t i = 0, f = 0, o = 0;
  switch (df) {
    case dataflow::os: i = skew(T + C - 1, R); f = skew(T + R - 1, C); o = skew(T - 1 + R, C); break;
    case dataflow::ws: i = skew(R + T + C - 1, R); f = R + (R + C + T - 2); o = skew(2 * R - 1 + T, C); break;
    case dataflow::is: i = R + (R + C + T - 2); f = skew(R + T + C - 1, R); o = skew(2 * R - 1 + T, C); break;
  }
  return (i == f && f == o) ? i : 0;
}
}  // namespace

TEST_CASE("systolic: cycles equal the length of SCALE-Sim's demand streams, any rectangle") {
  std::mt19937_64 g(7);
  std::uniform_int_distribution<std::uint64_t> arr(1, 40), dim(1, 300);
  for (int n = 0; n < 3000; ++n) {
    const std::uint64_t R = arr(g), C = arr(g), M = dim(g), N = dim(g), K = dim(g);
    for (dataflow df : all_flows) {
      const auto p = hw::plan_gemm(df, R, C, M, N, K);
      const std::uint64_t lines = fold_lines(df, R, C, p.t);
      REQUIRE(lines != 0);
      INFO(hw::to_string(df) << ' ' << R << 'x' << C << " M=" << M << " N=" << N << " K=" << K);
      REQUIRE(p.cycles() == p.row_folds * p.col_folds * lines - 1);
    }
  }
}

TEST_CASE("systolic: cycles are monotone in M, N and K") {
  std::mt19937_64 g(11);
  std::uniform_int_distribution<std::uint64_t> arr(1, 33), dim(1, 200);
  for (int n = 0; n < 2000; ++n) {
    const std::uint64_t R = arr(g), C = arr(g), M = dim(g), N = dim(g), K = dim(g);
    for (dataflow df : all_flows) {
      const auto base = cycles(df, R, C, M, N, K);
      CHECK(cycles(df, R, C, M + 1, N, K) >= base);
      CHECK(cycles(df, R, C, M, N + 1, K) >= base);
      CHECK(cycles(df, R, C, M, N, K + 1) >= base);
    }
  }
}

TEST_CASE("systolic: a 1x1 array is the MAC count plus pipeline terms") {
  for (std::uint64_t M : {1u, 3u, 17u})
    for (std::uint64_t N : {1u, 5u, 64u})
      for (std::uint64_t K : {1u, 2u, 33u}) {
        // OS: K cycles per output, the PE never waits: M N K - 1 (last line index).
        CHECK(cycles(dataflow::os, 1, 1, M, N, K) == M * N * K - 1);
        // WS: each of the K N weights is loaded (1 cycle) then streams M inputs.
        CHECK(cycles(dataflow::ws, 1, 1, M, N, K) == K * N * (M + 1) - 1);
        // IS: each of the M K inputs is loaded then streams N weights.
        CHECK(cycles(dataflow::is, 1, 1, M, N, K) == M * K * (N + 1) - 1);
      }
}

TEST_CASE("systolic: WS on (M, N, K) equals IS on the transposed product (N, M, K)") {
  std::mt19937_64 g(3);
  std::uniform_int_distribution<std::uint64_t> arr(1, 64), dim(1, 500);
  for (int n = 0; n < 2000; ++n) {
    const std::uint64_t R = arr(g), C = arr(g), M = dim(g), N = dim(g), K = dim(g);
    // C^T = B^T A^T: the weight operand becomes the input operand.
    CHECK(cycles(dataflow::ws, R, C, M, N, K) == cycles(dataflow::is, R, C, N, M, K));
  }
}

TEST_CASE("systolic: folds, utilization and empty GEMMs") {
  const auto p = hw::plan_gemm(dataflow::os, 4, 4, 8, 256, 64);
  CHECK(p.row_folds == 2);
  CHECK(p.col_folds == 64);
  CHECK(p.mapping_efficiency() == 1.0);
  CHECK(p.compute_utilization() == doctest::Approx(64.0 / 70.0));
  CHECK(hw::plan_gemm(dataflow::ws, 4, 4, 0, 4, 4).cycles() == 0);
  CHECK(hw::plan_gemm(dataflow::is, 4, 4, 4, 4, 0).folds() == 0);
  // Saturates instead of wrapping on absurd sizes.
  CHECK(hw::plan_gemm(dataflow::os, 1, 1, 1ull << 40, 1ull << 40, 1ull << 40).cycles() ==
        std::numeric_limits<std::uint64_t>::max());
}
