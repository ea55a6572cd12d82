// policy<Ps...>: the builder that takes at most one policy per axis, in any order, fills
// the rest with defaults (f32, dense, no skip, exact) and derives the traits kernels use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ember/activation/exact.hpp"
#include "ember/core/concepts.hpp"
#include "ember/core/quant.hpp"
#include "ember/core/structure.hpp"

namespace ember {

namespace detail {

template <class T>
inline constexpr int axis_count = int(quant_policy<T>) + int(matvec_policy<T>) +
                                  int(skip_policy<T>) + int(act_policy<T>);

// The first of Ps whose axis predicate holds, or Default.
template <template <class> class Is, class Default, class... Ps>
struct pick { using type = Default; };
template <template <class> class Is, class Default, class P, class... Ps>
struct pick<Is, Default, P, Ps...> {
  using type = std::conditional_t<Is<P>::value, P, typename pick<Is, Default, Ps...>::type>;
};

// Accumulator of Q: its own accum_type if it names one, else int32 / float.
template <class Q>
struct accum_of { using type = std::conditional_t<Q::is_integer, std::int32_t, float>; };
template <class Q>
  requires requires { typename Q::accum_type; }
struct accum_of<Q> { using type = typename Q::accum_type; };

template <class T> struct is_quant : std::bool_constant<quant_policy<T>> {};
template <class T> struct is_matvec : std::bool_constant<matvec_policy<T>> {};
template <class T> struct is_skip : std::bool_constant<skip_policy<T>> {};
template <class T> struct is_act : std::bool_constant<act_policy<T>> {};

}  // namespace detail

/// A bundle of one policy per axis. Policies may be given in any order; a missing axis
/// takes its default. Example: policy<act::hard, quant::int8> is int8, dense, no skip, hard.
template <class... Ps>
struct policy {
  static_assert(((detail::axis_count<Ps> == 1) && ...),
                "ember::policy<...>: every argument must be a quant::, matvec::, skip:: or act:: "
                "policy (a type deriving from that axis's tag and providing its traits)");
  static_assert((int(quant_policy<Ps>) + ... + 0) <= 1,
                "ember::policy<...>: more than one quantization policy given");
  static_assert((int(matvec_policy<Ps>) + ... + 0) <= 1,
                "ember::policy<...>: more than one matvec structure policy given");
  static_assert((int(skip_policy<Ps>) + ... + 0) <= 1,
                "ember::policy<...>: more than one skip policy given");
  static_assert((int(act_policy<Ps>) + ... + 0) <= 1,
                "ember::policy<...>: more than one activation policy given");

  using quant = typename detail::pick<detail::is_quant, quant::f32, Ps...>::type;
  using matvec = typename detail::pick<detail::is_matvec, matvec::dense, Ps...>::type;
  using skip = typename detail::pick<detail::is_skip, skip::none, Ps...>::type;
  using act = typename detail::pick<detail::is_act, act::exact, Ps...>::type;

  // Derived traits, read by kernels and by the cost model.
  using accum_type = typename detail::accum_of<quant>::type;
  static constexpr unsigned weight_bits = quant::weight_bits;
  static constexpr unsigned act_bits = quant::act_bits;
  static constexpr std::size_t compression = matvec::compression;
};

}  // namespace ember
