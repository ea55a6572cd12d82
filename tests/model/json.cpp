// model<>: a whole model loads from a JSON state dict (io::load_state_dict, full key names).
// Kept apart from model.cpp, whose replaced operator new GCC would inline into nlohmann.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "ember/io/state_dict.hpp"
#include "ember/layers/dense.hpp"
#include "ember/layers/lstm.hpp"
#include "ember/model.hpp"

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
