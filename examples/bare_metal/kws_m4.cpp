// kws_m4: the inference path alone, as on a Cortex-M4 (no exceptions, no RTTI, no heap, no
// SIMD, no files): an int8 GRU keyword spotter whose weights sit in constexpr tables (flash)
// and are bound with io::bind_tensors. Cross-compiled by .ci/run; also runs on the host.
#include <array>
#include <cstddef>
#include <cstdint>

#include <ember/inference.hpp>

namespace {

constexpr std::size_t n_mfcc = 10, hidden = 64, n_classes = 4;
// Chunk = 1: step() only, so no multi-step gate buffer (it would cost 12 KiB of RAM at 16).
using kws_gru = ember::gru<n_mfcc, hidden, ember::policy<ember::quant::int8, ember::act::hard>, 1, 1>;
using kws_head = ember::dense<hidden, n_classes>;

// Stand-in weights (a real build includes the header tools/export_torch.py --header writes):
// a fixed LCG in [-0.25, 0.25), computed at compile time so they land in .rodata.
template <std::size_t N>
constexpr std::array<float, N> pseudo_weights(std::uint32_t seed) {
  std::array<float, N> w{};
  for (auto& v : w) {
    seed = seed * 1664525u + 1013904223u;
    v = float(seed >> 8) / float(1u << 24) * 0.5f - 0.25f;
  }
  return w;
}
constexpr auto w_ih = pseudo_weights<3 * hidden * n_mfcc>(1);
constexpr auto w_hh = pseudo_weights<3 * hidden * hidden>(2);
constexpr auto b_ih = pseudo_weights<3 * hidden>(3), b_hh = pseudo_weights<3 * hidden>(4);
constexpr auto fc_w = pseudo_weights<n_classes * hidden>(5);
constexpr auto fc_b = pseudo_weights<n_classes>(6);

constexpr ember::io::named_tensor tensors[] = {
    {"gru.weight_ih_l0", {3 * hidden, n_mfcc, 0, 0}, 2, w_ih.data()},
    {"gru.weight_hh_l0", {3 * hidden, hidden, 0, 0}, 2, w_hh.data()},
    {"gru.bias_ih_l0", {3 * hidden, 0, 0, 0}, 1, b_ih.data()},
    {"gru.bias_hh_l0", {3 * hidden, 0, 0, 0}, 1, b_hh.data()},
    {"fc.weight", {n_classes, hidden, 0, 0}, 2, fc_w.data()},
    {"fc.bias", {n_classes, 0, 0, 0}, 1, fc_b.data()},
};

kws_gru gru;  // static storage: weights are packed (int8) into these objects at bind time
kws_head head;

}  // namespace

int main() {
  if (!ember::io::bind_tensors(gru, tensors, "gru") || !ember::io::bind_tensors(head, tensors, "fc")) return 2;
  // 49 frames of synthetic "MFCC" input (a real device reads its front end here).
  std::array<float, n_mfcc> x{};
  std::array<float, hidden> h{};
  for (std::size_t t = 0; t < 49; ++t) {
    for (std::size_t i = 0; i < n_mfcc; ++i) x[i] = float((t * 7 + i * 3) % 11) / 11.0f - 0.5f;
    gru.step(x, h);
  }
  std::array<float, n_classes> logits{};
  head.step(h, logits);
  std::size_t best = 0;
  for (std::size_t c = 1; c < n_classes; ++c) best = logits[c] > logits[best] ? c : best;
  return logits[best] == logits[best] ? 0 : 1;  // 1 only for a NaN: the step must stay finite
}
