// cost::estimate on hw::pe_array: weight blocks tiled onto PEs (all resident), one output
// per PE per cycle, inputs over the crossbar, energy from the 45 nm table scaled by bits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ember/cost/energy.hpp"
#include "ember/cost/estimate.hpp"
#include "ember/cost/fits.hpp"
#include "ember/cost/hw/pe_array.hpp"
#include "ember/cost/pe_array_report.hpp"
#include "ember/cost/workload.hpp"

namespace ember::cost {

namespace detail::pe {

struct shape { std::uint64_t rows = 0, cols = 0, count = 0; };

// The diagonal blocks of a GEMM in at most three shape classes (dense: one block N x K;
// circulant weights are stored expanded: a PE multiplies stored weights, it has no FFT).
constexpr std::size_t diag_classes(const gemm& g, std::array<shape, 3>& out) noexcept {
  const std::uint64_t B = g.diag_blocks > 1 ? g.diag_blocks : 1, n = g.N / B, a = g.N % B, k = g.K / B, c = g.K % B;
  std::size_t m = 0;
  const auto push = [&](std::uint64_t r, std::uint64_t cc, std::uint64_t cnt) {
    if (r > 0 && cc > 0 && cnt > 0) out[m++] = {r, cc, cnt};
  };
  const std::uint64_t both = a < c ? a : c;
  push(n + 1, k + 1, both);
  if (a > c) push(n + 1, k, a - c);
  else push(n, k + 1, c - a);
  push(n, k, B - (a > c ? a : c));
  return m;
}

template <energy_table E>
constexpr double add_pj(unsigned bits, bool fp) noexcept { return fp ? E::fp_add_pj(32) : E::int_add_pj(bits); }

// A binary tree reducing n products of p bits: level l adds floor(m / 2) pairs of
// (p + l - 1)-bit numbers into (p + l)-bit sums.
template <energy_table E>
constexpr double tree_pj(std::uint64_t n, unsigned p, bool fp) noexcept {
  double e = 0;
  for (unsigned l = 1; n > 1; ++l) {
    const std::uint64_t adds = n / 2;
    e += double(adds) * add_pj<E>(p + l, fp);
    n -= adds;
  }
  return e;
}

struct pe_tables {
  std::array<std::uint64_t, hw::pe_array_max_pes> used{};  // SRAM rows used, whole model
  std::array<std::uint64_t, hw::pe_array_max_pes> rows{}, ins{};  // per vector, current GEMM
};

// Places `count` tiles of (rows, cols) on the PEs: the PE with the fewest output rows in
// this GEMM that still has SRAM rows free (LPT; ties by fewer inputs, then index); all
// PEs equally loaded take whole rounds at once. Returns false if some tile had no room
// (it is then placed on the least loaded PE anyway, so cycles and energy stay defined).
constexpr bool place(pe_tables& t, const hw::pe_array_config& h, shape s) noexcept {
  const std::size_t P = h.pes;
  const std::uint64_t cap = h.rows_per_pe();
  bool ok = true;
  std::uint64_t left = s.count;
  while (left > 0) {
    bool uniform = true;
    std::uint64_t min_free = ~std::uint64_t{0};
    for (std::size_t p = 0; p < P; ++p) {
      uniform = uniform && t.rows[p] == t.rows[0] && t.ins[p] == t.ins[0];
      const std::uint64_t f = t.used[p] < cap ? cap - t.used[p] : 0;
      min_free = f < min_free ? f : min_free;
    }
    const std::uint64_t rounds = left / P;
    if (uniform && rounds > 0 && min_free >= rounds * s.rows) {
      for (std::size_t p = 0; p < P; ++p)
        t.rows[p] += rounds * s.rows, t.ins[p] += rounds * s.cols, t.used[p] += rounds * s.rows;
      left -= rounds * P;
      continue;
    }
    std::size_t best = P, any = 0;
    for (std::size_t p = 0; p < P; ++p) {
      const auto better = [&](std::size_t q) {
        return t.rows[p] != t.rows[q] ? t.rows[p] < t.rows[q] : t.ins[p] < t.ins[q];
      };
      if (better(any)) any = p;
      if (t.used[p] + s.rows <= cap && (best == P || better(best))) best = p;
    }
    if (best == P) ok = false, best = any;
    t.rows[best] += s.rows, t.ins[best] += s.cols, t.used[best] += s.rows;
    --left;
  }
  return ok;
}

template <energy_table E>
constexpr pe_layer_cost cost_gemm(const gemm& g, const hw::pe_array_config& h, pe_tables& t, bool& room,
                                  std::uint64_t& rows_needed) noexcept {
  pe_layer_cost c{};
  const std::uint64_t BR = h.block_rows, BC = h.block_cols;
  const double vectors = double(g.M) * double(g.repeat);
  const unsigned wb = h.weight_bits, ab = h.act_bits, p = wb + ab;
  const bool fp = (wb > ab ? wb : ab) >= 32;
  const unsigned acc = p + h.tree_depth() > 64 ? 64 : p + h.tree_depth();
  const double e_bit = E::sram_read_64b_pj(h.sram_bytes_per_pe()) / 64.0;
  const double e_route = E::sram_read_64b_pj(8 * 1024) / 64.0;  // see docs/cost_model.md
  const double mult = fp ? E::fp_mult_pj(32) : E::int_mult_pj(wb > ab ? wb : ab);
  const unsigned accc = acc > 32 ? 32 : acc;
  const double epi = fp ? E::fp_mult_pj(32) + 2 * E::fp_add_pj(32)
                        : E::int_mult_pj(accc) + E::int_add_pj(accc) + 2 * E::int_add_pj(ab);
  for (std::size_t p0 = 0; p0 < h.pes; ++p0) t.rows[p0] = t.ins[p0] = 0;
  std::array<shape, 3> blocks{};
  const std::size_t nb = diag_classes(g, blocks);
  // Tiles of every diagonal block, largest first (rows, then columns).
  std::array<shape, 12> tiles{};
  std::size_t nt = 0;
  std::uint64_t max_col_tiles = 0, stored = 0, partial_rows = 0;
  for (std::size_t i = 0; i < nb; ++i) {
    const shape d = blocks[i];
    const std::uint64_t fr = d.rows / BR, rr = d.rows % BR, fc = d.cols / BC, rc = d.cols % BC;
    const std::uint64_t col_tiles = fc + (rc ? 1 : 0);
    max_col_tiles = col_tiles > max_col_tiles ? col_tiles : max_col_tiles;
    partial_rows += d.count * d.rows * (col_tiles - 1);
    const shape cand[4] = {{BR, BC, fr * fc}, {BR, rc, rc ? fr : 0u}, {rr, BC, rr ? fc : 0u}, {rr, rc, rr && rc ? 1u : 0u}};
    for (const auto& s : cand)
      if (s.rows && s.cols && s.count) tiles[nt++] = {s.rows, s.cols, s.count * d.count};
  }
  for (std::size_t i = 1; i < nt; ++i)
    for (std::size_t j = i; j > 0 && (tiles[j].rows > tiles[j - 1].rows ||
                                      (tiles[j].rows == tiles[j - 1].rows && tiles[j].cols > tiles[j - 1].cols)); --j) {
      const shape tmp = tiles[j];
      tiles[j] = tiles[j - 1], tiles[j - 1] = tmp;
    }
  double tree = 0, inputs = 0;
  for (std::size_t i = 0; i < nt; ++i) {
    room = place(t, h, tiles[i]) && room;
    c.tiles += tiles[i].count;
    rows_needed += tiles[i].count * tiles[i].rows;
    stored += tiles[i].count * tiles[i].rows * tiles[i].cols;
    c.stored_bits += tiles[i].count * tiles[i].rows * h.row_bits();
    tree += double(tiles[i].count * tiles[i].rows) * tree_pj<E>(tiles[i].cols, p, fp);
    inputs += double(tiles[i].count * tiles[i].cols);
  }
  for (std::size_t p0 = 0; p0 < h.pes; ++p0) {
    c.max_pe_rows = t.rows[p0] > c.max_pe_rows ? t.rows[p0] : c.max_pe_rows;
    c.max_pe_inputs = t.ins[p0] > c.max_pe_inputs ? t.ins[p0] : c.max_pe_inputs;
  }
  const std::uint64_t per_vector = c.max_pe_rows > c.max_pe_inputs ? c.max_pe_rows : c.max_pe_inputs;
  c.steady_cycles = g.M * g.repeat * per_vector;
  c.fill_cycles = g.repeat * (h.pipeline_depth() + (max_col_tiles > 1 ? 1 : 0));
  c.dense_macs = g.dense_macs();
  c.macs = double(stored) * vectors;
  c.energy.memory_pj = c.macs * double(wb) * e_bit;
  c.energy.multiplier_pj = c.macs * mult;
  c.energy.adder_tree_pj = vectors * (tree + double(partial_rows) * add_pj<E>(acc, fp));
  c.energy.epilogue_pj = vectors * double(g.N) * epi;
  c.energy.routing_pj = vectors * (inputs * ab + double(partial_rows) * acc) * e_route;
  return c;
}

}  // namespace detail::pe

/// The PE-array estimate of a workload: each GEMM's diagonal blocks are cut into tiles of
/// at most BlockRows x BlockCols, all tiles of the model stay resident in the PEs' SRAM,
/// and a GEMM takes repeat x (M x max over PEs of max(rows, inputs) + pipeline depth)
/// cycles. Element-wise stages other than the per-output epilogue are not modelled; delta
/// density does not shorten a spatial PE's cycle. docs/cost_model.md has every formula.
template <energy_table E = horowitz_45nm, std::size_t N>
constexpr pe_array_report<N> estimate_pe_array(const std::array<layer_workload, N>& ws,
                                               const hw::pe_array_config& h) noexcept {
  pe_array_report<N> r{};
  r.hw = h;
  r.energy_table = E::name;
  detail::pe::pe_tables t{};
  bool room = true, precise = true;
  pe_layer_cost& tot = r.total;
  tot.name = "total";
  for (std::size_t i = 0; i < N; ++i) {
    pe_layer_cost& l = r.layers[i];
    l.name = ws[i].name;
    for (std::size_t j = 0; j < ws[i].n_gemms && j < ws[i].gemms.size(); ++j) {
      const gemm& g = ws[i].gemms[j];
      precise = precise && g.weight_bits <= h.weight_bits && g.act_bits <= h.act_bits;
      const pe_layer_cost c = detail::pe::cost_gemm<E>(g, h, t, room, r.rows_needed);
      l.dense_macs += c.dense_macs, l.macs += c.macs, l.tiles += c.tiles, l.stored_bits += c.stored_bits;
      l.max_pe_rows = c.max_pe_rows > l.max_pe_rows ? c.max_pe_rows : l.max_pe_rows;
      l.max_pe_inputs = c.max_pe_inputs > l.max_pe_inputs ? c.max_pe_inputs : l.max_pe_inputs;
      l.steady_cycles += c.steady_cycles, l.fill_cycles += c.fill_cycles;
      l.energy += c.energy;
    }
    const double cap = double(h.pes) * double(h.block_cols) * double(l.cycles());
    l.utilization = cap > 0 ? l.macs / cap : 0.0;
    tot.dense_macs += l.dense_macs, tot.macs += l.macs, tot.tiles += l.tiles, tot.stored_bits += l.stored_bits;
    tot.max_pe_rows = l.max_pe_rows > tot.max_pe_rows ? l.max_pe_rows : tot.max_pe_rows;
    tot.max_pe_inputs = l.max_pe_inputs > tot.max_pe_inputs ? l.max_pe_inputs : tot.max_pe_inputs;
    tot.steady_cycles += l.steady_cycles, tot.fill_cycles += l.fill_cycles;
    tot.energy += l.energy;
  }
  const double cap = double(h.pes) * double(h.block_cols) * double(tot.cycles());
  tot.utilization = cap > 0 ? tot.macs / cap : 0.0;
  r.rows_available = std::uint64_t(h.pes) * h.rows_per_pe();
  for (std::size_t p = 0; p < h.pes; ++p) r.max_pe_rows_used = t.used[p] > r.max_pe_rows_used ? t.used[p] : r.max_pe_rows_used;
  r.rule = !precise ? pe_fit_rule::precision_exceeds_pe : !room ? pe_fit_rule::weights_exceed_pe_sram : pe_fit_rule::fits;
  r.fits = r.rule == pe_fit_rule::fits;
  r.reason = to_string(r.rule);
  return r;
}

/// estimate<HW>(workload) and estimate<Model, HW>(seq_len) for PE arrays.
template <class HW, std::size_t N>
  requires hw::pe_array_model<HW>
constexpr pe_array_report<N> estimate(const std::array<layer_workload, N>& ws) noexcept {
  return estimate_pe_array<typename HW::energy_table>(ws, HW::config);
}
template <class HW>
  requires hw::pe_array_model<HW>
constexpr pe_array_report<1> estimate(const layer_workload& w) noexcept {
  return estimate_pe_array<typename HW::energy_table>(std::array<layer_workload, 1>{w}, HW::config);
}
template <has_workload Model, hw::pe_array_model HW>
constexpr auto estimate(std::size_t seq_len = 1) noexcept {
  return estimate<HW>(Model::workload(seq_len));
}

/// cost::fits<Model, HW> for PE arrays: every weight tile resident in some PE's SRAM, at
/// widths the multipliers take, for seq_len = 1.
template <has_workload Model, hw::pe_array_model HW>
struct fits_trait<Model, HW> {
  static constexpr bool value = estimate<Model, HW>(1).fits;
};

// On failure the compiler shows <weight rows needed, rows the PEs hold> (each row is
// BlockCols x Bits bits); a fragmentation failure shows the busiest PE against one PE.
template <std::uint64_t RowsNeeded, std::uint64_t RowsAvailable>
inline constexpr bool weight_rows_fit_pe_sram = RowsNeeded <= RowsAvailable;
template <bool Precise>
inline constexpr bool pe_multipliers_wide_enough = Precise;

namespace detail::pe {
template <std::uint64_t Need, std::uint64_t Have>
consteval bool check_rows() {
  static_assert(weight_rows_fit_pe_sram<Need, Have>,
                "ember::cost::require_fit: the model's weight tiles do not fit the PEs' SRAM; "
                "weight_rows_fit_pe_sram<rows needed, rows held> shows the numbers (one row = BlockCols "
                "weights; use matvec::block_diagonal<B> or fewer bits, or a larger kib<N>)");
  return true;
}
template <bool Precise>
consteval bool check_precision() {
  static_assert(pe_multipliers_wide_enough<Precise>,
                "ember::cost::require_fit: the model's weights or activations are wider than the PE "
                "multipliers (hw::pe_array's Bits / act_bits<N>)");
  return true;
}
}  // namespace detail::pe

/// `static_assert(cost::require_fit<Net, HW>());` for a PE array: fails to compile, naming
/// the rule and the rows, when Net does not fit.
template <has_workload Model, hw::pe_array_model HW, std::size_t SeqLen = 1>
consteval bool require_fit() {
  constexpr auto r = estimate<Model, HW>(SeqLen);
  constexpr bool precise = r.rule != pe_fit_rule::precision_exceeds_pe;
  constexpr std::uint64_t need = r.rule == pe_fit_rule::weights_exceed_pe_sram && r.rows_needed <= r.rows_available
                                     ? r.max_pe_rows_used : r.rows_needed;
  constexpr std::uint64_t have = r.rule == pe_fit_rule::weights_exceed_pe_sram && r.rows_needed <= r.rows_available
                                     ? r.hw.rows_per_pe() : r.rows_available;
  return detail::pe::check_precision<precise>() && detail::pe::check_rows<need, have>();
}

}  // namespace ember::cost
