// Quantized LSTM, GRU and SRU (int8, int4, int16) against a fake-quantized PyTorch model
// using ember's scheme (tools/reference/rnn.py); step and forward agree bit for bit.
#include "ember/layers/gru.hpp"
#include "ember/layers/lstm.hpp"
#include "ember/layers/sru.hpp"
#include "rnn_reference.hpp"

using namespace ember;

namespace {

// Bound: one activation LSB at unit scale, 1 / act_qmax (int8, int4: 1/127; int16: 1/32767).
// Integer sums are exact on both sides, so the two differ only by float rounding in the
// gates (a few ulps) unless such an ulp moves x * (qmax / amax) across a rounding tie: that
// element of x or h then changes by one LSB (amax / qmax <= 1 / qmax, as |h| < 1 and
// |x| <= 1 here), each gate pre-activation by at most LSB * max|w| < LSB, and the outputs
// (derivatives of sigmoid and tanh <= 1, contractive state) by less than one LSB; later
// steps carry that difference on, so no stricter per-value bound holds after a flip.
// Measured: <= 1e-6 where no flip happens, at most 8.6e-5 (0.011 LSB, int8, H = 1024).
template <class Q>
test::tolerance lsb_bound() {
  return {1e-5, 1.0 / double(Q::act_qmax), true, 0.0};
}

template <template <std::size_t, std::size_t, class, std::size_t, std::size_t> class L>
void check_kind(const char* kind) {
  using i8 = policy<quant::int8>;
  test::check_against_reference<L<5, 7, i8, 1, 16>>(kind, "int8", lsb_bound<quant::int8>());
  test::check_against_reference<L<40, 128, i8, 1, 16>>(kind, "int8", lsb_bound<quant::int8>());
  test::check_against_reference<L<32, 64, i8, 2, 16>>(kind, "int8", lsb_bound<quant::int8>());
  test::check_against_reference<L<32, 1024, i8, 1, 16>>(kind, "int8", lsb_bound<quant::int8>());
  test::check_against_reference<L<40, 128, policy<quant::int4>, 1, 16>>(kind, "int4", lsb_bound<quant::int4>());
  test::check_against_reference<L<40, 128, policy<quant::int16>, 1, 16>>(kind, "int16", lsb_bound<quant::int16>());
}

}  // namespace

TEST_CASE("lstm int8/int4/int16: matches the fake-quantized reference within one activation LSB") {
  check_kind<lstm>("lstm");
}
TEST_CASE("gru int8/int4/int16: matches the fake-quantized reference within one activation LSB") {
  check_kind<gru>("gru");
}
TEST_CASE("sru int8/int4/int16: matches the fake-quantized reference within one activation LSB") {
  check_kind<sru>("sru");
}
