// cost::fits for Epiphany chips: a model fits when its streaming-tiles mapping needs no more
// cores than the chip has and every core group holds its share of the weights.
#pragma once

#include "ember/cost/epiphany_mapper.hpp"
#include "ember/cost/fits.hpp"
#include "ember/cost/hw/epiphany.hpp"

namespace ember::cost {

template <static_workload Model, hw::epiphany_hw HW>
struct fits_trait<Model, HW> {
  static constexpr bool value = map_streaming_tiles<Model, HW>().fits;
};

}  // namespace ember::cost
