// Delta layers against their dense twins: Theta = 0 gives the dense output (fp32 within
// 1e-5 over long sequences, Q-format integers bit for bit); knobs and statistics.
#include <doctest/doctest.h>

#include <memory>

#include "delta_support.hpp"
#include "ember/activation/hard.hpp"
#include "ember/layers/dense.hpp"
#include "ember/layers/gru.hpp"
#include "ember/layers/lstm.hpp"
#include "ember/layers/sru.hpp"

using namespace ember;

namespace {

using delta_f32 = policy<skip::delta>;

// Loads the same random weights into a delta layer and its dense twin, runs both over xs
// (step by step, and the delta layer also through forward) and returns the largest difference.
template <class D, class N>
double theta0_error(const std::vector<float>& xs, unsigned seed, bool exact_forward = true) {
  auto d = std::make_unique<D>();
  auto n = std::make_unique<N>();
  const auto p = dse::random_params<N>(seed, 0.25f);
  dse::load_params(*d, p);
  dse::load_params(*n, p);
  CHECK(d->set_delta_threshold(0.0f));
  const auto yd = test::run_steps(*d, xs);
  const auto yn = test::run_steps(*n, xs);
  // the chunked sequence path propagates the same columns: identical to step()
  d->reset();
  std::vector<float> yf(yd.size());
  d->forward(xs, yf);
  if (exact_forward) CHECK(test::max_abs_diff(yf, yd) == 0.0);
  return test::max_abs_diff(yd, yn);
}

}  // namespace

TEST_CASE("delta layers f32: Theta = 0 equals the dense layer within 1e-5 over 10000 steps (-O0: 2500)") {
  const std::size_t T = test::long_steps;
  const auto x16 = test::random_vector(16 * T, 1);
  const auto x40 = test::random_vector(40 * T, 2);
  const double e_gru = theta0_error<gru<16, 48, delta_f32>, gru<16, 48>>(x16, 3);
  const double e_lstm = theta0_error<lstm<16, 48, delta_f32>, lstm<16, 48>>(x16, 4);
  const double e_lstm2 = theta0_error<lstm<40, 32, delta_f32, 2>, lstm<40, 32, policy<>, 2>>(x40, 5);
  const double e_sru = theta0_error<sru<16, 48, delta_f32>, sru<16, 48>>(x16, 6);
  const double e_dense = theta0_error<dense<40, 24, delta_f32>, dense<40, 24>>(x40, 7);
  MESSAGE("Theta = 0, max |delta - dense| over ", T, " steps: gru ", e_gru, ", lstm ", e_lstm, ", lstm x2 ", e_lstm2,
          ", sru ", e_sru, ", dense ", e_dense);
  CHECK(e_gru <= 1e-5);
  CHECK(e_lstm <= 1e-5);
  CHECK(e_lstm2 <= 1e-5);
  CHECK(e_sru <= 1e-5);
  CHECK(e_dense <= 1e-5);
}

TEST_CASE("delta layers Q-format: Theta = 0 equals the dense layer bit for bit over 2000 steps") {
  // fixed<B, F> quantizes x and h on the same fixed grid in both layers, so the delta
  // memory M = W_q x-hat_q is the dense row sum exactly.
  using q15 = policy<quant::fixed<16, 12>>;
  using q15d = policy<quant::fixed<16, 12>, skip::delta>;
  using q7 = policy<quant::fixed<8, 6>>;
  using q7d = policy<quant::fixed<8, 6>, skip::delta>;
  const std::size_t T = 2000;
  const auto x = test::random_vector(24 * T, 11);
  CHECK(theta0_error<gru<24, 40, q15d>, gru<24, 40, q15>>(x, 12) == 0.0);
  CHECK(theta0_error<lstm<24, 40, q15d>, lstm<24, 40, q15>>(x, 13) == 0.0);
  CHECK(theta0_error<gru<24, 40, q7d>, gru<24, 40, q7>>(x, 14) == 0.0);
  CHECK(theta0_error<lstm<24, 40, q7d, 2>, lstm<24, 40, q7, 2>>(x, 15) == 0.0);
  CHECK(theta0_error<sru<24, 40, q7d>, sru<24, 40, q7>>(x, 16) == 0.0);
  CHECK(theta0_error<dense<24, 40, q15d>, dense<24, 40, q15>>(x, 17) == 0.0);
  // policies compose in any order: delta + Q-format + hard activations
  using hard_d = policy<act::hard, skip::delta, quant::fixed<16, 12>>;
  using hard_n = policy<quant::fixed<16, 12>, act::hard>;
  CHECK(theta0_error<gru<24, 40, hard_d>, gru<24, 40, hard_n>>(x, 18) == 0.0);
}

TEST_CASE("delta layers: thresholds are checked at set time; huge thresholds freeze the input") {
  auto g = std::make_unique<gru<8, 16, delta_f32>>();
  dse::load_params(*g, dse::random_params<gru<8, 16>>(21, 0.5f));
  CHECK_FALSE(g->set_delta_threshold(-0.01f));
  CHECK_FALSE(g->set_delta_threshold(0.1f, -1.0f));
  CHECK_FALSE(g->set_delta_threshold(std::nanf(""), 0.1f));
  CHECK(g->delta_stats().input.steps == 0);
  CHECK(g->set_delta_threshold(1e30f, 1e30f));
  const auto xs = test::random_vector(8 * 50, 22);
  test::run_steps(*g, xs);
  const auto s = g->delta_stats();
  CHECK(s.input.steps == 50);
  CHECK(s.input.propagated == 8);   // the first step's x, nothing after
  CHECK(s.hidden.propagated == 0);  // h_0 = 0, and no later change reaches 1e30
  CHECK(s.input.last == 0);
  CHECK(s.input.density() == doctest::Approx(8.0 / 400.0));
  // the output is the GRU's response to x_0 held forever with frozen recurrent memory
  for (float v : g->output()) CHECK(std::isfinite(v));
  g->reset_delta_stats();
  CHECK(g->delta_stats().input.columns == 0);
}

TEST_CASE("delta layers: statistics, effective MACs and the measured workload") {
  constexpr std::size_t In = 32, H = 64;
  auto l = std::make_unique<lstm<In, H, delta_f32>>();
  dse::load_params(*l, dse::random_params<lstm<In, H>>(31, 0.2f));
  CHECK(l->set_delta_threshold(0.2f, 0.05f));
  const auto seq = dse::make_delta_sequence(In, 40, 0.25, 32, 0.25f);
  test::run_steps(*l, seq.xs);
  const auto s = l->delta_stats();
  // after the first step exactly round(0.25 * 32) = 8 inputs move, by >= 0.25 > Theta_x
  CHECK(s.input.propagated == In + 39 * 8);
  CHECK(s.input.last == 8);
  CHECK(s.input.columns == 40 * In);
  CHECK(s.hidden.columns == 40 * H);
  CHECK(s.hidden.propagated < s.hidden.columns);
  CHECK(s.macs == doctest::Approx(4.0 * H * double(s.input.propagated + s.hidden.propagated)));
  CHECK(s.dense_macs == doctest::Approx(4.0 * H * 40 * (In + H)));
  CHECK(s.last_macs == doctest::Approx(4.0 * H * double(s.input.last + s.hidden.last)));
  CHECK(s.op_fraction() < 1.0);
  const auto w = lstm<In, H, delta_f32>::workload(40, s);
  CHECK(w.gemms[0].density == doctest::Approx(s.input_density()));
  CHECK(w.gemms[1].density == doctest::Approx(s.hidden_density()));
  CHECK(lstm<In, H, delta_f32>::workload(40).gemms[1].density == 1.0);
}

TEST_CASE("delta layers int8: fixed grid range is a run-time knob") {
  auto d = std::make_unique<dense<16, 8, policy<quant::int8, skip::delta>>>();
  dse::load_params(*d, dse::random_params<dense<16, 8>>(41, 0.5f));
  CHECK_FALSE(d->set_delta_range(0.0f));
  CHECK_FALSE(d->set_delta_range(-2.0f));
  CHECK(d->set_delta_range(4.0f));
  const auto xs = test::random_vector(16 * 5, 42, -4.0f, 4.0f);
  const auto y = test::run_steps(*d, xs);
  auto ref = std::make_unique<dense<16, 8>>();
  dse::load_params(*ref, dse::random_params<dense<16, 8>>(41, 0.5f));
  const auto yr = test::run_steps(*ref, xs);
  // int8 weights and an int8 grid over [-4, 4]: within a few grid steps of fp32
  CHECK(test::max_abs_diff(y, yr) < 0.2);
}
