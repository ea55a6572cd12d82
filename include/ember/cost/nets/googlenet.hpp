// GoogLeNet's convolution stack (Szegedy et al. 2015, Table 1: conv1, conv2, nine inception
// modules) as a workload description: 5.97 M weights, 1.43 G MACs with floor-mode pooling.
#pragma once

#include <array>
#include <cstddef>

#include "ember/cost/nets/conv_stack.hpp"
#include "ember/cost/workload.hpp"

namespace ember::cost::nets {

/// One inception module: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
struct inception_spec {
  std::array<const char*, 7> names;
  std::size_t c1, c3r, c3, c5r, c5, pp;
  constexpr std::size_t out() const noexcept { return c1 + c3 + c5 + pp; }
};

inline constexpr std::array<inception_spec, 9> googlenet_modules{{
    {{"3a/1x1", "3a/3x3_reduce", "3a/3x3", "3a/5x5_reduce", "3a/5x5", "3a/pool", "3a/pool_proj"}, 64, 96, 128, 16, 32, 32},
    {{"3b/1x1", "3b/3x3_reduce", "3b/3x3", "3b/5x5_reduce", "3b/5x5", "3b/pool", "3b/pool_proj"}, 128, 128, 192, 32, 96, 64},
    {{"4a/1x1", "4a/3x3_reduce", "4a/3x3", "4a/5x5_reduce", "4a/5x5", "4a/pool", "4a/pool_proj"}, 192, 96, 208, 16, 48, 64},
    {{"4b/1x1", "4b/3x3_reduce", "4b/3x3", "4b/5x5_reduce", "4b/5x5", "4b/pool", "4b/pool_proj"}, 160, 112, 224, 24, 64, 64},
    {{"4c/1x1", "4c/3x3_reduce", "4c/3x3", "4c/5x5_reduce", "4c/5x5", "4c/pool", "4c/pool_proj"}, 128, 128, 256, 24, 64, 64},
    {{"4d/1x1", "4d/3x3_reduce", "4d/3x3", "4d/5x5_reduce", "4d/5x5", "4d/pool", "4d/pool_proj"}, 112, 144, 288, 32, 64, 64},
    {{"4e/1x1", "4e/3x3_reduce", "4e/3x3", "4e/5x5_reduce", "4e/5x5", "4e/pool", "4e/pool_proj"}, 256, 160, 320, 32, 128, 128},
    {{"5a/1x1", "5a/3x3_reduce", "5a/3x3", "5a/5x5_reduce", "5a/5x5", "5a/pool", "5a/pool_proj"}, 256, 160, 320, 32, 128, 128},
    {{"5b/1x1", "5b/3x3_reduce", "5b/3x3", "5b/5x5_reduce", "5b/5x5", "5b/pool", "5b/pool_proj"}, 384, 192, 384, 48, 128, 128},
}};

inline constexpr std::size_t googlenet_conv_layers = 5 + 9 * 7 + 2;

/// The layer list for `bits`-bit weights: conv1 7x7/2, pool, conv2 (1x1 reduce, 3x3), pool,
/// 3a 3b, pool, 4a..4e, pool, 5a 5b. The stride-2 3x3 max pools use floor mode without
/// padding (112 -> 55 -> 27 -> 13 -> 6), the sizes under which Table I counts 1.43 G MACs
/// (Caffe's ceil mode, 56/28/14/7, gives 1.58 G). The final average pool and FC are left out.
constexpr model_workload<googlenet_conv_layers> googlenet_conv_workload(unsigned bits) noexcept {
  model_workload<googlenet_conv_layers> w{};
  std::size_t n = 0;
  std::size_t hw = 224;
  w[n++] = conv_layer("conv1", 3, 64, 7, 2, hw, 112, bits);
  w[n++] = max_pool("pool1", 64, 3, 2, 112, pool_out(112, 3, 2));
  hw = pool_out(112, 3, 2);
  w[n++] = conv_layer("conv2/3x3_reduce", 64, 64, 1, 1, hw, hw, bits);
  w[n++] = conv_layer("conv2/3x3", 64, 192, 3, 1, hw, hw, bits);
  w[n++] = max_pool("pool2", 192, 3, 2, hw, pool_out(hw, 3, 2));
  hw = pool_out(hw, 3, 2);
  std::size_t c = 192;
  constexpr const char* pools[] = {"pool3", "pool4"};
  for (std::size_t m = 0; m < googlenet_modules.size(); ++m) {
    if (m == 2 || m == 7) {  // a stride-2 max pool before 4a and before 5a
      w[n++] = max_pool(pools[m == 7], c, 3, 2, hw, pool_out(hw, 3, 2));
      hw = pool_out(hw, 3, 2);
    }
    const auto& s = googlenet_modules[m];
    const std::size_t g = m + 1;
    w[n++] = conv_layer(s.names[0], c, s.c1, 1, 1, hw, hw, bits, 1, {g, 0});
    w[n++] = conv_layer(s.names[1], c, s.c3r, 1, 1, hw, hw, bits, 1, {g, 1});
    w[n++] = conv_layer(s.names[2], s.c3r, s.c3, 3, 1, hw, hw, bits, 1, {g, 1});
    w[n++] = conv_layer(s.names[3], c, s.c5r, 1, 1, hw, hw, bits, 1, {g, 2});
    w[n++] = conv_layer(s.names[4], s.c5r, s.c5, 5, 1, hw, hw, bits, 1, {g, 2});
    w[n++] = max_pool(s.names[5], c, 3, 1, hw, hw, {g, 3});  // 3x3/1, padded to same size
    w[n++] = conv_layer(s.names[6], c, s.pp, 1, 1, hw, hw, bits, 1, {g, 3});
    c = s.out();
  }
  return w;
}

/// GoogLeNet's conv stack with Bits-bit weights, for cost models.
template <unsigned Bits>
struct googlenet_conv {
  static_assert(Bits >= 1 && Bits <= 32, "nets::googlenet_conv<Bits>: Bits must be 1..32");
  static constexpr unsigned bits = Bits;
  static constexpr model_workload<googlenet_conv_layers> workload() noexcept {
    return googlenet_conv_workload(Bits);
  }
};

}  // namespace ember::cost::nets
