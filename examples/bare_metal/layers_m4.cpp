// layers_m4: every layer family of the inference path instantiated under firmware flags
// (tools/bare_metal_check.sh compiles it for a Cortex-M4 and reports each function's size):
// if a header needed exceptions, RTTI, SIMD or a hosted-only facility, this would not build.
#include <array>
#include <cstddef>

#include <ember/inference.hpp>

using namespace ember;

// extern "C" entry points so each instantiation is kept and measurable (nm --size-sort).
// The layers live at namespace scope: a function-local static with a constructor would
// need libstdc++'s thread-safe guard, which throws, so it links the unwinder and malloc.
#define EMBER_M4_ENTRY(fn, Layer)                                                  \
  Layer fn##_layer;                                                                \
  extern "C" void fn(const float* x, float* y) {                                   \
    fn##_layer.step(std::span<const float, Layer::in_size>(x, Layer::in_size),     \
                    std::span<float, Layer::out_size>(y, Layer::out_size));        \
  }

using lstm_f32 = lstm<16, 32, policy<>, 1, 1>;
using lstm_i8_hard = lstm<16, 32, policy<quant::int8, act::hard>, 1, 1>;
using gru_q15 = gru<16, 32, policy<quant::fixed<16, 12>, act::pwl<9>>, 1, 1>;
using sru_i8 = sru<32, 32, policy<quant::int8>, 1, 1>;
using lstm_circ = lstm<32, 32, policy<matvec::circulant<8>>, 1, 1>;
using dense_i4 = dense<64, 16, policy<quant::int4>>;
using dense_i2 = dense<64, 16, policy<quant::int2>>;
using conv1d_i8 = conv1d<8, 16, 3, policy<quant::int8>>;
using conv2d_f32 = conv2d<2, 8, 8, 4, 3>;
using conv2d_i8 = conv2d<2, 8, 8, 4, 3, policy<quant::int8>>;
using pool = max_pool2d<4, 6, 6, 2>;

EMBER_M4_ENTRY(m4_lstm_f32, lstm_f32)
EMBER_M4_ENTRY(m4_lstm_i8_hard, lstm_i8_hard)
EMBER_M4_ENTRY(m4_gru_q15_pwl9, gru_q15)
EMBER_M4_ENTRY(m4_sru_i8, sru_i8)
EMBER_M4_ENTRY(m4_lstm_circulant8, lstm_circ)
EMBER_M4_ENTRY(m4_dense_i4, dense_i4)
EMBER_M4_ENTRY(m4_dense_i2, dense_i2)
EMBER_M4_ENTRY(m4_conv1d_i8, conv1d_i8)
EMBER_M4_ENTRY(m4_conv2d_f32, conv2d_f32)
EMBER_M4_ENTRY(m4_conv2d_i8, conv2d_i8)
EMBER_M4_ENTRY(m4_maxpool2d, pool)

int main() {
  static float x[512], y[512];  // larger than any layer's input or output
  m4_lstm_f32(x, y);
  m4_lstm_i8_hard(x, y);
  m4_gru_q15_pwl9(x, y);
  m4_sru_i8(x, y);
  m4_lstm_circulant8(x, y);
  m4_dense_i4(x, y);
  m4_dense_i2(x, y);
  m4_conv1d_i8(x, y);
  m4_conv2d_f32(x, y);
  m4_conv2d_i8(x, y);
  m4_maxpool2d(x, y);
  return y[0] == y[0] ? 0 : 1;
}
