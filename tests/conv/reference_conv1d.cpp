// conv1d against PyTorch references (time-major), and streaming step() equal to forward()
// bit for bit: causal / same / explicit padding, stride, dilation, groups, depthwise, quantized.
#include "conv_reference.hpp"

using namespace ember;
using conv_test::run_conv1d;

TEST_CASE("conv1d f32: matches torch conv1d within 1e-5; streaming equals batch") {
  using P = policy<>;
  run_conv1d<conv1d<8, 12, 3, P, 1, 1, pad::causal>>("c1_k3_causal");
  run_conv1d<conv1d<16, 16, 3, P, 1, 4, pad::causal, 1, activation::relu>>("c1_k3_causal_d4_relu");
  run_conv1d<conv1d<5, 7, 5, P, 2, 1, pad::symmetric(2)>>("c1_k5_s2_p2");
  run_conv1d<conv1d<6, 6, 7, P, 1, 2, pad::same, 1, activation::tanh>>("c1_k7_d2_same_tanh");
  run_conv1d<conv1d<10, 4, 1>>("c1_k1");
  run_conv1d<conv1d<6, 8, 3, P, 1, 3, pad::same, 2>>("c1_k3_g2_d3_same");
  run_conv1d<conv1d<12, 12, 3, P, 1, 2, pad::causal, 12>>("c1_dw_k3_causal_d2");
  run_conv1d<conv1d<9, 5, 3, P, 2>>("c1_k3_s2_valid");
  run_conv1d<conv1d<5, 6, 4, P, 1, 1, pad::same>>("c1_k4_even_same");
}

TEST_CASE("conv1d quantized: within one LSB of fake-quant torch (one scale per frame)") {
  using P8 = policy<quant::int8>;
  run_conv1d<conv1d<8, 12, 3, P8, 1, 1, pad::causal>>("c1_s8_k3_causal");
  run_conv1d<conv1d<16, 16, 3, P8, 1, 4, pad::causal>>("c1_s8_k3_causal_d4");
  run_conv1d<conv1d<5, 7, 5, P8, 2, 1, pad::symmetric(2)>>("c1_s8_k5_s2_p2");
  run_conv1d<conv1d<12, 12, 3, P8, 1, 2, pad::causal, 12>>("c1_s8_dw_k3_causal_d2");
  run_conv1d<conv1d<16, 16, 3, policy<quant::int4>, 1, 4, pad::causal>>("c1_s4_k3_causal_d4");
  run_conv1d<conv1d<16, 16, 3, policy<quant::int16>, 1, 4, pad::causal>>("c1_s16_k3_causal_d4");
}

TEST_CASE("conv1d + batch norm folded: matches torch conv1d + BatchNorm1d (eval)") {
  using C = conv1d<8, 12, 3, policy<>, 1, 1, pad::causal, 1, activation::relu>;
  run_conv1d<conv_bn<C>>("c1_bn_k3_causal_relu");
}
