// model<>: a conv1d whose output steps lag its input (no causal padding) cannot be streamed
// step by step, so a model rejects it with a message saying what to use instead.
// EXPECT: a temporal convolution in a model must give one output per input step
// EXPECT: pad::causal
#include "ember/layers/conv1d.hpp"
#include "ember/layers/dense.hpp"
#include "ember/model.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using Net = model<conv1d<4, 8, 3, policy<>, 1, 1, pad::causal>, dense<8, 2>>;
#else
using Net = model<conv1d<4, 8, 3>, dense<8, 2>>;  // pad::valid: output t needs input t + 2
#endif

Net net;
