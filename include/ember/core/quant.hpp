// Quantization policies: f32, symmetric<WeightBits, ActBits> (int8/int4/int2/int16 with
// per-row weight scales) and fixed<Bits, Frac> (Q-format, power-of-two scales).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ember/core/concepts.hpp"

namespace ember::quant {

/// How a quantized tensor's real value is recovered from its integers.
enum class scale_kind {
  none,          ///< floating point, no scale
  per_row,       ///< weights: one float scale per output row; activations: one per vector
  power_of_two,  ///< Q-format: scale 2^-Frac everywhere, no float multiply needed
};

/// Full-precision float: the reference every other policy is measured against.
struct f32 : quant_tag {
  static constexpr unsigned weight_bits = 32, act_bits = 32;
  static constexpr bool is_integer = false;
  static constexpr scale_kind scale = scale_kind::none;
  static constexpr std::size_t max_reduction = std::size_t(-1);
  static constexpr const char* name = "f32";
  using weight_type = float;
  using act_type = float;
  using accum_type = float;
};

namespace detail {
// Weight storage after unpacking and the kernel family: <= 8-bit weights and
// activations use the int8 dot-product kernels (VNNI), anything wider the int16 ones.
template <unsigned W, unsigned A>
inline constexpr bool byte_path = (W <= 8 && A <= 8);

// Largest reduction length whose int32 accumulator cannot overflow in the byte path.
// The VNNI kernel multiplies offset-binary weights u = q + 2^(W-1) in [0, 2^W - 1]
// by activations in [-127, 127]: |sum| <= K * (2^W - 1) * 127 < 2^31.
constexpr std::size_t byte_path_max_reduction(unsigned w) noexcept {
  const std::uint64_t per_term = ((std::uint64_t{1} << w) - 1) * 127;
  std::uint64_t k = 1;
  while (2 * k * per_term <= 0x7fffffffULL) k *= 2;  // power of two, with headroom proven
  return static_cast<std::size_t>(k);
}
// The int16 path widens pair sums (|.| <= 2 * 32767^2 < 2^31) to int64, so its bound is
// the 2^32 steps the tests prove, or every length a 32-bit size_t can express.
inline constexpr std::size_t int64_path_max_reduction =
    sizeof(std::size_t) > 4 ? static_cast<std::size_t>(std::uint64_t{1} << 32) : ~std::size_t{0};
}  // namespace detail

/// Symmetric, restricted-range integer quantization: q in [-(2^(b-1)-1), 2^(b-1)-1].
/// Weights: one scale per output row, max|row| / qmax, computed once at load.
/// Activations: one scale per vector, max|x| / qmax, computed at each call (dynamic
/// quantization, as torch.ao.nn.quantized.dynamic). Rounding: half to even.
/// Accumulation: int32 for <= 8-bit operands (headroom in max_reduction), int64 otherwise.
/// int2's grid {-1, 0, +1} is the restricted 2-bit range (ternary values, multiply kernel).
template <unsigned WeightBits, unsigned ActBits = (WeightBits > 8 ? 16 : 8)>
struct symmetric : quant_tag {
  static_assert(WeightBits == 2 || WeightBits == 4 || WeightBits == 8 || WeightBits == 16,
                "quant::symmetric<W, A>: weight bits must be 2, 4, 8 or 16");
  static_assert(ActBits >= 2 && ActBits <= 16,
                "quant::symmetric<W, A>: activation bits must be from 2 to 16");
  static constexpr unsigned weight_bits = WeightBits, act_bits = ActBits;
  static constexpr bool is_integer = true;
  static constexpr scale_kind scale = scale_kind::per_row;
  static constexpr std::int32_t weight_qmax = (1 << (WeightBits - 1)) - 1;
  static constexpr std::int32_t act_qmax = (1 << (ActBits - 1)) - 1;
  static constexpr bool byte_path = detail::byte_path<WeightBits, ActBits>;
  using weight_type = std::conditional_t<byte_path, std::int8_t, std::int16_t>;
  using act_type = std::conditional_t<byte_path, std::int8_t, std::int16_t>;
  using accum_type = std::conditional_t<byte_path, std::int32_t, std::int64_t>;
  static constexpr std::size_t max_reduction =
      byte_path ? detail::byte_path_max_reduction(WeightBits) : detail::int64_path_max_reduction;
  static constexpr unsigned frac_bits = 0;  // scales are floats, not powers of two
  static constexpr const char* name = WeightBits == 8 ? (ActBits == 8 ? "s8" : "s8a")
                                    : WeightBits == 4 ? "s4"
                                    : WeightBits == 2 ? "s2"
                                                      : "s16";
};

using int8 = symmetric<8, 8>;
using int4 = symmetric<4, 8>;   // W4A8: 4-bit weights, 8-bit activations
using int2 = symmetric<2, 8>;   // W2A8
using int16 = symmetric<16, 16>;

/// Q-format fixed point, as CMSIS-NN's q7/q15: weights and activations are
/// round(v * 2^Frac) saturated to Bits bits; results are scaled back by 2^-(2 Frac).
/// Useful on cores without an FPU-friendly per-row scale; saturates where the float
/// value exceeds 2^(Bits-1-Frac).
template <unsigned Bits, unsigned Frac>
struct fixed : quant_tag {
  static_assert(Bits == 8 || Bits == 16, "quant::fixed<Bits, Frac>: Bits must be 8 or 16");
  static_assert(Frac < Bits, "quant::fixed<Bits, Frac>: Frac must be smaller than Bits");
  static constexpr unsigned weight_bits = Bits, act_bits = Bits;
  static constexpr unsigned frac_bits = Frac;
  static constexpr bool is_integer = true;
  static constexpr scale_kind scale = scale_kind::power_of_two;
  static constexpr std::int32_t weight_qmax = (1 << (Bits - 1)) - 1;
  static constexpr std::int32_t act_qmax = weight_qmax;
  static constexpr bool byte_path = (Bits == 8);
  using weight_type = std::conditional_t<byte_path, std::int8_t, std::int16_t>;
  using act_type = weight_type;
  using accum_type = std::conditional_t<byte_path, std::int32_t, std::int64_t>;
  static constexpr std::size_t max_reduction =
      byte_path ? detail::byte_path_max_reduction(8) : detail::int64_path_max_reduction;
  static constexpr const char* name = Bits == 8 ? "q7" : "q15";
};

/// Integer policies that run on the byte (int8 activation) kernels.
template <class Q>
concept byte_quant = quant_policy<Q> && Q::is_integer && Q::byte_path;
/// Integer policies that run on the int16 kernels with int64 accumulators.
template <class Q>
concept wide_quant = quant_policy<Q> && Q::is_integer && !Q::byte_path;

}  // namespace ember::quant
