// An LSTM with block-circulant weights (matvec::circulant<K>, FFT kernels) against
// torch.nn.LSTM holding the same matrices expanded to dense (tools/reference/rnn_ext.py):
// the state dict JSON carries the full matrices, which pack() projects back exactly.
#include "ember/layers/lstm.hpp"
#include "rnn_reference.hpp"

using namespace ember;

// The FFT path rounds differently from torch's dense products: a circulant matvec is within
// (4 log2 K + 4) eps sum|w x| of the exact sum (tests/circulant/fft.cpp), and the gate sums
// here have sum|w x| of order 1, so that is below 1e-6 and the fp32 bound (1e-5 relative +
// 1e-6 absolute, test::tolerance{}) applies unchanged. In = 10 with K = 4 covers zero-padded
// edge blocks.
TEST_CASE("lstm circulant<8> / circulant<4>: matches torch.nn.LSTM with block-circulant weights") {
  test::check_against_reference<lstm<16, 32, policy<matvec::circulant<8>>>>("lstm_circ8", "f32", {});
  test::check_against_reference<lstm<10, 20, policy<matvec::circulant<4>>>>("lstm_circ4", "f32", {});
}
