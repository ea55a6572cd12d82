"""Reference vectors for bidirectional LSTM/GRU, QRNN and the block-circulant LSTM
(tests/layers/{bidirectional,qrnn,circulant_lstm}.cpp).

Same scheme as rnn.py (whose helpers it reuses): weights, inputs and initial states are
common.uniform() streams the C++ tests regenerate; tests/data/rnn/ext_cases.json lists the
cases and <case>.bin holds the layer's output (width `output`) at the `checked` steps, then
the final state in ember's get_state() layout. Cases with `state_dict` also have
<case>.state_dict.json, the torch module's state_dict() as {name: nested lists}, which the
tests load through ember::io::load_state_dict (so ember's parameter names are checked
against PyTorch's own).

* bilstm / bigru: torch.nn.LSTM / GRU(bidirectional=True); parameters in ember's params()
  order = PyTorch's (weight_ih_l0, ..., bias_hh_l0, weight_ih_l0_reverse, ...); state
  (h_n[, c_n]) with direction inside: vector k of direction d at (2k + d) H. Quantized
  cases run rnn.py's fake-quantized model once forward and once over the reversed sequence.
* qrnn_w1 / qrnn_w2: QRNN (Bradbury et al. 2017) written here from the equations
  (class QRNN): u_t = [x_t | x_{t-1}] (window 2, x_{-1} = 0) or x_t; [z f o] = W u_t + b;
  z = tanh, f = o = sigmoid; c_t = f c_{t-1} + (1 - f) z; h_t = o c_t. State: c per level.
* lstm_circ<K>: torch.nn.LSTM whose weight matrices are block-circulant: the first column of
  every K x K block is drawn (seed s * 1000 + p, as a parameter), the dense matrix is built
  with W[bi K + a][bj K + b] = w[(a - b) mod K] (ember's kernels/circulant_projection.hpp)
  and exported in full in the state dict, which the test loads into a circulant<K> layer.
"""
import math

import numpy as np
import torch

from . import common
from .rnn import F32, QMatrix, QUANT, _t, checked_steps, run_quant_rnn

MAX_JSON_FLOATS = 8000  # keeps every .state_dict.json well under 200 KB


# --- models ----------------------------------------------------------------------------------

class QRNN(torch.nn.Module):
    """QRNN from the equations; parameters weight_l{k} (3H, window * n_in), bias_l{k} (3H)."""

    def __init__(self, inp, hidden, window, layers):
        super().__init__()
        self.hidden, self.window, self.layers = hidden, window, layers
        for l in range(layers):
            n_in = inp if l == 0 else hidden
            setattr(self, f"weight_l{l}", torch.nn.Parameter(torch.zeros(3 * hidden, window * n_in)))
            setattr(self, f"bias_l{l}", torch.nn.Parameter(torch.zeros(3 * hidden)))

    def forward(self, seq, c0, quant="f32"):
        """seq (T, In), c0 (layers, H) -> outputs (T, H), c_n (layers, H)."""
        H = self.hidden
        cn = []
        for l in range(self.layers):
            w, b = getattr(self, f"weight_l{l}"), getattr(self, f"bias_l{l}")
            u = seq
            if self.window == 2:
                u = torch.cat([seq, torch.cat([torch.zeros_like(seq[:1]), seq[:-1]])], dim=1)
            if quant == "f32":
                g = torch.nn.functional.linear(u, w, b)
            else:
                qm = QMatrix(w.detach().numpy(), *QUANT[quant])
                g = torch.from_numpy(np.stack([qm(v, b.detach().numpy()) for v in u.numpy()]))
            z, f, o = torch.tanh(g[:, :H]), torch.sigmoid(g[:, H:2 * H]), torch.sigmoid(g[:, 2 * H:])
            c = c0[l]
            out = []
            for t in range(seq.shape[0]):
                c = f[t] * c + (1 - f[t]) * z[t]
                out.append(o[t] * c)
            cn.append(c)
            seq = torch.stack(out)
        return seq, torch.stack(cn)


def _state_dict_json(module):
    return {k: v.detach().numpy().astype(F32).tolist() for k, v in module.state_dict().items()}


def circulant_expand(first_columns, rows, cols, k):
    """Dense (rows, cols) from first columns (p, q, K): W[bi K + a][bj K + b] = w[(a - b) mod K]."""
    r, c = np.arange(rows), np.arange(cols)
    d = (r[:, None] % k - c[None, :] % k) % k
    return first_columns[r[:, None] // k, c[None, :] // k, d].astype(F32)


# --- cases -----------------------------------------------------------------------------------

def rnn_gates(kind):
    return {"lstm": 4, "gru": 3}[kind]


def param_shapes(case):
    kind, inp, H, layers = case["kind"], case["input"], case["hidden"], case["layers"]
    if kind.startswith("qrnn"):
        w = case["window"]
        return [s for l in range(layers)
                for s in ((f"weight_l{l}", (3 * H, w * (inp if l == 0 else H))), (f"bias_l{l}", (3 * H,)))]
    base = "lstm" if kind.startswith("bilstm") or kind.startswith("lstm") else "gru"
    g = rnn_gates(base)
    one = [(f"weight_ih_l0", (g * H, inp)), (f"weight_hh_l0", (g * H, H)), (f"bias_ih_l0", (g * H,)),
           (f"bias_hh_l0", (g * H,))]
    if kind.startswith("bi"):
        return one + [(n + "_reverse", s) for n, s in one]
    return one


def state_size(case):
    kind, H = case["kind"], case["hidden"]
    if kind.startswith("qrnn"):
        return case["layers"] * H
    sv = 2 if "lstm" in kind else 1
    return sv * H * (2 if kind.startswith("bi") else 1)


def cases():
    out = []
    seed = [7001]

    def add(kind, inp, hidden, steps, quant="f32", layers=1, window=0, state_dict=False, wscale=None,
            init_state=True, block=0):
        output = 2 * hidden if kind.startswith("bi") else hidden
        name = f"{kind}_{quant}_{inp}x{hidden}_l{layers}_t{steps}{'_s' if init_state else ''}"
        out.append(dict(name=name, kind=kind, quant=quant, input=inp, hidden=hidden, output=output, layers=layers,
                        window=window, block=block, steps=steps, seed=seed[0], init_state=init_state,
                        state_dict=state_dict,
                        wscale=float(F32(wscale if wscale else 1.0 / math.sqrt(hidden))),
                        checked=checked_steps(steps, output)))
        seed[0] += 1

    for kind in ("bilstm", "bigru"):
        add(kind, 5, 7, 50, state_dict=True)
        add(kind, 5, 7, 1)
        add(kind, 5, 7, 37, init_state=False)
        add(kind, 32, 64, 50)
        add(kind, 40, 128, 100)
        add(kind, 40, 128, 50, quant="int8")
        add(kind, 5, 7, 50, quant="int8")
    for w in (1, 2):
        kind = f"qrnn_w{w}"
        add(kind, 5, 7, 50, window=w, state_dict=True)
        add(kind, 5, 7, 1, window=w)
        add(kind, 5, 7, 50, window=w, layers=2)
        add(kind, 32, 64, 50, window=w, init_state=False)
        add(kind, 40, 128, 100, window=w)
        add(kind, 40, 128, 50, window=w, quant="int8")
        add(kind, 32, 64, 50, window=w, layers=2, quant="int8")
    add("lstm_circ8", 16, 32, 50, state_dict=True, block=8)
    add("lstm_circ4", 10, 20, 40, state_dict=True, block=4)  # In = 10: zero-padded edge blocks
    return out


def _reverse(p):
    return {n[:-len("_reverse")]: v for n, v in p.items() if n.endswith("_reverse")}


def run_case(case):
    kind, inp, H, layers, quant = case["kind"], case["input"], case["hidden"], case["layers"], case["quant"]
    s = case["seed"]
    params = {}
    for p, (name, shape) in enumerate(param_shapes(case)):
        n = int(np.prod(shape))
        if case["block"] and len(shape) == 2:
            k = case["block"]
            p_, q_ = -(-shape[0] // k), -(-shape[1] // k)
            fc = common.uniform(s * 1000 + p, p_ * q_ * k, case["wscale"]).reshape(p_, q_, k)
            params[name] = circulant_expand(fc, shape[0], shape[1], k)
        else:
            params[name] = common.uniform(s * 1000 + p, n, case["wscale"]).reshape(shape)
    xs = common.uniform(s * 1000 + 500, case["steps"] * inp, 1.0).reshape(-1, inp)
    n_state = state_size(case)
    state = common.uniform(s * 1000 + 600, n_state, 0.5) if case["init_state"] else np.zeros(n_state, F32)
    module = None

    if kind.startswith("qrnn"):
        module = QRNN(inp, H, case["window"], layers)
        with torch.no_grad():
            for name, v in params.items():
                getattr(module, name).copy_(_t(v))
            ys, cn = module(_t(xs), _t(state).reshape(layers, H), quant)
        ys, final = ys.numpy(), cn.reshape(-1).numpy()
    elif kind.startswith("bi"):
        base = "lstm" if kind == "bilstm" else "gru"
        sv = 2 if base == "lstm" else 1
        st = state.reshape(sv, 2, H)
        if quant == "f32":
            cls = torch.nn.LSTM if base == "lstm" else torch.nn.GRU
            module = cls(inp, H, bidirectional=True)
            with torch.no_grad():
                for name, v in params.items():
                    getattr(module, name).copy_(_t(v))
                s0 = tuple(_t(st[k]).reshape(2, 1, H) for k in range(sv))
                y, sn = module(_t(xs).reshape(-1, 1, inp), s0 if sv == 2 else s0[0])
            ys = y.reshape(-1, 2 * H).numpy()
            final = (torch.cat([sn[0], sn[1]]) if sv == 2 else sn).reshape(-1).numpy()
        else:
            fwd = {n: v for n, v in params.items() if not n.endswith("_reverse")}
            yf, sf = run_quant_rnn(base, fwd, inp, H, 1, xs, st[:, 0].reshape(-1), quant)
            yb, sb = run_quant_rnn(base, _reverse(params), inp, H, 1, xs[::-1].copy(), st[:, 1].reshape(-1), quant)
            ys = np.concatenate([np.asarray(yf).reshape(-1, H), np.asarray(yb).reshape(-1, H)[::-1]], axis=1)
            final = np.stack([np.asarray(sf).reshape(sv, H), np.asarray(sb).reshape(sv, H)], axis=1).reshape(-1)
    else:  # block-circulant LSTM: a plain torch.nn.LSTM with block-circulant weights
        module = torch.nn.LSTM(inp, H)
        with torch.no_grad():
            for name, v in params.items():
                getattr(module, name).copy_(_t(v))
            st = _t(state).reshape(2, 1, 1, H)
            y, sn = module(_t(xs).reshape(-1, 1, inp), (st[0], st[1]))
        ys, final = y.reshape(-1, H).numpy(), torch.cat([sn[0], sn[1]]).reshape(-1).numpy()

    ys = np.asarray(ys, dtype=F32).reshape(-1, case["output"])
    result = np.concatenate([ys[case["checked"]].reshape(-1), np.asarray(final, dtype=F32)])
    sd = None
    if case["state_dict"]:
        assert module is not None and sum(int(np.prod(v.shape)) for v in params.values()) <= MAX_JSON_FLOATS
        sd = _state_dict_json(module)
        assert list(sd) == [n for n, _ in param_shapes(case)], (list(sd), param_shapes(case))
    return result, sd


def generate(outdir):
    torch.set_num_threads(1)
    d = outdir / "rnn"
    all_cases = cases()
    for case in all_cases:
        result, sd = run_case(case)
        common.write_bin(d / f"{case['name']}.bin", result)
        if sd is not None:
            (d / f"{case['name']}.state_dict.json").write_text(
                "{" + ",\n".join(f'"{k}": {_compact(v)}' for k, v in sd.items()) + "}\n")
    common.write_json(d / "ext_cases.json", {"cases": all_cases})


def _compact(v):
    """Nested lists with the shortest repr that round-trips each float32."""
    if isinstance(v, list):
        return "[" + ",".join(_compact(e) for e in v) + "]"
    return str(np.float32(v))
