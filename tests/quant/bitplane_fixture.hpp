// Shared fixture of the binary / ternary tests: one packed matrix and input per (policy,
// shape), every vector arch against the scalar twin, and an independent integer reference.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <tuple>
#include <vector>

#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

namespace ember::test {

/// The activation integers of a prepared input, whatever its encoding.
template <class Q, std::size_t C>
std::int32_t act_value(const kernels::input_buffer<Q, C>& in, std::size_t j) {
  if constexpr (Q::act_bits == 8) return in.q[j];
  else return in.value(j);
}

/// Independent reference of the activation quantizer, in double: returns the integers
/// and the scale the kernel should see (the threshold is recomputed from the definition).
template <class Q>
std::pair<std::vector<std::int32_t>, double> reference_acts(const std::vector<float>& x) {
  const std::size_t n = x.size();
  std::vector<std::int32_t> q(n);
  double sum = 0, amax = 0;
  for (float v : x) {
    if (v != v) continue;
    sum += std::fabs(double(v));
    amax = std::max(amax, std::fabs(double(v)));
  }
  const double mean = n ? sum / double(n) : 0.0;
  if constexpr (Q::act_bits == 8) {
    const float inv = amax > 0 ? 127.0f / float(amax) : 1.0f;
    for (std::size_t j = 0; j < n; ++j) q[j] = quantize_symmetric(x[j] * inv, 127);
    return {q, amax > 0 ? amax / 127.0 : 1.0};
  } else if constexpr (Q::act_bits == 1) {
    for (std::size_t j = 0; j < n; ++j) q[j] = x[j] < 0 ? -1 : 1;
    return {q, mean};
  } else {
    const double delta = double(0.7f * float(mean));
    double kept = 0;
    std::size_t count = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double a = std::fabs(double(x[j]));
      q[j] = a > delta ? (x[j] < 0 ? -1 : 1) : 0;
      if (q[j]) kept += a, ++count;
    }
    return {q, count ? kept / double(count) : 0.0};
  }
}

template <class Q, std::size_t R, std::size_t C>
struct lowbit_fixture {
  using M = kernels::packed_matrix<matvec::dense, Q, R, C>;
  std::unique_ptr<M> W = std::make_unique<M>();
  std::vector<float> m = random_vector(R * C, 1000 + R * 7 + C);
  std::vector<float> x = random_vector(C, 2000 + C);
  std::vector<float> bias = random_vector(R, 3000 + R);
  kernels::quant_report report = W->pack(m);

  template <class Arch>
  std::vector<float> run(Arch arch, bool with_bias = true) const {
    auto in = std::make_unique<kernels::input_buffer<Q, C>>();
    std::vector<float> y(R, -7.0f);
    kernels::prepare(std::span<const float, C>(x.data(), C), *in, arch);
    kernels::matvec(*W, *in, y.data(), with_bias ? bias.data() : nullptr, arch);
    return y;
  }
};

/// Every vector arch bit-exact with the twin, the twin's integers equal to an independent
/// dot product of W.q with the reference activation integers, and its output within
/// float rounding of alpha * beta * acc + bias.
template <class Q, std::size_t R, std::size_t C>
void check_lowbit_shape() {
  CAPTURE(Q::name);
  CAPTURE(R);
  CAPTURE(C);
  lowbit_fixture<Q, R, C> f;
  const auto ref = f.run(simd::common{});
  std::apply([&](auto... archs) {
    ([&](auto arch) {
      CAPTURE(arch.name());
      CHECK(std::ranges::equal(f.run(arch), ref));
      CHECK(std::ranges::equal(f.run(arch, false), f.run(simd::common{}, false)));
    }(archs), ...);
  }, vector_archs{});

  const auto [xq, xs] = reference_acts<Q>(f.x);
  auto in = std::make_unique<kernels::input_buffer<Q, C>>();
  kernels::prepare(std::span<const float, C>(f.x.data(), C), *in, simd::common{});
  CHECK(double(in->scale) == doctest::Approx(xs).epsilon(1e-6));
  std::size_t act_mismatch = 0;
  for (std::size_t j = 0; j < C; ++j) act_mismatch += act_value(*in, j) != xq[j];
  CHECK(act_mismatch == 0);
  for (std::size_t r = 0; r < R; ++r) {
    std::int64_t acc = 0;
    for (std::size_t c = 0; c < C; ++c) acc += std::int64_t(f.W->q(r, c)) * xq[c];
    const double expect = double(acc) * double(f.W->scale[r]) * double(in->scale) + double(f.bias[r]);
    const double mag = std::fabs(double(acc) * double(f.W->scale[r]) * double(in->scale)) + std::fabs(f.bias[r]);
    INFO("row " << r);
    CHECK(std::fabs(double(ref[r]) - expect) <= 4e-7 * mag + 1e-30);
  }
}

template <class Q>
void check_lowbit_shapes() {
  check_lowbit_shape<Q, 1, 1>();
  check_lowbit_shape<Q, 3, 3>();
  check_lowbit_shape<Q, 17, 17>();
  check_lowbit_shape<Q, 16, 64>();
  check_lowbit_shape<Q, 1, 1000>();
  check_lowbit_shape<Q, 1000, 3>();
  check_lowbit_shape<Q, 130, 257>();
  check_lowbit_shape<Q, 300, 300>();
}

}  // namespace ember::test
