// A block-diagonal matrix needs every diagonal block to have a row and a column.
// EXPECT: every diagonal block needs at least one row and one column
#include "ember/kernels/matvec.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using M = kernels::packed_matrix<matvec::block_diagonal<4>, quant::int8, 4, 16>;
#else
using M = kernels::packed_matrix<matvec::block_diagonal<8>, quant::int8, 4, 16>;
#endif

M m;
