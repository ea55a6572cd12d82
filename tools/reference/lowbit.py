"""Fake-quantized PyTorch references of the binary / ternary policies and the optimal 1-D
k-means error of weight sharing (tests/data/quant/lowbit.json).

Every quantizer is written in torch from its definition (XNOR-Net for binary, TWN for
ternary, ember's symmetric int8 for 8-bit activations), independently of the C++ code:
  binary w:    alpha = mean |w_row|, q = sign(w) (sign(0) = +1)
  ternary w:   delta = 0.7 mean |w_row|, q = sign(w) [|w| > delta], alpha = mean kept |w|
  int8 x:      s = max|x| / 127, q = clamp(round(x * (127 / max|x|)), +-127) (float32, ties to even)
  binary x:    q = sign(x), beta = mean |x|
  ternary x:   delta = 0.7 mean |x|, q = sign(x) [|x| > delta], beta = mean kept |x|
y = (q_w alpha) (q_x beta) + b in float64, and the integer sums q_w . q_x, which the C++
kernels must reproduce exactly. Weights come from common.uniform, regenerated in C++.
Cases are rejected if any value lies within 1e-4 (relative) of a ternary threshold, so a
last-bit difference in a mean cannot flip a level.

The optimal k-means SSE is the exact 1-D dynamic programme (Wang & Song, Ckmeans.1d.dp,
R Journal 2011) on the sorted weights."""
import numpy as np
import torch

from .common import uniform, write_json

CASES = [  # rows, cols, weight seed, input seed, bias seed
    (24, 100, 11, 12, 13),
    (7, 37, 21, 22, 23),
    (40, 64, 31, 32, 33),
    (17, 300, 41, 44, 43),
]
W_SCALE, X_SCALE, B_SCALE = 0.5, 2.0, 0.1
POLICIES = {  # name: (weight kind, activation bits)
    "b1": ("binary", 8), "b1a1": ("binary", 1), "b1a2": ("binary", 2),
    "t2": ("ternary", 8), "t2a1": ("ternary", 1), "t2a2": ("ternary", 2),
}


def sign(t):
    return torch.where(t < 0, -torch.ones_like(t), torch.ones_like(t))


def ternary(t, dim):
    """TWN levels along `dim` (float64 statistics): q, scale, threshold."""
    a = t.abs().double()
    delta = 0.7 * a.mean(dim=dim, keepdim=True)
    keep = a > delta
    q = torch.where(keep, sign(t), torch.zeros_like(t))
    kept = (a * keep).sum(dim=dim, keepdim=True) / keep.sum(dim=dim, keepdim=True).clamp(min=1)
    return q, kept, delta, a


def far_from(a, delta):
    return bool(((a - delta).abs() > 1e-4 * delta.clamp(min=1e-30)).all())


def quant_weights(w, kind):
    if kind == "binary":
        return sign(w), w.abs().double().mean(dim=1, keepdim=True)
    q, alpha, delta, a = ternary(w, 1)
    assert far_from(a, delta), "a weight sits on its ternary threshold: pick another seed"
    return q, alpha


def quant_acts(x, bits):
    if bits == 8:
        amax = x.abs().max()
        inv = torch.tensor(127.0, dtype=torch.float32) / amax
        q = torch.clamp(torch.round(x * inv), -127, 127)
        return q, (amax / 127.0).double()
    if bits == 1:
        return sign(x), x.abs().double().mean()
    delta32 = torch.tensor(0.7, dtype=torch.float32) * x.abs().mean()  # float32, as the kernel
    a = x.abs()
    assert bool(((a - delta32).abs() > 1e-4 * delta32).all()), "an input sits on the threshold"
    keep = a > delta32
    q = torch.where(keep, sign(x), torch.zeros_like(x))
    return q, (a.double() * keep).sum() / keep.sum()


def kmeans_opt_sse(values, k):
    """Minimal within-cluster sum of squares of 1-D data into k clusters (exact DP)."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    n = len(v)
    s1 = np.concatenate([[0.0], np.cumsum(v)])
    s2 = np.concatenate([[0.0], np.cumsum(v * v)])

    def cost(j, i):  # SSE of v[j..i] inclusive, j an array
        cnt = i + 1 - j
        s = s1[i + 1] - s1[j]
        return (s2[i + 1] - s2[j]) - s * s / cnt

    prev = np.array([cost(np.array([0]), i)[0] for i in range(n)])
    for m in range(1, k):
        cur = np.full(n, np.inf)
        for i in range(m, n):
            j = np.arange(m, i + 1)
            cur[i] = np.min(prev[j - 1] + cost(j, i))
        prev = cur
    return float(max(prev[n - 1], 0.0))


def generate(outdir):
    cases = []
    for rows, cols, ws, xs, bs in CASES:
        w = torch.from_numpy(uniform(ws, rows * cols, W_SCALE)).reshape(rows, cols)
        x = torch.from_numpy(uniform(xs, cols, X_SCALE))
        b = torch.from_numpy(uniform(bs, rows, B_SCALE)).double()
        out = {}
        for name, (kind, bits) in POLICIES.items():
            qw, alpha = quant_weights(w, kind)
            qx, beta = quant_acts(x, bits)
            acc = (qw.double() @ qx.double())
            wq = qw.double() * alpha.float().double()   # the scales the kernel stores are float32
            xq = qx.double() * float(np.float32(beta))
            y = wq @ xq + b
            out[name] = {
                "acc": [int(v) for v in acc.round().tolist()],
                "alpha": [float(np.float32(v)) for v in alpha.flatten().tolist()],
                "x_scale": float(np.float32(beta)),
                "y": y.tolist(),
            }
        sse = {str(k): kmeans_opt_sse(w.flatten().numpy(), k) for k in (4, 16)}
        cases.append({"rows": rows, "cols": cols, "w_seed": ws, "x_seed": xs, "b_seed": bs,
                      "w_scale": W_SCALE, "x_scale": X_SCALE, "b_scale": B_SCALE,
                      "policies": out, "kmeans_opt_sse": sse,
                      "weight_sumsq": float((w.double() ** 2).sum())})
    write_json(outdir / "quant" / "lowbit.json", {"generator": "tools/reference/lowbit.py", "cases": cases})
