// Staged words of the integer 2D convolutions: which input values share a 32-bit word (the
// unit of vpdpbusd / vpmaddwd), where each weight sits in its word, and the staging passes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ember/kernels/conv2d_stage.hpp"
#include "ember/kernels/conv_plan.hpp"
#include "ember/simd/x86_conv.hpp"

namespace ember::kernels {

/// How a quantized layer packs words. Channel words: per_word input channels of one pixel
/// (4 offset-binary bytes, or 2 int16), one word per (unit, tap). Row words (depthwise
/// byte path, stride 1, dilation 1): 4 consecutive columns of one channel, so one word
/// covers four taps of a kernel row and a 3x3 kernel needs 3 words instead of 9.
struct int_layout {
  bool row_words = false;
  std::size_t per_word = 4;  // channels per word (channel words)
  std::size_t units = 1;     // words per pixel and group
  std::size_t taps = 1;      // word taps per unit
  std::size_t row_quads = 1; // words per kernel row (row words)
};

constexpr int_layout make_int_layout(const conv2d_spec& s, bool byte_path) noexcept {
  int_layout l;
  l.per_word = byte_path ? 4 : 2;
  l.row_words = byte_path && s.cin_g() == 1 && s.stride == 1 && s.dilation == 1;
  l.units = l.row_words ? 1 : ceil_div(s.cin_g(), l.per_word);
  l.row_quads = ceil_div(s.kernel, 4);
  l.taps = l.row_words ? s.kernel * l.row_quads : s.taps();
  return l;
}

/// Word (unit * taps + tap) and bit shift of weight (ci, t = kh * K + kw).
struct weight_slot {
  std::size_t word;
  unsigned shift;
};
constexpr weight_slot slot_of(const int_layout& l, std::size_t kernel, std::size_t ci, std::size_t t) noexcept {
  if (l.row_words) return {(t / kernel) * l.row_quads + (t % kernel) / 4, unsigned(t % kernel % 4) * 8};
  return {(ci / l.per_word) * l.taps + t, unsigned(ci % l.per_word) * (32 / unsigned(l.per_word))};
}

/// Offsets (pixels) of the word taps from a unit's base.
template <std::size_t Taps>
constexpr std::array<std::uint32_t, Taps> word_offsets(const grid2d& g, const int_layout& l) noexcept {
  if (!l.row_words) return tap_offsets<Taps>(g);
  std::array<std::uint32_t, Taps> t{};
  for (std::size_t i = 0; i < Taps; ++i) t[i] = std::uint32_t((i / l.row_quads) * g.wph + (i % l.row_quads) * 4);
  return t;
}

#if EMBER_HAS_X86_DOT
/// Channel words of one group: unit u holds channels ch[4u ..] (nullptr: absent, zero).
/// Padding and absent channels are zero (0x80 bytes on the byte path).
template <std::size_t PerWord, class T>
void stage_channel_words(const grid2d& g, std::size_t units, const T* const* ch, std::size_t width, const T* zeros,
                         std::uint32_t* st) noexcept {
  constexpr bool bytes = PerWord == 4;
  constexpr std::uint32_t pad = bytes ? 0x80808080u : 0u;
  const std::size_t s = g.stride();
  for (std::size_t u = 0; u < units; ++u, ch += 4) {
    for (std::size_t a = 0; a < s; ++a) {
      const phase_range rows = valid_phase(g.h, a, g.hph);
      for (std::size_t b = 0; b < s; ++b) {
        const phase_range cols = valid_phase(g.w, b, g.wph);
        std::uint32_t* p = st + u * g.plane + (a * s + b) * g.hph * g.wph;
        for (std::size_t i = 0; i < g.hph; ++i) {
          std::uint32_t* row = p + i * g.wph;
          if (i < rows.first || i >= rows.last || cols.first == cols.last) {
            for (std::size_t j = 0; j < g.wph; ++j) row[j] = pad;
            continue;
          }
          for (std::size_t j = 0; j < cols.first; ++j) row[j] = pad;
          for (std::size_t j = cols.last; j < g.wph; ++j) row[j] = pad;
          const std::size_t src = (s * i + a - g.h.before) * width + (s * cols.first + b - g.w.before);
          const std::size_t n = cols.last - cols.first;
          if (s == 1) {
            const auto at = [&](std::size_t k) { return ch[k] ? ch[k] + src : zeros; };
            if constexpr (bytes) simd::x86::interleave4_s8(at(0), at(1), at(2), at(3), n, row + cols.first);
            else simd::x86::interleave2_s16(at(0), at(1), n, row + cols.first);
          } else {
            for (std::size_t j = 0; j < n; ++j) {
              std::uint32_t word = 0;
              for (std::size_t k = 0; k < PerWord; ++k) {
                const T v = ch[k] ? ch[k][src + s * j] : T(0);
                word |= (bytes ? std::uint32_t(std::uint8_t(v) ^ 0x80u) : std::uint32_t(std::uint16_t(v))) << (k * (32 / PerWord));
              }
              row[cols.first + j] = word;
            }
          }
        }
      }
    }
  }
}

/// Row words of one channel (stride 1): word (i, j) = offset-binary bytes of padded input
/// (i, j .. j + 3). `rows` is scratch for the padded channel, row_bytes(g) per row: it is
/// written whole before the sliding pass reads it (reading a row right after writing it at
/// another offset stalls store forwarding).
constexpr std::size_t row_bytes(const grid2d& g) noexcept { return round_up(g.wph + 32, 64); }

inline void stage_row_words(const grid2d& g, const std::int8_t* x, std::uint8_t* rows, std::uint32_t* st) noexcept {
  const std::size_t W = g.w.in, pitch = row_bytes(g);
  for (std::size_t i = 0; i < g.hph; ++i) {
    std::uint8_t* row = rows + i * pitch;
    const bool inside = i >= g.h.before && i - g.h.before < g.h.in;
    for (std::size_t j = 0; j < g.w.before; ++j) row[j] = 0x80;
    const std::int8_t* src = x + (inside ? i - g.h.before : 0) * W;
    for (std::size_t j = 0; j < W; ++j) row[g.w.before + j] = inside ? std::uint8_t(src[j] ^ 0x80) : std::uint8_t(0x80);
    for (std::size_t j = g.w.before + W; j < pitch; ++j) row[j] = 0x80;
  }
  for (std::size_t i = 0; i < g.hph; ++i) simd::x86::sliding_quads(rows + i * pitch, g.wph, st + i * g.wph);
}
#endif

}  // namespace ember::kernels
