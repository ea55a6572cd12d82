// Dense matvec: ember fp32/int16/int8/int4 beside Eigen fp32 (placeholder, being extended).
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <memory>
#include <span>
#include <vector>

#include "ember/kernels/matvec.hpp"

using namespace ember;

template <class Q, std::size_t N>
static void BM_matvec_dense(benchmark::State& st) {
  using M = kernels::packed_matrix<matvec::dense, Q, N, N>;
  auto W = std::make_unique<M>();
  std::vector<float> m(N * N, 0.01f), x(N, 1.0f), y(N);
  W->pack(m);
  kernels::input_buffer<Q, N> in;
  for (auto _ : st) {
    kernels::matvec(*W, std::span<const float, N>(x.data(), N), in, std::span<float, N>(y.data(), N));
    benchmark::DoNotOptimize(y.data());
  }
}
BENCHMARK(BM_matvec_dense<quant::f32, 256>);

template <std::size_t N>
static void BM_matvec_eigen(benchmark::State& st) {
  Eigen::MatrixXf m = Eigen::MatrixXf::Constant(N, N, 0.01f);
  Eigen::VectorXf x = Eigen::VectorXf::Ones(N), y(N);
  for (auto _ : st) {
    y.noalias() = m * x;
    benchmark::DoNotOptimize(y.data());
  }
}
BENCHMARK(BM_matvec_eigen<256>);

BENCHMARK_MAIN();
