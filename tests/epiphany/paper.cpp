// Reproduction of Streaming Tiles' Table II and its qualitative statements. The estimate /
// paper ratios are printed; docs/cost_model.md explains each miss.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>

#include "ember/cost/epiphany_mapper.hpp"
#include "ember/cost/nets/alexnet.hpp"
#include "ember/cost/nets/googlenet.hpp"

using namespace ember;
namespace nets = cost::nets;

namespace {

struct point {
  std::size_t cores;
  double fps;
};

point map(bool alexnet, unsigned bits, std::size_t kib) {
  const auto hw = hw::make_epiphany_params(1024, kib);
  if (alexnet) {
    const auto r = cost::map_streaming_tiles(nets::alexnet_conv_workload(bits), hw);
    return {r.cores, r.fps};
  }
  const auto r = cost::map_streaming_tiles(nets::googlenet_conv_workload(bits), hw);
  return {r.cores, r.fps};
}

struct target {
  const char* net;
  bool alexnet;
  unsigned bits;
  std::size_t kib;
  double paper_fps;
};

constexpr std::array<target, 4> table2{{
    {"AlexNet", true, 4, 32, 58.0},
    {"AlexNet", true, 16, 64, 103.0},
    {"GoogLeNet", false, 8, 64, 44.5},
    {"GoogLeNet", false, 4, 32, 58.4},
}};

}  // namespace

TEST_CASE("epiphany paper: Table II frames/s, estimate / paper") {
  for (const auto& t : table2) {
    const auto p = map(t.alexnet, t.bits, t.kib);
    char line[160];
    std::snprintf(line, sizeof line, "%-9s %2u-bit %2zu KB: %4zu cores, %6.1f fps, paper %5.1f, ratio %.2f",
                  t.net, t.bits, t.kib, p.cores, p.fps, t.paper_fps, p.fps / t.paper_fps);
    MESSAGE(line);
    CAPTURE(line);
    CHECK(p.cores <= 1024);  // each is a mapping on a 1024-core chip in the paper
  }
  // Within 25 %: AlexNet 4-bit/32 KB and both GoogLeNet points.
  CHECK(map(true, 4, 32).fps / 58.0 == doctest::Approx(1.0).epsilon(0.25));
  CHECK(map(false, 8, 64).fps / 44.5 == doctest::Approx(1.0).epsilon(0.25));
  CHECK(map(false, 4, 32).fps / 58.4 == doctest::Approx(1.0).epsilon(0.25));
  // AlexNet 16-bit/64 KB misses (ratio ~0.6, see docs): conv1 holds its 68 KB of 16-bit
  // weights on 2 cores of 48 KB; only its ordering against 4-bit/32 KB is asserted.
  CHECK(map(true, 16, 64).fps > map(true, 4, 32).fps);
}

TEST_CASE("epiphany paper: no 16- or 32-bit mapping on 32 KB cores within 1024") {
  for (bool alexnet : {true, false})
    for (unsigned b : {16u, 32u}) {
      CAPTURE(alexnet);
      CAPTURE(b);
      CHECK(map(alexnet, b, 32).cores > 1024);
    }
  CHECK(map(true, 4, 32).cores <= 1024);
  CHECK(map(false, 4, 32).cores <= 1024);
}

TEST_CASE("epiphany paper: 32-bit AlexNet on 64 KB needs slightly more than 1024 cores") {
  const auto p = map(true, 32, 64);
  CHECK(p.cores > 1024);
  CHECK(p.cores < 1024 * 5 / 4);
}

TEST_CASE("epiphany paper: GoogLeNet on 64 KB, 1- and 2-bit land on nearly the same point") {
  const auto one = map(false, 1, 64), two = map(false, 2, 64);
  CHECK(double(one.cores) == doctest::Approx(double(two.cores)).epsilon(0.05));
  CHECK(one.fps == doctest::Approx(two.fps).epsilon(0.2));
  // AlexNet does not reproduce this (85 vs 166 cores): with 1-bit weights conv2 fits one
  // 48 KB core, with 2-bit it needs two; see docs/cost_model.md.
}

TEST_CASE("epiphany paper: GoogLeNet never needs twice AlexNet's cores at the same precision") {
  for (unsigned b : {1u, 2u, 4u, 8u, 16u, 32u}) {
    CAPTURE(b);
    CHECK(map(false, b, 32).cores < 2 * map(true, b, 32).cores);
    // On 64 KB cores the 1-bit point misses (AlexNet's 1-bit mapping is tiny), see docs.
    if (b > 1) CHECK(map(false, b, 64).cores < 2 * map(true, b, 64).cores);
  }
}
