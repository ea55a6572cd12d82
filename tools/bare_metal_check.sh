#!/bin/sh
# Cross-compiles examples/bare_metal/kws_m4.cpp (an int8 GRU keyword spotter) and
# layers_m4.cpp (every layer family) for a Cortex-M4F with Debian's gcc-arm-none-eabi
# (newlib, nosys stubs), as firmware would: -Os, no exceptions, no RTTI, scalar kernels.
# Fails on any warning or if exception machinery / malloc is linked; prints code sizes.
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
for ex in kws_m4 layers_m4; do
  # shellcheck disable=SC2086
  arm-none-eabi-g++ $flags -Iinclude -isystem "$out/include" -Wl,--gc-sections --specs=nosys.specs \
    "examples/bare_metal/$ex.cpp" -o "$out/$ex.elf"
  # Nothing may throw or allocate on the inference path: no unwinder, no malloc.
  if arm-none-eabi-nm "$out/$ex.elf" | grep -E ' (__cxa_throw|__gxx_personality_v0|malloc)$'; then
    echo "bare-metal: exception machinery or malloc linked into $ex.elf" >&2
    exit 1
  fi
done
arm-none-eabi-size "$out/kws_m4.elf" "$out/layers_m4.elf"
echo "kws_m4 sections (.rodata holds the constexpr fp32 weight tables, .data the packed layers):"
arm-none-eabi-size -A "$out/kws_m4.elf" | grep -E '^\.(text|rodata|data|bss) '
echo "layers_m4 step() entry points (bytes inlined into each; shared kernels counted apart):"
arm-none-eabi-nm -S -t d --size-sort "$out/layers_m4.elf" | awk '$3 == "T" && $4 ~ /^m4_/ { printf "  %-22s %6d\n", $4, $2 }'
