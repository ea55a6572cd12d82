// Umbrella header: everything needed to declare, run and cost ember layers and models.
// The JSON loader (io/state_dict.hpp) is separate: it is the only part needing nlohmann.
#pragma once

#include "ember/config.hpp"
#include "ember/core/concepts.hpp"
#include "ember/core/fixed_point.hpp"
#include "ember/core/policy.hpp"
#include "ember/core/quant.hpp"
#include "ember/core/structure.hpp"
#include "ember/core/tensor.hpp"
#include "ember/activation/exact.hpp"
#include "ember/activation/hard.hpp"
#include "ember/kernels/matvec.hpp"
#include "ember/cost/workload.hpp"
#include "ember/layers/conv1d.hpp"
#include "ember/layers/conv2d.hpp"
#include "ember/layers/conv_bn.hpp"
#include "ember/layers/pool.hpp"
