// Block-circulant matvec: fp32 for K = 2, 4, 8, integer spectra, circulant<1> == dense, c aliasing y.
#include "matvec_check.hpp"

using namespace ember::test::circ;

TEST_CASE("matvec circulant<K> f32: expanded-matrix reference, vector archs bit-exact, K = 2..8") {
  check_k<2, quant::f32>();
  check_k<4, quant::f32>();
  check_k<8, quant::f32>();
}
TEST_CASE("matvec circulant<K> s8 and s16: frequency-domain integer weights") {
  check_shape<8, quant::int8, 16 * 8, 16 * 8>();
  check_shape<4, quant::int8, 37, 53>();
  check_shape<16, quant::int8, 41 * 16 + 3, 9 * 16 - 1>();
  check_shape<64, quant::int8, 5 * 64, 130>();
  check_shape<8, quant::int16, 41 * 8 + 3, 9 * 8 - 1>();
  check_shape<32, quant::int16, 37, 53>();
  check_shape<2, quant::int4, 40, 41>();
}

TEST_CASE("matvec circulant<1> is dense: same packing, bit-identical results") {
  auto same = [](auto q_tag, auto r_c) {
    using Q = decltype(q_tag);
    constexpr std::size_t R = decltype(r_c)::value, C = R + 3;
    fixture<1, Q, R, C> f;
    auto D = std::make_unique<kernels::packed_matrix<matvec::dense, Q, R, C>>();
    const auto rep = D->pack(f.m);
    CHECK(rep.rel_frobenius == f.report.rel_frobenius);
    CHECK(std::ranges::equal(D->w, f.W->w));
    auto run_dense = [&](auto arch) {
      kernels::input_buffer<Q, C> in;
      std::vector<float> y(R);
      kernels::prepare(std::span<const float, C>(f.x.data(), C), in, arch);
      kernels::matvec(*D, in, y.data(), f.bias.data(), arch);
      return y;
    };
    CHECK(std::ranges::equal(f.run(simd::common{}), run_dense(simd::common{})));
    CHECK(std::ranges::equal(f.run(simd::native{}), run_dense(simd::native{})));
  };
  same(quant::f32{}, std::integral_constant<std::size_t, 33>{});
  same(quant::int8{}, std::integral_constant<std::size_t, 70>{});
  same(quant::int16{}, std::integral_constant<std::size_t, 17>{});
}

TEST_CASE("matvec circulant: c may alias y (accumulate)") {
  fixture<8, quant::f32, 130, 70> f;
  kernels::input_buffer<quant::f32, 70> in;
  kernels::prepare(std::span<const float, 70>(f.x.data(), 70), in, simd::native{});
  std::vector<float> y = f.bias, y2(130);
  kernels::matvec(*f.W, in, y.data(), y.data(), simd::native{});
  kernels::matvec(*f.W, in, y2.data(), f.bias.data(), simd::native{});
  CHECK(std::ranges::equal(y, y2));
}
