// Low-bit matvec y = W x: binary (sign-add, XNOR-popcount), ternary (add/subtract,
// popcount) and weight sharing beside ember's int8, int4, int2 and fp32 in one binary.
// Each timed call quantizes x and multiplies (what a layer step does). Ends with a table
// of GMAC/s and the speed-up over int8 at the same size.
#include <benchmark/benchmark.h>
#include "median_table.hpp"

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "ember/kernels/matvec.hpp"

using namespace ember;

namespace {

std::vector<float> gaussian(std::size_t n, unsigned seed, float sd) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d(0.0f, sd);
  std::vector<float> v(n);
  for (auto& e : v) e = d(g);
  return v;
}

template <class Q, std::size_t N>
void BM_matvec(benchmark::State& st) {
  using M = kernels::packed_matrix<matvec::dense, Q, N, N>;
  auto W = std::make_unique<M>();
  const auto m = gaussian(N * N, 1, 0.05f);
  const auto x = gaussian(N, 2, 1.0f);
  std::vector<float> y(N);
  const auto rep = W->pack(m);
  auto in = std::make_unique<kernels::input_buffer<Q, N>>();
  for (auto _ : st) {
    kernels::matvec(*W, std::span<const float, N>(x.data(), N), *in, std::span<float, N>(y.data(), N));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(N) * std::int64_t(N));  // MACs
  st.counters["weight_KiB"] = double(sizeof(M)) / 1024.0;
  st.counters["rel_err"] = rep.rel_frobenius;
}

// Console output plus a closing table: GMAC/s and the ratio to int8 at the same N.
class ratio_reporter : public ember_bench::median_table {
  void table(std::ostream& out) const override {
    out << "\n| kernel | N | weights KiB | GMAC/s | vs int8 |\n|---|---:|---:|---:|---:|\n";
    for (const std::string& name : names()) {
      // "<label>/<N>": policy label and size as registered by add()
      const auto slash = name.rfind('/');
      const std::string label = name.substr(0, slash), n = name.substr(slash + 1);
      char row[200];
      std::snprintf(row, sizeof row, "| %s | %s | %.0f | %.1f | %.2fx |\n", label.c_str(), n.c_str(),
                    value(name, "weight_KiB"), value(name) * 1e-9, ratio(name, "s8/" + n));
      out << row;
    }
  }
};

template <class Q, std::size_t N>
void add(const char* label) {
  benchmark::RegisterBenchmark((std::string(label) + "/" + std::to_string(N)).c_str(), BM_matvec<Q, N>);
}

template <std::size_t N>
void add_size(bool with_shared) {
  add<quant::int8, N>("s8");
  add<quant::int4, N>("s4");
  add<quant::int2, N>("s2");
  add<quant::binary, N>("binary b1 (sign-add)");
  add<quant::xnor, N>("binary b1a1 (xnor-popcount)");
  add<quant::binary_weights<2>, N>("binary b1a2 (popcount)");
  add<quant::ternary, N>("ternary t2 (add/sub)");
  add<quant::ternary_weights<1>, N>("ternary t2a1 (popcount)");
  add<quant::ternary_ternary, N>("ternary t2a2 (popcount)");
  if (with_shared) add<quant::shared<16>, N>("shared<16> (lookup)");
  add<quant::f32, N>("f32");
}

}  // namespace

int main(int argc, char** argv) {
  add_size<256>(true);
  add_size<1024>(true);
  add_size<4096>(false);  // k-means of 16 M weights would dominate the run
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
