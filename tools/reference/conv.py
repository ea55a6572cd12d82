"""Reference vectors for the convolution and pooling layers (tests/conv/).

Writes tests/data/conv/cases.json (every case's shape, seeds and scales) and one raw
float32 file of outputs per case. Weights, biases and inputs are common.uniform() draws that
the C++ tests regenerate bit for bit, so only outputs are committed.

Conventions, matching ember:
* conv2d / pooling frames are CHW; conv1d / pool1d sequences are time-major (T, C), i.e.
  PyTorch's (C, L) transposed, and so are their outputs.
* fp32 references are computed by PyTorch in float64 from the float32 operands.
* Quantized references are fake-quant: the operands are quantized exactly as ember does
  (float32 arithmetic: per-output-channel weight scale max|row| / qmax, w / s rounded half to
  even; activation scale max|x| / qmax per frame for conv2d, per time step for conv1d,
  x * (qmax / max|x|) rounded half to even), dequantized, and convolved in float64.
* Batch norm is folded the ember way: a = gamma / sqrt(var + eps) in float32; fp32 checks
  against conv + BatchNorm in float64, quantized layers quantize W first and scale s_w by a.
"""
import zlib

import numpy as np
import torch
import torch.nn.functional as F

from . import common

QMAX = {"f32": None, "int8": (127, 127), "int4": (7, 127), "int16": (32767, 32767)}


def f32(v):
    return np.float32(v)


def quant_weight(w, qmax):
    """Per output channel: (q, scale), w of shape (Cout, ...), float32 arithmetic."""
    rows = w.reshape(w.shape[0], -1)
    amax = np.abs(rows).max(axis=1).astype(np.float32)
    scale = np.where(amax > 0, amax / np.float32(qmax), np.float32(1)).astype(np.float32)
    q = np.clip(np.rint((rows / scale[:, None]).astype(np.float32)), -qmax, qmax)
    return q.reshape(w.shape), scale


def quant_act(x, qmax):
    """One symmetric scale for all of x: (q, scale)."""
    amax = np.float32(np.abs(x).max())
    inv = np.float32(qmax) / amax if amax > 0 else np.float32(1)
    scale = amax / np.float32(qmax) if amax > 0 else np.float32(1)
    q = np.clip(np.rint((x * inv).astype(np.float32)), -qmax, qmax)
    return q, np.float32(scale)


def activation(y, act, pol):
    if act == "relu":
        return torch.relu(y)
    if act == "relu6":
        return torch.clamp(y, 0, 6)
    if act == "sigmoid":
        return torch.clamp(0.25 * y + 0.5, 0, 1) if pol == "hard" else torch.sigmoid(y)
    if act == "tanh":
        return torch.clamp(y, -1, 1) if pol == "hard" else torch.tanh(y)
    return y


def bn_params(c, seed):
    gamma = common.uniform(seed, c, 0.5) + f32(1.0)
    beta = common.uniform(seed + 1, c, 0.2)
    mean = common.uniform(seed + 2, c, 0.3)
    var = common.uniform(seed + 3, c, 0.4) + f32(0.6)
    return gamma, beta, mean, var


def pad_amount(case, reach):
    p = case["pad"]
    if p == "same":
        return reach // 2, reach - reach // 2
    if p == "causal":
        return reach, 0
    return p, p


def conv(case):
    """Returns the float32 outputs of a conv1d / conv2d case (time-major for 1D)."""
    one_d = case["kind"] == "conv1d"
    cin, cout, k, g = case["cin"], case["cout"], case["k"], case["groups"]
    spatial = (case["t"],) if one_d else (case["h"], case["w"])
    wshape = (cout, cin // g, k) if one_d else (cout, cin // g, k, k)
    w = common.uniform(case["seed_w"], int(np.prod(wshape)), case["scale_w"]).reshape(wshape)
    b = common.uniform(case["seed_b"], cout, 0.5) if case["bias"] else np.zeros(cout, np.float32)
    xn = common.uniform(case["seed_x"], cin * int(np.prod(spatial)))
    x = xn.reshape(case["t"], cin).T.copy() if one_d else xn.reshape(cin, *spatial)
    bn = bn_params(cout, case["seed_bn"]) if "seed_bn" in case else None
    quant = case["quant"]
    if quant == "f32":
        wd, xd, bd = w.astype(np.float64), x.astype(np.float64), b.astype(np.float64)
    else:
        wq, sw = quant_weight(w, QMAX[quant][0])
        if bn is not None:  # ember: quantize W, then fold a into the channel scales
            a = (bn[0] / np.sqrt((bn[3] + f32(1e-5)).astype(np.float32))).astype(np.float32)
            sw = (sw * a).astype(np.float32)
            b = ((b - bn[2]) * a + bn[1]).astype(np.float32)
            bn = None
        wd = wq.astype(np.float64) * sw.astype(np.float64).reshape(-1, *([1] * (w.ndim - 1)))
        if one_d:  # one scale per time step (column of the (C, L) input)
            cols = [quant_act(x[:, t], QMAX[quant][1]) for t in range(x.shape[1])]
            xd = np.stack([q.astype(np.float64) * np.float64(s) for q, s in cols], axis=1)
        else:
            q, s = quant_act(x, QMAX[quant][1])
            xd = q.astype(np.float64) * np.float64(s)
        bd = b.astype(np.float64)
    reach = case["dilation"] * (k - 1)
    before, after = pad_amount(case, reach)
    xt = torch.from_numpy(xd)[None]
    if one_d:
        xt = F.pad(xt, (before, after))
        y = F.conv1d(xt, torch.from_numpy(wd), torch.from_numpy(bd), case["stride"], 0, case["dilation"], g)
    else:
        xt = F.pad(xt, (before, after, before, after))
        y = F.conv2d(xt, torch.from_numpy(wd), torch.from_numpy(bd), case["stride"], 0, case["dilation"], g)
    if bn is not None:
        gamma, beta, mean, var = (torch.from_numpy(v.astype(np.float64)).reshape(1, -1, *([1] * len(spatial))) for v in bn)
        y = (y - mean) / torch.sqrt(var + 1e-5) * gamma + beta
    y = activation(y, case["act"], case["actpol"])[0].numpy()
    return (y.T if one_d else y).astype(np.float32)


def pool(case):
    kind, c = case["kind"], case["c"]
    if kind in ("pool1d", "gap1d"):
        x = common.uniform(case["seed_x"], case["t"] * c).reshape(case["t"], c).T.copy()
        xt = torch.from_numpy(x.astype(np.float64))[None]
        if kind == "gap1d":
            return xt.mean(dim=2)[0].numpy().astype(np.float32)
        if case["op"] == "max":
            y = F.max_pool1d(xt, case["k"], case["stride"], case["pad"], case["dilation"])
        else:
            y = F.avg_pool1d(xt, case["k"], case["stride"], case["pad"], count_include_pad=case["include_pad"])
        return y[0].numpy().T.astype(np.float32)
    x = common.uniform(case["seed_x"], c * case["h"] * case["w"]).reshape(c, case["h"], case["w"])
    xt = torch.from_numpy(x.astype(np.float64))[None]
    if kind == "gap2d":
        return xt.mean(dim=(2, 3))[0].numpy().astype(np.float32)
    if case["op"] == "max":
        y = F.max_pool2d(xt, case["k"], case["stride"], case["pad"], case["dilation"])
    else:
        y = F.avg_pool2d(xt, case["k"], case["stride"], case["pad"], count_include_pad=case["include_pad"])
    return y[0].numpy().astype(np.float32)


def c2(name, cin, h, w, cout, k, stride=1, pad=0, dilation=1, groups=1, act="none", quant="f32",
       actpol="exact", bias=True, bn=False):
    return dict(name=name, kind="conv2d", cin=cin, h=h, w=w, cout=cout, k=k, stride=stride, pad=pad,
                dilation=dilation, groups=groups, act=act, actpol=actpol, quant=quant, bias=bias, bn=bn)


def c1(name, cin, cout, k, t, stride=1, pad=0, dilation=1, groups=1, act="none", quant="f32", bias=True, bn=False):
    return dict(name=name, kind="conv1d", cin=cin, cout=cout, k=k, t=t, stride=stride, pad=pad,
                dilation=dilation, groups=groups, act=act, actpol="exact", quant=quant, bias=bias, bn=bn)


def p2(name, op, c, h, w, k, stride, pad=0, dilation=1, include_pad=True):
    return dict(name=name, kind="pool2d", op=op, c=c, h=h, w=w, k=k, stride=stride, pad=pad,
                dilation=dilation, include_pad=include_pad)


def p1(name, op, c, t, k, stride, pad=0, dilation=1, include_pad=True):
    return dict(name=name, kind="pool1d", op=op, c=c, t=t, k=k, stride=stride, pad=pad,
                dilation=dilation, include_pad=include_pad)


CASES = [
    # conv2d fp32: kernel 1/3/5/7, stride 1/2, padding 0/n/same, dilation 1/2, groups 1/2/4/depthwise
    c2("c2_k1", 3, 7, 9, 5, 1),
    c2("c2_k3_same_relu", 4, 11, 13, 6, 3, pad="same", act="relu"),
    c2("c2_k3_s2_p1", 5, 12, 10, 7, 3, stride=2, pad=1),
    c2("c2_k5_d2_same", 3, 15, 14, 4, 5, pad="same", dilation=2),
    c2("c2_k7_s2_p3_relu6", 3, 17, 16, 8, 7, stride=2, pad=3, act="relu6"),
    c2("c2_k3_g2_tanh", 6, 9, 9, 4, 3, pad=1, groups=2, act="tanh"),
    c2("c2_dw_k3_same", 8, 10, 12, 8, 3, pad="same", groups=8),
    c2("c2_dw_k3_s2_m2_sigmoid", 6, 13, 11, 12, 3, stride=2, pad=1, groups=6, act="sigmoid"),
    c2("c2_k3_valid_wide", 16, 20, 20, 16, 3),
    c2("c2_k3_d2_s2_p2", 4, 16, 15, 5, 3, stride=2, pad=2, dilation=2),
    c2("c2_k5_g4_s2_p2", 8, 11, 9, 8, 5, stride=2, pad=2, groups=4),
    c2("c2_k3_hard_sigmoid", 4, 8, 8, 6, 3, pad=1, act="sigmoid", actpol="hard"),
    c2("c2_k3_nobias", 4, 9, 7, 6, 3, pad=1, bias=False),
    # 3x3 stride 1 with Cin >= 4 and Cout >= 8: the Winograd F(2x2, 3x3) path (odd sizes, partial tiles)
    c2("c2_wino_k3_p1_odd_relu", 8, 9, 11, 8, 3, pad=1, act="relu"),
    c2("c2_wino_k3_same_tanh", 5, 12, 7, 10, 3, pad="same", act="tanh"),
    c2("c2_wino_k3_valid_wide", 6, 21, 37, 9, 3),
    # conv2d quantized (fake-quant references)
    c2("c2_s8_k3_same_relu", 4, 11, 13, 6, 3, pad="same", act="relu", quant="int8"),
    c2("c2_s8_k3_s2_p1", 5, 12, 10, 7, 3, stride=2, pad=1, quant="int8"),
    c2("c2_s8_k3_g2", 6, 9, 9, 4, 3, pad=1, groups=2, quant="int8"),
    c2("c2_s8_dw_k3_same", 8, 10, 12, 8, 3, pad="same", groups=8, quant="int8"),
    c2("c2_s8_k3_valid_wide", 16, 20, 20, 16, 3, quant="int8"),
    c2("c2_s8_k1", 3, 7, 9, 5, 1, quant="int8"),
    c2("c2_s4_k3_same", 4, 11, 13, 6, 3, pad="same", quant="int4"),
    c2("c2_s4_k7_s2_p3", 3, 17, 16, 8, 7, stride=2, pad=3, quant="int4"),
    c2("c2_s16_k3_same", 4, 11, 13, 6, 3, pad="same", quant="int16"),
    c2("c2_s16_k5_d2_same", 3, 15, 14, 4, 5, pad="same", dilation=2, quant="int16"),
    # conv2d + batch norm folded
    c2("c2_bn_k3_relu", 4, 9, 10, 6, 3, pad=1, act="relu", bias=False, bn=True),
    c2("c2_bn_k3_bias", 4, 9, 10, 6, 3, pad=1, bias=True, bn=True),
    c2("c2_bn_wino_k3_relu", 8, 9, 11, 8, 3, pad=1, act="relu", bias=False, bn=True),
    c2("c2_s8_bn_k3_relu", 4, 9, 10, 6, 3, pad=1, act="relu", bias=False, bn=True, quant="int8"),
    # conv1d fp32 (time-major)
    c1("c1_k3_causal", 8, 12, 3, 40, pad="causal"),
    c1("c1_k3_causal_d4_relu", 16, 16, 3, 50, pad="causal", dilation=4, act="relu"),
    c1("c1_k5_s2_p2", 5, 7, 5, 33, stride=2, pad=2),
    c1("c1_k7_d2_same_tanh", 6, 6, 7, 37, pad="same", dilation=2, act="tanh"),
    c1("c1_k1", 10, 4, 1, 20),
    c1("c1_k3_g2_d3_same", 6, 8, 3, 40, pad="same", dilation=3, groups=2),
    c1("c1_dw_k3_causal_d2", 12, 12, 3, 45, pad="causal", dilation=2, groups=12),
    c1("c1_k3_s2_valid", 9, 5, 3, 30, stride=2),
    c1("c1_k4_even_same", 5, 6, 4, 23, pad="same"),
    # conv1d quantized
    c1("c1_s8_k3_causal", 8, 12, 3, 40, pad="causal", quant="int8"),
    c1("c1_s8_k3_causal_d4", 16, 16, 3, 50, pad="causal", dilation=4, quant="int8"),
    c1("c1_s8_k5_s2_p2", 5, 7, 5, 33, stride=2, pad=2, quant="int8"),
    c1("c1_s8_dw_k3_causal_d2", 12, 12, 3, 45, pad="causal", dilation=2, groups=12, quant="int8"),
    c1("c1_s4_k3_causal_d4", 16, 16, 3, 50, pad="causal", dilation=4, quant="int4"),
    c1("c1_s16_k3_causal_d4", 16, 16, 3, 50, pad="causal", dilation=4, quant="int16"),
    c1("c1_bn_k3_causal_relu", 8, 12, 3, 40, pad="causal", act="relu", bias=False, bn=True),
    # pooling
    p2("p2_max_k2", "max", 3, 8, 8, 2, 2),
    p2("p2_max_k3_s2_p1", "max", 3, 9, 11, 3, 2, pad=1),
    p2("p2_max_k3_d2_p1", "max", 2, 12, 13, 3, 1, pad=1, dilation=2),
    p2("p2_avg_k3_s2_p1", "avg", 3, 9, 11, 3, 2, pad=1),
    p2("p2_avg_k3_s2_p1_exclude", "avg", 3, 9, 11, 3, 2, pad=1, include_pad=False),
    p2("p2_avg_k2", "avg", 4, 8, 6, 2, 2),
    dict(name="p2_gap", kind="gap2d", c=5, h=7, w=9),
    p1("p1_max_k3_s2_p1", "max", 6, 21, 3, 2, pad=1),
    p1("p1_avg_k4_s2_p2", "avg", 6, 21, 4, 2, pad=2),
    p1("p1_avg_k4_s2_p2_exclude", "avg", 6, 21, 4, 2, pad=2, include_pad=False),
    dict(name="p1_gap", kind="gap1d", c=7, t=19),
]


def generate(outdir):
    outdir = outdir / "conv"
    manifest = {}
    for case in CASES:
        case = dict(case)
        seed = zlib.crc32(case["name"].encode()) * 16  # stable when cases are added or reordered
        case["seed_x"] = seed
        if case["kind"] in ("conv1d", "conv2d"):
            fan_in = case["cin"] // case["groups"] * case["k"] ** (1 if case["kind"] == "conv1d" else 2)
            case["seed_w"], case["seed_b"] = seed + 1, seed + 2
            case["scale_w"] = float(np.float32(1.0 / np.sqrt(fan_in)))
            if case.pop("bn"):
                case["seed_bn"] = seed + 3
            y = conv(case)
        else:
            y = pool(case)
        case["file"] = f"{case['name']}.bin"
        case["count"] = int(y.size)
        common.write_bin(outdir / case["file"], y)
        manifest[case.pop("name")] = case
    common.write_json(outdir / "cases.json", manifest)
