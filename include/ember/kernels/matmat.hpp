// Multi-vector products Y = W X + c: one packed matrix applied to up to T prepared input
// vectors at once (an RNN's input projection of a sequence chunk, SRU's whole point).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "ember/kernels/matvec.hpp"
#include "ember/simd/x86_dot_multi.hpp"

namespace ember::kernels {

/// Up to T prepared right-hand sides of one matrix with Cols = N (what prepare_batch fills).
/// f32: a view of the caller's (T, N) rows; integer policies: T quantized vectors, each
/// with its own dynamic scale (per-vector quantization, exactly as prepare() does).
template <quant_policy Q, std::size_t N, std::size_t T>
struct input_batch;

template <std::size_t N, std::size_t T>
struct input_batch<quant::f32, N, T> {
  static constexpr std::size_t capacity = T;
  const float* x = nullptr;  // (T, N), row stride `stride`
  std::size_t stride = N;
  input_buffer<quant::f32, N> vector(std::size_t t) const noexcept { return {x + t * stride}; }
};

/// Other policies whose activations stay fp32 (quant::shared<K>): a view, as for f32.
template <quant_policy Q, std::size_t N, std::size_t T>
  requires(!Q::is_integer && !std::is_same_v<Q, quant::f32>)
struct input_batch<Q, N, T> {
  static constexpr std::size_t capacity = T;
  const float* x = nullptr;  // (T, N), row stride `stride`
  std::size_t stride = N;
  input_buffer<Q, N> vector(std::size_t t) const noexcept { return {x + t * stride}; }
};

template <quant_policy Q, std::size_t N, std::size_t T>
  requires Q::is_integer
struct input_batch<Q, N, T> {
  static constexpr std::size_t capacity = T;
  std::array<input_buffer<Q, N>, T> v{};
  const input_buffer<Q, N>& vector(std::size_t t) const noexcept { return v[t]; }
};

/// The batch type matching a packed matrix.
template <packed_weights M, std::size_t T>
using batch_for = input_batch<typename M::quant, M::cols, T>;

/// Prepares n <= T vectors xs[t * stride .. + N): a view for f32, else quantized one by one.
template <std::size_t N, std::size_t T, class Arch>
void prepare_batch(const float* xs, std::size_t, std::size_t stride, input_batch<quant::f32, N, T>& b,
                   Arch) noexcept {
  b.x = xs;
  b.stride = stride;
}
template <quant_policy Q, std::size_t N, std::size_t T, class Arch>
  requires(!Q::is_integer && !std::is_same_v<Q, quant::f32>)
void prepare_batch(const float* xs, std::size_t, std::size_t stride, input_batch<Q, N, T>& b, Arch) noexcept {
  b.x = xs;
  b.stride = stride;
}
template <quant_policy Q, std::size_t N, std::size_t T, class Arch>
  requires Q::is_integer
void prepare_batch(const float* xs, std::size_t n, std::size_t stride, input_batch<Q, N, T>& b, Arch arch) noexcept {
  for (std::size_t t = 0; t < n; ++t) prepare(std::span<const float, N>(xs + t * stride, N), b.v[t], arch);
}

#if EMBER_HAS_XSIMD
namespace detail {

// NP panels (NV = NP * 16 / L vectors of rows) against NT input vectors: each weight
// vector is loaded once per column and multiplied by NT broadcast inputs.
template <class A, std::size_t NP, std::size_t NT, std::size_t C>
EMBER_ALWAYS_INLINE void f32_tile(const float* EMBER_RESTRICT w, const float* const* x, float* const* out,
                                  const float* c) noexcept {
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size, V = panel_rows / L, NV = NP * V, stride = C * panel_rows;
  B acc[NT][NV];
  EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) {
    const B init = c ? simd::load<float, A>(c + v * L) : B(0.0f);
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) acc[t][v] = init;
  }
  for (std::size_t j = 0; j < C; ++j) {
    B wv[NV];
    EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v)
      wv[v] = simd::load_aligned<float, A>(w + (v / V) * stride + j * panel_rows + (v % V) * L);
    EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t) {
      const B xb(x[t][j]);
      EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) acc[t][v] = simd::fma(wv[v], xb, acc[t][v]);
    }
  }
  EMBER_UNROLL for (std::size_t t = 0; t < NT; ++t)
    EMBER_UNROLL for (std::size_t v = 0; v < NV; ++v) simd::store(out[t] + v * L, acc[t][v]);
}

// Time steps [t0, n) of the row group at panel p0, NT at a time, then smaller tiles.
template <class A, std::size_t NP, std::size_t NT, std::size_t R, std::size_t C, std::size_t T>
void f32_time_tiles(const packed_matrix<matvec::dense, quant::f32, R, C>& W, const input_batch<quant::f32, C, T>& in,
                    std::size_t p0, std::size_t t0, std::size_t n, float* ys, std::size_t ys_stride,
                    const float* c) noexcept {
  constexpr std::size_t G = NP * panel_rows;
  const std::size_t r0 = p0 * panel_rows;
  const float* wp = W.w.data() + p0 * W.panel_stride;
  for (; t0 + NT <= n; t0 += NT) {
    const float* xp[NT];
    float* op[NT];
    for (std::size_t i = 0; i < NT; ++i) xp[i] = in.x + (t0 + i) * in.stride;
    if (r0 + G <= R) {
      for (std::size_t i = 0; i < NT; ++i) op[i] = ys + (t0 + i) * ys_stride + r0;
      f32_tile<A, NP, NT, C>(wp, xp, op, c ? c + r0 : nullptr);
    } else {  // the group overhangs R: stage addend and results
      alignas(64) float cbuf[G], obuf[NT][G];
      for (std::size_t i = 0; i < G; ++i) cbuf[i] = (c && r0 + i < R) ? c[r0 + i] : 0.0f;
      for (std::size_t i = 0; i < NT; ++i) op[i] = obuf[i];
      f32_tile<A, NP, NT, C>(wp, xp, op, cbuf);
      for (std::size_t i = 0; i < NT; ++i)
        for (std::size_t r = 0; r0 + r < R; ++r) ys[(t0 + i) * ys_stride + r0 + r] = obuf[i][r];
    }
  }
  if constexpr (NT > 1) {
    if (t0 < n) f32_time_tiles<A, NP, NT / 2>(W, in, p0, t0, n, ys, ys_stride, c);
  }
}

template <class A>
struct f32_tiling {
  static constexpr std::size_t L = simd::batch<float, A>::size;
  static constexpr std::size_t NP = panel_rows / L >= 2 ? 1 : 2;  // >= 2 row vectors per group
  static constexpr std::size_t NV = NP * panel_rows / L;
  static constexpr std::size_t accumulators = (L >= 16 ? 32 : 16) / 2;  // half the register file
  static constexpr std::size_t NT = accumulators / NV >= 1 ? accumulators / NV : 1;
};

}  // namespace detail

/// fp32 vector kernel: row groups of NP panels, each streamed once per NT input vectors.
template <std::size_t R, std::size_t C, std::size_t T, simd::vector_arch A>
void matmat_kernel(const packed_matrix<matvec::dense, quant::f32, R, C>& W, const input_batch<quant::f32, C, T>& in,
                   std::size_t n, float* ys, std::size_t ys_stride, const float* c, A) noexcept {
  using tiling = detail::f32_tiling<A>;
  constexpr std::size_t panels = packed_matrix<matvec::dense, quant::f32, R, C>::panels;
  std::size_t p = 0;
  for (; p + tiling::NP <= panels; p += tiling::NP)
    detail::f32_time_tiles<A, tiling::NP, tiling::NT>(W, in, p, 0, n, ys, ys_stride, c);
  if constexpr (tiling::NP > 1) {
    for (; p < panels; ++p) detail::f32_time_tiles<A, 1, tiling::NT>(W, in, p, 0, n, ys, ys_stride, c);
  }
}
#endif

#if EMBER_HAS_X86_DOT
namespace detail {

// Integer epilogue of one vector over NP panels, identical to the matvec kernels' (see
// dense_s8.hpp): exact row sum - offset * sum(x), one conversion, fma(acc, sw * sx, c).
template <std::size_t NP, class Q, std::size_t R, std::size_t C, class A>
EMBER_ALWAYS_INLINE void s8_epilogue(const packed_matrix<matvec::dense, Q, R, C>& W, const std::int32_t* acc,
                                     const input_buffer<Q, C>& x, float* y, const float* c,
                                     std::size_t r0) noexcept {
  using M = packed_matrix<matvec::dense, Q, R, C>;
  using F = simd::batch<float, A>;
  using I = simd::batch<std::int32_t, A>;
  constexpr std::size_t L = F::size;
  if (r0 + NP * panel_rows <= R) {
    const I corr(M::offset * x.sum);
    const F sx(x.scale);
    EMBER_UNROLL for (std::size_t i = 0; i < NP * panel_rows; i += L) {
      const F a = simd::convert<float>(simd::load<std::int32_t, A>(acc + i) - corr);
      const F s = simd::load_aligned<float, A>(W.scale.data() + r0 + i) * sx;
      const F add = c ? simd::load<float, A>(c + r0 + i) : F(0.0f);
      simd::store(y + r0 + i, simd::fma(a, s, add));
    }
  } else {
    for (std::size_t i = 0; r0 + i < R; ++i)
      y[r0 + i] = dequant_epilogue(float(acc[i] - M::offset * x.sum), W.scale[r0 + i], x.scale,
                                   c ? c[r0 + i] : 0.0f);
  }
}

template <std::size_t NP, std::size_t NT, class Q, std::size_t R, std::size_t C, std::size_t T, class A>
void s8_time_tiles(const packed_matrix<matvec::dense, Q, R, C>& W, const input_batch<Q, C, T>& in, std::size_t p0,
                   std::size_t t0, std::size_t n, float* ys, std::size_t ys_stride, const float* c,
                   const A& arch) noexcept {
  using M = packed_matrix<matvec::dense, Q, R, C>;
  for (; t0 + NT <= n; t0 += NT) {
    const std::int8_t* xp[NT];
    for (std::size_t i = 0; i < NT; ++i) xp[i] = in.v[t0 + i].q.data();
    alignas(64) std::int32_t acc[NT][NP * panel_rows];
    simd::x86::dot_panels_u8s8_multi<M::bits, NP, NT>(W.w.data() + p0 * M::panel_bytes, M::panel_bytes, M::blocks,
                                                      xp, acc[0], NP * panel_rows, arch);
    for (std::size_t i = 0; i < NT; ++i)
      s8_epilogue<NP, Q, R, C, A>(W, acc[i], in.v[t0 + i], ys + (t0 + i) * ys_stride, c, p0 * panel_rows);
  }
  if constexpr (NT > 1) {
    if (t0 < n) s8_time_tiles<NP, NT / 2>(W, in, p0, t0, n, ys, ys_stride, c, arch);
  }
}

template <std::size_t NP, std::size_t NT, class Q, std::size_t R, std::size_t C, std::size_t T, class A>
void s8_matmat(const packed_matrix<matvec::dense, Q, R, C>& W, const input_batch<Q, C, T>& in, std::size_t n,
               float* ys, std::size_t ys_stride, const float* c, const A& arch) noexcept {
  constexpr std::size_t panels = packed_matrix<matvec::dense, Q, R, C>::panels;
  std::size_t p = 0;
  for (; p + NP <= panels; p += NP) s8_time_tiles<NP, NT>(W, in, p, 0, n, ys, ys_stride, c, arch);
  if constexpr (NP > 1) {
    for (; p < panels; ++p) s8_time_tiles<1, NT>(W, in, p, 0, n, ys, ys_stride, c, arch);
  }
}

template <std::size_t NT, class Q, std::size_t R, std::size_t C, std::size_t T, class A>
void s16_matmat(const packed_matrix<matvec::dense, Q, R, C>& W, const input_batch<Q, C, T>& in, std::size_t t0,
                std::size_t n, float* ys, std::size_t ys_stride, const float* c, const A& arch) noexcept {
  using M = packed_matrix<matvec::dense, Q, R, C>;
  for (; t0 + NT <= n; t0 += NT) {
    const std::int16_t* xp[NT];
    for (std::size_t i = 0; i < NT; ++i) xp[i] = in.v[t0 + i].q.data();
    for (std::size_t p = 0; p < M::panels; ++p) {
      alignas(64) std::int64_t acc[NT][panel_rows];
      simd::x86::dot_panels_s16_multi<1, NT>(W.w.data() + p * M::panel_elems, M::panel_elems, M::blocks, xp, acc[0],
                                             panel_rows, arch);
      const std::size_t r0 = p * panel_rows;
      for (std::size_t i = 0; i < NT; ++i) {  // scalar epilogue, as the matvec kernel's
        const auto& x = in.v[t0 + i];
        float* y = ys + (t0 + i) * ys_stride;
        for (std::size_t r = 0; r < panel_rows && r0 + r < R; ++r)
          y[r0 + r] = dequant_epilogue(float(acc[i][r]), W.scale[r0 + r], x.scale, c ? c[r0 + r] : 0.0f);
      }
    }
  }
  if constexpr (NT > 1) {
    if (t0 < n) s16_matmat<NT / 2>(W, in, t0, n, ys, ys_stride, c, arch);
  }
}

}  // namespace detail

/// Byte path (int8/int4/int2/q7), AVX2: one panel x 2 vectors per pass.
template <quant::byte_quant Q, std::size_t R, std::size_t C, std::size_t T>
void matmat_kernel(const packed_matrix<matvec::dense, Q, R, C>& W, const input_batch<Q, C, T>& in, std::size_t n,
                   float* ys, std::size_t ys_stride, const float* c, const simd::avx2& arch) noexcept {
  detail::s8_matmat<1, 2>(W, in, n, ys, ys_stride, c, arch);
}
#  if EMBER_HAS_AVX512_VNNI
/// Byte path, AVX-512 VNNI: 2 panels x 8 vectors = 16 accumulators per pass.
template <quant::byte_quant Q, std::size_t R, std::size_t C, std::size_t T>
void matmat_kernel(const packed_matrix<matvec::dense, Q, R, C>& W, const input_batch<Q, C, T>& in, std::size_t n,
                   float* ys, std::size_t ys_stride, const float* c, const simd::avx512_vnni& arch) noexcept {
  detail::s8_matmat<2, 8>(W, in, n, ys, ys_stride, c, arch);
}
#  endif
/// Wide path (int16, q15), AVX2 and AVX-512.
template <quant::wide_quant Q, std::size_t R, std::size_t C, std::size_t T>
void matmat_kernel(const packed_matrix<matvec::dense, Q, R, C>& W, const input_batch<Q, C, T>& in, std::size_t n,
                   float* ys, std::size_t ys_stride, const float* c, const simd::avx2& arch) noexcept {
  detail::s16_matmat<2>(W, in, 0, n, ys, ys_stride, c, arch);
}
#  if EMBER_HAS_AVX512BW
template <quant::wide_quant Q, std::size_t R, std::size_t C, std::size_t T>
void matmat_kernel(const packed_matrix<matvec::dense, Q, R, C>& W, const input_batch<Q, C, T>& in, std::size_t n,
                   float* ys, std::size_t ys_stride, const float* c, const simd::avx512& arch) noexcept {
  detail::s16_matmat<4>(W, in, 0, n, ys, ys_stride, c, arch);
}
#  endif
#endif

/// ys[t * ys_stride + r] = (W x_t)[r] + c[r] for t < n <= T (c may be null; it must not
/// overlap ys). Uses a multi-vector kernel where one exists for (M, Arch); otherwise, and
/// always for simd::common (the scalar twin), one matvec per vector: so every structure
/// that offers matvec (circulant included) gets a correct matmat for free.
template <packed_weights M, std::size_t T, class Arch = simd::native>
void matmat(const M& W, const batch_for<M, T>& in, std::size_t n, float* ys, std::size_t ys_stride, const float* c,
            Arch arch = {}) noexcept {
  if constexpr (requires { matmat_kernel(W, in, n, ys, ys_stride, c, arch); }) {
    matmat_kernel(W, in, n, ys, ys_stride, c, arch);
  } else {
    for (std::size_t t = 0; t < n; ++t) matvec(W, in.vector(t), ys + t * ys_stride, c, arch);
  }
}

}  // namespace ember::kernels
