// Energy per operation and per memory access: the energy_table concept and its default,
// Horowitz's 45 nm figures (ISSCC 2014), with the scaling rules for widths not listed.
#pragma once

#include <concepts>
#include <cstdint>

#include "ember/core/quant_format.hpp"

namespace ember::cost {

/// What a hardware model asks of an energy table (all in picojoules). Widths follow the
/// workload convention: 32-bit operands are fp32 (ember's quant::f32), narrower ones
/// integers. A user table is any type with these static members, e.g. one deriving from
/// horowitz_45nm and hiding one function.
template <class T>
concept energy_table = requires(unsigned bits, std::uint64_t size_bytes) {
  { T::int_add_pj(bits) } -> std::convertible_to<double>;
  { T::int_mult_pj(bits) } -> std::convertible_to<double>;
  { T::fp_add_pj(bits) } -> std::convertible_to<double>;
  { T::fp_mult_pj(bits) } -> std::convertible_to<double>;
  { T::sram_read_64b_pj(size_bytes) } -> std::convertible_to<double>;
  { T::dram_read_64b_pj() } -> std::convertible_to<double>;
  { T::name } -> std::convertible_to<const char*>;
};

namespace detail {
/// Newton square root, constexpr (x >= 0).
constexpr double csqrt(double x) noexcept {
  if (!(x > 0.0)) return 0.0;
  double r = x >= 1.0 ? x : 1.0;
  for (int i = 0; i < 64; ++i) {
    const double n = 0.5 * (r + x / r);
    if (n == r) break;
    r = n;
  }
  return r;
}
/// The listed width nearest to `bits` (ties go to the smaller one).
template <std::size_t N>
constexpr unsigned nearest_width(const unsigned (&widths)[N], unsigned bits) noexcept {
  unsigned best = widths[0];
  for (unsigned w : widths) {
    const unsigned d = w > bits ? w - bits : bits - w;
    const unsigned db = best > bits ? best - bits : bits - best;
    if (d < db) best = w;
  }
  return best;
}
}  // namespace detail

/// M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014,
/// 45 nm, 0.9 V (shared/reference/energy_45nm.csv). Widths not in the table scale from
/// the nearest listed width: multipliers with bits^2 (array multiplier area), adders
/// with bits (ripple/prefix adder length). SRAM energy per 64-bit read is listed for
/// 8 KB, 32 KB and 1 MB; other sizes scale with sqrt(size) from the nearest listed size
/// (bit-line and word-line length grow with the square root of capacity; this rule
/// reproduces 8 KB -> 32 KB exactly and gives 113 pJ at 1 MB instead of the listed 100).
/// DRAM is listed as 1.3-2.6 nJ per 64 bits: the midpoint, 1950 pJ, is used.
/// Writes are charged as reads (the paper lists reads only).
struct horowitz_45nm {
  static constexpr const char* name = "Horowitz ISSCC 2014, 45 nm 0.9 V";

  static constexpr double int_add_pj(unsigned bits) noexcept {
    constexpr unsigned w[] = {8, 16, 32};
    constexpr double e[] = {0.03, 0.05, 0.1};
    const unsigned n = detail::nearest_width(w, bits);
    const double base = n == 8 ? e[0] : n == 16 ? e[1] : e[2];
    return base * double(bits) / double(n);
  }
  static constexpr double int_mult_pj(unsigned bits) noexcept {
    constexpr unsigned w[] = {8, 32};
    const unsigned n = detail::nearest_width(w, bits);
    const double base = n == 8 ? 0.2 : 3.1;
    return base * (double(bits) * double(bits)) / (double(n) * double(n));
  }
  static constexpr double fp_add_pj(unsigned bits) noexcept {
    constexpr unsigned w[] = {16, 32};
    const unsigned n = detail::nearest_width(w, bits);
    return (n == 16 ? 0.4 : 0.9) * double(bits) / double(n);
  }
  static constexpr double fp_mult_pj(unsigned bits) noexcept {
    constexpr unsigned w[] = {16, 32};
    const unsigned n = detail::nearest_width(w, bits);
    return (n == 16 ? 1.1 : 3.7) * (double(bits) * double(bits)) / (double(n) * double(n));
  }
  static constexpr double sram_read_64b_pj(std::uint64_t size_bytes) noexcept {
    constexpr double kb8 = 8.0 * 1024, kb32 = 32.0 * 1024, mb1 = 1024.0 * 1024;
    const double s = size_bytes == 0 ? kb8 : double(size_bytes);
    // nearest listed size on a log scale (geometric midpoints 16 KB and 181 KB)
    if (s * s <= kb8 * kb32) return 10.0 * detail::csqrt(s / kb8);
    if (s * s <= kb32 * mb1) return 20.0 * detail::csqrt(s / kb32);
    return 100.0 * detail::csqrt(s / mb1);
  }
  static constexpr double dram_read_64b_pj() noexcept { return 1950.0; }
};
static_assert(energy_table<horowitz_45nm>);

/// Energy of one multiply-accumulate at the given operand widths: 32-bit operands
/// are an fp32 multiply + fp32 add; narrower ones an integer multiply at the wider
/// operand's width plus a 32-bit integer accumulate.
template <energy_table E>
constexpr double mac_pj(unsigned weight_bits, unsigned act_bits) noexcept {
  const unsigned b = weight_bits > act_bits ? weight_bits : act_bits;
  if (b >= 32) return E::fp_mult_pj(32) + E::fp_add_pj(32);
  return E::int_mult_pj(b) + E::int_add_pj(32);
}

/// Energy of one MAC of a weight format (what each lowered GEMM's MACs are):
/// - uniform: mac_pj(weight_bits, act_bits) above;
/// - binary / ternary weights, activations wider than 2 bits (sign-add; Courbariaux et al.,
///   BinaryConnect 2015): no multiplier; a conditional two's-complement negation of the
///   activation (charged as one add at the activation width) and the 32-bit accumulate;
///   fp32 activations: one fp32 add (the sign flip is free);
/// - binary / ternary on both sides (act_bits <= 2; XNOR-Net, Rastegari et al. 2016): an
///   XNOR gate and one full-adder cell of the popcount tree per MAC (each charged as a 1-bit
///   add: the table's 8-bit adder over 8), the popcount word's 32-bit accumulate shared by
///   64 MACs; a ternary operand adds a magnitude plane (AND + popcount): twice the bit work;
/// - codebook (weight sharing): the activation is added into its cluster's sum: one 32-bit
///   add (fp32 add for fp32 activations); the centroid multiplies are a separate GEMM part.
template <energy_table E>
constexpr double mac_pj(unsigned weight_bits, unsigned act_bits, quant::weight_format f) noexcept {
  using quant::weight_format;
  const bool fp_acts = act_bits >= 32;
  switch (f) {
    case weight_format::binary:
    case weight_format::ternary:
      if (act_bits <= 2) {
        const double planes = (f == weight_format::ternary || act_bits == 2) ? 2.0 : 1.0;
        return planes * 2.0 * E::int_add_pj(1) + E::int_add_pj(32) / 64.0;
      }
      return fp_acts ? E::fp_add_pj(32) : E::int_add_pj(act_bits) + E::int_add_pj(32);
    case weight_format::codebook:
      return fp_acts ? E::fp_add_pj(32) : E::int_add_pj(32);
    default:
      return mac_pj<E>(weight_bits, act_bits);
  }
}

/// Energy per byte moved to or from an SRAM of `size_bytes`, or DRAM.
template <energy_table E>
constexpr double sram_pj_per_byte(std::uint64_t size_bytes) noexcept {
  return E::sram_read_64b_pj(size_bytes) / 8.0;
}
template <energy_table E>
constexpr double dram_pj_per_byte() noexcept {
  return E::dram_read_64b_pj() / 8.0;
}

}  // namespace ember::cost
