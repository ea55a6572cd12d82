// Readers for SCALE-Sim v2's config (.cfg, INI) and topology (.csv, GEMM or conv) files.
// Malformed input throws scalesim::parse_error naming the file kind, line and rule.
#pragma once

#include <cctype>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ember/cost/hw/systolic.hpp"
#include "ember/cost/scalesim.hpp"

namespace ember::cost::scalesim {

/// Thrown for any malformed config or topology; what() reads "<what> line N: <reason>".
struct parse_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The parts of a SCALE-Sim config this model uses ([architecture_presets]).
struct config {
  std::string run_name;
  std::uint64_t array_height = 0, array_width = 0;
  std::uint64_t ifmap_sram_kb = 0, filter_sram_kb = 0, ofmap_sram_kb = 0;
  hw::dataflow df = hw::dataflow::os;

  hw::systolic_config systolic() const noexcept {
    hw::systolic_config c{};
    c.rows = array_height;
    c.cols = array_width;
    c.df = df;
    c.ifmap_sram = ifmap_sram_kb * 1024;
    c.filter_sram = filter_sram_kb * 1024;
    c.ofmap_sram = ofmap_sram_kb * 1024;
    return c;
  }
};

enum class topology_format { automatic, gemm, conv };

/// Limits that keep every product the model forms inside 64 bits' range of meaning.
inline constexpr std::uint64_t max_array_dim = 1u << 16;
inline constexpr std::uint64_t max_layer_dim = 1u << 30;
inline constexpr std::uint64_t max_sram_kb = std::uint64_t(1) << 32;

namespace detail {
inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}
[[noreturn]] inline void fail(std::string_view what, std::size_t line, const std::string& why) {
  throw parse_error(std::string(what) + " line " + std::to_string(line) + ": " + why);
}
/// A plain decimal integer in [lo, hi] (no sign, no spaces inside, no trailing text).
inline std::uint64_t to_uint(std::string_view what, std::size_t line, std::string_view field, std::string_view text,
                             std::uint64_t lo, std::uint64_t hi) {
  const std::string_view t = trim(text);
  std::uint64_t v = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || r.ec == std::errc::invalid_argument || r.ptr != t.data() + t.size())
    fail(what, line, std::string(field) + " must be a non-negative integer, got '" + std::string(t) + "'");
  if (r.ec == std::errc::result_out_of_range || v < lo || v > hi)
    fail(what, line, std::string(field) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                         ", got '" + std::string(t) + "'");
  return v;
}
inline std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}
}  // namespace detail

/// Parses a SCALE-Sim config (Python configparser syntax: [sections], `key = value` or
/// `key : value`, case-insensitive keys, whole-line # or ; comments). Requires
/// ArrayHeight, ArrayWidth, IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB and Dataflow
/// (os / ws / is) in [architecture_presets]; other keys and sections are ignored.
inline config parse_config(std::string_view text) {
  using namespace detail;
  constexpr std::string_view what = "config";
  config c{};
  std::string section;
  struct seen_key { std::string section, key; };
  std::vector<seen_key> seen;
  bool have[6] = {};
  const auto lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t ln = i + 1;
    const std::string_view raw = lines[i];
    const std::string_view s = trim(raw);
    if (s.empty() || s.front() == '#' || s.front() == ';') continue;
    if (s.find('\0') != std::string_view::npos) fail(what, ln, "contains a NUL byte");
    if (s.front() == '[') {
      if (s.back() != ']' || s.size() < 3) fail(what, ln, "malformed section header '" + std::string(s) + "'");
      section = lower(trim(s.substr(1, s.size() - 2)));
      continue;
    }
    const auto sep = s.find_first_of("=:");
    if (sep == std::string_view::npos || sep == 0) fail(what, ln, "expected 'key = value' or 'key : value'");
    if (section.empty()) fail(what, ln, "key before the first [section] header");
    const std::string key = lower(trim(s.substr(0, sep)));
    const std::string_view value = trim(s.substr(sep + 1));
    for (const auto& k : seen)
      if (k.section == section && k.key == key) fail(what, ln, "duplicate key '" + key + "' in [" + section + "]");
    seen.push_back({section, key});
    if (section == "general" && key == "run_name") c.run_name = std::string(value);
    if (section != "architecture_presets") continue;
    if (key == "arrayheight") { c.array_height = to_uint(what, ln, "ArrayHeight", value, 1, max_array_dim); have[0] = true; }
    else if (key == "arraywidth") { c.array_width = to_uint(what, ln, "ArrayWidth", value, 1, max_array_dim); have[1] = true; }
    else if (key == "ifmapsramszkb") { c.ifmap_sram_kb = to_uint(what, ln, "IfmapSramSzkB", value, 1, max_sram_kb); have[2] = true; }
    else if (key == "filtersramszkb") { c.filter_sram_kb = to_uint(what, ln, "FilterSramSzkB", value, 1, max_sram_kb); have[3] = true; }
    else if (key == "ofmapsramszkb") { c.ofmap_sram_kb = to_uint(what, ln, "OfmapSramSzkB", value, 1, max_sram_kb); have[4] = true; }
    else if (key == "dataflow") {
      const std::string v = lower(value);
      if (v == "os") c.df = hw::dataflow::os;
      else if (v == "ws") c.df = hw::dataflow::ws;
      else if (v == "is") c.df = hw::dataflow::is;
      else fail(what, ln, "Dataflow must be os, ws or is, got '" + std::string(value) + "'");
      have[5] = true;
    }
  }
  constexpr const char* names[6] = {"ArrayHeight", "ArrayWidth", "IfmapSramSzkB", "FilterSramSzkB", "OfmapSramSzkB", "Dataflow"};
  for (int k = 0; k < 6; ++k)
    if (!have[k]) throw parse_error(std::string("config: missing ") + names[k] + " in [architecture_presets]");
  return c;
}

/// Parses a SCALE-Sim topology. The first line is a header; blank lines are skipped;
/// fields are comma-separated with an optional trailing comma (SCALE-Sim writes one).
///   GEMM (4 fields): Layer, M, N, K
///   conv (8 or 9):   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width,
///                    Channels, Num Filter, Strides [, Stride width]
/// `automatic` picks the format from the first data row's field count. As in SCALE-Sim,
/// a conv layer whose name contains "DP" is depthwise: one layer per channel
/// ("<name>Channel_<i>", 1 channel each).
inline std::vector<layer> parse_topology(std::string_view text, topology_format fmt = topology_format::automatic) {
  using namespace detail;
  constexpr std::string_view what = "topology";
  std::vector<layer> out;
  const auto lines = split_lines(text);
  bool header = true;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t ln = i + 1;
    const std::string_view s = trim(lines[i]);
    if (header) {  // SCALE-Sim skips the first line whatever it holds
      header = false;
      continue;
    }
    if (s.empty()) continue;
    std::vector<std::string_view> f;
    std::size_t start = 0;
    while (true) {
      const auto comma = s.find(',', start);
      f.push_back(trim(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (f.size() > 1 && f.back().empty()) f.pop_back();
    if (fmt == topology_format::automatic) {
      if (f.size() == 4) fmt = topology_format::gemm;
      else if (f.size() == 8 || f.size() == 9) fmt = topology_format::conv;
      else fail(what, ln, "expected 4 fields (Layer, M, N, K) or 8-9 fields (conv layer), got " + std::to_string(f.size()));
    }
    if (f[0].empty()) fail(what, ln, "empty layer name");
    if (fmt == topology_format::gemm) {
      if (f.size() != 4) fail(what, ln, "a GEMM row has 4 fields (Layer, M, N, K), got " + std::to_string(f.size()));
      const auto M = to_uint(what, ln, "M", f[1], 1, max_layer_dim);
      const auto N = to_uint(what, ln, "N", f[2], 1, max_layer_dim);
      const auto K = to_uint(what, ln, "K", f[3], 1, max_layer_dim);
      out.push_back(layer::from_gemm(std::string(f[0]), M, N, K));
      continue;
    }
    if (f.size() != 8 && f.size() != 9)
      fail(what, ln, "a conv row has 8 or 9 fields (Layer name, IFMAP Height, IFMAP Width, Filter Height, "
                     "Filter Width, Channels, Num Filter, Strides[, Stride width]), got " + std::to_string(f.size()));
    layer l;
    l.name = std::string(f[0]);
    l.ifmap_h = to_uint(what, ln, "IFMAP Height", f[1], 1, max_layer_dim);
    l.ifmap_w = to_uint(what, ln, "IFMAP Width", f[2], 1, max_layer_dim);
    l.filter_h = to_uint(what, ln, "Filter Height", f[3], 1, max_layer_dim);
    l.filter_w = to_uint(what, ln, "Filter Width", f[4], 1, max_layer_dim);
    l.channels = to_uint(what, ln, "Channels", f[5], 1, max_layer_dim);
    l.num_filter = to_uint(what, ln, "Num Filter", f[6], 1, max_layer_dim);
    l.stride_h = to_uint(what, ln, "Strides", f[7], 1, max_layer_dim);
    l.stride_w = f.size() == 9 ? to_uint(what, ln, "Stride width", f[8], 1, max_layer_dim) : l.stride_h;
    if (l.filter_h > l.ifmap_h) fail(what, ln, "Filter Height is larger than IFMAP Height");
    if (l.filter_w > l.ifmap_w) fail(what, ln, "Filter Width is larger than IFMAP Width");
    if (l.name.find("DP") != std::string::npos) {
      const std::uint64_t ch = l.channels;
      if (ch > 65536) fail(what, ln, "a depthwise (DP) layer is split per channel: at most 65536 channels");
      l.channels = 1;
      for (std::uint64_t c = 0; c < ch; ++c) {
        layer d = l;
        d.name = l.name + "Channel_" + std::to_string(c);
        out.push_back(std::move(d));
      }
    } else {
      out.push_back(std::move(l));
    }
  }
  if (out.empty()) throw parse_error("topology: no layers (the first line is the header)");
  return out;
}

}  // namespace ember::cost::scalesim
