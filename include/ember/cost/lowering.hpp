// How compression turns a workload GEMM into the GEMMs an array actually runs: delta
// density shrinks K, block-circulant weights become DFTs plus frequency-domain products.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ember/cost/workload.hpp"

namespace ember::cost {

/// What a lowered GEMM computes (for reports and for how its filter operand is stored).
enum class gemm_role : std::uint8_t {
  dense,         ///< the workload GEMM itself (dense weights, maybe fewer K columns)
  dft_in,        ///< k-point real DFT of every input block (rows = M * K/k blocks)
  freq_real,     ///< products in the two purely real bins (0 and k/2)
  freq_complex,  ///< products in the k/2 - 1 complex bins, as real GEMMs of twice the size
  dft_out,       ///< k-point inverse real DFT of every output block
  expanded,      ///< block-circulant weights expanded into dense blocks on their way into the array
  diag_block,    ///< equally shaped diagonal blocks of a block-diagonal GEMM (repeat counts them)
  codebook       ///< weight sharing: each output's per-cluster sums times the centroids
                 ///< (M = outputs, N = 1, K = clusters), done where the sums are kept
};

/// How an array runs a block-circulant GEMM.
///  - frequency: DFTs plus one product per frequency bin (C-LSTM, E-RNN): fewer MACs.
///  - time_domain: the stored k-vectors are expanded into k x k blocks as they are loaded
///    into the array (ModelFlex: "weights stored as vectors", less memory and traffic):
///    the dense MACs and cycles, 1/k of the weight reads.
///  - fastest: per GEMM, whichever of the two takes fewer cycles (then less energy), as a
///    mapper would choose.
enum class circulant_mapping : std::uint8_t { frequency, time_domain, fastest };

constexpr const char* to_string(circulant_mapping m) noexcept {
  return m == circulant_mapping::frequency ? "frequency" : m == circulant_mapping::time_domain ? "time" : "fastest";
}

/// One GEMM as the hardware runs it: SCALE-Sim's M, N, K after compression.
struct mapped_gemm {
  std::uint64_t M = 0, N = 0, K = 0;
  unsigned weight_bits = 32, act_bits = 32;
  std::uint64_t repeat = 1;
  gemm_role role = gemm_role::dense;
  /// Weights the array uses per weight read from memory: k when time-domain circulant
  /// blocks are expanded from their stored vectors on the way in, else 1.
  std::uint64_t weight_share = 1;
  /// What one MAC is (cost/energy.hpp: mac_pj): a multiply, a sign-add, XNOR-popcount, or
  /// (codebook) the addition of an activation into its cluster's sum.
  quant::weight_format format = quant::weight_format::uniform;

  constexpr double macs() const noexcept {
    return double(M) * double(N) * double(K) * double(repeat);
  }
};

/// Up to five GEMMs per workload GEMM (dense: one; circulant k >= 4: four; codebook: +1;
/// block-diagonal: up to three shape classes).
struct lowered_gemm {
  std::array<mapped_gemm, 5> parts{};
  std::size_t count = 0;
  std::uint64_t stored_weights = 0;  ///< weights kept on chip (N*K/k, plus the DFT matrices)
  std::uint64_t codebook_bytes = 0;  ///< fp32 centroids stored beside codebook labels

  constexpr double macs() const noexcept {
    double s = 0;
    for (std::size_t i = 0; i < count; ++i) s += parts[i].macs();
    return s;
  }
};

namespace detail {
constexpr std::uint64_t div_up(std::uint64_t a, std::uint64_t b) noexcept {
  return b == 0 ? 0 : a / b + (a % b != 0);
}
}  // namespace detail

/// Delta networks fetch and multiply only the non-zero delta columns: K -> ceil(z * K)
/// (Neil et al., "Delta networks", ICML 2017; EdgeDRNN, Gao et al. 2020). z is clamped
/// to [0, 1]; z = 0 leaves no work.
constexpr std::uint64_t effective_cols(double z, std::uint64_t K) noexcept {
  if (!(z > 0.0)) return 0;  // also catches NaN
  if (z >= 1.0) return K;
  const double zk = z * double(K);
  auto k = std::uint64_t(zk);
  if (double(k) < zk) ++k;
  return k;
}
constexpr std::uint64_t effective_k(const gemm& g) noexcept { return effective_cols(g.density, g.K); }

/// Lowers one workload GEMM.
///
/// Block-circulant weights (C-LSTM, Wang et al. FPGA 2018; E-RNN, Li et al. HPCA 2019):
/// W is p x q blocks of k x k circulants (p = ceil(N/k), q = ceil(K/k)) and
/// y_i = IDFT(sum_j DFT(w_ij) o DFT(x_j)). A systolic array has no butterfly unit, so a
/// k-point real DFT is a (k x k) matrix product (k real outputs: the k/2 + 1 bins packed
/// as real and imaginary parts). The frequency-domain accumulation is one GEMM per bin,
/// each with its own weights (the DFT of every block at that bin): bins 0 and k/2 are real
/// (M x q) * (q x p); each of the k/2 - 1 complex bins is the real GEMM
/// [xr xi] * [[wr wi], [-wi wr]], i.e. (M x 2q) * (2q x 2p). So (times = extra repeat):
///   dft_in:  {M*q, k, k}          freq_real: {M, p, q} x 2
///   dft_out: {M*p, k, k}          freq_complex: {M, 2p, 2q} x (k/2 - 1)   (k >= 4)
/// MACs: M*p*q*(2k - 2) in frequency, about 2MNK/k, plus Mk(K + N) for the DFTs.
/// Stored weights: k*p*q (= NK/k) frequency-domain values plus two k x k DFT matrices.
/// k is a power of two (matvec::circulant's rule; the bin count assumes it).
/// circulant_k = 1 is the dense GEMM exactly. Delta density applies first, at block
/// granularity for circulant layers (the non-zero columns are assumed to fill
/// ceil(zK/k) whole blocks: the optimistic case).
///
/// Permuted block-diagonal weights (matvec::block_diagonal<B>, Naous et al.): B
/// independent GEMMs, block b of (N/B or N/B + 1) x (K/B or K/B + 1); the blocks come in
/// at most three shape classes, each one part whose repeat counts its blocks. Delta density
/// applies to each block's columns. The permutations are free (gathers, no MACs).
///
/// Weight sharing (format codebook; Verhelst & Moons, "Embedded deep neural network
/// processing", IEEE SSC Magazine 2017): the product itself only adds each activation into
/// one of `clusters` sums per output (its MACs are additions), then a `codebook` part
/// multiplies each output's sums by the centroids: M*N*clusters fp32 MACs, in place.
constexpr lowered_gemm lower(const gemm& g) noexcept {
  lowered_gemm out{};
  if (g.diag_blocks > 1) {
    const std::uint64_t B = g.diag_blocks, n = g.N / B, a = g.N % B, k = g.K / B, c = g.K % B;
    out.stored_weights = g.stored_weights();
    out.codebook_bytes = g.codebook_bytes();
    const auto push = [&](std::uint64_t rows, std::uint64_t cols, std::uint64_t count) {
      const std::uint64_t kk = effective_cols(g.density, cols);
      if (g.M == 0 || rows == 0 || kk == 0 || count == 0 || g.repeat == 0) return;
      out.parts[out.count++] = mapped_gemm{g.M, rows, kk, g.weight_bits, g.act_bits, g.repeat * count,
                                           gemm_role::diag_block, 1, g.format};
    };
    const std::uint64_t both = a < c ? a : c;
    push(n + 1, k + 1, both);
    if (a > c) push(n + 1, k, a - c);
    else push(n, k + 1, c - a);
    push(n, k, B - (a > c ? a : c));
    return out;
  }
  const std::uint64_t M = g.M, N = g.N, K = effective_k(g);
  const std::uint64_t k = g.circulant_k == 0 ? 1 : g.circulant_k;
  const std::uint64_t rep = g.repeat;
  const bool shared = g.format == quant::weight_format::codebook && g.clusters > 0;
  out.codebook_bytes = k == 1 ? g.codebook_bytes() : 0;
  // A block-circulant matrix stores frequency-domain values, not signs or labels: its
  // parts are costed as uniform multiplies whatever the format.
  const quant::weight_format fmt = k == 1 ? g.format : quant::weight_format::uniform;
  auto push = [&](std::uint64_t m, std::uint64_t n, std::uint64_t kk, gemm_role r, std::uint64_t times = 1) {
    if (m == 0 || n == 0 || kk == 0 || rep == 0) return;
    out.parts[out.count++] = mapped_gemm{m, n, kk, g.weight_bits, g.act_bits, rep * times, r, 1, fmt};
  };
  if (k == 1) {
    out.stored_weights = std::uint64_t(g.N) * std::uint64_t(g.K);
    push(M, N, K, gemm_role::dense);
    if (shared && K > 0 && out.count > 0) {
      out.parts[out.count++] = mapped_gemm{M * N, 1, g.clusters, 32, g.act_bits, rep, gemm_role::codebook, 1,
                                           quant::weight_format::uniform};
    }
    return out;
  }
  const std::uint64_t p = detail::div_up(g.N, k), q_all = detail::div_up(g.K, k);
  const std::uint64_t q = detail::div_up(K, k);  // blocks touched by non-zero deltas
  out.stored_weights = k * p * q_all + 2 * k * k;
  if (K == 0) return out;  // no non-zero delta: the memory already holds the output
  push(M * q, k, k, gemm_role::dft_in);
  push(M, p, q, gemm_role::freq_real, 2);
  if (k >= 4) push(M, 2 * p, 2 * q, gemm_role::freq_complex, k / 2 - 1);
  push(M * p, k, k, gemm_role::dft_out);
  return out;
}

/// Lowers one workload GEMM with its block-circulant weights run in the time domain
/// (ModelFlex): each stored k-vector is expanded into its k x k circulant block as it
/// enters the array, so the array runs the dense GEMM (delta density shrinks K column by
/// column) and reads N K / k weights. Dense GEMMs (k = 1) lower exactly as lower(g).
constexpr lowered_gemm lower_time_domain(const gemm& g) noexcept {
  lowered_gemm out{};
  const std::uint64_t k = g.circulant_k == 0 ? 1 : g.circulant_k;
  const std::uint64_t K = effective_k(g);
  out.stored_weights = (std::uint64_t(g.N) * std::uint64_t(g.K) + k - 1) / k;
  if (g.M == 0 || g.N == 0 || K == 0 || g.repeat == 0) return out;
  out.parts[out.count++] = mapped_gemm{g.M, g.N, K, g.weight_bits, g.act_bits, g.repeat,
                                       k == 1 ? gemm_role::dense : gemm_role::expanded, k,
                                       k == 1 ? g.format : quant::weight_format::uniform};
  if (k == 1) out.codebook_bytes = g.codebook_bytes();
  return out;
}

/// Bytes a workload GEMM keeps on chip: its stored weights at weight_bits, plus the
/// codebook of a weight-shared matrix.
constexpr std::uint64_t stored_weight_bytes(const gemm& g) noexcept {
  const lowered_gemm l = lower(g);
  return (l.stored_weights * g.weight_bits + 7) / 8 + l.codebook_bytes;
}

}  // namespace ember::cost
