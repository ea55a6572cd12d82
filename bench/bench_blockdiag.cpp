// Block-diagonal matvec (matvec::block_diagonal<B>, B = 4, 8, 16) at 1024 x 1024 beside the
// dense kernels (fp32, int8) and Eigen (dense, and the same gather + B block products).
// Prints a closing table: matvecs/s and the speed-up over the dense kernel of the same type.
// ember first: simd/arch.hpp fences GCC 12's AVX-512 header warnings only if it includes them.
#include "ember/kernels/matvec.hpp"

#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <cstdio>
#include <map>
#include <memory>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "median_table.hpp"

using namespace ember;

namespace {

constexpr std::size_t N = 1024;

std::vector<float> random_vector(std::size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d(0.0f, 0.05f);
  std::vector<float> v(n);
  for (auto& e : v) e = d(g);
  return v;
}

void counters(benchmark::State& st, double macs) {
  st.SetItemsProcessed(std::int64_t(st.iterations()));
  st.counters["GFLOPs"] = benchmark::Counter(2.0 * macs, benchmark::Counter::kIsIterationInvariantRate);
}

template <class Matvec, class Q, bool Folded = false>
void ember_matvec(benchmark::State& st) {
  using M = kernels::packed_matrix<Matvec, Q, N, N>;
  auto W = std::make_unique<M>();
  W->pack(random_vector(N * N, 1));  // block-diagonal: projected at load (not timed)
  if constexpr (Folded) {  // outputs left in block order, as inside a folded chain
    auto next = std::make_unique<kernels::packed_matrix<matvec::dense, Q, 16, N>>();
    kernels::fold_permutation(*W, *next);
  }
  const auto x = random_vector(N, 2);
  std::vector<float> y(N);
  auto in = std::make_unique<kernels::input_for<M>>();
  for (auto _ : st) {
    kernels::matvec(*W, std::span<const float, N>(x.data(), N), *in, std::span<float, N>(y.data(), N));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  counters(st, double(N) * double(N) / double(Matvec::compression));
}

void eigen_dense(benchmark::State& st) {
  const auto m = random_vector(N * N, 1);
  const Eigen::MatrixXf W = Eigen::Map<const Eigen::MatrixXf>(m.data(), N, N);
  const auto x = random_vector(N, 2);
  const Eigen::VectorXf xv = Eigen::Map<const Eigen::VectorXf>(x.data(), N);
  Eigen::VectorXf y(N);
  for (auto _ : st) {
    y.noalias() = W * xv;
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  counters(st, double(N) * double(N));
}

// The peer written the obvious way: gather x by the column permutation, B dense block
// products, scatter by the row permutation (the same permutations as ember's pack()).
template <std::size_t B>
void eigen_block_diagonal(benchmark::State& st) {
  using M = kernels::packed_matrix<matvec::block_diagonal<B>, quant::f32, N, N>;
  auto P = std::make_unique<M>();
  const auto m = random_vector(N * N, 1);
  P->pack(m);
  constexpr std::size_t n = N / B;
  std::vector<Eigen::MatrixXf> blocks(B, Eigen::MatrixXf(n, n));
  std::vector<int> col(N), row(N);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t i = 0; i < n; ++i) {
      row[b * n + i] = int(P->out_index[b * n + i]);
      col[b * n + i] = int(P->in_index[b * n + i]);
    }
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) blocks[b](Eigen::Index(i), Eigen::Index(j)) = m[std::size_t(row[b * n + i]) * N + std::size_t(col[b * n + j])];
  const auto x = random_vector(N, 2);
  Eigen::VectorXf xg(N), yb(n), y(N);
  for (auto _ : st) {
    for (std::size_t j = 0; j < N; ++j) xg[Eigen::Index(j)] = x[std::size_t(col[j])];
    for (std::size_t b = 0; b < B; ++b) {
      yb.noalias() = blocks[b] * xg.segment(Eigen::Index(b * n), Eigen::Index(n));
      for (std::size_t i = 0; i < n; ++i) y[row[b * n + i]] = yb[Eigen::Index(i)];
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  counters(st, double(N) * double(N) / double(B));
}

// Console output plus a closing table: matvecs/s and the speed-up of each result over the
// dense kernel of its own type (ember f32 / s8 dense, Eigen dense), from the medians.
class ratio_reporter : public ember_bench::median_table {
  void table(std::ostream& out) const override {
    out << "\n| kernel (1024 x 1024) | matvecs/s | GFLOP/s (stored weights) | speed-up vs dense | target |\n"
           "|---|---:|---:|---:|---:|\n";
    for (const std::string& name : names()) {
      const std::string impl = name.substr(0, name.find(' '));  // "ember_f32", "ember_s8", "eigen_f32"
      const auto lt = name.find('<');
      const double B = lt == std::string::npos ? 1.0 : std::stod(name.substr(lt + 1));
      const double v = value(name);
      const std::string target =
          B > 1 && impl == "ember_f32" ? ">= " + std::to_string(0.8 * B).substr(0, 4) + "x" : "";
      char row[200];
      std::snprintf(row, sizeof row, "| %s | %.0f | %.1f | %.2fx | %s |\n", name.c_str(), v,
                    v * 2.0 * double(N) * double(N) / B * 1e-9, ratio(name, impl + " dense"), target.c_str());
      out << row;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("ember_f32 dense", ember_matvec<matvec::dense, quant::f32>);
  benchmark::RegisterBenchmark("ember_f32 block_diagonal<4>", ember_matvec<matvec::block_diagonal<4>, quant::f32>);
  benchmark::RegisterBenchmark("ember_f32 block_diagonal<8>", ember_matvec<matvec::block_diagonal<8>, quant::f32>);
  benchmark::RegisterBenchmark("ember_f32 block_diagonal<16>", ember_matvec<matvec::block_diagonal<16>, quant::f32>);
  benchmark::RegisterBenchmark("ember_s8 dense", ember_matvec<matvec::dense, quant::int8>);
  benchmark::RegisterBenchmark("ember_s8 block_diagonal<4>", ember_matvec<matvec::block_diagonal<4>, quant::int8>);
  benchmark::RegisterBenchmark("ember_s8 block_diagonal<8>", ember_matvec<matvec::block_diagonal<8>, quant::int8>);
  benchmark::RegisterBenchmark("ember_s8 block_diagonal<16>", ember_matvec<matvec::block_diagonal<16>, quant::int8>);
  benchmark::RegisterBenchmark("ember_f32 block_diagonal<16> folded", ember_matvec<matvec::block_diagonal<16>, quant::f32, true>);
  benchmark::RegisterBenchmark("ember_s8 block_diagonal<4> folded", ember_matvec<matvec::block_diagonal<4>, quant::int8, true>);
  benchmark::RegisterBenchmark("ember_s8 block_diagonal<16> folded", ember_matvec<matvec::block_diagonal<16>, quant::int8, true>);
  benchmark::RegisterBenchmark("eigen_f32 dense", eigen_dense);
  benchmark::RegisterBenchmark("eigen_f32 block_diagonal<4>", eigen_block_diagonal<4>);
  benchmark::RegisterBenchmark("eigen_f32 block_diagonal<8>", eigen_block_diagonal<8>);
  benchmark::RegisterBenchmark("eigen_f32 block_diagonal<16>", eigen_block_diagonal<16>);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
