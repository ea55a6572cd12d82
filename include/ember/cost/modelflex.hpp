// The ModelFlex design space (Rezk et al.): a one-layer LSTM on a 32x32 BitFusion systolic
// array, swept over bits X, circulant block Y and delta density Z against 0.5 ms and 50 uJ.
#pragma once

#include <cstddef>

#include "ember/core/units.hpp"
#include "ember/cost/hw/systolic.hpp"
#include "ember/cost/sweep.hpp"
#include "ember/cost/workload.hpp"

namespace ember::cost::modelflex {

/// One LSTM layer's workload as ember::lstm<In, H, P> describes it (layers/lstm.hpp): the
/// input projection of the whole sequence as one GEMM {M = T, N = 4H, K = In}, the
/// recurrent GEMM once per step ({1, 4H, H}, repeat T), and the gate non-linearities and
/// state updates in fp32 on the vector unit (3H sigmoid, 2H tanh, 3H mul, H add per step).
/// ModelFlex quantizes weights and activations alike (`bits` both); `block` is the
/// circulant block size, `density` the delta density of both GEMMs' inputs. The footprint
/// is left to the hardware model (weights, largest operand and output at these bits).
constexpr layer_workload lstm_workload(std::size_t in, std::size_t hidden, unsigned bits, std::size_t block,
                                       double density, std::size_t seq_len) noexcept {
  layer_workload w{};
  w.name = "lstm";
  w.add(gemm{seq_len, 4 * hidden, in, bits, bits, block, density, 1});
  w.add(gemm{1, 4 * hidden, hidden, bits, bits, block, density, seq_len});
  w.add(eltwise{3 * hidden, eltwise_kind::sigmoid, 32, seq_len})
      .add(eltwise{2 * hidden, eltwise_kind::tanh, 32, seq_len})
      .add(eltwise{3 * hidden, eltwise_kind::mul, 32, seq_len})
      .add(eltwise{hidden, eltwise_kind::add, 32, seq_len});
  return w;
}

/// A workload-only LSTM type: In inputs, H hidden units, Bits-bit weights and activations,
/// circulant blocks of Block (dense density; the sweep's density axis sets it).
template <std::size_t In, std::size_t H, unsigned Bits, std::size_t Block>
struct lstm_model {
  static constexpr std::size_t in_size = In, out_size = H;
  static constexpr layer_workload workload(std::size_t seq_len = 1) noexcept {
    return lstm_workload(In, H, Bits, Block, 1.0, seq_len);
  }
};

/// The family the sweep instantiates: model<X, Y> is the LSTM at X bits with circulant<Y>.
/// With the layers in the build, the same family over ember::lstm reads
///   template <unsigned X, std::size_t Y>
///   using model = lstm<In, H, policy<quant::symmetric<X, X>, matvec::circulant<Y>, skip::delta>>;
template <std::size_t In = 32, std::size_t H = 1024>
struct lstm_family {
  template <unsigned X, std::size_t Y>
  using model = lstm_model<In, H, X, Y>;
};

/// The paper's array: 32 x 32 BitFusion PEs, one 4 MB SRAM, 200 MHz. Output stationary:
/// SCALE-Sim's default configuration (configs/scale.cfg), which ModelFlex extends, is this
/// 32 x 32 OS array. Circulant weights stay stored as vectors and are expanded on their way
/// into the array (the paper models circulant as less memory and memory traffic; it names
/// no FFT hardware).
using hardware = hw::systolic<32, 32, dataflow::os, sram_kib<4096>, mhz<200>, hw::bitfusion,
                              hw::circulant_mapping_is<circulant_mapping::time_domain>>;

/// The paper's limits per inference: latency <= 0.5 ms, energy <= 50 uJ.
inline constexpr constraints limits{0.5e-3, 50e-6};
/// One LSTM step per inference. The paper does not give its sequence length; its limits are
/// per-step budgets of a streaming RNN (docs/cost_model.md, "Design-space exploration").
inline constexpr std::size_t seq_len = 1;

/// The paper's axes: X bits, Y circulant block, Z delta density, baseline first.
inline constexpr values<16u, 8u, 4u, 2u> bits{"bits"};
inline constexpr values<std::size_t{1}, std::size_t{2}, std::size_t{4}> block{"block"};
inline constexpr workload_axis<3> density = density_axis({1.0, 0.6, 0.2});

/// Rezk et al.'s results: 18 of 36 points pass, 1 of 4 with quantization alone.
inline constexpr std::size_t paper_passing = 18, paper_points = 36;
inline constexpr std::size_t paper_quant_only_passing = 1, paper_quant_only_points = 4;

/// The 36-point ModelFlex sweep (constexpr): LSTM In -> H on HW, T steps, limits `lim`.
template <class HW = hardware, std::size_t In = 32, std::size_t H = 1024>
constexpr auto sweep(std::size_t T = seq_len, const constraints& lim = limits) noexcept {
  return cost::sweep<lstm_family<In, H>, HW>(T, lim, bits, block, density);
}

}  // namespace ember::cost::modelflex
