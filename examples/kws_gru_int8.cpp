// kws_gru_int8: a keyword-spotting-sized recurrent model (40 log-mel features per 10 ms
// frame -> int8 GRU with 128 units -> 12 keyword scores), its per-frame latency and size.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <span>
#include <vector>

#include <ember/ember.hpp>

using namespace ember;

// The model is two types: the policy (int8 weights and activations, per-row weight scales,
// per-frame activation scales) is part of the type; so are shapes, storage and workload.
using int8_policy = policy<quant::int8>;
using kws_gru = gru<40, 128, int8_policy>;  // torch.nn.GRU(40, 128), dynamic int8
using kws_head = dense<128, 12>;            // torch.nn.Linear(128, 12), fp32
using ref_gru = gru<40, 128>;               // the same GRU in fp32, for comparison

namespace {

// Stand-in for trained weights: PyTorch's default initialisation range, seeded.
template <class L>
void init(L& layer, unsigned seed, double& worst_rel_error) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(-0.088f, 0.088f);  // 1 / sqrt(128)
  constexpr auto specs = L::params();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    std::vector<float> w(specs[i].count());
    for (auto& v : w) v = d(g);
    worst_rel_error = std::max(worst_rel_error, layer.set_param(i, w).rel_frobenius);
  }
}

template <class L>
double median_step_us(L& layer, const std::vector<float>& frames, std::size_t n) {
  std::vector<double> us(n);
  std::array<float, 128> h{};
  for (std::size_t t = 0; t < n; ++t) {
    const auto x = std::span<const float, 40>(frames.data() + (t % 100) * 40, 40);
    const auto t0 = std::chrono::steady_clock::now();
    layer.step(x, std::span<float, 128>(h));
    us[t] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  }
  std::nth_element(us.begin(), us.begin() + n / 2, us.end());
  return us[n / 2];
}

}  // namespace

int main() {
  static kws_gru rnn;  // static: no heap, weights in .bss
  static kws_head head;
  static ref_gru rnn_f32;
  double q_err = 0, f_err = 0;
  init(rnn, 1, q_err);
  init(rnn_f32, 1, f_err);
  init(head, 2, f_err);

  // 100 frames of synthetic "features" (a real app feeds log-mel energies here).
  std::vector<float> frames(100 * 40);
  for (std::size_t t = 0; t < 100; ++t)
    for (std::size_t f = 0; f < 40; ++f) frames[t * 40 + f] = std::sin(0.07f * float(t * (f + 3))) * 0.8f;

  // A whole utterance: int8 and fp32 agree to within the quantization error.
  std::vector<float> h8(100 * 128), h32(100 * 128), scores(12);
  rnn.forward(frames, h8);
  rnn_f32.forward(frames, h32);
  double diff = 0;
  for (std::size_t i = 0; i < h8.size(); ++i) diff = std::max(diff, double(std::fabs(h8[i] - h32[i])));
  head.step(std::span<const float, 128>(h8.data() + 99 * 128, 128), std::span<float, 12>(scores));
  const auto best = std::max_element(scores.begin(), scores.end()) - scores.begin();

  // Streaming: one step() per 10 ms frame; latency of a step, median of 2000.
  rnn.reset();
  rnn_f32.reset();
  const double us8 = median_step_us(rnn, frames, 2000);
  const double us32 = median_step_us(rnn_f32, frames, 2000);

  // The constexpr workload of one frame, the same numbers cost models use.
  constexpr auto w8 = kws_gru::workload(1);
  constexpr auto w32 = ref_gru::workload(1);
  std::printf("kws GRU 40 -> 128 (+ dense 128 -> 12), batch 1, one frame per step\n");
  std::printf("  MACs per frame          %.0f\n", w8.dense_macs());
  std::printf("  weights                 int8 %zu bytes, fp32 %zu bytes\n", w8.mem.weight_bytes, w32.mem.weight_bytes);
  std::printf("  weight quantization     relative Frobenius error %.4f\n", q_err);
  std::printf("  |h int8 - h fp32|       max %.4f over 100 frames\n", diff);
  std::printf("  per-step latency        int8 %.2f us, fp32 %.2f us (median of 2000; %s)\n", us8, us32,
              simd::native::name());
  std::printf("  real-time factor        %.0fx faster than 10 ms frames\n", 1e4 / us8);
  std::printf("  top keyword (random weights, synthetic input): %td, score %.3f\n", best, scores[std::size_t(best)]);
  return diff < 0.05 ? 0 : 1;
}
