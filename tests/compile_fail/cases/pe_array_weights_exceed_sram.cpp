// A block-diagonal layer whose weight tiles exceed the PE array's SRAM fails require_fit
// at compile time; the diagnostic shows the weight rows needed and held.
// EXPECT: require_fit: the model's weight tiles do not fit the PEs' SRAM
// EXPECT: weight_rows_fit_pe_sram<8000(UL)?, 5240(UL)?>
#include "ember/core/units.hpp"
#include "ember/cost/nets/block_diagonal_fc.hpp"
#include "ember/cost/pe_array_cost.hpp"

using namespace ember;
using HW = hw::pe_array<10, 400, 400, 4, ghz<1>, kib<1024>>;  // the Berkeley design point, 8 Mb

#ifdef EMBER_COMPILE_FAIL_CONTROL
using Net = cost::nets::block_diagonal_fc<1, 4000, 10, 4>;  // 10 blocks of 400 x 400: one per PE
#else
using Net = cost::nets::block_diagonal_fc<1, 4000, 5, 4>;   // 5 blocks of 800 x 800: 20 tiles
#endif

static_assert(cost::require_fit<Net, HW>());
