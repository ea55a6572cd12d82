// matvec::block_diagonal<B> kernels: every vector arch against the scalar twin (integer
// bit-exact, fp32 within a rounding bound), and against the dense kernel on the expanded
// permuted matrix (integer bit-exact, fp32 within 1e-5 relative).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <vector>

#include "blockdiag_support.hpp"
#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

template <class Q, std::size_t R, std::size_t C, std::size_t B>
void check_shape() {
  CAPTURE(Q::name);
  CAPTURE(R);
  CAPTURE(C);
  CAPTURE(B);
  using M = kernels::packed_matrix<matvec::block_diagonal<B>, Q, R, C>;
  using D = kernels::packed_matrix<matvec::dense, Q, R, C>;
  auto W = std::make_unique<M>();
  const auto m = test::random_vector(R * C, unsigned(17 * R + 3 * C + B));
  const auto x = test::random_vector(C, unsigned(5 + C));
  const auto bias = test::random_vector(R, unsigned(9 + R));
  const auto rep = W->pack(m);
  CHECK(W->projection.retained_energy >= W->projection.identity_retained);

  // The expanded matrix in the layer's own order: m inside the blocks, 0 outside.
  std::vector<float> expanded(R * C);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) expanded[r * C + c] = W->same_block(r, c) ? m[r * C + c] : 0.0f;
  if constexpr (!Q::is_integer) {
    CHECK(rep.rel_frobenius == doctest::Approx(std::sqrt(1.0 - W->projection.retained_energy)).epsilon(1e-6));
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) REQUIRE(W->at(r, c) == expanded[r * C + c]);
  }
  auto dense = std::make_unique<D>();
  dense->pack(expanded);

  const auto run = [&](const auto& mat, auto arch, bool with_bias) {
    kernels::input_buffer<Q, C> in;
    std::vector<float> y(R, -7.0f);
    kernels::prepare(std::span<const float, C>(x.data(), C), in, arch);
    kernels::matvec(mat, in, y.data(), with_bias ? bias.data() : nullptr, arch);
    return y;
  };
  for (const bool with_bias : {true, false}) {
    CAPTURE(with_bias);
    const auto ref = run(*W, simd::common{}, with_bias);
    const auto dref = run(*dense, simd::common{}, with_bias);
    if constexpr (Q::is_integer) {
      CHECK(std::ranges::equal(ref, dref));  // same integers, same scales, same epilogue
    } else {
      test::check_f32_close(ref, dref, expanded, x, with_bias ? bias : std::vector<float>(R, 0.0f), 1e-5);
    }
    std::apply([&](auto... archs) {
      ([&](auto arch) {
        CAPTURE(arch.name());
        const auto got = run(*W, arch, with_bias);
        if constexpr (Q::is_integer) {
          CHECK(std::ranges::equal(got, ref));
          CHECK(std::ranges::equal(got, run(*dense, arch, with_bias)));
        } else {
          test::check_f32_close(got, ref, expanded, x, with_bias ? bias : std::vector<float>(R, 0.0f), 1e-5);
        }
      }(archs), ...);
    }, test::vector_archs{});
  }
}

template <class Q>
void check_all_shapes() {
  check_shape<Q, 64, 64, 4>();
  check_shape<Q, 100, 70, 8>();    // uneven blocks: 13 or 12 rows, 9 or 8 columns
  check_shape<Q, 17, 33, 3>();
  check_shape<Q, 8, 8, 8>();       // 1 x 1 blocks
  check_shape<Q, 40, 300, 1>();    // one block: dense with permutations
  check_shape<Q, 256, 200, 16>();
}

}  // namespace

TEST_CASE("matvec block_diagonal f32: vector kernels and dense-expanded reference") { check_all_shapes<quant::f32>(); }
TEST_CASE("matvec block_diagonal s8: bit-exact with the scalar twin and the dense kernel") { check_all_shapes<quant::int8>(); }
TEST_CASE("matvec block_diagonal s4: bit-exact with the scalar twin and the dense kernel") { check_all_shapes<quant::int4>(); }
TEST_CASE("matvec block_diagonal s2: bit-exact with the scalar twin and the dense kernel") { check_all_shapes<quant::int2>(); }
TEST_CASE("matvec block_diagonal s16: bit-exact with the scalar twin and the dense kernel") { check_all_shapes<quant::int16>(); }
TEST_CASE("matvec block_diagonal q15 and q7") {
  check_shape<quant::fixed<16, 12>, 100, 70, 8>();
  check_shape<quant::fixed<8, 5>, 100, 70, 8>();
}

TEST_CASE("matvec block_diagonal: c may alias y (accumulate)") {
  constexpr std::size_t R = 70, C = 33;
  using M = kernels::packed_matrix<matvec::block_diagonal<5>, quant::int8, R, C>;
  auto W = std::make_unique<M>();
  W->pack(test::random_vector(R * C, 4));
  const auto x = test::random_vector(C, 5);
  const auto bias = test::random_vector(R, 6);
  kernels::input_buffer<quant::int8, C> in;
  kernels::prepare(std::span<const float, C>(x.data(), C), in, simd::native{});
  std::vector<float> y = bias, y2(R);
  kernels::matvec(*W, in, y.data(), y.data(), simd::native{});
  kernels::matvec(*W, in, y2.data(), bias.data(), simd::native{});
  CHECK(std::ranges::equal(y, y2));
}

TEST_CASE("matvec block_diagonal: span entry points and block_diagonal<1> == dense") {
  constexpr std::size_t R = 48, C = 20;
  using M = kernels::packed_matrix<matvec::block_diagonal<1>, quant::f32, R, C>;
  using D = kernels::packed_matrix<matvec::dense, quant::f32, R, C>;
  auto W = std::make_unique<M>();
  auto Dn = std::make_unique<D>();
  const auto m = test::random_vector(R * C, 8);
  const auto rep = W->pack(m);
  Dn->pack(m);
  CHECK(W->projection.exact);
  CHECK(rep.rel_frobenius == 0.0);
  const auto x = test::random_vector(C, 9);
  kernels::input_for<M> in;
  std::vector<float> y(R), yd(R);
  kernels::matvec(*W, std::span<const float, C>(x.data(), C), in, std::span<float, R>(y.data(), R));
  kernels::matvec(*Dn, std::span<const float, C>(x.data(), C), in, std::span<float, R>(yd.data(), R));
  test::check_f32_close(y, yd, m, x, std::vector<float>(R, 0.0f), 1e-5);
}
