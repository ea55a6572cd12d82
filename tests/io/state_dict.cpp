// Loading PyTorch weights: a real exported model (tests/data/io, tools/reference/io.py) through
// JSON, the binary blob and the generated C++ header; and every error the loaders report.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "data/io/lstm_fc.hpp"
#include "ember/io/blob.hpp"
#include "ember/io/state_dict.hpp"
#include "ember/layers/dense.hpp"
#include "ember/layers/lstm.hpp"
#include "reference_data.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

using net_lstm = lstm<3, 4, policy<>, 2>;
using net_fc = dense<4, 2>;

std::string read_text(const std::string& rel) {
  std::ifstream f(test::data_path(rel), std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

struct outputs {
  std::vector<float> h, y;
};
template <class L>
std::vector<float> run(L& l, const std::vector<float>& xs) {
  l.reset();
  std::vector<float> ys(xs.size() / L::in_size * L::out_size);
  l.forward(xs, ys);
  return ys;
}

const nlohmann::json& expected() {
  static const nlohmann::json e = test::read_json("io/lstm_fc_expected.json");
  return e;
}
std::vector<float> inputs() { return expected()["inputs"].get<std::vector<float>>(); }

void check_close(const std::vector<float>& got, const std::vector<float>& want, double rel, double abs) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(std::fabs(got[i] - want[i]) <= abs + rel * std::fabs(want[i]));
}

// Expects load() to throw load_error with this key and a reason starting with `reason`.
template <class F>
void expect_error(F&& load, const std::string& key, const std::string& reason) {
  try {
    load();
    FAIL("no load_error thrown");
  } catch (const load_error& e) {
    CAPTURE(e.what());
    CHECK(e.key() == key);
    CHECK(e.reason().rfind(reason, 0) == 0);
    CHECK(std::string(e.what()).find(key) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("load_state_dict: an exported torch LSTM + Linear reproduces PyTorch") {
  auto l = std::make_unique<net_lstm>();
  auto fc = std::make_unique<net_fc>();
  const auto rep = io::load_state_dict(*l, test::data_path("io/lstm_fc.json"), "lstm");
  io::load_state_dict(*fc, test::data_path("io/lstm_fc.json"), "fc.");
  REQUIRE(rep.params.size() == 8);
  CHECK(rep.params[0].name == "lstm.weight_ih_l0");
  CHECK(rep.params[7].name == "lstm.bias_hh_l1");
  CHECK(rep.worst_rel_frobenius() == 0.0);  // fp32 stores weights exactly
  const auto h = run(*l, inputs());
  check_close(h, expected()["lstm"].get<std::vector<float>>(), 1e-5, 1e-6);
  check_close(run(*fc, h), expected()["fc"].get<std::vector<float>>(), 1e-5, 1e-6);
}

TEST_CASE("load_state_dict: a quantized layer reports its quantization error") {
  auto l = std::make_unique<lstm<3, 4, policy<quant::int8>, 2>>();
  const auto rep = io::load_state_dict(*l, test::data_path("io/lstm_fc.json"), "lstm.");
  CHECK(rep.params[0].quant.rel_frobenius > 0.0);
  CHECK(rep.worst_rel_frobenius() < 0.02);
  CHECK(rep.params[2].quant.rel_frobenius == 0.0);  // biases stay fp32
  check_close(run(*l, inputs()), expected()["lstm"].get<std::vector<float>>(), 0.0, 0.03);
}

TEST_CASE("the same weights through JSON, the binary blob and the generated header") {
  auto a = std::make_unique<net_lstm>(), b = std::make_unique<net_lstm>(), c = std::make_unique<net_lstm>();
  io::load_state_dict(*a, test::data_path("io/lstm_fc.json"), "lstm");
  io::load_blob(*b, test::data_path("io/lstm_fc.blob"), "lstm");
  const auto rep = io::load_tensors(*c, lstm_fc::tensors, "lstm.");
  CHECK(rep.params.size() == 8);
  const auto want = run(*a, inputs());
  CHECK(run(*b, inputs()) == want);
  CHECK(run(*c, inputs()) == want);
  // A plain state dict (no "state_dict"/"architecture" wrapper) loads the same.
  const auto doc = io::parse_json(read_text("io/lstm_fc.json"));
  auto d = std::make_unique<net_lstm>();
  io::load_state_dict(*d, doc["state_dict"], "lstm");
  CHECK(run(*d, inputs()) == want);
  // bind_tensors: the no-exception, no-heap core (embedded apps).
  auto e = std::make_unique<net_lstm>();
  CHECK(bool(io::bind_tensors(*e, lstm_fc::tensors, "lstm")));
  CHECK(run(*e, inputs()) == want);
  CHECK(io::bind_tensors(*e, lstm_fc::tensors, "gru").what == io::bind_status::code::missing_key);
}

TEST_CASE("load_state_dict errors name the key and the reason; a failed load changes nothing") {
  const std::string text = read_text("io/lstm_fc.json");
  const auto good = io::parse_json(text);
  auto l = std::make_unique<net_lstm>();
  io::load_state_dict(*l, good, "lstm");
  const auto before = run(*l, inputs());
  const auto load = [&](const nlohmann::json& doc) { return [&l, doc] { io::load_state_dict(*l, doc, "lstm"); }; };

  SUBCASE("missing key") {
    auto doc = good;
    doc["state_dict"].erase("lstm.bias_hh_l1");
    expect_error(load(doc), "lstm.bias_hh_l1", "missing key");
  }
  SUBCASE("wrong shape") {
    auto doc = good;
    for (auto& row : doc["state_dict"]["lstm.weight_ih_l1"]) row.erase(row.size() - 1);
    expect_error(load(doc), "lstm.weight_ih_l1", "wrong shape: expected (16, 4), got (16, 3)");
    doc = good;
    doc["state_dict"]["lstm.bias_ih_l0"] = 0.5;
    expect_error(load(doc), "lstm.bias_ih_l0", "wrong shape: expected (16,), got a scalar");
  }
  SUBCASE("ragged nested list") {
    auto doc = good;
    doc["state_dict"]["lstm.weight_hh_l1"][5].erase(0);
    expect_error(load(doc), "lstm.weight_hh_l1", "wrong shape: expected (16, 4), ragged nested list at [5]");
  }
  SUBCASE("non-numeric value") {
    auto doc = good;
    doc["state_dict"]["lstm.weight_hh_l0"][2][1] = "abc";
    expect_error(load(doc), "lstm.weight_hh_l0", "non-numeric value \"abc\" at [2][1]");
    doc["state_dict"]["lstm.weight_hh_l0"][2][1] = nullptr;
    expect_error(load(doc), "lstm.weight_hh_l0", "non-numeric value null");
    doc["state_dict"]["lstm.weight_hh_l0"][2][1] = true;
    expect_error(load(doc), "lstm.weight_hh_l0", "non-numeric value true");
  }
  SUBCASE("NaN or Inf weight") {
    auto doc = good;
    doc["state_dict"]["lstm.bias_hh_l1"][3] = 1e39;  // finite in JSON, not in float32
    expect_error(load(doc), "lstm.bias_hh_l1", "non-finite value 1e+39 (overflows float32) at [3]");
    doc["state_dict"]["lstm.bias_hh_l1"][3] = "NaN";
    expect_error(load(doc), "lstm.bias_hh_l1", "non-finite value \"NaN\" at [3]");
    // Python's json.dump writes a bare NaN token, which is not JSON: the parser stops there.
    std::string bad = text;
    const auto at = bad.find("[", bad.find("\"lstm.weight_hh_l0\"")) + 2;
    bad.insert(at, "NaN,");
    expect_error([&] { io::parse_json(bad); }, "lstm.weight_hh_l0", "non-finite value (NaN token");
  }
  SUBCASE("truncated or unparsable file") {
    expect_error([&] { io::parse_json(text.substr(0, text.size() / 2), "half.json"); }, "half.json",
                 "truncated JSON");
    expect_error([&] { io::parse_json("{\"a\": ]", "bad.json"); }, "bad.json", "unparsable JSON");
    const auto path = std::filesystem::temp_directory_path() / "ember_truncated_state_dict.json";
    std::ofstream(path) << text.substr(0, 1000);
    expect_error([&] { io::load_state_dict(*l, path, "lstm"); }, path.string(), "truncated JSON");
    std::filesystem::remove(path);
    expect_error([&] { io::load_state_dict(*l, "/nonexistent/ember.json", "lstm"); }, "/nonexistent/ember.json",
                 "cannot open file");
    expect_error(load(nlohmann::json::array({1, 2})), "<document>", "not a state dict");
  }
  CHECK(run(*l, inputs()) == before);  // every failure above left the layer as it was
}

TEST_CASE("load_blob and load_tensors errors") {
  auto l = std::make_unique<net_lstm>();
  const std::string blob = read_text("io/lstm_fc.blob");
  const auto bytes = [](const std::string& s) { return std::as_bytes(std::span<const char>(s.data(), s.size())); };
  expect_error([&] { io::read_blob(bytes(blob.substr(0, blob.size() - 5)), "x.blob"); }, "fc.bias",
               "truncated blob");
  expect_error([&] { io::read_blob(bytes("EMBRBL"), "x.blob"); }, "x.blob", "truncated blob");
  expect_error([&] { io::read_blob(bytes("NOTABLOB\1\0\0\0\0\0\0\0"), "x.blob"); }, "x.blob", "not an ember blob");

  std::vector<io::named_tensor> table(std::begin(lstm_fc::tensors), std::end(lstm_fc::tensors));
  expect_error([&] { io::load_tensors(*l, std::span(table).first(3), "lstm"); }, "lstm.bias_hh_l0", "missing key");
  auto bad = table;
  bad[1].shape = {4, 16, 0, 0};
  expect_error([&] { io::load_tensors(*l, bad, "lstm"); }, "lstm.weight_hh_l0",
               "wrong shape: expected (16, 4), got (4, 16)");
  std::vector<float> nan_data(lstm_fc::lstm_bias_ih_l1, lstm_fc::lstm_bias_ih_l1 + 16);
  nan_data[9] = std::nanf("");
  bad = table;
  bad[6].data = nan_data.data();
  expect_error([&] { io::load_tensors(*l, bad, "lstm"); }, "lstm.bias_ih_l1", "non-finite value (NaN or Inf) at element 9");
}
