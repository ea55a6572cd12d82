// The measured side: synthetic inputs of a given delta density, block-circulant projection,
// and dse::measure (error against a reference, time per step) on mock layers that follow the
// layer contract, so the harness is tested before the real layers plug in.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <span>
#include <vector>

#include "ember/dse/measure.hpp"
#include "ember/io/param_spec.hpp"

using namespace ember;

namespace {

// y = tanh(W x + b), W (Out, In): a stateless layer with the contract's members. Grid > 0
// rounds the weights to multiples of 1 / Grid at load (a stand-in for quantization).
template <std::size_t In, std::size_t Out, int Grid = 0>
struct mock_layer {
  static constexpr std::size_t in_size = In, out_size = Out;
  static constexpr std::array<io::param_spec, 2> params() noexcept {
    return {io::matrix("weight", Out, In), io::vector("bias", Out)};
  }
  void set_param(std::size_t i, std::span<const float> v) noexcept {
    auto& dst = i == 0 ? w : b;
    for (std::size_t j = 0; j < dst.size() && j < v.size(); ++j)
      dst[j] = Grid > 0 ? std::round(v[j] * Grid) / Grid : v[j];
  }
  void reset() noexcept { ++resets; }
  void step(std::span<const float, In> x, std::span<float, Out> y) noexcept {
    for (std::size_t r = 0; r < Out; ++r) {
      float s = b[r];
      for (std::size_t c = 0; c < In; ++c) s += w[r * In + c] * x[c];
      y[r] = std::tanh(s);
    }
  }
  std::vector<float> w = std::vector<float>(Out * In), b = std::vector<float>(Out);
  int resets = 0;
};

struct mock_delta_layer : mock_layer<8, 4> {
  bool set_delta_threshold(float t) noexcept { threshold = t; return true; }  // as layers: false when rejected
  float threshold = -1;
};

}  // namespace

TEST_CASE("dse: synthetic input with delta density z") {
  for (const double z : {1.0, 0.6, 0.2, 0.0}) {
    const auto s = dse::make_delta_sequence(32, 20, z, 7, 0.25f);
    CAPTURE(z);
    REQUIRE(s.xs.size() == 32 * 20);
    CHECK(s.changed == std::size_t(std::lround(z * 32)));
    CHECK(s.density() == doctest::Approx(double(s.changed) / 32));
    for (std::size_t t = 1; t < s.steps; ++t) {
      std::size_t moved = 0;
      for (std::size_t i = 0; i < 32; ++i) {
        const float d = std::fabs(s.step(t)[i] - s.step(t - 1)[i]);
        CHECK(std::fabs(s.step(t)[i]) <= 1.0f);
        if (d == 0) continue;
        ++moved;
        CHECK(d >= 0.25f * (1 - 1e-6f));  // a threshold below min_change propagates it
        CHECK(d <= 0.5f * (1 + 1e-6f));
      }
      CHECK(moved == s.changed);
    }
  }
  const auto a = dse::make_delta_sequence(16, 5, 0.5, 3), b = dse::make_delta_sequence(16, 5, 0.5, 3);
  CHECK(a.xs == b.xs);
  CHECK(dse::make_delta_sequence(16, 5, 0.5, 4).xs != a.xs);
  CHECK(dse::make_delta_sequence(16, 5, 1.0, 3, 9.0f).min_change == 0.5f);  // clamped
}

TEST_CASE("dse: block-circulant projection") {
  const std::size_t R = 10, C = 7, k = 4;  // partial blocks at both edges
  std::vector<float> m(R * C);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = std::sin(float(i) * 1.3f);
  const auto p = dse::project_block_circulant(m, R, C, k);
  // every entry of a block's wrapped diagonal is equal, and equals the diagonal's mean
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      const std::size_t bi = r / k, bj = c / k, d = (r % k + k - c % k) % k;
      double sum = 0;
      std::size_t n = 0;
      for (std::size_t a = bi * k; a < std::min(R, bi * k + k); ++a)
        for (std::size_t b = bj * k; b < std::min(C, bj * k + k); ++b)
          if ((a % k + k - b % k) % k == d) {
            sum += m[a * C + b];
            ++n;
            CHECK(p[a * C + b] == p[r * C + c]);
          }
      CHECK(p[r * C + c] == doctest::Approx(sum / double(n)).epsilon(1e-6));
    }
  CHECK(dse::project_block_circulant(p, R, C, k) == p);        // a projection
  CHECK(dse::project_block_circulant(m, R, C, 1) == m);        // k = 1: dense
}

TEST_CASE("dse: measure compares against the reference and times the layer") {
  using exact = mock_layer<8, 4>;
  using coarse = mock_layer<8, 4, 4>;
  const auto p = dse::random_params<exact>(11, 0.5f);
  REQUIRE(p.size() == 2);
  CHECK(p[0].size() == 32);
  CHECK(p == dse::random_params<exact>(11, 0.5f));
  exact ref, same;
  coarse q;
  dse::load_params(ref, p);
  dse::load_params(same, p);
  dse::load_params(q, p);
  const auto seq = dse::make_delta_sequence(8, 12, 0.5, 5);

  const auto m0 = dse::measure(same, ref, seq, {3, -1});
  CHECK(m0.max_abs_error == 0);
  CHECK(m0.rms_error == 0);
  CHECK(m0.ref_rms > 0);
  CHECK(m0.steps == 12);
  CHECK(m0.runs == 3);
  CHECK(m0.seconds_per_step > 0);
  CHECK_FALSE(m0.threshold_set);
  CHECK(same.resets == 4);  // the comparison run and three timed runs start from reset

  // the error measure() reports is the error of the outputs, recomputed here
  const auto m1 = dse::measure(q, ref, seq);
  double max_e = 0, se = 0;
  std::array<float, 4> y{}, yr{};
  for (std::size_t t = 0; t < seq.steps; ++t) {
    q.step(std::span<const float, 8>(seq.step(t).data(), 8), y);
    ref.step(std::span<const float, 8>(seq.step(t).data(), 8), yr);
    for (std::size_t i = 0; i < 4; ++i) {
      max_e = std::max(max_e, std::fabs(double(y[i]) - yr[i]));
      se += (double(y[i]) - yr[i]) * (double(y[i]) - yr[i]);
    }
  }
  CHECK(m1.max_abs_error > 0);
  CHECK(m1.max_abs_error == doctest::Approx(max_e));
  CHECK(m1.rms_error == doctest::Approx(std::sqrt(se / 48)));

  // a delta layer takes the threshold; projected weights are block-circulant
  mock_delta_layer d;
  dse::load_params(d, dse::project_params<mock_delta_layer>(p, 4));
  const auto m2 = dse::measure(d, ref, seq, {1, 0.125f});
  CHECK(m2.threshold_set);
  CHECK(d.threshold == 0.125f);
  CHECK(d.w == dse::project_block_circulant(p[0], 4, 8, 4));
  CHECK(d.b == p[1]);  // vectors are left alone
  CHECK(m2.rms_error > 0);
}
