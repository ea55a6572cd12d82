// How a quantization policy codes its weights (uniform grid, sign bits, codebook labels):
// the one fact beyond bit widths that kernels' cost and the hardware models depend on.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember::quant {

/// What a stored weight is. Decides what one multiply-accumulate costs in hardware
/// (cost/energy.hpp: mac_pj) and what a layer stores besides its weight bits.
enum class weight_format : std::uint8_t {
  uniform,   ///< integers (or floats) of weight_bits on a uniform grid: a multiply-accumulate
  binary,    ///< {-1, +1} x per-row scale: sign-add, or XNOR-popcount when act_bits <= 2
  ternary,   ///< {-1, 0, +1} x per-row scale: add/subtract, or popcount when act_bits <= 2
  codebook,  ///< weight_bits-bit labels into a per-matrix codebook of fp32 centroids
};

namespace detail {
template <class Q>
constexpr weight_format format_of() noexcept {
  if constexpr (requires { Q::format; }) return Q::format;
  else return weight_format::uniform;
}
template <class Q>
constexpr std::size_t clusters_of() noexcept {
  if constexpr (requires { Q::clusters; }) return Q::clusters;
  else return 0;
}
}  // namespace detail

/// The weight format of a policy: Q::format when it declares one, uniform otherwise.
template <class Q>
inline constexpr weight_format format_of = detail::format_of<Q>();
/// Codebook entries of a policy (0 for every policy without a codebook).
template <class Q>
inline constexpr std::size_t clusters_of = detail::clusters_of<Q>();

constexpr const char* to_string(weight_format f) noexcept {
  switch (f) {
    case weight_format::binary: return "binary";
    case weight_format::ternary: return "ternary";
    case weight_format::codebook: return "codebook";
    default: return "uniform";
  }
}

}  // namespace ember::quant
