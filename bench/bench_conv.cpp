// Convolutions: ember conv2d / depthwise-separable / conv1d TCN (fp32 and int8) beside
// oneDNN convolution_forward on the same shapes, single thread, in one binary.
// oneDNN runs in its preferred (blocked) layouts with reorders outside the timed loop, and
// int8 on pre-quantized inputs; ember takes fp32 CHW (or (T, C)) in and out, its int8 time
// includes quantizing the input and dequantizing the output.
#include <benchmark/benchmark.h>

#include <dnnl.hpp>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "ember/ember.hpp"

using namespace ember;

namespace {

std::vector<float> ramp(std::size_t n, float scale) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * (float((i * 7919) % 257) / 128.0f - 1.0f);
  return v;
}

void set_macs(benchmark::State& st, double macs) {
  st.counters["GMAC/s"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// ---------------------------------------------------------------- ember conv2d
template <class L>
std::unique_ptr<L> make_conv() {
  auto l = std::make_unique<L>();
  l->set_param(0, ramp(L::params()[0].count(), 0.05f));
  if constexpr (L::params().size() > 1) l->set_param(1, ramp(L::channels, 0.1f));
  return l;
}

template <class L>
void BM_ember_conv2d(benchmark::State& st) {
  auto l = make_conv<L>();
  const auto x = ramp(L::in_size, 1.0f);
  std::vector<float> y(L::out_size);
  for (auto _ : st) {
    l->forward(std::span<const float, L::in_size>(x.data(), L::in_size), std::span<float, L::out_size>(y.data(), L::out_size));
    benchmark::DoNotOptimize(y.data());
  }
  set_macs(st, L::workload().dense_macs());
}

// Depthwise-separable block: depthwise 3x3 (+ReLU) then pointwise 1x1 (+ReLU).
template <class DW, class PW>
void BM_ember_separable(benchmark::State& st) {
  auto dw = make_conv<DW>();
  auto pw = make_conv<PW>();
  const auto x = ramp(DW::in_size, 1.0f);
  std::vector<float> h(DW::out_size), y(PW::out_size);
  for (auto _ : st) {
    dw->forward(std::span<const float, DW::in_size>(x.data(), DW::in_size), std::span<float, DW::out_size>(h.data(), DW::out_size));
    pw->forward(std::span<const float, PW::in_size>(h.data(), PW::in_size), std::span<float, PW::out_size>(y.data(), PW::out_size));
    benchmark::DoNotOptimize(y.data());
  }
  set_macs(st, DW::workload().dense_macs() + PW::workload().dense_macs());
}

// ---------------------------------------------------------------- ember TCN (conv1d stack)
constexpr std::size_t tcn_c = 64, tcn_t = 1024;
template <class P, std::size_t D>
using tcn_layer = conv1d<tcn_c, tcn_c, 3, P, 1, D, pad::causal, 1, activation::relu>;
template <class P>
struct tcn {
  tcn_layer<P, 1> l1;
  tcn_layer<P, 2> l2;
  tcn_layer<P, 4> l3;
  tcn_layer<P, 8> l4;
  tcn() {
    const auto w = ramp(tcn_c * tcn_c * 3, 0.05f), b = ramp(tcn_c, 0.1f);
    l1.set_param(0, w), l2.set_param(0, w), l3.set_param(0, w), l4.set_param(0, w);
    l1.set_param(1, b), l2.set_param(1, b), l3.set_param(1, b), l4.set_param(1, b);
  }
  static double macs() { return 4.0 * tcn_t * tcn_c * tcn_c * 3; }
};

template <class P>
void BM_ember_tcn(benchmark::State& st) {
  auto net = std::make_unique<tcn<P>>();
  const auto x = ramp(tcn_t * tcn_c, 1.0f);
  std::vector<float> a(tcn_t * tcn_c), b(tcn_t * tcn_c);
  for (auto _ : st) {
    net->l1.forward(x, a);
    net->l2.forward(a, b);
    net->l3.forward(b, a);
    net->l4.forward(a, b);
    benchmark::DoNotOptimize(b.data());
  }
  set_macs(st, tcn<P>::macs());
}

// Streaming: one time step through the four layers (the real-time use).
template <class P>
void BM_ember_tcn_step(benchmark::State& st) {
  auto net = std::make_unique<tcn<P>>();
  const auto x = ramp(tcn_t * tcn_c, 1.0f);
  std::array<float, tcn_c> a{}, b{};
  std::size_t t = 0;
  for (auto _ : st) {
    net->l1.step(std::span<const float, tcn_c>(x.data() + (t++ % tcn_t) * tcn_c, tcn_c), a);
    net->l2.step(a, b);
    net->l3.step(b, a);
    net->l4.step(a, b);
    benchmark::DoNotOptimize(b.data());
  }
  set_macs(st, tcn<P>::macs() / tcn_t);
}

// ---------------------------------------------------------------- oneDNN
struct dnnl_conv {
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
  std::vector<dnnl::primitive> prims;
  std::vector<std::unordered_map<int, dnnl::memory>> args;

  // One convolution (ndim 3: N C W, or 4: N C H W) in oneDNN's preferred layouts; its
  // source is the previous convolution's destination when chained.
  void add(bool int8, const dnnl::memory::dims& src, const dnnl::memory::dims& wei, const dnnl::memory::dims& dst,
           const dnnl::memory::dims& strides, const dnnl::memory::dims& dil, const dnnl::memory::dims& pl,
           const dnnl::memory::dims& pr, bool relu) {
    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    const auto sd = dnnl::memory::desc(src, int8 ? dt::s8 : dt::f32, tag::any);
    const auto wd = dnnl::memory::desc(wei, int8 ? dt::s8 : dt::f32, tag::any);
    const auto bd = dnnl::memory::desc({dst[1]}, dt::f32, tag::a);
    const auto dd = dnnl::memory::desc(dst, int8 ? dt::s8 : dt::f32, tag::any);
    const auto d = dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                                   sd, wd, bd, dd, strides, dil, pl, pr);
    dnnl::primitive_attr attr;
    if (int8) attr.set_output_scales(0, {0.01f});
    if (relu) {
      dnnl::post_ops po;
      po.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      attr.set_post_ops(po);
    }
    const auto pd = dnnl::convolution_forward::primitive_desc(d, attr, eng);
    dnnl::memory s = args.empty() ? dnnl::memory(pd.src_desc(), eng) : args.back().at(DNNL_ARG_DST);
    if (s.get_desc() != pd.src_desc()) s = dnnl::memory(pd.src_desc(), eng);  // chained layouts agree here
    dnnl::memory w(pd.weights_desc(), eng), b(pd.bias_desc(), eng), o(pd.dst_desc(), eng);
    fill(s), fill(w), fill(b);
    prims.push_back(dnnl::convolution_forward(pd));
    args.push_back({{DNNL_ARG_SRC, s}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, o}});
  }
  static void fill(dnnl::memory& m) {  // small values (no denormals), padding included
    const auto bytes = m.get_desc().get_size();
    if (m.get_desc().data_type() == dnnl::memory::data_type::f32) {
      auto* p = static_cast<float*>(m.get_data_handle());
      for (std::size_t i = 0; i < bytes / 4; ++i) p[i] = 0.05f * float(int((i * 37) % 7) - 3);
    } else {
      auto* p = static_cast<signed char*>(m.get_data_handle());
      for (std::size_t i = 0; i < bytes; ++i) p[i] = static_cast<signed char>(int((i * 37) % 7) - 3);
    }
  }
  void run() {
    for (std::size_t i = 0; i < prims.size(); ++i) prims[i].execute(strm, args[i]);
    strm.wait();
  }
};

void BM_dnnl(benchmark::State& st, dnnl_conv& c, double macs) {
  c.run();
  for (auto _ : st) c.run();
  set_macs(st, macs);
}

void BM_dnnl_conv2d(benchmark::State& st, bool int8, int cin, int h, int w, int cout) {
  dnnl_conv c;
  c.add(int8, {1, cin, h, w}, {cout, cin, 3, 3}, {1, cout, h, w}, {1, 1}, {0, 0}, {1, 1}, {1, 1}, false);
  BM_dnnl(st, c, double(h) * w * cout * cin * 9);
}

void BM_dnnl_separable(benchmark::State& st, bool int8) {
  dnnl_conv c;
  c.add(int8, {1, 32, 32, 32}, {32, 1, 1, 3, 3}, {1, 32, 32, 32}, {1, 1}, {0, 0}, {1, 1}, {1, 1}, true);
  c.add(int8, {1, 32, 32, 32}, {64, 32, 1, 1}, {1, 64, 32, 32}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, true);
  BM_dnnl(st, c, 32.0 * 32 * 32 * 9 + 32.0 * 32 * 64 * 32);
}

void BM_dnnl_tcn(benchmark::State& st, bool int8) {
  dnnl_conv c;
  const dnnl::memory::dim C = tcn_c, T = tcn_t;
  for (dnnl::memory::dim d : {1, 2, 4, 8})  // oneDNN dilation counts the gaps: d - 1
    c.add(int8, {1, C, T}, {C, C, 3}, {1, C, T}, {1}, {d - 1}, {2 * d}, {0}, true);
  BM_dnnl(st, c, tcn<policy<>>::macs());
}

using P32 = policy<>;
using P8 = policy<quant::int8>;
using L1 = conv2d<16, 32, 32, 32, 3, P32, 1, 1, pad::same>;
using L2 = conv2d<32, 16, 16, 64, 3, P32, 1, 1, pad::same>;
using L1q = conv2d<16, 32, 32, 32, 3, P8, 1, 1, pad::same>;
using L2q = conv2d<32, 16, 16, 64, 3, P8, 1, 1, pad::same>;
template <class P>
using DW = depthwise_conv2d<32, 32, 32, 3, P, 1, 1, pad::same, activation::relu>;
template <class P>
using PW = conv2d<32, 32, 32, 64, 1, P, 1, 1, pad::valid, 1, activation::relu>;

}  // namespace

BENCHMARK(BM_ember_conv2d<L1>)->Name("conv2d_3x3_16x32x32_to_32/ember_f32");
BENCHMARK(BM_ember_conv2d<L1q>)->Name("conv2d_3x3_16x32x32_to_32/ember_s8");
BENCHMARK_CAPTURE(BM_dnnl_conv2d, f32, false, 16, 32, 32, 32)->Name("conv2d_3x3_16x32x32_to_32/onednn_f32");
BENCHMARK_CAPTURE(BM_dnnl_conv2d, s8, true, 16, 32, 32, 32)->Name("conv2d_3x3_16x32x32_to_32/onednn_s8");
BENCHMARK(BM_ember_conv2d<L2>)->Name("conv2d_3x3_32x16x16_to_64/ember_f32");
BENCHMARK(BM_ember_conv2d<L2q>)->Name("conv2d_3x3_32x16x16_to_64/ember_s8");
BENCHMARK_CAPTURE(BM_dnnl_conv2d, f32, false, 32, 16, 16, 64)->Name("conv2d_3x3_32x16x16_to_64/onednn_f32");
BENCHMARK_CAPTURE(BM_dnnl_conv2d, s8, true, 32, 16, 16, 64)->Name("conv2d_3x3_32x16x16_to_64/onednn_s8");
BENCHMARK(BM_ember_separable<DW<P32>, PW<P32>>)->Name("separable_32x32x32_to_64/ember_f32");
BENCHMARK(BM_ember_separable<DW<P8>, PW<P8>>)->Name("separable_32x32x32_to_64/ember_s8");
BENCHMARK_CAPTURE(BM_dnnl_separable, f32, false)->Name("separable_32x32x32_to_64/onednn_f32");
BENCHMARK_CAPTURE(BM_dnnl_separable, s8, true)->Name("separable_32x32x32_to_64/onednn_s8");
BENCHMARK(BM_ember_tcn<P32>)->Name("tcn_4x_conv1d_64ch_k3_d1248_T1024/ember_f32");
BENCHMARK(BM_ember_tcn<P8>)->Name("tcn_4x_conv1d_64ch_k3_d1248_T1024/ember_s8");
BENCHMARK_CAPTURE(BM_dnnl_tcn, f32, false)->Name("tcn_4x_conv1d_64ch_k3_d1248_T1024/onednn_f32");
BENCHMARK_CAPTURE(BM_dnnl_tcn, s8, true)->Name("tcn_4x_conv1d_64ch_k3_d1248_T1024/onednn_s8");
BENCHMARK(BM_ember_tcn_step<P32>)->Name("tcn_4x_conv1d_64ch_step/ember_f32");
BENCHMARK(BM_ember_tcn_step<P8>)->Name("tcn_4x_conv1d_64ch_step/ember_s8");

BENCHMARK_MAIN();
