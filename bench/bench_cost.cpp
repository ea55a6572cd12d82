// Cost-model throughput: run-time GEMM estimates per second (target >= 1e6/s) and whole
// model estimates. The peer, SCALE-Sim v2 (Python, trace-driven), is not linkable; its
// per-layer run time is quoted in docs/performance.md instead.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "ember/cost/estimate.hpp"
#include "ember/cost/scalesim.hpp"

using namespace ember;

namespace {
using array_hw = hw::systolic<32, 32, dataflow::ws, hw::ifmap_sram_kib<256>, hw::filter_sram_kib<1024>,
                              hw::ofmap_sram_kib<256>, mhz<200>>;

std::vector<cost::gemm> random_gemms(std::size_t n) {
  std::mt19937 g(1);
  std::uniform_int_distribution<std::size_t> d(1, 2048);
  std::vector<cost::gemm> v(n);
  for (auto& x : v) x = cost::gemm{d(g), d(g), d(g), 8, 8, 1, 1.0, 1};
  return v;
}

/// Fold plan only (SCALE-Sim's Total Cycles): the core of every estimate.
void BM_cost_fold_plan(benchmark::State& s) {
  const auto gs = random_gemms(1024);
  std::size_t i = 0;
  for (auto _ : s) {
    const auto& g = gs[i++ & 1023];
    benchmark::DoNotOptimize(hw::plan_gemm(dataflow::ws, 32, 32, g.M, g.N, g.K).cycles());
  }
  s.SetItemsProcessed(s.iterations());
}
BENCHMARK(BM_cost_fold_plan);

/// A full estimate (cycles, traffic, DRAM, energy, fit, report) of a one-GEMM workload.
void BM_cost_gemm_estimate(benchmark::State& s) {
  const auto gs = random_gemms(1024);
  std::vector<cost::layer_workload> ws(gs.size());
  for (std::size_t j = 0; j < gs.size(); ++j) ws[j].add(gs[j]);
  std::size_t i = 0;
  for (auto _ : s) {
    const auto r = cost::estimate<array_hw>(ws[i++ & 1023]);
    benchmark::DoNotOptimize(r.total.compute_cycles);
  }
  s.SetItemsProcessed(s.iterations());
}
BENCHMARK(BM_cost_gemm_estimate);

/// A 3-layer LSTM model (6 GEMMs + element-wise) with measured delta densities.
void BM_cost_model_estimate(benchmark::State& s) {
  std::array<cost::layer_workload, 3> model{};
  for (std::size_t l = 0; l < 3; ++l) {
    model[l].add(cost::gemm{100, 4096, l == 0 ? 32u : 1024u, 8, 8, 1, 0.6, 1});
    model[l].add(cost::gemm{1, 4096, 1024, 8, 8, 1, 0.6, 100});
    model[l].add(cost::eltwise{5 * 1024, cost::eltwise_kind::sigmoid, 8, 100});
  }
  double z = 0.2;
  for (auto _ : s) {
    model[0].gemms[1].density = z;  // a new measurement each time
    z = z < 0.9 ? z + 0.01 : 0.2;
    const auto r = cost::estimate<array_hw>(model);
    benchmark::DoNotOptimize(r.energy_j());
  }
  s.SetItemsProcessed(s.iterations());
}
BENCHMARK(BM_cost_model_estimate);

/// The COMPUTE_REPORT row the CLI prints (fold-by-fold sums as SCALE-Sim's loop).
void BM_cost_scalesim_row(benchmark::State& s) {
  const auto gs = random_gemms(1024);
  std::size_t i = 0;
  for (auto _ : s) {
    const auto& g = gs[i++ & 1023];
    benchmark::DoNotOptimize(cost::scalesim::compute_report(dataflow::os, 32, 32, g.M, g.N, g.K));
  }
  s.SetItemsProcessed(s.iterations());
}
BENCHMARK(BM_cost_scalesim_row);
}  // namespace
BENCHMARK_MAIN();
