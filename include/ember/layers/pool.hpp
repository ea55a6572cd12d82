// Pooling and reshaping layers: max / average pooling in 2D (CHW) and 1D (time-major),
// global average pooling, flatten; stateless, no parameters, with constexpr workloads.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "ember/cost/workload.hpp"
#include "ember/io/param_spec.hpp"
#include "ember/kernels/pool.hpp"
#include "ember/kernels/quantize.hpp"

namespace ember {

namespace detail {
// The layer contract's parameter interface for layers without parameters.
struct no_params {
  static constexpr std::array<io::param_spec, 0> params() noexcept { return {}; }
  kernels::quant_report set_param(std::size_t, std::span<const float>) noexcept { return {}; }
  void reset() noexcept {}
};
constexpr cost::eltwise_kind pool_eltwise(pool_kind k) noexcept {
  return k == pool_kind::max ? cost::eltwise_kind::max : cost::eltwise_kind::avg;
}
}  // namespace detail

/// torch.nn.MaxPool2d / AvgPool2d on a C x Height x Width frame (floor mode): Padding on
/// each side (at most half the kernel, as PyTorch requires), Dilation for max pooling only.
template <pool_kind Kind, std::size_t C, std::size_t Height, std::size_t Width, std::size_t Kernel,
          std::size_t Stride = Kernel, std::size_t Padding = 0, std::size_t Dilation = 1, bool CountIncludePad = true>
class pool2d : public detail::no_params {
  static_assert(C > 0 && Height > 0 && Width > 0 && Kernel > 0 && Stride > 0 && Dilation > 0,
                "ember::pool2d: every shape, stride and dilation must be at least 1");
  static_assert(2 * Padding <= Kernel, "ember::pool2d: padding must be at most half the kernel (as in PyTorch)");
  static_assert(Kind == pool_kind::max || Dilation == 1, "ember::pool2d: average pooling has no dilation");

 public:
  static constexpr kernels::grid2d grid = kernels::make_grid2d(Height, Width, Kernel, Stride, Dilation, pad::symmetric(Padding));
  static_assert(grid.hout() > 0 && grid.wout() > 0, "ember::pool2d: the window is larger than the padded input");
  static constexpr std::size_t in_channels = C, in_height = Height, in_width = Width;
  static constexpr std::size_t channels = C, height = grid.hout(), width = grid.wout();
  static constexpr std::size_t in_size = C * Height * Width, out_size = C * height * width;

  template <class Arch = simd::native>
  void forward(std::span<const float, in_size> x, std::span<float, out_size> y, Arch arch = {}) noexcept {
    k_.run(x.data(), y.data(), arch);
  }
  template <class Arch = simd::native>
  void step(std::span<const float, in_size> x, std::span<float, out_size> y, Arch arch = {}) noexcept {
    forward(x, y, arch);
  }

  static constexpr cost::layer_workload workload(std::size_t frames = 1) noexcept {
    cost::layer_workload w;
    w.name = Kind == pool_kind::max ? "max_pool2d" : "avg_pool2d";
    w.add(cost::eltwise{out_size * Kernel * Kernel, detail::pool_eltwise(Kind), 32, frames});
    w.mem = {0, 0, (in_size + out_size) * 4};
    w.conv = {C, C, Kernel, Kernel, Stride, Height, Width, height, width, C, true};
    w.has_conv = true;
    return w;
  }

 private:
  kernels::pool2d_kernel<Kind, C, grid, CountIncludePad> k_;
};

template <std::size_t C, std::size_t Height, std::size_t Width, std::size_t Kernel, std::size_t Stride = Kernel,
          std::size_t Padding = 0, std::size_t Dilation = 1>
using max_pool2d = pool2d<pool_kind::max, C, Height, Width, Kernel, Stride, Padding, Dilation>;
template <std::size_t C, std::size_t Height, std::size_t Width, std::size_t Kernel, std::size_t Stride = Kernel,
          std::size_t Padding = 0, bool CountIncludePad = true>
using avg_pool2d = pool2d<pool_kind::avg, C, Height, Width, Kernel, Stride, Padding, 1, CountIncludePad>;

/// torch.nn.MaxPool1d / AvgPool1d over time-major frames of C channels: (T, C) in,
/// (out_steps(T), C) out (PyTorch's (C, L) transposed, as conv1d).
template <pool_kind Kind, std::size_t C, std::size_t Kernel, std::size_t Stride = Kernel, std::size_t Padding = 0,
          std::size_t Dilation = 1, bool CountIncludePad = true>
class pool1d : public detail::no_params {
  static_assert(C > 0 && Kernel > 0 && Stride > 0 && Dilation > 0, "ember::pool1d: shapes must be at least 1");
  static_assert(2 * Padding <= Kernel, "ember::pool1d: padding must be at most half the kernel (as in PyTorch)");
  static_assert(Kind == pool_kind::max || Dilation == 1, "ember::pool1d: average pooling has no dilation");
  static constexpr kernels::window_axis axis{0, Kernel, Stride, Dilation, Padding, Padding};

 public:
  static constexpr std::size_t in_size = C, out_size = C, in_channels = C, channels = C;
  static constexpr std::size_t out_steps(std::size_t t) noexcept {
    return kernels::window_axis{t, Kernel, Stride, Dilation, Padding, Padding}.out();
  }
  /// Pools xs (T, C) into ys; returns the steps written.
  template <class Arch = simd::native>
  std::size_t forward(std::span<const float> xs, std::span<float> ys, Arch arch = {}) noexcept {
    const std::size_t t_in = xs.size() / C, t_out = std::min(out_steps(t_in), ys.size() / C);
    kernels::pool1d<Kind, C, axis, CountIncludePad>(xs.data(), t_in, ys.data(), t_out, arch);
    return t_out;
  }
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1) noexcept {
    cost::layer_workload w;
    w.name = Kind == pool_kind::max ? "max_pool1d" : "avg_pool1d";
    w.add(cost::eltwise{out_steps(seq_len) * C * Kernel, detail::pool_eltwise(Kind), 32, 1});
    w.mem = {0, 0, 2 * C * 4};
    w.conv = {C, C, 1, Kernel, Stride, 1, seq_len, 1, out_steps(seq_len), C, true};
    w.has_conv = true;
    return w;
  }
};

template <std::size_t C, std::size_t Kernel, std::size_t Stride = Kernel, std::size_t Padding = 0, std::size_t Dilation = 1>
using max_pool1d = pool1d<pool_kind::max, C, Kernel, Stride, Padding, Dilation>;
template <std::size_t C, std::size_t Kernel, std::size_t Stride = Kernel, std::size_t Padding = 0,
          bool CountIncludePad = true>
using avg_pool1d = pool1d<pool_kind::avg, C, Kernel, Stride, Padding, 1, CountIncludePad>;

/// Global average pooling (torch.nn.AdaptiveAvgPool2d(1) + flatten): C x H x W -> C.
template <std::size_t C, std::size_t Height, std::size_t Width>
class global_avg_pool2d : public detail::no_params {
 public:
  static constexpr std::size_t in_channels = C, in_height = Height, in_width = Width, channels = C;
  static constexpr std::size_t in_size = C * Height * Width, out_size = C;

  template <class Arch = simd::native>
  void forward(std::span<const float, in_size> x, std::span<float, out_size> y, Arch = {}) noexcept {
    constexpr std::size_t n = Height * Width;
    for (std::size_t c = 0; c < C; ++c) {
      const float* p = x.data() + c * n;
      float s = 0;
      std::size_t i = 0;
#if EMBER_HAS_XSIMD
      if constexpr (simd::vector_arch<Arch>) {
        using B = simd::batch<float, Arch>;
        B acc(0.0f);
        for (; i + B::size <= n; i += B::size) acc += simd::load<float, Arch>(p + i);
        s = simd::reduce_add(acc);
      }
#endif
      for (; i < n; ++i) s += p[i];
      y[c] = s / float(n);
    }
  }
  template <class Arch = simd::native>
  void step(std::span<const float, in_size> x, std::span<float, out_size> y, Arch arch = {}) noexcept {
    forward(x, y, arch);
  }
  static constexpr cost::layer_workload workload(std::size_t frames = 1) noexcept {
    cost::layer_workload w;
    w.name = "global_avg_pool2d";
    w.add(cost::eltwise{in_size, cost::eltwise_kind::avg, 32, frames});
    w.mem = {0, 0, (in_size + out_size) * 4};
    w.conv = {C, C, Height, Width, 1, Height, Width, 1, 1, C, true};
    w.has_conv = true;
    return w;
  }
};

/// Global average pooling over time: (T, C) time-major -> C (torch.mean(x, dim=-1) on (C, T)).
template <std::size_t C>
class global_avg_pool1d : public detail::no_params {
 public:
  static constexpr std::size_t in_size = C, out_size = C, in_channels = C, channels = C;
  /// Writes the C means into ys; returns 1 (0 for an empty sequence or a short ys).
  template <class Arch = simd::native>
  std::size_t forward(std::span<const float> xs, std::span<float> ys, Arch = {}) noexcept {
    const std::size_t t_in = xs.size() / C;
    if (t_in == 0 || ys.size() < C) return 0;
    for (std::size_t c = 0; c < C; ++c) ys[c] = 0.0f;
    for (std::size_t t = 0; t < t_in; ++t)
      for (std::size_t c = 0; c < C; ++c) ys[c] += xs[t * C + c];  // vectorizes across channels
    for (std::size_t c = 0; c < C; ++c) ys[c] /= float(t_in);
    return 1;
  }
  static constexpr cost::layer_workload workload(std::size_t seq_len = 1) noexcept {
    cost::layer_workload w;
    w.name = "global_avg_pool1d";
    w.add(cost::eltwise{seq_len * C, cost::eltwise_kind::avg, 32, 1});
    w.mem = {0, 0, 2 * C * 4};
    w.conv = {C, C, 1, seq_len, 1, 1, seq_len, 1, 1, C, true};
    w.has_conv = true;
    return w;
  }
};

/// torch.flatten of a CHW frame: the flat CHW order is already PyTorch's, so a copy.
/// (Time-major 1D sequences are (T, C); flatten them after transposing to PyTorch's (C, T).)
template <std::size_t C, std::size_t Height = 1, std::size_t Width = 1>
class flatten : public detail::no_params {
 public:
  static constexpr std::size_t in_channels = C, in_height = Height, in_width = Width;
  static constexpr std::size_t in_size = C * Height * Width, out_size = in_size;

  template <class Arch = simd::native>
  void forward(std::span<const float, in_size> x, std::span<float, out_size> y, Arch = {}) noexcept {
    if (x.data() != y.data()) std::copy(x.begin(), x.end(), y.begin());
  }
  template <class Arch = simd::native>
  void step(std::span<const float, in_size> x, std::span<float, out_size> y, Arch arch = {}) noexcept {
    forward(x, y, arch);
  }
  static constexpr cost::layer_workload workload(std::size_t = 1) noexcept {
    cost::layer_workload w;
    w.name = "flatten";
    return w;
  }
};

}  // namespace ember
