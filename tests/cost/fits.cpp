// cost::fits<Model, HW> answers for every hardware model through one trait: the systolic
// array (everything on chip for one step) and the Epiphany mapper both specialize it.
#include <doctest/doctest.h>

#include "ember/ember.hpp"
#include "mock_layers.hpp"

using namespace ember;

using small = test::mock_model<test::mock_lstm<32, 128, 8>, test::mock_dense<128, 12, 8>>;
using huge = test::mock_model<test::mock_lstm<1024, 4096, 32>>;
using array_4mib = hw::systolic<32, 32, dataflow::os, hw::sram_kib<4096>, mhz<200>>;

static_assert(cost::fits<small, array_4mib>);
static_assert(!cost::fits<huge, array_4mib>);
static_assert(cost::fits<small, array_4mib> == cost::estimate<small, array_4mib>(1).fits);

TEST_CASE("cost::fits: systolic arrays answer through the shared trait") { CHECK(cost::fits<small, array_4mib>); }
