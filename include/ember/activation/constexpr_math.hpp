// Double-precision exp, expm1, log and tanh usable in constant expressions, so the
// activation tables (pwl breakpoints, lut entries) are computed by the compiler.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

namespace ember::act::cmath {

// Accuracy: a few ulp of double over the ranges the fits use (|x| < 700), far below the
// float tables they feed. Polynomials are single Horner expressions because clang's
// constexpr budget counts statements (1M by default), not operations.

inline constexpr double ln2_hi = 6.93147180369123816490e-01;  // fdlibm split of ln 2:
inline constexpr double ln2_lo = 1.90821492927058770002e-10;  // n * ln2_hi is exact
inline constexpr double inv_ln2 = 1.44269504088896338700e+00;

constexpr double abs(double x) noexcept { return x < 0 ? -x : x; }

/// Nearest integer (ties away from zero), for |x| < 2^62.
constexpr double round_nearest(double x) noexcept {
  return double(static_cast<std::int64_t>(x + (x < 0 ? -0.5 : 0.5)));
}

/// 2^n for n in [-1022, 1023], built from the exponent bits.
constexpr double pow2(int n) noexcept {
  return std::bit_cast<double>(static_cast<std::uint64_t>(n + 1023) << 52);
}

/// e^r - 1 for |r| <= 0.35 (Taylor to r^14/14!, remainder < 1e-17 relative).
constexpr double expm1_small(double r) noexcept {
  return r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 +
         r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 +
         r * (1.0 / 39916800 + r * (1.0 / 479001600 + r * (1.0 / 6227020800 +
         r * (1.0 / 87178291200))))))))))))));
}

/// e^x: x = n ln2 + r with |r| <= ln2 / 2, e^x = 2^n (1 + expm1(r)).
constexpr double exp(double x) noexcept {
  if (x != x) return x;
  if (x > 709.0) return std::numeric_limits<double>::infinity();
  if (x < -708.0) return 0.0;  // below the normal range: close enough to 0 for the fits
  const double n = round_nearest(x * inv_ln2);
  const double r = (x - n * ln2_hi) - n * ln2_lo;
  return (1.0 + expm1_small(r)) * pow2(int(n));
}

/// e^x - 1 without the cancellation of exp(x) - 1 near 0.
constexpr double expm1(double x) noexcept { return abs(x) <= 0.35 ? expm1_small(x) : exp(x) - 1.0; }

/// tanh(x) = -expm1(-2|x|) / (2 + expm1(-2|x|)), odd: exact near 0, 1 for large |x|.
constexpr double tanh(double x) noexcept {
  const double m = expm1(-2.0 * abs(x));
  const double t = -m / (2.0 + m);
  return x < 0 ? -t : t;
}

/// Natural log for x > 0 (normal doubles): Halley's iteration on exp from the exponent
/// bits (cubic convergence, 4 steps from an error below ln 2).
constexpr double log(double x) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  double y = (double(static_cast<int>((bits >> 52) & 0x7ff)) - 1023.0) * (ln2_hi + ln2_lo);
  for (int i = 0; i < 5; ++i) {
    const double ey = exp(y);
    y += 2.0 * (x - ey) / (x + ey);
  }
  return y;
}

/// atanh(y) for 0 <= y < 1.
constexpr double atanh(double y) noexcept { return 0.5 * log((1.0 + y) / (1.0 - y)); }

}  // namespace ember::act::cmath
