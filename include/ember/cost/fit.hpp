// require_fit<Model, HW, SeqLen>(): a compile-time fit check whose failure names the rule
// and shows the byte counts (static_assert messages cannot hold computed numbers).
#pragma once


#include <cstddef>
#include <cstdint>

#include "ember/cost/estimate.hpp"
#include "ember/cost/fits.hpp"

namespace ember::cost {

// On failure the compiler prints these with their arguments, e.g. GCC:
//   note: 'ember::cost::weights_fit_filter_sram<4325376, 4194304>' evaluates to false
// so the variable name states the rule and the arguments are <needed bytes, SRAM bytes>.
template <std::uint64_t WeightBytes, std::uint64_t FilterSramBytes>
inline constexpr bool weights_fit_filter_sram = WeightBytes <= FilterSramBytes;
template <std::uint64_t ActBytes, std::uint64_t IfmapSramBytes>
inline constexpr bool activations_fit_ifmap_sram = ActBytes <= IfmapSramBytes;
template <std::uint64_t OutBytes, std::uint64_t OfmapSramBytes>
inline constexpr bool outputs_fit_ofmap_sram = OutBytes <= OfmapSramBytes;
template <std::uint64_t WeightBytes, std::uint64_t WorkingSetBytes, std::uint64_t SramBytes>
inline constexpr bool model_fits_sram = WeightBytes + WorkingSetBytes <= SramBytes;

namespace detail {
// The byte counts are template arguments here so that both compilers print them:
// GCC as the variable template's arguments, clang in the failed requirement.
template <std::uint64_t WeightBytes, std::uint64_t WorkingSetBytes, std::uint64_t SramBytes>
consteval bool check_unified() {
  static_assert(model_fits_sram<WeightBytes, WorkingSetBytes, SramBytes>,
                "ember::cost::require_fit: the model does not fit the array's SRAM; "
                "model_fits_sram<weight bytes, activation + output bytes, SRAM bytes> shows the "
                "numbers (quantize, use matvec::circulant<K>, or enlarge sram_kib<N>)");
  return true;
}
template <std::uint64_t WeightBytes, std::uint64_t FilterSramBytes>
consteval bool check_weights() {
  static_assert(weights_fit_filter_sram<WeightBytes, FilterSramBytes>,
                "ember::cost::require_fit: the model's weights do not fit the filter SRAM; "
                "weights_fit_filter_sram<weight bytes, SRAM bytes> shows the numbers "
                "(quantize, use matvec::circulant<K>, or enlarge filter_sram_kib<N>)");
  return true;
}
template <std::uint64_t ActBytes, std::uint64_t IfmapSramBytes>
consteval bool check_activations() {
  static_assert(activations_fit_ifmap_sram<ActBytes, IfmapSramBytes>,
                "ember::cost::require_fit: the largest layer input does not fit the ifmap SRAM; "
                "activations_fit_ifmap_sram<bytes, SRAM bytes> shows the numbers");
  return true;
}
template <std::uint64_t OutBytes, std::uint64_t OfmapSramBytes>
consteval bool check_outputs() {
  static_assert(outputs_fit_ofmap_sram<OutBytes, OfmapSramBytes>,
                "ember::cost::require_fit: the largest layer output does not fit the ofmap SRAM; "
                "outputs_fit_ofmap_sram<bytes, SRAM bytes> shows the numbers");
  return true;
}
}  // namespace detail

/// `static_assert(cost::require_fit<Net, HW, 100>());` fails to compile, naming the
/// rule and the bytes, when the model does not fit the array's SRAM.
template <has_workload Model, hw::systolic_model HW, std::size_t SeqLen = 1>
consteval bool require_fit() {
  constexpr auto f = estimate<Model, HW>(SeqLen).fit;
  if constexpr (f.unified) {
    return detail::check_unified<f.weight_bytes, f.act_bytes + f.out_bytes, f.weight_capacity>();
  } else {
    return detail::check_weights<f.weight_bytes, f.weight_capacity>() &&
           detail::check_activations<f.act_bytes, f.act_capacity>() &&
           detail::check_outputs<f.out_bytes, f.out_capacity>();
  }
}

/// cost::fits<Model, HW> for systolic arrays: everything on chip for one inference of
/// one step (seq_len = 1); use estimate<Model, HW>(T).fits for other lengths.
template <has_workload Model, hw::systolic_model HW>
struct fits_trait<Model, HW> {
  static constexpr bool value = estimate<Model, HW>(1).fits;
};

}  // namespace ember::cost
