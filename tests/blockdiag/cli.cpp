// `ember-cost pe-array` (tools/ember_cost/cmd_pe_array.cpp): the design point and its
// comparison, CSV, options and argument errors.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cmd_pe_array.hpp"
#include "ember/cost/nets/block_diagonal_fc.hpp"
#include "ember/cost/pe_array_cost.hpp"

namespace {

struct run_result {
  int rc;
  std::string out, err;
};

run_result run(std::vector<std::string> args) {
  args.insert(args.begin(), "pe-array");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  const int rc = cmd_pe_array(int(argv.size()), argv.data(), out, err);
  return {rc, out.str(), err.str()};
}

}  // namespace

TEST_CASE("ember-cost pe-array: the default is the paper's design point, compared") {
  const auto r = run({});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("fits: yes") != std::string::npos);
  CHECK(r.out.find("comparison with Naous et al.") != std::string::npos);
  CHECK(r.out.find(" 400 (+12 pipeline fill)") != std::string::npos);
  CHECK(r.out.find("8.0                   ~16") != std::string::npos);
  const auto c = run({"--csv"});
  REQUIRE(c.rc == 0);
  using HW = ember::hw::pe_array<10, 400, 400, 4, ember::ghz<1>, ember::kib<1024>>;
  CHECK(c.out == ember::cost::estimate<ember::cost::nets::berkeley_layer, HW>(1).csv());
}

TEST_CASE("ember-cost pe-array: options change the model, no comparison off the design point") {
  const auto r = run({"--pes", "4", "--block", "64x64", "--bits", "8", "--act-bits", "4", "--sram-kib", "64",
                      "--clock-mhz", "500", "--layer", "256x256", "--blocks", "4", "--layers", "2", "--vectors", "3"});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("comparison") == std::string::npos);
  CHECK(r.out.find("fc2") != std::string::npos);
  CHECK(r.out.find("8-bit weights x 4-bit activations, 500.00 MHz") != std::string::npos);
  const auto big = run({"--layer", "4000x4000", "--blocks", "1"});
  REQUIRE(big.rc == 0);
  CHECK(big.out.find("fits: no (weight blocks exceed the PEs' SRAM)") != std::string::npos);
  CHECK(run({"--help"}).rc == 0);
}

TEST_CASE("ember-cost pe-array: bad arguments are reported") {
  CHECK(run({"--pes", "0"}).rc == 2);
  CHECK(run({"--block", "400"}).rc == 2);
  CHECK(run({"--bits", "33"}).rc == 2);
  CHECK(run({"--layers", "9"}).rc == 2);
  CHECK(run({"--layer", "8x8", "--blocks", "9"}).rc == 2);
  CHECK(run({"--sram-kib", "1"}).rc == 2);  // less than one block per PE
  const auto e = run({"--frobnicate", "1"});
  CHECK(e.rc == 2);
  CHECK(e.err.find("unknown option --frobnicate") != std::string::npos);
}
