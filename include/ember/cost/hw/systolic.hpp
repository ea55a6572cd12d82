// hw::systolic<Rows, Cols, Dataflow, Options...>: a SCALE-Sim-style systolic array as a
// type. Options (any order): SRAM sizes, clock, DRAM bandwidth, BitFusion, energy table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ember/core/units.hpp"
#include "ember/cost/energy.hpp"
#include "ember/cost/lowering.hpp"
#include "ember/cost/hw/dataflow.hpp"

namespace ember::hw {

/// Everything the systolic cost model reads, as a run-time value (the CLI builds one
/// from a SCALE-Sim config file; the type hw::systolic<...> builds one constexpr).
struct systolic_config {
  std::uint64_t rows = 1, cols = 1;
  dataflow df = dataflow::os;
  /// Partitioned SRAMs as in SCALE-Sim (its defaults: 256 / 256 / 128 KiB).
  std::uint64_t ifmap_sram = 256 * 1024, filter_sram = 256 * 1024, ofmap_sram = 128 * 1024;
  /// > 0: one SRAM of this many bytes shared by all operands (overrides the three above).
  std::uint64_t unified_sram = 0;
  double clock_hz = 200e6;
  /// BitFusion fusion units (Sharma et al., ISCA 2018): MACs per PE per cycle depend on
  /// the operand widths. false: one MAC per PE per cycle at any width (SCALE-Sim).
  bool bitfusion = false;
  /// How block-circulant GEMMs run (cost/lowering.hpp): DFTs and per-bin products
  /// (default), expanded to dense blocks in the array (ModelFlex), or the faster of the two.
  cost::circulant_mapping circulant = cost::circulant_mapping::frequency;
  /// DRAM bytes per cycle; 0 = unlimited (the required bandwidth is still reported).
  double dram_bytes_per_cycle = 0;
  bool partition_given = false;  ///< some per-operand size was set explicitly
};

/// Base of every systolic option tag.
struct systolic_option {};

/// One on-chip SRAM of N KiB shared by weights, activations and outputs (ModelFlex).
template <std::uint64_t N>
struct sram_kib : systolic_option {
  static constexpr void apply(systolic_config& c) noexcept { c.unified_sram = N * 1024; }
};
/// SCALE-Sim's partitioned buffers (IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB).
template <std::uint64_t N>
struct ifmap_sram_kib : systolic_option {
  static constexpr void apply(systolic_config& c) noexcept { c.ifmap_sram = N * 1024; c.partition_given = true; }
};
template <std::uint64_t N>
struct filter_sram_kib : systolic_option {
  static constexpr void apply(systolic_config& c) noexcept { c.filter_sram = N * 1024; c.partition_given = true; }
};
template <std::uint64_t N>
struct ofmap_sram_kib : systolic_option {
  static constexpr void apply(systolic_config& c) noexcept { c.ofmap_sram = N * 1024; c.partition_given = true; }
};
/// Off-chip bandwidth in bytes per array clock cycle.
template <std::uint64_t N>
struct dram_bytes_per_cycle : systolic_option {
  static constexpr void apply(systolic_config& c) noexcept { c.dram_bytes_per_cycle = double(N); }
};
/// BitFusion precision mode: one 8-bit, four 4-bit or sixteen 2-bit MACs per PE per
/// cycle; 16-bit takes four cycles.
struct bitfusion : systolic_option {
  static constexpr void apply(systolic_config& c) noexcept { c.bitfusion = true; }
};
/// How the array runs block-circulant GEMMs (see cost::circulant_mapping).
template <cost::circulant_mapping M>
struct circulant_mapping_is : systolic_option {
  static constexpr void apply(systolic_config& c) noexcept { c.circulant = M; }
};
/// Use a user energy table (see cost::energy_table) instead of Horowitz 45 nm.
template <cost::energy_table E>
struct energy : systolic_option {
  using table = E;
  static constexpr void apply(systolic_config&) noexcept {}
};

namespace detail {
template <class T>
concept clock_tag = requires { { T::hz } -> std::convertible_to<double>; };
template <class T>
concept option_tag = std::is_base_of_v<systolic_option, T> || clock_tag<T>;

template <class T>
struct energy_of { using type = void; };
template <class E>
struct energy_of<energy<E>> { using type = E; };

template <class... Opts>
struct find_energy { using type = cost::horowitz_45nm; };
template <class First, class... Rest>
struct find_energy<First, Rest...> {
  using type = std::conditional_t<std::is_void_v<typename energy_of<First>::type>,
                                  typename find_energy<Rest...>::type, typename energy_of<First>::type>;
};

template <class O>
constexpr void apply_option(systolic_config& c) noexcept {
  if constexpr (clock_tag<O>) c.clock_hz = O::hz;
  else if constexpr (option_tag<O>) O::apply(c);  // non-options are reported by systolic's static_assert
}
}  // namespace detail

/// A Rows x Cols systolic array with dataflow DF (SCALE-Sim v2's model).
/// `hw::systolic<32, 32, dataflow::os, sram_kib<4096>, mhz<200>>`
template <std::size_t Rows, std::size_t Cols, dataflow DF, class... Options>
struct systolic {
  static_assert(Rows >= 1 && Cols >= 1,
                "hw::systolic<Rows, Cols, ...>: the array needs at least one row and one column");
  static_assert((detail::option_tag<Options> && ...),
                "hw::systolic<Rows, Cols, DF, Options...>: every option must be one of sram_kib<N>, "
                "ifmap_sram_kib<N>, filter_sram_kib<N>, ofmap_sram_kib<N>, dram_bytes_per_cycle<N>, "
                "bitfusion, circulant_mapping_is<M>, energy<Table>, mhz<N> or ghz<N>");

 private:
  static constexpr systolic_config make() noexcept {
    systolic_config c{};
    c.rows = Rows;
    c.cols = Cols;
    c.df = DF;
    (detail::apply_option<Options>(c), ...);
    return c;
  }

 public:
  static constexpr systolic_config config = make();
  static_assert(!(config.unified_sram > 0 && config.partition_given),
                "hw::systolic: give either sram_kib<N> (one shared SRAM) or the partitioned "
                "ifmap/filter/ofmap_sram_kib<N>, not both");
  using energy_table = typename detail::find_energy<Options...>::type;
  static constexpr std::size_t rows = Rows, cols = Cols;
  static constexpr dataflow flow = DF;
};

/// A hardware type the systolic cost model can read.
template <class HW>
concept systolic_model = requires {
  { HW::config } -> std::convertible_to<systolic_config>;
  typename HW::energy_table;
} && cost::energy_table<typename HW::energy_table>;

}  // namespace ember::hw

namespace ember {
// So that `using namespace ember;` code reads like the design: hw::systolic<32, 32,
// dataflow::os, sram_kib<4096>, mhz<200>>.
using hw::dataflow;
using hw::sram_kib;
}  // namespace ember
