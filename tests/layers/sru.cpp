// SRU (fp32) against the PyTorch reference: every reference shape, one and two levels,
// sequences of 1, 50 and 1000 steps, zero and non-zero initial states, twin and native SIMD.
#include "ember/layers/sru.hpp"
#include "rnn_reference.hpp"

using namespace ember;

// fp32 against PyTorch: every value within 1e-5 relative + 1e-6 absolute (test::tolerance{}).

TEST_CASE("sru f32: matches the PyTorch reference") {
  test::check_against_reference<sru<1, 1>>("sru", "f32", {});
  test::check_against_reference<sru<5, 7>>("sru", "f32", {});
  test::check_against_reference<sru<32, 64>>("sru", "f32", {});
  test::check_against_reference<sru<64, 64>>("sru", "f32", {});
  test::check_against_reference<sru<40, 128>>("sru", "f32", {});
  test::check_against_reference<sru<32, 1024>>("sru", "f32", {});
}
TEST_CASE("sru f32: two stacked levels match the PyTorch reference") {
  test::check_against_reference<sru<5, 7, policy<>, 2>>("sru", "f32", {});
  test::check_against_reference<sru<32, 64, policy<>, 2>>("sru", "f32", {});
}
