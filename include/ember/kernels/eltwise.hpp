// Element-wise kernels over spans (activations, relu, gate arithmetic, fused LSTM/GRU cell
// updates): one lambda per kernel, run on floats by the scalar twin and on batches by the vector path.
#pragma once

#include <array>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>

#include "ember/config.hpp"
#include "ember/core/concepts.hpp"
#include "ember/simd/batch.hpp"
#include "ember/simd/math.hpp"

namespace ember::kernels {

/// An architecture tag: simd::common (scalar twin) or one derived from it.
template <class A>
concept arch_tag = std::derived_from<A, simd::common>;

namespace detail {

template <class V, std::size_t Out, class R>
EMBER_ALWAYS_INLINE std::array<V, Out> as_outputs(const R& r) noexcept {
  if constexpr (std::is_same_v<R, V>) return {r};
  else return r;
}

/// Scalar twin of every element-wise kernel: y_o[i] = f(x_0[i], ..., x_{In-1}[i])[o].
/// Outputs may alias inputs element for element (in place); all inputs of element i
/// are read before any output of element i is written.
template <std::size_t In, std::size_t Out, class F>
void map(const std::array<const float*, In>& x, const std::array<float*, Out>& y, std::size_t n, F f,
         simd::common) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = [&]<std::size_t... K>(std::index_sequence<K...>) EMBER_LAMBDA_INLINE {
      return as_outputs<float, Out>(f(x[K][i]...));
    }(std::make_index_sequence<In>{});
    for (std::size_t o = 0; o < Out; ++o) y[o][i] = r[o];
  }
}

#if EMBER_HAS_XSIMD
/// Vector path: whole batches, then the tail through a zero-padded stack buffer, so
/// nothing outside [0, n) is read or written and every element takes the same vector
/// code (results do not depend on where an element sits in the span).
template <std::size_t In, std::size_t Out, class F, simd::vector_arch A>
void map(const std::array<const float*, In>& xs, const std::array<float*, Out>& ys, std::size_t n, F f,
         A) noexcept {
  const std::array<const float*, In> x = xs;  // local copies: the compiler need not reload
  const std::array<float*, Out> y = ys;       // the pointers after every store
  using B = simd::batch<float, A>;
  constexpr std::size_t L = B::size;
  const auto step = [&]<std::size_t... K>(std::index_sequence<K...>, auto load, std::size_t i) EMBER_LAMBDA_INLINE {
    return as_outputs<B, Out>(f(load(x[K] + i)...));
  };
  const auto load_u = [](const float* p) EMBER_LAMBDA_INLINE { return simd::load<float, A>(p); };
  std::size_t i = 0;
  for (; i + L <= n; i += L) {
    const auto r = step(std::make_index_sequence<In>{}, load_u, i);
    for (std::size_t o = 0; o < Out; ++o) simd::store(y[o] + i, r[o]);
  }
  if (i < n) {
    alignas(64) float in[In][L] = {};
    alignas(64) float out[Out][L];
    for (std::size_t k = 0; k < In; ++k)
      for (std::size_t j = 0; i + j < n; ++j) in[k][j] = x[k][i + j];
    const auto r = [&]<std::size_t... K>(std::index_sequence<K...>) EMBER_LAMBDA_INLINE {
      return as_outputs<B, Out>(f(simd::load_aligned<float, A>(in[K])...));
    }(std::make_index_sequence<In>{});
    for (std::size_t o = 0; o < Out; ++o) {
      simd::store_aligned(out[o], r[o]);
      for (std::size_t j = 0; i + j < n; ++j) y[o][i + j] = out[o][j];
    }
  }
}
#endif

}  // namespace detail

/// y = Act::sigmoid(x). y has x's size; it may be x itself (in place), else disjoint.
template <act_policy Act, arch_tag Arch = simd::native>
void sigmoid(std::span<const float> x, std::span<float> y, Arch arch = {}) noexcept {
  assert(y.size() == x.size());
  detail::map<1, 1>({x.data()}, {y.data()}, x.size(), [](auto v) EMBER_LAMBDA_INLINE { return Act::sigmoid(v); }, arch);
}
template <act_policy Act, arch_tag Arch = simd::native>
void sigmoid(std::span<float> xy, Arch arch = {}) noexcept { sigmoid<Act>(xy, xy, arch); }

/// y = Act::tanh(x), same aliasing rules.
template <act_policy Act, arch_tag Arch = simd::native>
void tanh(std::span<const float> x, std::span<float> y, Arch arch = {}) noexcept {
  assert(y.size() == x.size());
  detail::map<1, 1>({x.data()}, {y.data()}, x.size(), [](auto v) EMBER_LAMBDA_INLINE { return Act::tanh(v); }, arch);
}
template <act_policy Act, arch_tag Arch = simd::native>
void tanh(std::span<float> xy, Arch arch = {}) noexcept { tanh<Act>(xy, xy, arch); }

/// y = max(0, x); NaN stays NaN.
template <arch_tag Arch = simd::native>
void relu(std::span<const float> x, std::span<float> y, Arch arch = {}) noexcept {
  assert(y.size() == x.size());
  detail::map<1, 1>({x.data()}, {y.data()}, x.size(),
                    [](auto v) EMBER_LAMBDA_INLINE { return simd::max(simd::splat<decltype(v)>(0.0f), v); }, arch);
}
template <arch_tag Arch = simd::native>
void relu(std::span<float> xy, Arch arch = {}) noexcept { relu(xy, xy, arch); }

/// y = min(6, max(0, x)) (MobileNet's ReLU6); NaN stays NaN.
template <arch_tag Arch = simd::native>
void relu6(std::span<const float> x, std::span<float> y, Arch arch = {}) noexcept {
  assert(y.size() == x.size());
  detail::map<1, 1>({x.data()}, {y.data()}, x.size(), [](auto v) EMBER_LAMBDA_INLINE {
    using V = decltype(v);
    return simd::min(simd::splat<V>(6.0f), simd::max(simd::splat<V>(0.0f), v));
  }, arch);
}
template <arch_tag Arch = simd::native>
void relu6(std::span<float> xy, Arch arch = {}) noexcept { relu6(xy, xy, arch); }

/// y = z * a + (1 - z) * b, computed as fma(z, a - b, b): the gate blend of GRU
/// (h' = mix(z, h, n)), SRU (c' = mix(f, c, x~), h = mix(r, c', x)) and highway layers.
/// y may alias any input.
template <arch_tag Arch = simd::native>
void mix(std::span<const float> z, std::span<const float> a, std::span<const float> b, std::span<float> y,
         Arch arch = {}) noexcept {
  assert(a.size() == z.size() && b.size() == z.size() && y.size() == z.size());
  detail::map<3, 1>({z.data(), a.data(), b.data()}, {y.data()}, z.size(),
                    [](auto vz, auto va, auto vb) EMBER_LAMBDA_INLINE { return simd::fma(vz, va - vb, vb); }, arch);
}

/// LSTM cell update (PyTorch gate order i, f, g, o) from the pre-activations
/// `gates` (4H) = W_ih x + b_ih + W_hh h + b_hh:
///   c = sigmoid(f) * c + sigmoid(i) * tanh(g),   h = sigmoid(o) * tanh(c).
/// c (H) is read and written in place; h (H) is written. One pass over the data.
template <act_policy Act, arch_tag Arch = simd::native>
void lstm_cell(std::span<const float> gates, std::span<float> c, std::span<float> h, Arch arch = {}) noexcept {
  const std::size_t H = c.size();
  assert(gates.size() == 4 * H && h.size() == H);
  const float* g = gates.data();
  detail::map<5, 2>({g, g + H, g + 2 * H, g + 3 * H, c.data()}, {c.data(), h.data()}, H,
                    [](auto i, auto f, auto gg, auto o, auto cc) EMBER_LAMBDA_INLINE {
                      using V = decltype(i);
                      const V cn = simd::fma(Act::sigmoid(f), cc, Act::sigmoid(i) * Act::tanh(gg));
                      return std::array<V, 2>{cn, Act::sigmoid(o) * Act::tanh(cn)};
                    }, arch);
}

/// GRU cell update (PyTorch gate order r, z, n) from gx = W_ih x + b_ih (3H) and
/// gh = W_hh h + b_hh (3H), kept apart because r multiplies only the hidden part of n:
///   r = sigmoid(gx_r + gh_r), z = sigmoid(gx_z + gh_z), n = tanh(gx_n + r * gh_n),
///   h = (1 - z) * n + z * h = fma(z, h - n, n).   h (H) is read and written in place.
template <act_policy Act, arch_tag Arch = simd::native>
void gru_cell(std::span<const float> gx, std::span<const float> gh, std::span<float> h, Arch arch = {}) noexcept {
  const std::size_t H = h.size();
  assert(gx.size() == 3 * H && gh.size() == 3 * H);
  const float* x = gx.data();
  const float* r = gh.data();
  detail::map<7, 1>({x, x + H, x + 2 * H, r, r + H, r + 2 * H, h.data()}, {h.data()}, H,
                    [](auto xr, auto xz, auto xn, auto hr, auto hz, auto hn, auto hh) EMBER_LAMBDA_INLINE {
                      const auto rg = Act::sigmoid(xr + hr);
                      const auto zg = Act::sigmoid(xz + hz);
                      const auto n = Act::tanh(simd::fma(rg, hn, xn));
                      return simd::fma(zg, hh - n, n);
                    }, arch);
}

}  // namespace ember::kernels
