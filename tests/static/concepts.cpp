// Compile-time only: the policy concepts accept every shipped policy and a minimal
// user-written one, reject non-policies, and policy<...> fills defaults in any order.
#include <doctest/doctest.h>

#include <type_traits>

#include "ember/core/policy.hpp"
#include "ember/activation/hard.hpp"

using namespace ember;

namespace {
// Minimal models: each asks for nothing beyond what its concept requires.
struct minimal_quant : quant::quant_tag {
  static constexpr unsigned weight_bits = 8, act_bits = 8;
  static constexpr bool is_integer = true;
  static constexpr std::size_t max_reduction = 1;
  static constexpr const char* name = "minimal";
};
struct minimal_matvec : matvec::matvec_tag {
  static constexpr std::size_t compression = 1;
  static constexpr const char* name = "minimal";
};
struct minimal_skip : skip::skip_tag {
  static constexpr bool skips_columns = false;
  static constexpr const char* name = "minimal";
};
struct minimal_act : act::act_tag {
  static constexpr const char* name = "minimal";
  static float sigmoid(float x) { return x; }
  static float tanh(float x) { return x; }
};
}  // namespace

static_assert(quant_policy<quant::f32> && quant_policy<quant::int8> && quant_policy<quant::int4> &&
              quant_policy<quant::int2> && quant_policy<quant::int16> && quant_policy<quant::fixed<16, 12>>);
static_assert(quant_policy<minimal_quant> && matvec_policy<minimal_matvec> && skip_policy<minimal_skip> &&
              act_policy<minimal_act>);
static_assert(!quant_policy<int> && !quant_policy<matvec::dense> && !matvec_policy<quant::int8>);
static_assert(matvec_policy<matvec::dense> && matvec_policy<matvec::circulant<8>>);
static_assert(skip_policy<skip::none> && skip_policy<skip::delta>);
static_assert(act_policy<act::exact> && act_policy<act::hard>);
static_assert(!act_policy<float>);

// policy<...>: any order, defaults for the missing axes.
using P1 = policy<act::hard, quant::int8>;
static_assert(std::is_same_v<P1::quant, quant::int8> && std::is_same_v<P1::act, act::hard>);
static_assert(std::is_same_v<P1::matvec, matvec::dense> && std::is_same_v<P1::skip, skip::none>);
using P0 = policy<>;
static_assert(std::is_same_v<P0::quant, quant::f32> && std::is_same_v<P0::act, act::exact>);
using P2 = policy<skip::delta, matvec::circulant<4>, quant::int4, act::exact>;
static_assert(std::is_same_v<P2::quant, quant::int4> && P2::compression == 4 && P2::skip::skips_columns);
using P3 = policy<minimal_act, minimal_quant>;
static_assert(std::is_same_v<P3::quant, minimal_quant> && std::is_same_v<P3::act, minimal_act>);
static_assert(policy_bundle<P1> && policy_bundle<P2> && policy_bundle<P3>);

// Derived traits (the "builder" part).
static_assert(std::is_same_v<P1::accum_type, std::int32_t>);
static_assert(std::is_same_v<policy<quant::int16>::accum_type, std::int64_t>);
static_assert(std::is_same_v<policy<>::accum_type, float>);
static_assert(quant::int8::max_reduction == 65536 && quant::int4::max_reduction >= 65536);
static_assert(quant::int8::byte_path && quant::int4::byte_path && !quant::int16::byte_path);

TEST_CASE("static: concepts and policy builder compile") { CHECK(true); }
