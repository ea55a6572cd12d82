// Adapteva Epiphany manycore as a constexpr hardware description: mesh size, local memory,
// clock, issue model and energy efficiency, read by the streaming-tiles mapper.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ember/core/quant_format.hpp"

// Every constant below is derived in docs/cost_model.md ("Epiphany streaming tiles"),
// which cites its source; the comments only name it.
namespace ember::hw {

/// Chip generations, for the energy efficiency at peak FMADD throughput.
struct epiphany_iii {  // E16G301, 65 nm, 16 cores x 32 KB
  static constexpr double gflops_per_watt = 25.0;
  static constexpr const char* name = "Epiphany-III";
};
struct epiphany_iv {  // E64G401, 28 nm, 64 cores x 32 KB
  static constexpr double gflops_per_watt = 70.0;
  static constexpr const char* name = "Epiphany-IV";
};
struct epiphany_v {  // 16 nm, 1024 cores x 64 KB
  static constexpr double gflops_per_watt = 75.0;
  static constexpr const char* name = "Epiphany-V";
};

/// The generation a (cores, KiB) pair most resembles: 64 KB cores exist only on
/// Epiphany-V; up to 16 cores is Epiphany-III; anything else is an Epiphany-IV design.
template <std::size_t Cores, std::size_t CoreKiB>
using epiphany_generation_for =
    std::conditional_t<(CoreKiB >= 64), epiphany_v,
                       std::conditional_t<(Cores <= 16), epiphany_iii, epiphany_iv>>;

/// What the mapper reads. hw::epiphany<...>::params() builds one at compile time; the
/// CLI builds one at run time.
struct epiphany_params {
  std::size_t cores = 1024;
  std::size_t core_bytes = 32 * 1024;
  double clock_hz = 1e9;
  /// Local memory not available for weights: one 8 KB bank for code, IVT and runtime,
  /// one for the incoming/outgoing row buffers and the stack.
  std::size_t reserved_bytes = 16 * 1024;
  double gflops_per_watt = epiphany_iv::gflops_per_watt;
  const char* generation = epiphany_iv::name;
  /// FPU result latency in cycles (GCC's Epiphany pipeline model): a kernel needs this many
  /// independent accumulators, so one unpacked weight feeds that many output pixels.
  unsigned fpu_latency = 5;
  /// Bytes a core stores per cycle (one 64-bit STRD) = bytes per cycle of a cMesh link.
  double store_bytes_per_cycle = 8.0;
  unsigned activation_bytes = 4;  ///< fp32 feature maps (the FPU computes in float)
  /// Max pooling, per window element: load (IALU slot) + FSUB compare (FPU) + conditional
  /// move (IALU slot): two IALU-slot ops, so two cycles.
  double pool_cycles_per_element = 2.0;

  constexpr std::size_t weight_bits_per_core() const noexcept {
    return core_bytes > reserved_bytes ? (core_bytes - reserved_bytes) * 8 : 0;
  }
  /// Peak: one FMADD (2 flops) per core per cycle.
  constexpr double peak_flops() const noexcept { return 2.0 * clock_hz * double(cores); }
  /// Power of one core running FMADDs at the generation's peak efficiency.
  constexpr double core_power_w() const noexcept {
    return 2.0 * clock_hz / (gflops_per_watt * 1e9);
  }
};

/// How `bits`-bit weights are stored. 1..8 bits: packed into 32-bit words without
/// straddling (floor(32/bits) fields per word, unpacked by shift and mask); 9..16 bits:
/// one halfword each; 17..32 bits: one word each (32 bits = fp32, the rest integers).
constexpr unsigned epiphany_fields_per_word(unsigned bits) noexcept {
  return bits == 0 ? 0 : bits <= 8 ? 32 / bits : bits <= 16 ? 2 : 1;
}
constexpr double epiphany_storage_bits(unsigned bits) noexcept {
  return bits == 0 ? 0.0 : 32.0 / double(epiphany_fields_per_word(bits));
}

/// Issue-slot counts of one multiply-accumulate, and the cycles they take when the IALU /
/// load-store slot and the FPU slot dual-issue (one instruction each per cycle).
struct epiphany_mac_cost {
  double ialu_ops = 0;  ///< loads, shifts, masks per MAC
  double fpu_ops = 0;   ///< FMADD and int->float conversions per MAC
  double cycles = 0;    ///< max of the two
};

/// Kernel: each weight is fetched and unpacked once (IALU: word load, shift, mask; FPU:
/// FLOAT) and then feeds `accumulators` output pixels (one FMADD and one input load each).
///
/// Binary and ternary weights take the 1- and 2-bit paths unchanged: with one FMADD per
/// cycle a multiply by +-1 costs what an add does, while a sign-add kernel would flip the
/// input's sign per MAC (an IALU op per MAC instead of per weight). A codebook label
/// (weight sharing) indexes the centroid table instead of being converted: one more IALU
/// load per weight and no FLOAT.
constexpr epiphany_mac_cost epiphany_cycles_per_mac(
    unsigned bits, unsigned accumulators, quant::weight_format format = quant::weight_format::uniform) noexcept {
  const double p = accumulators == 0 ? 1.0 : double(accumulators);
  double w_ialu = 0, w_fpu = 0;  // per weight
  if (bits >= 32) {
    w_ialu = 0.5;  // LDRD: two fp32 weights per 64-bit load, no conversion
  } else if (bits > 16) {
    w_ialu = 0.5, w_fpu = 1;  // LDRD of two int32 words, FLOAT
  } else if (bits > 8) {
    w_ialu = 1, w_fpu = 1;  // halfword load, FLOAT
  } else {
    // LDRD brings 2 packed words; each field costs a shift and a mask, then FLOAT.
    w_ialu = 0.5 / double(epiphany_fields_per_word(bits)) + 2.0, w_fpu = 1;
  }
  if (format == quant::weight_format::codebook && bits <= 16) {
    w_ialu += 1.0;  // LDR of codebook[label]
    w_fpu = 0;      // the centroid is already a float
  }
  epiphany_mac_cost c;
  c.ialu_ops = 1.0 + w_ialu / p;  // one input-operand load per MAC
  c.fpu_ops = 1.0 + w_fpu / p;    // one FMADD per MAC
  c.cycles = c.ialu_ops > c.fpu_ops ? c.ialu_ops : c.fpu_ops;
  return c;
}

/// Run-time twin of hw::epiphany<...>::params() (the CLI takes the sizes as options).
constexpr epiphany_params make_epiphany_params(std::size_t cores, std::size_t core_kib,
                                               double clock_hz = 1e9,
                                               std::size_t reserved_kib = 16) noexcept {
  epiphany_params p;
  p.cores = cores;
  p.core_bytes = core_kib * 1024;
  p.clock_hz = clock_hz;
  p.reserved_bytes = reserved_kib * 1024;
  const bool v = core_kib >= 64, iii = !v && cores <= 16;
  p.gflops_per_watt = v ? epiphany_v::gflops_per_watt
                        : iii ? epiphany_iii::gflops_per_watt : epiphany_iv::gflops_per_watt;
  p.generation = v ? epiphany_v::name : iii ? epiphany_iii::name : epiphany_iv::name;
  return p;
}

/// An Epiphany chip: Cores cores of CoreKiB local memory at ClockHz. Example:
/// `hw::epiphany<1024, 32>` (a 1024-core chip of Epiphany-IV-style 32 KB cores at 1 GHz).
template <std::size_t Cores, std::size_t CoreKiB, std::uint64_t ClockHz = 1'000'000'000,
          class Generation = epiphany_generation_for<Cores, CoreKiB>, std::size_t ReservedKiB = 16>
struct epiphany {
  static_assert(Cores >= 1, "hw::epiphany: needs at least one core");
  static_assert(CoreKiB > ReservedKiB,
                "hw::epiphany: the core's local memory must exceed the reserved code+buffer space "
                "(ReservedKiB), or no weight fits");
  static_assert(ClockHz > 0, "hw::epiphany: ClockHz must be positive");

  static constexpr std::size_t cores = Cores;
  static constexpr std::size_t core_kib = CoreKiB;
  static constexpr std::uint64_t clock_hz = ClockHz;
  using generation = Generation;

  static constexpr epiphany_params params() noexcept {
    epiphany_params p;
    p.cores = Cores;
    p.core_bytes = CoreKiB * 1024;
    p.clock_hz = double(ClockHz);
    p.reserved_bytes = ReservedKiB * 1024;
    p.gflops_per_watt = Generation::gflops_per_watt;
    p.generation = Generation::name;
    return p;
  }
};

using e16g301 = epiphany<16, 32, 1'000'000'000, epiphany_iii>;   ///< Parallella's chip, 1 GHz max
using e64g401 = epiphany<64, 32, 800'000'000, epiphany_iv>;      ///< Epiphany-IV, 800 MHz
using epiphany_v1024 = epiphany<1024, 64, 1'000'000'000, epiphany_v>;

/// Anything that describes an Epiphany chip for the mapper.
template <class T>
concept epiphany_hw = requires {
  { T::params() } -> std::same_as<epiphany_params>;
};

}  // namespace ember::hw
