// Compile-time geometry of convolution and pooling windows: PyTorch's padding rules, output
// sizes, the staged (padded, polyphase) input the 2D kernels read, and their register tiles.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ember/core/fixed_point.hpp"
#include "ember/simd/arch.hpp"

namespace ember {

/// How a convolution or pooling layer pads its input with zeros (-inf for max pooling),
/// with PyTorch's rules. A structural type: layers take it as a template argument.
struct padding {
  enum class mode : unsigned char { symmetric, same, causal };
  mode kind = mode::symmetric;
  std::size_t amount = 0;  ///< zeros on each side (symmetric only)

  /// Padding before the input for a window whose taps span `reach` = dilation * (kernel - 1).
  constexpr std::size_t before(std::size_t reach) const noexcept {
    return kind == mode::symmetric ? amount : kind == mode::same ? reach / 2 : reach;
  }
  /// Padding after the input ('same' puts the odd zero after, as torch.nn.Conv1d/2d do).
  constexpr std::size_t after(std::size_t reach) const noexcept {
    return kind == mode::symmetric ? amount : kind == mode::same ? reach - reach / 2 : 0;
  }
};

namespace pad {
/// No padding (PyTorch padding=0 / 'valid').
inline constexpr padding valid{};
/// Output as long as the input (PyTorch padding='same'; stride 1 only, as in PyTorch).
inline constexpr padding same{padding::mode::same, 0};
/// (kernel - 1) * dilation zeros before the input, none after: output t sees inputs <= t.
inline constexpr padding causal{padding::mode::causal, 0};
/// n zeros on each side (PyTorch padding=n).
constexpr padding symmetric(std::size_t n) noexcept { return {padding::mode::symmetric, n}; }
}  // namespace pad

namespace kernels {

/// One spatial axis of a sliding window.
struct window_axis {
  std::size_t in = 1, kernel = 1, stride = 1, dilation = 1, before = 0, after = 0;

  constexpr std::size_t reach() const noexcept { return dilation * (kernel - 1); }
  constexpr std::size_t padded() const noexcept { return in + before + after; }
  /// Output length: floor((padded - reach - 1) / stride) + 1, 0 if the window does not fit.
  constexpr std::size_t out() const noexcept {
    return padded() > reach() ? (padded() - reach() - 1) / stride + 1 : 0;
  }
  /// Length of one polyphase component of the padded input.
  constexpr std::size_t phase_len() const noexcept { return ceil_div(padded(), stride); }
};

constexpr window_axis make_axis(std::size_t in, std::size_t kernel, std::size_t stride, std::size_t dilation,
                                padding p) noexcept {
  const std::size_t reach = dilation * (kernel - 1);
  return {in, kernel, stride, dilation, p.before(reach), p.after(reach)};
}

/// Pixels of one vector tile step: the widest vector (16 floats, or 16 quantized pixels of
/// 4 bytes) never reads or writes past a multiple of this many output pixels.
inline constexpr std::size_t q_align = 16;

/// The staged 2D input. Each channel unit (one float channel, or a quad / pair of quantized
/// channels) is padded and split into stride x stride phase planes of hph x wph pixels;
/// output pixel (oh, ow) is the flat index q = oh * wph + ow, and tap (kh, kw) of every
/// output reads unit_base + tap_offset(kh, kw) + q: one stride-1 address pattern for any
/// stride, dilation and padding. Columns ow >= wout of each row are computed and dropped.
struct grid2d {
  window_axis h, w;
  std::size_t hph = 1, wph = 1;  ///< phase plane rows, columns
  std::size_t plane = 16;        ///< pixels between units: stride^2 * hph * wph, rounded (below)
  std::size_t q_count = 1;       ///< hout * wph
  std::size_t q_span = 16;       ///< q_count rounded up to q_align

  constexpr std::size_t hout() const noexcept { return h.out(); }
  constexpr std::size_t wout() const noexcept { return w.out(); }
  constexpr std::size_t kernel() const noexcept { return h.kernel; }
  constexpr std::size_t taps() const noexcept { return h.kernel * w.kernel; }
  constexpr std::size_t stride() const noexcept { return h.stride; }
  /// Offset of tap (kh, kw) from a unit's base, in pixels.
  constexpr std::size_t tap_offset(std::size_t kh, std::size_t kw) const noexcept {
    const std::size_t s = stride(), dh = kh * h.dilation, dw = kw * w.dilation;
    return ((dh % s) * s + dw % s) * hph * wph + (dh / s) * wph + dw / s;
  }
  /// Pixels a staged buffer of `units` units needs, including the tail the vector tiles
  /// over-read (junk columns and the last partial vector), rounded to q_align.
  constexpr std::size_t staged_pixels(std::size_t units) const noexcept {
    std::size_t max_tap = 0;
    for (std::size_t kh = 0; kh < h.kernel; ++kh)
      for (std::size_t kw = 0; kw < w.kernel; ++kw) max_tap = tap_offset(kh, kw) > max_tap ? tap_offset(kh, kw) : max_tap;
    const std::size_t last = (units - 1) * plane + max_tap + q_span;
    return round_up(last > units * plane ? last : units * plane, q_align);
  }
};

constexpr grid2d make_grid2d(std::size_t height, std::size_t width, std::size_t kernel, std::size_t stride,
                             std::size_t dilation, padding p) noexcept {
  grid2d g;
  g.h = make_axis(height, kernel, stride, dilation, p);
  g.w = make_axis(width, kernel, stride, dilation, p);
  g.hph = g.h.phase_len();
  g.wph = g.w.phase_len();
  // An odd number of 64-byte lines between units: units a multiple of 4 KiB apart would
  // fall into the same L1 sets (a 1x1 convolution reads every unit at the same offset).
  g.plane = round_up(stride * stride * g.hph * g.wph, q_align);
  if ((g.plane / q_align) % 2 == 0) g.plane += q_align;
  g.q_count = g.h.out() * g.wph;
  g.q_span = round_up(g.q_count, q_align);
  return g;
}

/// Tap offsets of a grid, tap index kh * kernel + kw.
template <std::size_t Taps>
constexpr std::array<std::uint32_t, Taps> tap_offsets(const grid2d& g) noexcept {
  std::array<std::uint32_t, Taps> t{};
  for (std::size_t kh = 0; kh < g.h.kernel; ++kh)
    for (std::size_t kw = 0; kw < g.w.kernel; ++kw) t[kh * g.w.kernel + kw] = std::uint32_t(g.tap_offset(kh, kw));
  return t;
}

/// A 2D convolution's shape, as the kernels see it (a structural type: a template argument).
struct conv2d_spec {
  std::size_t in_channels = 1, height = 1, width = 1, out_channels = 1, kernel = 1;
  std::size_t stride = 1, dilation = 1, groups = 1;
  padding pad{};

  constexpr grid2d grid() const noexcept { return make_grid2d(height, width, kernel, stride, dilation, pad); }
  constexpr std::size_t cin_g() const noexcept { return in_channels / groups; }
  constexpr std::size_t cout_g() const noexcept { return out_channels / groups; }
  constexpr std::size_t taps() const noexcept { return kernel * kernel; }
  constexpr std::size_t out_pixels() const noexcept { return grid().hout() * grid().wout(); }
};

/// How the output pixels are cut into vectors of L pixels. Row tiling: vector j covers
/// output row j / vpr, columns (j % vpr) * L onward (no junk when L divides wout). Flat
/// tiling: vector j covers flat indices j * L .. (rows of wph, junk columns dropped); it
/// needs fewer vectors when rows are narrower than L. The staged input of vector j is at
/// offset(j) from a unit's base (plus the tap offset).
struct vector_tiling {
  bool rows = false;
  std::size_t lanes = 16, vpr = 1, pitch = 16;  // flat: vpr 1, pitch lanes
  std::size_t count = 1;                        // vectors covering the output

  constexpr std::size_t offset(std::size_t j) const noexcept { return (j / vpr) * pitch + (j % vpr) * lanes; }
  /// Tile sizes the tiling allows: a row-tiled tile holds whole rows or lies in one row.
  constexpr bool allows(std::size_t nv) const noexcept { return !rows || nv % vpr == 0 || vpr % nv == 0; }
  /// Vectors of a tile that are consecutive in the staged input (then the next row).
  constexpr std::size_t run(std::size_t nv) const noexcept { return rows && nv % vpr == 0 ? vpr : nv; }
};

constexpr vector_tiling make_tiling(const grid2d& g, std::size_t lanes) noexcept {
  const std::size_t flat = ceil_div(g.q_count, lanes), vpr = ceil_div(g.wout(), lanes);
  if (g.hout() * vpr < flat) return {true, lanes, vpr, g.wph, g.hout() * vpr};
  return {false, lanes, 1, lanes, flat};  // on a tie flat: same vectors, any tile size
}

/// Vector registers of arch A: a register tile of NC x NV accumulators also keeps
/// min(NC, NV) hoisted operands and one streamed operand live.
template <class A>
inline constexpr std::size_t vector_registers = A::float_lanes >= 16 ? 32 : 16;

namespace detail {
// A tile keeps nc * nv accumulators plus the hoisted operand set (the nv input vectors when
// nc > nv, else the nc broadcast weights) and one streamed operand in registers. At most
// 16 vectors: EMBER_UNROLL must unroll every tile loop fully to keep them in registers.
constexpr bool tile_fits(std::size_t nc, std::size_t nv, std::size_t registers) noexcept {
  return nv <= 16 && nc * nv + (nc > nv ? nv : nc) + 1 <= registers;
}
constexpr std::size_t max_tile_vectors(std::size_t nc, std::size_t registers) noexcept {
  std::size_t nv = 1;
  while (tile_fits(nc, nv + 1, registers)) ++nv;
  return nv;
}
// Modelled throughput of an nc x nv tile per k step: nc * nv FMAs against nc broadcasts
// plus nv input loads that usually split a cache line (counted twice), about two cycles of
// loop overhead and half a cycle per streamed vector (fitted on Sapphire Rapids: 9 x 3 and
// 12 x 2 reach ~85% of peak, 4 x 6 ~70%, 16 x 1 ~72%); times the fraction of channels and
// vectors that are not recomputed where the last block / tile overlaps.
constexpr double tile_score(std::size_t nc, std::size_t nv, std::size_t cout_g, std::size_t vecs) noexcept {
  const double fma = double(nc * nv), loads = double(nc + 2 * nv);
  const double k_eff = fma / ((fma > loads ? fma : loads) + 2.0 + 0.5 * double(nv));
  const double ch_eff = double(cout_g) / double(ceil_div(cout_g, nc) * nc);
  const double v_eff = double(vecs) / double(ceil_div(vecs, nv) * nv);
  return k_eff * ch_eff * v_eff;
}
constexpr std::size_t best_vectors(std::size_t nc, std::size_t cout_g, const vector_tiling& t,
                                   std::size_t registers) noexcept {
  std::size_t best = 1;
  for (std::size_t nv = 1; tile_fits(nc, nv, registers) && nv <= t.count; ++nv)
    if (t.allows(nv) && tile_score(nc, nv, cout_g, t.count) > tile_score(nc, best, cout_g, t.count) * 1.0001)
      best = nv;
  return best;
}
}  // namespace detail

/// Output channels per register tile, fixed at pack time (so from the native arch): the
/// nc (and its best nv) with the highest modelled throughput, never more than a group holds.
/// At least 4 when the group allows: every k step streams nv fresh input vectors, which
/// fewer than 4 channels cannot amortize (measured: a 1x1 tile runs 2x slower at 2 x 13).
constexpr std::size_t tile_channels(std::size_t cout_g, const vector_tiling& t) noexcept {
  const std::size_t registers = t.lanes >= 16 ? 32 : 16;
  std::size_t best = 1;
  double best_score = 0;
  for (std::size_t nc = cout_g < 4 ? cout_g : 4; nc <= 12 && nc <= cout_g && detail::tile_fits(nc, 1, registers); ++nc) {
    const double s = detail::tile_score(nc, detail::best_vectors(nc, cout_g, t, registers), cout_g, t.count);
    if (s > best_score * 1.0001) best = nc, best_score = s;
  }
  return best;
}

constexpr std::size_t tile_channels(std::size_t cout_g, const grid2d& g) noexcept {
  return tile_channels(cout_g, make_tiling(g, simd::native_float_lanes >= 8 ? simd::native_float_lanes : 8));
}

/// Vectors per register tile on arch A for nc channels under tiling t.
template <class A>
constexpr std::size_t tile_vectors(std::size_t nc, std::size_t cout_g, const vector_tiling& t) noexcept {
  return detail::best_vectors(nc, cout_g, t, vector_registers<A>);
}

}  // namespace kernels
}  // namespace ember
