// io::load_state_dict on the convolution layers: PyTorch names and shapes (conv2d, conv1d,
// conv_bn under an nn.Sequential prefix). Compiled once the JSON loader is in the tree.
#include <doctest/doctest.h>

#if __has_include("ember/io/state_dict.hpp")
#  include <cmath>
#  include <memory>
#  include <vector>

#  include <nlohmann/json.hpp>

#  include "ember/ember.hpp"
#  include "ember/io/state_dict.hpp"
#  include "test_support.hpp"

using namespace ember;

namespace {
// A row-major flat vector as the nested lists torch.Tensor.tolist() gives.
nlohmann::json nested(const std::vector<float>& v, std::initializer_list<std::size_t> shape) {
  std::vector<std::size_t> dims(shape);
  const auto build = [&](auto&& self, std::size_t d, std::size_t off) -> nlohmann::json {
    nlohmann::json a = nlohmann::json::array();
    std::size_t inner = 1;
    for (std::size_t k = d + 1; k < dims.size(); ++k) inner *= dims[k];
    for (std::size_t i = 0; i < dims[d]; ++i)
      a.push_back(d + 1 == dims.size() ? nlohmann::json(v[off + i]) : self(self, d + 1, off + i * inner));
    return a;
  };
  return build(build, 0, 0);
}
}  // namespace

TEST_CASE("load_state_dict: conv2d + BatchNorm2d in an nn.Sequential, conv1d") {
  using C = conv2d<3, 6, 6, 4, 3, policy<>, 1, 1, pad::symmetric(1), 1, activation::relu>;
  using L = conv_bn<C, "0", "1">;  // nn.Sequential(Conv2d(3, 4, 3, padding=1, bias=False), BatchNorm2d(4), ReLU())
  const auto w = test::random_vector(4 * 3 * 9, 1), g = test::random_vector(4, 2, 0.5f, 1.5f),
             b = test::random_vector(4, 3), m = test::random_vector(4, 4), var = test::random_vector(4, 5, 0.5f, 1.0f);
  nlohmann::json sd = {{"features.0.weight", nested(w, {4, 3, 3, 3})}, {"features.1.weight", g},
                       {"features.1.bias", b}, {"features.1.running_mean", m}, {"features.1.running_var", var},
                       {"features.1.num_batches_tracked", 7}};
  auto loaded = std::make_unique<L>(), direct = std::make_unique<L>();
  io::load_state_dict(*loaded, sd, "features");
  for (const auto& [i, v] : {std::pair{0, &w}, {1, &g}, {2, &b}, {3, &m}, {4, &var}}) direct->set_param(std::size_t(i), *v);
  const auto x = test::random_vector(L::in_size, 6);
  std::vector<float> y1(L::out_size), y2(L::out_size);
  loaded->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(y1.data(), L::out_size));
  direct->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(y2.data(), L::out_size));
  CHECK(std::ranges::equal(y1, y2));

  sd.erase("features.1.running_var");
  CHECK_THROWS_AS(io::load_state_dict(*loaded, sd, "features"), load_error);

  conv1d<5, 2, 3, policy<quant::int8>, 1, 1, pad::causal> tcn;
  const auto w1 = test::random_vector(2 * 5 * 3, 7), b1 = test::random_vector(2, 8);
  io::load_state_dict(tcn, nlohmann::json{{"tcn.weight", nested(w1, {2, 5, 3})}, {"tcn.bias", b1}}, "tcn");
  // Quantized to int8 per output channel: within half a step of the PyTorch value.
  CHECK(std::fabs(tcn.kernel().weight(1, 4, 2) - w1[(1 * 5 + 4) * 3 + 2]) <= 0.5f * tcn.kernel().weight_scale_of(1) + 1e-7f);
  CHECK(tcn.kernel().bias(1) == b1[1]);
}
#endif
