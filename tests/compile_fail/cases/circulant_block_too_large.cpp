// Circulant blocks stop at 64 (the constexpr twiddle tables and the projection's cost).
// EXPECT: matvec::circulant<K>: K must be a power of two from 1 to 64
#include "ember/layers/dense.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using P = policy<matvec::circulant<64>>;
#else
using P = policy<matvec::circulant<128>>;
#endif

dense<256, 256, P> layer;
