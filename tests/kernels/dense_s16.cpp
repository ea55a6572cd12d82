// Dense matvec, int16 and Q-format: vector kernels against the scalar twin and fp64 references.
#include "dense_fixture.hpp"

using namespace ember;
using namespace ember::test;

TEST_CASE("matvec dense s16: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int16>(); }
TEST_CASE("matvec dense q15 and q7: fixed-point policies") {
  check_all_shapes<quant::fixed<16, 12>>();
  check_all_shapes<quant::fixed<8, 5>>();
}
