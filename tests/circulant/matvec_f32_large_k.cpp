// Block-circulant fp32 matvec for K = 16, 32, 64 and odd shapes (checks in matvec_check.hpp).
#include "matvec_check.hpp"

using namespace ember::test::circ;

TEST_CASE("matvec circulant<K> f32: expanded-matrix reference, vector archs bit-exact, K = 16..64") {
  check_k<16, quant::f32>();
  check_k<32, quant::f32>();
  check_k<64, quant::f32>();
}
