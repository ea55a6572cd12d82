// The umbrella header holds both hardware models' estimate / fits / require_fit overloads
// side by side; each call picks the one its HW type models.
#include <doctest/doctest.h>

#include "ember/ember.hpp"

using namespace ember;

namespace {
struct lstm_like {
  static constexpr cost::layer_workload workload(std::size_t T = 1) noexcept {
    cost::layer_workload w{};
    w.name = "lstm";
    w.add(cost::gemm_for<policy<quant::int4, matvec::block_diagonal<4>>>(T, 512, 128));
    w.add(cost::gemm_for<policy<quant::int4, matvec::block_diagonal<4>>>(1, 512, 128, T));
    return w;
  }
};
using pe = hw::pe_array<4, 128, 32, 8, ghz<1>, kib<32>>;  // two 128 x 32 8-bit blocks per PE
using sys = hw::systolic<16, 16, dataflow::os, sram_kib<256>, mhz<200>>;
}  // namespace

static_assert(cost::require_fit<lstm_like, pe>());
static_assert(cost::require_fit<lstm_like, sys, 10>());
static_assert(cost::fits<lstm_like, pe> && cost::fits<lstm_like, sys>);
static_assert(cost::estimate<lstm_like, pe>(10).total.steady_cycles == (10 + 10) * 128);

TEST_CASE("umbrella: PE-array and systolic estimates of a block-diagonal LSTM-shaped workload") {
  const auto p = cost::estimate<lstm_like, pe>(10);
  const auto s = cost::estimate<lstm_like, sys>(10);
  CHECK(p.total.macs == doctest::Approx(s.total.macs));  // both multiply only the blocks
  CHECK(p.total.macs == doctest::Approx(20.0 * 512 * 128 / 4));
}
