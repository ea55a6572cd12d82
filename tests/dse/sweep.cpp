// cost::sweep on a small mock family: the cartesian product (order, coordinates), every point
// equal to its own estimate, the verdicts, the Pareto front, the counts, constexpr and run time.
#include <doctest/doctest.h>

#include <array>
#include <limits>
#include <vector>

#include "ember/cost/sweep.hpp"
#include "ember/cost/sweep_report.hpp"

using namespace ember;

namespace {

// One dense GEMM {T, N, 64} at Bits bits: a model type that is a template of the swept values.
template <unsigned Bits, std::size_t N>
struct mock_gemm {
  static constexpr cost::layer_workload workload(std::size_t T = 1) noexcept {
    cost::layer_workload w{};
    w.name = "g";
    w.add(cost::gemm{T, N, 64, Bits, Bits, 1, 1.0, 1});
    return w;
  }
};
struct mock_family {
  template <unsigned Bits, std::size_t N>
  using model = mock_gemm<Bits, N>;
};
// A two-layer model: the sweep accepts std::array workloads too.
template <unsigned Bits>
struct mock_two {
  static constexpr std::array<cost::layer_workload, 2> workload(std::size_t T = 1) noexcept {
    return {mock_gemm<Bits, 32>::workload(T), mock_gemm<Bits, 16>::workload(T)};
  }
};
struct two_family {
  template <unsigned Bits>
  using model = mock_two<Bits>;
};

using HW = hw::systolic<8, 8, dataflow::os, sram_kib<64>, mhz<100>>;
constexpr cost::values<8u, 4u> bits{"bits"};
constexpr cost::values<std::size_t{16}, std::size_t{48}> width{"n"};
constexpr auto dens = cost::density_axis({1.0, 0.5}, "z");
constexpr cost::constraints none{};

constexpr auto s = cost::sweep<mock_family, HW>(3, none, bits, width, dens);
static_assert(s.size() == 8, "cost::sweep is constexpr: 2 x 2 x 2 points");
static_assert(s.points[5].value[0] == 4 && s.points[5].value[1] == 16 && s.points[5].value[2] == 0.5);
static_assert(s.passing() == 8);

cost::report<1> direct(unsigned b, std::size_t n, double z, std::size_t T) {
  auto w = (b == 8 ? (n == 16 ? mock_gemm<8, 16>::workload(T) : mock_gemm<8, 48>::workload(T))
                   : (n == 16 ? mock_gemm<4, 16>::workload(T) : mock_gemm<4, 48>::workload(T)));
  w.gemms[0].density = z;
  return cost::estimate<HW>(w);
}

}  // namespace

TEST_CASE("sweep: row-major cartesian product, each point its own estimate") {
  REQUIRE(s.size() == 8);
  CHECK(std::string(s.axis_names[0]) == "bits");
  CHECK(std::string(s.axis_names[2]) == "z");
  CHECK(s.axis_sizes == std::array<std::size_t, 3>{2, 2, 2});
  std::size_t i = 0;
  for (std::size_t a = 0; a < 2; ++a)
    for (std::size_t b = 0; b < 2; ++b)
      for (std::size_t c = 0; c < 2; ++c, ++i) {
        const auto& p = s.points[i];
        CHECK(p.index == std::array<std::size_t, 3>{a, b, c});
        CHECK(p.value[0] == bits.numbers[a]);
        CHECK(p.value[1] == width.numbers[b]);
        CHECK(p.value[2] == dens.numbers[c]);
        CHECK(&s.at(p.index) == &p);
        const auto r = direct(unsigned(p.value[0]), std::size_t(p.value[1]), p.value[2], 3);
        CHECK(p.cost.cycles == r.cycles());
        CHECK(p.cost.energy_j == r.energy_j());
        CHECK(p.cost.latency_s == r.latency_s());
        CHECK(p.cost.sram_energy_j == r.sram_energy_j());
        CHECK(p.cost.weight_bytes == r.fit.weight_bytes);
        CHECK(p.cost.fits == r.fits);
      }
  // a multi-layer family and a single axis
  constexpr auto t = cost::sweep<two_family, HW>(2, none, cost::values<8u, 4u, 2u>{"bits"});
  static_assert(t.size() == 3);
  const auto r = cost::estimate<mock_two<4>, HW>(2);
  CHECK(t.points[1].cost.cycles == r.cycles());
  CHECK(t.points[1].cost.energy_j == r.energy_j());
}

TEST_CASE("sweep: limits decide pass per point, each constraint on its own") {
  const auto& ref = s.points[3];  // bits 8, n 48, z 0.5
  cost::constraints lat{};
  lat.max_latency_s = ref.cost.latency_s;
  const auto a = cost::sweep<mock_family, HW>(3, lat, bits, width, dens);
  for (const auto& p : a.points) {
    CHECK(p.meets.latency == (p.cost.latency_s <= ref.cost.latency_s));
    CHECK(p.pass == p.meets.latency);
  }
  CHECK(a.points[3].pass);

  cost::constraints en{};
  en.max_energy_j = ref.cost.energy_j * (1 - 1e-9);
  const auto e = cost::sweep<mock_family, HW>(3, en, bits, width, dens);
  CHECK_FALSE(e.points[3].pass);
  CHECK_FALSE(e.points[3].meets.energy);
  CHECK(e.points[3].meets.latency);

  // fit: a tiny SRAM; the check can be switched off
  using tiny = hw::systolic<8, 8, dataflow::os, sram_kib<1>, mhz<100>>;
  const auto f = cost::sweep<mock_family, tiny>(3, none, bits, width, dens);
  cost::constraints nofit{};
  nofit.require_fit = false;
  const auto g = cost::sweep<mock_family, tiny>(3, nofit, bits, width, dens);
  std::size_t unfit = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    unfit += !f.points[i].cost.fits;
    CHECK(f.points[i].pass == f.points[i].cost.fits);
    CHECK(g.points[i].pass);
  }
  CHECK(unfit > 0);

  // bandwidth: the required DRAM bandwidth of the non-fitting points
  cost::constraints bw{};
  bw.require_fit = false;
  bw.max_dram_bytes_per_s = 1.0;
  const auto b = cost::sweep<mock_family, tiny>(3, bw, bits, width, dens);
  for (const auto& p : b.points) CHECK(p.pass == (p.cost.dram_bytes_per_s <= 1.0));
}

TEST_CASE("sweep: the Pareto front holds the feasible points nothing dominates") {
  std::array<cost::sweep_point<1>, 5> pts{};
  const double lat[] = {1, 2, 3, 2, 0.5}, en[] = {5, 3, 1, 4, 0.1};
  for (std::size_t i = 0; i < 5; ++i) {
    pts[i].cost.latency_s = lat[i];
    pts[i].cost.energy_j = en[i];
  }
  pts[4].meets.fit = false;  // would dominate everything, but does not fit
  cost::mark_pareto(std::span<cost::sweep_point<1>>(pts));
  CHECK(pts[0].pareto);
  CHECK(pts[1].pareto);
  CHECK(pts[2].pareto);
  CHECK_FALSE(pts[3].pareto);  // (2, 4) is dominated by (2, 3)
  CHECK_FALSE(pts[4].pareto);
  // ties: identical points dominate neither
  std::array<cost::sweep_point<1>, 2> tie{};
  tie[0].cost.latency_s = tie[1].cost.latency_s = 1;
  tie[0].cost.energy_j = tie[1].cost.energy_j = 1;
  cost::mark_pareto(std::span<cost::sweep_point<1>>(tie));
  CHECK((tie[0].pareto && tie[1].pareto));
  // in a sweep, no point on the front is dominated and every point off it is
  for (const auto& p : s.points) {
    bool dominated = false;
    for (const auto& q : s.points) dominated = dominated || cost::dominates(q.cost, p.cost);
    CHECK(p.pareto == !dominated);
  }
}

TEST_CASE("sweep: counts alone, rank violations, the run-time grid, CSV") {
  CHECK(s.count_alone(0) == 2);
  CHECK(s.count_alone(2) == 2);
  CHECK(s.axis("z") == 2);
  CHECK(s.axis("nope") == 3);
  std::size_t manual = 0;
  for (const auto& p : s.points) manual += p.index[1] == 0 && p.index[2] == 0 && p.pass;
  CHECK(s.passing_alone(0) == manual);

  // every axis listed from its baseline: fewer bits, narrower, sparser never cost more here
  auto v = cost::sweep<mock_family, HW>(3, none, bits, cost::values<std::size_t{48}, std::size_t{16}>{"n"}, dens);
  CHECK(s.rank_violations() > 0);  // n from 16 to 48 is more work, not compression
  REQUIRE(v.rank_violations() == 0);
  // the baseline made free: each of its three successors now costs more
  const auto first = v.points[0].cost;
  v.points[0].cost.cycles = 0;
  CHECK(v.rank_violations() == 3);
  v.points[0].cost = first;
  v.points[0].cost.energy_j = 0;
  CHECK(v.rank_violations() == 3);

  // the run-time grid (value lists read at run time) gives the constexpr sweep's numbers
  const auto grid = cost::sweep_grid<cost::horowitz_45nm, 3>(
      {"bits", "n", "z"}, {std::vector<double>{8, 4}, std::vector<double>{16, 48}, std::vector<double>{1.0, 0.5}},
      [](const std::array<double, 3>& x) {
        auto w = cost::layer_workload{};
        w.name = "g";
        w.add(cost::gemm{3, std::size_t(x[1]), 64, unsigned(x[0]), unsigned(x[0]), 1, x[2], 1});
        return w;
      },
      HW::config, none);
  REQUIRE(grid.size() == s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    CHECK(grid.points[i].value == s.points[i].value);
    CHECK(grid.points[i].cost.cycles == s.points[i].cost.cycles);
    CHECK(grid.points[i].cost.energy_j == s.points[i].cost.energy_j);
    CHECK(grid.points[i].pareto == s.points[i].pareto);
  }

  const std::string c = cost::csv(s);
  CHECK(c.rfind("bits,n,z,cycles,compute_cycles,", 0) == 0);
  CHECK(c.find(",latency_s,energy_j,") != std::string::npos);
  std::size_t lines = 0;
  for (char ch : c) lines += ch == '\n';
  CHECK(lines == 9);
  CHECK(c.find("\n4,16,0.5,") != std::string::npos);
}
