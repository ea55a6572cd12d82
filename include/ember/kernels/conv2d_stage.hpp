// Staging a CHW tensor for the 2D kernels: padding and polyphase split into the grid2d
// layout, and the per-vector split of flat output indices q into output-row pieces.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ember/kernels/conv_plan.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/lanes.hpp"

namespace ember::kernels {

/// Columns j of a phase-b plane whose source column stride * j + b - before lies in [0, in).
struct phase_range {
  std::size_t first = 0, last = 0;  // [first, last)
};
constexpr phase_range valid_phase(const window_axis& a, std::size_t phase, std::size_t len) noexcept {
  const std::size_t s = a.stride;
  if (a.in + a.before <= phase) return {0, 0};
  std::size_t first = a.before > phase ? ceil_div(a.before - phase, s) : 0;
  std::size_t last = (a.in - 1 + a.before - phase) / s + 1;
  last = last < len ? last : len;
  first = first < last ? first : last;
  return {first, last};
}

/// Copies n floats (src stride `step`) to dst: vector loads for the common stride-1 rows.
EMBER_ALWAYS_INLINE void copy_strided(float* EMBER_RESTRICT dst, const float* EMBER_RESTRICT src, std::size_t n,
                                      std::size_t step) noexcept {
  std::size_t j = 0;
#if EMBER_HAS_XSIMD
  if (step == 1) {
    constexpr std::size_t L = simd::native_float_lanes;
    for (; j + L <= n; j += L) simd::store(dst + j, simd::load<float, simd::native>(src + j));
  }
#endif
  for (; j < n; ++j) dst[j] = src[j * step];
}

/// Copies `channels` CHW planes of x (grid g's input size) into st in grid g's staged
/// layout, `pad` in the padding (0 for convolutions, -inf for max pooling). The tail
/// beyond channels * g.plane is not touched.
inline void stage_planes(const grid2d& g, std::size_t channels, const float* x, float* st, float pad) noexcept {
  const std::size_t s = g.stride(), H = g.h.in, W = g.w.in;
  for (std::size_t c = 0; c < channels; ++c) {
    for (std::size_t a = 0; a < s; ++a) {
      const phase_range rows = valid_phase(g.h, a, g.hph);
      for (std::size_t b = 0; b < s; ++b) {
        const phase_range cols = valid_phase(g.w, b, g.wph);
        float* p = st + c * g.plane + (a * s + b) * g.hph * g.wph;
        std::fill(p, p + rows.first * g.wph, pad);
        for (std::size_t i = rows.first; i < rows.last; ++i) {
          float* row = p + i * g.wph;
          for (std::size_t j = 0; j < cols.first; ++j) row[j] = pad;
          if (cols.first < cols.last) {
            const float* src = x + (c * H + (s * i + a - g.h.before)) * W + (s * cols.first + b - g.w.before);
            copy_strided(row + cols.first, src, cols.last - cols.first, s);
          }
          for (std::size_t j = cols.last; j < g.wph; ++j) row[j] = pad;
        }
        std::fill(p + rows.last * g.wph, p + g.hph * g.wph, pad);
      }
    }
  }
}

/// Where the L output pixels q .. q + L - 1 of one vector go: pieces of consecutive lanes
/// that land in one output row (columns < wout, rows < hout); junk lanes are skipped.
template <std::size_t L>
struct q_pieces {
  std::uint32_t out[L + 1]{}, lane[L + 1]{}, n[L + 1]{};  // output offset, first lane, lane count
  std::uint32_t count = 0;
  bool full = false;  // one piece of all L lanes: a plain vector store
};

template <std::size_t L>
EMBER_ALWAYS_INLINE void split_q(const grid2d& g, std::size_t q, q_pieces<L>& p) noexcept {
  const std::size_t wph = g.wph, wout = g.wout(), hout = g.hout();
  std::size_t row = q / wph, col = q - row * wph, lane = 0;
  p.count = 0;
  p.full = row < hout && col + L <= wout;
  if (p.full) {
    p.out[0] = std::uint32_t(row * wout + col);
    return;
  }
  while (lane < L && row < hout) {
    const std::size_t span = std::min(L - lane, wph - col);
    if (col < wout) {
      p.out[p.count] = std::uint32_t(row * wout + col);
      p.lane[p.count] = std::uint32_t(lane);
      p.n[p.count] = std::uint32_t(std::min(span, wout - col));
      ++p.count;
    }
    lane += span;
    ++row;
    col = 0;
  }
}

/// Where each L-float chunk of a tile's output goes, computed once per tile and shared by
/// its channels. Row tiling: chunk k is n[k] lanes (0 .. L) at out offset off[k]; flat
/// tiling: pieces. Wide says an output row can hold a whole chunk (otherwise no plain
/// vector store is ever emitted, which also keeps GCC's bounds warnings quiet).
template <std::size_t L, std::size_t N, bool Rows, bool Wide>
struct tile_stores {
  std::uint32_t off[N], n[N];
  q_pieces<L> pieces[Rows ? 1 : N];

  EMBER_ALWAYS_INLINE void set_row(std::size_t k, const grid2d& g, std::size_t row, std::size_t col) noexcept {
    off[k] = std::uint32_t(row * g.wout() + col);
    n[k] = col < g.wout() ? std::uint32_t(std::min(L, g.wout() - col)) : 0u;
  }
  EMBER_ALWAYS_INLINE void set_flat(std::size_t k, const grid2d& g, std::size_t q) noexcept {
    split_q<L>(g, q, pieces[k]);
  }
#if EMBER_HAS_XSIMD
  template <class V>
  EMBER_ALWAYS_INLINE void store(float* y, const V& r, std::size_t k) const noexcept {
    if constexpr (Rows) {
      if (Wide && n[k] == L) simd::store(y + off[k], r);
      else if (n[k] > 0) simd::store_lanes(y + off[k], r, 0, n[k]);
    } else {
      const auto& p = pieces[k];
      if (Wide && p.full) simd::store(y + p.out[0], r);
      else for (std::uint32_t i = 0; i < p.count; ++i) simd::store_lanes(y + p.out[i], r, p.lane[i], p.n[i]);
    }
  }
#endif
};

}  // namespace ember::kernels
