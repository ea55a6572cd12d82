// LSTM and GRU at batch 1: ember (fp32, int8) beside oneDNN's inference primitives
// (lstm_forward; lbr_gru_forward, which is PyTorch's GRU) on the same weights and inputs.
// Per-step latency (one step, state carried) and 100-step sequence throughput (steps/s).
// Run single-threaded for a like-for-like comparison: OMP_NUM_THREADS=1 bench_rnn.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <dnnl.hpp>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ember/layers/bidirectional.hpp"
#include "ember/layers/gru.hpp"
#include "ember/layers/lstm.hpp"
#include "ember/layers/qrnn.hpp"

using namespace ember;

namespace {

constexpr std::size_t seq_len = 100;

// PyTorch-layout weights of one level: W_ih (G H, In), W_hh (G H, H), b_ih, b_hh (G H).
struct torch_weights {
  std::vector<float> wih, whh, bih, bhh;
  torch_weights(std::size_t gates, std::size_t in, std::size_t h, unsigned seed) {
    std::mt19937 g(seed);
    const float k = 1.0f / std::sqrt(float(h));
    std::uniform_real_distribution<float> d(-k, k);
    for (auto* v : {&wih, &whh, &bih, &bhh}) {
      v->resize(v == &wih ? gates * h * in : v == &whh ? gates * h * h : gates * h);
      for (auto& e : *v) e = d(g);
    }
  }
};

std::vector<float> inputs(std::size_t in) {
  std::mt19937 g(42);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> x(seq_len * in);
  for (auto& e : x) e = d(g);
  return x;
}

template <class L>
std::unique_ptr<L> make_ember(const torch_weights& w) {
  auto l = std::make_unique<L>();
  l->set_param(0, w.wih);
  l->set_param(1, w.whh);
  l->set_param(2, w.bih);
  l->set_param(3, w.bhh);
  return l;
}

// ---- oneDNN -------------------------------------------------------------------------------
using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

// One oneDNN RNN primitive over `steps` steps (1: per-step use, state carried by swapping
// two state buffers; seq_len: one call per sequence).
struct onednn_rnn {
  bool is_lstm;
  std::size_t in, h, steps;
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
  dnnl::primitive prim;
  dnnl::memory src, dst, wl, wi, bias, iter[2], iter_c[2];
  std::unordered_map<int, dnnl::memory> args[2];
  int cur = 0;

  onednn_rnn(bool lstm, std::size_t in_, std::size_t h_, std::size_t steps_, const torch_weights& w)
      : is_lstm(lstm), in(in_), h(h_), steps(steps_) {
    const auto H = dnnl::memory::dim(h), I = dnnl::memory::dim(in), T = dnnl::memory::dim(steps);
    const dnnl::memory::dim G = lstm ? 4 : 3;
    const dnnl::memory::desc src_md({T, 1, I}, dt::f32, tag::tnc), dst_md({T, 1, H}, dt::f32, tag::tnc);
    const dnnl::memory::desc iter_md({1, 1, 1, H}, dt::f32, tag::ldnc);
    const dnnl::memory::desc wl_any({1, 1, I, G, H}, dt::f32, tag::any), wi_any({1, 1, H, G, H}, dt::f32, tag::any);
    const dnnl::memory::desc bias_md({1, 1, lstm ? G : G + 1, H}, dt::f32, tag::ldgo);
    const auto dir = dnnl::rnn_direction::unidirectional_left2right;
    const auto prop = dnnl::prop_kind::forward_inference;
    dnnl::memory::desc wl_md, wi_md;
    if (lstm) {
      const dnnl::lstm_forward::primitive_desc pd(
          dnnl::lstm_forward::desc(prop, dir, src_md, iter_md, iter_md, wl_any, wi_any, bias_md, dst_md, iter_md, iter_md),
          eng);
      prim = dnnl::lstm_forward(pd);
      wl_md = pd.weights_layer_desc();
      wi_md = pd.weights_iter_desc();
    } else {
      const dnnl::lbr_gru_forward::primitive_desc pd(
          dnnl::lbr_gru_forward::desc(prop, dir, src_md, iter_md, wl_any, wi_any, bias_md, dst_md, iter_md), eng);
      prim = dnnl::lbr_gru_forward(pd);
      wl_md = pd.weights_layer_desc();
      wi_md = pd.weights_iter_desc();
    }
    // PyTorch gate order i,f,g,o (LSTM) is oneDNN's; GRU: PyTorch r,z,n -> oneDNN u(=z),r,o(=n).
    const auto gate = [&](std::size_t g) -> std::size_t { return lstm ? g : (g == 0 ? 1 : g == 1 ? 0 : 2); };
    std::vector<float> wl_user(in * G * h), wi_user(h * G * h), b_user((lstm ? G : G + 1) * h);
    for (std::size_t g = 0; g < std::size_t(G); ++g)
      for (std::size_t o = 0; o < h; ++o) {
        const std::size_t row = gate(g) * h + o;  // PyTorch row feeding oneDNN gate g, unit o
        for (std::size_t i = 0; i < in; ++i) wl_user[(i * G + g) * h + o] = w.wih[row * in + i];
        for (std::size_t i = 0; i < h; ++i) wi_user[(i * G + g) * h + o] = w.whh[row * h + i];
        const bool lbr_n = !lstm && g == 2;  // lbr GRU: b_in here, b_hn in the extra gate
        b_user[g * h + o] = lbr_n ? w.bih[row] : w.bih[row] + w.bhh[row];
        if (lbr_n) b_user[3 * h + o] = w.bhh[row];
      }
    wl = reorder_from(wl_user, {1, 1, I, G, H}, wl_md);
    wi = reorder_from(wi_user, {1, 1, H, G, H}, wi_md);
    bias = dnnl::memory(bias_md, eng);
    std::copy(b_user.begin(), b_user.end(), static_cast<float*>(bias.get_data_handle()));
    src = dnnl::memory(src_md, eng);
    dst = dnnl::memory(dst_md, eng);
    for (auto& m : iter) m = zeroed(iter_md);
    for (auto& m : iter_c) m = zeroed(iter_md);
    for (int k = 0; k < 2; ++k) {
      args[k] = {{DNNL_ARG_SRC_LAYER, src}, {DNNL_ARG_DST_LAYER, dst}, {DNNL_ARG_WEIGHTS_LAYER, wl},
                 {DNNL_ARG_WEIGHTS_ITER, wi}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_SRC_ITER, iter[k]},
                 {DNNL_ARG_DST_ITER, iter[1 - k]}};
      if (lstm) {
        args[k][DNNL_ARG_SRC_ITER_C] = iter_c[k];
        args[k][DNNL_ARG_DST_ITER_C] = iter_c[1 - k];
      }
    }
  }
  dnnl::memory zeroed(const dnnl::memory::desc& md) {
    dnnl::memory m(md, eng);
    std::fill_n(static_cast<float*>(m.get_data_handle()), md.get_size() / sizeof(float), 0.0f);
    return m;
  }
  dnnl::memory reorder_from(std::vector<float>& user, const dnnl::memory::dims& dims, const dnnl::memory::desc& md) {
    dnnl::memory u({dims, dt::f32, tag::ldigo}, eng, user.data()), m(md, eng);
    dnnl::reorder(u, m).execute(strm, u, m);
    strm.wait();
    return m;
  }
  void reset() {
    for (int k = 0; k < 2; ++k) {
      std::fill_n(static_cast<float*>(iter[k].get_data_handle()), h, 0.0f);
      std::fill_n(static_cast<float*>(iter_c[k].get_data_handle()), h, 0.0f);
    }
    cur = 0;
  }
  /// `steps` steps from x (steps, in); the state carries over to the next call.
  void run(const float* x) {
    src.set_data_handle(const_cast<float*>(x));
    prim.execute(strm, args[cur]);
    strm.wait();
    cur = 1 - cur;
  }
  const float* out() const { return static_cast<const float*>(dst.get_data_handle()); }
};

// ---- benchmarks ---------------------------------------------------------------------------
// items = time steps, so items_per_second is steps/s (per-step latency = 1 / that).
void set_rates(benchmark::State& st, std::size_t steps_per_iter) {
  st.SetItemsProcessed(std::int64_t(st.iterations() * steps_per_iter));
}

template <class L>
void ember_step(benchmark::State& st, const torch_weights& w) {
  auto l = make_ember<L>(w);
  const auto xs = inputs(L::in_size);
  std::vector<float> y(L::out_size);
  std::size_t t = 0;
  for (auto _ : st) {
    l->step(std::span<const float, L::in_size>(xs.data() + t * L::in_size, L::in_size),
            std::span<float, L::out_size>(y.data(), L::out_size));
    benchmark::DoNotOptimize(y.data());
    t = t + 1 == seq_len ? 0 : t + 1;
  }
  set_rates(st, 1);
}

template <class L>
void ember_seq(benchmark::State& st, const torch_weights& w) {
  auto l = make_ember<L>(w);
  const auto xs = inputs(L::in_size);
  std::vector<float> ys(seq_len * L::out_size);
  for (auto _ : st) {
    l->reset();
    l->forward(xs, ys);
    benchmark::DoNotOptimize(ys.data());
  }
  set_rates(st, seq_len);
}

void onednn_step(benchmark::State& st, bool lstm_, std::size_t in, std::size_t h, const torch_weights& w) {
  onednn_rnn r(lstm_, in, h, 1, w);
  const auto xs = inputs(in);
  std::size_t t = 0;
  for (auto _ : st) {
    r.run(xs.data() + t * in);
    benchmark::DoNotOptimize(r.out());
    t = t + 1 == seq_len ? 0 : t + 1;
  }
  set_rates(st, 1);
}

void onednn_seq(benchmark::State& st, bool lstm_, std::size_t in, std::size_t h, const torch_weights& w) {
  onednn_rnn r(lstm_, in, h, seq_len, w);
  const auto xs = inputs(in);
  for (auto _ : st) {
    r.reset();
    r.run(xs.data());
    benchmark::DoNotOptimize(r.out());
  }
  set_rates(st, seq_len);
}

// Checks once that oneDNN and ember compute the same function on these weights.
template <class L>
double max_difference(bool lstm_, const torch_weights& w) {
  auto l = make_ember<L>(w);
  const auto xs = inputs(L::in_size);
  std::vector<float> ys(seq_len * L::out_size);
  l->forward(xs, ys);
  onednn_rnn r(lstm_, L::in_size, L::out_size, seq_len, w);
  r.run(xs.data());
  double d = 0;
  for (std::size_t i = 0; i < ys.size(); ++i) d = std::max(d, double(std::fabs(ys[i] - r.out()[i])));
  return d;
}

template <template <std::size_t, std::size_t, class, std::size_t, std::size_t> class Layer, std::size_t In,
          std::size_t H>
void register_shape(const char* kind) {
  constexpr bool is_lstm = std::is_same_v<Layer<1, 1, policy<>, 1, 16>, lstm<1, 1>>;
  using f32 = Layer<In, H, policy<>, 1, 16>;
  using s8 = Layer<In, H, policy<quant::int8>, 1, 16>;
  static const torch_weights w(is_lstm ? 4 : 3, In, H, unsigned(In * 131 + H));
  const std::string shape = std::string(kind) + "/" + std::to_string(In) + "x" + std::to_string(H);
  const double diff = max_difference<f32>(is_lstm, w);
  std::printf("%s: max |ember f32 - oneDNN| over %zu steps = %.2e\n", shape.c_str(), seq_len, diff);
  if (diff > 1e-4) std::printf("  WARNING: oneDNN and ember disagree; the comparison below is not like for like\n");
  benchmark::RegisterBenchmark((shape + "/step/ember_f32").c_str(), [](benchmark::State& s) { ember_step<f32>(s, w); });
  benchmark::RegisterBenchmark((shape + "/step/ember_s8").c_str(), [](benchmark::State& s) { ember_step<s8>(s, w); });
  benchmark::RegisterBenchmark((shape + "/step/onednn_f32").c_str(),
                               [](benchmark::State& s) { onednn_step(s, is_lstm, In, H, w); });
  benchmark::RegisterBenchmark((shape + "/seq100/ember_f32").c_str(), [](benchmark::State& s) { ember_seq<f32>(s, w); });
  benchmark::RegisterBenchmark((shape + "/seq100/ember_s8").c_str(), [](benchmark::State& s) { ember_seq<s8>(s, w); });
  benchmark::RegisterBenchmark((shape + "/seq100/onednn_f32").c_str(),
                               [](benchmark::State& s) { onednn_seq(s, is_lstm, In, H, w); });
}

// ---- bidirectional GRU and QRNN (ember only: oneDNN's bidirectional concat and a QRNN
// are not benchmarked here). Random weights in [-0.1, 0.1]; items = time steps.
template <class L>
std::unique_ptr<L> make_random() {
  auto l = std::make_unique<L>();
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> u(-0.1f, 0.1f);
  constexpr auto ps = L::params();
  for (std::size_t i = 0; i < ps.size(); ++i) {
    std::vector<float> v(ps[i].count());
    for (auto& e : v) e = u(gen);
    l->set_param(i, v);
  }
  return l;
}

/// `Copies` layers of type L, each run over the same T-step sequence (Copies = 2: the cost of
/// two independent unidirectional layers, the baseline of a bidirectional one).
template <class L, std::size_t T, std::size_t Copies = 1>
void ember_random_seq(benchmark::State& st) {
  std::array<std::unique_ptr<L>, Copies> ls;
  for (auto& l : ls) l = make_random<L>();
  std::vector<float> xs(T * L::in_size);
  std::mt19937 gen(3);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (auto& e : xs) e = u(gen);
  std::vector<float> ys(T * L::out_size);
  for (auto _ : st) {
    for (auto& l : ls) {
      l->reset();
      l->forward(xs, ys);
      benchmark::DoNotOptimize(ys.data());
    }
  }
  set_rates(st, T);
}

void register_new_layers() {
  benchmark::RegisterBenchmark("bigru/64x128/seq64/ember_f32", ember_random_seq<bidirectional<gru<64, 128>>, 64>);
  benchmark::RegisterBenchmark("bigru/64x128/seq64/2x_gru_f32", ember_random_seq<gru<64, 128>, 64, 2>);
  benchmark::RegisterBenchmark("bigru/64x128/seq64/ember_s8",
                               ember_random_seq<bidirectional<gru<64, 128, policy<quant::int8>>>, 64>);
  benchmark::RegisterBenchmark("bigru/64x128/seq64/2x_gru_s8", ember_random_seq<gru<64, 128, policy<quant::int8>>, 64, 2>);
  benchmark::RegisterBenchmark("qrnn2/128x256/seq100/ember_f32", ember_random_seq<qrnn<128, 256, 2>, 100>);
  benchmark::RegisterBenchmark("qrnn1/128x256/seq100/ember_f32", ember_random_seq<qrnn<128, 256, 1>, 100>);
  benchmark::RegisterBenchmark("lstm/128x256/seq100/ember_f32(vs qrnn)", ember_random_seq<lstm<128, 256>, 100>);
  benchmark::RegisterBenchmark("qrnn2/128x256/seq100/ember_s8",
                               ember_random_seq<qrnn<128, 256, 2, policy<quant::int8>>, 100>);
  benchmark::RegisterBenchmark("lstm/128x256/seq100/ember_s8(vs qrnn)",
                               ember_random_seq<lstm<128, 256, policy<quant::int8>>, 100>);
}

}  // namespace

int main(int argc, char** argv) {
  register_new_layers();
  register_shape<lstm, 64, 64>("lstm");
  register_shape<lstm, 128, 256>("lstm");
  register_shape<lstm, 32, 1024>("lstm");
  register_shape<gru, 64, 64>("gru");
  register_shape<gru, 128, 256>("gru");
  register_shape<gru, 32, 1024>("gru");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
