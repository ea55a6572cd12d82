// `ember-cost dse [options] [--csv]`: the ModelFlex sweep (Rezk et al.) by default, every
// setting a flag. See usage below and docs/cost_model.md, "Design-space exploration".
#include "cmd_dse.hpp"
#include "command.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "ember/cost/modelflex.hpp"
#include "ember/cost/sweep_report.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ember-cost dse [--in N] [--hidden H] [--seq-len T]\n"
    "                      [--rows R] [--cols C] [--dataflow os|ws|is] [--sram-kib K] [--clock-mhz F]\n"
    "                      [--no-bitfusion] [--circulant time|frequency|fastest] [--dram-bytes-per-cycle B]\n"
    "                      [--max-latency-ms L] [--max-energy-uj E] [--max-dram-gbs G] [--no-fit]\n"
    "                      [--bits 16,8,4,2] [--block 1,2,4] [--density 1,0.6,0.2] [--csv]\n"
    "  Sweeps an LSTM In -> H (default 32 -> 1024, T = 1 step per inference) over bits X (weights and\n"
    "  activations), block-circulant block Y and delta density Z on an R x C systolic array (default\n"
    "  32 x 32, output stationary, BitFusion PEs, one K KiB SRAM = 4096, F MHz = 200, circulant blocks\n"
    "  expanded in the array = time) and keeps the points within L ms (0.5), E uJ (50), G GB/s of DRAM\n"
    "  (no limit) that fit on chip: the ModelFlex setup of Rezk et al. List each axis from its baseline\n"
    "  to its most compressed value. --csv: one row per point (bits,block,density,...,pass,pareto).\n";

template <class T>
bool parse_number(std::string_view s, T& v) {
  const auto* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc{} && p == end;
}

bool parse_list(std::string_view s, std::vector<double>& out) {
  out.clear();
  while (!s.empty()) {
    const auto comma = s.find(',');
    double v = 0;
    if (!parse_number(s.substr(0, comma), v) || !std::isfinite(v)) return false;
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
    if (s.empty()) return false;  // trailing comma
  }
  return !out.empty();
}

struct options {
  std::size_t in = 32, hidden = 1024, seq_len = ember::cost::modelflex::seq_len;
  ember::hw::systolic_config hw = ember::hw::systolic_config{};
  std::uint64_t sram_kib = 4096;
  double clock_mhz = 200, max_latency_ms = 0.5, max_energy_uj = 50;
  double max_dram_gbs = std::numeric_limits<double>::infinity();
  bool fit = true, csv = false, help = false;
  std::vector<double> bits{16, 8, 4, 2}, block{1, 2, 4}, density{1.0, 0.6, 0.2};
};

bool all_of(const std::vector<double>& v, bool (*ok)(double)) {
  for (double x : v)
    if (!ok(x)) return false;
  return true;
}

// Returns an error message, empty on success.
std::string parse(int argc, char** argv, options& o) {
  o.hw = ember::cost::modelflex::hardware::config;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") { o.help = true; continue; }
    if (a == "--csv") { o.csv = true; continue; }
    if (a == "--no-bitfusion") { o.hw.bitfusion = false; continue; }
    if (a == "--no-fit") { o.fit = false; continue; }
    if (i + 1 >= argc) return "option " + std::string(a) + " needs a value";
    const std::string_view v = argv[++i];
    bool ok = true;
    if (a == "--in") ok = parse_number(v, o.in) && o.in > 0;
    else if (a == "--hidden") ok = parse_number(v, o.hidden) && o.hidden > 0;
    else if (a == "--seq-len") ok = parse_number(v, o.seq_len) && o.seq_len > 0;
    else if (a == "--rows") ok = parse_number(v, o.hw.rows) && o.hw.rows > 0;
    else if (a == "--cols") ok = parse_number(v, o.hw.cols) && o.hw.cols > 0;
    else if (a == "--sram-kib") ok = parse_number(v, o.sram_kib) && o.sram_kib > 0;
    else if (a == "--clock-mhz") ok = parse_number(v, o.clock_mhz) && o.clock_mhz > 0;
    else if (a == "--dram-bytes-per-cycle") ok = parse_number(v, o.hw.dram_bytes_per_cycle) && o.hw.dram_bytes_per_cycle >= 0;
    else if (a == "--max-latency-ms") ok = parse_number(v, o.max_latency_ms) && o.max_latency_ms >= 0;
    else if (a == "--max-energy-uj") ok = parse_number(v, o.max_energy_uj) && o.max_energy_uj >= 0;
    else if (a == "--max-dram-gbs") ok = parse_number(v, o.max_dram_gbs) && o.max_dram_gbs >= 0;
    else if (a == "--dataflow") {
      using ember::hw::dataflow;
      ok = v == "os" || v == "ws" || v == "is";
      o.hw.df = v == "ws" ? dataflow::ws : v == "is" ? dataflow::is : dataflow::os;
    } else if (a == "--circulant") {
      using ember::cost::circulant_mapping;
      ok = v == "time" || v == "frequency" || v == "fastest";
      o.hw.circulant = v == "frequency" ? circulant_mapping::frequency
                       : v == "fastest" ? circulant_mapping::fastest
                                        : circulant_mapping::time_domain;
    } else if (a == "--bits") {
      ok = parse_list(v, o.bits) && all_of(o.bits, [](double x) { return x >= 1 && x <= 32 && x == std::floor(x); });
    } else if (a == "--block") {
      ok = parse_list(v, o.block) && all_of(o.block, [](double x) {
             return x >= 1 && x <= 64 && x == std::floor(x) && (unsigned(x) & (unsigned(x) - 1)) == 0;
           });
    } else if (a == "--density") {
      ok = parse_list(v, o.density) && all_of(o.density, [](double x) { return x >= 0 && x <= 1; });
    } else {
      return "unknown option " + std::string(a);
    }
    if (!ok) return "bad value '" + std::string(v) + "' for " + std::string(a);
  }
  o.hw.unified_sram = o.sram_kib * 1024;
  o.hw.clock_hz = o.clock_mhz * 1e6;
  return {};
}

template <class R>
void summary(const R& r, const options& o, std::ostream& out) {
  namespace mf = ember::cost::modelflex;
  if (o.in == 32 && o.hidden == 1024 && r.size() == mf::paper_points)
    out << "Rezk et al. (ModelFlex): " << mf::paper_passing << " of " << mf::paper_points << " pass, "
        << mf::paper_quant_only_passing << " of " << mf::paper_quant_only_points << " with quantization alone\n";
  const char* what[] = {"quantization", "circulant", "delta"};
  for (std::size_t a = 0; a < 3; ++a)
    out << what[a] << " alone: " << r.passing_alone(a) << " of " << r.count_alone(a) << (a < 2 ? "; " : "\n");
  const std::size_t v = r.rank_violations();
  out << "more compression never costs more (cycles, energy): " << (v == 0 ? "yes" : "no") << " (" << v
      << " violating step" << (v == 1 ? "" : "s") << ")\n";
}

}  // namespace

int cmd_dse(int argc, char** argv, std::ostream& out, std::ostream& err) {
  options o;
  if (const auto e = parse(argc, argv, o); !e.empty()) {
    err << "ember-cost dse: " << e << '\n' << usage;
    return 2;
  }
  if (o.help) {
    out << usage;
    return 0;
  }
  namespace cost = ember::cost;
  const cost::constraints lim{o.max_latency_ms * 1e-3, o.max_energy_uj * 1e-6, o.max_dram_gbs * 1e9, o.fit};
  const auto workload = [&](const std::array<double, 3>& v) {
    return cost::modelflex::lstm_workload(o.in, o.hidden, unsigned(v[0]), std::size_t(v[1]), v[2], o.seq_len);
  };
  const auto r = cost::sweep_grid<cost::horowitz_45nm, 3>({"bits", "block", "density"}, {o.bits, o.block, o.density},
                                                          workload, o.hw, lim);
  if (o.csv) {
    out << cost::csv(r);
    return 0;
  }
  out << "LSTM " << o.in << " -> " << o.hidden << ", " << o.seq_len << " step" << (o.seq_len == 1 ? "" : "s")
      << " per inference; " << o.hw.rows << 'x' << o.hw.cols << ' ' << ember::hw::to_string(o.hw.df)
      << (o.hw.bitfusion ? " BitFusion" : "") << " array, " << o.sram_kib << " KiB SRAM, " << o.clock_mhz
      << " MHz, circulant " << cost::to_string(o.hw.circulant) << "; limits " << o.max_latency_ms << " ms, "
      << o.max_energy_uj << " uJ\n"
      << r;
  summary(r, o, out);
  return 0;
}

namespace {
int run_dse(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> owned{"dse"};
  for (auto a : args) owned.emplace_back(a);
  std::vector<char*> argv;
  for (auto& s : owned) argv.push_back(s.data());
  return cmd_dse(static_cast<int>(argv.size()), argv.data(), out, err);
}
}  // namespace

EMBER_COST_COMMAND(dse, "dse",
                   "ModelFlex design-space sweep: LSTM bits x circulant block x delta density (--csv)", run_dse);
