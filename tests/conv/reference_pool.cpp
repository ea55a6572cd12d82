// Pooling against PyTorch float64 references: max / average 2D (padding, stride, dilation,
// count_include_pad both ways), 1D over time-major frames, global average pooling.
#include "conv_reference.hpp"

using namespace ember;
using conv_test::check_f32;
using conv_test::for_each_arch;
using conv_test::manifest;

namespace {

template <class L>
void run_pool2d(const std::string& name, const char* kind) {
  CAPTURE(name);
  const auto& c = manifest().at(name);
  REQUIRE(c["kind"] == kind);
  CHECK(c["c"] == L::in_channels);
  CHECK(c["h"] == L::in_height);
  CHECK(c["w"] == L::in_width);
  const auto x = test::reference_uniform(c["seed_x"], L::in_size);
  const auto ref = test::read_floats("conv/" + c["file"].get<std::string>());
  REQUIRE(ref.size() == L::out_size);
  L l;
  for_each_arch([&](auto arch) {
    CAPTURE(arch.name());
    std::vector<float> y(L::out_size, std::nanf(""));
    l.forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(y.data(), L::out_size), arch);
    check_f32(y, ref);
  });
}

template <class L>
void run_pool1d(const std::string& name, const char* kind) {
  CAPTURE(name);
  const auto& c = manifest().at(name);
  REQUIRE(c["kind"] == kind);
  CHECK(c["c"] == L::in_channels);
  const std::size_t t_in = c["t"];
  const auto x = test::reference_uniform(c["seed_x"], t_in * L::in_size);
  const auto ref = test::read_floats("conv/" + c["file"].get<std::string>());
  L l;
  for_each_arch([&](auto arch) {
    CAPTURE(arch.name());
    std::vector<float> y(ref.size(), std::nanf(""));
    CHECK(l.forward(x, y, arch) * L::out_size == ref.size());
    check_f32(y, ref);
  });
}

}  // namespace

TEST_CASE("pool2d: max and average pooling match torch within 1e-5") {
  run_pool2d<max_pool2d<3, 8, 8, 2>>("p2_max_k2", "pool2d");
  run_pool2d<max_pool2d<3, 9, 11, 3, 2, 1>>("p2_max_k3_s2_p1", "pool2d");
  run_pool2d<max_pool2d<2, 12, 13, 3, 1, 1, 2>>("p2_max_k3_d2_p1", "pool2d");
  run_pool2d<avg_pool2d<3, 9, 11, 3, 2, 1>>("p2_avg_k3_s2_p1", "pool2d");
  run_pool2d<avg_pool2d<3, 9, 11, 3, 2, 1, false>>("p2_avg_k3_s2_p1_exclude", "pool2d");
  run_pool2d<avg_pool2d<4, 8, 6, 2>>("p2_avg_k2", "pool2d");
  run_pool2d<global_avg_pool2d<5, 7, 9>>("p2_gap", "gap2d");
}

TEST_CASE("pool1d: time-major max and average pooling match torch within 1e-5") {
  run_pool1d<max_pool1d<6, 3, 2, 1>>("p1_max_k3_s2_p1", "pool1d");
  run_pool1d<avg_pool1d<6, 4, 2, 2>>("p1_avg_k4_s2_p2", "pool1d");
  run_pool1d<avg_pool1d<6, 4, 2, 2, false>>("p1_avg_k4_s2_p2_exclude", "pool1d");
  run_pool1d<global_avg_pool1d<7>>("p1_gap", "gap1d");
}
