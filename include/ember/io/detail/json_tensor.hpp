// Turns one JSON value (nested lists as torch's tolist() writes them) into row-major floats
// for a param_spec, or throws ember::load_error saying where and why it does not fit.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ember/io/load_error.hpp"
#include "ember/io/param_spec.hpp"
#include "ember/io/tensor_table.hpp"

namespace ember::io::detail {

inline std::string index_text(const std::vector<std::size_t>& at) {
  std::string s;
  for (std::size_t i : at) {  // appends, not operator+ chains (GCC 12 -Wrestrict false positive)
    s += '[';
    s += std::to_string(i);
    s += ']';
  }
  return s.empty() ? "(the value itself)" : s;
}

inline bool is_nonfinite_word(const std::string& s) {
  for (const char* w : {"NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf", "-inf", "Inf", "-Inf"})
    if (s == w) return true;
  return false;
}

// The shape obtained by following first elements ("got (4, 3)" in errors).
inline std::vector<std::size_t> json_shape(const nlohmann::json& v) {
  std::vector<std::size_t> s;
  for (const nlohmann::json* p = &v; p->is_array() && s.size() < 8; p = &(*p)[0]) {
    s.push_back(p->size());
    if (p->empty()) break;
  }
  return s;
}

inline void flatten_into(const nlohmann::json& v, const param_spec& spec, const std::string& key, std::size_t depth,
                         std::vector<std::size_t>& at, std::vector<float>& out) {
  if (depth < spec.rank) {
    if (!v.is_array() || v.size() != spec.shape[depth])
      throw load_error(key, "wrong shape: expected " + shape_text(spec.shape.data(), spec.rank) +
                                ", ragged nested list at " + index_text(at));
    for (std::size_t i = 0; i < v.size(); ++i) {
      at.push_back(i);
      flatten_into(v[i], spec, key, depth + 1, at, out);
      at.pop_back();
    }
    return;
  }
  if (v.is_number()) {
    const double d = v.get<double>();
    const float f = static_cast<float>(d);
    if (!std::isfinite(f))
      throw load_error(key, "non-finite value " + v.dump() + (std::isfinite(d) ? " (overflows float32)" : "") +
                                " at " + index_text(at));
    out.push_back(f);
    return;
  }
  if (v.is_array() || v.is_object())  // never dump() it: it may be nested arbitrarily deep
    throw load_error(key, std::string("wrong type: expected a number at ") + index_text(at) + ", got " + v.type_name());
  if (v.is_string() && is_nonfinite_word(v.get<std::string>()))
    throw load_error(key, "non-finite value " + v.dump() + " at " + index_text(at));
  throw load_error(key, "non-numeric value " + v.dump().substr(0, 40) + " at " + index_text(at));
}

/// Row-major floats of `v`, which must have exactly spec's shape.
inline std::vector<float> json_to_floats(const nlohmann::json& v, const param_spec& spec, const std::string& key) {
  if (!v.is_array() && !v.is_number())
    throw load_error(key, "wrong type: expected a nested list of numbers of shape " +
                              shape_text(spec.shape.data(), spec.rank) + ", got " + v.type_name());
  const auto got = json_shape(v);
  bool same = got.size() == spec.rank;
  for (std::size_t d = 0; same && d < spec.rank; ++d) same = got[d] == spec.shape[d];
  if (!same)
    throw load_error(key, "wrong shape: expected " + shape_text(spec.shape.data(), spec.rank) + ", got " +
                              (got.empty() ? std::string("a scalar") : shape_text(got.data(), got.size())));
  std::vector<float> out;
  out.reserve(spec.count());
  std::vector<std::size_t> at;
  flatten_into(v, spec, key, 0, at, out);
  return out;
}

}  // namespace ember::io::detail
