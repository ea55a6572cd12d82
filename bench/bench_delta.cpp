// Delta GRU and LSTM (skip::delta, fp32 and int8) beside the dense ember layers, per step,
// at input / hidden change densities 100%, 50%, 20%, 10%, 5% (synthetic sequences).
// Input density: dse::make_delta_sequence (exactly z In inputs move by >= 0.25 per step,
// Theta_x = 0.125). Hidden density: Theta_h found by bisection so that the measured hidden
// density is z. Counters dx, dh report the densities measured during the timed run.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ember/dse/delta_input.hpp"
#include "ember/dse/measure.hpp"
#include "ember/layers/gru.hpp"
#include "ember/layers/lstm.hpp"

using namespace ember;

namespace {

constexpr std::size_t seq_steps = 1024;  // the sequence is replayed cyclically
constexpr float theta_x = 0.125f;        // half the smallest input move of the sequence
constexpr double densities[] = {1.0, 0.5, 0.2, 0.1, 0.05};

template <class L>
void run_steps(L& l, const dse::delta_sequence& s, std::size_t from, std::size_t n) {
  constexpr std::size_t In = L::in_size;
  for (std::size_t t = from; t < from + n; ++t)
    l.step(std::span<const float, In>(s.xs.data() + (t % s.steps) * In, In));
}

// Theta_h giving hidden density ~z on this sequence (bisection on a shortened run).
template <class L>
float calibrate_theta_h(L& l, const dse::delta_sequence& s, double z) {
  if (z >= 1.0) return 0.0f;
  float lo = 0.0f, hi = 0.5f;
  for (int it = 0; it < 12; ++it) {
    const float mid = 0.5f * (lo + hi);
    l.reset();
    l.set_delta_threshold(theta_x, mid);
    run_steps(l, s, 0, 16);
    l.reset_delta_stats();
    run_steps(l, s, 16, 112);
    (l.delta_stats().hidden_density() > z ? lo : hi) = mid;
  }
  return 0.5f * (lo + hi);
}

template <class Dense, class Delta>
void register_pair(const char* kind, const char* quant) {
  constexpr std::size_t In = Dense::in_size, H = Dense::out_size;
  // PyTorch's initialisation bound 1/sqrt(H); shared by every layer of this shape
  const auto params = std::make_shared<dse::param_values>(dse::random_params<Dense>(7, 1.0f / std::sqrt(float(H))));
  const std::string base = std::string(kind) + "_" + quant + "/H=" + std::to_string(H);
  benchmark::RegisterBenchmark(("BM_dense_" + base).c_str(), [params](benchmark::State& st) {
    auto l = std::make_unique<Dense>();
    dse::load_params(*l, *params);
    const auto seq = std::make_shared<dse::delta_sequence>(dse::make_delta_sequence(In, seq_steps, 1.0, 11));
    std::size_t t = 0;
    for (auto _ : st) {
      run_steps(*l, *seq, t++, 1);
      benchmark::DoNotOptimize(l->output().data());
    }
    st.SetItemsProcessed(st.iterations());
  })->Unit(benchmark::kMicrosecond);
  for (double z : densities) {
    const std::string name = "BM_delta_" + base + "/density=" + std::to_string(int(std::lround(z * 100)));
    benchmark::RegisterBenchmark(name.c_str(), [params, z](benchmark::State& st) {
      auto l = std::make_unique<Delta>();
      dse::load_params(*l, *params);
      const auto seq = dse::make_delta_sequence(In, seq_steps, z, 11);
      const float th = calibrate_theta_h(*l, seq, z);
      l->reset();
      l->set_delta_threshold(z >= 1.0 ? 0.0f : theta_x, th);
      run_steps(*l, seq, 0, 32);  // warm up: the first step propagates everything
      l->reset_delta_stats();
      std::size_t t = 32;
      for (auto _ : st) {
        run_steps(*l, seq, t++, 1);
        benchmark::DoNotOptimize(l->output().data());
      }
      const auto s = l->delta_stats();
      st.counters["dx"] = s.input_density();
      st.counters["dh"] = s.hidden_density();
      st.counters["theta_h"] = th;
      st.counters["ops"] = s.op_fraction();
      st.SetItemsProcessed(st.iterations());
    })->Unit(benchmark::kMicrosecond);
  }
}

template <std::size_t H>
void register_size() {
  using f32 = policy<>;
  using f32d = policy<skip::delta>;
  using s8 = policy<quant::int8>;
  using s8d = policy<quant::int8, skip::delta>;
  register_pair<gru<H, H, f32>, gru<H, H, f32d>>("gru", "f32");
  register_pair<lstm<H, H, f32>, lstm<H, H, f32d>>("lstm", "f32");
  register_pair<gru<H, H, s8>, gru<H, H, s8d>>("gru", "s8");
  register_pair<lstm<H, H, s8>, lstm<H, H, s8d>>("lstm", "s8");
}

}  // namespace

int main(int argc, char** argv) {
  register_size<256>();
  register_size<1024>();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
