// The measured side of the cost model: a delta layer's statistics, through dse::measure and
// layer.workload(seq_len, stats), give cost::estimate the measured column densities.
#include <doctest/doctest.h>

#include <memory>

#include "delta_support.hpp"
#include "ember/cost/estimate.hpp"
#include "ember/cost/hw/systolic.hpp"
#include "ember/layers/gru.hpp"

using namespace ember;

namespace {
using hw16 = hw::systolic<16, 16, dataflow::ws, hw::ifmap_sram_kib<64>, hw::filter_sram_kib<512>,
                          hw::ofmap_sram_kib<64>, mhz<500>>;
}

TEST_CASE("delta: dse::measure reports measured densities; estimate takes them") {
  constexpr std::size_t In = 32, H = 64, T = 60;
  using dense_gru = gru<In, H>;
  using delta_gru = gru<In, H, policy<skip::delta>>;
  const auto p = dse::random_params<dense_gru>(61, 0.125f);
  auto d = std::make_unique<delta_gru>();
  auto ref = std::make_unique<dense_gru>();
  dse::load_params(*d, p);
  dse::load_params(*ref, p);
  const auto seq = dse::make_delta_sequence(In, T, 0.25, 62, 0.25f);
  const auto m = dse::measure(*d, *ref, seq, {1, 0.125f});
  CHECK(m.threshold_set);
  // 8 of 32 inputs move per step after the first (all 32 propagate at step 0)
  CHECK(m.input_density == doctest::Approx((32.0 + 59 * 8) / (60 * 32.0)));
  CHECK(m.hidden_density < 1.0);
  CHECK(m.op_fraction < 1.0);
  CHECK(m.max_abs_error < 0.2);

  // the stats of the comparison run are what measure() reported
  d->reset();
  d->reset_delta_stats();
  test::run_steps(*d, seq.xs);
  const auto s = d->delta_stats();
  CHECK(s.input_density() == doctest::Approx(m.input_density));
  CHECK(s.hidden_density() == doctest::Approx(m.hidden_density));

  const auto dense_cost = cost::estimate<hw16>(delta_gru::workload(T));
  const auto measured = cost::estimate<hw16>(delta_gru::workload(T, s));
  CHECK(measured.cycles() < dense_cost.cycles());
  CHECK(measured.energy_j() < dense_cost.energy_j());
  // a layer without skipping: densities stay 1
  const auto m_dense = dse::measure(*ref, *ref, seq, {1, -1.0f});
  CHECK(m_dense.input_density == 1.0);
  CHECK(m_dense.op_fraction == 1.0);
}
