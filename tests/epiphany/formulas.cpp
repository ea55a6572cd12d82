// Streaming-tiles formulas on small CNNs computed by hand: per-MAC cycles, X, rate, fused
// pooling, communication, Y, cores, load and frames/s, in both load models; module fan-out.
#include <doctest/doctest.h>

#include "ember/cost/epiphany_mapper.hpp"
#include "ember/cost/nets/conv_stack.hpp"

using namespace ember;
using cost::nets::conv_layer;
using cost::nets::max_pool;

namespace {

// A tiny chip: 2 KiB cores with 1 KiB reserved -> 8192 weight bits per core, 1 MHz clock.
constexpr hw::epiphany_params tiny() {
  hw::epiphany_params p = hw::make_epiphany_params(64, 2, 1e6, 1);
  return p;
}

// c1: 8 -> 16 channels, 3x3, 10x10 -> 8x8; p1: 2x2/2 max pool 8x8 -> 4x4; c2: 16 -> 32, 1x1.
constexpr cost::model_workload<3> three_layers() {
  return {{conv_layer("c1", 8, 16, 3, 1, 10, 8, 8), max_pool("p1", 16, 2, 2, 8, 4),
           conv_layer("c2", 16, 32, 1, 1, 4, 4, 8)}};
}

}  // namespace

TEST_CASE("epiphany: cycles per MAC follow the dual-issue slot counts") {
  // P = 5 accumulators (FPU latency) share each unpacked weight. IALU slot per MAC: one input
  // load + (weight load + unpack) / 5; FPU slot: one FMADD + conversion / 5.
  CHECK(hw::epiphany_cycles_per_mac(32, 5).cycles == doctest::Approx(1.0 + 0.5 / 5));          // LDRD 2 floats
  CHECK(hw::epiphany_cycles_per_mac(16, 5).cycles == doctest::Approx(1.0 + 1.0 / 5));          // LDRH | FLOAT
  CHECK(hw::epiphany_cycles_per_mac(24, 5).cycles == doctest::Approx(1.0 + 1.0 / 5));          // FLOAT bound
  CHECK(hw::epiphany_cycles_per_mac(8, 5).cycles == doctest::Approx(1.0 + (0.5 / 4 + 2) / 5));  // 4 fields/word
  CHECK(hw::epiphany_cycles_per_mac(4, 5).cycles == doctest::Approx(1.0 + (0.5 / 8 + 2) / 5));
  CHECK(hw::epiphany_cycles_per_mac(1, 5).cycles == doctest::Approx(1.0 + (0.5 / 32 + 2) / 5));
  // Storage: no field straddles a word, so 3-bit weights take 32/10 bits, 12-bit a halfword.
  CHECK(hw::epiphany_storage_bits(3) == doctest::Approx(3.2));
  CHECK(hw::epiphany_storage_bits(4) == 4.0);
  CHECK(hw::epiphany_storage_bits(12) == 16.0);
  CHECK(hw::epiphany_storage_bits(20) == 32.0);
}

TEST_CASE("epiphany: conv-pool-conv mapped by hand (per owned row)") {
  constexpr auto r = cost::map_streaming_tiles(three_layers(), tiny());
  static_assert(r.n_layers == 3);
  const auto& c1 = r.layers[0];
  const auto& p1 = r.layers[1];
  const auto& c2 = r.layers[2];

  const double cpm = 1.0 + (0.5 / 4 + 2.0) / 5;  // 8-bit: IALU-bound, 1.425 cycles per MAC
  // X = ceil(8 bits * N * M * K^2 / 8192): c1 8*16*9*8 = 9216 -> 2; c2 16*32*8 = 4096 -> 1.
  CHECK(c1.X == 2);
  CHECK(c2.X == 1);
  // rate: c2 is last (1); p1 feeds c2 (stride 1) -> 1; c1 feeds p1 (stride 2) -> 2.
  CHECK(c2.rate == 1);
  CHECK(p1.rate == 1);
  CHECK(c1.rate == 2);
  CHECK(p1.fused);
  CHECK(p1.cores == 0);

  // c1: conv along a row = 8 px * 9 taps * cpm; 8 input channels x 16/2 output channels per core.
  const double c1_conv = 8 * 9 * cpm;
  // Fused pool on the core's 8 channels: half a pooled row per c1 row, 4 px * 4 taps * 2 cycles.
  const double c1_pool = 4 * 4 * 2.0 * 8 * 0.5;
  // Then half a pooled row (4 px = 16 bytes = 2 store cycles) of 8 channels to c2's 1 core.
  const double c1_comm = 2 * 8 * 0.5 * 1;
  CHECK(c1.conv_cycles == doctest::Approx(c1_conv));
  CHECK(c1.compute_cycles == doctest::Approx(c1_conv * 8 * 8 + c1_pool));
  CHECK(c1.comm_cycles == doctest::Approx(c1_comm));
  CHECK(c1.destinations == 1);
  const double c1_unit = c1_conv * 64 + c1_pool + c1_comm;  // 6702.4

  // c2: 4 px * 1 tap * cpm, 16 inputs x 32 outputs on one core; its 32 rows of 4 px go out once.
  const double c2_unit = 4 * 1 * cpm * 16 * 32 + 2 * 32;  // 2982.4
  CHECK(c2.compute_cycles + c2.comm_cycles == doctest::Approx(c2_unit));

  // Y = max unit / unit to the nearest half: c1 1, c2 6702.4 / 2982.4 = 2.247 -> 2.
  CHECK(c1.Y == 1.0);
  CHECK(c2.Y == 2.0);
  CHECK(c1.cores == 8 * 2);        // 8 rows / 1 per group, 2 cores each
  CHECK(c2.cores == (4 / 2) * 1);  // 4 rows / 2 per group
  CHECK(r.cores == 18);
  CHECK(c2.load_cycles == doctest::Approx(2 * c2_unit));
  CHECK(r.bottleneck == 0);
  // iterations = max(ceil(8 / 2), ceil(4 / 1)) = 4; fps = f / (max load * iterations).
  CHECK(r.iterations == 4);
  CHECK(r.fps == doctest::Approx(1e6 / (c1_unit * 4)));
  CHECK(r.fits);
  // 8*16*9*64 + 16*32*16 MACs per frame.
  CHECK(r.macs == doctest::Approx(8.0 * 16 * 9 * 64 + 16.0 * 32 * 16));
}

TEST_CASE("epiphany: conv-pool-conv mapped by hand (rate rows per group)") {
  constexpr auto r = cost::map_streaming_tiles(three_layers(), tiny(),
                                               {cost::streaming_load::per_rate_rows, 0});
  const double cpm = 1.0 + (0.5 / 4 + 2.0) / 5;
  const double c1_unit = 2 * (8 * 9 * cpm * 64 + 4 * 4 * 2.0 * 8 * 0.5 + 2 * 8 * 0.5);  // rate 2
  const double c2_unit = 4 * cpm * 16 * 32 + 2 * 32;                                   // rate 1
  CHECK(r.layers[0].load_cycles == doctest::Approx(c1_unit));
  // 13404.8 / 2982.4 = 4.49 -> 4.5, capped at c2's 4 rows: one group.
  CHECK(r.layers[2].Y == 4.0);
  CHECK(r.layers[2].cores == 1);
  CHECK(r.layers[2].load_cycles == doctest::Approx(4 * c2_unit));
  CHECK(r.cores == 17);
  CHECK(r.fps == doctest::Approx(1e6 / (c1_unit * 4)));
}

TEST_CASE("epiphany: an inception-like module fans out to its branch heads") {
  // stem 3x3/2 (9 -> 4), module {a: 1x1 8->4 | b: 1x1 8->2 -> 3x3 2->6}, head 1x1 10->4.
  using cost::nets::placement;
  constexpr cost::model_workload<5> w{{
      conv_layer("stem", 2, 8, 3, 2, 9, 4, 4),
      conv_layer("m/a", 8, 4, 1, 1, 4, 4, 4, 1, placement{1, 0}),
      conv_layer("m/b_reduce", 8, 2, 1, 1, 4, 4, 4, 1, placement{1, 1}),
      conv_layer("m/b", 2, 6, 3, 1, 4, 4, 4, 1, placement{1, 1}),
      conv_layer("head", 10, 4, 1, 1, 4, 4, 4),
  }};
  constexpr auto r = cost::map_streaming_tiles(w, hw::make_epiphany_params(64, 32, 1e9));
  for (std::size_t i = 0; i < 5; ++i) CHECK(r.layers[i].X == 1);  // everything fits one core
  // stem writes to both branch heads (1x1: one core group row each); m/a skips to head;
  // m/b_reduce feeds the 3x3 (3 row groups); m/b and head write to head / out once.
  CHECK(r.layers[0].destinations == 2);
  CHECK(r.layers[1].destinations == 1);
  CHECK(r.layers[2].destinations == 3);
  CHECK(r.layers[3].destinations == 1);
  CHECK(r.layers[4].destinations == 1);
  // stem: 4 px -> 2 store cycles, 8 channels, to 2 cores.
  CHECK(r.layers[0].comm_cycles == doctest::Approx(2.0 * 8 * 2));
  // No stride after the stem: every rate is 1, and the module's time is its slowest branch.
  for (std::size_t i = 0; i < 5; ++i) CHECK(r.layers[i].rate == 1);
  double slowest = 0;
  for (std::size_t i = 0; i < 5; ++i)
    slowest = r.layers[i].load_cycles > slowest ? r.layers[i].load_cycles : slowest;
  CHECK(r.max_load_cycles == slowest);
}

TEST_CASE("epiphany: no memory left for weights does not fit") {
  auto p = hw::make_epiphany_params(64, 16, 1e9, 16);
  const auto r = cost::map_streaming_tiles(three_layers(), p);
  CHECK_FALSE(r.fits);
  CHECK(r.fps == 0.0);
}
