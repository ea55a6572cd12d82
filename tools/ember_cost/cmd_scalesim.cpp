// `ember-cost scalesim -c CONFIG.cfg -t TOPOLOGY.csv`: SCALE-Sim v2's compute report
// (COMPUTE_REPORT.csv columns) from ember's fold model, on stdout, in milliseconds.
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

#include "command.hpp"
#include "ember/cost/scalesim.hpp"
#include "ember/cost/scalesim_io.hpp"

namespace {
using namespace ember::cost;

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot open ") + what + " file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr std::string_view help =
    "usage: ember-cost scalesim -c CONFIG.cfg -t TOPOLOGY.csv [-i gemm|conv]\n"
    "  Writes SCALE-Sim v2's COMPUTE_REPORT.csv (LayerID, Total Cycles, Stall Cycles,\n"
    "  Overall Util %, Mapping Efficiency %, Compute Util %) to stdout.\n"
    "  -c  SCALE-Sim config ([architecture_presets] ArrayHeight, ArrayWidth,\n"
    "      IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB, Dataflow)\n"
    "  -t  topology: GEMM rows 'Layer, M, N, K' or conv rows 'Layer name, IFMAP Height,\n"
    "      IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides'\n"
    "  -i  topology kind (default: from the number of fields)\n"
    "  Stall Cycles is 0: the compute model of SCALE-Sim with SRAMs that do not stall.\n";

int run(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  std::string cfg_path, topo_path;
  scalesim::topology_format fmt = scalesim::topology_format::automatic;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "-h" || a == "--help") {
      out << help;
      return 0;
    }
    if ((a == "-c" || a == "-t" || a == "-i") && i + 1 < args.size()) {
      const std::string_view v = args[++i];
      if (a == "-c") cfg_path = std::string(v);
      else if (a == "-t") topo_path = std::string(v);
      else if (v == "gemm") fmt = scalesim::topology_format::gemm;
      else if (v == "conv") fmt = scalesim::topology_format::conv;
      else {
        err << "ember-cost scalesim: -i takes gemm or conv, got '" << v << "'\n";
        return 2;
      }
      continue;
    }
    err << "ember-cost scalesim: unexpected argument '" << a << "'\n" << help;
    return 2;
  }
  if (cfg_path.empty() || topo_path.empty()) {
    err << "ember-cost scalesim: -c CONFIG and -t TOPOLOGY are required\n" << help;
    return 2;
  }
  const scalesim::config cfg = scalesim::parse_config(read_file(cfg_path, "config"));
  const auto layers = scalesim::parse_topology(read_file(topo_path, "topology"), fmt);

  std::string text = "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n";
  text.reserve(64 * (layers.size() + 1));
  for (std::size_t id = 0; id < layers.size(); ++id) {
    const auto& l = layers[id];
    const auto r = scalesim::compute_report(cfg.df, cfg.array_height, cfg.array_width, l.M(), l.N(), l.K());
    text += std::to_string(id) + ", " + std::to_string(r.total_cycles) + ", " + std::to_string(r.stall_cycles) +
            ", " + scalesim::python_float(r.overall_util_pct) + ", " + scalesim::python_float(r.mapping_eff_pct) +
            ", " + scalesim::python_float(r.compute_util_pct) + ",\n";
  }
  out << text;
  return 0;
}
}  // namespace

EMBER_COST_COMMAND(scalesim, "scalesim", "SCALE-Sim v2 compute report (-c CONFIG.cfg -t TOPOLOGY.csv) to stdout", run);
