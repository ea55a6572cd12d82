// Delta projection kernels: prepare (threshold + compaction) and column accumulation, every
// vector architecture against the scalar twin; integer memory equals the dense row sums.
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <tuple>
#include <vector>

#include "ember/kernels/delta.hpp"
#include "test_support.hpp"

using namespace ember;
using namespace ember::kernels;

namespace {

// A slowly drifting sequence: each step moves a random subset of the inputs.
std::vector<float> drifting(std::size_t n, std::size_t steps, unsigned seed, float jump = 0.3f) {
  auto xs = test::random_vector(n * steps, seed);
  std::mt19937 g(seed + 1);
  std::bernoulli_distribution keep(0.7);
  std::uniform_real_distribution<float> d(-jump, jump);
  for (std::size_t t = 1; t < steps; ++t)
    for (std::size_t j = 0; j < n; ++j) xs[t * n + j] = keep(g) ? xs[(t - 1) * n + j] : xs[(t - 1) * n + j] + d(g);
  return xs;
}

template <class Q, std::size_t N, class A>
void check_prepare_matches(float theta, unsigned seed) {
  const std::size_t T = 20;
  const auto xs = drifting(N, T, seed);
  auto a = std::make_unique<delta_input<Q, N>>(), b = std::make_unique<delta_input<Q, N>>();
  CHECK(a->set_threshold(theta));
  CHECK(b->set_threshold(theta));
  for (std::size_t t = 0; t < T; ++t) {
    delta_prepare(xs.data() + t * N, *a, simd::common{});
    delta_prepare(xs.data() + t * N, *b, A{});
    REQUIRE(a->nnz == b->nnz);
    for (std::size_t k = 0; k < a->nnz; ++k) {
      CHECK(a->idx[k] == b->idx[k]);
      CHECK(a->dv[k] == b->dv[k]);
    }
    for (std::size_t j = 0; j < N; ++j) CHECK(a->xhat[j] == b->xhat[j]);
  }
  CHECK(a->counts.propagated == b->counts.propagated);
  CHECK(a->counts.steps == T);
}

template <class Q, std::size_t R, std::size_t C, class A>
void check_projection_matches(float theta, unsigned seed) {
  using Pr = projection<packed_matrix<matvec::dense, Q, R, C>, skip::delta>;
  const auto w = test::random_vector(R * C, seed, -0.5f, 0.5f);
  const auto bias = test::random_vector(R, seed + 7);
  const std::size_t T = 12;
  const auto xs = drifting(C, T, seed + 3);
  auto p0 = std::make_unique<Pr>(), p1 = std::make_unique<Pr>();
  p0->pack(w);
  p1->pack(w);
  auto i0 = std::make_unique<typename Pr::input_type>(), i1 = std::make_unique<typename Pr::input_type>();
  i0->set_threshold(theta);
  i1->set_threshold(theta);
  std::vector<float> y0(R), y1(R);
  for (std::size_t t = 0; t < T; ++t) {
    Pr::prepare(std::span<const float, C>(xs.data() + t * C, C), *i0, simd::common{});
    Pr::prepare(std::span<const float, C>(xs.data() + t * C, C), *i1, A{});
    p0->apply(*i0, y0.data(), bias.data(), simd::common{});
    p1->apply(*i1, y1.data(), bias.data(), A{});
    // same column order and fma in both: bit-identical, for fp32 too
    for (std::size_t r = 0; r < R; ++r) REQUIRE(y0[r] == y1[r]);
  }
}

}  // namespace

TEST_CASE_TEMPLATE_DEFINE("delta: vector prepare and accumulate match the scalar twin", A, delta_arch_test) {
  for (float theta : {0.0f, 0.05f, 0.2f, 1e30f}) {
    check_prepare_matches<quant::f32, 67, A>(theta, 1);
    check_prepare_matches<quant::int8, 67, A>(theta, 2);
    check_prepare_matches<quant::int16, 33, A>(theta, 3);
    check_projection_matches<quant::f32, 37, 45, A>(theta, 4);
    check_projection_matches<quant::f32, 200, 64, A>(theta, 5);
    check_projection_matches<quant::int8, 37, 45, A>(theta, 6);
    check_projection_matches<quant::int8, 272, 70, A>(theta, 7);
    check_projection_matches<quant::int16, 37, 45, A>(theta, 8);
    check_projection_matches<quant::int16, 150, 33, A>(theta, 9);
    check_projection_matches<quant::int4, 40, 20, A>(theta, 10);
    check_projection_matches<quant::fixed<16, 12>, 40, 20, A>(theta, 11);
  }
}
TEST_CASE_TEMPLATE_APPLY(delta_arch_test, test::vector_archs);

namespace {

// Theta = 0: the integer memory is exactly the dense row sum of the same grid, so the output
// equals the dense kernel's (any architecture) bit for bit, at every step.
template <class Q, std::size_t R, std::size_t C>
void check_integer_exact(unsigned seed) {
  using Pr = projection<packed_matrix<matvec::dense, Q, R, C>, skip::delta>;
  using D = packed_matrix<matvec::dense, Q, R, C>;
  const auto w = test::random_vector(R * C, seed, -0.5f, 0.5f);
  const auto bias = test::random_vector(R, seed + 1);
  const std::size_t T = 300;
  const auto xs = drifting(C, T, seed + 2);
  auto p = std::make_unique<Pr>();
  auto d = std::make_unique<D>();
  p->pack(w);
  d->pack(w);
  auto in = std::make_unique<typename Pr::input_type>();
  auto dense_in = std::make_unique<input_buffer<Q, C>>();
  std::vector<float> y(R), yd(R);
  for (std::size_t t = 0; t < T; ++t) {
    const float* x = xs.data() + t * C;
    Pr::prepare(std::span<const float, C>(x, C), *in, simd::native{});
    p->apply(*in, y.data(), bias.data(), simd::native{});
    // the dense kernel on the same fixed grid
    std::int32_t sum = 0;
    for (std::size_t j = 0; j < C; ++j) {
      dense_in->q[j] = static_cast<typename Q::act_type>(quantize_symmetric(x[j] * in->inv, Q::act_qmax));
      sum += dense_in->q[j];
    }
    dense_in->scale = in->scale;
    if constexpr (requires { dense_in->sum; }) dense_in->sum = sum;
    kernels::matvec(*d, *dense_in, yd.data(), bias.data(), simd::native{});
    for (std::size_t r = 0; r < R; ++r) REQUIRE(y[r] == yd[r]);
    for (std::size_t j = 0; j < C; ++j) REQUIRE(in->xhat[j] == dense_in->q[j]);
  }
}

}  // namespace

TEST_CASE("delta: integer Theta = 0 equals the dense kernel bit for bit (300 steps)") {
  check_integer_exact<quant::int8, 96, 80>(21);
  check_integer_exact<quant::int16, 48, 40>(22);
  check_integer_exact<quant::fixed<8, 5>, 40, 24>(23);
  check_integer_exact<quant::fixed<16, 12>, 40, 24>(24);
  check_integer_exact<quant::int4, 40, 24>(25);
}

TEST_CASE("delta: thresholds, first step, huge and negative thresholds") {
  delta_input<quant::f32, 8> in;
  CHECK_FALSE(in.set_threshold(-0.1f));
  CHECK_FALSE(in.set_threshold(std::nanf("")));
  CHECK(in.threshold == 0.0f);
  CHECK(in.set_threshold(1e30f));
  const float x0[8] = {0.5f, -0.25f, 0, 1, 2, -3, 0.001f, 0};
  delta_prepare(x0, in, simd::native{});
  CHECK(in.nnz == 6);  // first step: every non-zero column, whatever Theta
  const float x1[8] = {5, -5, 5, -5, 5, -5, 5, -5};
  delta_prepare(x1, in, simd::native{});
  CHECK(in.nnz == 0);  // then nothing reaches 1e30
  CHECK(in.counts.steps == 2);
  CHECK(in.counts.propagated == 6);
  CHECK(in.counts.last == 0);
  in.reset();
  CHECK(in.set_threshold(0.5f));
  delta_prepare(x0, in, simd::native{});
  delta_prepare(x1, in, simd::native{});
  CHECK(in.nnz == 8);
  const float x2[8] = {5.4f, -5.5f, 5, -5, 5.6f, -5, 5, -5};
  delta_prepare(x2, in, simd::native{});
  CHECK(in.nnz == 2);  // |0.4| < 0.5 stays; 0.5 and 0.6 propagate
  CHECK(in.idx[0] == 1);
  CHECK(in.idx[1] == 4);
  CHECK(in.xhat[0] == 5.0f);  // x-hat keeps the last propagated value
}
