// libFuzzer target: JSON text -> io::parse_json -> io::load_state_dict into an fp32 LSTM and an
// int8 dense layer. Any exception other than ember::load_error, any sanitizer report, or a
// layer changed by a failed load (strong exception guarantee) is a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ember/io/state_dict.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ember::fuzz::layers net;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto doc = ember::io::parse_json(text, "fuzz.json");
    net.load([&](auto& layer, const char* prefix) { ember::io::load_state_dict(layer, doc, prefix); });
  } catch (const ember::load_error& e) {
    ember::fuzz::check_reason(e);
  }
  return 0;
}
