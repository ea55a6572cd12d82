// `ember-cost epiphany` (tools/ember_cost/cmd_epiphany.cpp): table, summary CSV, per-layer
// CSV and argument errors.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cmd_epiphany.hpp"
#include "ember/cost/epiphany_mapper.hpp"
#include "ember/cost/nets/googlenet.hpp"

namespace {

struct run_result {
  int rc;
  std::string out, err;
};

run_result run(std::vector<std::string> args) {
  args.insert(args.begin(), "epiphany");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  const int rc = cmd_epiphany(int(argv.size()), argv.data(), out, err);
  return {rc, out.str(), err.str()};
}

}  // namespace

TEST_CASE("ember-cost epiphany: summary CSV matches the mapper") {
  const auto r = run({"--net", "googlenet", "--bits", "8", "--core-kib", "64", "--csv"});
  REQUIRE(r.rc == 0);
  CHECK(r.out.rfind("net,bits,core_kib,cores,fps,", 0) == 0);
  const auto m = ember::cost::map_streaming_tiles(ember::cost::nets::googlenet_conv_workload(8),
                                                  ember::hw::make_epiphany_params(1024, 64));
  std::ostringstream row;
  row << "googlenet,8,64," << m.cores << ',' << m.fps << ',';
  CHECK(r.out.find(row.str()) != std::string::npos);
}

TEST_CASE("ember-cost epiphany: table, per-layer CSV, options") {
  const auto t = run({"--net", "alexnet", "--bits", "4", "--core-kib", "32", "--max-cores", "512"});
  REQUIRE(t.rc == 0);
  CHECK(t.out.find("conv1") != std::string::npos);
  CHECK(t.out.find("does not fit") != std::string::npos);  // 752 cores > 512
  const auto c = run({"--net", "alexnet", "--bits", "4", "--core-kib", "32", "--csv", "--per-layer"});
  REQUIRE(c.rc == 0);
  CHECK(c.out.rfind("layer,pool,fused,bits,rows,rate,X,Y,", 0) == 0);
  const auto slow = run({"--net", "alexnet", "--bits", "4", "--core-kib", "32", "--csv",
                         "--clock-mhz", "500", "--load", "rate"});
  REQUIRE(slow.rc == 0);
  CHECK(slow.out.find("per-rate-rows") != std::string::npos);
  CHECK(run({"--help"}).rc == 0);
}

TEST_CASE("ember-cost epiphany: bad arguments are reported") {
  CHECK(run({"--net", "vgg", "--bits", "4", "--core-kib", "32"}).rc == 2);
  CHECK(run({"--net", "alexnet", "--bits", "33", "--core-kib", "32"}).rc == 2);
  CHECK(run({"--net", "alexnet", "--bits", "4"}).rc == 2);
  CHECK(run({"--net", "alexnet", "--bits", "4", "--core-kib", "16"}).rc == 2);  // <= reserve
  const auto e = run({"--net", "alexnet", "--bits", "4", "--core-kib", "32", "--frobnicate", "1"});
  CHECK(e.rc == 2);
  CHECK(e.err.find("unknown option --frobnicate") != std::string::npos);
}
