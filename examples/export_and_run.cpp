// export_and_run: PyTorch -> header -> C++. tools/gen_model_examples.py built an LSTM(6, 24)
// -> SRU(24, 24) -> Linear(24, 4) in PyTorch and exported it with tools/export_torch.py --model
// into examples/data/export_and_run.hpp (model type + constexpr weights); here it runs.
#include <cmath>
#include <cstdio>
#include <span>

#include <ember/ember.hpp>

#include "data/export_and_run.hpp"

using namespace ember;

// The generated type: ember::model<named<"lstm", lstm<6, 24>>, named<"sru", sru<24, 24>>,
// named<"fc", dense<24, 4>>>. No parser: the weights are constexpr arrays (.rodata, flash).
using net_type = export_and_run::model_type;
constexpr std::size_t T = export_and_run::example_steps;

// The tables match the model (every name, shape, and finite values), checked by the compiler.
static_assert(io::check_tensors<net_type>(export_and_run::tensors, ""));

int main() {
  static net_type net;
  io::load_tensors(net, export_and_run::tensors);  // copies/packs the arrays into the layers

  float y[T * net_type::out_size];
  net.forward(std::span<const float>(export_and_run::example_input), std::span<float>(y));

  std::printf("  t   ember (4 outputs)                        PyTorch\n");
  double worst = 0;
  for (std::size_t t = 0; t < T; ++t) {
    std::printf("%3zu ", t);
    for (std::size_t k = 0; k < 4; ++k) std::printf(" %+.6f", y[t * 4 + k]);
    std::printf("   ");
    for (std::size_t k = 0; k < 4; ++k) {
      const float ref = export_and_run::torch_output[t * 4 + k];
      std::printf(" %+.6f", ref);
      worst = std::fmax(worst, std::fabs(y[t * 4 + k] - ref) / (1.0 + std::fabs(ref)));
    }
    std::printf("\n");
  }
  std::printf("parameters %zu, model bytes %zu, max |ember - PyTorch| / (1 + |PyTorch|) = %.2e\n",
              net_type::n_params, sizeof(net_type), worst);
  std::printf("%s\n", worst <= 1e-5 ? "PASS" : "FAIL");
  return worst <= 1e-5 ? 0 : 1;
}
