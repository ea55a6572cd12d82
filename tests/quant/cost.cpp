// Cost model of the binary, ternary and weight-sharing policies: MAC energy per weight
// format, stored bytes, the codebook lowering on the systolic array, and Epiphany cycles.
#include <doctest/doctest.h>

#include "ember/core/quant_lowbit.hpp"
#include "ember/cost/epiphany_mapper.hpp"
#include "ember/cost/estimate.hpp"
#include "ember/cost/nets/alexnet.hpp"

using namespace ember;
using E = cost::horowitz_45nm;
using quant::weight_format;

namespace {
template <class Q, std::size_t In, std::size_t Out>
struct q_dense {
  static constexpr cost::layer_workload workload(std::size_t T = 1) noexcept {
    cost::layer_workload w{};
    w.name = "dense";
    w.add(cost::quantized<Q>(cost::gemm{T, Out, In}));
    return w;
  }
};
using array_hw = hw::systolic<32, 32, hw::dataflow::os, hw::filter_sram_kib<2048>, hw::ifmap_sram_kib<64>,
                              hw::ofmap_sram_kib<64>>;
}  // namespace

TEST_CASE("cost: quantized<Q> carries the policy's widths, format and codebook") {
  constexpr auto b = cost::quantized<quant::binary>(cost::gemm{1, 8, 8});
  static_assert(b.weight_bits == 1 && b.act_bits == 8 && b.format == weight_format::binary && b.clusters == 0);
  constexpr auto x = cost::quantized<quant::xnor>(cost::gemm{1, 8, 8});
  static_assert(x.act_bits == 1);
  constexpr auto t = cost::quantized<quant::ternary_ternary>(cost::gemm{1, 8, 8});
  static_assert(t.weight_bits == 2 && t.act_bits == 2 && t.format == weight_format::ternary);
  constexpr auto s = cost::quantized<quant::shared<16>>(cost::gemm{1, 64, 100});
  static_assert(s.weight_bits == 4 && s.act_bits == 32 && s.format == weight_format::codebook && s.clusters == 16);
  static_assert(s.weight_bytes() == 64 * 100 / 2 + 16 * 4);
  static_assert(cost::quantized<quant::shared<4>>(cost::gemm{}).weight_bits == 2);
  constexpr auto u = cost::quantized<quant::int8>(cost::gemm{1, 8, 8});
  static_assert(u.format == weight_format::uniform && u.weight_bits == 8);
}

TEST_CASE("cost: MAC energy per weight format (Horowitz 45 nm)") {
  // int8 multiply + 32-bit accumulate = 0.2 + 0.1; fp32 = 3.7 + 0.9.
  CHECK(cost::mac_pj<E>(8, 8, weight_format::uniform) == doctest::Approx(0.3));
  // sign-add: negate at 8 bits (one 8-bit add) + accumulate: 0.03 + 0.1, no multiplier
  CHECK(cost::mac_pj<E>(1, 8, weight_format::binary) == doctest::Approx(0.13));
  CHECK(cost::mac_pj<E>(2, 8, weight_format::ternary) == doctest::Approx(0.13));
  CHECK(cost::mac_pj<E>(1, 32, weight_format::binary) == doctest::Approx(0.9));
  // XNOR-popcount: two 1-bit cells (0.03 / 8 each) + a 32-bit add per 64 MACs
  CHECK(cost::mac_pj<E>(1, 1, weight_format::binary) == doctest::Approx(2 * 0.00375 + 0.1 / 64));
  CHECK(cost::mac_pj<E>(2, 2, weight_format::ternary) == doctest::Approx(4 * 0.00375 + 0.1 / 64));
  CHECK(cost::mac_pj<E>(1, 2, weight_format::binary) == doctest::Approx(4 * 0.00375 + 0.1 / 64));
  // codebook: the activation joins its cluster's sum
  CHECK(cost::mac_pj<E>(4, 32, weight_format::codebook) == doctest::Approx(0.9));
  CHECK(cost::mac_pj<E>(4, 8, weight_format::codebook) == doctest::Approx(0.1));
  // ordering a reader expects
  CHECK(cost::mac_pj<E>(1, 1, weight_format::binary) < cost::mac_pj<E>(1, 8, weight_format::binary));
  CHECK(cost::mac_pj<E>(1, 8, weight_format::binary) < cost::mac_pj<E>(2, 8, weight_format::uniform));
}

TEST_CASE("cost: lowering a codebook GEMM adds the centroid multiplies") {
  const auto g = cost::quantized<quant::shared<16>>(cost::gemm{3, 64, 100, 32, 32, 1, 1.0, 5});
  const auto l = cost::lower(g);
  REQUIRE(l.count == 2);
  CHECK(l.parts[0].role == cost::gemm_role::dense);
  CHECK(l.parts[0].format == weight_format::codebook);
  CHECK(l.parts[0].macs() == doctest::Approx(3.0 * 64 * 100 * 5));
  CHECK(l.parts[1].role == cost::gemm_role::codebook);
  CHECK(l.parts[1].M == 3 * 64);
  CHECK(l.parts[1].N == 1);
  CHECK(l.parts[1].K == 16);
  CHECK(l.parts[1].macs() == doctest::Approx(3.0 * 64 * 16 * 5));
  CHECK(l.codebook_bytes == 64);
  CHECK(cost::stored_weight_bytes(g) == 64 * 100 / 2 + 64);
  // Delta density applies to the accumulation, not to the per-output centroid multiplies.
  auto d = g;
  d.density = 0.25;
  const auto ld = cost::lower(d);
  CHECK(ld.parts[0].K == 25);
  CHECK(ld.parts[1].K == 16);
  // Block-circulant parts store frequency-domain values: costed as uniform.
  auto c = cost::quantized<quant::binary>(cost::gemm{1, 64, 64});
  c.circulant_k = 8;
  const auto lc = cost::lower(c);
  for (std::size_t i = 0; i < lc.count; ++i) CHECK(lc.parts[i].format == weight_format::uniform);
}

TEST_CASE("cost: systolic estimate of a 1024 x 1024 layer per policy") {
  constexpr auto s8 = cost::estimate<q_dense<quant::int8, 1024, 1024>, array_hw>(1);
  constexpr auto b1 = cost::estimate<q_dense<quant::binary, 1024, 1024>, array_hw>(1);
  constexpr auto xn = cost::estimate<q_dense<quant::xnor, 1024, 1024>, array_hw>(1);
  constexpr auto t2 = cost::estimate<q_dense<quant::ternary, 1024, 1024>, array_hw>(1);
  constexpr auto sh = cost::estimate<q_dense<quant::shared<16>, 1024, 1024>, array_hw>(1);
  static_assert(s8.fits && b1.fits && t2.fits && sh.fits);
  // Stored bytes: 1, 2, 4 bits per weight (+ the 64-byte codebook).
  CHECK(b1.total.weight_bytes == 1024 * 1024 / 8);
  CHECK(t2.total.weight_bytes == 1024 * 1024 / 4);
  CHECK(sh.total.weight_bytes == 1024 * 1024 / 2 + 64);
  CHECK(sh.fit.weight_bytes == 1024 * 1024 / 2 + 64);
  // The array runs as many MAC cycles; weight traffic and MAC energy fall with the format.
  CHECK(b1.total.compute_cycles == s8.total.compute_cycles);
  CHECK(b1.total.sram.filter_read == doctest::Approx(s8.total.sram.filter_read / 8));
  CHECK(b1.total.energy.compute_pj == doctest::Approx(s8.total.energy.compute_pj * 0.13 / 0.3));
  CHECK(xn.total.energy.compute_pj < b1.total.energy.compute_pj / 10);
  CHECK(xn.total.sram.ifmap_read == doctest::Approx(b1.total.sram.ifmap_read / 8));
  // Weight sharing: the accumulation (fp32 adds) plus 1024 outputs x 16 centroid MACs,
  // one output per PE: ceil(1024 / 1024) arrays x 16 cycles.
  const double macs = 1024.0 * 1024.0;
  CHECK(sh.total.macs == doctest::Approx(macs + 1024.0 * 16));
  CHECK(sh.total.energy.compute_pj == doctest::Approx(macs * 0.9 + 1024.0 * 16 * 4.6));
  constexpr auto f32 = cost::estimate<q_dense<quant::f32, 1024, 1024>, array_hw>(1);
  CHECK(sh.total.compute_cycles == f32.total.compute_cycles + 16);
  CHECK(sh.total.energy.compute_pj < f32.total.energy.compute_pj / 4);
}

TEST_CASE("cost: Epiphany cycles per MAC and mapping of binary, ternary and shared weights") {
  // Codebook labels: shift, mask, and a load of the centroid (IALU), no FLOAT.
  const auto c = hw::epiphany_cycles_per_mac(4, 5, weight_format::codebook);
  CHECK(c.ialu_ops == doctest::Approx(1.0 + (0.5 / 8 + 3.0) / 5));
  CHECK(c.fpu_ops == doctest::Approx(1.0));
  CHECK(c.cycles == doctest::Approx(c.ialu_ops));
  // Binary and ternary take the 1- and 2-bit paths of the Streaming Tiles model unchanged.
  CHECK(hw::epiphany_cycles_per_mac(1, 5, weight_format::binary).cycles ==
        hw::epiphany_cycles_per_mac(1, 5).cycles);
  CHECK(hw::epiphany_cycles_per_mac(2, 5, weight_format::ternary).cycles ==
        hw::epiphany_cycles_per_mac(2, 5).cycles);

  auto uniform4 = cost::nets::alexnet_conv_workload(4);
  auto shared16 = uniform4;
  auto binary = cost::nets::alexnet_conv_workload(1);
  auto uniform1 = binary;
  for (auto& l : shared16)
    for (std::size_t i = 0; i < l.n_gemms; ++i) l.gemms[i] = cost::quantized<quant::shared<16>>(l.gemms[i]);
  for (auto& l : binary)
    for (std::size_t i = 0; i < l.n_gemms; ++i) l.gemms[i].format = weight_format::binary;
  const auto p = hw::epiphany<1024, 32>::params();
  const auto ru = cost::map_streaming_tiles(uniform4, p), rs = cost::map_streaming_tiles(shared16, p);
  const auto rb = cost::map_streaming_tiles(binary, p), r1 = cost::map_streaming_tiles(uniform1, p);
  CHECK(rb.fps == r1.fps);
  CHECK(rb.cores == r1.cores);
  // The centroid load makes each MAC dearer, the codebook takes room in every core.
  CHECK(rs.max_load_cycles > ru.max_load_cycles * 1.0);
  for (std::size_t j = 0; j < rs.n_layers; ++j) CHECK(rs.layers[j].X >= ru.layers[j].X);
  // An explicit --bits overrides the policy: a uniform sweep.
  cost::streaming_options o;
  o.bits = 4;
  const auto ro = cost::map_streaming_tiles(shared16, p, o);
  CHECK(ro.fps == ru.fps);
}
