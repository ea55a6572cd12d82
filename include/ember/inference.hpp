// Umbrella header for the inference path only (layers, kernels, activations, policies):
// no io/, no cost model, no iostream. Builds with -fno-exceptions -fno-rtti and EMBER_NO_SIMD.
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
#include "ember/activation/pwl.hpp"
#include "ember/activation/lut.hpp"
#include "ember/layers/dense.hpp"
#include "ember/layers/gru.hpp"
#include "ember/layers/lstm.hpp"
#include "ember/layers/sru.hpp"
#include "ember/layers/conv1d.hpp"
#include "ember/layers/conv2d.hpp"
#include "ember/layers/pool.hpp"
#include "ember/io/tensor_table.hpp"
