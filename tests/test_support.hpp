// Shared test helpers: the list of vector architectures this build can run (each one is
// checked against the scalar twin), seeded random data and tolerance checks.
#pragma once

#include <cmath>
#include <cstddef>
#include <random>
#include <tuple>
#include <vector>

#include "ember/simd/arch.hpp"

namespace ember::test {

/// Every vector architecture compiled in (empty in the scalar build); kernels are
/// instantiated for each and compared with simd::common.
#if EMBER_HAS_XSIMD && defined(__AVX2__) && defined(__FMA__)
using vector_archs = std::tuple<simd::avx2
#  if EMBER_HAS_AVX512BW
                                ,
                                simd::avx512
#  endif
#  if EMBER_HAS_AVX512_VNNI
                                ,
                                simd::avx512_vnni
#  endif
                                >;
#elif EMBER_HAS_XSIMD
using vector_archs = std::tuple<simd::native>;
#else
using vector_archs = std::tuple<>;
#endif

inline std::vector<float> random_vector(std::size_t n, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& e : v) e = d(g);
  return v;
}

/// |a - b| <= abs_tol + rel_tol * |b|
inline bool close(double a, double b, double rel_tol, double abs_tol) {
  return std::fabs(a - b) <= abs_tol + rel_tol * std::fabs(b);
}

}  // namespace ember::test
