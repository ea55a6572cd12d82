// hello_lstm: load a PyTorch LSTM + Linear exported as JSON (examples/data/hello_lstm.json,
// made by make_hello_lstm.py), run a sine wave through it and print ember beside PyTorch.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <ember/ember.hpp>
#include <ember/io/state_dict.hpp>  // the JSON loader (needs nlohmann-json), not in ember.hpp

using namespace ember;

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : EMBER_EXAMPLE_DATA "/hello_lstm.json";

  // Layers are types: shapes and policies are template arguments, storage is static.
  static lstm<1, 16> rnn;  // torch.nn.LSTM(1, 16), fp32
  static dense<16, 1> fc;  // torch.nn.Linear(16, 1)

  try {
    const auto doc = io::read_json_file(path);
    io::load_state_dict(rnn, doc, "lstm");  // keys lstm.weight_ih_l0, ...
    io::load_state_dict(fc, doc, "fc");     // keys fc.weight, fc.bias
    const auto& ex = doc["example"];
    const auto xs = ex["inputs"].get<std::vector<float>>();
    const auto targets = ex["targets"].get<std::vector<float>>();
    const auto torch_out = ex["torch"].get<std::vector<float>>();

    // The whole sequence at once: the input projection is one matrix-matrix product.
    std::vector<float> hs(xs.size() * 16), ys(xs.size());
    rnn.forward(xs, hs);
    fc.forward(hs, ys);

    std::printf("  t   input    next (true)   ember      PyTorch\n");
    double worst = 0;
    for (std::size_t t = 0; t < xs.size(); ++t) {
      std::printf("%3zu  %+.4f   %+.4f      %+.6f  %+.6f\n", t, xs[t], targets[t], ys[t], torch_out[t]);
      worst = std::fmax(worst, std::fabs(ys[t] - torch_out[t]));
    }
    std::printf("max |ember - PyTorch| = %.2e\n", worst);

    // The same model one step at a time (state kept inside the layer) gives the same numbers.
    rnn.reset();
    float y1 = 0;
    for (float x : xs) fc.step(rnn.step(std::span<const float, 1>(&x, 1)), std::span<float, 1>(&y1, 1));
    std::printf("last prediction, step by step: %+.6f\n", y1);
    return worst < 1e-5 ? 0 : 1;
  } catch (const load_error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
