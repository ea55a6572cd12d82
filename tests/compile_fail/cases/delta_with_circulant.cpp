// skip::delta skips weight columns; a circulant matrix stores no columns to skip.
// EXPECT: skip::delta needs matvec::dense weights
#include "ember/layers/gru.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using L = gru<8, 16, policy<skip::delta>>;
#else
using L = gru<8, 16, policy<skip::delta, matvec::circulant<4>>>;
#endif

L layer;
