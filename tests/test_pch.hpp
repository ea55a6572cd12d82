// The third-party headers nearly every test translation unit parses (the standard library,
// doctest, nlohmann::json, Hana, xsimd), precompiled once per build and shared by every group.
// Not ember's own headers: which overloads a test sees must not depend on a forced include.
// Clang only (and GCC >= 13): GCC 12 does not keep `#pragma GCC diagnostic` in a PCH (PR 64117),
// so the warnings that libstdc++, <immintrin.h> and simd/arch.hpp silence would fail -Werror.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <boost/hana.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#if !defined(EMBER_NO_SIMD) && __has_include(<xsimd/xsimd.hpp>)
#  include <xsimd/xsimd.hpp>
#endif
