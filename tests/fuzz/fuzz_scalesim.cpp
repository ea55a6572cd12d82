// libFuzzer target for ember-cost's file parsers: the first byte picks config or topology
// (and the topology format); a parsed file is then run through the SCALE-Sim compute model,
// so UBSan also watches the cycle arithmetic on extreme shapes. Only parse_error may escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ember/cost/scalesim.hpp"
#include "ember/cost/scalesim_io.hpp"

namespace ss = ember::cost::scalesim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (data[0] & 1) {
      const ss::config c = ss::parse_config(text);
      (void)c.systolic();
      const auto r = ss::compute_report(c.df, c.array_height, c.array_width, 1000, 1000, 1000);
      if (r.total_cycles == 0) std::abort();
    } else {
      const auto fmt = static_cast<ss::topology_format>((data[0] >> 1) % 3);
      const auto layers = ss::parse_topology(text, fmt);
      if (layers.empty()) std::abort();  // parse_topology promises at least one layer
      for (const auto df : {ember::hw::dataflow::os, ember::hw::dataflow::ws, ember::hw::dataflow::is})
        for (const auto& l : layers) {
          // Every shape through the fold arithmetic; the fold-by-fold report only where
          // it is short (up to 2^24 folds it loops, which would only slow the fuzzer).
          const std::uint64_t rows = 1 + (data[0] >> 4), cols = 65536;
          const auto p = ember::hw::plan_gemm(df, rows, cols, l.M(), l.N(), l.K());
          if (p.cycles() == 0) std::abort();
          if (p.folds() <= 4096 && ss::compute_report(df, rows, cols, l.M(), l.N(), l.K()).total_cycles != p.cycles())
            std::abort();
        }
    }
  } catch (const ss::parse_error&) {
  }
  return 0;
}
