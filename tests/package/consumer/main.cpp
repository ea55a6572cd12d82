// A downstream program: includes ember, runs an int8 matvec, checks one value.
#include <ember/ember.hpp>

#include <cstdio>
#include <vector>

int main() {
  using M = ember::kernels::packed_matrix<ember::matvec::dense, ember::quant::int8, 4, 8>;
  static M W;
  std::vector<float> w(4 * 8, 0.5f), x(8, 1.0f), y(4);
  W.pack(w);
  ember::kernels::input_buffer<ember::quant::int8, 8> in;
  ember::kernels::matvec(W, std::span<const float, 8>(x.data(), 8), in, std::span<float, 4>(y.data(), 4));
  std::printf("consumer: y[0] = %g (expect 4)\n", y[0]);
  return (y[0] > 3.999f && y[0] < 4.001f) ? 0 : 1;
}
