// A Google Benchmark console reporter that also keeps each benchmark's median counters,
// so a binary can print its markdown ratio table (ember vs peer) after the usual output.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace ember_bench {

/// Derive and implement table(out). Repeated runs contribute their median aggregate, a
/// single run its only value; names() keeps the order in which benchmarks first reported.
class median_table : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal: a reporter passed in ignores --benchmark_color.
  median_table() : ConsoleReporter(isatty(fileno(stdout)) ? OO_Defaults : OO_None) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      const bool use = r.run_type == Run::RT_Iteration ? !r.repetitions || r.repetitions == 1
                                                       : r.aggregate_name == "median";
      if (!use || r.counters.find("items_per_second") == r.counters.end()) continue;
      const std::string name = r.run_name.function_name;
      if (!values_.count(name)) names_.push_back(name);
      auto& v = values_[name];
      for (const auto& [key, counter] : r.counters) v[key] = counter.value;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    table(GetOutputStream());
  }

 protected:
  virtual void table(std::ostream& out) const = 0;

  const std::vector<std::string>& names() const noexcept { return names_; }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  /// The median of a counter (items_per_second unless named); 0 when it was not reported.
  double value(const std::string& name, const std::string& counter = "items_per_second") const {
    const auto it = values_.find(name);
    if (it == values_.end()) return 0.0;
    const auto c = it->second.find(counter);
    return c == it->second.end() ? 0.0 : c->second;
  }
  /// value(name) / value(peer), 0 when the peer did not run (e.g. filtered out).
  double ratio(const std::string& name, const std::string& peer) const {
    const double p = value(peer);
    return p == 0.0 ? 0.0 : value(name) / p;
  }

 private:
  std::vector<std::string> names_;
  std::map<std::string, std::map<std::string, double>> values_;
};

}  // namespace ember_bench
