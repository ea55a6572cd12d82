// cost::estimate on layer and model types (mocks) and on run-time workloads: cycles are
// the sum of the lowered GEMMs' SCALE-Sim cycles, compression changes the workload as
// documented, fit and bandwidth verdicts, and constexpr use in static_assert.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "ember/cost/fit.hpp"
#include "mock_layers.hpp"

using namespace ember;
using test::mock_dense;
using test::mock_lstm;
using test::mock_model;

namespace {
using small_hw = hw::systolic<16, 16, dataflow::ws, hw::ifmap_sram_kib<64>, hw::filter_sram_kib<512>,
                              hw::ofmap_sram_kib<64>, mhz<500>>;
using kws = mock_model<mock_lstm<32, 128, 8>, mock_dense<128, 12, 8>>;
}  // namespace

// Compile time: the whole estimate is a constant expression.
constexpr auto kws_cost = cost::estimate<kws, small_hw>(100);
static_assert(kws_cost.fits);
static_assert(kws_cost.size() == 2);
static_assert(kws_cost.cycles() > 0 && kws_cost.latency_s() < 1.0 && kws_cost.energy_j() > 0);
static_assert(cost::require_fit<kws, small_hw, 100>());
static_assert(cost::estimate<mock_dense<8, 8>, small_hw>().size() == 1);

TEST_CASE("estimate: a layer's compute cycles are its GEMMs' SCALE-Sim cycles times repeats") {
  const auto r = cost::estimate<mock_lstm<32, 128, 8>, small_hw>(50);
  const auto in = hw::plan_gemm(dataflow::ws, 16, 16, 50, 512, 32).cycles();
  const auto rec = hw::plan_gemm(dataflow::ws, 16, 16, 1, 512, 128).cycles();
  CHECK(r.layers[0].compute_cycles == in + 50 * rec);
  CHECK(r.layers[0].eltwise_cycles == 50 * ((5 * 128 + 15) / 16));
  CHECK(r.total.cycles() == r.layers[0].cycles());
  CHECK(r.layers[0].dense_macs == doctest::Approx(50.0 * 512 * 32 + 50.0 * 512 * 128));
  CHECK(r.latency_s() == doctest::Approx(double(r.cycles()) / 500e6));
}

TEST_CASE("estimate: the run-time overload on a workload value agrees with the type overload") {
  const auto w = kws::workload(100);
  const auto r = cost::estimate<small_hw>(w);
  CHECK(r.cycles() == kws_cost.cycles());
  CHECK(r.energy_j() == doctest::Approx(kws_cost.energy_j()));
  const auto one = cost::estimate<small_hw>(mock_dense<128, 12>::workload(3));
  CHECK(one.size() == 1);
  // Run-time hardware description (what the CLI builds from a config file).
  const auto r2 = cost::estimate(w, small_hw::config);
  CHECK(r2.cycles() == r.cycles());
}

TEST_CASE("estimate: measured delta density z makes K effectively ceil(z K)") {
  auto w = mock_lstm<64, 64, 8>::workload(10);
  const auto dense = cost::estimate<small_hw>(w);
  for (std::size_t i = 0; i < w.n_gemms; ++i) w.gemms[i].density = 0.25;  // as measured
  const auto sparse = cost::estimate<small_hw>(w);
  const auto in = hw::plan_gemm(dataflow::ws, 16, 16, 10, 256, 16).cycles();
  const auto rec = hw::plan_gemm(dataflow::ws, 16, 16, 1, 256, 16).cycles();
  CHECK(sparse.layers[0].compute_cycles == in + 10 * rec);
  CHECK(sparse.layers[0].macs == doctest::Approx(dense.layers[0].macs / 4));
  CHECK(sparse.total.energy.compute_pj < dense.total.energy.compute_pj);
  CHECK(cost::effective_k(cost::gemm{1, 1, 10, 8, 8, 1, 0.33}) == 4);
  CHECK(cost::effective_k(cost::gemm{1, 1, 10, 8, 8, 1, 0.0}) == 0);
  w.gemms[0].density = 0.0;
  w.gemms[1].density = 0.0;
  CHECK(cost::estimate<small_hw>(w).layers[0].compute_cycles == 0);
}

TEST_CASE("estimate: fewer bits store and move fewer bytes; BitFusion packs MACs per PE") {
  using lstm8 = mock_lstm<64, 256, 8>;
  using lstm4 = mock_lstm<64, 256, 4>;
  const auto r8 = cost::estimate<lstm8, small_hw>(20), r4 = cost::estimate<lstm4, small_hw>(20);
  CHECK(r4.total.weight_bytes * 2 == r8.total.weight_bytes);
  CHECK(r4.total.sram.filter_read * 2 == doctest::Approx(r8.total.sram.filter_read));
  CHECK(r4.cycles() == r8.cycles());  // plain SCALE-Sim PEs: one MAC per cycle at any width

  CHECK(hw::bitfusion_k(64, 8, 8) == 64);
  CHECK(hw::bitfusion_k(64, 4, 4) == 16);
  CHECK(hw::bitfusion_k(64, 2, 2) == 4);
  CHECK(hw::bitfusion_k(64, 16, 16) == 256);
  CHECK(hw::bitfusion_k(64, 8, 4) == 32);
  using bf = hw::systolic<16, 16, dataflow::os, hw::bitfusion, hw::filter_sram_kib<1024>>;
  const auto b4 = cost::estimate<mock_dense<256, 64, 4>, bf>(16);
  CHECK(b4.layers[0].compute_cycles == hw::plan_gemm(dataflow::os, 16, 16, 16, 64, 64).cycles());
  const auto b16 = cost::estimate<mock_dense<256, 64, 16>, bf>(16);
  CHECK(b16.layers[0].compute_cycles == hw::plan_gemm(dataflow::os, 16, 16, 16, 64, 1024).cycles());
  // A 4-bit MAC on a fusion unit costs a quarter of an 8-bit one.
  const auto b8 = cost::estimate<mock_dense<256, 64, 8>, bf>(16);
  CHECK(b4.total.energy.compute_pj == doctest::Approx(b8.total.energy.compute_pj / 4));
}

TEST_CASE("estimate: circulant k stores N K / k weights and runs DFTs plus frequency products") {
  const cost::gemm g{1, 1024, 512, 8, 8, 8, 1.0, 1};
  const auto lg = cost::lower(g);
  REQUIRE(lg.count == 4);
  CHECK(lg.stored_weights == 1024 * 512 / 8 + 2 * 8 * 8);
  CHECK(lg.parts[0].role == cost::gemm_role::dft_in);
  CHECK(lg.parts[0].M == 64);
  // One product per bin, each bin with its own weights: 2 real bins, k/2 - 1 = 3 complex.
  CHECK((lg.parts[1].M == 1 && lg.parts[1].N == 128 && lg.parts[1].K == 64 && lg.parts[1].repeat == 2));
  CHECK((lg.parts[2].M == 1 && lg.parts[2].N == 256 && lg.parts[2].K == 128 && lg.parts[2].repeat == 3));
  // frequency-domain MACs: M p q (2k - 2) = 128 * 64 * 14
  const double freq = lg.parts[1].macs() + lg.parts[2].macs();
  CHECK(freq == doctest::Approx(128.0 * 64 * 14));
  CHECK(lg.macs() < g.dense_macs() / 3);
  // k = 1 is the dense GEMM exactly.
  const auto d = cost::lower(cost::gemm{3, 10, 7, 8, 8, 1, 1.0, 2});
  REQUIRE(d.count == 1);
  CHECK((d.parts[0].M == 3 && d.parts[0].N == 10 && d.parts[0].K == 7 && d.parts[0].repeat == 2));
  // k = 2: both bins real, half the dense MACs in frequency.
  const auto two = cost::lower(cost::gemm{1, 8, 8, 8, 8, 2, 1.0, 1});
  REQUIRE(two.count == 3);
  CHECK(two.parts[1].macs() == doctest::Approx(32.0));

  const auto dense = cost::estimate<mock_lstm<256, 256, 8, 1>, small_hw>(10);
  const auto circ = cost::estimate<mock_lstm<256, 256, 8, 8>, small_hw>(10);
  CHECK(circ.total.weight_bytes < dense.total.weight_bytes / 7);
  CHECK(circ.total.macs < dense.total.macs / 3);
}

TEST_CASE("estimate: a model that does not fit says which rule fails, with the bytes") {
  using tiny = hw::systolic<8, 8, dataflow::os, hw::ifmap_sram_kib<16>, hw::filter_sram_kib<16>, hw::ofmap_sram_kib<16>>;
  const auto r = cost::estimate<mock_lstm<64, 128, 8>, tiny>(4);
  CHECK_FALSE(r.fits);
  CHECK(r.fit.rule == cost::fit_rule::weights_exceed_filter_sram);
  CHECK(std::string(r.reason) == "weights exceed the filter SRAM");
  CHECK(r.fit.need == 512 * (64 + 128));
  CHECK(r.fit.have == 16 * 1024);
  CHECK(r.total.dram_read > 0);  // weights stream from DRAM every step
  CHECK(kws_cost.total.dram_read == 0);  // resident model: nothing crosses to DRAM

  using unified = hw::systolic<8, 8, dataflow::os, sram_kib<64>>;
  const auto u = cost::estimate<mock_lstm<64, 128, 8>, unified>(4);
  CHECK_FALSE(u.fits);
  CHECK(u.fit.rule == cost::fit_rule::exceeds_unified_sram);
  CHECK(cost::estimate<mock_lstm<16, 32, 8>, unified>(4).fits);

  using act_small = hw::systolic<8, 8, dataflow::os, hw::ifmap_sram_kib<1>, hw::filter_sram_kib<1024>>;
  CHECK(cost::estimate<mock_dense<512, 8, 8>, act_small>(4).fit.rule == cost::fit_rule::activations_exceed_ifmap_sram);
}

TEST_CASE("estimate: a finite DRAM bandwidth stalls a layer that streams its weights") {
  using slow = hw::systolic<8, 8, dataflow::os, hw::filter_sram_kib<1>, hw::dram_bytes_per_cycle<1>>;
  using fast = hw::systolic<8, 8, dataflow::os, hw::filter_sram_kib<1>>;
  const auto s = cost::estimate<mock_lstm<64, 128, 8>, slow>(4);
  const auto f = cost::estimate<mock_lstm<64, 128, 8>, fast>(4);
  CHECK(f.total.stall_cycles == 0);
  CHECK(s.total.stall_cycles > 0);
  CHECK(s.cycles() == s.total.compute_cycles + s.total.eltwise_cycles + s.total.stall_cycles);
  CHECK_FALSE(s.bandwidth_ok);
  CHECK(f.required_dram_bytes_per_s() > 0);
}

namespace {
struct free_dram : cost::horowitz_45nm {
  static constexpr const char* name = "free DRAM";
  static constexpr double dram_read_64b_pj() noexcept { return 0.0; }
};
}  // namespace

TEST_CASE("estimate: a user energy table replaces the default") {
  using def = hw::systolic<8, 8, dataflow::os, hw::filter_sram_kib<1>>;
  using mine = hw::systolic<8, 8, dataflow::os, hw::filter_sram_kib<1>, hw::energy<free_dram>>;
  const auto a = cost::estimate<mock_lstm<32, 64, 8>, def>(4), b = cost::estimate<mock_lstm<32, 64, 8>, mine>(4);
  CHECK(a.total.energy.dram_pj > 0);
  CHECK(b.total.energy.dram_pj == 0);
  CHECK(a.total.energy.compute_pj == b.total.energy.compute_pj);
  CHECK(std::string(b.energy_table) == "free DRAM");
}

TEST_CASE("report: aligned table and CSV, one row per layer plus the total") {
  std::ostringstream os;
  os << kws_cost;
  const std::string t = os.str();
  CHECK(t.find("lstm") != std::string::npos);
  CHECK(t.find("dense") != std::string::npos);
  CHECK(t.find("total") != std::string::npos);
  CHECK(t.find("fits: yes") != std::string::npos);
  const std::string csv = kws_cost.csv();
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
  CHECK(csv.rfind("layer,cycles,", 0) == 0);
  CHECK(csv.find("\ntotal," + std::to_string(kws_cost.cycles()) + ",") != std::string::npos);

  using tiny = hw::systolic<8, 8, dataflow::os, hw::filter_sram_kib<16>>;
  std::ostringstream bad;
  bad << cost::estimate<mock_lstm<64, 128, 8>, tiny>(4);
  CHECK(bad.str().find("fits: no (weights exceed the filter SRAM: 98304 B > 16384 B)") != std::string::npos);
}
