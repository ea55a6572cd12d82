#!/usr/bin/python3
"""Turns bench_circulant's JSON output into the markdown tables of docs/performance.md.

  build/bench/bench/bench_circulant --benchmark_repetitions=5 \\
      --benchmark_report_aggregates_only=true --benchmark_format=json > circ.json
  /usr/bin/python3 tools/bench_table_circulant.py circ.json
Medians of the repetitions (CPU time); ratios are between rows of the same n."""
import json
import re
import sys


def medians(path):
    out = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name") == "median":
            out[b["run_name"]] = b["cpu_time"]  # ns; CPU time: less skewed by a shared machine
    return out


def main(path):
    t = medians(path)
    sizes = sorted({int(m.group(1)) for n in t for m in [re.search(r"(\d+)>$", n)] if m})
    ks = (4, 8, 16, 32)
    print("Matvec y = W x + b, W n x n fp32, time per call in µs (median of 5); "
          "speedup = dense / circulant; FFTW ratio = FFTW-based / ember circulant.\n")
    print("| n | dense fp32 | " + " | ".join(f"K={k}" for k in ks) + " | "
          + " | ".join(f"speedup K={k}" for k in ks) + " | " + " | ".join(f"FFTW/ember K={k}" for k in ks) + " |")
    print("|---" * (2 + 3 * len(ks)) + "|")
    for n in sizes:
        d = t.get(f"BM_dense<quant::f32, {n}>")
        c = [t.get(f"BM_circulant<{k}, quant::f32, {n}>") for k in ks]
        f = [t.get(f"BM_fftw_circulant<{k}, {n}>") for k in ks]
        if d is None or None in c:
            continue
        print(f"| {n} | {d / 1e3:.2f} | " + " | ".join(f"{v / 1e3:.2f}" for v in c) + " | "
              + " | ".join(f"{d / v:.1f}x" for v in c) + " | "
              + " | ".join(f"{a / v:.1f}" if a else "-" for a, v in zip(f, c)) + " |")
    print("\nBatched size-K real FFT (n / K transforms), time per batch in ns; "
          "ratio = ember / FFTW (target <= 1.2).\n")
    print("| n | K | ember fwd | FFTW fwd | ratio | ember inv | FFTW inv | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for n in sizes:
        for k in ks:
            e, w = t.get(f"BM_fft_ember<{k}, {n}>"), t.get(f"BM_fft_fftw<{k}, {n}>")
            ei, wi = t.get(f"BM_ifft_ember<{k}, {n}>"), t.get(f"BM_ifft_fftw<{k}, {n}>")
            if e and w:
                inv = f"{ei:.0f} | {wi:.0f} | {ei / wi:.2f}" if ei and wi else "- | - | -"
                print(f"| {n} | {k} | {e:.0f} | {w:.0f} | {e / w:.2f} | {inv} |")
    extra = [(n, v) for n, v in t.items() if "quant::int" in n]
    if extra:
        print("\nQuantized spectra (same n x n matvec), µs per call:\n")
        print("| benchmark | time |")
        print("|---|---|")
        for n, v in extra:
            print(f"| `{n}` | {v / 1e3:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
