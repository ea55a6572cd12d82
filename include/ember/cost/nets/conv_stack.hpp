// Builders for the workload entries of a CNN description (conv and max-pool layers with
// their conv_geometry), used by the reference nets AlexNet and GoogLeNet.
#pragma once

#include <cstddef>

#include "ember/cost/workload.hpp"

namespace ember::cost::nets {

/// Output size of a pooling window without padding, floor mode: floor((in - k) / s) + 1.
constexpr std::size_t pool_out(std::size_t in, std::size_t k, std::size_t s) noexcept {
  return (in - k) / s + 1;
}

/// Where a layer sits in a module: branch_group 0 = ordinary sequential layer.
struct placement {
  std::size_t branch_group = 0, branch = 0;
};

/// A square convolution (in x in_hw x in_hw -> out x out_hw x out_hw) with `bits`-bit
/// weights, as one GEMM in SCALE-Sim's convention: M = output pixels, N = filters,
/// K = in / groups * k * k.
constexpr layer_workload conv_layer(const char* name, std::size_t in, std::size_t out,
                                    std::size_t k, std::size_t stride, std::size_t in_hw,
                                    std::size_t out_hw, unsigned bits, std::size_t groups = 1,
                                    placement at = {}) noexcept {
  layer_workload l;
  l.name = name;
  gemm g;
  g.M = out_hw * out_hw;
  g.N = out;
  g.K = in / groups * k * k;
  g.weight_bits = bits;
  g.act_bits = 32;
  l.add(g);
  l.mem.weight_bytes = g.weight_bytes();
  l.mem.act_bytes = out * out_hw * out_hw * 4;
  l.conv = conv_geometry{.in_channels = in, .out_channels = out, .kernel_h = k, .kernel_w = k,
                         .stride = stride, .in_h = in_hw, .in_w = in_hw, .out_h = out_hw,
                         .out_w = out_hw, .groups = groups, .is_pool = false,
                         .branch_group = at.branch_group, .branch = at.branch};
  l.has_conv = true;
  return l;
}

/// A k x k max pooling over `channels` feature maps (no weights).
constexpr layer_workload max_pool(const char* name, std::size_t channels, std::size_t k,
                                  std::size_t stride, std::size_t in_hw, std::size_t out_hw,
                                  placement at = {}) noexcept {
  layer_workload l;
  l.name = name;
  l.add(eltwise{channels * out_hw * out_hw, eltwise_kind::max, 32, k * k});
  l.mem.act_bytes = channels * out_hw * out_hw * 4;
  l.conv = conv_geometry{.in_channels = channels, .out_channels = channels, .kernel_h = k,
                         .kernel_w = k, .stride = stride, .in_h = in_hw, .in_w = in_hw,
                         .out_h = out_hw, .out_w = out_hw, .groups = channels, .is_pool = true,
                         .branch_group = at.branch_group, .branch = at.branch};
  l.has_conv = true;
  return l;
}

/// Sums over the convolutions of a workload (pooling has no weights and no MACs).
template <std::size_t N>
constexpr double conv_weights(const model_workload<N>& w) noexcept {
  double s = 0;
  for (const auto& l : w)
    for (std::size_t i = 0; i < l.n_gemms; ++i) s += double(l.gemms[i].stored_weights());
  return s;
}
template <std::size_t N>
constexpr double conv_macs(const model_workload<N>& w) noexcept {
  double s = 0;
  for (const auto& l : w) s += l.dense_macs();
  return s;
}

}  // namespace ember::cost::nets
