// Constexpr rounding and saturating narrowing, shared by every quantizer and by the
// scalar twins so that SIMD and scalar paths round and clamp identically.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ember {

/// Rounding used by every quantizer: round half to even, as torch.round and
/// IEEE-754's default mode (so PyTorch fake-quant references agree bit for bit).
/// Valid for |x| < 2^31; larger magnitudes are returned unchanged (already integral).
constexpr float round_half_even(float x) noexcept {
  if (!(x == x)) return x;                                   // NaN stays NaN
  if (x >= 2147483648.0f || x <= -2147483648.0f) return x;   // integral already
  const auto t = static_cast<std::int64_t>(x);               // truncates toward zero
  const float frac = x - static_cast<float>(t);
  std::int64_t r = t;
  if (frac > 0.5f || (frac == 0.5f && (t & 1))) r = t + 1;
  else if (frac < -0.5f || (frac == -0.5f && (t & 1))) r = t - 1;
  return static_cast<float>(r);
}

/// Saturates an integer to the range [Lo, Hi].
template <std::int64_t Lo, std::int64_t Hi, class T>
constexpr T clamp_to(T v) noexcept {
  return v < T(Lo) ? T(Lo) : (v > T(Hi) ? T(Hi) : v);
}

/// Narrowing with saturation: the only way ember turns a wide integer into a narrow one.
template <class To, class From>
  requires std::is_integral_v<To> && std::is_integral_v<From>
constexpr To saturate(From v) noexcept {
  using L = std::numeric_limits<To>;
  if constexpr (std::is_signed_v<From> == std::is_signed_v<To> && sizeof(From) <= sizeof(To)) {
    return static_cast<To>(v);
  } else {
    const auto lo = static_cast<std::int64_t>(L::min());
    const auto hi = static_cast<std::int64_t>(L::max());
    if constexpr (std::is_signed_v<From>) {
      const auto w = static_cast<std::int64_t>(v);
      return static_cast<To>(w < lo ? lo : (w > hi ? hi : w));
    } else {
      const auto w = static_cast<std::uint64_t>(v);
      return static_cast<To>(w > static_cast<std::uint64_t>(hi) ? hi : static_cast<std::int64_t>(w));
    }
  }
}

/// Rounds a float to the nearest integer in [-QMax, QMax] (symmetric, restricted
/// range). NaN maps to 0 so that a quantized kernel never sees an undefined value;
/// ±Inf saturate.
constexpr std::int32_t quantize_symmetric(float x, std::int32_t qmax) noexcept {
  if (!(x == x)) return 0;
  const float r = round_half_even(x);
  if (r >= static_cast<float>(qmax)) return qmax;
  if (r <= -static_cast<float>(qmax)) return -qmax;
  return static_cast<std::int32_t>(r);
}

/// |x| usable in constant expressions (std::abs is constexpr only from C++23).
template <class T>
constexpr T abs_value(T x) noexcept { return x < T(0) ? -x : x; }

constexpr std::size_t round_up(std::size_t n, std::size_t m) noexcept { return (n + m - 1) / m * m; }
constexpr std::size_t ceil_div(std::size_t n, std::size_t m) noexcept { return (n + m - 1) / m; }

}  // namespace ember
