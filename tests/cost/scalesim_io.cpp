// SCALE-Sim config / topology readers: the formats SCALE-Sim accepts parse to the same
// layers, malformed input throws parse_error naming the line and the rule; Python float
// formatting matches repr().
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "ember/cost/scalesim_io.hpp"

using namespace ember::cost;
using scalesim::parse_config;
using scalesim::parse_error;
using scalesim::parse_topology;

namespace {
const char* good_cfg =
    "[general]\nrun_name = t\n\n[architecture_presets]\nArrayHeight:    32\narraywidth = 8\n"
    "IfmapSramSzkB:   64\n; comment\n# comment\nFilterSramSzkB:  128\nOfmapSramSzkB:   32\nDataflow : ws\n"
    "Bandwidth : 10\n[run_presets]\nInterfaceBandwidth: CALC\n";

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const parse_error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("scalesim_io: a SCALE-Sim config") {
  const auto c = parse_config(good_cfg);
  CHECK(c.run_name == "t");
  CHECK(c.array_height == 32);
  CHECK(c.array_width == 8);
  CHECK(c.df == ember::hw::dataflow::ws);
  const auto s = c.systolic();
  CHECK(s.ifmap_sram == 64 * 1024);
  CHECK(s.filter_sram == 128 * 1024);
  CHECK(s.ofmap_sram == 32 * 1024);
  CHECK(parse_config(std::string(good_cfg).replace(std::string(good_cfg).find("\n"), 1, "\r\n")).array_width == 8);
}

TEST_CASE("scalesim_io: malformed configs name the line and the rule") {
  auto with = [](std::string from, std::string to) {
    std::string s = good_cfg;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  CHECK(error_of([&] { parse_config(with("Dataflow : ws", "Dataflow : xs")); }) ==
        "config line 12: Dataflow must be os, ws or is, got 'xs'");
  CHECK(error_of([&] { parse_config(with("ArrayHeight:    32", "ArrayHeight: 0")); }).find("line 5: ArrayHeight must be between 1") !=
        std::string::npos);
  CHECK(error_of([&] { parse_config(with("ArrayHeight:    32", "ArrayHeight: 3x2")); }) ==
        "config line 5: ArrayHeight must be a non-negative integer, got '3x2'");
  CHECK(error_of([&] { parse_config(with("ArrayHeight:    32", "ArrayHeight: 99999999999999999999999")); })
            .find("must be between") != std::string::npos);
  CHECK(error_of([&] { parse_config(with("ArrayHeight:    32", "")); }) ==
        "config: missing ArrayHeight in [architecture_presets]");
  CHECK(error_of([&] { parse_config(with("arraywidth = 8", "arraywidth = 8\nArrayWidth: 9")); }) ==
        "config line 7: duplicate key 'arraywidth' in [architecture_presets]");
  CHECK(error_of([&] { parse_config("ArrayHeight: 4\n"); }) == "config line 1: key before the first [section] header");
  CHECK(error_of([&] { parse_config("[architecture_presets\n"); }).find("malformed section header") != std::string::npos);
  CHECK(error_of([&] { parse_config("[a]\njust text\n"); }) == "config line 2: expected 'key = value' or 'key : value'");
  CHECK(error_of([&] { parse_config(""); }) == "config: missing ArrayHeight in [architecture_presets]");
}

TEST_CASE("scalesim_io: GEMM and conv topologies, with or without the trailing comma") {
  const auto g = parse_topology("Layer, M, N, K,\nfc1, 8, 256, 64,\n\nfc2,1,128,96\n");
  REQUIRE(g.size() == 2);
  CHECK(g[0].name == "fc1");
  CHECK((g[0].M() == 8 && g[0].N() == 256 && g[0].K() == 64));
  CHECK((g[1].M() == 1 && g[1].N() == 128 && g[1].K() == 96));

  const auto c = parse_topology(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
      "conv1, 30, 30, 5, 5, 4, 10, 3,\nconv2, 23, 31, 3, 5, 6, 9, 2, 3\n");
  REQUIRE(c.size() == 2);
  CHECK((c[0].M() == 100 && c[0].N() == 10 && c[0].K() == 100));
  CHECK((c[1].ofmap_h() == 11 && c[1].ofmap_w() == 10));  // ceil(22/2), ceil(29/3)
  const auto dp = parse_topology("h\nmb_DP1, 14, 14, 3, 3, 3, 1, 1,\n");
  REQUIRE(dp.size() == 3);  // SCALE-Sim splits depthwise layers per channel
  CHECK(dp[2].name == "mb_DP1Channel_2");
  CHECK(dp[2].K() == 9);
  // An explicit format is enforced.
  CHECK(error_of([] { parse_topology("h\nfc, 1, 2, 3\n", scalesim::topology_format::conv); }).find("a conv row has 8 or 9") !=
        std::string::npos);
}

TEST_CASE("scalesim_io: malformed topologies name the line and the rule") {
  CHECK(error_of([] { parse_topology("Layer, M, N, K,\nfc, 1, 2,\n"); }) ==
        "topology line 2: expected 4 fields (Layer, M, N, K) or 8-9 fields (conv layer), got 3");
  CHECK(error_of([] { parse_topology("Layer, M, N, K,\nfc, 1, 2, 3,\nfc2, -1, 2, 3,\n"); }) ==
        "topology line 3: M must be a non-negative integer, got '-1'");
  CHECK(error_of([] { parse_topology("Layer, M, N, K,\nfc, 0, 2, 3,\n"); }).find("M must be between 1") != std::string::npos);
  CHECK(error_of([] { parse_topology("Layer, M, N, K,\n, 1, 2, 3,\n"); }) == "topology line 2: empty layer name");
  CHECK(error_of([] { parse_topology("Layer, M, N, K,\nfc, 1, 2, 3,\nconv, 5, 5, 3, 3, 1, 1, 1\n"); })
            .find("line 3: a GEMM row has 4 fields") != std::string::npos);
  CHECK(error_of([] { parse_topology("h\nc, 3, 3, 5, 1, 1, 1, 1,\n"); }) ==
        "topology line 2: Filter Height is larger than IFMAP Height");
  CHECK(error_of([] { parse_topology("h\nc, 5, 5, 3, 3, 1, 1, 0,\n"); }).find("Strides must be between 1") != std::string::npos);
  CHECK(error_of([] { parse_topology("Layer, M, N, K,\n"); }) == "topology: no layers (the first line is the header)");
  CHECK(error_of([] { parse_topology(""); }) == "topology: no layers (the first line is the header)");
  CHECK(error_of([] { parse_topology("h\nfc, 1.5, 2, 3\n"); }) ==
        "topology line 2: M must be a non-negative integer, got '1.5'");
}

TEST_CASE("scalesim: compute report columns and Python float formatting") {
  CHECK(scalesim::python_float(100.0) == "100.0");
  CHECK(scalesim::python_float(0.0) == "0.0");
  CHECK(scalesim::python_float(91.4285714285712) == "91.4285714285712");
  CHECK(scalesim::python_float(0.0001) == "0.0001");
  CHECK(scalesim::python_float(0.00001) == "1e-05");
  CHECK(scalesim::python_float(1e16) == "1e+16");
  CHECK(scalesim::python_float(1234567890123456.0) == "1234567890123456.0");
  CHECK(scalesim::python_float(2.5e-07) == "2.5e-07");
  CHECK(scalesim::python_float(-3.25) == "-3.25");
  // Values SCALE-Sim prints for cal_a on a 4x4 OS array: its loop sums 128 per-fold
  // utilizations one by one, which the report reproduces to the last bit.
  const auto r = scalesim::compute_report(ember::hw::dataflow::os, 4, 4, 8, 256, 64);
  CHECK(r.total_cycles == 8959);
  CHECK(r.stall_cycles == 0);
  CHECK(scalesim::python_float(r.mapping_eff_pct) == "100.0");
  CHECK(scalesim::python_float(r.compute_util_pct) == "91.4285714285712");
  CHECK(scalesim::python_float(r.overall_util_pct) == "91.4387766491796");
}

TEST_CASE("scalesim_io: random corruptions either parse or throw parse_error, nothing else") {
  const std::string topo =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
      "c1, 30, 30, 5, 5, 4, 10, 3,\nc_DP, 17, 21, 3, 3, 8, 24, 2, 1,\nfc, 1, 1, 1, 1, 512, 1000, 1,\n";
  const std::string cfg = good_cfg;
  std::mt19937 g(5);
  const char alphabet[] = "0123456789,:=[]#;\n\r -DPx\0\xff";
  for (int n = 0; n < 4000; ++n) {
    std::string t = (n & 1) ? topo : cfg;
    const int edits = 1 + int(g() % 6);
    for (int e = 0; e < edits; ++e) {
      const std::size_t pos = g() % (t.size() + 1);
      switch (g() % 3) {
        case 0: t.insert(t.begin() + std::ptrdiff_t(pos), alphabet[g() % (sizeof alphabet - 1)]); break;
        case 1: if (pos < t.size()) t.erase(pos, 1 + g() % 8); break;
        default: if (pos < t.size()) t[pos] = alphabet[g() % (sizeof alphabet - 1)]; break;
      }
    }
    try {
      if (n & 1) {
        for (const auto& l : parse_topology(t)) CHECK((l.M() >= 1 && l.N() >= 1 && l.K() >= 1));
      } else {
        const auto c = parse_config(t);
        CHECK((c.array_height >= 1 && c.array_width >= 1));
      }
    } catch (const parse_error&) {
      // expected for most corruptions
    }
  }
}
