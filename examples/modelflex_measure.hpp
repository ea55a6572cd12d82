// The measured side of examples/modelflex_dse.cpp: the ModelFlex configurations run on this
// CPU with ember's LSTM (random weights, synthetic input of delta density Z), time per step
// and error versus the fp32 dense layer. Built only with the layers in the tree.
#pragma once

#include <cstddef>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "ember/cost/sweep_point.hpp"

#if __has_include("ember/layers/lstm.hpp")
#define EMBER_MODELFLEX_MEASURE 1
#include "ember/core/policy.hpp"
#include "ember/dse/measure.hpp"
#include "ember/layers/lstm.hpp"
// matvec::circulant<K> kernels and the delta projection, when they are in the tree.
#if __has_include("ember/kernels/circulant.hpp")
#define EMBER_MODELFLEX_CIRCULANT 1
#else
#define EMBER_MODELFLEX_CIRCULANT 0
#endif
#if __has_include("ember/kernels/delta.hpp")
#define EMBER_MODELFLEX_DELTA 1
#include "ember/kernels/delta.hpp"
#else
#define EMBER_MODELFLEX_DELTA 0
#endif
#else
#define EMBER_MODELFLEX_MEASURE 0
#endif

namespace modelflex_measure {

#if EMBER_MODELFLEX_MEASURE
using namespace ember;
inline constexpr std::size_t In = 32, H = 1024;
template <unsigned X>
using quant_x = quant::symmetric<X, X>;  // ModelFlex quantizes weights and activations alike
using reference = lstm<In, H, policy<>>;  // fp32, dense, no skip
template <unsigned X>
using dense_x = lstm<In, H, policy<quant_x<X>>>;
#if EMBER_MODELFLEX_CIRCULANT
template <unsigned X, std::size_t Y>
using circulant_x = lstm<In, H, policy<quant_x<X>, matvec::circulant<Y>>>;
#endif
#if EMBER_MODELFLEX_DELTA
template <unsigned X>
using delta_x = lstm<In, H, policy<quant_x<X>, skip::delta>>;
#endif

/// Delta threshold: half the smallest input change, so every changed input propagates and
/// no unchanged one does (dse::make_delta_sequence); hidden-state deltas below it are skipped.
inline constexpr float min_change = 0.25f, threshold = 0.125f;

template <class L>
dse::measurement run_one(const dse::param_values& p, reference& ref, const dse::delta_sequence& seq,
                         std::size_t runs) {
  auto layer = std::make_unique<L>();  // megabytes of weights: on the heap, outside the timed loop
  dse::load_params(*layer, p);
  return dse::measure(*layer, ref, seq, {runs, threshold});
}

/// One configuration (X, Y, Z): which kernel runs it and what it measures. Circulant layers do
/// not offer skip::delta (docs/policies.md), so Y > 1 with Z < 1 runs the delta layer on the
/// block-circulant weights expanded to dense: the time-domain mapping the estimate assumes.
template <unsigned X>
dse::measurement run_config(std::size_t y, bool delta, const dse::param_values& p, reference& ref,
                            const dse::delta_sequence& seq, std::size_t runs, std::string& kernel) {
  const auto projected = y > 1 ? dse::project_params<reference>(p, y) : p;
  if (delta) {
#if EMBER_MODELFLEX_DELTA
    kernel = y > 1 ? "dense+delta, circulant weights expanded" : "dense+delta";
    return run_one<delta_x<X>>(projected, ref, seq, runs);
#else
    kernel = "not measured: no skip::delta kernel in this build";
    return {};
#endif
  }
  if (y == 1) {
    kernel = "dense";
    return run_one<dense_x<X>>(p, ref, seq, runs);
  }
#if EMBER_MODELFLEX_CIRCULANT
  kernel = "circulant<" + std::to_string(y) + ">";
  return y == 2 ? run_one<circulant_x<X, 2>>(p, ref, seq, runs) : run_one<circulant_x<X, 4>>(p, ref, seq, runs);
#else
  kernel = "dense, circulant weights expanded";
  return run_one<dense_x<X>>(projected, ref, seq, runs);
#endif
}

template <class Result>
int run(const std::string& dir, std::size_t steps, std::size_t runs, const Result& space) {
  std::ofstream csv(dir + "/modelflex_measured.csv");
  csv << "bits,block,density,kernel,input_delta_density,threshold,steps,seconds_per_step,max_abs_error,"
         "rms_error,ref_rms,rel_rms_error,est_latency_s,est_energy_j,est_pass\n";
  // PyTorch's LSTM initialisation: every weight and bias uniform in +-1/sqrt(H).
  const auto p = dse::random_params<reference>(2024, 1.0f / 32.0f);
  auto ref = std::make_unique<reference>();
  dse::load_params(*ref, p);
  double ref_rms = 0;
  std::printf("\nmeasured on this CPU (%zu steps, median of %zu runs; others may share the machine):\n", steps, runs);
  std::printf("%5s %6s %8s  %-42s %10s %10s %10s %8s\n", "bits", "block", "density", "kernel", "us/step",
              "max|err|", "rms err", "rel rms");
  for (const auto& pt : space.points) {
    const unsigned x = unsigned(pt.value[0]);
    const std::size_t y = std::size_t(pt.value[1]);
    const double z = pt.value[2];
    const auto seq = dse::make_delta_sequence(In, steps, z, 7, min_change);
    std::string kernel;
    dse::measurement m{};
    switch (x) {
      case 16: m = run_config<16>(y, z < 1.0, p, *ref, seq, runs, kernel); break;
      case 8: m = run_config<8>(y, z < 1.0, p, *ref, seq, runs, kernel); break;
      case 4: m = run_config<4>(y, z < 1.0, p, *ref, seq, runs, kernel); break;
      default: m = run_config<2>(y, z < 1.0, p, *ref, seq, runs, kernel); break;
    }
    const bool measured = m.steps > 0;
    if (measured) ref_rms = m.ref_rms;
    csv << x << ',' << y << ',' << z << ",\"" << kernel << "\"," << seq.density() << ','
        << (z < 1.0 && m.threshold_set ? threshold : 0.0f) << ',' << m.steps << ',' << m.seconds_per_step << ','
        << m.max_abs_error << ',' << m.rms_error << ',' << m.ref_rms << ','
        << (m.ref_rms > 0 ? m.rms_error / m.ref_rms : 0.0) << ',' << pt.cost.latency_s << ','
        << pt.cost.energy_j << ',' << int(pt.pass) << '\n';
    if (measured)
      std::printf("%5u %6zu %8.2f  %-42s %10.1f %10.4f %10.5f %7.1f%%\n", x, y, z, kernel.c_str(),
                  m.seconds_per_step * 1e6, m.max_abs_error, m.rms_error,
                  m.ref_rms > 0 ? 100 * m.rms_error / m.ref_rms : 0.0);
    else
      std::printf("%5u %6zu %8.2f  %-42s\n", x, y, z, kernel.c_str());
  }
  std::printf("fp32 reference output rms %.4f; wrote %s/modelflex_measured.csv\n", ref_rms, dir.c_str());
  return 0;
}
#else
template <class Result>
int run(const std::string&, std::size_t, std::size_t, const Result&) {
  std::printf("\nmeasured side: not built (needs ember/layers/lstm.hpp; see examples/modelflex_measure.hpp)\n");
  return 0;
}
#endif

}  // namespace modelflex_measure
