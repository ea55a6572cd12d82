// model<Layers...>: PyTorch round trips through exported headers (tools/gen_model_examples.py:
// LSTM -> SRU -> Linear, CausalConv1d + BN + ReLU -> GRU -> Linear, Conv2d + BN + ReLU ->
// Flatten -> Linear, int8 GRU -> Linear), step() == forward(), state, workload, size, no heap.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "ember/cost/estimate.hpp"
#include "ember/cost/hw/systolic.hpp"
#include "ember/io/tensor_table.hpp"
#include "ember/model.hpp"
#include "count_allocations.hpp"  // this executable's operator new counts
#include "test_support.hpp"

#include "../../examples/data/cnn2d.hpp"
#include "../../examples/data/crnn_conv_gru.hpp"
#include "../../examples/data/export_and_run.hpp"
#include "../../examples/data/kws_gru.hpp"


using namespace ember;

namespace {

// Parameters: named<> prefixes, PyTorch names, layer order (checked at compile time).
using lstm_sru = export_and_run::model_type;
static_assert(lstm_sru::params()[0].name == "lstm.weight_ih_l0");
static_assert(lstm_sru::params()[4].name == "sru.weight_l0");
static_assert(lstm_sru::params()[lstm_sru::n_params - 1].name == "fc.bias");
static_assert(lstm_sru::in_size == 6 && lstm_sru::out_size == 4);
static_assert(model<dense<3, 5>, dense<5, 2>>::params()[2].name == "1.weight");
static_assert(lstm_sru::state_size == 2 * 24 + 24);  // LSTM (h, c), SRU c

// Storage is the layers plus one pair of ping-pong buffers (chunk x widest inner output).
template <class M, class... L>
constexpr bool size_is_layers_plus_scratch() {
  constexpr std::size_t layers = (sizeof(L) + ...);
  constexpr std::size_t scratch = 2 * M::chunk * M::inner_width * sizeof(float) + M::out_size * sizeof(float);
  return sizeof(M) >= layers + scratch && sizeof(M) <= layers + scratch + 64 * (sizeof...(L) + 2);
}
static_assert(size_is_layers_plus_scratch<model<lstm<6, 24>, dense<24, 4>>, lstm<6, 24>, dense<24, 4>>());

/// Largest |a - b| / (1 + |b|).
double worst_rel(std::span<const float> a, std::span<const float> b) {
  double w = 0;
  for (std::size_t i = 0; i < a.size(); ++i) w = std::max(w, std::fabs(double(a[i]) - b[i]) / (1.0 + std::fabs(b[i])));
  return w;
}

template <class M, std::size_t NIn, std::size_t NOut>
std::vector<float> run_forward(M& net, const float (&in)[NIn], const float (&)[NOut]) {
  std::vector<float> ys(NOut);
  net.reset();
  CHECK(net.forward(std::span<const float>(in, NIn), ys) == NIn / M::in_size);
  return ys;
}

template <class M, std::size_t NIn>
std::vector<float> run_steps(M& net, const float (&in)[NIn]) {
  std::vector<float> ys(NIn / M::in_size * M::out_size);
  net.reset();
  for (std::size_t t = 0; t < NIn / M::in_size; ++t)
    net.step(std::span<const float, M::in_size>(in + t * M::in_size, M::in_size),
             std::span<float, M::out_size>(ys.data() + t * M::out_size, M::out_size));
  return ys;
}

}  // namespace

// fp32 against PyTorch: a few float32 roundings per layer (different summation order, exp),
// so 1e-5 relative to (1 + |y|), the project's fp32 tolerance.
TEST_CASE("model: exported LSTM -> SRU -> Linear matches PyTorch, step == forward") {
  auto net = std::make_unique<lstm_sru>();
  io::load_tensors(*net, export_and_run::tensors);
  const auto ys = run_forward(*net, export_and_run::example_input, export_and_run::torch_output);
  CHECK(worst_rel(ys, export_and_run::torch_output) <= 1e-5);
  CHECK(worst_rel(run_steps(*net, export_and_run::example_input), ys) <= 1e-6);
  net->reset();
  std::span<const float, 4> y = net->step(std::span<const float, 6>(export_and_run::example_input, 6));
  CHECK(worst_rel(y, std::span<const float>(ys).first(4)) <= 1e-6);
}

TEST_CASE("model: exported causal Conv1d + BN + ReLU -> GRU -> Linear (CRNN) matches PyTorch") {
  using M = crnn_conv_gru::model_type;
  auto net = std::make_unique<M>();
  io::load_tensors(*net, crnn_conv_gru::tensors);
  const auto ys = run_forward(*net, crnn_conv_gru::example_input, crnn_conv_gru::torch_output);
  CHECK(worst_rel(ys, crnn_conv_gru::torch_output) <= 1e-5);
  CHECK(worst_rel(run_steps(*net, crnn_conv_gru::example_input), ys) <= 1e-6);
}

TEST_CASE("model: exported Conv2d + BN + ReLU -> Flatten -> Linear matches PyTorch per frame") {
  using M = cnn2d::model_type;
  auto net = std::make_unique<M>();
  io::load_tensors(*net, cnn2d::tensors);
  CHECK(worst_rel(run_forward(*net, cnn2d::example_input, cnn2d::torch_output), cnn2d::torch_output) <= 1e-5);
}

// Mixed policies: int8 GRU (weights per row at load, x and h per step) then an fp32 head,
// against the fp32 PyTorch model. Two int8 roundings per matrix product over 20 steps:
// the same model in fp32 policies meets 1e-5; the int8 one measured 1.2e-3, bound 5e-3.
TEST_CASE("model: int8 GRU -> fp32 head stays within the quantization error of PyTorch") {
  using M = kws_gru::model_type;
  static_assert(M::layer_type<0>::policy_type::weight_bits == 8 && M::layer_type<1>::policy_type::weight_bits == 32);
  using F = model<named<"gru", gru<40, 64>>, named<"fc", dense<64, 12>>>;
  auto q = std::make_unique<M>();
  auto f = std::make_unique<F>();
  const auto rep = io::load_tensors(*q, kws_gru::tensors);
  io::load_tensors(*f, kws_gru::tensors);
  CHECK(rep.worst_rel_frobenius() > 0);
  CHECK(worst_rel(run_forward(*f, kws_gru::example_input, kws_gru::torch_output), kws_gru::torch_output) <= 1e-5);
  const double e8 = worst_rel(run_forward(*q, kws_gru::example_input, kws_gru::torch_output), kws_gru::torch_output);
  MESSAGE("int8 GRU model vs PyTorch fp32: " << e8);
  CHECK(e8 <= 5e-3);
}

TEST_CASE("model: state get/set resumes a sequence; reset restarts it") {
  auto net = std::make_unique<lstm_sru>();
  io::load_tensors(*net, export_and_run::tensors);
  const auto& x = export_and_run::example_input;
  const auto full = run_forward(*net, x, export_and_run::torch_output);
  net->reset();
  std::vector<float> head(5 * 4), tail(7 * 4);
  net->forward(std::span<const float>(x, 5 * 6), head);
  std::array<float, lstm_sru::state_size> s{};
  net->get_state(s);
  net->reset();
  net->set_state(s);
  net->forward(std::span<const float>(x + 5 * 6, 7 * 6), tail);
  CHECK(worst_rel(tail, std::span<const float>(full).subspan(5 * 4)) <= 1e-6);
}

TEST_CASE("model: workload is the layers' workloads, and feeds the cost model") {
  using M = crnn_conv_gru::model_type;
  constexpr auto w = M::workload(50);
  static_assert(w.size() == 3);
  static_assert(w[1].dense_macs() == M::layer_type<1>::workload(50).dense_macs());
  using HW = hw::systolic<16, 16, dataflow::os, sram_kib<512>, mhz<200>>;
  constexpr auto r = cost::estimate<M, HW>(50);
  static_assert(r.fits);
  CHECK(r.total.macs > 0);
  CHECK(r.layers[0].name == std::string_view("conv1d"));
}

TEST_CASE("model: step() and forward() allocate nothing") {
  auto a = std::make_unique<crnn_conv_gru::model_type>();
  auto b = std::make_unique<kws_gru::model_type>();
  io::load_tensors(*a, crnn_conv_gru::tensors);
  io::load_tensors(*b, kws_gru::tensors);
  std::vector<float> ya(24 * 5), yb(20 * 12);
  const std::size_t before = test::allocations.load();
  a->forward(std::span<const float>(crnn_conv_gru::example_input), ya);
  b->forward(std::span<const float>(kws_gru::example_input), yb);
  a->step(std::span<const float, 16>(crnn_conv_gru::example_input, 16), std::span<float, 5>(ya.data(), 5));
  b->step(std::span<const float, 40>(kws_gru::example_input, 40), std::span<float, 12>(yb.data(), 12));
  a->reset();
  CHECK(test::allocations.load() == before);
}

// Mixed policies: an int8 block-circulant LSTM feeding an fp32 head. The model must give
// exactly what the two layers give when run one after the other (same kernels, same
// chunking of the sequence), for 40 steps (two and a half chunks) and step by step.
TEST_CASE("model: int8 circulant<8> LSTM -> fp32 dense equals its layers run in turn") {
  using R = lstm<16, 32, policy<quant::int8, matvec::circulant<8>>>;
  using D = dense<32, 4>;
  using M = model<R, D>;
  auto net = std::make_unique<M>();
  auto r = std::make_unique<R>();
  auto d = std::make_unique<D>();
  constexpr auto ps = M::params();
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const auto v = test::random_vector(ps[i].count(), 20 + unsigned(i), -0.4f, 0.4f);
    net->set_param(i, v);
    if (i < R::params().size()) r->set_param(i, v);
    else d->set_param(i - R::params().size(), v);
  }
  const auto xs = test::random_vector(40 * 16, 5);
  std::vector<float> hs(40 * 32), want(40 * 4), got(40 * 4);
  r->forward(xs, hs);
  d->forward(hs, want);
  net->forward(xs, got);
  CHECK(got == want);
  const auto stepped = [&] {
    std::vector<float> ys(40 * 4);
    net->reset();
    for (std::size_t t = 0; t < 40; ++t)
      net->step(std::span<const float, 16>(xs.data() + t * 16, 16), std::span<float, 4>(ys.data() + t * 4, 4));
    return ys;
  }();
  CHECK(worst_rel(stepped, want) <= 1e-5);  // step: one-vector kernels, forward: chunked ones
}
