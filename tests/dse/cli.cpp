// `ember-cost dse` (tools/ember_cost/cmd_dse.cpp): its CSV is the library's constexpr ModelFlex
// sweep row for row; flags change the setup; bad arguments are reported.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cmd_dse.hpp"
#include "ember/cost/modelflex.hpp"
#include "ember/cost/sweep_report.hpp"

namespace {

struct run_result {
  int rc;
  std::string out, err;
};

run_result run(std::vector<std::string> args) {
  args.insert(args.begin(), "dse");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  const int rc = cmd_dse(int(argv.size()), argv.data(), out, err);
  return {rc, out.str(), err.str()};
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream is(s);
  for (std::string l; std::getline(is, l);) v.push_back(l);
  return v;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> v;
  std::istringstream is(line);
  for (std::string f; std::getline(is, f, ',');) v.push_back(f);
  return v;
}

}  // namespace

TEST_CASE("ember-cost dse: the default CSV is the constexpr ModelFlex sweep") {
  const auto r = run({"--csv"});
  REQUIRE(r.rc == 0);
  constexpr auto s = ember::cost::modelflex::sweep();
  // The run-time grid and the type-level (constexpr) sweep agree field by field; run-time
  // code may contract a * b + c into an FMA, so floating fields agree to rounding.
  const auto ls = lines(r.out), want = lines(ember::cost::csv(s));
  REQUIRE(ls.size() == 37);
  REQUIRE(want.size() == 37);
  CHECK(ls[0] == want[0]);
  for (std::size_t i = 1; i < ls.size(); ++i) {
    const auto got = fields(ls[i]), exp = fields(want[i]);
    REQUIRE(got.size() == exp.size());
    for (std::size_t j = 0; j < got.size(); ++j) {
      CAPTURE(i);
      CAPTURE(j);
      if (exp[j].find_first_of(".e") == std::string::npos)
        CHECK(got[j] == exp[j]);  // axis values, cycles, bytes, verdicts: exact
      else
        CHECK(std::stod(got[j]) == doctest::Approx(std::stod(exp[j])).epsilon(1e-12));
    }
  }
  const auto head = fields(ls[0]);
  auto col = [&](const char* name) {
    for (std::size_t i = 0; i < head.size(); ++i)
      if (head[i] == name) return i;
    FAIL("no column " << name);
    return std::size_t(0);
  };
  CHECK(head[0] == "bits");
  CHECK(head[1] == "block");
  CHECK(head[2] == "density");
  const std::size_t pass = col("pass"), lat = col("latency_s"), en = col("energy_j");
  std::size_t passing = 0;
  for (std::size_t i = 1; i < ls.size(); ++i) {
    const auto f = fields(ls[i]);
    REQUIRE(f.size() == head.size());
    CHECK((f[pass] == "0" || f[pass] == "1"));
    const bool within = std::stod(f[lat]) <= 0.5e-3 && std::stod(f[en]) <= 50e-6 && f[col("fits")] == "1";
    CHECK((f[pass] == "1") == within);
    passing += f[pass] == "1";
  }
  CHECK(passing == s.passing());
}

TEST_CASE("ember-cost dse: table, flags and value sets") {
  const auto t = run({});
  REQUIRE(t.rc == 0);
  CHECK(t.out.find("Rezk et al. (ModelFlex): 18 of 36 pass, 1 of 4 with quantization alone") != std::string::npos);
  CHECK(t.out.find("more compression never costs more (cycles, energy): yes") != std::string::npos);

  // value sets and model size: 2 x 1 x 2 points of an LSTM 16 -> 64
  const auto small = run({"--csv", "--in", "16", "--hidden", "64", "--bits", "8,4", "--block", "2", "--density", "1,0.5"});
  REQUIRE(small.rc == 0);
  const auto ls = lines(small.out);
  REQUIRE(ls.size() == 5);
  CHECK(ls[1].rfind("8,2,1,", 0) == 0);
  CHECK(ls[4].rfind("4,2,0.5,", 0) == 0);

  // generous limits: every fitting point passes; --no-fit lets the rest pass too
  const auto loose = run({"--csv", "--max-latency-ms", "1e9", "--max-energy-uj", "1e12"});
  const auto loose_nofit = run({"--csv", "--max-latency-ms", "1e9", "--max-energy-uj", "1e12", "--no-fit"});
  std::size_t fit = 0, pass = 0, pass_nofit = 0;
  for (const auto& l : lines(loose.out)) {
    const auto f = fields(l);
    if (f[0] == "bits") continue;
    fit += f[f.size() - 6] == "1";  // fits
    pass += f[f.size() - 2] == "1";
  }
  for (const auto& l : lines(loose_nofit.out)) pass_nofit += l.size() > 2 && l[l.size() - 3] == '1';
  CHECK(pass == fit);
  CHECK(fit < 36);
  CHECK(pass_nofit == 36);

  // the array: a slower clock scales every latency; other dataflows and mappings run
  const auto slow = run({"--csv", "--clock-mhz", "100"});
  const auto fast = run({"--csv"});
  const auto sl = lines(slow.out), fl = lines(fast.out);
  REQUIRE(sl.size() == fl.size());
  CHECK(std::stod(fields(sl[5])[7]) == doctest::Approx(2 * std::stod(fields(fl[5])[7])));
  for (const char* df : {"ws", "is"})
    for (const char* m : {"time", "frequency", "fastest"})
      CHECK(run({"--dataflow", df, "--circulant", m, "--rows", "16", "--cols", "64", "--sram-kib", "2048",
                 "--dram-bytes-per-cycle", "8", "--max-dram-gbs", "2", "--no-bitfusion", "--seq-len", "2"})
                .rc == 0);
  CHECK(run({"--help"}).rc == 0);
}

TEST_CASE("ember-cost dse: bad arguments are reported") {
  for (auto args : std::vector<std::vector<std::string>>{{"--bits", "16,x"},
                                                          {"--bits", "0"},
                                                          {"--bits", "8,"},
                                                          {"--block", "3"},
                                                          {"--block", "128"},
                                                          {"--density", "1.5"},
                                                          {"--dataflow", "xs"},
                                                          {"--circulant", "fft"},
                                                          {"--in", "0"},
                                                          {"--clock-mhz", "-1"},
                                                          {"--max-latency-ms"},
                                                          {"--frobnicate", "1"}}) {
    const auto r = run(args);
    CHECK(r.rc == 2);
    CHECK(r.err.find("ember-cost dse: ") == 0);
    CHECK(r.err.find("usage: ember-cost dse") != std::string::npos);
  }
}
