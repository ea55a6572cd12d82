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
#include "ember/kernels/fft.hpp"
#include "ember/kernels/fft_batch.hpp"
#include "ember/kernels/circulant_projection.hpp"
#include "ember/kernels/circulant.hpp"
