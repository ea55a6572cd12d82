// act::pwl<N>: sigmoid and tanh as continuous N-segment piecewise-linear functions whose
// breakpoints the compiler computes (minimax fit); branch-free, one code path for scalars and batches.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "ember/activation/constexpr_math.hpp"
#include "ember/config.hpp"
#include "ember/core/concepts.hpp"
#include "ember/simd/math.hpp"

namespace ember::act {

namespace detail {

/// Odd-symmetric minimax fit of tanh with M sloped segments on x >= 0 (N = 2M + 1 on
/// the real line: the central segment through 0, M - 1 more per side, a flat tail).
template <std::size_t M>
struct pwl_fit {
  double error = 0;              // max |p(x) - tanh(x)| over the real line
  std::array<double, M> knot{};  // t_1 < ... < t_M (x >= 0); t_M starts the flat tail
  std::array<double, M> value{};  // p(t_k) = tanh(t_k) + error; p(t_M) = 1 - error
};

struct value_slope {
  double value, slope;
};

/// Root of an increasing g on (lo, hi), g(lo) < 0 < g(hi): Newton from `guess` (the
/// previous trial's root, when inside), bisection whenever a step would leave the bracket.
template <class G>
constexpr double solve_increasing(G g, double lo, double hi, double guess) noexcept {
  double x = guess > lo && guess < hi ? guess : 0.5 * (lo + hi);
  for (int i = 0; i < 200; ++i) {
    const value_slope r = g(x);
    if (r.value == 0) return x;
    (r.value < 0 ? lo : hi) = x;
    double next = 0.5 * (lo + hi);
    if (r.slope > 0) {
      const double newton = x - r.value / r.slope;
      if (newton > lo && newton < hi) next = newton;
    }
    if (cmath::abs(next - x) <= 1e-15 * x || hi - lo <= 1e-15 * hi) return next;
    x = next;
  }
  return x;
}

/// Greedy construction for a target error e. tanh is concave on x >= 0, so the best line
/// over a stretch touches tanh + e at both ends and tanh - e once inside (equioscillation).
/// From the current vertex (a, y_a), starting at (0, 0) (odd symmetry), find the point c
/// where the line through the vertex is tangent to tanh - e, then the point b > c where it
/// rises to tanh + e: the next vertex. The flat tail at 1 - e is within e of tanh beyond
/// t_sat (tanh(t_sat) = 1 - 2e), so e is feasible iff M lines reach t_sat.
template <std::size_t M>
struct pwl_search {
  std::array<double, M> knot{}, value{};  // the last trial's vertices (b_k, tanh(b_k) + e)
  std::array<double, M> guess_c{}, guess_b{};  // warm starts for the next trial

  /// >= 0 iff e is feasible; a continuous, increasing function of e near the optimum
  /// (the root), so a secant method converges in ~12 trials instead of ~45 bisections.
  constexpr double margin(double e) noexcept {
    const double t_sat = 0.5 * cmath::log((1.0 - e) / e);
    double a = 0.0, ya = 0.0;
    for (std::size_t k = 0; k < M; ++k) {
      const double spare = 4.0 * e * double(M - 1 - k);  // unused segments count as slack
      const auto tangent_gap = [&](double c) {  // line(a) - y_a for the tangent at c
        const double t = cmath::tanh(c), d = 1.0 - t * t;
        return value_slope{t + d * (a - c) - e - ya, -2.0 * t * d * (a - c)};
      };
      const double g_sat = tangent_gap(t_sat).value;
      if (g_sat <= 0) return reach_tail(k, e, t_sat, 2.0 * e - g_sat + spare);
      const double c = guess_c[k] = solve_increasing(tangent_gap, a, t_sat, guess_c[k]);
      const double tc = cmath::tanh(c), s = 1.0 - tc * tc;
      const auto rise = [&](double x) {  // line - (tanh + e), increasing for x > c
        const double t = cmath::tanh(x);
        return value_slope{tc - e + s * (x - c) - t - e, s - (1.0 - t * t)};
      };
      const double r_sat = rise(t_sat).value;
      if (r_sat <= 0) return reach_tail(k, e, t_sat, -r_sat + spare);
      if (k + 1 == M) return -r_sat;
      a = knot[k] = guess_b[k] = solve_increasing(rise, c, t_sat, guess_b[k]);
      ya = value[k] = cmath::tanh(a) + e;
    }
    return -1.0;  // not reached (the last segment returns above)
  }

  // Segment k ends at the tail; unused knots collapse onto t_sat (empty segments).
  constexpr double reach_tail(std::size_t k, double e, double t_sat, double m) noexcept {
    for (std::size_t j = k; j < M; ++j) knot[j] = t_sat, value[j] = 1.0 - e;
    return m;
  }
};

/// Smallest feasible e by Anderson-Bjorck regula falsi on margin(e), bracketed around the
/// asymptote e ~ 0.17 / M^2, to 1e-11 relative; the result is the feasible bracket end.
template <std::size_t M>
constexpr pwl_fit<M> fit_tanh_pwl() noexcept {
  pwl_search<M> s;
  const double m2 = double(M) * double(M);
  double lo = 0.07 / m2, hi = 0.2 / m2 < 0.25 ? 0.2 / m2 : 0.25;
  double f_lo = s.margin(lo), f_hi = s.margin(hi);
  while (f_lo >= 0) f_lo = s.margin(lo *= 0.5);
  while (f_hi < 0 && hi < 0.25) f_hi = s.margin(hi = hi * 2 < 0.25 ? hi * 2 : 0.25);
  int side = 0;
  for (int i = 0; i < 100 && hi - lo > 1e-11 * hi; ++i) {
    double e = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
    if (!(e > lo && e < hi)) e = 0.5 * (lo + hi);
    const double f = s.margin(e);
    if (f >= 0) {
      if (side == 1) f_lo *= 1.0 - f / f_hi > 0 ? 1.0 - f / f_hi : 0.5;
      hi = e, f_hi = f, side = 1;
    } else {
      if (side == -1) f_hi *= 1.0 - f / f_lo > 0 ? 1.0 - f / f_lo : 0.5;
      lo = e, f_lo = f, side = -1;
    }
  }
  s.margin(hi);  // rebuild the vertices at the feasible end
  return {hi, s.knot, s.value};
}

/// The fit as the evaluator uses it, in float, segment by segment: for
/// a = min(|x|, knot[M-1]) in segment k (knot[k-1] <= a < knot[k]), p = slope[k] * a + icpt[k].
template <std::size_t M>
struct pwl_coeffs {
  std::array<float, M> knot{};
  std::array<float, M> slope{};
  std::array<float, M> icpt{};
};

/// Coefficients of x -> Y * p(x / X) (X = 1, Y = 1 for tanh; X = 2, Y = 1/2 for the odd
/// part of sigmoid(x) = 1/2 + tanh(x/2)/2). Powers of two, so both round alike.
template <std::size_t M>
constexpr pwl_coeffs<M> pwl_coefficients(const pwl_fit<M>& f, double X, double Y) noexcept {
  pwl_coeffs<M> c;
  double t0 = 0.0, v0 = 0.0;
  for (std::size_t k = 0; k < M; ++k) {
    const double dt = f.knot[k] - t0;
    const double s = dt > 0 ? (f.value[k] - v0) / dt : 0.0;  // collapsed knots: empty segment
    c.knot[k] = float(f.knot[k] * X);
    c.slope[k] = float(s * Y / X);
    c.icpt[k] = float((v0 - s * t0) * Y);
    t0 = f.knot[k], v0 = f.value[k];
  }
  return c;
}

/// Odd part of the fit at |x|: clamp to the tail, pick the segment's line with compares
/// and selects (unrolled, no branches), then one fma: a single rounding, so the float
/// result stays within ~1e-7 of the exact fit. NaN propagates (min's first operand is
/// the constant, and a NaN never selects a later segment).
template <std::size_t M, const pwl_coeffs<M>& C, class V>
EMBER_ALWAYS_INLINE V pwl_magnitude(V x) noexcept {
  const V a = simd::min(simd::splat<V>(C.knot[M - 1]), simd::abs(x));
  V s = simd::splat<V>(C.slope[0]), b = simd::splat<V>(C.icpt[0]);
  [&]<std::size_t... K>(std::index_sequence<K...>) EMBER_LAMBDA_INLINE {
    ((s = simd::select(a >= simd::splat<V>(C.knot[K]), simd::splat<V>(C.slope[K + 1]), s),
      b = simd::select(a >= simd::splat<V>(C.knot[K]), simd::splat<V>(C.icpt[K + 1]), b)),
     ...);
  }(std::make_index_sequence<M - 1>{});
  return simd::fma(s, a, b);
}

}  // namespace detail

/// N-segment piecewise-linear sigmoid and tanh (N odd, >= 3). Breakpoints minimise the
/// max absolute error over the whole real line (odd-symmetric fit, see docs/policies.md);
/// cost: 4 + 3 (N - 3) / 2 float ops per value (tanh; sigmoid one more), no memory reads.
template <std::size_t N>
struct pwl : act_tag {
  static_assert(N % 2 == 1 && N >= 3,
                "ember::act::pwl<N>: N must be odd and >= 3 (the fit is odd-symmetric: one "
                "segment through 0 and (N - 1) / 2 per side, the outermost one flat)");
  // The fit runs in the compiler: N = 99 uses about half of clang's default constexpr
  // budget (-fconstexpr-steps=1048576); beyond that lut<N> is also the faster choice.
  static_assert(N <= 99, "ember::act::pwl<N>: N must be at most 99 (compile-time fit budget; "
                         "use act::lut<N> for finer approximations)");

  static constexpr const char* name = "pwl";
  static constexpr std::size_t segments = N;
  /// Breakpoints per side (x > 0); the negative side mirrors them.
  static constexpr std::size_t knots = (N - 1) / 2;

 private:
  static constexpr detail::pwl_fit<knots> fit_ = detail::fit_tanh_pwl<knots>();
  static constexpr detail::pwl_coeffs<knots> tanh_ = detail::pwl_coefficients(fit_, 1.0, 1.0);
  static constexpr detail::pwl_coeffs<knots> sigmoid_ = detail::pwl_coefficients(fit_, 2.0, 0.5);

 public:
  /// Max |pwl - tanh| of the fit in exact arithmetic (float evaluation adds < 1.5e-7, tested).
  static constexpr double max_error_tanh = fit_.error;
  /// sigmoid(x) = 1/2 + tanh(x/2)/2 is an affine image of tanh: half the error.
  static constexpr double max_error_sigmoid = fit_.error / 2;
  /// tanh breakpoints on x > 0, ascending; the last starts the flat tail at 1 - error.
  static constexpr std::array<double, knots> tanh_breakpoints = fit_.knot;
  /// The fit's values at those breakpoints (tanh(t) + error; 1 - error at the last).
  static constexpr std::array<double, knots> tanh_values = fit_.value;
  /// sigmoid breakpoints on x > 0 (twice the tanh ones).
  static constexpr std::array<double, knots> sigmoid_breakpoints = [] {
    std::array<double, knots> t{};
    for (std::size_t k = 0; k < knots; ++k) t[k] = 2.0 * fit_.knot[k];
    return t;
  }();

  template <class V>
  static EMBER_ALWAYS_INLINE V tanh(V x) noexcept {
    return simd::copysign(detail::pwl_magnitude<knots, tanh_>(x), x);
  }
  template <class V>
  static EMBER_ALWAYS_INLINE V sigmoid(V x) noexcept {
    return simd::splat<V>(0.5f) + simd::copysign(detail::pwl_magnitude<knots, sigmoid_>(x), x);
  }
};

}  // namespace ember::act
