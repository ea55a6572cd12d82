// Shared by the loader fuzz targets: the layers being loaded (those of tests/data/io/lstm_fc,
// the fc head int8 so quantization at load is exercised) and the strong-guarantee check.
#pragma once

#include <array>
#include <cstdlib>
#include <cstring>
#include <span>

#include "ember/io/load_error.hpp"
#include "ember/layers/dense.hpp"
#include "ember/layers/lstm.hpp"

namespace ember::fuzz {

// A load_error must say which key (or file) and why.
inline void check_reason(const load_error& e) {
  if (e.key().empty() || e.reason().empty()) std::abort();
}

class layers {
 public:
  /// Calls load(layer, prefix) for each layer; a load that throws must leave its layer
  /// computing bit-for-bit what it computed before.
  template <class F>
  void load(F&& load) {
    one(lstm_, "lstm", load);
    one(fc_, "fc", load);
  }

 private:
  template <class L>
  static std::array<float, 8 * L::out_size> run(L& l) {
    std::array<float, 8 * L::in_size> xs{};
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = 0.25f * float(i % 7) - 0.75f;
    std::array<float, 8 * L::out_size> ys{};
    l.reset();
    l.forward(xs, ys);
    return ys;
  }
  template <class L, class F>
  static void one(L& l, const char* prefix, F& load) {
    const auto before = run(l);
    try {
      load(l, prefix);
    } catch (const load_error& e) {
      check_reason(e);
      const auto after = run(l);
      if (std::memcmp(before.data(), after.data(), sizeof before) != 0) std::abort();
    }
  }

  lstm<3, 4, policy<>, 2> lstm_;
  dense<4, 2, policy<quant::int8>> fc_;
};

}  // namespace ember::fuzz
