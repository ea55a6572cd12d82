// AlexNet's convolution stack (Krizhevsky et al. 2012; conv1..conv5 with pool1/pool2, the
// two-GPU grouping of conv2/4/5) as a workload description: 2.33 M weights, 666 M MACs.
#pragma once

#include <cstddef>

#include "ember/cost/nets/conv_stack.hpp"
#include "ember/cost/workload.hpp"

namespace ember::cost::nets {

/// The layer list for `bits`-bit weights. pool5 is left out: the stack ends at conv5, which
/// makes conv1's rate 4 as in the streaming-tiles paper.
constexpr model_workload<7> alexnet_conv_workload(unsigned bits) noexcept {
  return {{
      conv_layer("conv1", 3, 96, 11, 4, 227, 55, bits),
      max_pool("pool1", 96, 3, 2, 55, pool_out(55, 3, 2)),
      conv_layer("conv2", 96, 256, 5, 1, 27, 27, bits, 2),
      max_pool("pool2", 256, 3, 2, 27, pool_out(27, 3, 2)),
      conv_layer("conv3", 256, 384, 3, 1, 13, 13, bits),
      conv_layer("conv4", 384, 384, 3, 1, 13, 13, bits, 2),
      conv_layer("conv5", 384, 256, 3, 1, 13, 13, bits, 2),
  }};
}

/// AlexNet's conv stack with Bits-bit weights, for cost models
/// (`static_assert(cost::fits<nets::alexnet_conv<4>, hw::epiphany<1024, 32>>)`).
template <unsigned Bits>
struct alexnet_conv {
  static_assert(Bits >= 1 && Bits <= 32, "nets::alexnet_conv<Bits>: Bits must be 1..32");
  static constexpr unsigned bits = Bits;
  static constexpr model_workload<7> workload() noexcept { return alexnet_conv_workload(Bits); }
};

}  // namespace ember::cost::nets
