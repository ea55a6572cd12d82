// Unsupported policy combination: a convolution cannot skip input columns (delta).
// EXPECT: ember::conv1d: convolutions use dense weights and no skip policy
#include "ember/layers/conv1d.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using P = policy<quant::int8>;
#else
using P = policy<quant::int8, skip::delta>;
#endif

conv1d<8, 8, 3, P> layer;
