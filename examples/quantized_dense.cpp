// A 512 x 512 dense layer in fp32, int8 and int4: quantization error against fp32 and
// time per matvec on this CPU. Run: build/release/examples/quantized_dense
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include <ember/kernels/matvec.hpp>

using namespace ember;

constexpr std::size_t N = 512;

template <class Q>
void run(const std::vector<float>& w, const std::vector<float>& x, const std::vector<float>& y_ref) {
  using M = kernels::packed_matrix<matvec::dense, Q, N, N>;
  auto W = std::make_unique<M>();                 // weights packed once, at load
  const kernels::quant_report rep = W->pack(w);
  kernels::input_buffer<Q, N> in;
  std::vector<float> y(N);
  const std::span<const float, N> xs(x.data(), N);

  kernels::matvec(*W, xs, in, std::span<float, N>(y.data(), N));
  double err = 0, ref = 0;
  for (std::size_t i = 0; i < N; ++i) {
    err += (y[i] - y_ref[i]) * double(y[i] - y_ref[i]);
    ref += y_ref[i] * double(y_ref[i]);
  }

  const int reps = 2000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; ++r) kernels::matvec(*W, xs, in, std::span<float, N>(y.data(), N));
  const auto t1 = std::chrono::steady_clock::now();
  const double us = std::chrono::duration<double, std::micro>(t1 - t0).count() / reps;
  std::printf("%-4s  weights %7zu B  weight error %.2e  output error %.2e  %8.2f us/matvec  %6.1f GOP/s\n",
              Q::name, sizeof(M), rep.rel_frobenius, std::sqrt(err / ref), us, 2.0 * N * N / us * 1e-3);
}

int main() {
  std::mt19937 g(42);
  std::normal_distribution<float> d(0.0f, 1.0f / std::sqrt(float(N)));
  std::vector<float> w(N * N), x(N), y_ref(N, 0.0f);
  for (auto& v : w) v = d(g);
  for (auto& v : x) v = d(g) * std::sqrt(float(N));
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) y_ref[i] += w[i * N + j] * x[j];

  std::printf("ember %s kernels, %zu x %zu dense layer\n", simd::native::name(), N, N);
  run<quant::f32>(w, x, y_ref);
  run<quant::int16>(w, x, y_ref);
  run<quant::int8>(w, x, y_ref);
  run<quant::int4>(w, x, y_ref);
  return 0;
}
