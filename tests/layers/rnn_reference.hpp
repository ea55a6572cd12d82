// Runs ember's recurrent and dense layers on the PyTorch reference cases of tests/data/rnn
// (tools/reference/rnn.py, rnn_ext.py): inputs, states and weights regenerated here, or the
// weights loaded from the case's state-dict JSON.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ember/io/state_dict.hpp"
#include "reference_data.hpp"
#include "test_support.hpp"

namespace ember::test {

struct rnn_case {
  std::string name, kind, quant;
  std::size_t input = 0, hidden = 0, layers = 0, steps = 0;
  std::uint64_t seed = 0;
  bool init_state = false;
  bool state_dict = false;  ///< <name>.state_dict.json holds the torch module's state_dict()
  float wscale = 1;
  std::vector<std::size_t> checked;
};

/// Every case of tests/data/rnn/cases.json with this configuration.
inline std::vector<rnn_case> find_cases(const std::string& kind, const std::string& quant, std::size_t in,
                                        std::size_t hidden, std::size_t layers) {
  // ext_cases.json (tools/reference/rnn_ext.py): `output` is the width of y_t (2H for a
  // bidirectional layer); `hidden` below means that width.
  static const std::vector<nlohmann::json> all = [] {
    std::vector<nlohmann::json> v;
    for (const char* f : {"rnn/cases.json", "rnn/ext_cases.json"}) {
      const nlohmann::json doc = read_json(f);
      for (const auto& c : doc["cases"]) v.push_back(c);
    }
    return v;
  }();
  std::vector<rnn_case> out;
  for (const auto& c : all) {
    if (c["kind"] != kind || c["quant"] != quant || c["input"] != in || c.value("output", c["hidden"]) != hidden ||
        c["layers"] != layers)
      continue;
    rnn_case r;
    r.name = c["name"];
    r.kind = kind;
    r.quant = quant;
    r.input = in;
    r.hidden = hidden;
    r.layers = layers;
    r.state_dict = c.value("state_dict", false);
    r.steps = c["steps"];
    r.seed = c["seed"];
    r.init_state = c["init_state"];
    r.wscale = c["wscale"];
    r.checked = c["checked"].get<std::vector<std::size_t>>();
    out.push_back(std::move(r));
  }
  return out;
}

template <class L>
void load_reference_params(L& layer, const rnn_case& c) {
  constexpr auto specs = L::params();
  for (std::size_t p = 0; p < specs.size(); ++p) {
    const auto v = reference_uniform(c.seed * 1000 + p, specs[p].count(), c.wscale);
    layer.set_param(p, v);
  }
}
inline std::vector<float> reference_inputs(const rnn_case& c) {
  return reference_uniform(c.seed * 1000 + 500, c.steps * c.input, 1.0f);
}
template <class L>
std::vector<float> reference_state(const rnn_case& c) {
  if (!c.init_state) return std::vector<float>(L::state_size, 0.0f);
  return reference_uniform(c.seed * 1000 + 600, L::state_size, 0.5f);
}

/// Outputs at the checked steps, then the final state (the .bin layout).
template <class L>
std::vector<float> collect(const L& layer, const rnn_case& c, const std::vector<float>& ys) {
  std::vector<float> out;
  for (std::size_t t : c.checked) out.insert(out.end(), ys.begin() + t * c.hidden, ys.begin() + (t + 1) * c.hidden);
  if constexpr (requires { L::state_size; }) {
    std::vector<float> s(L::state_size);
    layer.get_state(std::span<float, L::state_size>(s.data(), s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

template <class L>
void set_reference_state(L& layer, const rnn_case& c) {
  if constexpr (requires { L::state_size; }) {
    const auto s = reference_state<L>(c);
    layer.set_state(std::span<const float, L::state_size>(s.data(), s.size()));
  }
}

/// The whole sequence through forward().
template <class L, class Arch>
std::vector<float> run_forward(L& layer, const rnn_case& c, Arch arch) {
  set_reference_state(layer, c);
  const auto xs = reference_inputs(c);
  std::vector<float> ys(c.steps * c.hidden, -99.0f);
  layer.forward(xs, ys, arch);
  return collect(layer, c, ys);
}

/// The sequence one step() at a time.
template <class L, class Arch>
std::vector<float> run_steps(L& layer, const rnn_case& c, Arch arch) {
  set_reference_state(layer, c);
  const auto xs = reference_inputs(c);
  std::vector<float> ys(c.steps * c.hidden, -99.0f);
  constexpr std::size_t In = L::in_size, Out = L::out_size;
  for (std::size_t t = 0; t < c.steps; ++t)
    layer.step(std::span<const float, In>(xs.data() + t * In, In), std::span<float, Out>(ys.data() + t * Out, Out),
               arch);
  return collect(layer, c, ys);
}

/// Largest |got - want| / (abs_tol + rel_tol |want|); <= 1 passes.
inline double worst_ratio(const std::vector<float>& got, const std::vector<float>& want, double rel_tol,
                          double abs_tol, std::size_t* where = nullptr) {
  double worst = 0;
  for (std::size_t i = 0; i < want.size() && i < got.size(); ++i) {
    const double r = std::fabs(double(got[i]) - want[i]) / (abs_tol + rel_tol * std::fabs(double(want[i])));
    if (!(r <= worst)) {
      worst = std::isnan(r) ? 1e30 : r;
      if (where) *where = i;
    }
  }
  return worst;
}

inline double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::fabs(double(a[i]) - b[i]));
  return m;
}

/// Fraction of values within |got - want| <= abs_tol + rel_tol |want|.
inline double fraction_within(const std::vector<float>& got, const std::vector<float>& want, double rel_tol,
                              double abs_tol) {
  std::size_t ok = 0;
  for (std::size_t i = 0; i < want.size() && i < got.size(); ++i)
    ok += std::fabs(double(got[i]) - want[i]) <= abs_tol + rel_tol * std::fabs(double(want[i]));
  return want.empty() ? 1.0 : double(ok) / double(want.size());
}

/// How a layer is checked against its reference.
struct tolerance {
  double rel = 1e-5, abs = 1e-6;  ///< every value: |got - want| <= abs + rel |want|
  bool exact_steps = false;       ///< step() and forward() agree bit for bit (integer kernels)
  double strict_fraction = 0;     ///< this fraction of values also within the fp32 bound
};

/// Runs every reference case of layer type L (forward and step by step, scalar twin and
/// native arch) against its PyTorch reference within `tol`; step() and forward() agree
/// bit for bit (tol.exact_steps) or within tol.
template <class L>
void check_against_reference(const std::string& kind, const std::string& quant, tolerance tol) {
  const double rel_tol = tol.rel, abs_tol = tol.abs;
  std::size_t layers = 1;
  if constexpr (requires { L::num_layers; }) layers = L::num_layers;
  const auto cases = find_cases(kind, quant, L::in_size, L::out_size, layers);
  REQUIRE_MESSAGE(!cases.empty(), "no reference case for this layer (run tools/gen_reference.py rnn)");
  auto layer = std::make_unique<L>();
  for (const auto& c : cases) {
    CAPTURE(c.name);
    if (c.state_dict) io::load_state_dict(*layer, data_path("rnn/" + c.name + ".state_dict.json"));
    else load_reference_params(*layer, c);
    const auto want = read_floats("rnn/" + c.name + ".bin");
    std::size_t state = 0;
    if constexpr (requires { L::state_size; }) state = L::state_size;
    REQUIRE(want.size() == c.checked.size() * c.hidden + state);
    const auto check = [&](auto arch) {
      const std::string arch_name = arch.name();
      CAPTURE(arch_name);
      std::size_t at = 0;
      const auto fwd = run_forward(*layer, c, arch);
      const double r = worst_ratio(fwd, want, rel_tol, abs_tol, &at);
      CAPTURE(at);
      CAPTURE(fwd[at]);
      CAPTURE(want[at]);
      CHECK(r <= 1.0);
      if (tol.strict_fraction > 0) CHECK(fraction_within(fwd, want, 1e-5, 1e-6) >= tol.strict_fraction);
      if constexpr (requires(L& l, std::span<const float, L::in_size> x) { l.step(x, arch); }) {
        const auto stp = run_steps(*layer, c, arch);
        if (tol.exact_steps) CHECK(stp == fwd);
        else CHECK(worst_ratio(stp, fwd, rel_tol, abs_tol) <= 1.0);
      }
    };
    check(simd::common{});
    if constexpr (!std::is_same_v<simd::native, simd::common>) check(simd::native{});
  }
}


}  // namespace ember::test
