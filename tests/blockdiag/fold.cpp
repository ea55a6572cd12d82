// fold_permutation: a chain block_diagonal -> ReLU -> block_diagonal -> ReLU -> dense gives
// the same outputs after folding each output permutation into the next matrix's inputs.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <span>
#include <vector>

#include "blockdiag_support.hpp"
#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

template <class Q, std::size_t BA = 4>
struct chain {
  static constexpr std::size_t In = 40, H1 = 48, H2 = 36, Out = 10;
  using A = kernels::packed_matrix<matvec::block_diagonal<BA>, Q, H1, In>;
  using B = kernels::packed_matrix<matvec::block_diagonal<6>, Q, H2, H1>;
  using D = kernels::packed_matrix<matvec::dense, Q, Out, H2>;
  std::unique_ptr<A> a = std::make_unique<A>();
  std::unique_ptr<B> b = std::make_unique<B>();
  std::unique_ptr<D> d = std::make_unique<D>();
  std::vector<float> ba = test::random_vector(H1, 31), bb = test::random_vector(H2, 32),
                     bd = test::random_vector(Out, 33), x = test::random_vector(In, 34);
  chain() {
    a->pack(test::random_vector(H1 * In, 35));
    b->pack(test::random_vector(H2 * H1, 36));
    d->pack(test::random_vector(Out * H2, 37));
  }

  template <class M, std::size_t N, class Arch>
  static std::vector<float> layer(const M& m, const std::vector<float>& v, const std::vector<float>& bias, bool relu, Arch arch) {
    kernels::input_buffer<Q, N> in;
    std::vector<float> y(M::rows);
    kernels::prepare(std::span<const float, N>(v.data(), N), in, arch);
    kernels::matvec(m, in, y.data(), bias.data(), arch);
    if (relu)
      for (auto& e : y) e = std::max(e, 0.0f);
    return y;
  }
  template <class Arch>
  std::vector<std::vector<float>> run(Arch arch) const {
    const auto h1 = layer<A, In>(*a, x, ba, true, arch);
    const auto h2 = layer<B, H1>(*b, h1, bb, true, arch);
    return {h1, h2, layer<D, H2>(*d, h2, bd, false, arch)};
  }
};

template <class Q, class Arch, std::size_t BA = 4>
void check_fold(Arch arch) {
  CAPTURE(Q::name);
  CAPTURE(arch.name());
  CAPTURE(BA);
  chain<Q, BA> net;
  using A = typename chain<Q, BA>::A;
  const auto before = net.run(arch);
  std::vector<float> dw(10 * 36);
  for (std::size_t i = 0; i < dw.size(); ++i) dw[i] = net.d->at(i / 36, i % 36);
  const std::size_t k = net.a->out_pos[0];  // block position of output 0 before folding
  kernels::fold_permutation(*net.a, *net.b);
  kernels::fold_permutation(*net.b, *net.d);
  CHECK(net.a->outputs_folded);
  const auto after = net.run(arch);
  // The hidden vectors are permutations of the unfolded ones ...
  for (std::size_t l = 0; l < 2; ++l) {
    auto s0 = before[l], s1 = after[l];
    CHECK(s0 != s1);
    std::ranges::sort(s0);
    std::ranges::sort(s1);
    CHECK(s0 == s1);
  }
  // ... and element k of the folded output is the unfolded output it came from.
  CHECK(after[0][kernels::block_start(48, BA, k / A::block_rows) + k % A::block_rows] == before[0][0]);
  // The final outputs: bit-exact through the block-diagonal consumer; the fp32 dense head
  // sums its permuted columns in a new order (rounding only).
  if constexpr (Q::is_integer) {
    CHECK(after[2] == before[2]);
  } else {
    test::check_f32_close(after[2], before[2], dw, before[1], net.bd, 1e-5);
  }
}

}  // namespace

TEST_CASE_TEMPLATE("fold_permutation: folded chain computes the same outputs", Q, quant::f32, quant::int8, quant::int4,
                   quant::int16) {
  check_fold<Q>(simd::common{});
  check_fold<Q>(simd::native{});
  check_fold<Q, simd::common, 5>(simd::common{});  // uneven blocks: outputs still scattered
  check_fold<Q, simd::native, 5>(simd::native{});
}

TEST_CASE("fold_permutation: weights seen through at() follow the folded orders") {
  chain<quant::f32> net;
  using A = chain<quant::f32>::A;
  std::vector<float> b_before(36 * 48), a_before(48 * 40);
  for (std::size_t r = 0; r < 36; ++r)
    for (std::size_t c = 0; c < 48; ++c) b_before[r * 48 + c] = net.b->at(r, c);
  for (std::size_t r = 0; r < 48; ++r)
    for (std::size_t c = 0; c < 40; ++c) a_before[r * 40 + c] = net.a->at(r, c);
  std::vector<std::uint32_t> pos(48);
  for (std::size_t r = 0; r < 48; ++r) pos[r] = net.a->out_pos[r];
  kernels::fold_permutation(*net.a, *net.b);
  for (std::size_t r = 0; r < 48; ++r) {
    const std::size_t moved = kernels::block_start(48, 4, pos[r] / A::block_rows) + pos[r] % A::block_rows;
    for (std::size_t c = 0; c < 40; ++c) REQUIRE(net.a->at(moved, c) == a_before[r * 40 + c]);
    for (std::size_t i = 0; i < 36; ++i) REQUIRE(net.b->at(i, moved) == b_before[i * 48 + r]);
  }
  // Folding again changes nothing (the producer's order is already its block order).
  kernels::fold_permutation(*net.a, *net.b);
  for (std::size_t i = 0; i < 36; ++i)
    for (std::size_t c = 0; c < 48; ++c) {
      const std::size_t r = std::size_t(std::find(pos.begin(), pos.end(), std::uint32_t(net.a->out_pos[c])) - pos.begin());
      REQUIRE(net.b->at(i, c) == b_before[i * 48 + r]);
    }
}
