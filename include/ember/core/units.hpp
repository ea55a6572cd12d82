// Unit tags: compile-time quantities (clock frequency, byte sizes, bandwidth) that
// hardware descriptions take as template arguments, so a type spells its own units.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember {

/// Base of every unit tag (lets option lists recognise them).
struct unit_tag {};

/// A clock frequency in MHz: `mhz<200>`.
template <std::uint64_t N>
struct mhz : unit_tag {
  static constexpr double hz = double(N) * 1e6;
};

/// A clock frequency in GHz: `ghz<1>`.
template <std::uint64_t N>
struct ghz : unit_tag {
  static constexpr double hz = double(N) * 1e9;
};

/// A size in KiB (1024 B) or MiB (1024 KiB).
template <std::uint64_t N>
struct kib : unit_tag {
  static constexpr std::uint64_t value = N * 1024;
};
template <std::uint64_t N>
struct mib : unit_tag {
  static constexpr std::uint64_t value = N * 1024 * 1024;
};

/// Literal helpers for run-time code: 4_kib == 4096.
namespace literals {
constexpr std::uint64_t operator""_kib(unsigned long long n) noexcept { return n * 1024; }
constexpr std::uint64_t operator""_mib(unsigned long long n) noexcept { return n * 1024 * 1024; }
constexpr double operator""_mhz(unsigned long long n) noexcept { return double(n) * 1e6; }
}  // namespace literals

}  // namespace ember
