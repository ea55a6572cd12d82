// The layer contract (docs/design.md, "Layers"): parameter names and shapes, workload(),
// state get/set and reset, chunking and split sequences, no heap on step/forward.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <vector>

#include "ember/layers/bidirectional.hpp"
#include "ember/layers/dense.hpp"
#include "ember/layers/gru.hpp"
#include "ember/layers/lstm.hpp"
#include "ember/layers/qrnn.hpp"
#include "ember/layers/sru.hpp"
#include "test_support.hpp"

#include "count_allocations.hpp"  // this executable's operator new counts

using namespace ember;

namespace {

constexpr bool same(const io::param_spec& p, std::string_view name, std::size_t r, std::size_t c = 0) {
  return p.name == name && p.shape[0] == r && p.shape[1] == c && p.rank == (c ? 2u : 1u);
}

// PyTorch names and shapes, checked at compile time.
static_assert(lstm<5, 7, policy<>, 2>::params().size() == 8);
static_assert(same(lstm<5, 7, policy<>, 2>::params()[0], "weight_ih_l0", 28, 5));
static_assert(same(lstm<5, 7, policy<>, 2>::params()[4], "weight_ih_l1", 28, 7));
static_assert(same(lstm<5, 7, policy<>, 2>::params()[7], "bias_hh_l1", 28));
static_assert(same(gru<5, 7>::params()[1], "weight_hh_l0", 21, 7));
static_assert(same(sru<5, 7, policy<>, 2>::params()[0], "weight_l0", 28, 5));  // highway rows
static_assert(same(sru<5, 7, policy<>, 2>::params()[3], "weight_l1", 21, 7));  // In == H: none
static_assert(same(sru<5, 7, policy<>, 2>::params()[5], "bias_l1", 14));
static_assert(same(dense<33, 70>::params()[0], "weight", 70, 33));
static_assert(same(lstm<3, 4, policy<>, 12>::params()[47], "bias_hh_l11", 16));
static_assert(lstm<32, 128>::in_size == 32 && lstm<32, 128>::out_size == 128);
static_assert(lstm<32, 128, policy<>, 3>::state_size == 2 * 3 * 128);
static_assert(layer<lstm<4, 4>> && layer<gru<4, 4>> && layer<sru<4, 4>> && layer<dense<4, 4>>);

// workload(): constexpr, input projection of the sequence as one GEMM (M = T), recurrent
// GEMMs per step, levels above the first merged into one entry with a repeat count.
constexpr auto lw = lstm<32, 128, policy<quant::int8>, 3>::workload(100);
static_assert(lw.n_gemms == 4);
static_assert(lw.gemms[0].M == 100 && lw.gemms[0].N == 512 && lw.gemms[0].K == 32 && lw.gemms[0].repeat == 1);
static_assert(lw.gemms[1].M == 1 && lw.gemms[1].K == 128 && lw.gemms[1].repeat == 100);
static_assert(lw.gemms[2].M == 100 && lw.gemms[2].K == 128 && lw.gemms[2].repeat == 2);
static_assert(lw.gemms[3].M == 1 && lw.gemms[3].repeat == 200);
static_assert(lw.gemms[0].weight_bits == 8 && lw.gemms[0].act_bits == 8);
static_assert(lw.dense_macs() == 100.0 * 512 * (32 + 128) + 2 * 100.0 * 512 * (128 + 128));
static_assert(lw.elts[0].kind == cost::eltwise_kind::sigmoid && lw.elts[0].count == 384 && lw.elts[0].repeat == 300);
using packed_ih8 = kernels::packed_matrix<matvec::dense, quant::int8, 512, 32>;
using packed_hh8 = kernels::packed_matrix<matvec::dense, quant::int8, 512, 128>;
static_assert(lw.mem.weight_bytes ==
              sizeof(packed_ih8) + 5 * sizeof(packed_hh8) + 3 * 2 * 512 * sizeof(float));
static_assert(lw.mem.state_bytes == 2 * 3 * 128 * sizeof(float));
static_assert(sru<64, 64>::workload(50).n_gemms == 1 && sru<64, 64>::workload(50).gemms[0].M == 50);
static_assert(dense<33, 70>::workload(8).gemms[0].M == 8 && dense<33, 70>::workload().gemms[0].N == 70);
static_assert(gru<40, 128>::workload(1).dense_macs() == 384.0 * (40 + 128));

template <class L>
void load_random(L& l, unsigned seed) {
  constexpr auto ps = L::params();
  for (std::size_t i = 0; i < ps.size(); ++i) l.set_param(i, test::random_vector(ps[i].count(), seed + unsigned(i), -0.4f, 0.4f));
}

template <class L>
std::vector<float> run(L& l, const std::vector<float>& xs) {
  std::vector<float> ys(xs.size() / L::in_size * L::out_size);
  l.forward(xs, ys);
  return ys;
}

}  // namespace

TEST_CASE_TEMPLATE("rnn layers: reset, state get/set, split sequences, chunk size", L, lstm<6, 9, policy<>, 2>,
                   gru<6, 9, policy<quant::int8>, 2>, sru<6, 9, policy<quant::int4>, 2>,
                   lstm<9, 9, policy<quant::int16>, 1, 5>, qrnn<6, 9, 1, policy<>, 2, 5>) {
  auto l = std::make_unique<L>();
  load_random(*l, 7);
  const auto xs = test::random_vector(37 * L::in_size, 3);
  const auto first = run(*l, xs);

  // reset() restores the zero state; the same sequence gives the same outputs.
  l->reset();
  CHECK(run(*l, xs) == first);

  // Two forward() calls continue one sequence exactly (state carried, chunks re-aligned).
  l->reset();
  const std::size_t split = 23 * L::in_size;
  auto a = run(*l, std::vector<float>(xs.begin(), xs.begin() + split));
  const auto b = run(*l, std::vector<float>(xs.begin() + split, xs.end()));
  a.insert(a.end(), b.begin(), b.end());
  CHECK(a == first);

  // get_state() after a sequence; set_state() resumes from it exactly.
  std::vector<float> s(L::state_size);
  l->reset();
  run(*l, std::vector<float>(xs.begin(), xs.begin() + split));
  l->get_state(std::span<float, L::state_size>(s.data(), s.size()));
  l->reset();
  l->set_state(std::span<const float, L::state_size>(s.data(), s.size()));
  std::vector<float> s2(L::state_size);
  l->get_state(std::span<float, L::state_size>(s2.data(), s2.size()));
  CHECK(s2 == s);
  CHECK(run(*l, std::vector<float>(xs.begin() + split, xs.end())) == b);

  // output() is the last step's top-level h; step(x) returns it too.
  CHECK(std::ranges::equal(l->output(), std::span<const float>(b).last(L::out_size)));
  const auto h = l->step(std::span<const float, L::in_size>(xs.data(), L::in_size));
  CHECK(h.data() == l->output().data());

  // A wrong-sized parameter span is ignored.
  l->reset();
  const auto before = run(*l, xs);
  l->reset();
  l->set_param(0, std::vector<float>(L::params()[0].count() + 1, 100.0f));
  CHECK(run(*l, xs) == before);
}

TEST_CASE("rnn layers: the chunk size does not change the result") {
  auto a = std::make_unique<lstm<8, 20, policy<>, 2, 16>>();
  auto b = std::make_unique<lstm<8, 20, policy<>, 2, 3>>();
  load_random(*a, 1);
  load_random(*b, 1);
  const auto xs = test::random_vector(50 * 8, 2);
  CHECK(run(*a, xs) == run(*b, xs));
}

TEST_CASE("layers: step() and forward() allocate nothing") {
  auto l1 = std::make_unique<lstm<16, 32, policy<quant::int8>, 2>>();
  auto l2 = std::make_unique<gru<16, 32>>();
  auto l3 = std::make_unique<sru<16, 32, policy<quant::int16>>>();
  auto l4 = std::make_unique<dense<16, 32, policy<quant::int4>>>();
  load_random(*l1, 1);
  load_random(*l2, 2);
  load_random(*l3, 3);
  load_random(*l4, 4);
  const auto xs = test::random_vector(40 * 16, 9);
  std::vector<float> ys(40 * 32);
  const std::size_t before = test::allocations.load();
  l1->forward(xs, ys);
  l2->forward(xs, ys);
  l3->forward(xs, ys);
  l4->forward(xs, ys);
  const std::span<const float, 16> x(xs.data(), 16);
  const std::span<float, 32> y(ys.data(), 32);
  l1->step(x, y);
  l2->step(x, y);
  l3->step(x, y);
  l4->step(x, y);
  l1->reset();
  CHECK(test::allocations.load() == before);
}

TEST_CASE("layers: bidirectional and qrnn forward()/step() allocate nothing") {
  auto b = std::make_unique<bidirectional<lstm<16, 32, policy<quant::int8>>>>();
  auto q = std::make_unique<qrnn<16, 32, 2, policy<>, 2>>();
  load_random(*b, 5);
  load_random(*q, 6);
  const auto xs = test::random_vector(40 * 16, 9);
  std::vector<float> ys(40 * 64);
  const std::size_t before = test::allocations.load();
  b->forward(xs, ys);
  q->forward(xs, ys);
  q->step(std::span<const float, 16>(xs.data(), 16), std::span<float, 32>(ys.data(), 32));
  CHECK(test::allocations.load() == before);
}

TEST_CASE("layers: visit_projections reaches every matrix with its input") {
  auto l = std::make_unique<lstm<5, 7, policy<quant::int8>, 3>>();
  std::size_t n = 0, rows = 0;
  l->visit_projections([&](auto& proj, auto&) {
    ++n;
    rows += std::remove_cvref_t<decltype(proj)>::rows;
  });
  CHECK(n == 6);
  CHECK(rows == 6 * 28);
  auto s = std::make_unique<sru<5, 7, policy<>, 2>>();
  n = 0;
  s->visit_projections([&](auto&, auto&) { ++n; });
  CHECK(n == 2);
  dense<3, 4> d;
  n = 0;
  d.visit_projections([&](auto& proj, auto&) { n += std::remove_cvref_t<decltype(proj)>::cols; });
  CHECK(n == 3);
}
