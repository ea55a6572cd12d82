// Unsupported policy combination: convolutions have dense weights only (no circulant).
// EXPECT: ember::conv2d: convolutions use dense weights and no skip policy
#include "ember/layers/conv2d.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using P = policy<quant::int8>;
#else
using P = policy<quant::int8, matvec::circulant<4>>;
#endif

conv2d<4, 8, 8, 8, 3, P> layer;
