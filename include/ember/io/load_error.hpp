// ember::load_error: what every loader throws when a weight file cannot be used, naming the
// parameter (or file) and the reason. Only loading throws; inference never does.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace ember {

/// A parameter or file that could not be loaded. what() reads
/// "ember: cannot load 'lstm.weight_ih_l0': wrong shape: expected (256, 64), got (256, 63)".
class load_error : public std::runtime_error {
 public:
  load_error(std::string key, std::string reason)
      : std::runtime_error("ember: cannot load '" + key + "': " + reason), key_(std::move(key)),
        reason_(std::move(reason)) {}
  /// The full key ("lstm.weight_ih_l0"), or the file when no key applies.
  const std::string& key() const noexcept { return key_; }
  /// Why: "missing key", "wrong shape: ...", "non-numeric value ...", "non-finite value ...",
  /// "truncated ...", "unparsable ...".
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string key_, reason_;
};

}  // namespace ember
