// Reading the PyTorch reference vectors in tests/data (written by tools/gen_reference.py)
// and regenerating their weights with the same deterministic generator as the Python side.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ember::test {

/// Path of a file under tests/data.
inline std::string data_path(const std::string& rel) { return std::string(EMBER_TEST_DATA_DIR) + "/" + rel; }

/// splitmix64-driven uniform floats in [-scale, scale), bit-identical to
/// tools/reference/common.py: uniform(seed, n, scale).
inline std::vector<float> reference_uniform(std::uint64_t seed, std::size_t n, float scale = 1.0f) {
  std::vector<float> out(n);
  std::uint64_t state = seed;
  for (auto& v : out) {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    const float u = float(std::int64_t(z >> 40) - (std::int64_t{1} << 23)) / 8388608.0f;  // exact
    v = u * scale;
  }
  return out;
}

/// Raw little-endian float32 file.
inline std::vector<float> read_floats(const std::string& rel) {
  std::ifstream f(data_path(rel), std::ios::binary);
  if (!f) throw std::runtime_error("missing reference file " + rel + " (run tools/gen_reference.py)");
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<float> out(bytes.size() / sizeof(float));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

inline nlohmann::json read_json(const std::string& rel) {
  std::ifstream f(data_path(rel));
  if (!f) throw std::runtime_error("missing reference file " + rel + " (run tools/gen_reference.py)");
  return nlohmann::json::parse(f);
}

}  // namespace ember::test
