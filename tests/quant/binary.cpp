// Binary weights (quant::binary_weights<A>): every vector kernel bit-exact with the scalar
// twin, the twin against an independent integer reference, and the quantizer's rules.
#include "bitplane_fixture.hpp"

using namespace ember;
using namespace ember::test;

TEST_CASE("matvec binary b1 (int8 activations, sign-add): vector kernels bit-exact with the twin") {
  check_lowbit_shapes<quant::binary>();
}
TEST_CASE("matvec binary b1a1 (XNOR-popcount): vector kernels bit-exact with the twin") {
  check_lowbit_shapes<quant::xnor>();
}
TEST_CASE("matvec binary b1a2 (ternary activations, popcount): vector kernels bit-exact with the twin") {
  check_lowbit_shapes<quant::binary_weights<2>>();
}
