// The frame history of a 1D convolution: the last (K-1)*dilation+1 input frames plus room
// for a tile of outputs, in static storage, shared by streaming step() and batch forward().
#pragma once

#include <algorithm>
#include <cstddef>

#include "ember/core/fixed_point.hpp"
#include "ember/core/tensor.hpp"
#include "ember/kernels/conv_plan.hpp"

namespace ember::kernels {

/// A 1D convolution's shape (time-major frames of in_channels values).
struct conv1d_spec {
  std::size_t in_channels = 1, out_channels = 1, kernel = 1, stride = 1, dilation = 1, groups = 1;
  padding pad{};

  constexpr std::size_t reach() const noexcept { return dilation * (kernel - 1); }
  constexpr std::size_t pad_before() const noexcept { return pad.before(reach()); }
  constexpr std::size_t pad_after() const noexcept { return pad.after(reach()); }
  constexpr std::size_t cin_g() const noexcept { return in_channels / groups; }
  constexpr std::size_t cout_g() const noexcept { return out_channels / groups; }
  /// Output steps for T input steps (PyTorch's formula; 0 if the window does not fit).
  constexpr std::size_t out_steps(std::size_t t) const noexcept {
    const std::size_t padded = t + pad_before() + pad_after();
    return padded > reach() ? (padded - reach() - 1) / stride + 1 : 0;
  }
};

/// Outputs a batch forward computes per round (a multiple of every time tile).
inline constexpr std::size_t conv1d_round = 24;

/// Frames are stored contiguously, oldest first, Stride elements apart; frame f (counted
/// from the start of the stream, left padding included) is at slot f - first. When the
/// buffer is full, frames no output still needs are dropped by one move to the front.
/// Slack elements after the last frame let vector kernels read a partial vector past it.
template <class T, std::size_t Stride, std::size_t Capacity, std::size_t Slack = 0>
class frame_history {
 public:
  static constexpr std::size_t capacity = Capacity, stride = Stride;

  constexpr void clear() noexcept {
    first_ = 0;
    count_ = 0;
  }
  /// Frames pushed since clear().
  constexpr std::size_t end() const noexcept { return first_ + count_; }
  constexpr const T* frame(std::size_t f) const noexcept { return data_.data() + (f - first_) * Stride; }
  /// Room for the next frame; frames before `keep_from` may be dropped to make it.
  constexpr T* push(std::size_t keep_from) noexcept {
    if (count_ == Capacity) {
      const std::size_t drop = keep_from - first_;
      std::copy(data_.data() + drop * Stride, data_.data() + count_ * Stride, data_.data());
      first_ += drop;
      count_ -= drop;
    }
    return data_.data() + (count_++) * Stride;
  }

 private:
  aligned_array<T, Capacity * Stride + Slack> data_{};
  std::size_t first_ = 0, count_ = 0;
};

}  // namespace ember::kernels
