#!/bin/sh
# Installs (as root, Debian 12) whatever ember's build, tests, examples and benchmarks
# need that is not installed yet; does nothing when everything is there.
# ocl-icd-opencl-dev is only a Recommends of libdnnl-dev, but dnnl's CMake config requires OpenCL.
set -eu
pkgs="cmake g++ clang libxsimd-dev libboost-dev doctest-dev libbenchmark-dev nlohmann-json3-dev \
libeigen3-dev libdnnl-dev ocl-icd-opencl-dev libfftw3-dev"
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
