// Winograd F(2x2, 3x3) building blocks: tile geometry, the input / output transforms (for
// floats and batches alike), the vector input pass and the interleaving output stores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>

#include "ember/kernels/conv2d_stage.hpp"
#include "ember/kernels/conv_plan.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/lanes.hpp"

namespace ember::kernels {

/// fp32 layers that take this path: 3x3, stride 1, dilation 1, one group, and enough
/// channels for the transforms (O(Cin + Cout) per tile) to pay for themselves.
constexpr bool winograd_eligible(const conv2d_spec& s) noexcept {
  return s.kernel == 3 && s.stride == 1 && s.dilation == 1 && s.groups == 1 && s.in_channels >= 4 &&
         s.out_channels >= 8;
}

/// th x tw tiles of 2x2 outputs; tile (i, j) reads the 4x4 window at (2i, 2j) of the padded
/// input (extended with zeros to 2 th + 2 rows and 2 tw + 2 columns). The input is staged
/// stride-2 polyphase (`in`), so input (r, c) of tile q = i * in.wph + j sits in phase
/// (r % 2, c % 2) at q + (r / 2) * in.wph + c / 2: contiguous across tiles of a row.
struct winograd_grid {
  std::size_t th = 1, tw = 1;
  grid2d in{};
  std::size_t q_count = 1;  // th * in.wph tiles (one junk tile closes each tile row)
  std::size_t q_reach = 16; // tiles a vector pass touches (flat or row tiling), rounded to 16
  std::size_t plane = 16;   // floats between transformed channels (odd number of 64-byte lines)
};

constexpr winograd_grid make_winograd_grid(const conv2d_spec& s) noexcept {
  const grid2d g = s.grid();
  winograd_grid w;
  w.th = ceil_div(g.hout(), 2);
  w.tw = ceil_div(g.wout(), 2);
  w.in.h = {s.height, 4, 2, 1, g.h.before, 2 * w.th + 2 - s.height - g.h.before};
  w.in.w = {s.width, 4, 2, 1, g.w.before, 2 * w.tw + 2 - s.width - g.w.before};
  w.in.hph = w.in.h.phase_len();
  w.in.wph = w.in.w.phase_len();
  w.in.plane = round_up(4 * w.in.hph * w.in.wph, q_align);
  if ((w.in.plane / q_align) % 2 == 0) w.in.plane += q_align;
  w.q_count = w.th * w.in.wph;
  const std::size_t rows_end = (w.th - 1) * w.in.wph + round_up(w.tw, q_align);
  w.q_reach = round_up(w.q_count > rows_end ? w.q_count : rows_end, q_align);
  w.in.q_count = w.q_count;
  w.in.q_span = w.q_reach;
  w.plane = w.q_reach + ((w.q_reach / q_align) % 2 == 0 ? q_align : 0);
  return w;
}

/// Tiles in vectors of L: row tiling when a tile row fills a vector (its outputs are then
/// whole output rows), flat tiling otherwise (fewer vectors, junk tiles dropped).
constexpr vector_tiling winograd_tiling(const winograd_grid& w, std::size_t lanes) noexcept {
  if (w.tw >= lanes) return {true, lanes, ceil_div(w.tw, lanes), w.in.wph, w.th * ceil_div(w.tw, lanes)};
  return {false, lanes, 1, lanes, ceil_div(w.q_count, lanes)};
}

namespace winograd {
// V = B^T d B, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1] (d, v: 16 values, row-major).
template <class V>
EMBER_ALWAYS_INLINE void input(const V (&d)[16], V (&v)[16]) noexcept {
  V t[16];
  for (std::size_t c = 0; c < 4; ++c) {
    t[c] = d[c] - d[8 + c];
    t[4 + c] = d[4 + c] + d[8 + c];
    t[8 + c] = d[8 + c] - d[4 + c];
    t[12 + c] = d[4 + c] - d[12 + c];
  }
  for (std::size_t r = 0; r < 4; ++r) {
    v[4 * r] = t[4 * r] - t[4 * r + 2];
    v[4 * r + 1] = t[4 * r + 1] + t[4 * r + 2];
    v[4 * r + 2] = t[4 * r + 2] - t[4 * r + 1];
    v[4 * r + 3] = t[4 * r + 1] - t[4 * r + 3];
  }
}
// y = A^T m A + bias, A^T = [1 1 1 0; 0 1 -1 -1]; y[2 a + b] is output (a, b) of the tile.
template <class V>
EMBER_ALWAYS_INLINE void output(const V (&m)[16], const V& bias, V (&y)[4]) noexcept {
  V s[8];
  for (std::size_t c = 0; c < 4; ++c) {
    s[c] = (m[c] + m[4 + c]) + m[8 + c];
    s[4 + c] = (m[4 + c] - m[8 + c]) - m[12 + c];
  }
  for (std::size_t a = 0; a < 2; ++a) {
    y[2 * a] = ((s[4 * a] + s[4 * a + 1]) + s[4 * a + 2]) + bias;
    y[2 * a + 1] = ((s[4 * a + 1] - s[4 * a + 2]) - s[4 * a + 3]) + bias;
  }
}
}  // namespace winograd

#if EMBER_HAS_XSIMD
/// Transforms the NV vectors of tiles js .. of tiling t, for every staged channel, into
/// v[(xi * cin + ci) * NV * L + j * L] (a tile's V stays in L1 for its 16 GEMMs).
template <class A, std::size_t NV>
void winograd_input(const winograd_grid& wg, const vector_tiling& t, std::size_t js, std::size_t cin, const float* st,
                    float* v) noexcept {
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size;
  const std::size_t pp = wg.in.hph * wg.in.wph;
  for (std::size_t ci = 0; ci < cin; ++ci) {
    const float* base = st + ci * wg.in.plane;
    for (std::size_t j = 0; j < NV; ++j) {
      const float* b = base + t.offset(js + j);
      B d[16], o[16];
      EMBER_UNROLL for (std::size_t k = 0; k < 16; ++k) {
        const std::size_t r = k / 4, c = k % 4;
        d[k] = simd::load<float, A>(b + ((r % 2) * 2 + c % 2) * pp + (r / 2) * wg.in.wph + c / 2);
      }
      winograd::input(d, o);
      EMBER_UNROLL for (std::size_t k = 0; k < 16; ++k) simd::store_aligned(v + ((k * cin + ci) * NV + j) * L, o[k]);
    }
  }
}

/// Where the outputs of the L tiles q .. q + L - 1 go: pieces of consecutive tiles in one
/// tile row (junk tiles skipped). A tile's outputs (a, b) are interleaved with zip, so the
/// 2n tiles' columns of output row 2i + a are one run of lanes of (lo, hi).
template <std::size_t L>
struct winograd_stores {
  struct piece {
    std::uint32_t row, col, lane, n;  // tile row, first tile column, first lane, tiles
  };
  piece p[L + 1];
  std::uint32_t count;

  void set(const winograd_grid& wg, std::size_t q) noexcept {
    const std::size_t wph = wg.in.wph;
    std::size_t i = q / wph, j = q - i * wph, lane = 0;
    count = 0;
    while (lane < L && i < wg.th) {
      const std::size_t span = std::min(L - lane, wph - j);
      if (j < wg.tw) p[count++] = {std::uint32_t(i), std::uint32_t(j), std::uint32_t(lane), std::uint32_t(std::min(span, wg.tw - j))};
      lane += span;
      ++i;
      j = 0;
    }
  }
  /// Row tiling: tiles j0 .. of tile row i.
  void set_row(const winograd_grid& wg, std::size_t i, std::size_t j0) noexcept {
    p[0] = {std::uint32_t(i), std::uint32_t(j0), 0u, std::uint32_t(std::min(L, wg.tw - j0))};
    count = 1;
  }
  /// o[2a + b]: output (a, b) of each tile; Wide: an output row can take 2L columns.
  template <bool Wide, class V>
  void store(float* y, const V (&o)[4], std::size_t hout, std::size_t wout) const noexcept {
    V lo[2], hi[2];
    simd::zip(o[0], o[1], lo[0], hi[0]);
    simd::zip(o[2], o[3], lo[1], hi[1]);
    for (std::uint32_t k = 0; k < count; ++k) {
      for (std::size_t a = 0; a < 2; ++a) {
        const std::size_t row = 2 * p[k].row + a, col = 2 * p[k].col;
        if (row >= hout) continue;
        const std::size_t s = 2 * p[k].lane, e = s + std::min<std::size_t>(2 * p[k].n, wout - col);
        float* dst = y + row * wout + col;
        if (Wide && s == 0 && e == 2 * L) {
          simd::store(dst, lo[a]);
          simd::store(dst + L, hi[a]);
          continue;
        }
        if (s < L) simd::store_lanes(dst, lo[a], s, std::min(e, L) - s);
        if (e > L) simd::store_lanes(dst + (std::max(s, L) - s), hi[a], std::max(s, L) - L, e - std::max(s, L));
      }
    }
  }
};
#endif

}  // namespace ember::kernels
