// Constexpr 1-D k-means for weight sharing: k-means++ seeding from a fixed seed, then
// Lloyd iterations over sorted centroids (nearest = binary search on the midpoints).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

namespace ember::kernels {

/// splitmix64 (Steele et al. 2014): the deterministic generator of k-means++ seeding.
struct splitmix64 {
  std::uint64_t state = 0;
  constexpr std::uint64_t next() noexcept {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1), 53 bits.
  constexpr double uniform() noexcept { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
};

/// Up to 16 sorted centroids and the midpoints between neighbours (+inf past the last),
/// so that the nearest centroid is 4 comparisons; ties go to the lower centroid.
struct sorted_centroids {
  static constexpr std::size_t capacity = 16;
  std::array<double, capacity> c{};
  std::array<double, capacity> mid{};
  std::size_t n = 0;

  constexpr void refresh() noexcept {
    for (std::size_t i = 0; i < capacity; ++i)
      mid[i] = i + 1 < n ? 0.5 * (c[i] + c[i + 1]) : std::numeric_limits<double>::infinity();
  }
  constexpr std::size_t nearest(double v) const noexcept {
    std::size_t i = 0;
    for (std::size_t s = capacity / 2; s >= 1; s /= 2)
      if (v > mid[i + s - 1]) i += s;
    return i;
  }
  /// Inserts v in order (no-op when full).
  constexpr void insert(double v) noexcept {
    if (n >= capacity) return;
    std::size_t i = n++;
    for (; i > 0 && c[i - 1] > v; --i) c[i] = c[i - 1];
    c[i] = v;
    refresh();
  }
  constexpr void erase(std::size_t k) noexcept {
    for (std::size_t i = k; i + 1 < n; ++i) c[i] = c[i + 1];
    --n;
    refresh();
  }
};

/// The result of a fit: `used` distinct centroids in ascending order (fewer than K only
/// when the data has fewer distinct finite values).
template <std::size_t K>
struct codebook_fit {
  std::array<double, K> centroids{};
  std::size_t used = 0;
  unsigned iterations = 0;  ///< Lloyd iterations until no centroid moved
  bool converged = false;
  std::size_t ignored = 0;  ///< non-finite values left out of the fit
};

namespace detail {
constexpr bool is_finite(float v) noexcept { return v == v && v - v == 0.0f; }
constexpr double sq(double v) noexcept { return v * v; }
}  // namespace detail

/// k-means of the finite values of v into K clusters (Lloyd 1982 after k-means++ seeding,
/// Arthur & Vassilvitskii 2007). Deterministic for a given seed: the first centroid is a
/// uniformly drawn value, each next one a value drawn with probability proportional to its
/// squared distance to the nearest chosen centroid. A cluster that empties is moved to the
/// value farthest from its centroid. Stops when no centroid moves or after max_iter.
template <std::size_t K>
constexpr codebook_fit<K> kmeans_1d(std::span<const float> v, std::uint64_t seed, unsigned max_iter = 200) noexcept {
  static_assert(K >= 1 && K <= sorted_centroids::capacity, "kmeans_1d<K>: 1 to 16 clusters");
  codebook_fit<K> fit;
  std::size_t finite = 0;
  for (float x : v) finite += detail::is_finite(x);
  fit.ignored = v.size() - finite;
  sorted_centroids s;
  if (finite == 0) {
    s.insert(0.0);
  } else {
    splitmix64 rng{seed};
    auto pick = std::size_t(rng.uniform() * double(finite));
    for (float x : v) {
      if (!detail::is_finite(x)) continue;
      if (pick-- == 0) {
        s.insert(x);
        break;
      }
    }
    while (s.n < K) {
      double total = 0;
      for (float x : v)
        if (detail::is_finite(x)) total += detail::sq(x - s.c[s.nearest(x)]);
      if (!(total > 0)) break;  // every value sits on a centroid already
      const double target = rng.uniform() * total;
      double run = 0, chosen = 0;
      for (float x : v) {
        if (!detail::is_finite(x)) continue;
        const double d2 = detail::sq(x - s.c[s.nearest(x)]);
        if (d2 > 0) chosen = x;  // the last candidate, should rounding leave run <= target
        run += d2;
        if (d2 > 0 && run > target) break;
      }
      s.insert(chosen);
    }
  }

  for (; fit.iterations < max_iter && finite > 0; ++fit.iterations) {
    std::array<double, K> sum{};
    std::array<std::size_t, K> count{};
    for (float x : v) {
      if (!detail::is_finite(x)) continue;
      const std::size_t k = s.nearest(x);
      sum[k] += x;
      ++count[k];
    }
    bool moved = false;
    std::size_t empty = s.n;
    for (std::size_t k = 0; k < s.n; ++k) {
      if (count[k] == 0) {
        empty = k;
        continue;
      }
      const double c = sum[k] / double(count[k]);
      moved = moved || c != s.c[k];
      s.c[k] = c;
    }
    if (empty < s.n) {  // re-seed one empty cluster at the worst-served value
      double worst = 0, at = 0;
      for (float x : v) {
        if (!detail::is_finite(x)) continue;
        const double d2 = detail::sq(x - s.c[s.nearest(x)]);
        if (d2 > worst) {
          worst = d2;
          at = x;
        }
      }
      s.erase(empty);
      if (worst > 0) s.insert(at);
      moved = true;
    }
    // Means of contiguous intervals stay ordered, but re-sort after a re-seed.
    for (std::size_t i = 1; i < s.n; ++i)
      for (std::size_t j = i; j > 0 && s.c[j - 1] > s.c[j]; --j) {
        const double t = s.c[j];
        s.c[j] = s.c[j - 1];
        s.c[j - 1] = t;
      }
    s.refresh();
    if (!moved) {
      fit.converged = true;
      break;
    }
  }
  fit.used = s.n;
  for (std::size_t k = 0; k < K; ++k) fit.centroids[k] = k < s.n ? s.c[k] : (s.n ? s.c[s.n - 1] : 0.0);
  return fit;
}

}  // namespace ember::kernels
