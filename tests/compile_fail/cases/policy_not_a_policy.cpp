// Only quant::, matvec::, skip:: and act:: policies may be given to policy<...>.
// EXPECT: every argument must be a quant::, matvec::, skip:: or act::
#include "ember/core/policy.hpp"
#include "ember/core/quant.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using P = policy<quant::int8>;
#else
using P = policy<quant::int8, float>;
#endif

P::quant q;
