// Bad input at load: wrong JSON types, extra keys (reported, not fatal), huge or overflowing
// blob dimensions, absurdly deep nesting. Always a load_error naming the key, never a crash,
// and the layer unchanged whenever loading fails (strong guarantee, for every parameter).
#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "ember/io/blob.hpp"
#include "ember/io/state_dict.hpp"
#include "ember/layers/lstm.hpp"
#include "reference_data.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

using net_lstm = lstm<3, 4, policy<>, 2>;

std::string read_text(const std::string& rel) {
  std::ifstream f(test::data_path(rel), std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
std::vector<float> run(net_lstm& l) {
  const auto xs = test::random_vector(5 * 3, 9);
  std::vector<float> ys(5 * 4);
  l.reset();
  l.forward(xs, ys);
  return ys;
}
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const load_error& e) {
    CHECK(!e.key().empty());
    return e.key() + ": " + e.reason();
  }
  return "<no error>";
}
bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

}  // namespace

TEST_CASE("load: wrong JSON types name the key and the type") {
  const auto good = io::parse_json(read_text("io/lstm_fc.json"));
  auto l = std::make_unique<net_lstm>();
  for (const auto& [value, type] : std::vector<std::pair<nlohmann::json, std::string>>{
           {nlohmann::json::object({{"a", 1}}), "object"},
           {"abc", "string"},
           {true, "boolean"},
           {nullptr, "null"}}) {
    auto doc = good;
    doc["state_dict"]["lstm.weight_hh_l0"] = value;
    const auto e = error_of([&] { io::load_state_dict(*l, doc, "lstm"); });
    CAPTURE(e);
    CHECK(starts_with(e, "lstm.weight_hh_l0: wrong type: expected a nested list of numbers of shape (16, 4), got " + type));
  }
  // A number where a vector belongs is a shape error (a rank-0 tensor).
  auto doc = good;
  doc["state_dict"]["lstm.bias_ih_l0"] = 0.5;
  CHECK(starts_with(error_of([&] { io::load_state_dict(*l, doc, "lstm"); }),
                    "lstm.bias_ih_l0: wrong shape: expected (16,), got a scalar"));
}

TEST_CASE("load: a number literal beyond double's range is a load_error (found by fuzz_state_dict)") {
  CHECK(starts_with(error_of([] { io::parse_json("{\"w\": [1e400]}", "big.json"); }),
                    "big.json: number out of range in the JSON text"));
  CHECK(starts_with(error_of([] { io::parse_json("[-1e99999]", "big.json"); }), "big.json: number out of range"));
}

TEST_CASE("load: a NaN token under the empty key, or under no key, names the file (found by fuzz_state_dict)") {
  CHECK(starts_with(error_of([] { io::parse_json("{\"\": [NaN]}", "f.json"); }), "f.json: non-finite value (NaN"));
  CHECK(starts_with(error_of([] { io::parse_json("[NaN]", "f.json"); }), "f.json: non-finite value (NaN"));
}

TEST_CASE("load: extra keys under the prefix are reported, not fatal; other prefixes are not extra") {
  auto doc = io::parse_json(read_text("io/lstm_fc.json"));
  doc["state_dict"]["lstm.weight_ih_l2"] = nlohmann::json::array({1, 2});
  doc["state_dict"]["lstm.num_batches_tracked"] = 3;
  doc["state_dict"]["lstmx.weight"] = 1;  // another prefix that merely starts alike
  auto l = std::make_unique<net_lstm>();
  const auto rep = io::load_state_dict(*l, doc, "lstm");
  CHECK(rep.params.size() == net_lstm::params().size());
  CHECK(rep.unexpected_keys == std::vector<std::string>{"lstm.num_batches_tracked", "lstm.weight_ih_l2"});
  // The same for the tensor-table path (blobs, generated headers).
  const float one = 1.0f;
  auto store = io::read_blob(
      [] {
        const std::string b = read_text("io/lstm_fc.blob");
        return std::vector<std::byte>(reinterpret_cast<const std::byte*>(b.data()),
                                      reinterpret_cast<const std::byte*>(b.data()) + b.size());
      }(),
      "x.blob");
  std::vector<io::named_tensor> table(store.table().begin(), store.table().end());
  table.push_back({"lstm.extra", {1, 0, 0, 0}, 1, &one});
  CHECK(io::load_tensors(*l, table, "lstm").unexpected_keys == std::vector<std::string>{"lstm.extra"});
  CHECK(io::load_tensors(*l, table, "lstm.").unexpected_keys == std::vector<std::string>{"lstm.extra"});
}

TEST_CASE("load: huge or overflowing blob dimensions are a load_error before any allocation") {
  const auto u32 = [](std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s += char((v >> (8 * i)) & 0xff);
  };
  const auto blob = [&](std::vector<std::uint32_t> dims) {
    std::string s = "EMBRBLOB";
    u32(s, 1);
    u32(s, 1);
    u32(s, 1);
    s += "w";
    u32(s, std::uint32_t(dims.size()));
    for (auto d : dims) u32(s, d);
    s += std::string(16, '\0');
    return s;
  };
  const auto read = [](const std::string& s) {
    return error_of([&] { io::read_blob(std::as_bytes(std::span<const char>(s.data(), s.size())), "x.blob"); });
  };
  CHECK(read(blob({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu})) == "w: tensor too large");
  CHECK(starts_with(read(blob({0x80000000u, 4})), "w: truncated blob: 8589934592 floats needed"));
  CHECK(starts_with(read(blob({5, 0xffffffffu})), "w: truncated blob"));
  CHECK(starts_with(read(blob({1, 2, 3, 4, 5})), "w: unsupported rank 5"));
  CHECK(starts_with(read(blob({})), "w: unsupported rank 0"));
}

TEST_CASE("load: absurdly deep JSON nesting is a load_error, not a stack overflow") {
  auto l = std::make_unique<net_lstm>();
  const std::size_t depth = 100000;
  const std::string deep = std::string(depth, '[') + "1" + std::string(depth, ']');
  // As the whole value, and as one element deep inside an otherwise well-formed weight.
  const std::string as_value = "{\"lstm.weight_ih_l0\": " + deep + "}";
  CHECK(starts_with(error_of([&] { io::load_state_dict(*l, io::parse_json(as_value), "lstm"); }),
                    "lstm.weight_ih_l0: wrong shape"));
  auto doc = io::parse_json(read_text("io/lstm_fc.json"));
  doc["state_dict"]["lstm.weight_ih_l0"][7][2] = io::parse_json(deep);
  CHECK(starts_with(error_of([&] { io::load_state_dict(*l, doc, "lstm"); }),
                    "lstm.weight_ih_l0: wrong type: expected a number at [7][2], got array"));
}

TEST_CASE("load: a failure at any parameter leaves the whole layer unchanged (strong guarantee)") {
  const auto good = io::parse_json(read_text("io/lstm_fc.json"));
  auto l = std::make_unique<net_lstm>();
  io::load_state_dict(*l, good, "lstm");
  const auto before = run(*l);
  // Other weights in every parameter that loads before the bad one: a partial write would show.
  auto other = good;
  for (auto& [k, v] : other["state_dict"].items()) {
    if (v.is_array() && v[0].is_array())
      for (auto& r : v) for (auto& e : r) e = e.get<double>() * -0.5;
    else if (v.is_array())
      for (auto& e : v) e = e.get<double>() + 0.25;
  }
  std::size_t i = 0;
  for (const auto& spec : net_lstm::params()) {
    CAPTURE(i);
    const std::string key = io::detail::full_key("lstm", spec.name);
    for (int how = 0; how < 3; ++how) {
      auto doc = other;
      if (how == 0) doc["state_dict"].erase(key);
      if (how == 1) doc["state_dict"][key] = nlohmann::json::array({1});
      if (how == 2) doc["state_dict"][key] = "NaN";
      CHECK(error_of([&] { io::load_state_dict(*l, doc, "lstm"); }) != "<no error>");
      const auto after = run(*l);
      CHECK(std::memcmp(after.data(), before.data(), before.size() * sizeof(float)) == 0);
    }
    ++i;
  }
}
