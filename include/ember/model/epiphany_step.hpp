// cost::streaming_step(workload): one time step of a streaming model (RNN, dense, causal
// conv1d) as a pipeline of 1x1 layers, so the Epiphany streaming-tile mapper can place it.
#pragma once

#include <array>
#include <cstddef>

#include "ember/cost/epiphany_mapper.hpp"
#include "ember/cost/workload.hpp"

namespace ember::cost {

/// The mapper places layers with a conv_geometry (rows of a feature map onto cores). One
/// step of a recurrent model is a sequence of matrix-vector products: the GEMMs of a layer
/// for one step (M = 1) read the concatenated [x; h] (the LSTM/GRU W_ih and W_hh have the
/// same N), i.e. a 1x1 convolution with Cin = sum of K and Cout = N on a 1x1 frame. A causal
/// conv1d step reads Kernel frames: Cin x Kernel inputs. The recurrence means frames (steps)
/// cannot overlap inside a layer; the mapper's pipeline throughput is then an upper bound
/// for a recurrent layer (docs/cost_model.md). Pass workload(1).
template <std::size_t N>
constexpr model_workload<N> streaming_step(std::array<layer_workload, N> ws) noexcept {
  for (auto& w : ws) {
    if (w.has_conv && w.conv.in_h > 1) continue;  // a 2D frame maps as it is
    std::size_t k = 0, n = 0;
    for (std::size_t i = 0; i < w.n_gemms; ++i) {
      k += w.gemms[i].K;
      n = w.gemms[i].N > n ? w.gemms[i].N : n;
    }
    const std::size_t groups = w.has_conv ? w.conv.groups : 1;
    w.conv = conv_geometry{};
    w.conv.in_channels = k * groups;  // conv gemm K is Cin / groups * Kernel
    w.conv.out_channels = n;
    w.conv.groups = groups;
    for (std::size_t i = 0; i < w.n_gemms; ++i) w.gemms[i].M = 1;
    w.has_conv = k > 0;
  }
  return ws;
}

}  // namespace ember::cost
