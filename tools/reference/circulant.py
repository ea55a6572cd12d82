"""Kernel-level references for matvec::circulant<K>: tools/project_circulant.py's projection
of a seeded dense matrix, and y = P x + b computed by PyTorch (fp64) from the projected
(expanded) matrix P. The C++ test regenerates W, x, b with reference_uniform, so only the
first columns, the error report and y are committed (tests/data/circulant/projection.json).
The LSTM/GRU-with-circulant-weights references join this module once the layers exist."""
import pathlib
import sys

from . import common

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import project_circulant  # noqa: E402

# (K, rows, cols, seed): every K, sides divisible and not, several 16-block panels.
CASES = [
    (2, 5, 3, 11),
    (4, 37, 53, 12),
    (8, 128, 96, 13),
    (16, 100, 70, 14),
    (32, 96, 200, 15),
    (64, 130, 70, 16),
]


def generate(outdir):
    import numpy as np
    import torch
    cases = []
    for k, rows, cols, seed in CASES:
        w = common.uniform(seed, rows * cols, 0.5).reshape(rows, cols)
        x = common.uniform(seed + 1, cols, 1.0)
        b = common.uniform(seed + 2, rows, 0.1)
        proj, first_columns, rep = project_circulant.project(w, k)
        y = torch.from_numpy(proj.astype(np.float64)) @ torch.from_numpy(x.astype(np.float64))
        y = y + torch.from_numpy(b.astype(np.float64))
        cases.append({
            "block": k, "rows": rows, "cols": cols, "seed": seed,
            "w_scale": 0.5, "x_scale": 1.0, "b_scale": 0.1,
            "rel_frobenius": rep["rel_frobenius"], "max_abs_error": rep["max_abs_error"],
            "first_columns": project_circulant.json_lists(first_columns.ravel()),
            "y": [float(v) for v in y.tolist()],
        })
    common.write_json(pathlib.Path(outdir) / "circulant" / "projection.json", {"cases": cases})
