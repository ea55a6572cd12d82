// QRNN (window 1 and 2, one and two levels) against the torch QRNN of tools/reference/rnn_ext.py
// (written from Bradbury et al. 2017); fp32 and int8 (fake-quantized reference), step and forward.
#include "ember/layers/qrnn.hpp"
#include "rnn_reference.hpp"

using namespace ember;

namespace {

constexpr bool same(const io::param_spec& p, std::string_view name, std::size_t r, std::size_t c = 0) {
  return p.name == name && p.shape[0] == r && p.shape[1] == c && p.rank == (c ? 2u : 1u);
}

static_assert(same(qrnn<5, 7, 2>::params()[0], "weight_l0", 21, 10));
static_assert(same(qrnn<5, 7, 1>::params()[0], "weight_l0", 21, 5));
static_assert(same(qrnn<5, 7, 2, policy<>, 2>::params()[2], "weight_l1", 21, 14));
static_assert(same(qrnn<5, 7, 2, policy<>, 2>::params()[3], "bias_l1", 21));
static_assert(qrnn<5, 7>::state_size == 7 && layer<qrnn<5, 7>>);

// workload(): the whole sequence's gate projection is one GEMM (M = T) per level, nothing per step.
constexpr auto qw = qrnn<32, 256, 2, policy<quant::int8>, 2>::workload(64);
static_assert(qw.n_gemms == 2 && qw.gemms[0].M == 64 && qw.gemms[0].N == 768 && qw.gemms[0].K == 64);
static_assert(qw.gemms[1].K == 512 && qw.gemms[1].repeat == 1 && qw.gemms[0].weight_bits == 8);
static_assert(qw.elts[0].repeat == 2 * 64);
static_assert(qrnn<32, 256, 1>::workload(64).dense_macs() == 64.0 * 768 * 32);

// One activation LSB at unit scale (the int8 bound of tests/layers/quantized.cpp, argued there).
constexpr test::tolerance int8_bound{1e-5, 1.0 / 127.0, true, 0.0};

template <std::size_t W>
void check_window(const char* kind) {
  test::check_against_reference<qrnn<5, 7, W>>(kind, "f32", {});
  test::check_against_reference<qrnn<5, 7, W, policy<>, 2, 3>>(kind, "f32", {});
  test::check_against_reference<qrnn<32, 64, W>>(kind, "f32", {});
  test::check_against_reference<qrnn<40, 128, W>>(kind, "f32", {});
  test::check_against_reference<qrnn<40, 128, W, policy<quant::int8>>>(kind, "int8", int8_bound);
  test::check_against_reference<qrnn<32, 64, W, policy<quant::int8>, 2>>(kind, "int8", int8_bound);
}

}  // namespace

// fp32: every value within 1e-5 relative + 1e-6 absolute (test::tolerance{}).
TEST_CASE("qrnn window 1: matches the torch QRNN (fp32, int8)") { check_window<1>("qrnn_w1"); }
TEST_CASE("qrnn window 2: matches the torch QRNN (fp32, int8)") { check_window<2>("qrnn_w2"); }
