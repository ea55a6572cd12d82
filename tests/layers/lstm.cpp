// LSTM (fp32) against torch.nn.LSTM: every reference shape, one and two levels, sequences
// of 1, 50 and 1000 steps, zero and non-zero initial states, scalar twin and native SIMD.
#include "ember/layers/lstm.hpp"
#include "rnn_reference.hpp"

using namespace ember;

// fp32 against PyTorch: every value within 1e-5 relative + 1e-6 absolute (test::tolerance{}).

TEST_CASE("lstm f32: matches torch.nn.LSTM") {
  test::check_against_reference<lstm<1, 1>>("lstm", "f32", {});
  test::check_against_reference<lstm<5, 7>>("lstm", "f32", {});
  test::check_against_reference<lstm<32, 64>>("lstm", "f32", {});
  test::check_against_reference<lstm<64, 64>>("lstm", "f32", {});
  test::check_against_reference<lstm<40, 128>>("lstm", "f32", {});
  test::check_against_reference<lstm<32, 1024>>("lstm", "f32", {});
}
TEST_CASE("lstm f32: two stacked levels match torch.nn.LSTM(num_layers=2)") {
  test::check_against_reference<lstm<5, 7, policy<>, 2>>("lstm", "f32", {});
  test::check_against_reference<lstm<32, 64, policy<>, 2>>("lstm", "f32", {});
}
