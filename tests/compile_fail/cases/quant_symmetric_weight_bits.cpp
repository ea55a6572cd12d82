// Weight widths are those with a packing: 2, 4, 8, 16 bits.
// EXPECT: quant::symmetric<W, A>
// EXPECT: 2, 4, 8 or 16
#include "ember/layers/dense.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using P = policy<quant::symmetric<4, 8>>;
#else
using P = policy<quant::symmetric<3, 8>>;
#endif

dense<16, 16, P> layer;
