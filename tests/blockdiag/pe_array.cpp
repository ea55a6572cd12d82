// hw::pe_array cost model: the Berkeley design point (constexpr), invariants of cycles,
// fit and energy, and the block-diagonal workload (stored weights, lowering, gemm_for).
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

#include "ember/core/policy.hpp"
#include "ember/cost/nets/block_diagonal_fc.hpp"
#include "ember/cost/pe_array_cost.hpp"

using namespace ember;

namespace {
using design_hw = hw::pe_array<10, 400, 400, 4, ghz<1>, kib<1024>>;  // 8 Mb SRAM
using design_net = cost::nets::berkeley_layer;

// One GEMM (N x K, B diagonal blocks) on `vectors` inputs, repeated.
cost::model_workload<1> one_gemm(std::size_t N, std::size_t K, std::size_t B, unsigned bits, std::size_t M = 1,
                                 std::size_t repeat = 1) {
  cost::layer_workload w{};
  w.name = "g";
  cost::gemm g{M, N, K, bits, bits, 1, 1.0, repeat};
  g.diag_blocks = B;
  w.add(g);
  return {w};
}
}  // namespace

// The paper's point, at compile time: 10 PEs of 400 x 400 4-bit weights, 8 Mb, 1 GHz.
constexpr auto design = cost::estimate<design_net, design_hw>(1);
static_assert(design_hw::config.rows_per_pe() == 524);  // 838860 bits / 1600 bits per row
static_assert(design_hw::config.blocks_per_pe() == 1);
static_assert(design_hw::config.tree_depth() == 9);
static_assert(design.fits);
static_assert(design.total.steady_cycles == 400);  // one output per PE per cycle
static_assert(design.total.fill_cycles == 12);     // row read + multiply + 9 tree levels + epilogue
static_assert(design.total.tiles == 10);
static_assert(design.total.macs == 1'600'000.0);
static_assert(cost::fits<design_net, design_hw>);
static_assert(cost::require_fit<design_net, design_hw>());
static_assert(!cost::fits<cost::nets::block_diagonal_fc<1, 4000, 5, 4>, design_hw>);  // 800 x 800 blocks

TEST_CASE("pe_array: the Berkeley design point (10 PEs, 400x400 4-bit, 8 Mb, 1 GHz)") {
  const auto& r = design;
  CHECK(r.peak_ops_per_s() == doctest::Approx(8e12));  // 2 ops x 4000 multipliers x 1 GHz
  CHECK(r.latency_s() == doctest::Approx(412e-9));
  CHECK(r.total.utilization == doctest::Approx(400.0 / 412.0));
  CHECK(r.memory_share() > 0.5);   // the paper: weight memory more than half the power
  CHECK(r.routing_share() < 0.01);
  CHECK(r.rows_needed == 4000);
  CHECK(r.rows_available == 5240);
  CHECK(r.total.max_pe_rows == 400);
  CHECK(r.total.max_pe_inputs == 400);  // routing takes exactly as long as the outputs
  // Energy terms from the Horowitz table, by hand: a 102 KiB SRAM reads 64 bits for
  // 20 sqrt(838860 / 8 / 32768) pJ, a 4-bit multiply is 0.2 (4/8)^2 pJ.
  const double e_bit = 20.0 * std::sqrt(838860.0 / 8.0 / 32768.0) / 64.0;
  CHECK(r.total.energy.memory_pj == doctest::Approx(1.6e6 * 4 * e_bit));
  CHECK(r.total.energy.multiplier_pj == doctest::Approx(1.6e6 * 0.05));
  CHECK(r.total.energy.routing_pj == doctest::Approx(4000.0 * 4 * 10.0 / 64.0));
  // Tree: 399 adds per output, 200 at 9 bits, 100 at 10, 50 at 11, 25 at 12 (scaled from
  // the 8-bit add, 0.03 pJ), then 12, 6, 3, 2, 1 at 13..17 bits (from the 16-bit add, 0.05).
  const double tree = (200 * 9 + 100 * 10 + 50 * 11 + 25 * 12) * 0.03 / 8 +
                      (12 * 13 + 6 * 14 + 3 * 15 + 2 * 16 + 1 * 17) * 0.05 / 16;
  CHECK(r.total.energy.adder_tree_pj == doctest::Approx(4000.0 * tree));
  std::ostringstream os;
  os << r;
  CHECK(os.str().find("fits: yes") != std::string::npos);
  CHECK(r.csv().find("total,1600000,10,400,400,400,12,412,") != std::string::npos);
}

TEST_CASE("pe_array: cycles and energy scale the way the microarchitecture says") {
  constexpr hw::pe_array_config h = design_hw::config;
  const auto base = cost::estimate_pe_array(one_gemm(4000, 4000, 10, 4), h);
  // Twice the vectors: twice the steady cycles and energy, the same fill.
  const auto two = cost::estimate_pe_array(one_gemm(4000, 4000, 10, 4, 2), h);
  CHECK(two.total.steady_cycles == 2 * base.total.steady_cycles);
  CHECK(two.total.fill_cycles == base.total.fill_cycles);
  CHECK(two.energy_j() == doctest::Approx(2 * base.energy_j()));
  // Repeated dependent passes (a recurrent GEMM) pay the fill every time.
  const auto rep = cost::estimate_pe_array(one_gemm(4000, 4000, 10, 4, 1, 3), h);
  CHECK(rep.total.cycles() == 3 * base.total.cycles());
  // Smaller blocks on the same PEs: fewer cycles, and never more with more PEs.
  std::uint64_t last = ~std::uint64_t{0};
  for (std::size_t B : {10, 20, 40}) {
    const auto r = cost::estimate_pe_array(one_gemm(4000, 4000, B, 4), h);
    CHECK(r.fits);
    CHECK(r.total.steady_cycles <= last);
    CHECK(r.total.macs == doctest::Approx(4000.0 * 4000.0 / double(B)));
    last = r.total.steady_cycles;
  }
  auto more = h;
  more.pes = 20;
  CHECK(cost::estimate_pe_array(one_gemm(4000, 4000, 40, 4), more).total.steady_cycles <=
        cost::estimate_pe_array(one_gemm(4000, 4000, 40, 4), h).total.steady_cycles);
  // 8-bit weights and activations on an 8-bit array with the same SRAM: memory energy
  // per MAC doubles (bits), the multipliers' quadruple (bits^2).
  auto h8 = h;
  h8.weight_bits = h8.act_bits = 8;
  h8.sram_bytes = 2 * h.sram_bytes;  // the same rows per PE at twice the bits: a larger SRAM
  const auto r8 = cost::estimate_pe_array(one_gemm(4000, 4000, 10, 8), h8);
  using E = cost::horowitz_45nm;
  const double sram_ratio = E::sram_read_64b_pj(h8.sram_bytes_per_pe()) / E::sram_read_64b_pj(h.sram_bytes_per_pe());
  CHECK(sram_ratio > 1.0);
  CHECK(r8.total.steady_cycles == base.total.steady_cycles);
  CHECK(r8.total.energy.memory_pj == doctest::Approx(2 * sram_ratio * base.total.energy.memory_pj));
  CHECK(r8.total.energy.multiplier_pj == doctest::Approx(4 * base.total.energy.multiplier_pj));
}

TEST_CASE("pe_array: tiling larger blocks, partial sums across PEs") {
  constexpr hw::pe_array_config h = design_hw::config;
  // Dense 1024 x 1024: 3 x 3 tiles of 400/400/224, 9 of the 10 PEs; rows split over PEs
  // need a cross-PE add (one more pipeline stage) and partial sums on the crossbar.
  const auto r = cost::estimate_pe_array(one_gemm(1024, 1024, 1, 4), h);
  CHECK(r.fits);
  CHECK(r.total.tiles == 9);
  CHECK(r.total.max_pe_rows == 400);
  CHECK(r.total.fill_cycles == 13);
  CHECK(r.rows_needed == 3 * 1024);
  CHECK(r.total.energy.routing_pj > 1024.0 * 3 * 4 * 10.0 / 64.0);  // inputs plus partial sums
  CHECK(r.total.macs == doctest::Approx(1024.0 * 1024.0));
}

TEST_CASE("pe_array: fit rules") {
  constexpr hw::pe_array_config h = design_hw::config;
  const auto dense = cost::estimate_pe_array(one_gemm(4000, 4000, 1, 4), h);  // 100 tiles
  CHECK(!dense.fits);
  CHECK(dense.rule == cost::pe_fit_rule::weights_exceed_pe_sram);
  CHECK(dense.rows_needed == 40000);
  CHECK(dense.total.steady_cycles > 400);  // still costed
  const auto wide = cost::estimate_pe_array(one_gemm(4000, 4000, 10, 8), h);
  CHECK(!wide.fits);
  CHECK(wide.rule == cost::pe_fit_rule::precision_exceeds_pe);
  // Fragmentation: 11 blocks of 364 rows fit in aggregate rows but not 1 per PE... two
  // share a PE (728 > 524 rows).
  const auto frag = cost::estimate_pe_array(one_gemm(4004, 4004, 11, 4), h);
  CHECK(!frag.fits);
  CHECK(frag.rows_needed <= frag.rows_available);
  CHECK(frag.max_pe_rows_used > h.rows_per_pe());
  // Two layers of 10 blocks each need 2 blocks per PE: they fit 16 Mb, not 8 Mb.
  using two = cost::nets::block_diagonal_fc<2, 4000, 10, 4>;
  CHECK(!cost::fits<two, design_hw>);
  CHECK(cost::fits<two, hw::pe_array<10, 400, 400, 4, ghz<1>, mib<2>>>);
  CHECK(cost::estimate<two, hw::pe_array<10, 400, 400, 4, ghz<1>, mib<2>>>(1).total.steady_cycles == 800);
}

TEST_CASE("pe_array: options and the run-time entry points agree with the type") {
  using hw8 = hw::pe_array<4, 64, 64, 8, mhz<500>, hw::act_bits<4>, hw::sram_kib<64>>;
  static_assert(hw8::config.act_bits == 4 && hw8::config.weight_bits == 8);
  static_assert(hw8::config.sram_bytes == 64 * 1024);
  static_assert(hw8::config.clock_hz == 500e6);
  const auto w = cost::nets::block_diagonal_fc<2, 256, 4, 4>::workload(3);
  const auto a = cost::estimate<hw8>(w);
  const auto b = cost::estimate_pe_array(w, hw8::config);
  CHECK(a.total.cycles() == b.total.cycles());
  CHECK(a.energy_j() == b.energy_j());
  CHECK(a.fits);
  CHECK(a.total.steady_cycles == 2 * 3 * 64);  // 4 blocks of 64 rows on 4 PEs, 3 vectors, 2 layers
  const auto one = cost::estimate<hw8>(w[0]);
  CHECK(one.total.cycles() == a.layers[0].cycles());
}

TEST_CASE("block-diagonal workload: stored weights, systolic lowering, gemm_for") {
  for (std::size_t N : {7, 64, 100, 4000})
    for (std::size_t K : {5, 64, 70, 4000})
      for (std::size_t B : {1, 2, 3, 5, 10})
        if (B <= N && B <= K) {
          cost::gemm g{2, N, K, 8, 8, 1, 1.0, 3};
          g.diag_blocks = B;
          std::size_t brute = 0;
          for (std::size_t b = 0; b < B; ++b) brute += (N / B + (b < N % B)) * (K / B + (b < K % B));
          CAPTURE(N);
          CAPTURE(K);
          CAPTURE(B);
          CHECK(g.stored_weights() == brute);
          const auto lg = cost::lower(g);
          CHECK(lg.stored_weights == brute);
          CHECK(lg.macs() == doctest::Approx(double(brute) * 2 * 3));
        }
  using P = policy<quant::int8, matvec::block_diagonal<4>>;
  constexpr auto g = cost::gemm_for<P>(10, 512, 256, 3);
  static_assert(g.diag_blocks == 4 && g.circulant_k == 1 && g.weight_bits == 8 && g.repeat == 3 && g.M == 10);
  static_assert(cost::gemm_for<policy<matvec::circulant<8>>>(1, 64, 64).circulant_k == 8);
  static_assert(policy<matvec::block_diagonal<8>>::compression == 8);
  // A systolic estimate sees a quarter of the MACs of the dense GEMM.
  using sys = hw::systolic<16, 16, dataflow::ws, sram_kib<4096>, mhz<200>>;
  cost::model_workload<1> w{};
  w[0].add(g);
  auto wd = w;
  wd[0].gemms[0].diag_blocks = 1;
  CHECK(cost::estimate<sys>(w).total.macs == doctest::Approx(cost::estimate<sys>(wd).total.macs / 4));
  CHECK(cost::estimate<sys>(w).total.weight_bytes * 4 == cost::estimate<sys>(wd).total.weight_bytes);
}
