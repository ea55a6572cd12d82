// How a systolic array runs block-circulant GEMMs: per-bin frequency products (each bin its
// own weights), time-domain expansion (ModelFlex: dense cycles, 1/k of the weight reads),
// and the fastest of the two.
#include <doctest/doctest.h>

#include "ember/cost/estimate.hpp"
#include "mock_layers.hpp"

using namespace ember;
using ember::test::mock_dense;

namespace {
template <cost::circulant_mapping M, dataflow DF = dataflow::ws>
using array16 = hw::systolic<16, 16, DF, hw::filter_sram_kib<4096>, hw::ifmap_sram_kib<1024>,
                             hw::ofmap_sram_kib<1024>, hw::circulant_mapping_is<M>>;
using cost::circulant_mapping;

template <std::size_t In, std::size_t Out, unsigned Bits, std::size_t K>
struct circ_dense {
  static constexpr cost::layer_workload workload(std::size_t T = 1) noexcept {
    cost::layer_workload w{};
    w.name = "circ";
    w.add(cost::gemm{T, Out, In, Bits, Bits, K, 1.0, 1});
    return w;
  }
};
}  // namespace

TEST_CASE("circulant mapping: every frequency bin reads its own weights") {
  // 8-bit, k = 8, N = K = 256 on a WS array: the bins' weights are loaded once each, so the
  // filter reads are p q (2 real bins + 4 per complex bin) = 32 * 32 * (2 + 4 * 3) elements,
  // plus the two 8 x 8 DFT matrices.
  const auto r = cost::estimate<circ_dense<256, 256, 8, 8>, array16<circulant_mapping::frequency>>(1);
  CHECK(r.total.sram.filter_read == doctest::Approx(32.0 * 32 * 14 + 2 * 64));
  CHECK(r.total.macs == doctest::Approx(32.0 * 32 * 14 + 8.0 * (256 + 256)));
}

TEST_CASE("circulant mapping: time domain runs the dense GEMM and reads 1/k of its weights") {
  using dense_t = cost::report<1>;
  const dense_t d = cost::estimate<mock_dense<256, 256, 8>, array16<circulant_mapping::time_domain>>(4);
  const dense_t t = cost::estimate<circ_dense<256, 256, 8, 8>, array16<circulant_mapping::time_domain>>(4);
  CHECK(t.total.compute_cycles == d.total.compute_cycles);
  CHECK(t.total.macs == d.total.macs);
  CHECK(t.total.sram.filter_read == doctest::Approx(d.total.sram.filter_read / 8));
  CHECK(t.total.sram.ifmap_read == d.total.sram.ifmap_read);
  CHECK(t.total.energy.sram_pj < d.total.energy.sram_pj);
  CHECK(t.fit.weight_bytes < d.fit.weight_bytes / 7);  // stored as vectors: N K / k (+ DFT matrices)

  // delta density shrinks K column by column in the time domain
  cost::gemm g{1, 64, 100, 8, 8, 4, 0.3, 1};
  const auto lg = cost::lower_time_domain(g);
  REQUIRE(lg.count == 1);
  CHECK(lg.parts[0].K == 30);
  CHECK(lg.parts[0].weight_share == 4);
  CHECK(lg.parts[0].role == cost::gemm_role::expanded);
  CHECK(lg.stored_weights == 64 * 100 / 4);
  // a dense GEMM lowers as lower() does
  const auto ld = cost::lower_time_domain(cost::gemm{3, 10, 7, 8, 8, 1, 1.0, 2});
  const auto lr = cost::lower(cost::gemm{3, 10, 7, 8, 8, 1, 1.0, 2});
  CHECK((ld.count == 1 && ld.parts[0].M == lr.parts[0].M && ld.parts[0].N == lr.parts[0].N &&
         ld.parts[0].K == lr.parts[0].K && ld.parts[0].repeat == lr.parts[0].repeat &&
         ld.parts[0].role == cost::gemm_role::dense && ld.parts[0].weight_share == 1));
}

TEST_CASE("circulant mapping: fastest picks the mapping with fewer cycles per GEMM") {
  // Long reduction: the frequency domain's 2K/k rows per bin fold far less than K.
  using big = circ_dense<1024, 1024, 8, 8>;
  const auto f = cost::estimate<big, array16<circulant_mapping::frequency>>(1);
  const auto t = cost::estimate<big, array16<circulant_mapping::time_domain>>(1);
  const auto b = cost::estimate<big, array16<circulant_mapping::fastest>>(1);
  REQUIRE(f.total.compute_cycles < t.total.compute_cycles);
  CHECK(b.total.compute_cycles == f.total.compute_cycles);
  CHECK(b.total.energy.total_pj() == f.total.energy.total_pj());
  // A reduction that fits one fold: the DFTs are pure overhead, the time domain wins.
  using small = circ_dense<16, 1024, 8, 2>;
  const auto fs = cost::estimate<small, array16<circulant_mapping::frequency, dataflow::os>>(1);
  const auto ts = cost::estimate<small, array16<circulant_mapping::time_domain, dataflow::os>>(1);
  const auto bs = cost::estimate<small, array16<circulant_mapping::fastest, dataflow::os>>(1);
  REQUIRE(ts.total.compute_cycles < fs.total.compute_cycles);
  CHECK(bs.total.compute_cycles == ts.total.compute_cycles);
  CHECK(bs.total.energy.total_pj() == ts.total.energy.total_pj());
  // the default is the frequency domain (C-LSTM / E-RNN), as before
  static_assert(hw::systolic<4, 4, dataflow::os>::config.circulant == circulant_mapping::frequency);
  CHECK(std::string(cost::to_string(circulant_mapping::time_domain)) == "time");
}
