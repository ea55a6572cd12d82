// libFuzzer target: bytes -> io::read_blob -> io::load_tensors into the same layers as
// fuzz_state_dict. Only ember::load_error may escape the reader; failed loads change nothing.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ember/io/blob.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ember::fuzz::layers net;
  try {
    const auto store = ember::io::read_blob(std::as_bytes(std::span(data, size)), "fuzz.blob");
    net.load([&](auto& layer, const char* prefix) { ember::io::load_tensors(layer, store.table(), prefix); });
  } catch (const ember::load_error& e) {
    ember::fuzz::check_reason(e);
  }
  return 0;
}
