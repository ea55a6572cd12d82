// Accumulator headroom of the int8-activation kernels at Q::max_reduction: every weight -1,
// every activation at +-127, so the kernels' int32 partial sums reach their proven bound.
#include <doctest/doctest.h>

#include <memory>
#include <span>
#include <tuple>
#include <vector>

#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {
template <class Q>
void check_extreme() {
  CAPTURE(Q::name);
  constexpr std::size_t R = 1, C = Q::max_reduction;
  static_assert(C == std::size_t{1} << 23);
  using M = kernels::packed_matrix<matvec::dense, Q, R, C>;
  auto W = std::make_unique<M>();
  auto in = std::make_unique<kernels::input_buffer<Q, C>>();
  // +1 weights are the largest offset-binary fields (u = 1 binary, 2 ternary): the dot
  // kernels' int32 sums reach 127 K (binary, then doubled) and 254 K (ternary).
  for (const float wsign : {1.0f, -1.0f}) {
    W->pack(std::vector<float>(R * C, wsign));
    REQUIRE(W->scale[0] == 1.0f);
    for (const float sign : {-1.0f, 1.0f}) {
      const std::vector<float> x(C, sign);
      float ref = 0, got = 0;
      kernels::prepare(std::span<const float, C>(x.data(), C), *in, simd::common{});
      kernels::matvec(*W, *in, &ref, nullptr, simd::common{});
      // sum_j wsign * (sign * 127) = +-127 * 2^23 (exact in float), times 1/127 per input
      CHECK(double(ref) == doctest::Approx(double(wsign) * double(sign) * double(C)).epsilon(1e-7));
      std::apply([&](auto... archs) {
        ([&](auto arch) {
          CAPTURE(arch.name());
          kernels::prepare(std::span<const float, C>(x.data(), C), *in, arch);
          kernels::matvec(*W, *in, &got, nullptr, arch);
          CHECK(got == ref);
        }(archs), ...);
      }, test::vector_archs{});
    }
  }
}
}  // namespace

TEST_CASE("int8-activation matvec (b1, t2) at max_reduction = 2^23 columns: exact at the int32 bound") {
  check_extreme<quant::binary>();
  check_extreme<quant::ternary>();
}
