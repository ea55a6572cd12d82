// fit_check: does a model fit the hardware, how fast and at what energy? Answered by the
// compiler: static_assert on cost::estimate<Net, HW>(T). Change the policy or the SRAM and
// watch the build fail (tests/compile_fail/cases/model_does_not_fit_systolic.cpp).
#include <cstdio>
#include <iostream>

#include <ember/ember.hpp>

using namespace ember;

// A keyword spotter: int8 block-circulant LSTM (k = 8: 8x fewer weights), fp32 head.
using P = policy<quant::int8, matvec::circulant<8>>;
using Net = model<lstm<32, 128, P>, dense<128, 12>>;
using HW = hw::systolic<32, 32, dataflow::os, sram_kib<256>, mhz<200>>;
constexpr std::size_t T = 100;  // one second of 10 ms frames

constexpr auto c = cost::estimate<Net, HW>(T);
static_assert(c.fits, "model does not fit the array's SRAM");
static_assert(c.latency_s() <= 1e-3, "one second of audio must take at most 1 ms");
static_assert(c.energy_j() <= 50e-6, "at most 50 uJ per second of audio");
static_assert(cost::require_fit<Net, HW, T>());  // on failure: the rule and the bytes

// The same network in fp32 and dense needs 8x4 = 32x the weight bytes: no longer fits 256 KiB.
using Fp32 = model<lstm<32, 128>, dense<128, 12>>;
static_assert(!cost::estimate<Fp32, HW>(T).fits);

int main() {
  std::printf("int8 circulant<8> LSTM 32 -> 128 + dense 128 -> 12 on a 32x32 array, 256 KiB SRAM, %zu steps\n", T);
  std::printf("  fits: %s; weights %llu B; latency %.1f us (bound 1000); energy %.2f uJ (bound 50)\n",
              c.fits ? "yes" : "no", static_cast<unsigned long long>(c.fit.weight_bytes), c.latency_s() * 1e6,
              c.energy_j() * 1e6);
  constexpr auto f = cost::estimate<Fp32, HW>(T);
  std::printf("  fp32 dense version: fits %s (%s: %llu B > %llu B)\n", f.fits ? "yes" : "no", f.reason,
              static_cast<unsigned long long>(f.fit.need), static_cast<unsigned long long>(f.fit.have));
  std::cout << c;
  std::printf("PASS: checked at compile time\n");
  return 0;
}
