// Dense matvec, fp32: vector kernels against the scalar twin and fp64 references.
#include "dense_fixture.hpp"

using namespace ember;
using namespace ember::test;

TEST_CASE("matvec dense f32: vector kernels match the scalar twin") { check_all_shapes<quant::f32>(); }
