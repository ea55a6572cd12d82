// Q-format fixed point exists for the int8 and int16 kernels only.
// EXPECT: quant::fixed<Bits, Frac>: Bits must be 8 or 16
#include "ember/layers/dense.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using P = policy<quant::fixed<16, 8>>;
#else
using P = policy<quant::fixed<12, 8>>;
#endif

dense<16, 16, P> layer;
