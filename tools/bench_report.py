#!/usr/bin/env python3
"""Runs bench_dense and prints the markdown table of docs/performance.md: ember against
Eigen (ratio), each quantization against ember fp32, and fp32 against its roofline
(the lower of the measured FMA peak and the measured read bandwidth of a buffer the size
of the weights times the kernel's intensity, 0.5 flop per byte for fp32).

Usage: tools/bench_report.py build/bench/bench/bench_dense [--repetitions N]"""
import argparse
import json
import re
import statistics
import subprocess
import sys


def run(binary, reps):
    out = subprocess.run([binary, "--benchmark_format=json", f"--benchmark_repetitions={reps}",
                          "--benchmark_report_aggregates_only=true", "--benchmark_min_time=0.2"],
                         check=True, capture_output=True, text=True).stdout
    res = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        res[b["run_name"]] = b
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--repetitions", type=int, default=5)
    a = ap.parse_args()
    r = run(a.binary, a.repetitions)

    def get(pattern):
        for k, v in r.items():
            if re.fullmatch(pattern, k):
                return v
        return None

    peak = get(r"BM_fma_peak")["GFLOPs"] / 1e9
    bw = {int(k.split("/")[1]): v["GBps"] / 1e9 for k, v in r.items() if k.startswith("BM_read_bandwidth/")}

    def probe(nbytes):
        # the probe size closest to (and not smaller than) the weights
        sizes = sorted(bw)
        for s in sizes:
            if s >= nbytes:
                return bw[s], s
        return bw[sizes[-1]], sizes[-1]

    print(f"FMA peak (measured): {peak:.1f} GFLOP/s\n")
    print("| N | ember f32 GFLOP/s | Eigen f32 GFLOP/s | ember/Eigen | read BW of weights (GB/s) | roofline GFLOP/s | % of roofline | s16/f32 | s8/f32 | s4/f32 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in (64, 128, 256, 512, 1024, 2048):
        f = get(rf"BM_matvec_dense<quant::f32, {n}>")
        e = get(rf"BM_matvec_eigen_f32<{n}>")
        if not f or not e:
            continue
        t = {q: get(rf"BM_matvec_dense<quant::{q}, {n}>") for q in ("int16", "int8", "int4")}
        gf, ge = f["GFLOPs"] / 1e9, e["GFLOPs"] / 1e9
        b, s = probe(4 * n * n)
        roof = min(peak, 0.5 * b)
        sp = {q: f["real_time"] / v["real_time"] for q, v in t.items() if v}
        print(f"| {n} | {gf:.1f} | {ge:.1f} | {gf / ge:.2f} | {b:.0f} ({s // 1024} KiB probe) | {roof:.1f} | "
              f"{100 * gf / roof:.0f} % | {sp.get('int16', 0):.2f} | {sp.get('int8', 0):.2f} | {sp.get('int4', 0):.2f} |")


if __name__ == "__main__":
    sys.exit(main())
