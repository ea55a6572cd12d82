// cost::fits<Model, HW>: does a model fit a hardware model, usable in static_assert. Each
// hardware model specializes cost::fits_trait for its HW types.
#pragma once

namespace ember::cost {

template <class Model, class HW>
inline constexpr bool no_fits_trait = false;

/// Primary: no cost model for this hardware; hardware headers specialize it.
template <class Model, class HW>
struct fits_trait {
  static_assert(no_fits_trait<Model, HW>,
                "ember::cost::fits<Model, HW>: no cost model specializes cost::fits_trait for this HW "
                "(include the hardware model's header, e.g. ember/cost/epiphany_fits.hpp)");
  static constexpr bool value = false;
};

/// Example: static_assert(cost::fits<cost::nets::alexnet_conv<4>, hw::epiphany<1024, 32>>);
template <class Model, class HW>
inline constexpr bool fits = fits_trait<Model, HW>::value;

}  // namespace ember::cost
