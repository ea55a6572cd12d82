// pwl<N> fits an odd-symmetric function: N must be odd.
// EXPECT: ember::act::pwl<N>: N must be odd and >= 3
#include "ember/activation/pwl.hpp"
#include "ember/layers/gru.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using P = policy<act::pwl<5>>;
#else
using P = policy<act::pwl<4>>;
#endif

gru<8, 8, P> layer;
