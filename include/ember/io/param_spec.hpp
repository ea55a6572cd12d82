// Describes a layer's parameters by PyTorch name and shape, so loaders (JSON, binary,
// generated headers) can check and feed them without knowing the layer's internals.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ember::io {

/// One parameter tensor: its name under the layer's prefix ("weight_ih_l0", "bias") and
/// its shape as PyTorch stores it (rank 1 to 4, e.g. Conv2d weight (Cout, Cin/g, kH, kW)).
struct param_spec {
  std::string_view name;
  std::array<std::size_t, 4> shape{};
  std::size_t rank = 0;

  constexpr std::size_t count() const noexcept {
    std::size_t n = 1;
    for (std::size_t i = 0; i < rank; ++i) n *= shape[i];
    return n;
  }
};

/// param_spec for a matrix (rows, cols).
constexpr param_spec matrix(std::string_view name, std::size_t rows, std::size_t cols) noexcept {
  return {name, {rows, cols, 0, 0}, 2};
}
/// param_spec for a vector (n).
constexpr param_spec vector(std::string_view name, std::size_t n) noexcept { return {name, {n, 0, 0, 0}, 1}; }

}  // namespace ember::io
