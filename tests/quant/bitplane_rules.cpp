// The rules of the binary / ternary policies: weight scales and thresholds (XNOR-Net, TWN),
// activation packing identical on every arch, zero / NaN inputs, aliasing, accumulator limits.
#include "bitplane_fixture.hpp"

#include <limits>

#include "ember/core/policy.hpp"

using namespace ember;
using namespace ember::test;

static_assert(quant_policy<quant::binary> && quant_policy<quant::xnor> && quant_policy<quant::ternary> &&
              quant_policy<quant::ternary_ternary> && quant_policy<quant::shared<16>>);
static_assert(!quant::byte_quant<quant::binary> && !quant::wide_quant<quant::binary> &&
              !quant::byte_quant<quant::shared<16>> && !quant::wide_quant<quant::ternary_weights<1>>);
static_assert(quant::bitplane_quant<quant::ternary> && !quant::bitplane_quant<quant::int2> &&
              quant::codebook_quant<quant::shared<4>> && !quant::codebook_quant<quant::int4>);
static_assert(std::is_same_v<policy<quant::xnor>::accum_type, std::int32_t> &&
              std::is_same_v<policy<quant::shared<>>::accum_type, float>);
static_assert(quant::format_of<quant::int8> == quant::weight_format::uniform &&
              quant::format_of<quant::xnor> == quant::weight_format::binary);

TEST_CASE("binary weights: alpha = mean |w| of the row, q = sign(w) with sign(0) = +1") {
  constexpr std::size_t R = 21, C = 77;
  lowbit_fixture<quant::binary, R, C> f;
  f.m[5] = 0.0f;  // row 0, column 5
  f.W->pack(f.m);
  for (std::size_t r = 0; r < R; ++r) {
    double s = 0;
    for (std::size_t c = 0; c < C; ++c) s += std::fabs(double(f.m[r * C + c]));
    CHECK(f.W->scale[r] == float(s / C));
    CHECK(f.W->nonzeros[r] == std::int32_t(C));
    for (std::size_t c = 0; c < C; ++c) CHECK(f.W->q(r, c) == (f.m[r * C + c] < 0 ? -1 : 1));
  }
  CHECK(f.W->q(0, 5) == 1);
  // Uniform weights on [-1, 1]: |w - 0.5 sign(w)| has variance 1/12 against E w^2 = 1/3.
  CHECK(f.report.rel_frobenius == doctest::Approx(0.5).epsilon(0.05));
}

TEST_CASE("ternary weights: TWN threshold 0.7 mean |w|, alpha = mean of the kept |w|") {
  constexpr std::size_t R = 19, C = 101;
  lowbit_fixture<quant::ternary, R, C> f;
  for (std::size_t r = 0; r < R; ++r) {
    double s = 0, kept = 0;
    std::int32_t n = 0;
    for (std::size_t c = 0; c < C; ++c) s += std::fabs(double(f.m[r * C + c]));
    const double delta = 0.7 * s / C;
    for (std::size_t c = 0; c < C; ++c) {
      const float w = f.m[r * C + c];
      const std::int32_t q = std::fabs(double(w)) > delta ? (w < 0 ? -1 : 1) : 0;
      CHECK(f.W->q(r, c) == q);
      if (q) {
        kept += std::fabs(double(w));
        ++n;
      }
    }
    CHECK(f.W->nonzeros[r] == n);
    CHECK(f.W->scale[r] == float(kept / n));
  }
  // Uniform on [-1, 1]: delta = 0.35, alpha = 0.675, relative error sqrt(0.0372 / (1/3)).
  CHECK(f.report.rel_frobenius == doctest::Approx(0.334).epsilon(0.05));
}

TEST_CASE("bit-plane weights: an all-zero row has scale 0 and yields the bias") {
  constexpr std::size_t R = 20, C = 40;
  const auto zero_row = [](auto& f) {
    for (std::size_t c = 0; c < C; ++c) f.m[3 * C + c] = 0.0f;
    f.W->pack(f.m);
    CHECK(f.W->scale[3] == 0.0f);
    const auto y = f.run(simd::native{});
    CHECK(y[3] == f.bias[3]);
  };
  lowbit_fixture<quant::binary, R, C> b;
  zero_row(b);
  lowbit_fixture<quant::ternary_ternary, R, C> t;
  zero_row(t);
}

namespace {
// Scalar and vector prepare() give the same buffer: scale, count and every bit.
template <class Q, std::size_t N>
void check_prepare(std::vector<float> x) {
  CAPTURE(Q::name);
  CAPTURE(N);
  x.resize(N);
  kernels::input_buffer<Q, N> ref;
  kernels::prepare(std::span<const float, N>(x.data(), N), ref, simd::common{});
  std::apply([&](auto... archs) {
    ([&](auto arch) {
      CAPTURE(arch.name());
      kernels::input_buffer<Q, N> got;
      got.neg.fill(0xdeadbeef);  // every word, padding included, must be rewritten
      if constexpr (Q::ternary_acts) got.nz.fill(0xdeadbeef);
      kernels::prepare(std::span<const float, N>(x.data(), N), got, arch);
      CHECK(got.scale == ref.scale);
      CHECK(got.count == ref.count);
      CHECK(std::ranges::equal(got.neg, ref.neg));
      CHECK(std::ranges::equal(got.nz, ref.nz));
    }(archs), ...);
  }, vector_archs{});
}
template <class Q>
void check_prepare_lengths(const std::vector<float>& x) {
  check_prepare<Q, 1>(x);
  check_prepare<Q, 15>(x);
  check_prepare<Q, 16>(x);
  check_prepare<Q, 17>(x);
  check_prepare<Q, 31>(x);
  check_prepare<Q, 32>(x);
  check_prepare<Q, 33>(x);
  check_prepare<Q, 65>(x);
  check_prepare<Q, 257>(x);
  check_prepare<Q, 1000>(x);
}
}  // namespace

TEST_CASE("bit-plane activations: every arch packs and scales bit for bit like the twin") {
  auto x = random_vector(1000, 99, -3.0f, 3.0f);
  check_prepare_lengths<quant::xnor>(x);
  check_prepare_lengths<quant::ternary_ternary>(x);
  // Zeros, NaN, infinities and exact threshold ties.
  for (std::size_t i = 0; i < x.size(); i += 7) x[i] = 0.0f;
  x[3] = std::numeric_limits<float>::quiet_NaN();
  x[40] = -0.0f;
  check_prepare_lengths<quant::xnor>(x);
  check_prepare_lengths<quant::ternary_ternary>(x);
  x[11] = std::numeric_limits<float>::infinity();
  check_prepare_lengths<quant::binary_weights<2>>(x);
}

TEST_CASE("bit-plane activations: the values and scales the kernels see") {
  constexpr std::size_t N = 8;
  const std::vector<float> x{1.0f, -2.0f, 0.0f, 0.5f, -0.25f, 4.0f, std::nanf(""), -1.25f};
  kernels::input_buffer<quant::xnor, N> b;
  kernels::prepare(std::span<const float, N>(x.data(), N), b, simd::native{});
  CHECK(b.scale == (1.0f + 2.0f + 0.5f + 0.25f + 4.0f + 1.25f) / 8.0f);  // NaN counts 0
  const int expect_b[N] = {1, -1, 1, 1, -1, 1, 1, -1};                     // sign(0) = sign(NaN) = +1
  for (std::size_t j = 0; j < N; ++j) CHECK(b.value(j) == expect_b[j]);
  kernels::input_buffer<quant::ternary_ternary, N> t;
  kernels::prepare(std::span<const float, N>(x.data(), N), t, simd::native{});
  // mean |x| = 9 / 8, delta = 0.7875: keeps 1, -2, 4, -1.25 (mean 2.0625)
  const int expect_t[N] = {1, -1, 0, 0, 0, 1, 0, -1};
  for (std::size_t j = 0; j < N; ++j) CHECK(t.value(j) == expect_t[j]);
  CHECK(t.count == 4);
  CHECK(t.scale == 8.25f / 4.0f);
  // A zero vector: scale 0, so y = c exactly.
  const std::vector<float> z(N, 0.0f);
  kernels::prepare(std::span<const float, N>(z.data(), N), b, simd::native{});
  CHECK(b.scale == 0.0f);
}

TEST_CASE("bit-plane matvec: zero input gives the bias; c may alias y") {
  constexpr std::size_t R = 70, C = 45;
  const auto check = [](auto& f) {
    using F = std::remove_reference_t<decltype(f)>;
    std::fill(f.x.begin(), f.x.end(), 0.0f);
    CHECK(std::ranges::equal(f.run(simd::native{}), f.bias));
    CHECK(std::ranges::equal(f.run(simd::common{}), f.bias));
    f.x = random_vector(C, 5);
    auto y = f.bias;
    auto in = std::make_unique<kernels::input_buffer<typename F::M::quant, C>>();
    kernels::prepare(std::span<const float, C>(f.x.data(), C), *in, simd::native{});
    kernels::matvec(*f.W, *in, y.data(), y.data(), simd::native{});
    CHECK(std::ranges::equal(y, f.run(simd::native{})));
  };
  lowbit_fixture<quant::binary, R, C> a;
  check(a);
  lowbit_fixture<quant::xnor, R, C> b;
  check(b);
  lowbit_fixture<quant::ternary, R, C> c;
  check(c);
  lowbit_fixture<quant::ternary_weights<1>, R, C> d;
  check(d);
}
