// A shared SRAM and partitioned buffers together are ambiguous: a readable error.
// EXPECT: give either sram_kib<N> \(one shared SRAM\) or the partitioned
#include "ember/cost/hw/systolic.hpp"

using namespace ember;
#ifdef EMBER_COMPILE_FAIL_CONTROL
using HW = hw::systolic<8, 8, dataflow::os, sram_kib<64>>;
#else
using HW = hw::systolic<8, 8, dataflow::os, sram_kib<64>, hw::filter_sram_kib<32>>;
#endif
static_assert(HW::config.rows == 8);
