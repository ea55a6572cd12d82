// The four policy axes (quantization, matvec structure, skip, activation) as C++20
// concepts, and the `layer` concept that model<> and the cost model rely on.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace ember {

/// Axis tags. A policy is a small struct deriving from exactly one of them and
/// holding constexpr traits (CUTLASS-style dispatch policies).
namespace quant { struct quant_tag {}; }
namespace matvec { struct matvec_tag {}; }
namespace skip { struct skip_tag {}; }
namespace act { struct act_tag {}; }

template <class>
inline constexpr bool always_false = false;

/// @brief A quantization policy: says how weights and activations are stored and
/// accumulated. Satisfied by quant::f32, quant::symmetric<W, A> (int8, int4, int2,
/// int16) and quant::fixed<Bits, Frac>.
template <class T>
concept quant_policy = std::derived_from<T, quant::quant_tag> && requires {
  { T::weight_bits } -> std::convertible_to<unsigned>;
  { T::act_bits } -> std::convertible_to<unsigned>;
  { T::is_integer } -> std::convertible_to<bool>;
  { T::max_reduction } -> std::convertible_to<std::size_t>;
  { T::name } -> std::convertible_to<const char*>;
};

/// @brief A matrix-vector structure policy: dense, or block-circulant of block K.
/// `compression` is how many times fewer weights it stores than dense.
template <class T>
concept matvec_policy = std::derived_from<T, matvec::matvec_tag> && requires {
  { T::compression } -> std::convertible_to<std::size_t>;
  { T::name } -> std::convertible_to<const char*>;
};

/// @brief A skip policy: skip::none (every column every step) or skip::delta.
template <class T>
concept skip_policy = std::derived_from<T, skip::skip_tag> && requires {
  { T::skips_columns } -> std::convertible_to<bool>;
  { T::name } -> std::convertible_to<const char*>;
};

/// @brief An activation policy: static sigmoid and tanh templated on the value type,
/// which is a float or a SIMD batch (RTNeural's MathsProvider shape).
template <class T>
concept act_policy = std::derived_from<T, act::act_tag> && requires(float x) {
  { T::sigmoid(x) } -> std::same_as<float>;
  { T::tanh(x) } -> std::same_as<float>;
  { T::name } -> std::convertible_to<const char*>;
};

/// @brief A full policy bundle: one policy per axis (what ember::policy<...> builds).
template <class P>
concept policy_bundle = quant_policy<typename P::quant> && matvec_policy<typename P::matvec> &&
                        skip_policy<typename P::skip> && act_policy<typename P::act>;

/// @brief A layer: static input/output sizes. model<> chains layers by these, the
/// cost model reads workload().
template <class L>
concept layer = requires {
  { L::in_size } -> std::convertible_to<std::size_t>;
  { L::out_size } -> std::convertible_to<std::size_t>;
};

}  // namespace ember
