// The systolic compute model against SCALE-Sim v2: every calibration point of
// tests/data/cost/scalesim_{,conv_}calibration.csv must match "Total Cycles" exactly.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ember/cost/hw/dataflow.hpp"
#include "ember/cost/scalesim.hpp"

using namespace ember;
using hw::dataflow;

namespace {
std::vector<std::vector<std::string>> read_csv(const std::string& name) {
  std::ifstream in(std::string(EMBER_TEST_DATA_DIR) + "/cost/" + name);
  REQUIRE_MESSAGE(in.good(), "missing test data " << name);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    rows.push_back(f);
  }
  return rows;
}
dataflow parse_df(const std::string& s) {
  return s == "os" ? dataflow::os : s == "ws" ? dataflow::ws : dataflow::is;
}
std::uint64_t u(const std::string& s) { return std::stoull(s); }
}  // namespace

TEST_CASE("systolic: every GEMM calibration point equals SCALE-Sim's Total Cycles") {
  const auto rows = read_csv("scalesim_calibration.csv");
  REQUIRE(rows.size() == 18);
  for (const auto& r : rows) {
    REQUIRE(r.size() == 8);
    const auto p = hw::plan_gemm(parse_df(r[0]), u(r[1]), u(r[2]), u(r[4]), u(r[5]), u(r[6]));
    INFO(r[0] << ' ' << r[1] << 'x' << r[2] << ' ' << r[3]);
    CHECK(p.cycles() == u(r[7]));
  }
}

TEST_CASE("systolic: every conv calibration point equals SCALE-Sim's Total Cycles") {
  const auto rows = read_csv("scalesim_conv_calibration.csv");
  REQUIRE(rows.size() == 9);
  for (const auto& r : rows) {
    REQUIRE(r.size() == 12);
    cost::scalesim::layer l;
    l.ifmap_h = u(r[4]);
    l.ifmap_w = u(r[5]);
    l.filter_h = u(r[6]);
    l.filter_w = u(r[7]);
    l.channels = u(r[8]);
    l.num_filter = u(r[9]);
    l.stride_h = l.stride_w = u(r[10]);
    const auto p = hw::plan_gemm(parse_df(r[0]), u(r[1]), u(r[2]), l.M(), l.N(), l.K());
    INFO(r[0] << ' ' << r[3]);
    CHECK(p.cycles() == u(r[11]));
  }
}

TEST_CASE("systolic: SCALE-Sim counts ceil((H - F + S) / S) output rows for non-dividing strides") {
  cost::scalesim::layer l;  // cal_conv_a: 30x30 input, 5x5 filter, stride 3
  l.ifmap_h = l.ifmap_w = 30;
  l.filter_h = l.filter_w = 5;
  l.stride_h = l.stride_w = 3;
  CHECK(l.ofmap_h() == 10);  // floor((30 - 5) / 3) + 1 would be 9
  l.stride_h = 5;            // 25 / 5 divides: no extra row
  CHECK(l.ofmap_h() == 6);
}

// The same points at compile time: the model is constexpr.
static_assert(hw::plan_gemm(dataflow::os, 4, 4, 8, 256, 64).cycles() == 8959);
static_assert(hw::plan_gemm(dataflow::ws, 16, 16, 50, 70, 33).cycles() == 1439);
static_assert(hw::plan_gemm(dataflow::is, 16, 16, 1, 128, 96).cycles() == 1043);
