// Saturation at both ends for every quantization width (int16, int8, int4, int2, W8A4,
// fixed<8, F>, fixed<16, F>), for activations (quantized per call, on every architecture)
// and weights (at load); and the accumulator headroom at max_reduction for int4 and int2
// (int8's is in tests/kernels/dense_properties.cpp; int16's is a proof, below).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "edge_support.hpp"
#include "ember/kernels/matvec.hpp"

using namespace ember;

TEST_CASE_TEMPLATE("activation quantization saturates at +-qmax at both ends, on every architecture", Q, quant::int16,
                   quant::int8, quant::int4, quant::int2, quant::symmetric<8, 4>, quant::fixed<8, 4>,
                   quant::fixed<16, 8>) {
  CAPTURE(Q::name);
  constexpr std::size_t C = 70;  // not a multiple of any lane count: tails too
  constexpr bool fixed = Q::scale == quant::scale_kind::power_of_two;
  const float big = std::numeric_limits<float>::max();
  for (const float far : {1e6f, big}) {
    std::vector<float> x = test::random_vector(C, 11, -1.0f, 1.0f);
    x[0] = far;
    x[1] = -far;
    x[C - 1] = far;  // in the scalar tail of the vector loops
    test::for_each_arch([&](auto arch) {
      const std::string arch_name = arch.name();
      CAPTURE(arch_name);
      auto in = std::make_unique<kernels::input_buffer<Q, C>>();
      kernels::prepare(std::span<const float, C>(x.data(), C), *in, arch);
      CHECK(int(in->q[0]) == Q::act_qmax);
      CHECK(int(in->q[1]) == -Q::act_qmax);
      CHECK(int(in->q[C - 1]) == Q::act_qmax);
      for (std::size_t j = 0; j < C; ++j) CHECK(std::abs(int(in->q[j])) <= Q::act_qmax);
      if constexpr (fixed) {
        CHECK(in->scale == std::ldexp(1.0f, -int(Q::frac_bits)));  // saturated, scale unchanged
      } else {
        CHECK(in->scale == far / float(Q::act_qmax));  // the extreme sets the scale: exactly +-qmax
        CHECK(std::isfinite(in->scale));
      }
    });
  }
}

TEST_CASE_TEMPLATE("weight quantization: fixed<B, F> saturates at both ends; symmetric maps row extremes to +-qmax",
                   Q, quant::int16, quant::int8, quant::int4, quant::int2, quant::fixed<8, 4>, quant::fixed<16, 8>) {
  CAPTURE(Q::name);
  constexpr std::size_t R = 3, C = 37;
  using M = kernels::packed_matrix<matvec::dense, Q, R, C>;
  auto W = std::make_unique<M>();
  std::vector<float> m = test::random_vector(R * C, 5, -0.1f, 0.1f);
  m[0] = 1e30f;       // row 0: both ends far out of range
  m[1] = -1e30f;
  m[C + 3] = 2.5f;    // row 1: moderate extremes
  m[C + 4] = -2.5f;
  const auto rep = W->pack(m);
  if constexpr (Q::scale == quant::scale_kind::power_of_two) {
    const float top = float(Q::weight_qmax) * std::ldexp(1.0f, -int(Q::frac_bits));  // 127/16, 32767/256
    CHECK(W->at(0, 0) == top);
    CHECK(W->at(0, 1) == -top);
    CHECK(rep.saturated == (2.5f > top ? 4u : 2u));
  } else {
    CHECK(W->at(0, 0) == doctest::Approx(1e30));
    CHECK(W->at(0, 1) == doctest::Approx(-1e30));
    CHECK(W->at(1, 3) == doctest::Approx(2.5));
    CHECK(W->at(1, 4) == doctest::Approx(-2.5));
    CHECK(rep.saturated == 0);
  }
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) CHECK(std::isfinite(W->at(r, c)));
}

// int16: vpmaddwd pair sums are at most 2 * 32767^2 and are widened to int64 at once, so
// 2^32 pairs stay below 2^63: the bound max_reduction states, proven here at compile time.
static_assert(2ll * 32767 * 32767 <= std::numeric_limits<std::int32_t>::max());
static_assert(quant::int16::max_reduction <= (std::uint64_t{1} << 32));
static_assert((std::uint64_t{1} << 32) * (2ull * 32767 * 32767) < (std::uint64_t{1} << 63));

TEST_CASE_TEMPLATE("accumulator headroom at max_reduction: int4 and int2 exact at the int32 bound", Q, quant::int4,
                   quant::int2) {
  // Every weight +qmax (offset-binary 2^W - 1) against every activation +-127: the int32 sum
  // reaches K (2^W - 1) 127, the bound max_reduction is derived from (quant.hpp).
  constexpr std::size_t R = 2, C = Q::max_reduction;
  static_assert(2 * C * ((std::size_t{1} << Q::weight_bits) - 1) * 127 > 0x7fffffffu / 2,
                "C is the largest power of two under the bound, not a smaller one");
  CAPTURE(Q::name);
  using M = kernels::packed_matrix<matvec::dense, Q, R, C>;
  auto W = std::make_unique<M>();
  std::vector<float> m(R * C, 1.0f);
  for (std::size_t c = 0; c < C; ++c) m[C + c] = -1.0f;  // row 1 at -qmax
  W->pack(m);
  auto in = std::make_unique<kernels::input_buffer<Q, C>>();
  for (const float sign : {-1.0f, 1.0f}) {
    const std::vector<float> x(C, sign);
    std::vector<float> ref(R), y(R);
    kernels::prepare(std::span<const float, C>(x.data(), C), *in, simd::common{});
    kernels::matvec(*W, *in, ref.data(), nullptr, simd::common{});
    const double exact = double(Q::weight_qmax) * 127.0 * double(C);
    const float expected = float(exact) * (W->scale[0] * in->scale);
    CHECK(ref[0] == doctest::Approx(sign * expected).epsilon(1e-7));
    CHECK(ref[1] == doctest::Approx(-sign * expected).epsilon(1e-7));
    std::apply([&](auto... archs) {
      ([&](auto arch) {
        const std::string arch_name = arch.name();
      CAPTURE(arch_name);
        kernels::prepare(std::span<const float, C>(x.data(), C), *in, arch);
        kernels::matvec(*W, *in, y.data(), nullptr, arch);
        CHECK(y == ref);
      }(archs), ...);
    }, test::vector_archs{});
  }
}
