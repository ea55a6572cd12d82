// Dense matvec, int4 and int2: vector kernels against the scalar twin and fp64 references.
#include "dense_fixture.hpp"

using namespace ember;
using namespace ember::test;

TEST_CASE("matvec dense s4: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int4>(); }
TEST_CASE("matvec dense s2: vector kernels bit-exact with the scalar twin") { check_all_shapes<quant::int2>(); }
