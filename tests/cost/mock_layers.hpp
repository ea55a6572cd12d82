// Mock layer and model types for the cost tests: anything with a static constexpr
// workload(seq_len) is costable, so the cost model is tested without the real layers.
#pragma once

#include <array>
#include <cstddef>

#include "ember/cost/workload.hpp"

namespace ember::test {

/// An LSTM step as the layers will describe it: the input projection over the whole
/// sequence as one GEMM (M = T), the recurrent GEMM once per step, gate non-linearities.
template <std::size_t In, std::size_t H, unsigned Bits = 32, std::size_t Circ = 1, int DensityPct = 100>
struct mock_lstm {
  static constexpr cost::layer_workload workload(std::size_t T = 1) noexcept {
    cost::layer_workload w{};
    w.name = "lstm";
    const double z = DensityPct / 100.0;
    w.add(cost::gemm{T, 4 * H, In, Bits, Bits, Circ, z, 1});
    w.add(cost::gemm{1, 4 * H, H, Bits, Bits, Circ, z, T});
    w.add(cost::eltwise{5 * H, cost::eltwise_kind::sigmoid, Bits, T});
    return w;
  }
};

template <std::size_t In, std::size_t Out, unsigned Bits = 32>
struct mock_dense {
  static constexpr cost::layer_workload workload(std::size_t T = 1) noexcept {
    cost::layer_workload w{};
    w.name = "dense";
    w.add(cost::gemm{T, Out, In, Bits, Bits, 1, 1.0, 1});
    return w;
  }
};

template <class... Layers>
struct mock_model {
  static constexpr std::array<cost::layer_workload, sizeof...(Layers)> workload(std::size_t T = 1) noexcept {
    return {Layers::workload(T)...};
  }
};

}  // namespace ember::test
