// The ModelFlex workload builder mirrors what ember::lstm reports: built only when the layers
// are in the tree (layers/lstm.hpp), so the sweep can switch to the real layer types.
#include <doctest/doctest.h>

#include "ember/cost/modelflex.hpp"

#if __has_include("ember/layers/lstm.hpp")
#include "ember/core/policy.hpp"
#include "ember/layers/lstm.hpp"

using namespace ember;

namespace {
template <class L>
void check_same_work(unsigned bits, std::size_t T) {
  const cost::layer_workload a = L::workload(T);
  const cost::layer_workload b = cost::modelflex::lstm_workload(L::in_size, L::out_size, bits, 1, 1.0, T);
  REQUIRE(a.n_gemms == b.n_gemms);
  for (std::size_t i = 0; i < a.n_gemms; ++i) {
    CAPTURE(i);
    const auto &x = a.gemms[i], &y = b.gemms[i];
    CHECK((x.M == y.M && x.N == y.N && x.K == y.K && x.repeat == y.repeat));
    CHECK((x.weight_bits == y.weight_bits && x.act_bits == y.act_bits));
    CHECK(x.circulant_k == y.circulant_k);
    CHECK(x.density == y.density);
  }
  REQUIRE(a.n_elts == b.n_elts);
  for (std::size_t i = 0; i < a.n_elts; ++i) {
    CAPTURE(i);
    CHECK((a.elts[i].count == b.elts[i].count && a.elts[i].kind == b.elts[i].kind &&
           a.elts[i].bits == b.elts[i].bits && a.elts[i].repeat == b.elts[i].repeat));
  }
}
}  // namespace

TEST_CASE("modelflex: lstm_workload lists the GEMMs and element-wise stages ember::lstm reports") {
  check_same_work<lstm<32, 1024, policy<quant::symmetric<8, 8>>>>(8, 1);
  check_same_work<lstm<32, 1024, policy<quant::symmetric<4, 4>>>>(4, 7);
  check_same_work<lstm<16, 64, policy<quant::int16>>>(16, 3);
}
#endif
