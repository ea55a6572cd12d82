// Weight sharing (quant::shared<Clusters>): vector kernels bit-exact with the scalar twin,
// labels are nearest centroids, the report is the codebook error, k-means is deterministic.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <span>
#include <tuple>
#include <vector>

#include "ember/kernels/matvec.hpp"
#include "test_support.hpp"

using namespace ember;

namespace {

template <class Q, std::size_t R, std::size_t C>
struct shared_fixture {
  using M = kernels::packed_matrix<matvec::dense, Q, R, C>;
  std::unique_ptr<M> W = std::make_unique<M>();
  std::vector<float> m = test::random_vector(R * C, 1000 + R * 7 + C);
  std::vector<float> x = test::random_vector(C, 2000 + C);
  std::vector<float> bias = test::random_vector(R, 3000 + R);
  kernels::quant_report report = W->pack(m);

  template <class Arch>
  std::vector<float> run(Arch arch, bool with_bias = true) const {
    kernels::input_buffer<Q, C> in;
    std::vector<float> y(R, -7.0f);
    kernels::prepare(std::span<const float, C>(x.data(), C), in, arch);
    kernels::matvec(*W, in, y.data(), with_bias ? bias.data() : nullptr, arch);
    return y;
  }
};

template <class Q, std::size_t R, std::size_t C>
void check_shape() {
  CAPTURE(R);
  CAPTURE(C);
  shared_fixture<Q, R, C> f;
  const auto ref = f.run(simd::common{});
  std::apply([&](auto... archs) {
    ([&](auto arch) {
      CAPTURE(arch.name());
      CHECK(std::ranges::equal(f.run(arch), ref));  // same products, same addition order
      CHECK(std::ranges::equal(f.run(arch, false), f.run(simd::common{}, false)));
    }(archs), ...);
  }, test::vector_archs{});

  // Verhelst & Moons' formulation, in double: per row, sum the activations of each cluster,
  // then one multiply per centroid. Equal to the kernel up to float rounding.
  for (std::size_t r = 0; r < R; ++r) {
    double s[16] = {}, mag = std::fabs(f.bias[r]);
    for (std::size_t c = 0; c < C; ++c) {
      s[f.W->label(r, c)] += f.x[c];
      mag += std::fabs(double(f.W->at(r, c)) * f.x[c]);
    }
    double y = f.bias[r];
    for (std::size_t k = 0; k < 16; ++k) y += double(f.W->codebook[k]) * s[k];
    INFO("row " << r);
    CHECK(std::fabs(y - ref[r]) <= 2.0 * double(C + 1) * 1.2e-7 * mag + 1e-30);
  }
}

}  // namespace

TEST_CASE("matvec shared<16>: vector kernels bit-exact with the scalar twin") {
  using Q = quant::shared<16>;
  check_shape<Q, 1, 1>();
  check_shape<Q, 3, 3>();
  check_shape<Q, 17, 17>();
  check_shape<Q, 16, 64>();
  check_shape<Q, 1, 1000>();
  check_shape<Q, 1000, 3>();
  check_shape<Q, 130, 257>();
  check_shape<Q, 300, 300>();
}

TEST_CASE("matvec shared<4> and shared<2>: fewer clusters") {
  check_shape<quant::shared<4>, 40, 70>();
  check_shape<quant::shared<2>, 33, 9>();
}

TEST_CASE("shared: every label is the nearest centroid and the report is the codebook error") {
  constexpr std::size_t R = 37, C = 53;
  shared_fixture<quant::shared<16>, R, C> f;
  const auto& W = *f.W;
  CHECK(W.used == 16);
  CHECK(std::is_sorted(W.codebook.begin(), W.codebook.begin() + 16));
  double err2 = 0, ref2 = 0, max_err = 0;
  std::size_t not_nearest = 0;
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t c = 0; c < C; ++c) {
      const double w = f.m[r * C + c], e = std::fabs(w - W.at(r, c));
      for (std::size_t k = 0; k < 16; ++k) not_nearest += std::fabs(w - W.codebook[k]) < e;
      err2 += e * e;
      ref2 += w * w;
      max_err = std::max(max_err, e);
    }
  }
  CHECK(not_nearest == 0);
  CHECK(f.report.max_abs_error == doctest::Approx(max_err).epsilon(1e-12));
  CHECK(f.report.rel_frobenius == doctest::Approx(std::sqrt(err2 / ref2)).epsilon(1e-9));
  CHECK(f.report.saturated == 0);
  // Uniform weights on [-1, 1] with 16 levels: the optimal quantizer has step 1/8 and
  // relative error (1/8) / sqrt(12) / sqrt(1/3) = 1/16; k-means lands close to it.
  CHECK(f.report.rel_frobenius < 0.08);
}

TEST_CASE("shared: k-means is deterministic and recovers well-separated clusters") {
  // Four tight groups around -3, -1, 0.5, 2: the 4 centroids are their means.
  constexpr std::size_t R = 16, C = 64;
  std::vector<float> m(R * C);
  std::mt19937 g(7);
  std::normal_distribution<float> noise(0.0f, 0.01f);
  const float centres[4] = {-3.0f, -1.0f, 0.5f, 2.0f};
  std::vector<double> sum(4), count(4);
  for (std::size_t i = 0; i < m.size(); ++i) {
    const std::size_t k = (i * 7 + i / 5) % 4;
    m[i] = centres[k] + noise(g);
    sum[k] += m[i];
    ++count[k];
  }
  using M = kernels::packed_matrix<matvec::dense, quant::shared<4>, R, C>;
  auto a = std::make_unique<M>(), b = std::make_unique<M>();
  a->pack(m);
  b->pack(m);
  CHECK(std::ranges::equal(a->codebook, b->codebook));
  CHECK(std::ranges::equal(a->labels, b->labels));
  for (std::size_t k = 0; k < 4; ++k) CHECK(a->codebook[k] == doctest::Approx(sum[k] / count[k]).epsilon(1e-6));
}

TEST_CASE("shared: fewer distinct weights than clusters are represented exactly") {
  constexpr std::size_t R = 5, C = 7;
  std::vector<float> m(R * C);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = float(int(i % 3) - 1) * 0.25f;  // {-0.25, 0, 0.25}
  using M = kernels::packed_matrix<matvec::dense, quant::shared<16>, R, C>;
  M W;
  const auto rep = W.pack(m);
  CHECK(W.used == 3);
  CHECK(rep.max_abs_error == 0.0);
  for (std::size_t i = 0; i < m.size(); ++i) CHECK(W.at(i / C, i % C) == m[i]);
}

TEST_CASE("shared: non-finite weights stay out of the fit") {
  constexpr std::size_t R = 2, C = 9;
  std::vector<float> m(R * C, 0.5f);
  for (std::size_t i = 0; i < m.size(); i += 2) m[i] = -0.5f;
  m[3] = std::nanf("");
  m[4] = INFINITY;
  m[5] = -INFINITY;
  kernels::packed_matrix<matvec::dense, quant::shared<4>, R, C> W;
  const auto rep = W.pack(m);
  CHECK(W.used == 2);
  CHECK(rep.saturated == 2);
  CHECK(W.at(0, 3) == -0.5f);  // NaN: the centroid nearest 0 (a tie: the smaller)
  CHECK(W.at(0, 4) == 0.5f);
  CHECK(W.at(0, 5) == -0.5f);
  CHECK(rep.max_abs_error == 0.0);
}

namespace {
constexpr float small_matrix[12] = {0.1f, -0.4f, 0.35f, 0.9f, -0.8f, 0.12f, 0.0f, 0.41f, -0.39f, 0.88f, 0.5f, -0.05f};
constexpr auto packed_at_compile_time = [] {
  kernels::packed_matrix<matvec::dense, quant::shared<4>, 3, 4> W;
  W.pack(small_matrix);
  return W;
}();
}  // namespace
static_assert(packed_at_compile_time.used == 4, "shared: pack() runs at compile time");
// Nearest-centroid labels are monotone in the weight: 0.9 >= 0.35 and -0.8 <= -0.4.
static_assert(packed_at_compile_time.at(0, 3) >= packed_at_compile_time.at(0, 2) &&
              packed_at_compile_time.at(1, 0) <= packed_at_compile_time.at(0, 1));
