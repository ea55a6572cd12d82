#!/usr/bin/python3
"""Projects a model's weight matrices to block-circulant form (ember's matvec::circulant<K>)
and reports what that costs, without any training.

Usage:
  /usr/bin/python3 tools/project_circulant.py MODEL -k 8 [-o projected.json] [--include RE]
                                              [--exclude RE] [--report report.csv]

MODEL is a PyTorch file (a state_dict, a pickled nn.Module or a TorchScript archive, as
torch.save / torch.jit.save write them) or a JSON state dict {name: nested lists}.
Every 2-D floating tensor whose name matches --include (default: all) and not --exclude
is projected; for each, the relative Frobenius error ||W - P(W)||_F / ||W||_F and the
largest entry error are printed. With -o, the whole state dict is written as JSON
{name: nested lists}, projected matrices replaced by their dense block-circulant
expansion, so ember (or PyTorch) can load it and you can measure the accuracy cost.

The projection is exactly the one ember's pack() applies at load
(include/ember/kernels/circulant_projection.hpp):
  * W is cut into K x K blocks; block (bi, bj) becomes the circulant whose FIRST COLUMN
    is w: W[bi K + a][bj K + b] = w[(a - b) mod K] (C-LSTM's W_ij x_j = IFFT(FFT(w_ij) o FFT(x_j))).
  * w[d] is the mean of the block's entries on wrapped diagonal d: the least-squares
    (nearest in Frobenius norm) circulant.
  * Sides that are not multiples of K are zero-padded to whole blocks; an edge block is
    fitted to its in-range entries only (padded entries never reach an output), and a
    diagonal with no in-range entry is 0.
numpy is the only requirement for JSON input; PyTorch is needed for .pt/.pth files.
"""
import argparse
import json
import math
import pathlib
import re
import sys

import numpy as np


def diagonal_index(k):
    """D[a, b] = (a - b) mod K: which first-column entry sits at (a, b) of a block."""
    a = np.arange(k)
    return (a[:, None] - a[None, :]) % k


def project_first_columns(w, k):
    """First columns of the nearest block-circulant matrix, shape (p, q, K), in float64."""
    w = np.asarray(w, dtype=np.float64)
    rows, cols = w.shape
    p, q = -(-rows // k), -(-cols // k)
    padded = np.zeros((p * k, q * k))
    padded[:rows, :cols] = w
    valid = np.zeros((p * k, q * k))
    valid[:rows, :cols] = 1.0
    blocks = padded.reshape(p, k, q, k).transpose(0, 2, 1, 3)  # (p, q, a, b)
    vblocks = valid.reshape(p, k, q, k).transpose(0, 2, 1, 3)
    d = diagonal_index(k)
    sums = np.zeros((p, q, k))
    counts = np.zeros((p, q, k))
    for i in range(k):
        mask = d == i
        sums[:, :, i] = blocks[:, :, mask].sum(axis=2)
        counts[:, :, i] = vblocks[:, :, mask].sum(axis=2)
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)


def expand(first_columns, rows, cols):
    """Dense (rows, cols) matrix of block first columns (p, q, K)."""
    p, q, k = first_columns.shape
    blocks = first_columns[:, :, diagonal_index(k)]  # (p, q, a, b)
    return blocks.transpose(0, 2, 1, 3).reshape(p * k, q * k)[:rows, :cols]


def project(w, k):
    """(projected float32 matrix, first columns float32 (p, q, K), report dict)."""
    w32 = np.asarray(w, dtype=np.float32)
    fc = project_first_columns(w32, k).astype(np.float32)
    proj = expand(fc, *w32.shape)
    err = w32.astype(np.float64) - proj.astype(np.float64)
    norm = math.sqrt(float((w32.astype(np.float64) ** 2).sum()))
    report = {
        "shape": list(w32.shape),
        "rel_frobenius": math.sqrt(float((err ** 2).sum())) / norm if norm > 0 else 0.0,
        "max_abs_error": float(np.abs(err).max()) if err.size else 0.0,
        "dense_params": int(w32.size),
        "circulant_params": int(fc.size),
    }
    return proj, fc, report


def json_lists(a):
    """Nested lists of the shortest decimals that read back as the same float32 values."""
    a = np.asarray(a, dtype=np.float32)
    flat = [float(str(v)) for v in a.ravel()]
    if a.ndim == 0:
        return flat[0]
    for n in reversed(a.shape[1:]):
        flat = [flat[i:i + n] for i in range(0, len(flat), n)]
    return flat


def load_state_dict(path):
    """{name: float numpy array} from a JSON state dict or a PyTorch file."""
    path = pathlib.Path(path)
    if path.suffix == ".json":
        raw = json.loads(path.read_text())
        return {name: np.asarray(v, dtype=np.float32) for name, v in raw.items()
                if isinstance(v, (list, int, float))}
    import torch
    try:
        obj = torch.jit.load(str(path), map_location="cpu")
    except (RuntimeError, ValueError):
        obj = torch.load(str(path), map_location="cpu")
    if hasattr(obj, "state_dict"):
        obj = obj.state_dict()
    if not isinstance(obj, dict):
        raise SystemExit(f"{path}: neither a state_dict nor a module ({type(obj).__name__})")
    return {name: t.detach().to(torch.float32).numpy() for name, t in obj.items()
            if hasattr(t, "is_floating_point") and t.is_floating_point()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", help="PyTorch file (.pt/.pth) or JSON state dict")
    ap.add_argument("-k", "--block", type=int, required=True, help="circulant block size K (power of two, 1..64)")
    ap.add_argument("-o", "--out", help="write the projected state dict here (JSON)")
    ap.add_argument("--include", default=".*", help="regex: matrices to project (default: every 2-D tensor)")
    ap.add_argument("--exclude", default=None, help="regex: matrices to keep dense")
    ap.add_argument("--report", help="also write the per-matrix report here (.csv or .json)")
    args = ap.parse_args(argv)
    k = args.block
    if k < 1 or k > 64 or k & (k - 1):
        ap.error("K must be a power of two from 1 to 64")

    state = load_state_dict(args.model)
    inc = re.compile(args.include)
    exc = re.compile(args.exclude) if args.exclude else None
    out, reports = {}, {}
    for name, w in state.items():
        if w.ndim == 2 and inc.search(name) and not (exc and exc.search(name)):
            out[name], _, reports[name] = project(w, k)
        else:
            out[name] = w
    if not reports:
        print("project_circulant: no 2-D tensor matched", file=sys.stderr)

    width = max([len(n) for n in reports] + [6])
    print(f"{'matrix':<{width}}  {'shape':>11}  {'rel_frobenius':>13}  {'max_abs_err':>11}  {'params':>15}")
    dense = circ = 0
    for name, r in reports.items():
        shape = "x".join(map(str, r["shape"]))
        print(f"{name:<{width}}  {shape:>11}  {r['rel_frobenius']:13.6f}  {r['max_abs_error']:11.6f}  "
              f"{r['dense_params']:>7}->{r['circulant_params']:<7}")
        dense += r["dense_params"]
        circ += r["circulant_params"]
    if reports:
        print(f"K = {k}: {len(reports)} matrices, {dense} -> {circ} weights ({dense / max(circ, 1):.2f}x fewer)")

    if args.report:
        rp = pathlib.Path(args.report)
        if rp.suffix == ".json":
            rp.write_text(json.dumps({"block": k, "matrices": reports}, indent=1) + "\n")
        else:
            lines = ["name,rows,cols,rel_frobenius,max_abs_error,dense_params,circulant_params"]
            lines += [f"{n},{r['shape'][0]},{r['shape'][1]},{r['rel_frobenius']:.9g},{r['max_abs_error']:.9g},"
                      f"{r['dense_params']},{r['circulant_params']}" for n, r in reports.items()]
            rp.write_text("\n".join(lines) + "\n")
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps({n: json_lists(v) for n, v in out.items()}) + "\n")
    return reports


if __name__ == "__main__":
    main()
