// What a layer does, as data: GEMMs (SCALE-Sim's M, N, K), element-wise ops and memory
// footprints. Layers build it constexpr from their shapes; hardware models consume it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ember/core/concepts.hpp"
#include "ember/core/quant_format.hpp"

namespace ember::cost {

/// One matrix product (M x K) * (K x N) in SCALE-Sim's convention: M = rows of the
/// input operand (batch, time steps or output pixels), N = output columns (gate rows,
/// filters), K = reduction length.
struct gemm {
  std::size_t M = 1, N = 1, K = 1;
  unsigned weight_bits = 32, act_bits = 32;
  std::size_t circulant_k = 1;  ///< block-circulant block size (1 = dense)
  double density = 1.0;         ///< fraction of the K columns used (delta networks)
  std::size_t repeat = 1;       ///< times per inference (e.g. once per time step)
  /// Permuted block-diagonal blocks (matvec::block_diagonal<B>; 1 = dense): only B
  /// diagonal blocks of about N/B x K/B are stored and multiplied. Not combined with
  /// circulant_k > 1 (one structure per matrix).
  std::size_t diag_blocks = 1;
  /// How the weights are coded (binary / ternary: no multiplier; codebook: weight_bits-bit
  /// labels into `clusters` fp32 centroids). Set all four quantization fields at once with
  /// cost::quantized<Q>(gemm).
  quant::weight_format format = quant::weight_format::uniform;
  std::size_t clusters = 0;     ///< codebook entries (codebook format only)

  /// Multiply-accumulates as a dense product would count them (before compression).
  constexpr double dense_macs() const noexcept {
    return double(M) * double(N) * double(K) * double(repeat);
  }
  /// Weights stored (circulant blocks keep one vector of K per K x K block; block-diagonal
  /// keeps the blocks, the first N % B / K % B of them one row / column larger).
  constexpr std::size_t stored_weights() const noexcept {
    if (diag_blocks > 1) {
      const std::size_t B = diag_blocks, n = N / B, a = N % B, k = K / B, c = K % B;
      return B * n * k + n * c + k * a + (a < c ? a : c);
    }
    return N * K / circulant_k;
  }
  /// Bytes of the codebook (fp32 centroids) a codebook-coded matrix stores beside its labels.
  constexpr std::size_t codebook_bytes() const noexcept {
    return format == quant::weight_format::codebook ? clusters * 4 : 0;
  }
  constexpr std::size_t weight_bytes() const noexcept {
    return (stored_weights() * weight_bits + 7) / 8 + codebook_bytes();
  }
};

/// g with quantization policy Q's weight and activation bits, weight format and codebook
/// size: what a layer writes for each GEMM, e.g. quantized<P::quant>(gemm{T, 4 * H, In}).
template <quant_policy Q>
constexpr gemm quantized(gemm g) noexcept {
  g.weight_bits = Q::weight_bits;
  g.act_bits = Q::act_bits;
  g.format = quant::format_of<Q>;
  g.clusters = quant::clusters_of<Q>;
  return g;
}

enum class eltwise_kind : std::uint8_t { add, mul, fma, sigmoid, tanh, relu, max, avg, other };

/// An element-wise stage (gate non-linearities, state updates, pooling, ...).
struct eltwise {
  std::size_t count = 0;
  eltwise_kind kind = eltwise_kind::other;
  unsigned bits = 32;
  std::size_t repeat = 1;
};

/// Bytes a layer keeps: weights (as stored by its policy), recurrent state, activations.
struct footprint {
  std::size_t weight_bytes = 0;
  std::size_t state_bytes = 0;
  std::size_t act_bytes = 0;
};

/// Spatial shape of a convolution or pooling layer, for hardware models that map
/// rows of the feature map onto cores (Epiphany streaming tiles).
struct conv_geometry {
  std::size_t in_channels = 0, out_channels = 0;
  std::size_t kernel_h = 1, kernel_w = 1, stride = 1;
  std::size_t in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  std::size_t groups = 1;
  bool is_pool = false;
  /// Parallel branches (an inception module): layers sharing a non-zero branch_group form
  /// one module; within it, layers with the same `branch` form a chain in list order, and
  /// every branch reads the module's input. 0 = an ordinary sequential layer.
  std::size_t branch_group = 0;
  std::size_t branch = 0;
};

inline constexpr std::size_t max_gemms_per_layer = 8;
inline constexpr std::size_t max_eltwise_per_layer = 8;

/// The workload of one layer for one inference (a sequence for RNNs, a frame for CNNs).
struct layer_workload {
  const char* name = "";
  std::array<gemm, max_gemms_per_layer> gemms{};
  std::size_t n_gemms = 0;
  std::array<eltwise, max_eltwise_per_layer> elts{};
  std::size_t n_elts = 0;
  footprint mem{};
  conv_geometry conv{};
  bool has_conv = false;

  constexpr layer_workload& add(const gemm& g) noexcept {
    if (n_gemms < gemms.size()) gemms[n_gemms++] = g;
    return *this;
  }
  constexpr layer_workload& add(const eltwise& e) noexcept {
    if (n_elts < elts.size()) elts[n_elts++] = e;
    return *this;
  }
  constexpr double dense_macs() const noexcept {
    double s = 0;
    for (std::size_t i = 0; i < n_gemms; ++i) s += gemms[i].dense_macs();
    return s;
  }
};

/// The gemm of one matrix of a layer with policy bundle P (ember::policy<...>): bits and
/// structure (circulant_k, diag_blocks) come from P, so layers need not spell them.
/// Example: `w.add(cost::gemm_for<P>(seq_len, 4 * H, In))`.
template <class P>
constexpr gemm gemm_for(std::size_t M, std::size_t N, std::size_t K, std::size_t repeat = 1) noexcept {
  gemm g{M, N, K, P::weight_bits, P::act_bits, P::matvec::block, 1.0, repeat};
  if constexpr (requires { P::matvec::diag_blocks; }) g.diag_blocks = P::matvec::diag_blocks;
  return g;
}

/// A model's workload: one entry per layer, in order.
template <std::size_t Layers>
using model_workload = std::array<layer_workload, Layers>;

}  // namespace ember::cost
