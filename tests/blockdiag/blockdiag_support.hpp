// Helpers shared by the block-diagonal tests: the fp32 tolerance check and a reader for
// the projection vectors tools/blockdiag_project.py writes to tests/data/blockdiag/.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace ember::test {

/// |a - b| <= rel * (|bias| + sum_c |w_rc x_c|) per row: the 1e-5 for fp32,
/// relative to the row's magnitude (a bound independent of the summation order).
inline void check_f32_close(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& m,
                            const std::vector<float>& x, const std::vector<float>& bias, double rel) {
  const std::size_t R = a.size(), C = x.size();
  for (std::size_t r = 0; r < R; ++r) {
    double mag = std::fabs(bias[r]);
    for (std::size_t c = 0; c < C; ++c) mag += std::fabs(double(m[r * C + c]) * x[c]);
    INFO("row " << r);
    CHECK(std::fabs(double(a[r]) - double(b[r])) <= rel * mag + 1e-30);
  }
}

/// One matrix projected by tools/blockdiag_project.py (little-endian binary, see the
/// tool's write_test_vector): shape, blocks, the tool's retained energy, the original and
/// projected matrices (row-major fp32) and the row / column orders (block by block).
struct projected_vector {
  std::uint32_t rows = 0, cols = 0, blocks = 0;
  double retained = 0, identity_retained = 0;
  std::vector<float> original, projected;
  std::vector<std::uint32_t> row_order, col_order;
};

inline projected_vector read_projected_vector(const std::string& path) {
  projected_vector v;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  char magic[8];
  in.read(magic, 8);
  REQUIRE(std::string(magic, 8) == "EMBERBD1");
  in.read(reinterpret_cast<char*>(&v.rows), 4);
  in.read(reinterpret_cast<char*>(&v.cols), 4);
  in.read(reinterpret_cast<char*>(&v.blocks), 4);
  in.read(reinterpret_cast<char*>(&v.retained), 8);
  in.read(reinterpret_cast<char*>(&v.identity_retained), 8);
  const std::size_t n = std::size_t(v.rows) * v.cols;
  v.original.resize(n), v.projected.resize(n), v.row_order.resize(v.rows), v.col_order.resize(v.cols);
  in.read(reinterpret_cast<char*>(v.original.data()), std::streamsize(n * 4));
  in.read(reinterpret_cast<char*>(v.projected.data()), std::streamsize(n * 4));
  in.read(reinterpret_cast<char*>(v.row_order.data()), std::streamsize(v.rows * 4));
  in.read(reinterpret_cast<char*>(v.col_order.data()), std::streamsize(v.cols * 4));
  REQUIRE(in.good());
  return v;
}

}  // namespace ember::test
