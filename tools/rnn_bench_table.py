#!/usr/bin/python3
"""Markdown table for docs/performance.md from bench_rnn's JSON output.

  OMP_NUM_THREADS=1 build/bench/bench/bench_rnn --benchmark_repetitions=5 \\
      --benchmark_report_aggregates_only=true --benchmark_out=rnn.json --benchmark_out_format=json
  /usr/bin/python3 tools/rnn_bench_table.py rnn.json [--real]

Cells are medians in microseconds per time step (CPU time unless --real)."""
import json
import sys


def main(argv):
    path = argv[0]
    key = "real_time" if "--real" in argv else "cpu_time"
    rows = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name", "median") != "median":
            continue
        name = b.get("run_name", b["name"]).replace("_median", "")
        kind, shape, mode, impl = name.split("/")
        steps = 100 if mode.startswith("seq") else 1
        scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b["time_unit"]]
        rows.setdefault((kind, shape, mode), {})[impl] = b[key] * scale / steps
    print("| layer | In x H | mode | ember f32 | ember int8 | oneDNN f32 | f32: oneDNN / ember | int8 speed-up over ember f32 |")
    print("|---|---|---|---|---|---|---|---|")
    for (kind, shape, mode), r in rows.items():
        f, q, o = r.get("ember_f32"), r.get("ember_s8"), r.get("onednn_f32")
        label = "per step" if mode == "step" else "100-step sequence"
        print(f"| {kind} | {shape} | {label} | {f:.2f} | {q:.2f} | {o:.2f} | {o / f:.2f}x | {f / q:.2f}x |")


if __name__ == "__main__":
    main(sys.argv[1:])
