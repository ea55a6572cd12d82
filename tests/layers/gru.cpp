// GRU (fp32) against the PyTorch reference: every reference shape, one and two levels,
// sequences of 1, 50 and 1000 steps, zero and non-zero initial states, twin and native SIMD.
#include "ember/layers/gru.hpp"
#include "rnn_reference.hpp"

using namespace ember;

// fp32 against PyTorch: every value within 1e-5 relative + 1e-6 absolute (test::tolerance{}).

TEST_CASE("gru f32: matches the PyTorch reference") {
  test::check_against_reference<gru<1, 1>>("gru", "f32", {});
  test::check_against_reference<gru<5, 7>>("gru", "f32", {});
  test::check_against_reference<gru<32, 64>>("gru", "f32", {});
  test::check_against_reference<gru<64, 64>>("gru", "f32", {});
  test::check_against_reference<gru<40, 128>>("gru", "f32", {});
  test::check_against_reference<gru<32, 1024>>("gru", "f32", {});
}
TEST_CASE("gru f32: two stacked levels match the PyTorch reference") {
  test::check_against_reference<gru<5, 7, policy<>, 2>>("gru", "f32", {});
  test::check_against_reference<gru<32, 64, policy<>, 2>>("gru", "f32", {});
}
