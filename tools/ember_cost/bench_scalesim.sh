#!/usr/bin/env bash
# Wall time of `ember-cost scalesim` on the 50-layer topology (target < 50 ms), best and
# median of N runs (process start included).
#   tools/ember_cost/bench_scalesim.sh build/release/tools/ember_cost/ember-cost [N]
set -euo pipefail
exe=${1:?path to ember-cost}
n=${2:-21}
data="$(cd "$(dirname "$0")/../../tests/data/cost" && pwd)"
times=()
for _ in $(seq "$n"); do
  t0=$(date +%s%N)
  "$exe" scalesim -c "$data/scalesim_os_32x32.cfg" -t "$data/topology_50.csv" > /dev/null
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "ember-cost scalesim, 50 layers, $n runs: best $(( sorted[0] / 1000 )).$(( sorted[0] % 1000 / 100 )) ms," \
     "median $(( sorted[n / 2] / 1000 )).$(( sorted[n / 2] % 1000 / 100 )) ms"
