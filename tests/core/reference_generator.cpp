// The C++ twin of the Python weight generator reproduces it exactly (values below were
// printed by tools/reference/common.py: uniform(1, 5, 0.5)).
#include <doctest/doctest.h>

#include "reference_data.hpp"

TEST_CASE("reference_uniform matches the Python generator bit for bit") {
  const auto v = ember::test::reference_uniform(1, 5, 0.5f);
  CHECK(v[0] == 0x1.10a2dp-4f);
  CHECK(v[1] == 0x1.f75c68p-3f);
  CHECK(v[2] == 0x1.e24e88p-2f);
  CHECK(v[3] == -0x1.c7cf4p-5f);
  CHECK(v[4] == -0x1.c8958p-5f);
}
