// Compile-time feature detection: is xsimd available, which x86/ARM extensions the
// compiler targets, and whether exceptions exist (loaders need them, kernels never do).
#pragma once

#include <cstddef>

// EMBER_NO_SIMD forces the scalar kernels (microcontrollers, or to test the fallback).
#if !defined(EMBER_NO_SIMD) && defined(__has_include)
#  if __has_include(<xsimd/xsimd.hpp>)
#    define EMBER_HAS_XSIMD 1
#  endif
#endif
#ifndef EMBER_HAS_XSIMD
#  define EMBER_HAS_XSIMD 0
#endif

// Integer dot-product extensions that xsimd 8 does not wrap; simd/ uses them directly.
#if EMBER_HAS_XSIMD && defined(__AVX512VNNI__) && defined(__AVX512BW__)
#  define EMBER_HAS_AVX512_VNNI 1
#else
#  define EMBER_HAS_AVX512_VNNI 0
#endif
#if EMBER_HAS_XSIMD && defined(__AVX512BW__)
#  define EMBER_HAS_AVX512BW 1
#else
#  define EMBER_HAS_AVX512BW 0
#endif
#if EMBER_HAS_XSIMD && defined(__AVX2__)
#  define EMBER_HAS_AVX2 1
#else
#  define EMBER_HAS_AVX2 0
#endif
#if EMBER_HAS_XSIMD && defined(__AVX512VPOPCNTDQ__)
#  define EMBER_HAS_AVX512_VPOPCNTDQ 1
#else
#  define EMBER_HAS_AVX512_VPOPCNTDQ 0
#endif

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#  define EMBER_HAS_EXCEPTIONS 1
#else
#  define EMBER_HAS_EXCEPTIONS 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define EMBER_RESTRICT __restrict__
#  define EMBER_ALWAYS_INLINE inline __attribute__((always_inline))
// Register-blocked kernels index accumulator arrays by loop counters; they must be
// fully unrolled for the arrays to live in registers (GCC -O2 may not do it alone).
#  define EMBER_UNROLL _Pragma("GCC unroll 16")
// The same for lambdas (after the parameter list): fold-expression helpers and kernel
// bodies must inline into their vector loops, or every call spills the batches.
#  define EMBER_LAMBDA_INLINE __attribute__((always_inline))
#else
#  define EMBER_UNROLL
#  define EMBER_RESTRICT
#  define EMBER_ALWAYS_INLINE inline
#  define EMBER_LAMBDA_INLINE
#endif

// Shape-independent kernel bodies are compiled once per (policy, arch) and called with
// run-time sizes: forbidding inlining and constant-propagation clones keeps the compile
// time of a model flat in its number of distinct layer shapes (the call costs nothing
// next to a matvec).
#if defined(__clang__)
#  define EMBER_KERNEL_BODY __attribute__((noinline))
#elif defined(__GNUC__)
#  define EMBER_KERNEL_BODY __attribute__((noinline, noclone))
#else
#  define EMBER_KERNEL_BODY
#endif

namespace ember {

/// Alignment of every static buffer: one cache line, also an AVX-512 register.
inline constexpr std::size_t buffer_alignment = 64;

/// True when the kernels were compiled with xsimd (false: scalar fallback).
inline constexpr bool has_simd = EMBER_HAS_XSIMD != 0;

}  // namespace ember
