// `ember-cost pe-array [--pes N] [--block RxC] [--bits B] [--act-bits A] [--sram-kib S]
// [--clock-mhz F] [--layer RxC] [--blocks K] [--layers L] [--vectors V] [--csv]`.
#include "cmd_pe_array.hpp"
#include "command.hpp"

#include <charconv>
#include <iomanip>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ember/cost/nets/block_diagonal_fc.hpp"
#include "ember/cost/pe_array_cost.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ember-cost pe-array [--pes N] [--block RxC] [--bits B] [--act-bits A] [--sram-kib S]\n"
    "                           [--clock-mhz F] [--layer RxC] [--blocks K] [--layers L]\n"
    "                           [--vectors V] [--csv]\n"
    "  Spatial PE array (Naous et al., UC Berkeley): N PEs (default 10), each an RxC weight\n"
    "  block (400x400) of B-bit weights (4) and A-bit activations (B), S KiB of weight SRAM in\n"
    "  total (1024 = 8 Mb), F MHz (1000). Workload: L (1..8) layers of RxC weights (4000x4000)\n"
    "  in K diagonal blocks (10), block_diagonal<K>, each on V input vectors (1). The defaults\n"
    "  are the paper's design point and print a comparison with its figures. --csv: per layer.\n"
    "  See docs/cost_model.md, \"PE array (Berkeley edge-inference design)\".\n";

template <class T>
bool parse_number(std::string_view s, T& v) {
  const auto* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc{} && p == end;
}

bool parse_shape(std::string_view s, std::size_t& r, std::size_t& c) {
  const auto x = s.find('x');
  return x != std::string_view::npos && parse_number(s.substr(0, x), r) && parse_number(s.substr(x + 1), c) && r > 0 &&
         c > 0;
}

struct options {
  ember::hw::pe_array_config hw{};
  std::size_t rows = 4000, cols = 4000, blocks = 10, layers = 1, vectors = 1;
  bool csv = false, help = false;
  options() { hw.sram_bytes = 1024 * 1024; }
  bool design_point() const {
    return hw.pes == 10 && hw.block_rows == 400 && hw.block_cols == 400 && hw.weight_bits == 4 && hw.act_bits == 4 &&
           hw.sram_bytes == 1024 * 1024 && hw.clock_hz == 1e9 && rows == 4000 && cols == 4000 && blocks == 10 &&
           layers == 1 && vectors == 1;
  }
};

std::string parse(int argc, char** argv, options& o) {
  bool act_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      continue;
    }
    if (a == "--csv") {
      o.csv = true;
      continue;
    }
    if (i + 1 >= argc) return "option " + std::string(a) + " needs a value";
    const std::string_view v = argv[++i];
    bool ok = true;
    std::size_t kib = 0;
    double mhz = 0;
    if (a == "--pes") {
      ok = parse_number(v, o.hw.pes) && o.hw.pes >= 1 && o.hw.pes <= ember::hw::pe_array_max_pes;
    } else if (a == "--block") {
      ok = parse_shape(v, o.hw.block_rows, o.hw.block_cols);
    } else if (a == "--bits") {
      ok = parse_number(v, o.hw.weight_bits) && o.hw.weight_bits >= 1 && o.hw.weight_bits <= 32;
    } else if (a == "--act-bits") {
      ok = parse_number(v, o.hw.act_bits) && o.hw.act_bits >= 1 && o.hw.act_bits <= 32;
      act_given = true;
    } else if (a == "--sram-kib") {
      ok = parse_number(v, kib) && kib > 0;
      o.hw.sram_bytes = kib * 1024;
    } else if (a == "--clock-mhz") {
      ok = parse_number(v, mhz) && mhz > 0;
      o.hw.clock_hz = mhz * 1e6;
    } else if (a == "--layer") {
      ok = parse_shape(v, o.rows, o.cols);
    } else if (a == "--blocks") {
      ok = parse_number(v, o.blocks) && o.blocks >= 1;
    } else if (a == "--layers") {
      ok = parse_number(v, o.layers) && o.layers >= 1 && o.layers <= 8;
    } else if (a == "--vectors") {
      ok = parse_number(v, o.vectors) && o.vectors >= 1;
    } else {
      return "unknown option " + std::string(a);
    }
    if (!ok) return "bad value '" + std::string(v) + "' for " + std::string(a);
  }
  if (!act_given) o.hw.act_bits = o.hw.weight_bits;
  if (o.help) return {};
  if (o.blocks > o.rows || o.blocks > o.cols) return "--blocks must not exceed the layer's rows or columns";
  if (o.hw.blocks_per_pe() < 1) return "--sram-kib / --pes leaves less than one weight block per PE";
  return {};
}

void compare(const ember::cost::pe_array_report<1>& r, std::ostream& out) {
  const auto flags = out.flags();
  out << std::fixed << std::setprecision(1)
      << "\ncomparison with Naous et al. (10 PEs, 400x400 4-bit blocks, 8 Mb SRAM, 1 GHz; 45 nm table here):\n"
      << "  quantity                      ember                  paper\n"
      << "  cycles per 400x400 layer      " << std::setw(4) << r.total.steady_cycles << " (+" << r.total.fill_cycles
      << " pipeline fill)      400\n"
      << "  peak TOPS (2 ops per MAC)     " << std::setw(4) << r.peak_ops_per_s() * 1e-12
      << "                   ~16 (20 INT4 peak quoted)\n"
      << "  achieved TOPS                 " << std::setw(4) << r.ops_per_s() * 1e-12 << "\n"
      << "  weight memory share of energy " << std::setw(4) << r.memory_share() * 100 << " %                 > 50 %\n"
      << "  compute share                 " << std::setw(4) << r.compute_share() * 100 << " %                 ~25 %\n"
      << "  power                         " << std::setw(4) << r.power_w() << " W (45 nm)          0.44 W\n"
      << "  (docs/cost_model.md, \"PE array\", explains the differences)\n";
  out.flags(flags);
}

template <std::size_t N>
int run(const options& o, std::ostream& out) {
  constexpr const char* names[] = {"fc1", "fc2", "fc3", "fc4", "fc5", "fc6", "fc7", "fc8"};
  ember::cost::model_workload<N> w{};
  for (std::size_t i = 0; i < N; ++i)
    w[i] = ember::cost::nets::block_diagonal_fc_layer(names[i], o.rows, o.cols, o.blocks, o.hw.weight_bits, o.vectors);
  const auto r = ember::cost::estimate_pe_array(w, o.hw);
  if (o.csv) {
    out << r.csv();
    return 0;
  }
  out << r;
  if constexpr (N == 1)
    if (o.design_point()) compare(r, out);
  return 0;
}

template <std::size_t... Ns>
int dispatch(const options& o, std::ostream& out, std::index_sequence<Ns...>) {
  int rc = 2;
  (void)((o.layers == Ns + 1 ? (rc = run<Ns + 1>(o, out), true) : false) || ...);
  return rc;
}

}  // namespace

int cmd_pe_array(int argc, char** argv, std::ostream& out, std::ostream& err) {
  options o;
  if (const auto e = parse(argc, argv, o); !e.empty()) {
    err << "ember-cost pe-array: " << e << '\n' << usage;
    return 2;
  }
  if (o.help) {
    out << usage;
    return 0;
  }
  return dispatch(o, out, std::make_index_sequence<8>{});
}

namespace {
int run_pe_array(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> owned{"pe-array"};
  for (auto a : args) owned.emplace_back(a);
  std::vector<char*> argv;
  for (auto& s : owned) argv.push_back(s.data());
  return cmd_pe_array(static_cast<int>(argv.size()), argv.data(), out, err);
}
}  // namespace

EMBER_COST_COMMAND(pe_array, "pe-array",
                   "spatial PE array (Naous et al.): block-diagonal layers, cycles, TOPS, energy split",
                   run_pe_array);
