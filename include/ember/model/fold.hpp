// Load-time folding inside a model: a block-diagonal dense layer writes its outputs in
// block order and the dense layer after it reads them so (one scatter less per step).
#pragma once

#include <cstddef>
#include <type_traits>

#include "ember/core/structure.hpp"
#include "ember/kernels/block_diagonal_fold.hpp"
#include "ember/layers/dense.hpp"

namespace ember::detail {

template <class L>
struct dense_policy {
  using type = void;
};
template <std::size_t In, std::size_t Out, class P, std::size_t Chunk>
struct dense_policy<dense<In, Out, P, Chunk>> {
  using type = P;
};
template <class L>
  requires requires { typename L::layer_type; }  // named<"fc", dense<...>>
struct dense_policy<L> : dense_policy<typename L::layer_type> {};

template <class M>
concept column_permutable =
    kernels::detail::is_block_diagonal<M> ||
    (kernels::detail::is_dense<M> &&
     (std::is_same_v<typename M::quant, quant::f32> || quant::wide_quant<typename M::quant> ||
      requires { M::bits; M::shift(std::size_t{}); M::byte_index(std::size_t{}, std::size_t{}); }));

/// Producer: a dense layer with block_diagonal structure and no skip (its output is the
/// matrix's output plus a bias that stays in row order). Consumer: a dense layer without
/// skip whose matrix can absorb a column permutation. Anything else is left alone.
template <class Producer, class Consumer>
consteval bool foldable() {
  using PP = typename dense_policy<Producer>::type;
  using CP = typename dense_policy<Consumer>::type;
  if constexpr (std::is_void_v<PP> || std::is_void_v<CP>) {
    return false;
  } else {
    using PM = typename Producer::projection::matrix_type;
    using CM = typename Consumer::projection::matrix_type;
    return kernels::detail::is_block_diagonal<PM> && std::is_same_v<typename PP::skip, skip::none> &&
           std::is_same_v<typename CP::skip, skip::none> && column_permutable<CM>;
  }
}

/// Folds once per load: pack() of the producer clears outputs_folded, and a model's
/// params_loaded() runs after all of its parameters were set (so the consumer is fresh too).
template <class Producer, class Consumer>
void fold_into_next(Producer& p, Consumer& c) {
  if constexpr (foldable<Producer, Consumer>()) {
    p.visit_projections([&](auto& pw, auto&) {
      if (pw.matrix().outputs_folded) return;
      c.visit_projections([&](auto& cw, auto&) { kernels::fold_permutation(pw.matrix(), cw.matrix()); });
    });
  }
}

}  // namespace ember::detail
