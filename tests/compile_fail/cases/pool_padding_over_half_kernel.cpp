// PyTorch's rule for pooling: padding at most half the kernel.
// EXPECT: ember::pool2d: padding must be at most half the kernel
#include "ember/layers/pool.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
max_pool2d<2, 8, 8, 3, 1, 1> pool;
#else
max_pool2d<2, 8, 8, 3, 1, 2> pool;
#endif
