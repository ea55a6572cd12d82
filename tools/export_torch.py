#!/usr/bin/python3
"""Export a PyTorch module's state_dict for ember.

Formats (any combination):
  --out FILE      by extension: .json (as --json --model: the architecture block holds the
                  ember layers and model type) or .hpp (as --header --model)
  --json FILE     {"architecture": [...], "state_dict": {name: nested lists}} for
                  ember::io::load_state_dict (include/ember/io/state_dict.hpp)
  --header FILE   a C++ header of constexpr float arrays plus an ember::io::named_tensor
                  table, for ember::io::load_tensors (weights in flash, no file system)
  --blob FILE     ember's binary blob (include/ember/io/blob.hpp), for ember::io::load_blob
  --model         with --header: also emit `using model_type = ember::model<...>;` mapping
                  the module's leaves, in registration order, to ember layers (LSTM, GRU,
                  SRU below, Linear, Conv1d, CausalConv1d below, Conv2d, Flatten; a ReLU after
                  a convolution is fused, a BatchNorm after it is folded into its weights;
                  Dropout is skipped). The module's forward must apply them in that order.
  --policy NAME=CXX  ember policy of the layer NAME (default ember::policy<>), e.g.
                  --policy gru='ember::policy<ember::quant::int8>'
  --input-shape C,H,W  the input frame, needed to map a Conv2d

Usage:
  /usr/bin/python3 tools/export_torch.py MODEL.pt --json kws.json --header kws.hpp --namespace kws
where MODEL.pt holds torch.save(module) or torch.save(module.state_dict()). From Python:
  sys.path.insert(0, "tools"); import export_torch
  export_torch.export(module, json_path="kws.json", header_path="kws.hpp", namespace="kws")

Every value is written as the shortest decimal that reads back as the same float32; NaN and
Inf weights are refused here (the loaders would refuse them too)."""
import argparse
import json
import math
import pathlib
import re
import struct
import sys

BLOB_MAGIC = b"EMBRBLOB"


def torch_nn_module(name):
    """torch.nn.<name>, or object when torch is missing (the module still imports)."""
    try:
        import torch.nn
        return getattr(torch.nn, name)
    except ImportError:
        return object
BLOB_VERSION = 1


def _float_text(v):
    """Shortest decimal that parses back to the same float32."""
    import numpy as np
    f = np.float32(v)
    if not math.isfinite(float(f)):
        raise ValueError("non-finite weight")
    if f == 0:
        return "-0.0" if math.copysign(1.0, float(f)) < 0 else "0.0"
    a = np.format_float_positional(f, unique=True, trim="0")
    b = np.format_float_scientific(f, unique=True, trim="0")
    return a if len(a) <= len(b) else b


def _nested_text(array):
    """Nested JSON lists as torch's tolist() gives, with float32-exact shortest numbers."""
    if array.ndim == 0:
        return _float_text(array)
    if array.ndim == 1:
        return "[" + ",".join(_float_text(v) for v in array) + "]"
    return "[" + ",".join(_nested_text(sub) for sub in array) + "]"


def _tensors(state_dict):
    """(name, float32 numpy array) for every floating tensor of the state dict."""
    import numpy as np
    import torch
    out = []
    for name, t in state_dict.items():
        if not torch.is_tensor(t) or not t.is_floating_point():
            continue  # e.g. BatchNorm's num_batches_tracked
        a = t.detach().cpu().to(torch.float32).numpy().astype(np.float32)
        if not np.all(np.isfinite(a)):
            raise ValueError(f"export_torch: '{name}' holds NaN or Inf")
        out.append((name, a))
    return out


class CausalConv1d(torch_nn_module("Conv1d")):
    """torch.nn.Conv1d with (kernel - 1) * dilation zeros before the sequence and none after:
    output t sees inputs <= t (ember::pad::causal), so a model can stream it step by step."""

    def forward(self, x):
        import torch.nn.functional as F
        return super().forward(F.pad(x, ((self.kernel_size[0] - 1) * self.dilation[0], 0)))


class SRU(torch_nn_module("Module")):
    """Simple Recurrent Unit (Lei et al. 2018) as ember's layers/sru.hpp computes it, on a
    time-major (T, In) sequence: x~ = W_x x, f = s(W_f x + v_f c + b_f), r = s(W_r x + v_r c + b_r),
    c' = f c + (1 - f) x~, h = r c' + (1 - r) x' (x' = x, or W_h x when In != H). Parameters
    weight_l{k} (gates * H, In), weight_c_l{k} (2H), bias_l{k} (2H), as ember loads them."""

    def __init__(self, input_size, hidden_size, num_layers=1):
        import torch
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        bound = hidden_size ** -0.5
        for k in range(num_layers):
            n_in = input_size if k == 0 else hidden_size
            g = 3 if n_in == hidden_size else 4
            for name, shape in ((f"weight_l{k}", (g * hidden_size, n_in)), (f"weight_c_l{k}", (2 * hidden_size,)),
                                (f"bias_l{k}", (2 * hidden_size,))):
                self.register_parameter(name, torch.nn.Parameter(torch.empty(shape).uniform_(-bound, bound)))

    def forward(self, x, c0=None):
        import torch
        H = self.hidden_size
        cs = []
        for k in range(self.num_layers):
            w, vc, b = (getattr(self, f"{n}_l{k}") for n in ("weight", "weight_c", "bias"))
            u = x @ w.t()
            c = torch.zeros(H) if c0 is None else c0[k]
            out = []
            for t in range(x.shape[0]):
                f = torch.sigmoid(u[t, H:2 * H] + b[:H] + vc[:H] * c)
                r = torch.sigmoid(u[t, 2 * H:3 * H] + b[H:] + vc[H:] * c)
                c = f * c + (1 - f) * u[t, :H]
                out.append(r * c + (1 - r) * (u[t, 3 * H:] if w.shape[0] == 4 * H else x[t]))
            x = torch.stack(out)
            cs.append(c)
        return x, torch.stack(cs)


def describe(module):
    """A short description of the recurrent / linear submodules (the JSON 'architecture')."""
    import torch.nn as nn
    arch = []
    for name, m in module.named_modules():
        entry = {"name": name, "type": type(m).__name__}
        if isinstance(m, (nn.LSTM, nn.GRU, nn.RNN)):
            entry.update(input_size=m.input_size, hidden_size=m.hidden_size, num_layers=m.num_layers,
                         bias=m.bias, batch_first=m.batch_first, bidirectional=m.bidirectional)
        elif isinstance(m, nn.Linear):
            entry.update(in_features=m.in_features, out_features=m.out_features, bias=m.bias is not None)
        elif name:
            continue  # only the leaves ember maps are described
        arch.append(entry)
    return arch


def _leaves(module, prefix=""):
    """(name, module) of the leaves in registration order, descending into containers."""
    for name, m in module.named_children():
        full = f"{prefix}{name}"
        if len(list(m.children())) == 0 or isinstance(m, SRU):
            yield full, m
        else:
            yield from _leaves(m, full + ".")


def _np(t):
    import numpy as np
    return t.detach().cpu().to(dtype=__import__("torch").float32).numpy().astype(np.float32)


def ember_layers(module, policies=None, input_shape=None):
    """Maps a module's leaves to ember layers. Returns (layers, tensors): layers are dicts
    {"name", "kind", "type" (the C++ type), "in_size", "out_size", ...}; tensors are the
    (name, float32 array) to export, batch norms folded into their convolutions:
    w' = w * g / sqrt(var + eps) per output channel, b' = (b - mean) * g / sqrt(var + eps) + beta."""
    import numpy as np
    import torch.nn as nn
    policies = policies or {}
    layers, tensors = [], []
    shape = tuple(input_shape) if input_shape else None  # (C, H, W) for 2D front ends
    leaves = [(n, m) for n, m in _leaves(module) if not isinstance(m, nn.Dropout)]
    i = 0
    while i < len(leaves):
        name, m = leaves[i]
        pol = policies.get(name, "ember::policy<>")
        entry = {"name": name, "kind": type(m).__name__}
        if isinstance(m, (nn.LSTM, nn.GRU)):
            if m.bidirectional or not m.bias or getattr(m, "proj_size", 0):
                raise ValueError(f"export_torch: {name}: only unidirectional {entry['kind']} with biases maps")
            kind = "lstm" if isinstance(m, nn.LSTM) else "gru"
            entry.update(type=f"ember::{kind}<{m.input_size}, {m.hidden_size}, {pol}, {m.num_layers}>",
                         in_size=m.input_size, out_size=m.hidden_size)
            tensors += [(f"{name}.{k}", _np(v)) for k, v in m.state_dict().items()]
        elif isinstance(m, SRU):
            entry.update(type=f"ember::sru<{m.input_size}, {m.hidden_size}, {pol}, {m.num_layers}>",
                         in_size=m.input_size, out_size=m.hidden_size)
            tensors += [(f"{name}.{k}", _np(v)) for k, v in m.state_dict().items()]
        elif isinstance(m, nn.Linear):
            entry.update(type=f"ember::dense<{m.in_features}, {m.out_features}, {pol}>",
                         in_size=m.in_features, out_size=m.out_features)
            b = _np(m.bias) if m.bias is not None else np.zeros(m.out_features, np.float32)
            tensors += [(f"{name}.weight", _np(m.weight)), (f"{name}.bias", b)]
        elif isinstance(m, (nn.Conv1d, nn.Conv2d)):
            two_d = isinstance(m, nn.Conv2d)
            w = _np(m.weight)
            b = _np(m.bias) if m.bias is not None else None
            act = "none"
            j = i + 1
            while j < len(leaves):
                nxt = leaves[j][1]
                if isinstance(nxt, (nn.BatchNorm1d, nn.BatchNorm2d)) and act == "none":
                    s_ = _np(nxt.weight) / np.sqrt(_np(nxt.running_var) + np.float32(nxt.eps))
                    w = (w * s_.reshape((-1,) + (1,) * (w.ndim - 1))).astype(np.float32)
                    b = ((b if b is not None else 0) - _np(nxt.running_mean)) * s_ + _np(nxt.bias)
                    b = b.astype(np.float32)
                    entry["folded"] = leaves[j][0]
                elif isinstance(nxt, nn.ReLU) and act == "none":
                    act = "relu"
                else:
                    break
                j += 1
            k, st, dl, pd = m.kernel_size, m.stride, m.dilation, m.padding
            if isinstance(pd, str):
                pad = f"ember::pad::{pd}"
            elif isinstance(m, CausalConv1d):
                pad = "ember::pad::causal"
            else:
                pad = "ember::pad::valid" if pd[0] == 0 else f"ember::pad::symmetric({pd[0]})"
            if two_d:
                if shape is None:
                    raise ValueError(f"export_torch: {name}: a Conv2d needs --input-shape C,H,W")
                if k[0] != k[1] or st[0] != st[1] or dl[0] != dl[1] or (not isinstance(pd, str) and pd[0] != pd[1]):
                    raise ValueError(f"export_torch: {name}: ember's conv2d is square (kernel, stride, padding)")
                c, h, wd = shape
                entry.update(type=f"ember::conv2d<{c}, {h}, {wd}, {m.out_channels}, {k[0]}, {pol}, {st[0]}, {dl[0]}, "
                                  f"{pad}, {m.groups}, ember::activation::{act}, {str(b is not None).lower()}>")
                p = 0 if isinstance(pd, str) and pd == "valid" else (dl[0] * (k[0] - 1) // 2 if isinstance(pd, str)
                                                                      else pd[0])
                ho = (h + 2 * p - dl[0] * (k[0] - 1) - 1) // st[0] + 1
                wo = (wd + 2 * p - dl[0] * (k[0] - 1) - 1) // st[0] + 1
                shape = (m.out_channels, ho, wo)
                entry.update(in_size=c * h * wd, out_size=m.out_channels * ho * wo)
            else:
                entry.update(type=f"ember::conv1d<{m.in_channels}, {m.out_channels}, {k[0]}, {pol}, {st[0]}, {dl[0]}, "
                                  f"{pad}, {m.groups}, ember::activation::{act}, {str(b is not None).lower()}>",
                             in_size=m.in_channels, out_size=m.out_channels)
            entry["activation"] = act
            tensors.append((f"{name}.weight", w))
            if b is not None:
                tensors.append((f"{name}.bias", b))
            i = j
            layers.append(entry)
            continue
        elif isinstance(m, nn.Flatten) and shape is not None:
            c, h, wd = shape
            entry.update(type=f"ember::flatten<{c}, {h}, {wd}>", in_size=c * h * wd, out_size=c * h * wd)
            shape = None
        else:
            raise ValueError(f"export_torch: {name}: no ember layer for {type(m).__name__}")
        layers.append(entry)
        i += 1
    return layers, tensors


def model_type(layers):
    """`ember::model<ember::named<"lstm", ember::lstm<1, 16, ember::policy<>, 1>>, ...>`."""
    inner = ",\n    ".join(f'ember::named<"{l["name"]}", {l["type"]}>' for l in layers)
    return f"ember::model<\n    {inner}>"


def write_json(path, tensors, architecture=None):
    parts = [f"{json.dumps(name)}:{_nested_text(a)}" for name, a in tensors]
    body = "{" + ",\n".join(parts) + "}"
    text = body if architecture is None else \
        '{"architecture":' + json.dumps(architecture) + ',\n"state_dict":' + body + "}"
    pathlib.Path(path).write_text(text + "\n")


def _identifier(name):
    ident = re.sub(r"[^0-9A-Za-z_]", "_", name)
    return ident if not ident[0].isdigit() else "t_" + ident


def write_header(path, tensors, namespace="weights", source="", layers=None, extra=""):
    lines = [f"// Generated by tools/export_torch.py{' from ' + source if source else ''}: weights as constexpr",
             "// arrays (flash on a microcontroller); load with ember::io::load_tensors(layer, tensors, prefix).",
             "#pragma once", "", "#include <ember/io/tensor_table.hpp>"]
    if layers:
        lines += ["#include <ember/model.hpp>"]
        kinds = sorted({l["type"].split("<")[0].split("::")[1] for l in layers})
        header_of = {"flatten": "pool"}
        lines += [f"#include <ember/layers/{header_of.get(k, k)}.hpp>" for k in kinds]
    lines += ["", f"namespace {namespace} {{", ""]
    if layers:
        lines += ["// The module's leaves in order (batch norms folded, ReLUs fused):",
                  f"using model_type = {model_type(layers)};", ""]
    table = []
    for name, a in tensors:
        ident = _identifier(name)
        flat = a.reshape(-1)
        values = ",".join(_float_text(v) + "f" for v in flat)
        shape = list(a.shape) + [0] * (4 - a.ndim)
        lines.append(f"alignas(64) inline constexpr float {ident}[{max(flat.size, 1)}] = {{{values}}};  "
                     f"// {tuple(a.shape)}")
        table.append(f'    {{"{name}", {{{", ".join(str(s) for s in shape)}}}, {a.ndim}, {ident}}},')
    lines += ["", "inline constexpr ember::io::named_tensor tensors[] = {"] + table + ["};", ""]
    if extra:
        lines += [extra, ""]
    lines += [f"}}  // namespace {namespace}", ""]
    pathlib.Path(path).write_text("\n".join(lines))


def write_blob(path, tensors):
    """Little endian: magic, u32 version, u32 count, then per tensor u32 name length, name
    (UTF-8), u32 rank, u32 dims[rank], f32 data[prod(dims)]."""
    import numpy as np
    out = bytearray(BLOB_MAGIC + struct.pack("<II", BLOB_VERSION, len(tensors)))
    for name, a in tensors:
        raw = name.encode()
        out += struct.pack("<I", len(raw)) + raw + struct.pack("<I", a.ndim)
        out += struct.pack(f"<{a.ndim}I", *a.shape) + np.ascontiguousarray(a, dtype="<f4").tobytes()
    pathlib.Path(path).write_bytes(bytes(out))


def export(module_or_state_dict, json_path=None, header_path=None, blob_path=None, namespace="weights",
           architecture=None, source="", model=False, policies=None, input_shape=None, extra=""):
    """With model=True (a module): the ember layers of ember_layers() go into the JSON's
    architecture ("ember" block, "model_type") and the header's model_type; the exported
    tensors are then the mapped ones (batch norms folded)."""
    import torch
    layers = None
    if isinstance(module_or_state_dict, torch.nn.Module):
        state_dict = module_or_state_dict.state_dict()
        if architecture is None:
            architecture = describe(module_or_state_dict)
        if model:
            layers, tensors = ember_layers(module_or_state_dict, policies, input_shape)
            architecture = {"modules": architecture, "ember": layers, "model_type": model_type(layers)}
    else:
        state_dict = module_or_state_dict
    if layers is None:
        tensors = _tensors(state_dict)
    for name, a in tensors:
        if not __import__("numpy").all(__import__("numpy").isfinite(a)):
            raise ValueError(f"export_torch: '{name}' holds NaN or Inf")
    if json_path:
        write_json(json_path, tensors, architecture)
    if header_path:
        write_header(header_path, tensors, namespace, source, layers, extra)
    if blob_path:
        write_blob(blob_path, tensors)
    return tensors


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_file", metavar="MODEL",
                    help="torch.save(module) or torch.save(state_dict) file, or package.module:factory")
    ap.add_argument("--json")
    ap.add_argument("--header")
    ap.add_argument("--blob")
    ap.add_argument("--out", help="FILE.json or FILE.hpp (a header with the model type)")
    ap.add_argument("--model", action="store_true", help="emit the ember model type (needs a module)")
    ap.add_argument("--policy", action="append", default=[], help="NAME=CXX policy of one layer")
    ap.add_argument("--input-shape", help="C,H,W of the input frame (for Conv2d)")
    ap.add_argument("--namespace", default="weights", help="C++ namespace of the header's arrays")
    args = ap.parse_args(argv)
    import torch
    sys.path.insert(0, ".")  # the module's class (pickled by name) usually lives beside the model
    if args.out:
        if args.out.endswith(".json"):
            args.json, args.model = args.out, True
        else:
            args.header, args.model = args.out, True
    if not (args.json or args.header or args.blob):
        ap.error("give at least one of --out, --json, --header, --blob")
    if ":" in args.model_file and not pathlib.Path(args.model_file).exists():
        import importlib  # package.module:factory, e.g. mypkg.nets:make_kws
        mod, _, attr = args.model_file.partition(":")
        obj = getattr(importlib.import_module(mod), attr)()
    else:
        obj = torch.load(args.model_file, map_location="cpu", weights_only=False)
    policies = dict(p.split("=", 1) for p in args.policy)
    shape = tuple(int(v) for v in args.input_shape.split(",")) if args.input_shape else None
    tensors = export(obj, args.json, args.header, args.blob, args.namespace,
                     source=pathlib.Path(args.model_file).name, model=args.model and isinstance(obj, torch.nn.Module),
                     policies=policies, input_shape=shape)
    for name, a in tensors:
        print(f"{name}: {tuple(a.shape)}")


if __name__ == "__main__":
    main(sys.argv[1:])
