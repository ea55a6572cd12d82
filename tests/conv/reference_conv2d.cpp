// conv2d (fp32, with batch norm folded) against PyTorch float64 references: kernel 1/3/5/7,
// stride 1/2, padding 0/n/same, dilation 1/2, groups 1/2/4/depthwise, odd sizes, activations.
#include "conv_reference.hpp"

using namespace ember;
using conv_test::run_conv2d;

TEST_CASE("conv2d f32: matches torch conv2d within 1e-5 (relative to the largest output)") {
  using P = policy<>;
  run_conv2d<conv2d<3, 7, 9, 5, 1>>("c2_k1");
  run_conv2d<conv2d<4, 11, 13, 6, 3, P, 1, 1, pad::same, 1, activation::relu>>("c2_k3_same_relu");
  run_conv2d<conv2d<5, 12, 10, 7, 3, P, 2, 1, pad::symmetric(1)>>("c2_k3_s2_p1");
  run_conv2d<conv2d<3, 15, 14, 4, 5, P, 1, 2, pad::same>>("c2_k5_d2_same");
  run_conv2d<conv2d<3, 17, 16, 8, 7, P, 2, 1, pad::symmetric(3), 1, activation::relu6>>("c2_k7_s2_p3_relu6");
  run_conv2d<conv2d<6, 9, 9, 4, 3, P, 1, 1, pad::symmetric(1), 2, activation::tanh>>("c2_k3_g2_tanh");
  run_conv2d<depthwise_conv2d<8, 10, 12, 3, P, 1, 1, pad::same>>("c2_dw_k3_same");
  run_conv2d<depthwise_conv2d<6, 13, 11, 3, P, 2, 1, pad::symmetric(1), activation::sigmoid, 2>>("c2_dw_k3_s2_m2_sigmoid");
  run_conv2d<conv2d<16, 20, 20, 16, 3>>("c2_k3_valid_wide");
  run_conv2d<conv2d<4, 16, 15, 5, 3, P, 2, 2, pad::symmetric(2)>>("c2_k3_d2_s2_p2");
  run_conv2d<conv2d<8, 11, 9, 8, 5, P, 2, 1, pad::symmetric(2), 4>>("c2_k5_g4_s2_p2");
  run_conv2d<conv2d<4, 8, 8, 6, 3, policy<act::hard>, 1, 1, pad::symmetric(1), 1, activation::sigmoid>>("c2_k3_hard_sigmoid");
  run_conv2d<conv2d<4, 9, 7, 6, 3, P, 1, 1, pad::symmetric(1), 1, activation::none, false>>("c2_k3_nobias");
}

TEST_CASE("conv2d f32 Winograd F(2x2, 3x3): matches torch conv2d within 1e-5") {
  using P = policy<>;
  using A = conv2d<8, 9, 11, 8, 3, P, 1, 1, pad::symmetric(1), 1, activation::relu>;
  static_assert(kernels::winograd_eligible(A::spec));
  run_conv2d<A>("c2_wino_k3_p1_odd_relu");
  run_conv2d<conv2d<5, 12, 7, 10, 3, P, 1, 1, pad::same, 1, activation::tanh>>("c2_wino_k3_same_tanh");
  run_conv2d<conv2d<6, 21, 37, 9, 3>>("c2_wino_k3_valid_wide");
  run_conv2d<conv_bn<A>>("c2_bn_wino_k3_relu");
}

TEST_CASE("conv2d + batch norm folded at load: matches torch conv2d + BatchNorm2d (eval)") {
  using C = conv2d<4, 9, 10, 6, 3, policy<>, 1, 1, pad::symmetric(1), 1, activation::relu>;
  run_conv2d<conv_bn<C>>("c2_bn_k3_relu");
  run_conv2d<conv_bn<conv2d<4, 9, 10, 6, 3, policy<>, 1, 1, pad::symmetric(1)>, "0", "1", true>>("c2_bn_k3_bias");
}
