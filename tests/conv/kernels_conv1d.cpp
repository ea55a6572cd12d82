// conv1d kernels on shapes the reference cases do not reach (several row blocks, stride 3,
// odd channel counts, groups of 3, long sequences that wrap the history): every vector arch
// against the scalar twin, and streaming with a reset midway against forward().
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "conv_reference.hpp"

using namespace ember;
using conv_test::for_each_arch;

namespace {

template <class L>
void check_conv1d_shape(std::size_t t_in) {
  using Q = typename L::quant_type;
  constexpr auto s = L::spec;
  CAPTURE(s.in_channels);
  CAPTURE(s.out_channels);
  CAPTURE(s.kernel);
  CAPTURE(Q::name);
  auto l = std::make_unique<L>();
  l->set_param(0, test::random_vector(L::params()[0].count(), 21 + s.out_channels));
  l->set_param(1, test::random_vector(s.out_channels, 22));
  const auto x = test::random_vector(t_in * L::in_size, 23);
  const std::size_t t_out = L::out_steps(t_in);
  std::vector<float> twin(t_out * L::out_size);
  REQUIRE(l->forward(x, twin, simd::common{}) == t_out);
  for_each_arch([&](auto arch) {
    CAPTURE(arch.name());
    std::vector<float> y(t_out * L::out_size, std::nanf(""));
    l->forward(x, y, arch);
    if constexpr (Q::is_integer) {
      CHECK(std::ranges::equal(y, twin));
    } else {
      double worst = 0, m = conv_test::max_abs(twin);
      for (std::size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::fabs(double(y[i]) - twin[i]));
      CHECK(worst <= 1e-6 * m);
    }
    // Streaming with a reset halfway: the second half restarts the sequence.
    l->reset();
    std::vector<float> ys(L::out_size);
    std::size_t j = 0, restarts = 0;
    for (std::size_t t = 0; t < t_in; ++t) {
      if (t == t_in / 2 && restarts == 0) {
        l->reset();
        t = 0;
        j = 0;
        ++restarts;
      }
      if (l->step(std::span<const float, L::in_size>(x.data() + t * L::in_size, L::in_size),
                  std::span<float, L::out_size>(ys.data(), L::out_size), arch)) {
        CHECK(std::equal(ys.begin(), ys.end(), y.begin() + j * L::out_size));
        ++j;
      }
    }
  });
}

template <class Q>
void conv1d_shapes() {
  using P = policy<Q>;
  check_conv1d_shape<conv1d<24, 80, 3, P, 1, 5, pad::causal>>(200);        // row blocks overlap; long
  check_conv1d_shape<conv1d<13, 21, 5, P, 3, 1, pad::symmetric(2)>>(97);   // stride 3, odd channels
  if constexpr (std::is_same_v<Q, quant::f32> || std::is_same_v<Q, quant::int8>) {
    check_conv1d_shape<conv1d<12, 12, 3, P, 1, 2, pad::same, 4>>(60);      // groups of 3
    check_conv1d_shape<conv1d<40, 40, 5, P, 1, 3, pad::causal, 40>>(150);  // depthwise
    check_conv1d_shape<conv1d<64, 64, 2, P, 2, 8>>(129);                   // even kernel, stride 2
  }
}

}  // namespace

TEST_CASE("conv1d kernels: vector archs match the twin; streaming with reset equals batch") {
  conv1d_shapes<quant::f32>();
  conv1d_shapes<quant::int8>();
  conv1d_shapes<quant::int4>();
  conv1d_shapes<quant::int16>();
}
