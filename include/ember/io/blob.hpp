// ember's binary weight blob (tools/export_torch.py --blob): a few named float32 tensors,
// little endian, read without any JSON library. Errors throw ember::load_error.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/io/load_error.hpp"
#include "ember/io/tensor_store.hpp"
#include "ember/io/tensor_table.hpp"

namespace ember::io {

/// Layout: "EMBRBLOB", u32 version (1), u32 count, then per tensor: u32 name length, the
/// name (UTF-8), u32 rank (1..4), u32 dims[rank], f32 data[prod(dims)]; all little endian.
inline constexpr std::string_view blob_magic = "EMBRBLOB";
inline constexpr std::uint32_t blob_version = 1;

namespace detail {
class blob_reader {
 public:
  blob_reader(std::span<const std::byte> b, std::string source) : b_(b), source_(std::move(source)) {}
  void need(std::size_t n, const std::string& what) const {
    if (b_.size() - pos_ < n)
      throw load_error(what, "truncated blob: " + std::to_string(n) + " bytes needed at offset " + std::to_string(pos_) +
                                 ", " + std::to_string(b_.size() - pos_) + " left");
  }
  std::uint32_t u32(const std::string& what) {
    need(4, what);
    std::uint8_t v[4];
    std::memcpy(v, b_.data() + pos_, 4);
    pos_ += 4;
    return std::uint32_t(v[0]) | std::uint32_t(v[1]) << 8 | std::uint32_t(v[2]) << 16 | std::uint32_t(v[3]) << 24;
  }
  std::string text(std::size_t n, const std::string& what) {
    need(n, what);
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  std::vector<float> floats(std::size_t n, const std::string& what) {
    if (n > (b_.size() - pos_) / 4)
      throw load_error(what, "truncated blob: " + std::to_string(n) + " floats needed at offset " +
                                 std::to_string(pos_) + ", " + std::to_string(b_.size() - pos_) + " bytes left");
    std::vector<float> out(n);
    for (auto& f : out) f = std::bit_cast<float>(u32(what));
    return out;
  }
  const std::string& source() const noexcept { return source_; }

 private:
  std::span<const std::byte> b_;
  std::size_t pos_ = 0;
  std::string source_;
};
}  // namespace detail

/// Parses a blob held in memory; `source` names it in errors.
inline tensor_store read_blob(std::span<const std::byte> bytes, const std::string& source = "<blob>") {
  detail::blob_reader r(bytes, source);
  if (r.text(blob_magic.size(), source) != blob_magic) throw load_error(source, "not an ember blob (bad magic)");
  if (const auto v = r.u32(source); v != blob_version)
    throw load_error(source, "unsupported blob version " + std::to_string(v));
  const std::uint32_t count = r.u32(source);
  tensor_store store;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string where = source + " tensor " + std::to_string(i);
    std::string name = r.text(r.u32(where), where);
    if (name.empty()) throw load_error(where, "empty tensor name");  // errors must name something
    const std::uint32_t rank = r.u32(name);
    if (rank < 1 || rank > 4) throw load_error(name, "unsupported rank " + std::to_string(rank) + " (1 to 4)");
    std::array<std::size_t, 4> shape{};
    std::size_t n = 1;
    for (std::uint32_t d = 0; d < rank; ++d) {
      shape[d] = r.u32(name);
      if (shape[d] != 0 && n > std::size_t(-1) / 4 / shape[d]) throw load_error(name, "tensor too large");
      n *= shape[d];
    }
    auto data = r.floats(n, name);
    store.add(std::move(name), shape, rank, std::move(data));
  }
  return store;
}

inline tensor_store read_blob_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw load_error(path.string(), "cannot open file");
  const std::vector<char> raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return read_blob(std::as_bytes(std::span<const char>(raw)), path.string());
}

/// Loads a layer (or model) from a blob file: keys are prefix + the layer's parameter names.
template <loadable L>
load_report load_blob(L& layer, const std::filesystem::path& path, std::string_view prefix = "") {
  const tensor_store store = read_blob_file(path);
  return load_tensors(layer, store.table(), prefix);
}

}  // namespace ember::io
