// Rounding and saturation primitives every quantizer relies on.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "ember/core/fixed_point.hpp"

using namespace ember;

static_assert(round_half_even(0.5f) == 0.0f && round_half_even(1.5f) == 2.0f && round_half_even(2.5f) == 2.0f);
static_assert(round_half_even(-0.5f) == 0.0f && round_half_even(-1.5f) == -2.0f && round_half_even(-2.5f) == -2.0f);
static_assert(round_half_even(2.4999f) == 2.0f && round_half_even(-2.5001f) == -3.0f);
static_assert(saturate<std::int8_t>(1000) == 127 && saturate<std::int8_t>(-1000) == -128);
static_assert(saturate<std::int16_t>(std::int64_t{1} << 40) == 32767);
static_assert(saturate<std::int32_t>(std::numeric_limits<std::int64_t>::min()) == std::numeric_limits<std::int32_t>::min());
static_assert(saturate<std::uint8_t>(-5) == 0 && saturate<std::uint8_t>(300u) == 255);
static_assert(quantize_symmetric(1e9f, 127) == 127 && quantize_symmetric(-1e9f, 127) == -127);
static_assert(quantize_symmetric(126.5f, 127) == 126 && quantize_symmetric(127.5f, 127) == 127);

TEST_CASE("round_half_even agrees with nearbyint (ties to even) on a sweep") {
  for (float x = -300.0f; x <= 300.0f; x += 0.125f) {
    CAPTURE(x);
    CHECK(round_half_even(x) == std::nearbyint(x));
  }
  CHECK(round_half_even(8388609.0f) == 8388609.0f);  // integral floats stay
  CHECK(round_half_even(3e9f) == 3e9f);
}

TEST_CASE("quantize_symmetric saturates at both ends and maps NaN to zero") {
  const float inf = std::numeric_limits<float>::infinity();
  for (int qmax : {1, 7, 127, 32767}) {
    CAPTURE(qmax);
    CHECK(quantize_symmetric(inf, qmax) == qmax);
    CHECK(quantize_symmetric(-inf, qmax) == -qmax);
    CHECK(quantize_symmetric(std::numeric_limits<float>::max(), qmax) == qmax);
    CHECK(quantize_symmetric(std::numeric_limits<float>::lowest(), qmax) == -qmax);
    CHECK(quantize_symmetric(std::nanf(""), qmax) == 0);
    CHECK(quantize_symmetric(float(qmax) + 0.4f, qmax) == qmax);
    CHECK(quantize_symmetric(-float(qmax) - 0.6f, qmax) == -qmax);
  }
}

TEST_CASE("saturate covers the int8/int16/int32 extremes") {
  CHECK(saturate<std::int8_t>(std::int32_t{127}) == 127);
  CHECK(saturate<std::int8_t>(std::int32_t{128}) == 127);
  CHECK(saturate<std::int8_t>(std::int32_t{-129}) == -128);
  CHECK(saturate<std::int16_t>(std::numeric_limits<std::int32_t>::max()) == 32767);
  CHECK(saturate<std::int16_t>(std::numeric_limits<std::int32_t>::min()) == -32768);
  CHECK(saturate<std::int32_t>(std::numeric_limits<std::int64_t>::max()) == std::numeric_limits<std::int32_t>::max());
}
