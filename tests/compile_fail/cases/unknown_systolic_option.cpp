// hw::systolic rejects an option it does not know, naming the accepted ones.
// EXPECT: every option must be one of sram_kib<N>
#include "ember/cost/hw/systolic.hpp"

using namespace ember;
#ifdef EMBER_COMPILE_FAIL_CONTROL
using HW = hw::systolic<8, 8, dataflow::os, mhz<100>>;
#else
using HW = hw::systolic<8, 8, dataflow::os, int>;
#endif
static_assert(HW::config.rows == 8);
