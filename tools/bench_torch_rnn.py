#!/usr/bin/python3
"""PyTorch's time on bench/bench_rnn.cpp's workloads, for context: LSTM and GRU at batch 1,
(In, H) = (64, 64), (128, 256), (32, 1024); per step (a module call on one step, state
carried) and per 100-step sequence (one call); fp32 and dynamic int8
(torch.ao.quantization.quantize_dynamic). One thread, like ember.

Usage: /usr/bin/python3 tools/bench_torch_rnn.py [--repetitions 5]
Prints a markdown table of medians (microseconds per time step)."""
import argparse
import statistics
import time

import torch

SHAPES = [(64, 64), (128, 256), (32, 1024)]
SEQ = 100


def per_step_us(fn, steps, min_time=0.2):
    """One measurement: repeat fn for at least min_time seconds; microseconds per time step."""
    fn()  # warm up
    n, t0 = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        dt = time.perf_counter() - t0
        if dt >= min_time:
            return dt / (n * steps) * 1e6


def bench(kind, inp, hidden, quantized, reps):
    torch.manual_seed(0)
    m = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(inp, hidden).eval()
    if quantized:
        m = torch.ao.quantization.quantize_dynamic(m, {torch.nn.LSTM, torch.nn.GRU}, dtype=torch.qint8)
    xs = torch.rand(SEQ, 1, inp) * 2 - 1
    state = None

    def step():
        nonlocal state, t
        _, state = m(xs[t:t + 1], state)
        t = (t + 1) % SEQ

    def seq():
        m(xs)

    t = 0
    with torch.inference_mode():
        s = statistics.median(per_step_us(step, 1) for _ in range(reps))
        q = statistics.median(per_step_us(seq, SEQ) for _ in range(reps))
    return s, q


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repetitions", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread, batch 1, medians of {args.repetitions}")
    print("| layer | In x H | torch f32 step (us) | torch f32 seq100 (us/step) | torch int8 step | torch int8 seq100 |")
    print("|---|---|---|---|---|---|")
    for kind in ("lstm", "gru"):
        for inp, hidden in SHAPES:
            fs, fq = bench(kind, inp, hidden, False, args.repetitions)
            qs, qq = bench(kind, inp, hidden, True, args.repetitions)
            print(f"| {kind} | {inp}x{hidden} | {fs:.2f} | {fq:.2f} | {qs:.2f} | {qq:.2f} |", flush=True)


if __name__ == "__main__":
    main()
