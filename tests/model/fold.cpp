// Block-diagonal permutation folding inside model<> (issue 13): after a load, a
// block-diagonal dense layer writes in block order and the next dense layer reads so;
// the model's outputs equal the unfolded layers run in turn.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ember/io/tensor_store.hpp"
#include "ember/io/tensor_table.hpp"
#include "ember/kernels/block_diagonal_projection.hpp"
#include "ember/model.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

template <std::size_t B>
using bd = matvec::block_diagonal<B>;

// Random weights for every parameter of Net, under the model's full names.
template <class Net>
io::tensor_store random_weights(unsigned seed) {
  io::tensor_store store;
  for (const auto& s : Net::params()) {
    store.add(std::string(s.name), s.shape, s.rank, test::random_vector(s.count(), seed++, -0.3f, 0.3f));
  }
  return store;
}

// Layers 0, 1, 2 of a model, each loaded alone from the model's tensors (nothing folded).
template <class L0, class L1, class L2>
struct layers_in_turn {
  std::unique_ptr<L0> l0 = std::make_unique<L0>();
  std::unique_ptr<L1> l1 = std::make_unique<L1>();
  std::unique_ptr<L2> l2 = std::make_unique<L2>();
  explicit layers_in_turn(const io::tensor_store& store) {
    io::load_tensors(*l0, store.table(), "0.");
    io::load_tensors(*l1, store.table(), "1.");
    io::load_tensors(*l2, store.table(), "2.");
  }
};

// The model's layers loaded one by one (no params_loaded(): nothing is folded) and run in
// turn, against the model; `exact` for integer consumers, else fp32 rounding only.
template <class Net, class L0, class L1, class L2>
void folded_equals_unfolded(bool exact) {
  const auto store = random_weights<Net>(7);
  auto net = std::make_unique<Net>();
  io::load_tensors(*net, store.table());
  const layers_in_turn<L0, L1, L2> ref_layers(store);
  auto& [l0, l1, l2] = ref_layers;

  bool folded = false;
  net->template layer<0>().visit_projections([&](auto& w, auto&) { folded = w.matrix().outputs_folded; });
  CHECK(folded);
  l0->visit_projections([&](auto& w, auto&) { CHECK_FALSE(w.matrix().outputs_folded); });

  constexpr std::size_t T = 40;
  const auto xs = test::random_vector(T * Net::in_size, 99);
  std::vector<float> ys(T * Net::out_size), a(L0::out_size), b(L1::out_size), ref(T * Net::out_size);
  net->forward(xs, ys);
  for (std::size_t t = 0; t < T; ++t) {
    l0->step(std::span<const float, L0::in_size>(xs.data() + t * L0::in_size, L0::in_size),
             std::span<float, L0::out_size>(a));
    l1->step(std::span<const float, L1::in_size>(a), std::span<float, L1::out_size>(b));
    l2->step(std::span<const float, L2::in_size>(b),
             std::span<float, L2::out_size>(ref.data() + t * L2::out_size, L2::out_size));
  }
  double worst = 0;
  for (std::size_t i = 0; i < ys.size(); ++i) worst = std::max(worst, double(std::fabs(ys[i] - ref[i])));
  INFO("worst |model - layers in turn| = ", worst);
  if (exact) CHECK(worst == 0.0);
  else CHECK(worst <= 1e-5);
}

}  // namespace

TEST_CASE("model folds block-diagonal permutations into the next layer at load: fp32") {
  using L0 = dense<64, 96, policy<bd<4>>>;
  using L1 = dense<96, 40, policy<bd<8>>>;
  using L2 = dense<40, 7>;
  static_assert(detail::foldable<L0, L1>() && detail::foldable<L1, L2>());
  static_assert(!detail::foldable<L2, L0>() && !detail::foldable<dense<7, 7>, L2>());
  folded_equals_unfolded<model<L0, L1, L2>, L0, L1, L2>(false);
}

TEST_CASE("model folds block-diagonal permutations into the next layer at load: int8, bit-exact") {
  using L0 = dense<64, 96, policy<bd<4>, quant::int8>>;
  using L1 = dense<96, 40, policy<bd<8>, quant::int8>>;
  using L2 = dense<40, 7, policy<quant::int4>>;
  static_assert(detail::foldable<L0, L1>() && detail::foldable<L1, L2>());
  folded_equals_unfolded<model<L0, L1, L2>, L0, L1, L2>(true);
}

TEST_CASE("model: a reload refolds from the fresh weights") {
  using L0 = dense<32, 48, policy<bd<4>>>;
  using L1 = dense<48, 16>;
  using L2 = dense<16, 3>;
  using Net = model<L0, L1, L2>;
  auto net = std::make_unique<Net>();
  io::load_tensors(*net, random_weights<Net>(1).table());
  folded_equals_unfolded<Net, L0, L1, L2>(false);  // its own load, seed 7
  const auto store = random_weights<Net>(7);
  io::load_tensors(*net, store.table());  // a second load of the same model object
  const layers_in_turn<L0, L1, L2> ref_layers(store);
  auto& [l0, l1, l2] = ref_layers;
  const auto x = test::random_vector(32, 5);
  std::array<float, 48> a{};
  std::array<float, 16> b{};
  std::array<float, 3> y{}, ref{};
  net->step(std::span<const float, 32>(x.data(), 32), y);
  l0->step(std::span<const float, 32>(x.data(), 32), a);
  l1->step(a, b);
  l2->step(b, ref);
  for (std::size_t i = 0; i < 3; ++i) CHECK(std::fabs(y[i] - ref[i]) <= 1e-5);
}
