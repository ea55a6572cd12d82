// model<>: a whole model loads from a JSON state dict (io::load_state_dict, full key names).
// Kept apart from model.cpp, whose replaced operator new GCC would inline into nlohmann.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ember/io/state_dict.hpp"
#include "ember/layers/dense.hpp"
#include "ember/layers/lstm.hpp"
#include "ember/model.hpp"

#include "../../examples/data/crnn_conv_gru.hpp"

using namespace ember;

TEST_CASE("model: a whole model loads from an exported JSON state dict (hello_lstm.json)") {
  using M = model<named<"lstm", lstm<1, 16>>, named<"fc", dense<16, 1>>>;
  auto net = std::make_unique<M>();
  const auto doc = io::read_json_file(EMBER_TEST_DATA_DIR "/../../examples/data/hello_lstm.json");
  io::load_state_dict(*net, doc);
  const auto xs = doc["example"]["inputs"].get<std::vector<float>>();
  const auto ref = doc["example"]["torch"].get<std::vector<float>>();
  std::vector<float> ys(xs.size());
  net->forward(xs, ys);
  double worst = 0;
  for (std::size_t i = 0; i < ys.size(); ++i) worst = std::fmax(worst, std::fabs(ys[i] - ref[i]) / (1.0 + std::fabs(ref[i])));
  CHECK(worst <= 1e-5);
  auto bad = std::make_unique<model<named<"rnn", lstm<1, 16>>, named<"fc", dense<16, 1>>>>();
  CHECK_THROWS_WITH_AS(io::load_state_dict(*bad, doc), doctest::Contains("rnn.weight_ih_l0"), load_error);
}

// export_torch --out x.json on a module: folded batch norm, fused ReLU, and the ember
// model type in the architecture block; the same numbers as the header export.
TEST_CASE("model: the CRNN's JSON export loads into the generated model type") {
  using M = crnn_conv_gru::model_type;
  const auto doc = io::read_json_file(EMBER_TEST_DATA_DIR "/../../examples/data/crnn_conv_gru.json");
  const auto type = doc["architecture"]["model_type"].get<std::string>();
  CHECK(type.find("ember::conv1d<16, 24, 3, ember::policy<>, 1, 1, ember::pad::causal, 1, ember::activation::relu") !=
        std::string::npos);
  CHECK(doc["architecture"]["ember"][0]["folded"].get<std::string>() == "bn");
  auto net = std::make_unique<M>();
  io::load_state_dict(*net, doc);
  std::vector<float> ys(crnn_conv_gru::example_steps * M::out_size);
  net->forward(std::span<const float>(crnn_conv_gru::example_input), ys);
  double worst = 0;
  for (std::size_t i = 0; i < ys.size(); ++i) {
    const double ref = crnn_conv_gru::torch_output[i];
    worst = std::fmax(worst, std::fabs(ys[i] - ref) / (1.0 + std::fabs(ref)));
  }
  CHECK(worst <= 1e-5);
}
