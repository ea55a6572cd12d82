// conv2d kernels on shapes the reference cases do not reach (many output blocks, rows wider
// and narrower than a vector, stride 3, odd group sizes, one pixel): every vector arch
// against the scalar twin (integer bit-exact, fp32 within a rounding bound), and the twin
// against a float64 direct convolution of the operands it was given.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "conv_reference.hpp"

using namespace ember;
using conv_test::for_each_arch;

namespace {

// Direct float64 convolution of the layer's own (dequantized) weights and the given input
// (dequantized the same way when xq is given): the twin's exact counterpart.
template <class L>
std::vector<double> direct2d(const L& l, const std::vector<float>& x, std::vector<double>* mag = nullptr) {
  constexpr auto s = L::spec;
  constexpr auto g = L::grid;
  std::vector<double> y(L::out_size);
  if (mag) mag->assign(L::out_size, 0.0);
  for (std::size_t co = 0; co < s.out_channels; ++co)
    for (std::size_t oh = 0; oh < g.hout(); ++oh)
      for (std::size_t ow = 0; ow < g.wout(); ++ow) {
        const std::size_t o = (co * g.hout() + oh) * g.wout() + ow;
        double acc = l.kernel().bias(co), m = std::fabs(acc);
        for (std::size_t ci = 0; ci < s.cin_g(); ++ci)
          for (std::size_t t = 0; t < s.taps(); ++t) {
            const long ih = long(oh * s.stride + t / s.kernel * s.dilation) - long(g.h.before);
            const long iw = long(ow * s.stride + t % s.kernel * s.dilation) - long(g.w.before);
            if (ih < 0 || iw < 0 || ih >= long(s.height) || iw >= long(s.width)) continue;
            const double p = double(l.kernel().weight(co, ci, t)) *
                             x[((co / s.cout_g() * s.cin_g() + ci) * s.height + ih) * s.width + iw];
            acc += p;
            m += std::fabs(p);
          }
        y[o] = acc;
        if (mag) (*mag)[o] = m;
      }
  return y;
}

template <class L>
void check_conv2d_shape() {
  using Q = typename L::quant_type;
  constexpr auto s = L::spec;
  CAPTURE(s.in_channels);
  CAPTURE(s.height);
  CAPTURE(s.width);
  CAPTURE(s.out_channels);
  CAPTURE(s.kernel);
  CAPTURE(Q::name);
  auto l = std::make_unique<L>();
  l->set_param(0, test::random_vector(L::params()[0].count(), 11 + s.out_channels));
  l->set_param(1, test::random_vector(s.out_channels, 12));
  const auto x = test::random_vector(L::in_size, 13 + s.height);
  std::vector<float> twin(L::out_size);
  l->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(twin.data(), L::out_size), simd::common{});
  // The twin against float64 on its own operands (quantized input for integer policies).
  std::vector<float> xd = x;
  if constexpr (Q::is_integer) {
    float amax = 0;
    for (float v : x) amax = std::max(amax, std::fabs(v));
    const float inv = kernels::act_inv_scale<Q>(amax), sx = kernels::act_scale<Q>(amax);
    CHECK(l->kernel().input_scale() == sx);
    for (auto& v : xd) v = float(quantize_symmetric(v * inv, Q::act_qmax)) * sx;
  }
  std::vector<double> mag;
  const auto ref = direct2d(*l, xd, &mag);
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double tol = Q::is_integer ? 4e-7 * mag[i] + 1e-30 : double(s.cin_g() * s.taps() + 1) * 1.2e-7 * mag[i] + 1e-30;
    if (!(std::fabs(twin[i] - ref[i]) <= tol)) {
      CHECK(std::fabs(twin[i] - ref[i]) <= tol);
      break;
    }
  }
  for_each_arch([&](auto arch) {
    CAPTURE(arch.name());
    std::vector<float> y(L::out_size, std::nanf(""));
    l->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(y.data(), L::out_size), arch);
    if constexpr (Q::is_integer) {
      CHECK(std::ranges::equal(y, twin));
    } else {
      double worst = 0;
      for (std::size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::fabs(double(y[i]) - twin[i]) / (mag[i] + 1e-30));
      CHECK(worst <= double(s.cin_g() * s.taps() + 1) * 2.4e-7);  // two sums of the same terms
    }
  });
}

// All shapes for fp32 and int8; the other integer policies share the int8 (or int16)
// tiles and run a subset (compile time).
template <class Q>
void conv2d_shapes() {
  using P = policy<Q>;
  check_conv2d_shape<conv2d<32, 16, 16, 64, 3, P, 1, 1, pad::same>>();            // many blocks
  check_conv2d_shape<conv2d<3, 5, 37, 17, 3, P, 1, 1, pad::symmetric(1)>>();       // wide rows, odd Cout
  check_conv2d_shape<conv2d<12, 6, 6, 12, 5, P, 1, 1, pad::symmetric(2), 3>>();     // groups of 4
  if constexpr (std::is_same_v<Q, quant::f32> || std::is_same_v<Q, quant::int8>) {
    check_conv2d_shape<conv2d<7, 23, 3, 9, 3, P, 3, 1, pad::symmetric(1)>>();        // stride 3, narrow
    check_conv2d_shape<conv2d<16, 8, 8, 32, 1, P>>();                                // pointwise
    check_conv2d_shape<conv2d<5, 2, 40, 3, 2, P>>();                                 // even kernel
    check_conv2d_shape<depthwise_conv2d<24, 9, 9, 3, P, 2, 1, pad::symmetric(1)>>();  // depthwise stride 2
    check_conv2d_shape<depthwise_conv2d<16, 11, 19, 5, P, 1, 1, pad::symmetric(2)>>();  // two row words per kernel row
    check_conv2d_shape<depthwise_conv2d<6, 7, 33, 3, P, 1, 1, pad::same, activation::none, 2>>();  // multiplier 2
    check_conv2d_shape<conv2d<4, 1, 1, 8, 1, P>>();                                  // one pixel
  }
}

}  // namespace

TEST_CASE("conv2d kernels f32: vector archs match the twin, the twin matches float64") { conv2d_shapes<quant::f32>(); }
TEST_CASE("conv2d kernels s8: vector archs bit-exact with the twin") { conv2d_shapes<quant::int8>(); }
TEST_CASE("conv2d kernels s4, q7, s16: vector archs bit-exact with the twin") {
  conv2d_shapes<quant::int4>();
  conv2d_shapes<quant::fixed<8, 5>>();
  conv2d_shapes<quant::int16>();
}

TEST_CASE("conv2d s8 at the accumulator extremes: exact") {
  // Every weight +-qmax against every input at +-max|x|: the byte path's raw sums reach
  // Cin*K*K*255*127 before the offset correction.
  using L = conv2d<64, 6, 6, 16, 3, policy<quant::int8>>;
  auto l = std::make_unique<L>();
  std::vector<float> w(L::params()[0].count(), 1.0f);
  for (std::size_t i = 0; i < w.size(); i += 3) w[i] = -1.0f;
  l->set_param(0, w);
  std::vector<float> x(L::in_size, 2.0f);
  for (std::size_t i = 0; i < x.size(); i += 5) x[i] = -2.0f;
  std::vector<float> twin(L::out_size), y(L::out_size);
  l->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(twin.data(), L::out_size), simd::common{});
  for_each_arch([&](auto arch) {
    l->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(y.data(), L::out_size), arch);
    CHECK(std::ranges::equal(y, twin));
  });
}

