// Dense matvec y = W x: ember fp32 / int16 / int8 / int4 beside Eigen fp32 in one binary,
// plus the two roofline probes (FMA peak; read bandwidth at each weight size).
// tools/bench_report.py turns the JSON output into the ratio and roofline table.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "ember/kernels/matvec.hpp"
#include "ember/simd/batch.hpp"

using namespace ember;

namespace {

std::vector<float> random_vector(std::size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d(0.0f, 0.05f);
  std::vector<float> v(n);
  for (auto& e : v) e = d(g);
  return v;
}

void set_counters(benchmark::State& st, std::size_t n, double weight_bytes) {
  st.counters["GFLOPs"] = benchmark::Counter(2.0 * double(n) * double(n), benchmark::Counter::kIsIterationInvariantRate);
  st.counters["weight_bytes"] = weight_bytes;
  st.counters["GBps"] = benchmark::Counter(weight_bytes, benchmark::Counter::kIsIterationInvariantRate);
}

template <class Q, std::size_t N>
void BM_matvec_dense(benchmark::State& st) {
  using M = kernels::packed_matrix<matvec::dense, Q, N, N>;
  auto W = std::make_unique<M>();
  const auto m = random_vector(N * N, 1);
  const auto x = random_vector(N, 2);
  std::vector<float> y(N);
  W->pack(m);
  auto in = std::make_unique<kernels::input_buffer<Q, N>>();
  for (auto _ : st) {
    kernels::matvec(*W, std::span<const float, N>(x.data(), N), *in, std::span<float, N>(y.data(), N));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_counters(st, N, double(N) * double(N) * Q::weight_bits / 8.0);
}

template <std::size_t N>
void BM_matvec_eigen_f32(benchmark::State& st) {
  const auto m = random_vector(N * N, 1);
  const auto x = random_vector(N, 2);
  const Eigen::MatrixXf W = Eigen::Map<const Eigen::MatrixXf>(m.data(), N, N);
  const Eigen::VectorXf xv = Eigen::Map<const Eigen::VectorXf>(x.data(), N);
  Eigen::VectorXf y(N);
  for (auto _ : st) {
    y.noalias() = W * xv;
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_counters(st, N, double(N) * double(N) * 4.0);
}

// Read bandwidth of a buffer of `bytes` (the weight size of the matvec it bounds):
// 8 independent vector accumulators, the same streaming pattern as the kernels.
void BM_read_bandwidth(benchmark::State& st) {
  const auto bytes = static_cast<std::size_t>(st.range(0));
  const std::size_t n = bytes / sizeof(float);
  std::vector<float, Eigen::aligned_allocator<float>> buf(n, 1.0f);
  float sink = 0;
  for (auto _ : st) {
#if EMBER_HAS_XSIMD
    using A = simd::native;
    using B = simd::batch<float, A>;
    constexpr std::size_t L = B::size;
    B a0(0.0f), a1(0.0f), a2(0.0f), a3(0.0f), a4(0.0f), a5(0.0f), a6(0.0f), a7(0.0f);
    for (std::size_t i = 0; i + 8 * L <= n; i += 8 * L) {
      const float* p = buf.data() + i;
      a0 += simd::load_aligned<float, A>(p);
      a1 += simd::load_aligned<float, A>(p + L);
      a2 += simd::load_aligned<float, A>(p + 2 * L);
      a3 += simd::load_aligned<float, A>(p + 3 * L);
      a4 += simd::load_aligned<float, A>(p + 4 * L);
      a5 += simd::load_aligned<float, A>(p + 5 * L);
      a6 += simd::load_aligned<float, A>(p + 6 * L);
      a7 += simd::load_aligned<float, A>(p + 7 * L);
    }
    sink += simd::reduce_add(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
#else
    for (std::size_t i = 0; i < n; ++i) sink += buf[i];
#endif
    benchmark::DoNotOptimize(sink);
  }
  st.counters["GBps"] = benchmark::Counter(double(bytes), benchmark::Counter::kIsIterationInvariantRate);
}

// FMA peak: 16 independent fused multiply-add chains on full vectors.
void BM_fma_peak(benchmark::State& st) {
#if EMBER_HAS_XSIMD
  using A = simd::native;
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size;
  constexpr long iters = 4096;
  for (auto _ : st) {
    B acc[16];
    for (int i = 0; i < 16; ++i) acc[i] = B(1.0f + float(i) * 1e-3f);
    const B m(0.9999f), c(1e-4f);
    for (long k = 0; k < iters; ++k) {
      EMBER_UNROLL for (int i = 0; i < 16; ++i) acc[i] = simd::fma(acc[i], m, c);
    }
    B s = acc[0];
    for (int i = 1; i < 16; ++i) s += acc[i];
    benchmark::DoNotOptimize(s);
  }
  st.counters["GFLOPs"] = benchmark::Counter(2.0 * 16 * L * iters, benchmark::Counter::kIsIterationInvariantRate);
#else
  for (auto _ : st) benchmark::DoNotOptimize(st.iterations());
#endif
}

}  // namespace

#define EMBER_DENSE_SIZES(Q)                                                    \
  BENCHMARK(BM_matvec_dense<Q, 64>);                                            \
  BENCHMARK(BM_matvec_dense<Q, 128>);                                           \
  BENCHMARK(BM_matvec_dense<Q, 256>);                                           \
  BENCHMARK(BM_matvec_dense<Q, 512>);                                           \
  BENCHMARK(BM_matvec_dense<Q, 1024>);                                          \
  BENCHMARK(BM_matvec_dense<Q, 2048>)

EMBER_DENSE_SIZES(quant::f32);
EMBER_DENSE_SIZES(quant::int16);
EMBER_DENSE_SIZES(quant::int8);
EMBER_DENSE_SIZES(quant::int4);
BENCHMARK(BM_matvec_eigen_f32<64>);
BENCHMARK(BM_matvec_eigen_f32<128>);
BENCHMARK(BM_matvec_eigen_f32<256>);
BENCHMARK(BM_matvec_eigen_f32<512>);
BENCHMARK(BM_matvec_eigen_f32<1024>);
BENCHMARK(BM_matvec_eigen_f32<2048>);
BENCHMARK(BM_fma_peak);
// Probe sizes = fp32, int8 and int4 weight sizes of the matvecs above.
BENCHMARK(BM_read_bandwidth)->RangeMultiplier(2)->Range(2 << 10, 16 << 20);

BENCHMARK_MAIN();
