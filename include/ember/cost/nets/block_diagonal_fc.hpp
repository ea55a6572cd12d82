// Fully connected layers with permuted block-diagonal weights as a workload (the Berkeley
// edge-inference chip's design point: 4000 x 4000 in 10 blocks of 400 x 400, 4-bit).
#pragma once

#include <cstddef>

#include "ember/cost/workload.hpp"

namespace ember::cost::nets {

/// One (out x in) layer, block_diagonal<blocks>, `bits`-bit weights and activations, applied
/// to `vectors` inputs, followed by a ReLU.
constexpr layer_workload block_diagonal_fc_layer(const char* name, std::size_t out, std::size_t in, std::size_t blocks,
                                                 unsigned bits, std::size_t vectors = 1) noexcept {
  layer_workload w{};
  w.name = name;
  gemm g{vectors, out, in, bits, bits, 1, 1.0, 1};
  g.diag_blocks = blocks;
  w.add(g);
  w.add(eltwise{out, eltwise_kind::relu, bits, vectors});
  w.mem.weight_bytes = (g.stored_weights() * bits + 7) / 8;
  w.mem.act_bytes = (in * bits + 7) / 8;
  return w;
}

/// Layers x (Width x Width) block_diagonal<Blocks> layers with Bits-bit weights; workload(n)
/// applies them to n input vectors.
template <std::size_t Layers, std::size_t Width, std::size_t Blocks, unsigned Bits = 4>
struct block_diagonal_fc {
  static_assert(Layers >= 1, "nets::block_diagonal_fc: at least one layer");
  static_assert(Blocks >= 1 && Blocks <= Width, "nets::block_diagonal_fc: Blocks must be from 1 to Width");
  static_assert(Bits >= 1 && Bits <= 32, "nets::block_diagonal_fc: Bits must be 1..32");
  static constexpr model_workload<Layers> workload(std::size_t vectors = 1) noexcept {
    constexpr const char* names[] = {"fc1", "fc2", "fc3", "fc4", "fc5", "fc6", "fc7", "fc8"};
    model_workload<Layers> w{};
    for (std::size_t i = 0; i < Layers; ++i)
      w[i] = block_diagonal_fc_layer(i < 8 ? names[i] : "fc", Width, Width, Blocks, Bits, vectors);
    return w;
  }
};

/// The Naous et al. design point: one 4000 x 4000 layer, 10 diagonal blocks of 400 x 400, 4-bit.
using berkeley_layer = block_diagonal_fc<1, 4000, 10, 4>;

}  // namespace ember::cost::nets
