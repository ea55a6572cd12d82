// arch_tag: the concept for the optional architecture argument of a layer's step() and
// forward() (simd::native by default; tests pass simd::common to run the scalar twins).
#pragma once

#include <concepts>

#include "ember/simd/arch.hpp"

namespace ember {

/// simd::common or any tag derived from it (a vector architecture).
template <class A>
concept arch_tag = std::derived_from<A, simd::common>;

}  // namespace ember
