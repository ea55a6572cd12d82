// Bidirectional LSTM/GRU against torch.nn.LSTM/GRU(bidirectional=True) (tools/reference/rnn_ext.py),
// with the small cases loaded from the module's own state_dict() JSON; every policy runs through.
#include <memory>
#include <vector>

#include "ember/layers/bidirectional.hpp"
#include "ember/layers/gru.hpp"
#include "ember/layers/lstm.hpp"
#include "rnn_reference.hpp"

using namespace ember;

namespace {

constexpr bool same(const io::param_spec& p, std::string_view name, std::size_t r, std::size_t c = 0) {
  return p.name == name && p.shape[0] == r && p.shape[1] == c && p.rank == (c ? 2u : 1u);
}

// PyTorch's names and shapes (forward direction, then "_reverse"), at compile time.
using bl = bidirectional<lstm<5, 7>>;
static_assert(bl::params().size() == 8);
static_assert(same(bl::params()[0], "weight_ih_l0", 28, 5));
static_assert(same(bl::params()[3], "bias_hh_l0", 28));
static_assert(same(bl::params()[4], "weight_ih_l0_reverse", 28, 5));
static_assert(same(bl::params()[5], "weight_hh_l0_reverse", 28, 7));
static_assert(same(bl::params()[7], "bias_hh_l0_reverse", 28));
static_assert(same(bidirectional<gru<5, 7>>::params()[6], "bias_ih_l0_reverse", 21));
static_assert(bl::in_size == 5 && bl::out_size == 14 && bl::state_size == 4 * 7);
static_assert(bidirectional<gru<5, 7>>::state_size == 2 * 7);
static_assert(layer<bl>);

// workload(): exactly twice the one-direction layer's.
constexpr auto bw = bidirectional<gru<40, 128, policy<quant::int8>>>::workload(64);
constexpr auto uw = gru<40, 128, policy<quant::int8>>::workload(64);
static_assert(bw.n_gemms == uw.n_gemms && bw.dense_macs() == 2 * uw.dense_macs());
static_assert(bw.gemms[1].repeat == 2 * 64 && bw.elts[0].repeat == 2 * 64);
static_assert(bw.mem.weight_bytes == 2 * uw.mem.weight_bytes && bw.mem.state_bytes == 2 * uw.mem.state_bytes);

// One activation LSB at unit scale (the int8 bound of tests/layers/quantized.cpp, argued there).
constexpr test::tolerance int8_bound{1e-5, 1.0 / 127.0, true, 0.0};

/// The reversed rows of a (T, n) sequence.
std::vector<float> reversed(const std::vector<float>& xs, std::size_t n) {
  std::vector<float> r(xs.size());
  const std::size_t T = xs.size() / n;
  for (std::size_t t = 0; t < T; ++t) std::copy_n(xs.begin() + t * n, n, r.begin() + (T - 1 - t) * n);
  return r;
}

}  // namespace

// fp32: every value within 1e-5 relative + 1e-6 absolute (test::tolerance{}).
TEST_CASE("bidirectional lstm f32: matches torch.nn.LSTM(bidirectional=True)") {
  test::check_against_reference<bidirectional<lstm<5, 7>>>("bilstm", "f32", {});
  test::check_against_reference<bidirectional<lstm<32, 64>>>("bilstm", "f32", {});
  test::check_against_reference<bidirectional<lstm<40, 128, policy<>, 1, 7>>>("bilstm", "f32", {});
}
TEST_CASE("bidirectional gru f32: matches torch.nn.GRU(bidirectional=True)") {
  test::check_against_reference<bidirectional<gru<5, 7>>>("bigru", "f32", {});
  test::check_against_reference<bidirectional<gru<32, 64>>>("bigru", "f32", {});
  test::check_against_reference<bidirectional<gru<40, 128>>>("bigru", "f32", {});
}
TEST_CASE("bidirectional lstm/gru int8: matches the fake-quantized reference within one activation LSB") {
  using i8 = policy<quant::int8>;
  test::check_against_reference<bidirectional<lstm<5, 7, i8>>>("bilstm", "int8", int8_bound);
  test::check_against_reference<bidirectional<lstm<40, 128, i8>>>("bilstm", "int8", int8_bound);
  test::check_against_reference<bidirectional<gru<5, 7, i8>>>("bigru", "int8", int8_bound);
  test::check_against_reference<bidirectional<gru<40, 128, i8>>>("bigru", "int8", int8_bound);
}

// Any policy: the layer is its two directions, the backward one on the reversed sequence,
// bit for bit (same cells, same kernels), with PyTorch's state layout.
TEST_CASE_TEMPLATE("bidirectional: [forward | reversed backward] of the one-direction layer, every policy", R,
                   lstm<12, 16, policy<quant::int4>, 1, 5>, gru<12, 16, policy<quant::int16>>,
                   lstm<12, 16, policy<matvec::circulant<4>>>, gru<12, 16, policy<quant::binary>>,
                   lstm<12, 16, policy<quant::ternary>>, gru<12, 16, policy<quant::shared<16>>>) {
  constexpr std::size_t In = R::in_size, H = R::hidden_size, T = 23;
  auto bi = std::make_unique<bidirectional<R>>();
  auto f = std::make_unique<R>();
  auto b = std::make_unique<R>();
  constexpr auto ps = bidirectional<R>::params();
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const auto v = test::random_vector(ps[i].count(), unsigned(i) + 1, -0.5f, 0.5f);
    bi->set_param(i, v);
    (i < ps.size() / 2 ? *f : *b).set_param(i % (ps.size() / 2), v);
  }
  std::vector<float> s(bidirectional<R>::state_size), sf(R::state_size), sb(R::state_size);
  s = test::random_vector(s.size(), 99, -0.5f, 0.5f);
  for (std::size_t k = 0; k < R::state_vectors; ++k) {  // vector k of direction d at (2k + d) H
    std::copy_n(s.begin() + 2 * k * H, H, sf.begin() + k * H);
    std::copy_n(s.begin() + (2 * k + 1) * H, H, sb.begin() + k * H);
  }
  bi->set_state(std::span<const float, bidirectional<R>::state_size>(s.data(), s.size()));
  f->set_state(std::span<const float, R::state_size>(sf.data(), sf.size()));
  b->set_state(std::span<const float, R::state_size>(sb.data(), sb.size()));

  const auto xs = test::random_vector(T * In, 5);
  std::vector<float> y(T * 2 * H), yf(T * H), yb(T * H);
  bi->forward(xs, y);
  f->forward(xs, yf);
  b->forward(reversed(xs, In), yb);
  yb = reversed(yb, H);
  for (std::size_t t = 0; t < T; ++t) {
    CHECK(std::equal(yf.begin() + t * H, yf.begin() + (t + 1) * H, y.begin() + t * 2 * H));
    CHECK(std::equal(yb.begin() + t * H, yb.begin() + (t + 1) * H, y.begin() + t * 2 * H + H));
  }
  bi->get_state(std::span<float, bidirectional<R>::state_size>(s.data(), s.size()));
  f->get_state(std::span<float, R::state_size>(sf.data(), sf.size()));
  b->get_state(std::span<float, R::state_size>(sb.data(), sb.size()));
  for (std::size_t k = 0; k < R::state_vectors; ++k) {
    CHECK(std::equal(sf.begin() + k * H, sf.begin() + (k + 1) * H, s.begin() + 2 * k * H));
    CHECK(std::equal(sb.begin() + k * H, sb.begin() + (k + 1) * H, s.begin() + (2 * k + 1) * H));
  }
}
