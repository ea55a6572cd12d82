#!/bin/sh
# Cross-compiles examples/bare_metal/kws_m4.cpp for a Cortex-M4F with Debian's
# gcc-arm-none-eabi (newlib, nosys stubs), as firmware would: -Os, no exceptions, no RTTI,
# scalar kernels. Fails on any warning; prints arm-none-eabi-size of the image.
# Usage: tools/bare_metal_check.sh [build-dir]   (default build/bare-metal)
set -eu
cd "$(dirname "$0")/.."
out=${1:-build/bare-metal}
mkdir -p "$out/include"
# Boost.Hana is header-only, but /usr/include must not be on the cross compiler's path
# (glibc headers); expose only boost/.
hana=$(dirname "$(dirname "$(find /usr/include /usr/local/include -maxdepth 3 -name hana.hpp -path '*boost*' | head -1)")")
ln -sfn "$hana/boost" "$out/include/boost"
flags="-std=c++20 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -fno-exceptions -fno-rtti
-DEMBER_NO_SIMD -Wall -Wextra -Wpedantic -Werror -Wno-psabi -ffunction-sections -fdata-sections"
# shellcheck disable=SC2086
arm-none-eabi-g++ $flags -Iinclude -isystem "$out/include" -Wl,--gc-sections --specs=nosys.specs \
  examples/bare_metal/kws_m4.cpp -o "$out/kws_m4.elf"
# The image must not contain the C++ exception machinery or malloc (nothing may throw or
# allocate on the inference path).
if arm-none-eabi-nm "$out/kws_m4.elf" | grep -E ' (__cxa_throw|__gxx_personality_v0|malloc)$'; then
  echo "bare-metal: exception machinery or malloc linked into kws_m4.elf" >&2
  exit 1
fi
arm-none-eabi-size "$out/kws_m4.elf"
# The weights are constexpr fp32 tables (.rodata, flash): report them apart from the code.
arm-none-eabi-size -A "$out/kws_m4.elf" | grep -E '^\.(text|rodata|data|bss) '
