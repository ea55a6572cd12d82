// Prepared right-hand sides of the binary / ternary weight policies: int8 (sign-add) or
// binary / ternary activations packed as sign and non-zero bit planes with a per-vector scale.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "ember/core/fixed_point.hpp"
#include "ember/core/quant_lowbit.hpp"
#include "ember/core/tensor.hpp"
#include "ember/kernels/dense_s8.hpp"
#include "ember/kernels/quantize.hpp"
#include "ember/simd/arch.hpp"
#include "ember/simd/x86_bitpack.hpp"

namespace ember::kernels {

/// int8 activations: exactly quant::int8's buffer (quantized with the same prepare():
/// the generic integer overloads in quantize.hpp and dense_s8.hpp).
template <quant::weight_format F, std::size_t N>
struct input_buffer<quant::bitplane<F, 8>, N> {
  static constexpr std::size_t padded = round_up(N == 0 ? 1 : N, 64);
  aligned_array<std::int8_t, padded> q{};
  float scale = 1.0f;
  std::int32_t sum = 0;
};

/// Binary (A = 1) or ternary (A = 2) activations: bit j % 32 of word j / 32 of `neg` is set
/// when value j is -1, of `nz` when it is non-zero (ternary only; binary values are never
/// 0). Padding bits are 0. value(j) * scale is the activation the kernel sees.
template <quant::weight_format F, unsigned A, std::size_t N>
  requires(A <= 2)
struct input_buffer<quant::bitplane<F, A>, N> {
  static constexpr bool ternary = A == 2;
  static constexpr std::size_t words = ceil_div(N == 0 ? 1 : N, 32);
  aligned_array<std::uint32_t, words> neg{};
  aligned_array<std::uint32_t, ternary ? words : 1> nz{};
  float scale = 0.0f;
  std::int32_t count = 0;  ///< non-zero values (N for binary)

  constexpr std::int32_t value(std::size_t j) const noexcept {
    const bool n = (neg[j / 32] >> (j % 32)) & 1u;
    if constexpr (ternary) {
      if (!((nz[j / 32] >> (j % 32)) & 1u)) return 0;
    }
    return n ? -1 : 1;
  }
};

namespace detail {
/// Ternary threshold of a vector (or weight row) with mean |x| = m: 0.7 m (TWN's
/// approximation of the optimal threshold for Gaussian-like values).
constexpr float ternary_threshold(float mean_abs) noexcept { return 0.7f * mean_abs; }

/// Canonical-order sum of |x_j| (NaN counts 0): 16 interleaved partial sums, then a fixed
/// tree. Scalar twin of simd::x86::canonical_abs_sum; with `kept`, only |x_j| > delta.
struct abs_sums {
  float all = 0, kept = 0;
  std::int32_t count = 0;
};
inline abs_sums canonical_abs_sum(const float* x, std::size_t n, float delta, bool kept) noexcept {
  float p[16] = {};
  std::int32_t count = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const float a = abs_value(x[j]);
    const bool take = kept ? a > delta : x[j] == x[j];
    p[j % 16] += take ? a : 0.0f;
    count += take;
  }
  for (std::size_t s = 8; s >= 1; s /= 2)
    for (std::size_t i = 0; i < s; ++i) p[i] += p[i + s];
  abs_sums r;
  (kept ? r.kept : r.all) = p[0];
  r.count = count;
  return r;
}

/// Scales and threshold from the sums, the same float operations on every arch.
template <bool Ternary>
struct act_levels {
  float delta = 0, scale = 0;
  std::int32_t count = 0;
};

template <bool Ternary, class SumFn>
act_levels<Ternary> levels(std::size_t n, SumFn&& sum) noexcept {
  act_levels<Ternary> l;
  const float mean = n > 0 ? sum(0.0f, false).all / float(n) : 0.0f;
  if constexpr (Ternary) {
    l.delta = ternary_threshold(mean);
    const auto k = sum(l.delta, true);
    l.count = k.count;
    l.scale = k.count > 0 ? k.kept / float(k.count) : 0.0f;
  } else {
    l.delta = 0.0f;  // sign bit: x < -0 never holds, so the test is x < 0
    l.scale = mean;
    l.count = std::int32_t(n);
  }
  return l;
}

template <class Buf>
inline void pack_tail(const float* x, std::size_t from, std::size_t n, float delta, Buf& in) noexcept {
  for (std::size_t w = from / 32; w < Buf::words; ++w) {
    in.neg[w] = 0;
    if constexpr (Buf::ternary) in.nz[w] = 0;
  }
  for (std::size_t j = from; j < n; ++j) {
    if (x[j] < -delta) in.neg[j / 32] |= 1u << (j % 32);
    if constexpr (Buf::ternary) {
      if (abs_value(x[j]) > delta) in.nz[j / 32] |= 1u << (j % 32);
    }
  }
}
}  // namespace detail

/// Scalar twin: binary activations sign(x) (0 counts as +1) with scale mean |x|;
/// ternary ones sign(x) [|x| > delta], delta = 0.7 mean |x|, with scale mean |x| over
/// the kept values. A zero vector has scale 0.
template <quant::weight_format F, unsigned A, std::size_t N>
  requires(A <= 2)
void prepare(std::span<const float, N> x, input_buffer<quant::bitplane<F, A>, N>& in, simd::common) noexcept {
  const auto l = detail::levels<(A == 2)>(N, [&](float d, bool kept) {
    return detail::canonical_abs_sum(x.data(), N, d, kept);
  });
  detail::pack_tail(x.data(), 0, N, l.delta, in);
  in.scale = l.scale;
  in.count = l.count;
}

#if EMBER_HAS_XSIMD
/// Vector twin (bit-identical): x86 packs 32 values per step; other archs use the scalar
/// code. One overload for every vector arch: it must outrank the generic integer prepare.
template <quant::weight_format F, unsigned A, std::size_t N, simd::vector_arch Arch>
  requires(A <= 2)
void prepare(std::span<const float, N> x, input_buffer<quant::bitplane<F, A>, N>& in, Arch arch) noexcept {
#  if EMBER_HAS_X86_DOT
#    if EMBER_HAS_AVX512BW
  using Tag = std::conditional_t<std::is_base_of_v<simd::avx512, Arch>, simd::avx512, simd::avx2>;
#    else
  using Tag = simd::avx2;
#    endif
  const auto l = detail::levels<(A == 2)>(N, [&](float d, bool kept) {
    const auto s = simd::x86::canonical_abs_sum(x.data(), N, d, kept, Tag{});
    return detail::abs_sums{s.all, s.kept, s.count};
  });
  simd::x86::pack_signs(x.data(), N, l.delta, in.neg.data(), A == 2 ? in.nz.data() : nullptr, Tag{});
  detail::pack_tail(x.data(), N / 32 * 32, N, l.delta, in);
  in.scale = l.scale;
  in.count = l.count;
  (void)arch;
#  else
  prepare(x, in, simd::common{});
  (void)arch;
#  endif
}
#endif

}  // namespace ember::kernels
