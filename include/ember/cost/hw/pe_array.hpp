// hw::pe_array<PEs, BlockRows, BlockCols, Bits, Clock, Options...>: a spatial array of PEs
// (Naous et al., UC Berkeley), each holding weight blocks in local SRAM and computing one
// output per cycle through BlockCols multipliers and a pipelined adder tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ember/core/units.hpp"
#include "ember/cost/energy.hpp"
#include "ember/cost/hw/systolic.hpp"

namespace ember::hw {

/// Most PEs the estimator handles (its per-PE tables are fixed-size, for constexpr).
inline constexpr std::size_t pe_array_max_pes = 1024;

/// Everything the PE-array cost model reads; hw::pe_array<...>::config builds one
/// constexpr, the CLI one at run time.
struct pe_array_config {
  std::size_t pes = 10;
  std::size_t block_rows = 400, block_cols = 400;  ///< weight block per PE: one row per output
  unsigned weight_bits = 4, act_bits = 4;          ///< multiplier operand widths
  double clock_hz = 1e9;
  /// Total on-chip weight SRAM in bytes, split evenly over the PEs; 0 = one block per PE.
  std::uint64_t sram_bytes = 0;
  /// Pipeline stages besides the adder tree: weight-row read, multiply, and the end of
  /// the tree (requantize, ReLU, quantizer).
  unsigned extra_stages = 3;

  /// Bits of one SRAM row: the BlockCols weights one output needs, read in one cycle.
  constexpr std::uint64_t row_bits() const noexcept { return std::uint64_t(block_cols) * weight_bits; }
  constexpr std::uint64_t block_bits() const noexcept { return row_bits() * block_rows; }
  constexpr std::uint64_t sram_bits_per_pe() const noexcept {
    return sram_bytes == 0 ? block_bits() : sram_bytes * 8 / (pes == 0 ? 1 : pes);
  }
  constexpr std::uint64_t sram_bytes_per_pe() const noexcept { return sram_bits_per_pe() / 8; }
  /// Weight rows a PE stores, and whole BlockRows x BlockCols blocks.
  constexpr std::uint64_t rows_per_pe() const noexcept { return row_bits() == 0 ? 0 : sram_bits_per_pe() / row_bits(); }
  constexpr std::uint64_t blocks_per_pe() const noexcept { return block_rows == 0 ? 0 : rows_per_pe() / block_rows; }
  /// Levels of the binary adder tree reducing BlockCols products: ceil(log2(BlockCols)).
  constexpr unsigned tree_depth() const noexcept {
    unsigned d = 0;
    while ((std::size_t{1} << d) < block_cols) ++d;
    return d;
  }
  /// Cycles from a weight-row read to its output leaving the quantizer.
  constexpr unsigned pipeline_depth() const noexcept { return tree_depth() + extra_stages; }
  /// Peak: every multiplier busy, 2 ops (multiply + add) per multiplier per cycle.
  constexpr double peak_ops_per_s() const noexcept {
    return 2.0 * double(pes) * double(block_cols) * clock_hz;
  }
};

/// Activation (multiplier input) width when it differs from the weights' Bits.
template <unsigned N>
struct act_bits {
  static_assert(N >= 1 && N <= 32, "hw::act_bits<N>: N must be from 1 to 32");
};

namespace detail {
// Option recognition: total SRAM (kib<N>, mib<N>, sram_kib<N>), act_bits<N>, energy<Table>.
template <class T>
struct pe_option { static constexpr bool valid = false; };
template <std::uint64_t N>
struct pe_option<kib<N>> {
  static constexpr bool valid = true;
  static constexpr void apply(pe_array_config& c) noexcept { c.sram_bytes = kib<N>::value; }
};
template <std::uint64_t N>
struct pe_option<mib<N>> {
  static constexpr bool valid = true;
  static constexpr void apply(pe_array_config& c) noexcept { c.sram_bytes = mib<N>::value; }
};
template <std::uint64_t N>
struct pe_option<sram_kib<N>> {
  static constexpr bool valid = true;
  static constexpr void apply(pe_array_config& c) noexcept { c.sram_bytes = N * 1024; }
};
template <unsigned N>
struct pe_option<act_bits<N>> {
  static constexpr bool valid = true;
  static constexpr void apply(pe_array_config& c) noexcept { c.act_bits = N; }
};
template <class E>
struct pe_option<energy<E>> {
  static constexpr bool valid = true;
  static constexpr void apply(pe_array_config&) noexcept {}
};
}  // namespace detail

/// PEs processing elements, each with a BlockRows x BlockCols block of Bits-bit weights
/// in local SRAM, BlockCols multipliers and an adder tree: one output per PE per cycle.
/// Activations reach the PEs over a crossbar, one per PE per cycle (static schedule).
/// Options: the total weight SRAM (kib<N>, mib<N> or sram_kib<N>; default one block per
/// PE), act_bits<N> (default Bits), energy<Table> (default Horowitz 45 nm).
/// The Berkeley design point: `hw::pe_array<10, 400, 400, 4, ghz<1>, kib<1024>>` (8 Mb).
template <std::size_t PEs, std::size_t BlockRows, std::size_t BlockCols, unsigned Bits, class Clock = ghz<1>,
          class... Options>
struct pe_array {
  static_assert(PEs >= 1 && PEs <= pe_array_max_pes, "hw::pe_array<PEs, ...>: PEs must be from 1 to 1024");
  static_assert(BlockRows >= 1 && BlockCols >= 1,
                "hw::pe_array<PEs, BlockRows, BlockCols, ...>: a PE block needs at least one row and one column");
  static_assert(Bits >= 1 && Bits <= 32, "hw::pe_array<..., Bits, ...>: Bits must be from 1 to 32");
  static_assert(detail::clock_tag<Clock>, "hw::pe_array<..., Clock, ...>: Clock must be mhz<N> or ghz<N>");
  static_assert((detail::pe_option<Options>::valid && ...),
                "hw::pe_array<..., Options...>: every option must be one of kib<N>, mib<N>, sram_kib<N> "
                "(total weight SRAM), act_bits<N> or energy<Table>");

 private:
  static constexpr pe_array_config make() noexcept {
    pe_array_config c{};
    c.pes = PEs;
    c.block_rows = BlockRows;
    c.block_cols = BlockCols;
    c.weight_bits = c.act_bits = Bits;
    c.clock_hz = Clock::hz;
    (detail::pe_option<Options>::apply(c), ...);
    return c;
  }

 public:
  static constexpr pe_array_config config = make();
  static_assert(config.blocks_per_pe() >= 1,
                "hw::pe_array: the SRAM per PE (total SRAM / PEs) must hold at least one BlockRows x BlockCols "
                "block of Bits-bit weights");
  using energy_table = typename detail::find_energy<Options...>::type;
  static constexpr std::size_t pes = PEs, block_rows = BlockRows, block_cols = BlockCols;
  static constexpr unsigned bits = Bits;
};

/// A hardware type the PE-array cost model can read.
template <class HW>
concept pe_array_model = requires {
  { HW::config } -> std::convertible_to<pe_array_config>;
  typename HW::energy_table;
} && cost::energy_table<typename HW::energy_table>;

}  // namespace ember::hw
