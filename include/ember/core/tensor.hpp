// Static, 64-byte-aligned storage: aligned_array<T, N> (a std::array that SIMD loads
// can rely on) and tensor<T, Dims...> (row-major, shapes known at compile time).
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "ember/config.hpp"

namespace ember {

/// A fixed-size array aligned to one cache line. Aggregate and literal, so weight
/// tables can be constant-initialised and placed in flash (.rodata).
template <class T, std::size_t N>
struct alignas(buffer_alignment) aligned_array {
  T data_[N == 0 ? 1 : N];

  static constexpr std::size_t size() noexcept { return N; }
  constexpr T* data() noexcept { return data_; }
  constexpr const T* data() const noexcept { return data_; }
  constexpr T& operator[](std::size_t i) noexcept { return data_[i]; }
  constexpr const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr T* begin() noexcept { return data_; }
  constexpr T* end() noexcept { return data_ + N; }
  constexpr const T* begin() const noexcept { return data_; }
  constexpr const T* end() const noexcept { return data_ + N; }
  constexpr std::span<T, N> span() noexcept { return std::span<T, N>(data_, N); }
  constexpr std::span<const T, N> span() const noexcept { return std::span<const T, N>(data_, N); }
  constexpr operator std::span<T, N>() noexcept { return span(); }
  constexpr operator std::span<const T, N>() const noexcept { return span(); }
  constexpr void fill(const T& v) noexcept {
    for (auto& e : data_) e = v;
  }
};

/// Row-major tensor with compile-time extents, e.g. tensor<float, 3, 32, 32> for CHW.
template <class T, std::size_t... Dims>
struct tensor {
  static_assert(sizeof...(Dims) >= 1, "ember::tensor<T, Dims...>: give at least one extent");
  static constexpr std::size_t rank = sizeof...(Dims);
  static constexpr std::size_t count = (Dims * ...);
  static constexpr std::array<std::size_t, rank> extents{Dims...};

  aligned_array<T, count> storage;

  template <class... I>
    requires(sizeof...(I) == rank)
  constexpr T& operator()(I... idx) noexcept { return storage[offset(std::size_t(idx)...)]; }
  template <class... I>
    requires(sizeof...(I) == rank)
  constexpr const T& operator()(I... idx) const noexcept { return storage[offset(std::size_t(idx)...)]; }

  constexpr std::span<T, count> flat() noexcept { return storage.span(); }
  constexpr std::span<const T, count> flat() const noexcept { return storage.span(); }
  constexpr T* data() noexcept { return storage.data(); }
  constexpr const T* data() const noexcept { return storage.data(); }

 private:
  template <class... I>
  static constexpr std::size_t offset(I... idx) noexcept {
    const std::array<std::size_t, rank> ix{idx...};
    std::size_t off = 0;
    for (std::size_t d = 0; d < rank; ++d) off = off * extents[d] + ix[d];
    return off;
  }
};

}  // namespace ember
