// Dense layer against torch.nn.Linear (fp32) and the fake-quantized reference (int8, int4,
// int16): single vectors and sequences, scalar twin and native SIMD.
#include "ember/layers/dense.hpp"
#include "rnn_reference.hpp"

using namespace ember;

TEST_CASE("dense f32: matches torch.nn.Linear") {
  test::check_against_reference<dense<33, 70>>("dense", "f32", {});
}
TEST_CASE("dense int8/int4/int16: matches the fake-quantized reference") {
  // No recurrence: the only difference is the epilogue's float rounding (and a rare
  // rounding-tie flip of one input integer); one activation LSB bounds it (see quantized.cpp).
  test::check_against_reference<dense<33, 70, policy<quant::int8>>>("dense", "int8",
                                                                     {1e-5, 1.0 / 127, true, 0.99});
  test::check_against_reference<dense<33, 70, policy<quant::int4>>>("dense", "int4",
                                                                     {1e-5, 1.0 / 127, true, 0.99});
  test::check_against_reference<dense<33, 70, policy<quant::int16>>>("dense", "int16",
                                                                      {1e-5, 1.0 / 32767, true, 0.99});
}
