// Batch norm folded into the preceding convolution at load: conv_bn<Conv, "conv", "bn">
// takes both modules' PyTorch parameters by name and runs one convolution, no BN at run time.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>

#include "ember/io/param_spec.hpp"
#include "ember/kernels/quantize.hpp"

namespace ember {

/// A string usable as a template argument (module names in conv_bn). Public, so users can
/// spell it; ember::detail has its own for internal names.
template <std::size_t N>
struct fixed_string {
  char chars[N]{};
  constexpr fixed_string(const char (&s)[N]) noexcept {
    for (std::size_t i = 0; i < N; ++i) chars[i] = s[i];
  }
  constexpr std::size_t size() const noexcept { return N - 1; }
};

namespace conv_detail {
// "prefix.leaf" (or "leaf" for an empty prefix) in static storage, for param_spec names.
template <::ember::fixed_string Prefix, ::ember::fixed_string Leaf>
struct joined_name {
  static constexpr std::size_t size = Prefix.size() == 0 ? Leaf.size() : Prefix.size() + 1 + Leaf.size();
  static constexpr std::array<char, size + 1> chars = [] {
    std::array<char, size + 1> a{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < Prefix.size(); ++i) a[n++] = Prefix.chars[i];
    if (Prefix.size() != 0) a[n++] = '.';
    for (std::size_t i = 0; i < Leaf.size(); ++i) a[n++] = Leaf.chars[i];
    return a;
  }();
  static constexpr std::string_view view{chars.data(), size};
};
}  // namespace conv_detail

/// Conv (a conv1d or conv2d) followed by torch.nn.BatchNorm1d/2d in eval mode, folded:
///   a = gamma / sqrt(running_var + eps),  W' = a W (per output channel),
///   b' = a (b - running_mean) + beta.
/// Parameters, in load order: ConvName.weight, [ConvName.bias when ConvBias], BnName.weight,
/// BnName.bias, BnName.running_mean, BnName.running_var; an empty name drops its "name."
/// (give the names the two modules have under a common parent, e.g. "0" and "1" in an
/// nn.Sequential). The fold happens as soon as the weight and all four BN tensors are set,
/// in any order; integer policies quantize W per channel first and fold a into the channel
/// scales, fp32 multiplies the weights. Set eps (default 1e-5, PyTorch's) before loading.
/// Conv's own Bias flag is ignored: the folded bias always exists. Act stays after the BN.
template <class Conv, ::ember::fixed_string ConvName = "conv", ::ember::fixed_string BnName = "bn", bool ConvBias = false>
class conv_bn : public Conv {
  static constexpr std::size_t C = Conv::channels;

 public:
  static constexpr auto params() noexcept {
    constexpr io::param_spec w{conv_detail::joined_name<ConvName, "weight">::view, Conv::params()[0].shape,
                               Conv::params()[0].rank};
    constexpr io::param_spec bn[4] = {io::vector(conv_detail::joined_name<BnName, "weight">::view, C),
                                      io::vector(conv_detail::joined_name<BnName, "bias">::view, C),
                                      io::vector(conv_detail::joined_name<BnName, "running_mean">::view, C),
                                      io::vector(conv_detail::joined_name<BnName, "running_var">::view, C)};
    if constexpr (ConvBias)
      return std::array<io::param_spec, 6>{w, io::vector(conv_detail::joined_name<ConvName, "bias">::view, C), bn[0], bn[1], bn[2], bn[3]};
    else
      return std::array<io::param_spec, 5>{w, bn[0], bn[1], bn[2], bn[3]};
  }

  kernels::quant_report set_param(std::size_t i, std::span<const float> v) noexcept {
    kernels::quant_report rep{};
    if (i == 0) {
      rep = this->kernel().set_weight(v);
      have_weight_ = true;
      for (auto& f : applied_) f = 1.0f;  // fresh weights carry no fold
    } else if (ConvBias && i == 1) {
      for (std::size_t c = 0; c < C; ++c) conv_bias_[c] = v[c];
    } else if (i >= first_bn && i < first_bn + 4) {
      for (std::size_t c = 0; c < C; ++c) bn_[i - first_bn][c] = v[c];
      have_bn_ |= 1u << (i - first_bn);
    }
    refold();
    return rep;
  }
  /// BatchNorm eps (the module's eps attribute); takes effect at the next fold.
  void set_bn_eps(float eps) noexcept {
    eps_ = eps;
    refold();
  }
  /// The folded per-channel factor a (1 until the batch norm is complete).
  float bn_factor(std::size_t c) const noexcept { return applied_[c]; }

 private:
  static constexpr std::size_t first_bn = ConvBias ? 2 : 1;

  void refold() noexcept {
    std::array<float, C> bias{}, ratio{};
    const bool complete = have_bn_ == 0xfu;
    for (std::size_t c = 0; c < C; ++c) {
      const float a = complete ? bn_[0][c] / std::sqrt(bn_[3][c] + eps_) : 1.0f;
      bias[c] = complete ? (conv_bias_[c] - bn_[2][c]) * a + bn_[1][c] : conv_bias_[c];
      ratio[c] = have_weight_ ? a / applied_[c] : 1.0f;
      if (have_weight_) applied_[c] = a;
    }
    if (have_weight_) this->kernel().scale_channels(ratio);
    this->kernel().set_bias(bias);
  }

  std::array<std::array<float, C>, 4> bn_{};  // gamma, beta, running mean, running var
  std::array<float, C> conv_bias_{}, applied_ = ones();
  float eps_ = 1e-5f;
  unsigned have_bn_ = 0;
  bool have_weight_ = false;

  static constexpr std::array<float, C> ones() noexcept {
    std::array<float, C> a{};
    for (auto& e : a) e = 1.0f;
    return a;
  }
};

}  // namespace ember
