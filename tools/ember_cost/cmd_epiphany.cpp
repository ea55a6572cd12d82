// `ember-cost epiphany --net alexnet|googlenet --bits B --core-kib K [--max-cores N]
// [--clock-mhz F] [--reserve-kib R] [--load owned|rate] [--csv [--per-layer]]`.
#include "cmd_epiphany.hpp"
#include "command.hpp"

#include <charconv>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "ember/cost/epiphany_mapper.hpp"
#include "ember/cost/nets/alexnet.hpp"
#include "ember/cost/nets/googlenet.hpp"

namespace {

constexpr std::string_view usage =
    "usage: ember-cost epiphany --net alexnet|googlenet --bits B --core-kib K\n"
    "                           [--max-cores N] [--clock-mhz F] [--reserve-kib R]\n"
    "                           [--load owned|rate] [--csv [--per-layer]]\n"
    "  Streaming-tiles mapping (Rezk et al.) of the net's conv stack onto an Epiphany chip of\n"
    "  N cores (default 1024) with K KiB per core (R KiB reserved for code and row buffers,\n"
    "  default 16) at F MHz (default 1000), with B-bit weights (1..32). Prints per-layer\n"
    "  X/Y/rate/cores/time; --csv prints one summary row (net,bits,core_kib,cores,fps,...),\n"
    "  --csv --per-layer the per-layer table as CSV. See docs/cost_model.md.\n";

template <class T>
bool parse_number(std::string_view s, T& v) {
  const auto* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc{} && p == end;
}

struct options {
  std::string_view net;
  unsigned bits = 0;
  std::size_t core_kib = 0, max_cores = 1024, reserve_kib = 16;
  double clock_mhz = 1000;
  ember::cost::streaming_load load = ember::cost::streaming_load::per_owned_row;
  bool csv = false, per_layer = false, help = false;
};

// Returns an error message, empty on success.
std::string parse(int argc, char** argv, options& o) {
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
    if (a == "--per-layer") {
      o.per_layer = true;
      continue;
    }
    if (i + 1 >= argc) return "option " + std::string(a) + " needs a value";
    const std::string_view v = argv[++i];
    bool ok = true;
    if (a == "--net") {
      o.net = v;
    } else if (a == "--bits") {
      ok = parse_number(v, o.bits) && o.bits >= 1 && o.bits <= 32;
    } else if (a == "--core-kib") {
      ok = parse_number(v, o.core_kib) && o.core_kib > 0;
    } else if (a == "--max-cores") {
      ok = parse_number(v, o.max_cores) && o.max_cores > 0;
    } else if (a == "--reserve-kib") {
      ok = parse_number(v, o.reserve_kib);
    } else if (a == "--clock-mhz") {
      ok = parse_number(v, o.clock_mhz) && o.clock_mhz > 0;
    } else if (a == "--load") {
      ok = v == "owned" || v == "rate";
      o.load = v == "rate" ? ember::cost::streaming_load::per_rate_rows
                           : ember::cost::streaming_load::per_owned_row;
    } else {
      return "unknown option " + std::string(a);
    }
    if (!ok) return "bad value '" + std::string(v) + "' for " + std::string(a);
  }
  if (o.help) return {};
  if (o.net != "alexnet" && o.net != "googlenet") return "--net must be alexnet or googlenet";
  if (o.bits == 0) return "--bits is required (1..32)";
  if (o.core_kib == 0) return "--core-kib is required";
  if (o.core_kib <= o.reserve_kib)
    return "--core-kib must exceed --reserve-kib (" + std::to_string(o.reserve_kib) + ")";
  return {};
}

template <std::size_t N>
void print(const ember::cost::epiphany_report<N>& r, const options& o, std::ostream& out) {
  if (!o.csv)
    out << r;
  else if (o.per_layer)
    out << r.csv();
  else
    out << r.summary_csv_header() << '\n' << r.summary_csv_row(o.net) << '\n';
}

}  // namespace

int cmd_epiphany(int argc, char** argv, std::ostream& out, std::ostream& err) {
  options o;
  if (const auto e = parse(argc, argv, o); !e.empty()) {
    err << "ember-cost epiphany: " << e << '\n' << usage;
    return 2;
  }
  if (o.help) {
    out << usage;
    return 0;
  }
  namespace cost = ember::cost;
  const auto hw = ember::hw::make_epiphany_params(o.max_cores, o.core_kib, o.clock_mhz * 1e6,
                                                  o.reserve_kib);
  const cost::streaming_options so{o.load, 0};
  if (o.net == "alexnet")
    print(cost::map_streaming_tiles(cost::nets::alexnet_conv_workload(o.bits), hw, so), o, out);
  else
    print(cost::map_streaming_tiles(cost::nets::googlenet_conv_workload(o.bits), hw, so), o, out);
  return 0;
}

int cmd_epiphany(int argc, char** argv) { return cmd_epiphany(argc, argv, std::cout, std::cerr); }

// `ember-cost epiphany ...`: adapt the subcommand table's arguments to the argv form.
namespace {
int run_epiphany(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> owned{"epiphany"};
  for (auto a : args) owned.emplace_back(a);
  std::vector<char*> argv;
  for (auto& s : owned) argv.push_back(s.data());
  return cmd_epiphany(static_cast<int>(argv.size()), argv.data(), out, err);
}
}  // namespace

EMBER_COST_COMMAND(epiphany, "epiphany",
                   "Epiphany streaming-tiles mapping (--net alexnet|googlenet --bits B --core-kib 32|64 [--csv])",
                   run_epiphany);
