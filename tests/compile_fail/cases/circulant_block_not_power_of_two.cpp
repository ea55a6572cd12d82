// The block-circulant FFT has power-of-two sizes only.
// EXPECT: matvec::circulant<K>: K must be a power of two from 1 to 64
#include "ember/layers/lstm.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using P = policy<matvec::circulant<8>>;
#else
using P = policy<matvec::circulant<12>>;
#endif

lstm<48, 48, P> layer;
