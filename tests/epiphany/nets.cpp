// AlexNet and GoogLeNet conv stacks against Table I of Streaming Tiles (from Sze et al.),
// their rates, monotonicity of cores in the weight precision, and cost::fits at compile time.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <sstream>
#include <string>

#include "ember/cost/epiphany_fits.hpp"
#include "ember/cost/nets/alexnet.hpp"
#include "ember/cost/nets/googlenet.hpp"

using namespace ember;
namespace nets = cost::nets;

// The example, and its negative: 16-bit AlexNet needs more than 1024 32 KB cores.
static_assert(cost::fits<nets::alexnet_conv<4>, hw::epiphany<1024, 32>>);
static_assert(!cost::fits<nets::alexnet_conv<16>, hw::epiphany<1024, 32>>);
static_assert(cost::fits<nets::alexnet_conv<16>, hw::epiphany<1024, 64>>);
static_assert(cost::fits<nets::googlenet_conv<4>, hw::epiphany<1024, 32>>);
static_assert(!cost::fits<nets::googlenet_conv<8>, hw::e64g401>);

TEST_CASE("epiphany nets: Table I weights and MACs within 2 %") {
  constexpr auto a = nets::alexnet_conv_workload(8);
  constexpr auto g = nets::googlenet_conv_workload(8);
  // Streaming Tiles Table I: AlexNet 2.3 M / 666 M, GoogLeNet 6 M / 1.43 G.
  CHECK(nets::conv_weights(a) == doctest::Approx(2.3e6).epsilon(0.02));
  CHECK(nets::conv_macs(a) == doctest::Approx(666e6).epsilon(0.02));
  CHECK(nets::conv_weights(g) == doctest::Approx(6.0e6).epsilon(0.02));
  CHECK(nets::conv_macs(g) == doctest::Approx(1.43e9).epsilon(0.02));
  // Exact counts of the layer tables (grouped conv2/4/5 in AlexNet; 57 convolutions in GoogLeNet).
  CHECK(nets::conv_weights(a) == 2332704.0);
  CHECK(nets::conv_weights(g) == 5966272.0);
  std::size_t convs = 0;
  for (const auto& l : g) convs += l.conv.is_pool ? 0 : 1;
  CHECK(convs == 57);
}

TEST_CASE("epiphany nets: rates are the products of later strides") {
  constexpr auto ra = cost::map_streaming_tiles<nets::alexnet_conv<4>, hw::epiphany<1024, 32>>();
  CHECK(ra.layers[0].rate == 4);  // conv1: pool1 and pool2 after it
  CHECK(ra.layers[2].rate == 2);  // conv2: pool2
  CHECK(ra.layers[4].rate == 1);
  CHECK(ra.iterations == 14);     // ceil(55 / 4)
  constexpr auto rg = cost::map_streaming_tiles<nets::googlenet_conv<4>, hw::epiphany<1024, 32>>();
  CHECK(rg.layers[0].rate == 16);  // conv1: four stride-2 pools after it
  CHECK(rg.iterations == 7);       // 112 / 16
  for (std::size_t i = 0; i < rg.n_layers; ++i)
    if (rg.layers[i].is_pool) CHECK(rg.layers[i].fused);
}

TEST_CASE("epiphany nets: more bits never need fewer cores") {
  // The paper's precisions (the method packs 1, 2, 4, 8 bits; 16 and 32 are plain). Widths in
  // between (3, 5, 6 bits) can dip by a few cores through the nearest-half rounding of Y.
  constexpr std::array<unsigned, 6> bits{1, 2, 4, 8, 16, 32};
  for (std::size_t kib : {32u, 64u}) {
    const auto hw = hw::make_epiphany_params(1024, kib);
    std::size_t prev_a = 0, prev_g = 0;
    for (unsigned b : bits) {
      CAPTURE(kib);
      CAPTURE(b);
      const auto a = cost::map_streaming_tiles(nets::alexnet_conv_workload(b), hw);
      const auto g = cost::map_streaming_tiles(nets::googlenet_conv_workload(b), hw);
      CHECK(a.cores >= prev_a);
      CHECK(g.cores >= prev_g);
      prev_a = a.cores;
      prev_g = g.cores;
    }
  }
}

TEST_CASE("epiphany nets: report prints every layer and a CSV row per layer") {
  const auto r = cost::map_streaming_tiles<nets::alexnet_conv<4>, hw::epiphany<1024, 32>>();
  std::ostringstream os;
  os << r;
  CHECK(os.str().find("conv5") != std::string::npos);
  CHECK(os.str().find("frames/s") != std::string::npos);
  const std::string csv = r.csv();
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 7);
  CHECK(r.summary_csv_row("alexnet").rfind("alexnet,4,32,", 0) == 0);
}
