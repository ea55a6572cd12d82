// Projection of a dense matrix onto permuted block-diagonal structure: row and column
// permutations keeping the most weight energy inside Blocks diagonal blocks (load time).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

namespace ember::kernels {

/// Block b of an n-long axis split into `blocks` parts: the first n % blocks parts get one
/// element more. Extent and first index.
constexpr std::size_t block_extent(std::size_t n, std::size_t blocks, std::size_t b) noexcept {
  return n / blocks + (b < n % blocks ? 1 : 0);
}
constexpr std::size_t block_start(std::size_t n, std::size_t blocks, std::size_t b) noexcept {
  return b * (n / blocks) + (b < n % blocks ? b : n % blocks);
}

/// What projecting a matrix onto Blocks diagonal blocks kept.
struct block_projection_report {
  double retained_energy = 1;    ///< ||W inside the blocks||_F^2 / ||W||_F^2 (1 for W = 0)
  double identity_retained = 1;  ///< the same for contiguous, unpermuted blocks (the baseline)
  bool exact = false;            ///< W was block-diagonal up to permutation: nothing dropped
  std::size_t sweeps = 0;        ///< refinement sweeps (rows, then columns) until no gain
};

/// Rows and columns in block order: row_order[block_start(R, B, b) + i] is block b's i-th
/// row (ascending within a block), likewise col_order.
struct block_partition {
  std::vector<std::uint32_t> row_order, col_order;
  block_projection_report report;
};

namespace detail::bdp {

struct dsu {
  std::vector<std::uint32_t> parent, nr, nc;  // component sizes in rows and columns
  constexpr dsu(std::size_t rows, std::size_t cols) : parent(rows + cols), nr(rows + cols, 0), nc(rows + cols, 0) {
    std::iota(parent.begin(), parent.end(), 0u);
    for (std::size_t i = 0; i < rows + cols; ++i) (i < rows ? nr : nc)[i] = 1;
  }
  constexpr std::uint32_t find(std::uint32_t a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  }
  // Merges unless the union would exceed (max_r, max_c); returns whether they are joined.
  constexpr bool unite(std::uint32_t a, std::uint32_t b, std::size_t max_r, std::size_t max_c) {
    a = find(a), b = find(b);
    if (a == b) return true;
    if (nr[a] + nr[b] > max_r || nc[a] + nc[b] > max_c) return false;
    if (nr[a] + nc[a] < nr[b] + nc[b]) std::swap(a, b);
    parent[b] = a, nr[a] += nr[b], nc[a] += nc[b];
    return true;
  }
};

struct problem {
  std::span<const float> m;
  std::size_t R, C, B;
  // Squared weight; NaN and infinities count as 0 so that every comparison stays ordered.
  constexpr double w2(std::size_t r, std::size_t c) const {
    const double v = m[r * C + c];
    const double v2 = v * v;
    return v2 < 1e300 ? v2 : 0.0;
  }
};

inline constexpr std::uint32_t unassigned = ~0u;

constexpr double in_block_energy(const problem& p, const std::vector<std::uint32_t>& rb,
                                 const std::vector<std::uint32_t>& cb) {
  double s = 0;
  for (std::size_t r = 0; r < p.R; ++r)
    for (std::size_t c = 0; c < p.C; ++c)
      if (rb[r] == cb[c]) s += p.w2(r, c);
  return s;
}

// Components of `d` into blocks, best fit decreasing (largest first, into the block it
// leaves the least free); rows and columns of components that fit nowhere (and isolated
// ones) then go one by one to the free block where they keep the most energy. Returns
// true when every component of two or more nodes was placed whole.
constexpr bool pack_components(const problem& p, dsu& d, std::vector<std::uint32_t>& rb, std::vector<std::uint32_t>& cb) {
  const std::size_t R = p.R, C = p.C, B = p.B;
  std::vector<std::size_t> free_r(B), free_c(B);
  for (std::size_t b = 0; b < B; ++b) free_r[b] = block_extent(R, B, b), free_c[b] = block_extent(C, B, b);
  std::vector<std::uint32_t> roots;
  for (std::uint32_t i = 0; i < R + C; ++i)
    if (d.find(i) == i && d.nr[i] + d.nc[i] >= 2) roots.push_back(i);
  std::sort(roots.begin(), roots.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto sa = d.nr[a] + d.nc[a], sb = d.nr[b] + d.nc[b];
    return sa != sb ? sa > sb : a < b;
  });
  std::vector<std::uint32_t> block_of_root(R + C, unassigned);
  bool whole = true;
  for (const auto root : roots) {
    std::size_t best = B, best_left = 0;
    for (std::size_t b = 0; b < B; ++b) {
      if (free_r[b] < d.nr[root] || free_c[b] < d.nc[root]) continue;
      const std::size_t left = free_r[b] - d.nr[root] + free_c[b] - d.nc[root];
      if (best == B || left < best_left) best = b, best_left = left;
    }
    if (best == B) { whole = false; continue; }
    block_of_root[root] = std::uint32_t(best);
    free_r[best] -= d.nr[root], free_c[best] -= d.nc[root];
  }
  rb.assign(R, unassigned), cb.assign(C, unassigned);
  for (std::uint32_t r = 0; r < R; ++r) rb[r] = block_of_root[d.find(r)];
  for (std::uint32_t c = 0; c < C; ++c) cb[c] = block_of_root[d.find(std::uint32_t(R + c))];
  // Leftovers: rows by the energy they keep with the columns already placed, then columns.
  std::vector<double> g(B);
  for (int side = 0; side < 2; ++side) {
    const std::size_t n = side == 0 ? R : C;
    auto& own = side == 0 ? rb : cb;
    auto& other = side == 0 ? cb : rb;
    auto& free_n = side == 0 ? free_r : free_c;
    for (std::size_t i = 0; i < n; ++i) {
      if (own[i] != unassigned) continue;
      std::fill(g.begin(), g.end(), 0.0);
      for (std::size_t j = 0; j < (side == 0 ? C : R); ++j)
        if (other[j] != unassigned) g[other[j]] += side == 0 ? p.w2(i, j) : p.w2(j, i);
      std::size_t best = B;
      for (std::size_t b = 0; b < B; ++b)
        if (free_n[b] > 0 && (best == B || g[b] > g[best] || (g[b] == g[best] && free_n[b] > free_n[best]))) best = b;
      own[i] = std::uint32_t(best);
      --free_n[best];
    }
  }
  return whole;
}

// One side's 2-exchange: with the other side fixed, item i in block a gains
// G[i][b] - G[i][a] by moving to b; swapping the best movers of a pair of blocks keeps
// the block sizes exact and is optimal for that pair. Repeated until no swap gains.
constexpr bool exchange(std::vector<std::uint32_t>& own, const std::vector<double>& G, std::size_t B, double eps) {
  std::vector<std::vector<std::uint32_t>> members(B);
  for (std::uint32_t i = 0; i < own.size(); ++i) members[own[i]].push_back(i);
  bool any = false;
  std::vector<std::pair<double, std::uint32_t>> da, db;
  for (int pass = 0; pass < 64; ++pass) {
    bool changed = false;
    for (std::size_t a = 0; a < B; ++a)
      for (std::size_t b = a + 1; b < B; ++b) {
        da.clear(), db.clear();
        for (auto i : members[a]) da.push_back({G[i * B + b] - G[i * B + a], i});
        for (auto i : members[b]) db.push_back({G[i * B + a] - G[i * B + b], i});
        const auto desc = [](const auto& x, const auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; };
        std::sort(da.begin(), da.end(), desc);
        std::sort(db.begin(), db.end(), desc);
        for (std::size_t k = 0; k < da.size() && k < db.size() && da[k].first + db[k].first > eps; ++k) {
          own[da[k].second] = std::uint32_t(b), own[db[k].second] = std::uint32_t(a);
          changed = true;
        }
        if (changed) {
          members[a].clear(), members[b].clear();
          for (std::uint32_t i = 0; i < own.size(); ++i)
            if (own[i] == a || own[i] == b) members[own[i]].push_back(i);
        }
      }
    if (!changed) break;
    any = true;
  }
  return any;
}

// Alternating refinement: rows against fixed columns, then columns against fixed rows.
constexpr std::size_t refine(const problem& p, std::vector<std::uint32_t>& rb, std::vector<std::uint32_t>& cb, double eps) {
  const std::size_t B = p.B;
  std::vector<double> G;
  std::size_t sweeps = 0;
  for (; sweeps < 100; ++sweeps) {
    G.assign(p.R * B, 0.0);
    for (std::size_t r = 0; r < p.R; ++r)
      for (std::size_t c = 0; c < p.C; ++c) G[r * B + cb[c]] += p.w2(r, c);
    bool improved = exchange(rb, G, B, eps);
    G.assign(p.C * B, 0.0);
    for (std::size_t r = 0; r < p.R; ++r)
      for (std::size_t c = 0; c < p.C; ++c) G[c * B + rb[r]] += p.w2(r, c);
    improved = exchange(cb, G, B, eps) || improved;
    if (!improved) break;
  }
  return sweeps + 1;
}

}  // namespace detail::bdp

/// Finds row and column permutations that keep the most of ||W||_F^2 inside `blocks`
/// diagonal blocks (docs/policies.md, "Block-diagonal", has the method):
///  1. exact structure: the connected components of W's non-zero pattern, packed into the
///     blocks best-fit decreasing; if they all fit, W is block-diagonal up to permutation
///     and nothing is dropped (this is how an exported, already projected matrix loads);
///  2. otherwise a greedy seed: each row's and column's 8 largest |w_rc| as candidate
///     edges, merged largest first (Kruskal) while the merged group still fits one block,
///     the groups packed as in 1; and the contiguous, unpermuted split as a second seed;
///  3. both seeds refined by alternating 2-exchange (rows against fixed columns, then
///     columns against fixed rows; swap the pairs that gain) until no swap gains; the
///     better result is kept, so it never retains less than the unpermuted split.
/// Deterministic. O(R C) memory-free passes per sweep; allocates O(R B + C B + R + C).
constexpr block_partition find_block_partition(std::span<const float> m, std::size_t rows, std::size_t cols,
                                               std::size_t blocks) {
  using namespace detail::bdp;
  const problem p{m, rows, cols, blocks};
  block_partition out;
  double total = 0;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) total += p.w2(r, c);
  const double eps = 1e-12 * total;

  std::vector<std::uint32_t> id_r(rows), id_c(cols);  // the contiguous split
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t i = 0; i < block_extent(rows, blocks, b); ++i) id_r[block_start(rows, blocks, b) + i] = std::uint32_t(b);
    for (std::size_t i = 0; i < block_extent(cols, blocks, b); ++i) id_c[block_start(cols, blocks, b) + i] = std::uint32_t(b);
  }
  const double id_energy = in_block_energy(p, id_r, id_c);

  std::vector<std::uint32_t> rb, cb;
  bool exact = false;
  {
    dsu d(rows, cols);
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t c = 0; c < cols; ++c)
        if (m[r * cols + c] != 0.0f) d.unite(r, std::uint32_t(rows + c), rows + cols, rows + cols);
    exact = pack_components(p, d, rb, cb);
  }
  if (!exact) {
    const std::size_t max_r = block_extent(rows, blocks, 0), max_c = block_extent(cols, blocks, 0);
    struct edge { double w2; std::uint32_t r, c; };
    std::vector<edge> edges;
    std::vector<std::pair<double, std::uint32_t>> line;
    const auto top = [&](std::size_t n, std::size_t len, bool by_row) {
      for (std::size_t i = 0; i < n; ++i) {
        line.clear();
        for (std::size_t j = 0; j < len; ++j) line.push_back({by_row ? p.w2(i, j) : p.w2(j, i), std::uint32_t(j)});
        const std::size_t k = std::min<std::size_t>(8, len);
        std::nth_element(line.begin(), line.begin() + std::ptrdiff_t(k - 1), line.end(),
                         [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
        for (std::size_t j = 0; j < k; ++j)
          if (line[j].first > 0)
            edges.push_back(by_row ? edge{line[j].first, std::uint32_t(i), line[j].second}
                                   : edge{line[j].first, line[j].second, std::uint32_t(i)});
      }
    };
    top(rows, cols, true);
    top(cols, rows, false);
    std::sort(edges.begin(), edges.end(), [](const edge& a, const edge& b) {
      return a.w2 != b.w2 ? a.w2 > b.w2 : (a.r != b.r ? a.r < b.r : a.c < b.c);
    });
    dsu d(rows, cols);
    for (const auto& e : edges) d.unite(e.r, std::uint32_t(rows + e.c), max_r, max_c);
    pack_components(p, d, rb, cb);
    const std::size_t s1 = refine(p, rb, cb, eps);
    const std::size_t s2 = refine(p, id_r, id_c, eps);
    out.report.sweeps = s1 + s2;
    if (in_block_energy(p, id_r, id_c) > in_block_energy(p, rb, cb)) rb = id_r, cb = id_c;
  }

  out.report.exact = exact;
  out.report.retained_energy = total > 0 ? (exact ? 1.0 : in_block_energy(p, rb, cb) / total) : 1.0;
  out.report.identity_retained = total > 0 ? id_energy / total : 1.0;
  out.row_order.resize(rows), out.col_order.resize(cols);
  std::vector<std::size_t> next(blocks);
  for (std::size_t b = 0; b < blocks; ++b) next[b] = block_start(rows, blocks, b);
  for (std::uint32_t r = 0; r < rows; ++r) out.row_order[next[rb[r]]++] = r;
  for (std::size_t b = 0; b < blocks; ++b) next[b] = block_start(cols, blocks, b);
  for (std::uint32_t c = 0; c < cols; ++c) out.col_order[next[cb[c]]++] = c;
  return out;
}

}  // namespace ember::kernels
