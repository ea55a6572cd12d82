// A real ember model (int8 LSTM 32 -> 1024, fp32 head) whose weights exceed a 4 MiB filter
// SRAM is rejected by require_fit at compile time, naming the rule and the bytes.
// EXPECT: require_fit: the model's weights do not fit the filter SRAM
// EXPECT: weights_fit_filter_sram<[0-9]+(UL)?, 4194304(UL)?>
#include "ember/cost/fit.hpp"
#include "ember/layers/dense.hpp"
#include "ember/layers/lstm.hpp"
#include "ember/model.hpp"

using namespace ember;

using Net = model<lstm<32, 1024, policy<quant::int8>>, dense<1024, 12>>;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using HW = hw::systolic<32, 32, dataflow::ws, hw::filter_sram_kib<8192>, hw::ifmap_sram_kib<1024>, hw::ofmap_sram_kib<1024>, mhz<200>>;
#else
using HW = hw::systolic<32, 32, dataflow::ws, hw::filter_sram_kib<4096>, hw::ifmap_sram_kib<1024>, hw::ofmap_sram_kib<1024>, mhz<200>>;
#endif

static_assert(cost::require_fit<Net, HW, 100>());
