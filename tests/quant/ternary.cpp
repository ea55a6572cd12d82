// Ternary weights (quant::ternary_weights<A>): every vector kernel bit-exact with the scalar
// twin, the twin against an independent integer reference, and the quantizer's rules.
#include "bitplane_fixture.hpp"

using namespace ember;
using namespace ember::test;

TEST_CASE("matvec ternary t2 (int8 activations, add/subtract): vector kernels bit-exact with the twin") {
  check_lowbit_shapes<quant::ternary>();
}
TEST_CASE("matvec ternary t2a1 (binary activations, popcount): vector kernels bit-exact with the twin") {
  check_lowbit_shapes<quant::ternary_weights<1>>();
}
TEST_CASE("matvec ternary t2a2 (ternary activations, popcount): vector kernels bit-exact with the twin") {
  check_lowbit_shapes<quant::ternary_ternary>();
}
