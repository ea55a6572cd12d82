// crnn_conv_gru: a convolutional front end feeding a recurrent layer (CRNN), exported from
// PyTorch (causal Conv1d + BatchNorm + ReLU -> GRU -> Linear, examples/data/crnn_conv_gru.hpp):
// streamed one frame at a time, compared with PyTorch, and costed on a systolic array.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <span>

#include <ember/ember.hpp>

#include "data/crnn_conv_gru.hpp"

using namespace ember;

// conv1d<16, 24, 3, ..., pad::causal, ..., activation::relu> (batch norm folded at export)
// -> gru<24, 32> -> dense<32, 5>. The causal convolution gives one output per input frame,
// so the model streams: step() takes one 16-feature frame, returns 5 scores.
using crnn = crnn_conv_gru::model_type;
constexpr std::size_t T = crnn_conv_gru::example_steps;

int main() {
  static crnn net;
  io::load_tensors(net, crnn_conv_gru::tensors);

  double worst = 0;
  std::array<float, crnn::out_size> y{};
  for (std::size_t t = 0; t < T; ++t) {
    net.step(std::span<const float, crnn::in_size>(crnn_conv_gru::example_input + t * crnn::in_size, crnn::in_size), y);
    for (std::size_t k = 0; k < crnn::out_size; ++k) {
      const float ref = crnn_conv_gru::torch_output[t * crnn::out_size + k];
      worst = std::fmax(worst, std::fabs(y[k] - ref) / (1.0 + std::fabs(ref)));
    }
    if (t % 8 == 7) {
      std::printf("frame %2zu:", t);
      for (float v : y) std::printf(" %+.5f", v);
      std::printf("\n");
    }
  }
  std::printf("streamed %zu frames; max |ember - PyTorch| / (1 + |PyTorch|) = %.2e\n", T, worst);

  using HW = hw::systolic<8, 8, dataflow::os, sram_kib<128>, mhz<100>>;
  constexpr auto r = cost::estimate<crnn, HW>(T);
  static_assert(r.fits);
  std::cout << "\ncost of " << T << " frames on an 8x8 output-stationary array:\n" << r;
  std::printf("%s\n", worst <= 1e-5 ? "PASS" : "FAIL");
  return worst <= 1e-5 ? 0 : 1;
}
