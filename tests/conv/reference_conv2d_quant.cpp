// Quantized conv2d against fake-quant PyTorch references: int8 / int4 / int16 weights with
// per-output-channel scales, one activation scale per frame; within one accumulator LSB.
#include "conv_reference.hpp"

using namespace ember;
using conv_test::run_conv2d;

TEST_CASE("conv2d s8: within one LSB of the fake-quant torch reference, archs bit-exact") {
  using P = policy<quant::int8>;
  run_conv2d<conv2d<4, 11, 13, 6, 3, P, 1, 1, pad::same, 1, activation::relu>>("c2_s8_k3_same_relu");
  run_conv2d<conv2d<5, 12, 10, 7, 3, P, 2, 1, pad::symmetric(1)>>("c2_s8_k3_s2_p1");
  run_conv2d<conv2d<6, 9, 9, 4, 3, P, 1, 1, pad::symmetric(1), 2>>("c2_s8_k3_g2");
  run_conv2d<depthwise_conv2d<8, 10, 12, 3, P, 1, 1, pad::same>>("c2_s8_dw_k3_same");
  run_conv2d<conv2d<16, 20, 20, 16, 3, P>>("c2_s8_k3_valid_wide");
  run_conv2d<conv2d<3, 7, 9, 5, 1, P>>("c2_s8_k1");
}

TEST_CASE("conv2d s4 and s16: within one LSB of the fake-quant torch reference") {
  using P4 = policy<quant::int4>;
  using P16 = policy<quant::int16>;
  run_conv2d<conv2d<4, 11, 13, 6, 3, P4, 1, 1, pad::same>>("c2_s4_k3_same");
  run_conv2d<conv2d<3, 17, 16, 8, 7, P4, 2, 1, pad::symmetric(3)>>("c2_s4_k7_s2_p3");
  run_conv2d<conv2d<4, 11, 13, 6, 3, P16, 1, 1, pad::same>>("c2_s16_k3_same");
  run_conv2d<conv2d<3, 15, 14, 4, 5, P16, 1, 2, pad::same>>("c2_s16_k5_d2_same");
}

TEST_CASE("conv2d s8 + batch norm: W quantized per channel, the BN factor folded into its scale") {
  using C = conv2d<4, 9, 10, 6, 3, policy<quant::int8>, 1, 1, pad::symmetric(1), 1, activation::relu>;
  run_conv2d<conv_bn<C>>("c2_s8_bn_k3_relu");
}
