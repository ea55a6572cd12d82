// Weight quantization at load (per-row scales, saturation, error report) and the
// activation buffers a matvec consumes (quantized per call for integer policies).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ember/core/fixed_point.hpp"
#include "ember/core/quant.hpp"
#include "ember/core/tensor.hpp"
#include "ember/simd/arch.hpp"

namespace ember::kernels {

/// Rows of one packed panel: one AVX-512 register of floats, 64 bytes of int8 quads.
/// Every packed weight layout in ember is a sequence of 16-row panels.
inline constexpr std::size_t panel_rows = 16;

/// What quantizing (or projecting) a weight matrix cost, reported by pack().
struct quant_report {
  double max_abs_error = 0;  ///< max |w - dequant(q(w))|
  double rel_frobenius = 0;  ///< ||W - W_q||_F / ||W||_F (0 when W = 0)
  std::size_t saturated = 0; ///< weights clipped to the representable range
};

namespace detail {
constexpr double sqrt_newton(double v) noexcept {
  if (v <= 0) return 0;
  double r = v > 1 ? v : 1;
  for (int i = 0; i < 200; ++i) {
    const double n = 0.5 * (r + v / r);
    if (n == r) break;
    r = n;
  }
  return r;
}
constexpr float pow2(int e) noexcept {
  float r = 1;
  for (int i = 0; i < e; ++i) r *= 2;
  for (int i = 0; i > e; --i) r /= 2;
  return r;
}
}  // namespace detail

/// Accumulates a quant_report while a matrix is packed.
struct quant_report_builder {
  double err2 = 0, ref2 = 0, max_abs = 0;
  std::size_t saturated = 0;
  constexpr void add(float w, float wq) noexcept {
    const double e = double(w) - double(wq);
    err2 += e * e;
    ref2 += double(w) * double(w);
    if (abs_value(e) > max_abs) max_abs = abs_value(e);
  }
  constexpr quant_report done() const noexcept {
    return {max_abs, ref2 > 0 ? detail::sqrt_newton(err2 / ref2) : 0.0, saturated};
  }
};

/// Scale of one weight row under Q: max|row| / qmax (per_row; 1 for an all-zero row)
/// or 2^-Frac (power_of_two).
template <quant_policy Q>
constexpr float weight_scale(std::span<const float> row) noexcept {
  if constexpr (Q::scale == quant::scale_kind::power_of_two) {
    return detail::pow2(-int(Q::frac_bits));
  } else {
    float amax = 0;
    for (float v : row) amax = abs_value(v) > amax ? abs_value(v) : amax;
    return amax > 0 ? amax / float(Q::weight_qmax) : 1.0f;
  }
}

/// Quantizes one weight with scale s: round-half-even(w / s) saturated to +-qmax.
template <quant_policy Q>
constexpr std::int32_t quantize_weight(float w, float s, quant_report_builder& rep) noexcept {
  const float v = w / s;
  if (abs_value(v) > float(Q::weight_qmax) + 0.5f) ++rep.saturated;
  const std::int32_t q = quantize_symmetric(v, Q::weight_qmax);
  rep.add(w, float(q) * s);
  return q;
}

/// The right-hand operand of a matvec, prepared once per call by kernels::prepare().
/// f32: a view of the caller's vector. Integer policies: the quantized vector, padded
/// with zeros to whole 64-byte blocks, its scale, and the sum of its integers (the
/// offset-binary correction of the VNNI kernel).
template <quant_policy Q, std::size_t N>
struct input_buffer;

template <std::size_t N>
struct input_buffer<quant::f32, N> {
  const float* x = nullptr;
};

template <quant::byte_quant Q, std::size_t N>
struct input_buffer<Q, N> {
  static constexpr std::size_t padded = round_up(N == 0 ? 1 : N, 64);
  aligned_array<std::int8_t, padded> q{};
  float scale = 1.0f;
  std::int32_t sum = 0;
};

template <quant::wide_quant Q, std::size_t N>
struct input_buffer<Q, N> {
  static constexpr std::size_t padded = round_up(N == 0 ? 1 : N, 32);
  aligned_array<std::int16_t, padded> q{};
  float scale = 1.0f;
};

/// Reciprocal of the activation scale for a vector whose max |x| is amax: the value x
/// is multiplied by before rounding. A zero vector uses 1 (its integers are all 0).
template <quant_policy Q>
constexpr float act_inv_scale(float amax) noexcept {
  if constexpr (Q::scale == quant::scale_kind::power_of_two) {
    return detail::pow2(int(Q::frac_bits));
  } else {
    return amax > 0 ? float(Q::act_qmax) / amax : 1.0f;
  }
}
/// The activation scale itself (dequantization factor).
template <quant_policy Q>
constexpr float act_scale(float amax) noexcept {
  if constexpr (Q::scale == quant::scale_kind::power_of_two) {
    return detail::pow2(-int(Q::frac_bits));
  } else {
    return amax > 0 ? amax / float(Q::act_qmax) : 1.0f;
  }
}

/// Scalar quantization of an activation vector: the reference the SIMD one matches.
template <quant_policy Q, std::size_t N>
  requires Q::is_integer
void prepare(std::span<const float, N> x, input_buffer<Q, N>& in, simd::common) noexcept {
  float amax = 0;
  for (float v : x) amax = abs_value(v) > amax ? abs_value(v) : amax;  // NaN is ignored
  const float inv = act_inv_scale<Q>(amax);
  std::int32_t sum = 0;
  for (std::size_t j = 0; j < N; ++j) {
    const auto q = quantize_symmetric(x[j] * inv, Q::act_qmax);
    in.q[j] = static_cast<typename Q::act_type>(q);
    sum += q;
  }
  for (std::size_t j = N; j < in.padded; ++j) in.q[j] = 0;
  in.scale = act_scale<Q>(amax);
  if constexpr (requires { in.sum; }) in.sum = sum;
}

template <std::size_t N, class Arch>
void prepare(std::span<const float, N> x, input_buffer<quant::f32, N>& in, Arch) noexcept {
  in.x = x.data();
}

}  // namespace ember::kernels
