// Layer contracts of the convolution family: parameter names and shapes (the loader's
// view), constexpr workloads for the cost model, batch-norm folding in any load order,
// sequence edge cases, pooling / flatten shapes.
#include <doctest/doctest.h>

#include <memory>
#include <string_view>
#include <vector>

#include "conv_reference.hpp"

using namespace ember;

namespace {
using L1 = conv2d<16, 32, 32, 32, 3, policy<quant::int8>, 1, 1, pad::same, 1, activation::relu>;
using DW = depthwise_conv2d<32, 16, 16, 3, policy<>, 2, 1, pad::symmetric(1)>;
using TCN = conv1d<64, 64, 3, policy<quant::int4>, 1, 4, pad::causal>;

// Shapes and workloads are compile-time facts.
static_assert(L1::in_size == 16 * 32 * 32 && L1::out_size == 32 * 32 * 32);
static_assert(L1::channels == 32 && L1::height == 32 && L1::width == 32);
static_assert(DW::height == 8 && DW::width == 8 && DW::out_size == 32 * 64);
static_assert(TCN::in_size == 64 && TCN::out_size == 64 && TCN::out_steps(100) == 100);
static_assert(conv1d<5, 7, 5, policy<>, 2, 1, pad::symmetric(2)>::out_steps(33) == 17);
static_assert(conv1d<9, 5, 3, policy<>, 2>::out_steps(30) == 14 && conv1d<9, 5, 3>::out_steps(2) == 0);

constexpr auto w_l1 = L1::workload();
static_assert(w_l1.n_gemms == 1 && w_l1.gemms[0].M == 32 * 32 && w_l1.gemms[0].N == 32 && w_l1.gemms[0].K == 16 * 9);
static_assert(w_l1.gemms[0].weight_bits == 8 && w_l1.gemms[0].act_bits == 8);
static_assert(w_l1.has_conv && !w_l1.conv.is_pool && w_l1.conv.kernel_h == 3 && w_l1.conv.out_w == 32);
static_assert(w_l1.n_elts == 1 && w_l1.elts[0].kind == cost::eltwise_kind::relu);
static_assert(w_l1.dense_macs() == 32.0 * 32 * 32 * 16 * 9);
constexpr auto w_dw = DW::workload(3);
static_assert(w_dw.gemms[0].K == 9 && w_dw.gemms[0].M == 64 && w_dw.gemms[0].repeat == 3 && w_dw.conv.groups == 32);
static_assert(w_dw.dense_macs() == 3.0 * 64 * 32 * 9);
constexpr auto w_tcn = TCN::workload(100);
static_assert(w_tcn.gemms[0].M == 100 && w_tcn.gemms[0].K == 192 && w_tcn.gemms[0].weight_bits == 4);
static_assert(w_tcn.conv.in_w == 100 && w_tcn.conv.kernel_w == 3 && w_tcn.mem.state_bytes == 9 * 64);
constexpr auto w_pool = max_pool2d<8, 16, 16, 2>::workload();
static_assert(w_pool.has_conv && w_pool.conv.is_pool && w_pool.n_gemms == 0 && w_pool.elts[0].count == 8 * 8 * 8 * 4);
static_assert(global_avg_pool2d<8, 4, 4>::workload().conv.is_pool && flatten<8, 4, 4>::out_size == 128);

bool spec_is(const io::param_spec& p, std::string_view name, std::size_t rank, std::size_t count) {
  return p.name == name && p.rank == rank && p.count() == count;
}
}  // namespace

TEST_CASE("conv layers: parameters under PyTorch names and shapes") {
  constexpr auto p2 = conv2d<6, 9, 9, 4, 3, policy<>, 1, 1, pad::valid, 2>::params();
  CHECK(p2.size() == 2);
  CHECK(spec_is(p2[0], "weight", 4, 4 * 3 * 3 * 3));
  CHECK(p2[0].shape == std::array<std::size_t, 4>{4, 3, 3, 3});
  CHECK(spec_is(p2[1], "bias", 1, 4));
  CHECK(conv2d<6, 9, 9, 4, 3, policy<>, 1, 1, pad::valid, 1, activation::none, false>::params().size() == 1);
  constexpr auto p1 = TCN::params();
  CHECK(spec_is(p1[0], "weight", 3, 64 * 64 * 3));
  CHECK(p1[0].shape == std::array<std::size_t, 4>{64, 64, 3, 0});
  constexpr auto pb = conv_bn<L1, "0", "1", true>::params();
  REQUIRE(pb.size() == 6);
  CHECK(spec_is(pb[0], "0.weight", 4, 32 * 16 * 9));
  CHECK(spec_is(pb[1], "0.bias", 1, 32));
  CHECK(spec_is(pb[2], "1.weight", 1, 32));
  CHECK(spec_is(pb[5], "1.running_var", 1, 32));
  constexpr auto pc = conv_bn<TCN, "", "bn">::params();
  CHECK(pc.size() == 5);
  CHECK(spec_is(pc[0], "weight", 3, 64 * 64 * 3));
  CHECK(spec_is(pc[4], "bn.running_var", 1, 64));
  CHECK(max_pool2d<3, 8, 8, 2>::params().empty());
}

TEST_CASE("conv layers: set_param reports the weight quantization error") {
  auto f = std::make_unique<conv2d<8, 6, 6, 8, 3>>();
  auto q = std::make_unique<conv2d<8, 6, 6, 8, 3, policy<quant::int4>>>();
  const auto w = test::random_vector(8 * 8 * 9, 3);
  const auto rf = f->set_param(0, w), rq = q->set_param(0, w);
  CHECK(rf.max_abs_error == 0);
  CHECK(rq.max_abs_error > 0);
  CHECK(rq.rel_frobenius > 0);
  CHECK(rq.rel_frobenius < 0.2);
  CHECK(rq.saturated == 0);
}

TEST_CASE_TEMPLATE("conv_bn: the fold does not depend on the load order", Q, quant::f32, quant::int8) {
  using C = conv2d<4, 7, 7, 6, 3, policy<Q>, 1, 1, pad::symmetric(1), 1, activation::relu>;
  using L = conv_bn<C, "conv", "bn", true>;
  std::vector<std::vector<float>> v{test::random_vector(6 * 4 * 9, 1), test::random_vector(6, 2),
                                    test::random_vector(6, 3, 0.5f, 1.5f), test::random_vector(6, 4),
                                    test::random_vector(6, 5), test::random_vector(6, 6, 0.5f, 1.0f)};
  const auto x = test::random_vector(L::in_size, 7);
  const auto run = [&](std::initializer_list<std::size_t> order) {
    auto l = std::make_unique<L>();
    for (std::size_t i : order) l->set_param(i, v[i]);
    std::vector<float> y(L::out_size);
    l->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(y.data(), L::out_size));
    return y;
  };
  const auto a = run({0, 1, 2, 3, 4, 5}), b = run({2, 3, 4, 5, 1, 0}), c = run({3, 0, 5, 2, 1, 4});
  CHECK(std::ranges::equal(a, b));
  CHECK(std::ranges::equal(a, c));
  // Folded by hand: a conv2d with W' = a W, b' = a (b - mean) + beta.
  auto ref = std::make_unique<C>();
  std::vector<float> w = v[0], bias(6);
  for (std::size_t c2 = 0; c2 < 6; ++c2) {
    const float f = v[2][c2] / std::sqrt(v[5][c2] + 1e-5f);
    bias[c2] = (v[1][c2] - v[4][c2]) * f + v[3][c2];
    if constexpr (!Q::is_integer) for (std::size_t k = 0; k < 4 * 9; ++k) w[c2 * 36 + k] *= f;
  }
  ref->set_param(0, w);
  ref->set_param(1, bias);
  if constexpr (Q::is_integer) {  // quantize W, then fold the factor into the channel scale
    std::vector<float> f(6);
    for (std::size_t c2 = 0; c2 < 6; ++c2) f[c2] = v[2][c2] / std::sqrt(v[5][c2] + 1e-5f);
    ref->kernel().scale_channels(f);
  }
  std::vector<float> y(L::out_size);
  ref->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(y.data(), L::out_size));
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(a[i] == doctest::Approx(y[i]).epsilon(1e-6));
}

TEST_CASE("conv1d forward: short output spans, too-short sequences, reset state") {
  using L = conv1d<3, 2, 3, policy<>, 1, 1, pad::valid>;
  auto l = std::make_unique<L>();
  l->set_param(0, test::random_vector(2 * 3 * 3, 1));
  const auto x = test::random_vector(10 * 3, 2);
  std::vector<float> full(8 * 2), part(3 * 2 + 1, 42.0f);
  CHECK(l->forward(x, full) == 8);
  CHECK(l->forward(x, part) == 3);  // fits three steps
  CHECK(std::equal(part.begin(), part.begin() + 6, full.begin()));
  CHECK(part[6] == 42.0f);
  CHECK(l->forward(std::span<const float>(x.data(), 2 * 3), full) == 0);  // window does not fit
  // forward() leaves the stream reset: the first step of a valid conv yields nothing yet.
  std::vector<float> y(2);
  CHECK_FALSE(l->step(std::span<const float, 3>(x.data(), 3), std::span<float, 2>(y.data(), 2)));
}

TEST_CASE("flatten and global pooling: shapes and values") {
  flatten<2, 2, 3> f;
  const auto x = test::random_vector(12, 1);
  std::vector<float> y(12);
  f.forward(std::span<const float, 12>(x.data(), 12), std::span<float, 12>(y.data(), 12));
  CHECK(std::ranges::equal(x, y));
  global_avg_pool1d<3> g;
  std::vector<float> m(3);
  CHECK(g.forward(x, m) == 1);  // 4 steps of 3 channels
  CHECK(m[1] == doctest::Approx((x[1] + x[4] + x[7] + x[10]) / 4));
  CHECK(g.forward(std::span<const float>(), m) == 0);
}
