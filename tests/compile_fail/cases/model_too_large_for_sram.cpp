// A model whose weights exceed the array's filter SRAM fails require_fit at compile
// time; the message names the rule and the diagnostic shows the bytes (need, have).
// EXPECT: require_fit: the model's weights do not fit the filter SRAM
// EXPECT: weights_fit_filter_sram<4325376(UL)?, 4194304(UL)?>
#include <array>
#include <cstddef>

#include "ember/cost/fit.hpp"

using namespace ember;

// LSTM 32 -> 1024 at 8 bits: 4 * 1024 * (32 + 1024) = 4325376 bytes of weights.
struct lstm_32_1024_int8 {
  static constexpr cost::layer_workload workload(std::size_t T = 1) noexcept {
    cost::layer_workload w{};
    w.name = "lstm";
    w.add(cost::gemm{T, 4096, 32, 8, 8, 1, 1.0, 1});
    w.add(cost::gemm{1, 4096, 1024, 8, 8, 1, 1.0, T});
    return w;
  }
};

#ifdef EMBER_COMPILE_FAIL_CONTROL
using HW = hw::systolic<32, 32, dataflow::ws, hw::filter_sram_kib<8192>,
                        hw::ofmap_sram_kib<1024>, mhz<200>>;  // 8 MiB: fits
#else
using HW = hw::systolic<32, 32, dataflow::ws, hw::filter_sram_kib<4096>,
                        hw::ofmap_sram_kib<1024>, mhz<200>>;  // 4 MiB
#endif

static_assert(cost::require_fit<lstm_32_1024_int8, HW, 100>());
