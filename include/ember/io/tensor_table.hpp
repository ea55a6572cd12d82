// Named float tensors (views, e.g. constexpr arrays in flash from tools/export_torch.py
// --header) bound to a layer's params(): validate everything, then commit with set_param.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/config.hpp"
#include "ember/io/param_spec.hpp"
#include "ember/kernels/quantize.hpp"
#if EMBER_HAS_EXCEPTIONS
#  include "ember/io/load_error.hpp"
#endif

namespace ember::io {

/// A tensor by full name ("lstm.weight_ih_l0"), PyTorch shape, and row-major float data.
struct named_tensor {
  std::string_view name;
  std::array<std::size_t, 4> shape{};
  std::size_t rank = 0;
  const float* data = nullptr;
  constexpr std::size_t count() const noexcept {
    std::size_t n = 1;
    for (std::size_t i = 0; i < rank; ++i) n *= shape[i];
    return n;
  }
};

/// Anything with constexpr params() and set_param(i, span) (every layer; models too).
template <class L>
concept loadable = requires(L& l, std::size_t i, std::span<const float> v) {
  { L::params().size() } -> std::convertible_to<std::size_t>;
  { l.set_param(i, v) } -> std::same_as<kernels::quant_report>;
};

/// True when `key` is prefix + name; a non-empty prefix without a trailing '.' gets one.
constexpr bool key_matches(std::string_view key, std::string_view prefix, std::string_view name) noexcept {
  const bool dot = !prefix.empty() && prefix.back() != '.';
  if (key.size() != prefix.size() + (dot ? 1 : 0) + name.size()) return false;
  // Views, not substr(): substr's range check calls into libstdc++'s throwing helpers,
  // which would drag the unwinder and malloc into a -fno-exceptions firmware image.
  if (std::string_view(key.data(), prefix.size()) != prefix) return false;
  if (dot && key[prefix.size()] != '.') return false;
  return std::string_view(key.data() + key.size() - name.size(), name.size()) == name;
}

/// Outcome of bind_tensors: which parameter failed and why (no heap, no exceptions).
struct bind_status {
  enum class code { ok, missing_key, wrong_shape, non_finite } what = code::ok;
  std::size_t param = 0;    ///< index into the layer's params()
  std::size_t element = 0;  ///< first non-finite element (row-major), for non_finite
  const named_tensor* tensor = nullptr;
  constexpr explicit operator bool() const noexcept { return what == code::ok; }
};

/// Checks that every parameter of L is in `table` under prefix + name, with its shape and
/// finite values. Nothing is written.
template <loadable L>
constexpr bind_status check_tensors(std::span<const named_tensor> table, std::string_view prefix) noexcept {
  constexpr auto specs = L::params();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    // An index, not a null pointer test: GCC's -fsanitize=undefined makes comparing the
    // address of a constexpr table with null a non-constant expression.
    std::size_t found = table.size();
    for (std::size_t j = 0; j < table.size(); ++j)
      if (key_matches(table[j].name, prefix, specs[i].name)) found = j;
    if (found == table.size()) return {bind_status::code::missing_key, i, 0, nullptr};
    const named_tensor* t = table.data() + found;
    bool same = t->rank == specs[i].rank;
    for (std::size_t d = 0; same && d < t->rank; ++d) same = t->shape[d] == specs[i].shape[d];
    if (!same) return {bind_status::code::wrong_shape, i, 0, t};
    for (std::size_t k = 0; k < t->count(); ++k) {
      const float v = t->data[k];
      if (!(v - v == 0.0f)) return {bind_status::code::non_finite, i, k, t};  // NaN and +-Inf
    }
  }
  return {};
}

/// check_tensors, then (only if everything is valid) set_param for every parameter; the
/// layer is unchanged on failure. reports[i] receives parameter i's quantization report.
/// A model's params_loaded() runs last (block-diagonal folds: one allocation, load time).
template <loadable L>
bind_status bind_tensors(L& layer, std::span<const named_tensor> table, std::string_view prefix,
                         std::span<kernels::quant_report> reports = {}) noexcept {
  const bind_status st = check_tensors<L>(table, prefix);
  if (!st) return st;
  constexpr auto specs = L::params();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    for (const auto& e : table) {
      if (!key_matches(e.name, prefix, specs[i].name)) continue;
      const auto rep = layer.set_param(i, std::span<const float>(e.data, e.count()));
      if (i < reports.size()) reports[i] = rep;
    }
  }
  if constexpr (requires { layer.params_loaded(); }) layer.params_loaded();  // model<>: load-time folds
  return st;
}

/// What loading did to each parameter: its full name and its quantization report.
struct load_report {
  struct entry {
    std::string name;
    kernels::quant_report quant;
  };
  std::vector<entry> params;
  /// Keys under the prefix that name no parameter of the layer, sorted (PyTorch's
  /// "unexpected keys"). Loading ignores them, as a state dict for a whole network holds
  /// other layers' keys too; a caller wanting torch's strict=True rejects a non-empty list.
  std::vector<std::string> unexpected_keys;
  /// Worst relative Frobenius error over all parameters (0 for fp32 layers).
  double worst_rel_frobenius() const noexcept {
    double w = 0;
    for (const auto& e : params) w = e.quant.rel_frobenius > w ? e.quant.rel_frobenius : w;
    return w;
  }
};

namespace detail {
inline std::string shape_text(const std::size_t* shape, std::size_t rank) {
  std::string s = "(";
  for (std::size_t d = 0; d < rank; ++d) s += (d ? ", " : "") + std::to_string(shape[d]);
  return s + (rank == 1 ? ",)" : ")");
}
inline std::string full_key(std::string_view prefix, std::string_view name) {
  std::string k(prefix);
  if (!k.empty() && k.back() != '.') k += '.';
  return k + std::string(name);
}
// Adds `key` to `out` when it lies under `prefix` (prefix + '.' + something) but is none of
// L's parameters; call sort_unique(out) after the last one.
template <class L>
void note_if_unexpected(std::string_view key, std::string_view prefix, std::vector<std::string>& out) {
  const bool dot = !prefix.empty() && prefix.back() != '.';
  const std::size_t head = prefix.size() + (dot ? 1 : 0);
  if (key.size() <= head || std::string_view(key.data(), prefix.size()) != prefix) return;
  if (dot && key[prefix.size()] != '.') return;
  for (const auto& s : L::params())
    if (key_matches(key, prefix, s.name)) return;
  out.emplace_back(key);
}
inline void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}
}  // namespace detail

#if EMBER_HAS_EXCEPTIONS
/// bind_tensors that throws ember::load_error naming the key and the reason, and returns
/// the per-parameter quantization report. Example: a header from export_torch.py --header:
///   io::load_tensors(net, kws::tensors, "lstm.");
template <loadable L>
load_report load_tensors(L& layer, std::span<const named_tensor> table, std::string_view prefix = "") {
  constexpr auto specs = L::params();
  std::array<kernels::quant_report, specs.size()> reps{};
  const bind_status st = bind_tensors(layer, table, prefix, reps);
  if (!st) {
    const auto& s = specs[st.param];
    const std::string key = detail::full_key(prefix, s.name);
    switch (st.what) {
      case bind_status::code::missing_key: throw load_error(key, "missing key");
      case bind_status::code::wrong_shape:
        throw load_error(key, "wrong shape: expected " + detail::shape_text(s.shape.data(), s.rank) + ", got " +
                                  detail::shape_text(st.tensor->shape.data(), st.tensor->rank));
      default:
        throw load_error(key, "non-finite value (NaN or Inf) at element " + std::to_string(st.element));
    }
  }
  load_report r;
  for (std::size_t i = 0; i < specs.size(); ++i) r.params.push_back({detail::full_key(prefix, specs[i].name), reps[i]});
  for (const auto& t : table) detail::note_if_unexpected<L>(t.name, prefix, r.unexpected_keys);
  detail::sort_unique(r.unexpected_keys);
  return r;
}
#endif

}  // namespace ember::io
