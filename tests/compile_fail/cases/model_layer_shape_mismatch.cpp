// model<>: a layer whose output does not match the next layer's input is rejected at
// compile time; the diagnostic names both layer types and both sizes.
// EXPECT: ember::model: the output size of layer Index \(From::out_size\) differs from the input size
// EXPECT: layer_output_matches_next_input<16(UL)?, 8(UL)?>
// EXPECT: ember::lstm<1, 16
// EXPECT: ember::dense<8, 1
#include "ember/layers/dense.hpp"
#include "ember/layers/lstm.hpp"
#include "ember/model.hpp"

using namespace ember;

#ifdef EMBER_COMPILE_FAIL_CONTROL
using Net = model<lstm<1, 16>, dense<16, 1>>;
#else
using Net = model<lstm<1, 16>, dense<8, 1>>;  // LSTM gives 16 values, dense wants 8
#endif

Net net;
