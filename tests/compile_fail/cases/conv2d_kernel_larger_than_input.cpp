// A conv2d whose (dilated) kernel does not fit the padded input has no output pixel.
// EXPECT: ember::conv2d: the dilated kernel is larger than the padded input
#include "ember/layers/conv2d.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
conv2d<2, 5, 5, 4, 5> layer;
#else
conv2d<2, 4, 4, 4, 5> layer;
#endif
