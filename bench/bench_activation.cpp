// Activation throughput: ember's sigmoid and tanh policies (exact, hard, pwl<N>, lut<N>)
// over 4096-element vectors beside a plain std::tanh / std::exp loop (the peer) and Eigen.
// ember first: simd/arch.hpp silences GCC 12's false positives in the AVX-512 intrinsic
// headers only if it is the one that includes them (Eigen would include them otherwise).
#include "ember/activation/exact.hpp"
#include "ember/activation/hard.hpp"
#include "ember/activation/lut.hpp"
#include "ember/activation/pwl.hpp"
#include "ember/kernels/eltwise.hpp"

#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "median_table.hpp"

using namespace ember;

namespace {

constexpr std::size_t n = 4096;  // 16 KiB in + 16 KiB out: L1-resident, compute-bound

// Typical gate pre-activations: uniform on [-6, 6] (both saturated and linear regions).
std::vector<float> inputs() {
  std::mt19937 g(42);
  std::uniform_real_distribution<float> d(-6.0f, 6.0f);
  std::vector<float> x(n);
  for (auto& v : x) v = d(g);
  return x;
}

template <class F>
void run(benchmark::State& st, F f) {
  const std::vector<float> x = inputs();
  std::vector<float> y(n);
  for (auto _ : st) {
    f(x, y);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
}

template <class Act>
void register_policy(const std::string& label) {
  benchmark::RegisterBenchmark(("sigmoid/" + label).c_str(), [](benchmark::State& st) {
    run(st, [](const std::vector<float>& x, std::vector<float>& y) { kernels::sigmoid<Act>(x, y, simd::native{}); });
  });
  benchmark::RegisterBenchmark(("tanh/" + label).c_str(), [](benchmark::State& st) {
    run(st, [](const std::vector<float>& x, std::vector<float>& y) { kernels::tanh<Act>(x, y, simd::native{}); });
  });
}

void register_peers() {
  benchmark::RegisterBenchmark("sigmoid/std::exp loop", [](benchmark::State& st) {
    run(st, [](const std::vector<float>& x, std::vector<float>& y) {
      for (std::size_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-x[i]));
    });
  });
  benchmark::RegisterBenchmark("tanh/std::tanh loop", [](benchmark::State& st) {
    run(st, [](const std::vector<float>& x, std::vector<float>& y) {
      for (std::size_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
    });
  });
  benchmark::RegisterBenchmark("sigmoid/Eigen logistic", [](benchmark::State& st) {
    run(st, [](const std::vector<float>& x, std::vector<float>& y) {
      Eigen::Map<Eigen::ArrayXf>(y.data(), Eigen::Index(n)) =
          Eigen::Map<const Eigen::ArrayXf>(x.data(), Eigen::Index(n)).logistic();
    });
  });
  benchmark::RegisterBenchmark("tanh/Eigen tanh", [](benchmark::State& st) {
    run(st, [](const std::vector<float>& x, std::vector<float>& y) {
      Eigen::Map<Eigen::ArrayXf>(y.data(), Eigen::Index(n)) =
          Eigen::Map<const Eigen::ArrayXf>(x.data(), Eigen::Index(n)).tanh();
    });
  });
}

// Console output plus a closing table: each result's items/s over its function's peer
// (the std:: loop), using the median when repetitions are aggregated.
class ratio_reporter : public ember_bench::median_table {
  void table(std::ostream& out) const override {
    out << "\n| function | implementation | Gitems/s | vs std:: loop |\n|---|---|---:|---:|\n";
    for (const std::string& name : names()) {
      const std::string fn = name.substr(0, name.find('/'));
      char row[160];
      std::snprintf(row, sizeof row, "| %s | %s | %.3f | %.2fx |\n", fn.c_str(),
                    name.substr(name.find('/') + 1).c_str(), value(name) * 1e-9,
                    ratio(name, fn == "tanh" ? "tanh/std::tanh loop" : "sigmoid/std::exp loop"));
      out << row;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  register_peers();
  register_policy<act::exact>("exact");
  register_policy<act::hard>("hard");
  register_policy<act::pwl<3>>("pwl<3>");
  register_policy<act::pwl<5>>("pwl<5>");
  register_policy<act::pwl<9>>("pwl<9>");
  register_policy<act::pwl<17>>("pwl<17>");
  register_policy<act::pwl<33>>("pwl<33>");
  register_policy<act::lut<16>>("lut<16>");
  register_policy<act::lut<64>>("lut<64>");
  register_policy<act::lut<256>>("lut<256>");
  register_policy<act::lut<1024>>("lut<1024>");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
