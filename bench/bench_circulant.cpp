// Block-circulant matvec (matvec::circulant<K>) beside ember's dense fp32 matvec and beside
// the same block algorithm built on FFTW (batched r2c/c2r plans); plus the batched size-K
// FFT alone (forward and inverse), ember vs FFTW. Items = n^2 weights of the equivalent dense matrix per call
// (matvec) or transforms per call (FFT); compare items/s across rows of the same n.
#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "ember/kernels/matvec.hpp"

using namespace ember;

namespace {

std::vector<float> uniform(std::size_t n, unsigned seed) {
  std::vector<float> v(n);
  std::uint32_t s = seed * 2654435761u + 1;
  for (auto& e : v) {
    s = s * 1664525u + 1013904223u;
    e = float(s >> 8) / float(1u << 24) - 0.5f;
  }
  return v;
}

template <class Q, std::size_t N>
void BM_dense(benchmark::State& st) {
  using M = kernels::packed_matrix<matvec::dense, Q, N, N>;
  auto W = std::make_unique<M>();
  W->pack(uniform(N * N, 1));
  const auto x = uniform(N, 2);
  std::vector<float> y(N), b = uniform(N, 3);
  kernels::input_buffer<Q, N> in;
  for (auto _ : st) {
    kernels::matvec(*W, std::span<const float, N>(x.data(), N), in, std::span<float, N>(y.data(), N),
                    std::span<const float>(b));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * std::int64_t(N * N));
}

template <std::size_t K, class Q, std::size_t N>
void BM_circulant(benchmark::State& st) {
  using M = kernels::packed_matrix<matvec::circulant<K>, Q, N, N>;
  auto W = std::make_unique<M>();
  W->pack(uniform(N * N, 1));
  const auto x = uniform(N, 2);
  std::vector<float> y(N), b = uniform(N, 3);
  kernels::input_buffer<Q, N> in;
  for (auto _ : st) {
    kernels::matvec(*W, std::span<const float, N>(x.data(), N), in, std::span<float, N>(y.data(), N),
                    std::span<const float>(b));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * std::int64_t(N * N));
  st.counters["weight_KiB"] = double(sizeof(W->w)) / 1024.0;
}

// The same algorithm on FFTW: one batched r2c plan for the q input blocks (split re/im
// output, component-major like ember's), the frequency-domain multiply-accumulate as plain
// loops the compiler vectorizes across output blocks, one batched c2r plan, then the bias.
template <std::size_t K, std::size_t N>
void BM_fftw_circulant(benchmark::State& st) {
  constexpr int p = int(N / K), q = int(N / K), H = int(K / 2 + 1);
  using kernels::fft::forward;
  // Spectra of the projected blocks, /K folded in, layout [k][j][i] (i contiguous).
  using M = kernels::packed_matrix<matvec::circulant<K>, quant::f32, N, N>;
  auto W = std::make_unique<M>();
  W->pack(uniform(N * N, 1));
  std::vector<float> wr(std::size_t(H * q * p)), wi(std::size_t(H * q * p));
  for (int i = 0; i < p; ++i)
    for (int j = 0; j < q; ++j)
      for (int k = 0; k < H; ++k) {
        const std::size_t o = std::size_t((k * q + j) * p + i);
        if (k == 0) wr[o] = float(W->spectrum(i, j, 0)), wi[o] = 0;
        else if (k == H - 1) wr[o] = float(W->spectrum(i, j, 1)), wi[o] = 0;
        else wr[o] = float(W->spectrum(i, j, 2 * k)), wi[o] = float(W->spectrum(i, j, 2 * k + 1));
      }
  auto x = uniform(N, 2);
  std::vector<float> y(N), b = uniform(N, 3);
  float* xr = fftwf_alloc_real(std::size_t(H * q));
  float* xi = fftwf_alloc_real(std::size_t(H * q));
  float* yr = fftwf_alloc_real(std::size_t(H * p));
  float* yi = fftwf_alloc_real(std::size_t(H * p));
  fftwf_iodim dim{int(K), 1, q};   // n, input stride, output stride (component-major)
  fftwf_iodim many{q, int(K), 1};  // q transforms: input distance K, output distance 1
  fftwf_plan fwd = fftwf_plan_guru_split_dft_r2c(1, &dim, 1, &many, x.data(), xr, xi, FFTW_MEASURE);
  fftwf_iodim idim{int(K), p, 1}, imany{p, 1, int(K)};
  fftwf_plan inv = fftwf_plan_guru_split_dft_c2r(1, &idim, 1, &imany, yr, yi, y.data(), FFTW_MEASURE);
  x = uniform(N, 2);  // FFTW_MEASURE overwrites its arrays
  for (auto _ : st) {
    fftwf_execute_split_dft_r2c(fwd, x.data(), xr, xi);
    for (int k = 0; k < H; ++k) {
      float* __restrict__ ar = yr + k * p;
      float* __restrict__ ai = yi + k * p;
      for (int i = 0; i < p; ++i) ar[i] = ai[i] = 0;
      for (int j = 0; j < q; ++j) {
        const float br = xr[k * q + j], bi = xi[k * q + j];
        const float* __restrict__ cr = wr.data() + std::size_t((k * q + j) * p);
        const float* __restrict__ ci = wi.data() + std::size_t((k * q + j) * p);
        for (int i = 0; i < p; ++i) {
          ar[i] += cr[i] * br - ci[i] * bi;
          ai[i] += cr[i] * bi + ci[i] * br;
        }
      }
    }
    fftwf_execute_split_dft_c2r(inv, yr, yi, y.data());
    for (std::size_t r = 0; r < N; ++r) y[r] += b[r];
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * std::int64_t(N * N));
  fftwf_destroy_plan(fwd);
  fftwf_destroy_plan(inv);
  fftwf_free(xr);
  fftwf_free(xi);
  fftwf_free(yr);
  fftwf_free(yi);
}

// Batched size-K real FFT alone: N / K transforms of contiguous blocks.
template <std::size_t K, std::size_t N>
void BM_fft_ember(benchmark::State& st) {
  const auto x = uniform(N, 4);
  constexpr std::size_t stride = round_up(N / K, kernels::fft::max_lanes);
  std::vector<float, std::allocator<float>> spec(K * stride);
  for (auto _ : st) {
    kernels::fft::forward_blocks<K>(x.data(), N, spec.data(), stride, simd::native{});
    benchmark::DoNotOptimize(spec.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * std::int64_t(N / K));
}

template <std::size_t K, std::size_t N>
void BM_fft_fftw(benchmark::State& st) {
  auto x = uniform(N, 4);
  fftwf_complex* out = fftwf_alloc_complex((K / 2 + 1) * (N / K));
  const int n = int(K);
  fftwf_plan plan = fftwf_plan_many_dft_r2c(1, &n, int(N / K), x.data(), nullptr, 1, int(K), out, nullptr, 1,
                                            int(K / 2 + 1), FFTW_MEASURE);
  x = uniform(N, 4);
  for (auto _ : st) {
    fftwf_execute_dft_r2c(plan, x.data(), out);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * std::int64_t(N / K));
  fftwf_destroy_plan(plan);
  fftwf_free(out);
}

template <std::size_t K, std::size_t N>
void BM_ifft_ember(benchmark::State& st) {
  constexpr std::size_t stride = round_up(N / K, kernels::fft::max_lanes);
  const auto spec = uniform(K * stride, 5);
  std::vector<float> y(N);
  for (auto _ : st) {
    kernels::fft::inverse_blocks<K>(spec.data(), stride, N, y.data(), simd::native{});
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * std::int64_t(N / K));
}

template <std::size_t K, std::size_t N>
void BM_ifft_fftw(benchmark::State& st) {
  fftwf_complex* in = fftwf_alloc_complex((K / 2 + 1) * (N / K));
  std::vector<float> y(N);
  const int n = int(K);
  fftwf_plan plan = fftwf_plan_many_dft_c2r(1, &n, int(N / K), in, nullptr, 1, int(K / 2 + 1), y.data(), nullptr, 1,
                                            int(K), FFTW_MEASURE | FFTW_PRESERVE_INPUT);
  const auto v = uniform(2 * (K / 2 + 1) * (N / K), 5);
  for (std::size_t i = 0; i < (K / 2 + 1) * (N / K); ++i) in[i][0] = v[2 * i], in[i][1] = v[2 * i + 1];
  for (auto _ : st) {
    fftwf_execute_dft_c2r(plan, in, y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * std::int64_t(N / K));
  fftwf_destroy_plan(plan);
  fftwf_free(in);
}

}  // namespace

#define EMBER_CIRCULANT_ROW(N)                                                   \
  BENCHMARK(BM_dense<quant::f32, N>);                                            \
  BENCHMARK(BM_circulant<4, quant::f32, N>);                                     \
  BENCHMARK(BM_circulant<8, quant::f32, N>);                                     \
  BENCHMARK(BM_circulant<16, quant::f32, N>);                                    \
  BENCHMARK(BM_circulant<32, quant::f32, N>);                                    \
  BENCHMARK(BM_fftw_circulant<4, N>);                                            \
  BENCHMARK(BM_fftw_circulant<8, N>);                                            \
  BENCHMARK(BM_fftw_circulant<16, N>);                                           \
  BENCHMARK(BM_fftw_circulant<32, N>);                                           \
  BENCHMARK(BM_fft_ember<4, N>);                                                 \
  BENCHMARK(BM_fft_fftw<4, N>);                                                 \
  BENCHMARK(BM_ifft_ember<4, N>);                                               \
  BENCHMARK(BM_ifft_fftw<4, N>);                                                  \
  BENCHMARK(BM_fft_ember<8, N>);                                                 \
  BENCHMARK(BM_fft_fftw<8, N>);                                                 \
  BENCHMARK(BM_ifft_ember<8, N>);                                               \
  BENCHMARK(BM_ifft_fftw<8, N>);                                                  \
  BENCHMARK(BM_fft_ember<16, N>);                                                \
  BENCHMARK(BM_fft_fftw<16, N>);                                                 \
  BENCHMARK(BM_ifft_ember<16, N>);                                               \
  BENCHMARK(BM_ifft_fftw<16, N>);                                                 \
  BENCHMARK(BM_fft_ember<32, N>);                                                \
  BENCHMARK(BM_fft_fftw<32, N>);                                                 \
  BENCHMARK(BM_ifft_ember<32, N>);                                               \
  BENCHMARK(BM_ifft_fftw<32, N>)

EMBER_CIRCULANT_ROW(256);
EMBER_CIRCULANT_ROW(512);
EMBER_CIRCULANT_ROW(1024);
EMBER_CIRCULANT_ROW(2048);
BENCHMARK(BM_circulant<8, quant::int8, 1024>);
BENCHMARK(BM_circulant<16, quant::int8, 1024>);
BENCHMARK(BM_circulant<8, quant::int16, 1024>);

BENCHMARK_MAIN();
