#!/bin/sh
# Installs (as root, Debian 12) whatever ember's build, tests, examples and benchmarks
# need that is not installed yet; does nothing when everything is there.
# ocl-icd-opencl-dev is only a Recommends of libdnnl-dev, but dnnl's CMake config requires OpenCL.
# libclang-rt-14-dev: libFuzzer and the sanitizer runtimes for clang 14 (preset fuzz);
# gcc-arm-none-eabi + newlib + libstdc++: the Cortex-M4 cross-compile (tools/bare_metal_check.sh).
set -eu
pkgs="cmake g++ clang libxsimd-dev libboost-dev doctest-dev libbenchmark-dev nlohmann-json3-dev \
libeigen3-dev libdnnl-dev ocl-icd-opencl-dev libfftw3-dev libclang-rt-14-dev gcc-arm-none-eabi libnewlib-arm-none-eabi \
libstdc++-arm-none-eabi-newlib"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "install-deps: installing$missing"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
