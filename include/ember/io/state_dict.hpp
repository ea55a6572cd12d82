// io::load_state_dict: PyTorch state dicts as JSON (tools/export_torch.py, or json.dump of
// {k: v.tolist()}) into any layer or model. The only ember header that needs nlohmann-json.
#pragma once

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ember/io/detail/json_tensor.hpp"
#include "ember/io/load_error.hpp"
#include "ember/io/tensor_store.hpp"
#include "ember/io/tensor_table.hpp"

namespace ember::io {

namespace detail {
// The innermost "key": before byte `at` (for errors the parser reports by position).
// Falls back to `source` (the file) when there is none, or it is the empty key "".
inline std::string key_before(std::string_view text, std::size_t at, const std::string& source) {
  for (std::size_t colon = text.rfind(':', at); colon != std::string_view::npos && colon > 0;
       colon = text.rfind(':', colon - 1)) {
    std::size_t end = colon;
    while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
    if (end < 2 || text[end - 1] != '"') continue;
    const std::size_t begin = text.rfind('"', end - 2);
    if (begin == std::string_view::npos) break;
    if (end - 2 == begin) return source;
    return std::string(text.substr(begin + 1, end - 2 - begin));
  }
  return source;
}
}  // namespace detail

/// Parses JSON text. Throws load_error(source, ...) for truncated or unparsable text, or
/// load_error(key, "non-finite value ...") when the parser stopped at a NaN/Infinity token
/// (Python's json.dump writes those; JSON has no such numbers), or load_error(source,
/// "number out of range ...") for a literal beyond double's range (1e400).
inline nlohmann::json parse_json(std::string_view text, const std::string& source = "<json>") {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
    const std::size_t from = at >= 9 ? at - 9 : 0;
    const std::string_view near = text.substr(std::min(from, text.size()), 20);
    for (const char* tok : {"NaN", "Infinity"})
      if (near.find(tok) != std::string_view::npos)
        throw load_error(detail::key_before(text, at, source), std::string("non-finite value (") + tok +
                                                           " token in the JSON text at byte " + std::to_string(at) + ")");
    if (at >= text.size())
      throw load_error(source, "truncated JSON: the text ends inside a value (" + std::to_string(text.size()) + " bytes)");
    throw load_error(source, std::string("unparsable JSON: ") + e.what());
  } catch (const nlohmann::json::exception& e) {  // out_of_range 406: a number beyond double
    throw load_error(source, std::string("number out of range in the JSON text: ") + e.what());
  }
}

/// Reads and parses a JSON file (errors name the file).
inline nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw load_error(path.string(), "cannot open file");
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return parse_json(text, path.string());
}

/// Loads every parameter of `layer` from a parsed document: a state dict object
/// {"lstm.weight_ih_l0": [[...], ...], ...}, or {"state_dict": {...}, "architecture": ...}
/// as export_torch.py writes. Keys are prefix + params()[i].name (a '.' is added after a
/// prefix that lacks one); other keys are ignored, and those under the prefix are listed
/// in the report's unexpected_keys. All values are validated (shape,
/// numeric, finite) before the first set_param, so a failed load leaves the layer as it
/// was. Returns each parameter's quantization report.
template <loadable L>
load_report load_state_dict(L& layer, const nlohmann::json& doc, std::string_view prefix = "") {
  const nlohmann::json& dict = doc.is_object() && doc.contains("state_dict") ? doc["state_dict"] : doc;
  if (!dict.is_object()) throw load_error("<document>", "not a state dict: expected a JSON object of tensors");
  tensor_store store;
  for (const auto& spec : L::params()) {
    const std::string key = detail::full_key(prefix, spec.name);
    const auto it = dict.find(key);
    if (it == dict.end()) throw load_error(key, "missing key");
    store.add(key, spec.shape, spec.rank, detail::json_to_floats(*it, spec, key));
  }
  load_report r = load_tensors(layer, store.table(), prefix);
  for (const auto& item : dict.items()) detail::note_if_unexpected<L>(item.key(), prefix, r.unexpected_keys);
  detail::sort_unique(r.unexpected_keys);
  return r;
}

/// Loads from a JSON file (a path; JSON text goes through parse_json first).
template <loadable L>
load_report load_state_dict(L& layer, const std::filesystem::path& path, std::string_view prefix = "") {
  return load_state_dict(layer, read_json_file(path), prefix);
}
template <loadable L>
load_report load_state_dict(L& layer, const char* path, std::string_view prefix = "") {
  return load_state_dict(layer, std::filesystem::path(path), prefix);
}
template <loadable L>
load_report load_state_dict(L& layer, const std::string& path, std::string_view prefix = "") {
  return load_state_dict(layer, std::filesystem::path(path), prefix);
}

}  // namespace ember::io
