// Dense matvec, int8 (8-bit and 4-bit activations): vector kernels against the scalar twin and fp64 references.
#include "dense_fixture.hpp"

using namespace ember;
using namespace ember::test;

TEST_CASE("matvec dense s8: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int8>(); }
TEST_CASE("matvec dense s8 with 4-bit activations") { check_all_shapes<quant::symmetric<8, 4>>(); }

