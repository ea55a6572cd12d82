// One policy per axis: two quantization policies are ambiguous.
// EXPECT: ember::policy<...>: more than one quantization policy given
#include "ember/core/policy.hpp"
#include "ember/activation/hard.hpp"
#include "ember/core/quant.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using P = policy<quant::int8, act::hard>;
#else
using P = policy<quant::int8, quant::int4>;
#endif

P::quant q;
