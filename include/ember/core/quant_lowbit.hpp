// Binary and ternary weights (sign / magnitude bit planes with a per-row scale) with int8,
// binary or ternary activations, and weight sharing (k-means codebook, 4-bit labels).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ember/core/concepts.hpp"
#include "ember/core/quant.hpp"
#include "ember/core/quant_format.hpp"

namespace ember::quant {

/// Weights in {-1, +1} (Format binary) or {-1, 0, +1} (ternary) times a per-row scale,
/// stored as bit planes: a sign plane, plus a non-zero plane for ternary. Activations:
///  - ActBits = 8: int8, symmetric per-vector scale (as quant::int8); sum q x is exact in
///    int32. Hardware adds or subtracts each activation (sign-add: no multiplier, as the
///    cost model charges it); on x86 the int8 dot-product kernels run it on offset-binary
///    fields (u = (q + 1) / 2 in 1 bit, q + 1 in 2 bits), the fastest exact path there;
///  - ActBits = 1: binary, sign(x) times beta = mean |x| (XNOR-Net, Rastegari et al. 2016);
///    the kernel is XNOR (XOR) and popcount;
///  - ActBits = 2: ternary, sign(x) [|x| > 0.7 mean |x|] times the mean |x| of the kept
///    entries (the TWN rule, Li et al. 2016, applied per vector); popcount kernel.
/// Weight scales: binary alpha = mean |w_row| (the L2-optimal scale of sign(w), XNOR-Net);
/// ternary: threshold 0.7 mean |w_row|, alpha = mean |w| over the kept entries (TWN).
/// sign(0) = +1 for binary values; NaN weights and activations count as 0.
template <weight_format Format, unsigned ActBits = 8>
struct bitplane : quant_tag {
  static_assert(Format == weight_format::binary || Format == weight_format::ternary,
                "quant::bitplane<Format, A>: Format must be weight_format::binary or ::ternary");
  static_assert(ActBits == 1 || ActBits == 2 || ActBits == 8,
                "quant::bitplane<Format, A>: activation bits must be 1 (binary), 2 (ternary) or 8 (int8)");
  static constexpr weight_format format = Format;
  static constexpr unsigned weight_bits = Format == weight_format::binary ? 1 : 2;
  static constexpr unsigned act_bits = ActBits;
  static constexpr bool is_integer = true;
  static constexpr scale_kind scale = scale_kind::per_row;
  static constexpr bool ternary_weights = Format == weight_format::ternary;
  static constexpr bool ternary_acts = ActBits == 2;
  /// Popcount kernels (both operands are bit planes) instead of the int8 dot kernels.
  static constexpr bool popcount = ActBits <= 2;
  static constexpr std::int32_t weight_qmax = 1;
  static constexpr std::int32_t act_qmax = ActBits == 8 ? 127 : 1;
  static constexpr unsigned frac_bits = 0;
  using weight_type = std::int8_t;
  using act_type = std::int8_t;
  using accum_type = std::int32_t;
  /// int8 activations: the dot kernels sum u x with u <= 2 (|sum| <= 254 K < 2^31 for
  /// K <= 2^23; binary doubles a sum of u = 1 terms, the same bound). Popcount kernels
  /// count bits (<= K); 2^24 keeps every row sum exactly representable as a float too.
  static constexpr std::size_t max_reduction = ActBits == 8 ? (std::size_t{1} << 23) : (std::size_t{1} << 24);
  static constexpr const char* name = Format == weight_format::binary
                                          ? (ActBits == 8 ? "b1" : ActBits == 1 ? "b1a1" : "b1a2")
                                          : (ActBits == 8 ? "t2" : ActBits == 1 ? "t2a1" : "t2a2");
};

template <unsigned ActBits = 8>
using binary_weights = bitplane<weight_format::binary, ActBits>;
template <unsigned ActBits = 8>
using ternary_weights = bitplane<weight_format::ternary, ActBits>;

using binary = binary_weights<8>;    ///< W1A8: +-1 weights, int8 activations (sign-add)
using xnor = binary_weights<1>;      ///< W1A1: XNOR-Net, XNOR-popcount
using ternary = ternary_weights<8>;  ///< W2A8 (ternary): add / subtract
using ternary_ternary = ternary_weights<2>;  ///< ternary weights and activations (TNN), popcount

/// Weight sharing (Verhelst & Moons; Han et al., Deep Compression): the weights of one
/// matrix are clustered by 1-D k-means into Clusters fp32 centroids at pack time
/// (kernels/kmeans.hpp: Lloyd from the exact optimum of a 512-bin histogram; deterministic,
/// no random seed) and each weight is stored as a 4-bit label. The matvec forms the
/// products c_k x_j once per input column (per 128-row pass) and adds the labelled one per
/// weight: Clusters * Cols multiplies per pass instead of Rows * Cols. Activations stay fp32.
template <std::size_t Clusters = 16>
struct shared : quant_tag {
  static_assert(Clusters >= 2 && Clusters <= 16,
                "quant::shared<Clusters>: 2 to 16 clusters (labels are stored in 4 bits)");
  static constexpr weight_format format = weight_format::codebook;
  static constexpr std::size_t clusters = Clusters;
  /// Bits a label needs (the cost model's weight width); the CPU layout stores 4.
  static constexpr unsigned label_bits = Clusters <= 2 ? 1 : Clusters <= 4 ? 2 : Clusters <= 8 ? 3 : 4;
  static constexpr unsigned weight_bits = label_bits, act_bits = 32;
  static constexpr bool is_integer = false;
  static constexpr scale_kind scale = scale_kind::none;
  static constexpr std::size_t max_reduction = std::size_t(-1);
  static constexpr const char* name = "shared";
  using weight_type = float;
  using act_type = float;
  using accum_type = float;
};

/// The bit-plane policies (binary and ternary weights, any activation width).
template <class Q>
concept bitplane_quant = quant_policy<Q> && (format_of<Q> == weight_format::binary ||
                                             format_of<Q> == weight_format::ternary);
/// Codebook (weight-sharing) policies.
template <class Q>
concept codebook_quant = quant_policy<Q> && format_of<Q> == weight_format::codebook;

}  // namespace ember::quant
