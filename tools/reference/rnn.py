"""Reference vectors for the recurrent and dense layers (tests/layers/*.cpp).

Weights, inputs and initial states are common.uniform() streams that the C++ tests
regenerate bit for bit (ember::test::reference_uniform), so only outputs are stored:
tests/data/rnn/cases.json lists every case and <case>.bin holds, as float32, the top
level's output at each of the case's `checked` steps, then the final state in ember's
get_state() layout (state vector k of level l at (k * layers + l) * hidden).

Seeds of a case with seed s: parameter p (ember's params() order) uses s * 1000 + p with
scale `wscale`; the input sequence (steps, in) uses s * 1000 + 500 with scale 1; the
initial state (when `init_state`) uses s * 1000 + 600 with scale 0.5.

fp32 cases run torch.nn.LSTM / GRU / Linear. SRU has no torch module: it is written here
from the equations of Lei et al. 2018 (as in ember's layers/sru.hpp). Quantized cases run
a fake-quantized torch/numpy model using ember's scheme: weights per row, scale
max|row| / qmax, q = clamp(round_half_even(w / s), -qmax, qmax); activations per vector,
q = clamp(round_half_even(x * (qmax / amax)), -qmax, qmax) with scale amax / qmax, all in
float32; exact integer dot products, then y = fma(float32(acc), s_w * s_x, c)."""
import math

import numpy as np
import torch

from . import common

# (weight qmax, activation qmax) of ember's quantization policies.
QUANT = {"f32": None, "int8": (127, 127), "int4": (7, 127), "int16": (32767, 32767)}
F32 = np.float32


def _gates(kind, inp, hidden):
    if kind == "lstm":
        return 4
    if kind == "gru":
        return 3
    return 3 if inp == hidden else 4  # sru: highway projection when In != H


def param_shapes(kind, inp, hidden, layers):
    """(name, shape) in ember's params() order."""
    if kind == "dense":
        return [("weight", (hidden, inp)), ("bias", (hidden,))]
    shapes = []
    for l in range(layers):
        n_in = inp if l == 0 else hidden
        g = _gates(kind, n_in, hidden)
        if kind == "sru":
            shapes += [(f"weight_l{l}", (g * hidden, n_in)), (f"weight_c_l{l}", (2 * hidden,)),
                       (f"bias_l{l}", (2 * hidden,))]
        else:
            shapes += [(f"weight_ih_l{l}", (g * hidden, n_in)), (f"weight_hh_l{l}", (g * hidden, hidden)),
                       (f"bias_ih_l{l}", (g * hidden,)), (f"bias_hh_l{l}", (g * hidden,))]
    return shapes


def state_vectors(kind):
    return {"lstm": 2, "gru": 1, "sru": 1, "dense": 0}[kind]


# --- ember's quantization, in float32 -------------------------------------------------------

def quant_weight(w, qmax):
    amax = np.max(np.abs(w), axis=1)
    s = np.where(amax > 0, amax / F32(qmax), F32(1)).astype(F32)
    q = np.clip(np.round(w / s[:, None]), -qmax, qmax).astype(np.int64)
    return q, s


def quant_act(x, qmax):
    amax = F32(np.max(np.abs(x))) if x.size else F32(0)
    inv = F32(qmax) / amax if amax > 0 else F32(1)
    q = np.clip(np.round((x * inv).astype(F32)), -qmax, qmax).astype(np.int64)
    return q, (amax / F32(qmax) if amax > 0 else F32(1))


class QMatrix:
    """A fake-quantized matrix: y = fma(float32(q_w . q_x), s_w * s_x, c)."""

    def __init__(self, w, qmax_w, qmax_a):
        self.q, self.s = quant_weight(np.asarray(w, dtype=F32), qmax_w)
        self.qmax_a = qmax_a

    def __call__(self, x, c):
        qx, sx = quant_act(np.asarray(x, dtype=F32), self.qmax_a)
        acc = (self.q @ qx).astype(F32)
        s = (self.s * F32(sx)).astype(F32)
        return (acc.astype(np.float64) * s.astype(np.float64) + np.asarray(c, dtype=np.float64)).astype(F32)


def _t(a):
    return torch.from_numpy(np.asarray(a, dtype=F32))


# --- the models ------------------------------------------------------------------------------

def run_torch_rnn(kind, params, inp, hidden, layers, xs, state):
    cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
    m = cls(inp, hidden, num_layers=layers)
    with torch.no_grad():
        for name, value in params.items():
            getattr(m, name).copy_(_t(value))
        st = _t(state).reshape(state_vectors(kind), layers, 1, hidden)
        s0 = (st[0], st[1]) if kind == "lstm" else st[0]
        ys, sn = m(_t(xs).reshape(-1, 1, inp), s0)
    final = torch.cat([sn[0], sn[1]]) if kind == "lstm" else sn
    return ys.reshape(-1, hidden).numpy(), final.reshape(-1).numpy()


def run_quant_rnn(kind, params, inp, hidden, layers, xs, state, quant):
    qw, qa = QUANT[quant]
    H = hidden
    seq = np.asarray(xs, dtype=F32).reshape(-1, inp)
    st = np.asarray(state, dtype=F32).reshape(state_vectors(kind), layers, H).copy()
    for l in range(layers):
        wih = QMatrix(params[f"weight_ih_l{l}"], qw, qa)
        whh = QMatrix(params[f"weight_hh_l{l}"], qw, qa)
        b_ih, b_hh = params[f"bias_ih_l{l}"], params[f"bias_hh_l{l}"]
        h = st[0, l].copy()
        out = []
        if kind == "lstm":
            c = st[1, l].copy()
            b = (b_ih + b_hh).astype(F32)
            for x in seq:
                g = whh(h, wih(x, b))
                i, f, gg, o = (torch.from_numpy(g[k * H:(k + 1) * H]) for k in range(4))
                ct = torch.sigmoid(f) * torch.from_numpy(c) + torch.sigmoid(i) * torch.tanh(gg)
                ht = torch.sigmoid(o) * torch.tanh(ct)
                c, h = ct.numpy(), ht.numpy()
                out.append(h)
            st[1, l] = c
        else:
            for x in seq:
                gi, gh = torch.from_numpy(wih(x, b_ih)), torch.from_numpy(whh(h, b_hh))
                r = torch.sigmoid(gi[:H] + gh[:H])
                z = torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
                n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
                ht = n + z * (torch.from_numpy(h) - n)
                h = ht.numpy()
                out.append(h)
        st[0, l] = h
        seq = np.stack(out)
    return seq, st.reshape(-1)


def run_sru(params, inp, hidden, layers, xs, state, quant):
    """SRU from the equations: x~ = W_x x, f = s(W_f x + v_f c + b_f), r = s(W_r x + v_r c + b_r),
    c' = f c + (1 - f) x~, h = r c' + (1 - r) x' (x' = x, or W_h x when In != H)."""
    H = hidden
    seq = torch.from_numpy(np.asarray(xs, dtype=F32).reshape(-1, inp))
    st = np.asarray(state, dtype=F32).reshape(layers, H).copy()
    for l in range(layers):
        n_in = inp if l == 0 else H
        w = params[f"weight_l{l}"]
        g = w.shape[0] // H
        vc, bias = torch.from_numpy(params[f"weight_c_l{l}"]), params[f"bias_l{l}"]
        u_bias = np.zeros(g * H, dtype=F32)
        u_bias[H:3 * H] = bias
        if quant == "f32":
            u = torch.nn.functional.linear(seq, _t(w), _t(u_bias))
        else:
            qm = QMatrix(w, *QUANT[quant])
            u = torch.from_numpy(np.stack([qm(x, u_bias) for x in seq.numpy()]))
        c = torch.from_numpy(st[l])
        out = []
        for t in range(seq.shape[0]):
            ut = u[t]
            xh = ut[3 * H:] if g == 4 else seq[t]
            f = torch.sigmoid(ut[H:2 * H] + vc[:H] * c)
            r = torch.sigmoid(ut[2 * H:3 * H] + vc[H:] * c)
            c = f * c + (1 - f) * ut[:H]
            out.append(r * c + (1 - r) * xh)
        st[l] = c.numpy()
        seq = torch.stack(out)
        assert n_in == params[f"weight_l{l}"].shape[1]
    return seq.numpy(), st.reshape(-1)


def run_dense(params, inp, out, xs, quant):
    x = np.asarray(xs, dtype=F32).reshape(-1, inp)
    if quant == "f32":
        m = torch.nn.Linear(inp, out)
        with torch.no_grad():
            m.weight.copy_(_t(params["weight"]))
            m.bias.copy_(_t(params["bias"]))
            return m(_t(x)).numpy(), np.zeros(0, dtype=F32)
    qm = QMatrix(params["weight"], *QUANT[quant])
    return np.stack([qm(v, params["bias"]) for v in x]), np.zeros(0, dtype=F32)


# --- the cases -------------------------------------------------------------------------------

def checked_steps(steps, hidden):
    if steps * hidden <= 4096:
        return list(range(steps))
    stride = max(1, math.ceil(steps / 8))
    return sorted(set([0, 1, steps // 2, steps - 2, steps - 1] + list(range(0, steps, stride))) & set(range(steps)))


def cases():
    out = []
    seed = [1]

    def add(kind, inp, hidden, layers, steps, quant="f32", init_state=True, wscale=None):
        out.append(dict(name=f"{kind}_{quant}_{inp}x{hidden}_l{layers}_t{steps}{'_s' if init_state else ''}"
                             f"{'_w' + str(wscale) if wscale else ''}",
                        kind=kind, quant=quant, input=inp, hidden=hidden, layers=layers, steps=steps,
                        seed=seed[0], init_state=init_state,
                        wscale=float(F32(wscale if wscale else 1.0 / math.sqrt(hidden))),
                        checked=checked_steps(steps, hidden)))
        seed[0] += 1

    for kind in ("lstm", "gru", "sru"):
        add(kind, 1, 1, 1, 1, init_state=False)
        add(kind, 1, 1, 1, 50)
        add(kind, 5, 7, 1, 1)
        add(kind, 5, 7, 1, 50, init_state=False)
        add(kind, 5, 7, 1, 50, wscale=2.0)  # saturating gates
        add(kind, 5, 7, 1, 1000)
        add(kind, 32, 64, 1, 50)
        add(kind, 64, 64, 1, 50)
        add(kind, 64, 64, 1, 1000)
        add(kind, 40, 128, 1, 50)
        add(kind, 32, 1024, 1, 50)
        add(kind, 5, 7, 2, 50)
        add(kind, 32, 64, 2, 50)
        add(kind, 32, 64, 2, 1000, init_state=False)
        add(kind, 5, 7, 1, 50, quant="int8")
        add(kind, 40, 128, 1, 50, quant="int8")
        add(kind, 40, 128, 1, 1000, quant="int8")
        add(kind, 32, 64, 2, 50, quant="int8")
        add(kind, 32, 1024, 1, 20, quant="int8")
        add(kind, 40, 128, 1, 50, quant="int4")
        add(kind, 40, 128, 1, 50, quant="int16")
    for quant in ("f32", "int8", "int4", "int16"):
        add("dense", 33, 70, 1, 1, quant=quant, init_state=False)
        add("dense", 33, 70, 1, 37, quant=quant, init_state=False)
    return out


def run_case(case):
    kind, inp, hidden, layers = case["kind"], case["input"], case["hidden"], case["layers"]
    s = case["seed"]
    params = {}
    for p, (name, shape) in enumerate(param_shapes(kind, inp, hidden, layers)):
        params[name] = common.uniform(s * 1000 + p, int(np.prod(shape)), case["wscale"]).reshape(shape)
    xs = common.uniform(s * 1000 + 500, case["steps"] * inp, 1.0)
    n_state = state_vectors(kind) * layers * hidden
    state = common.uniform(s * 1000 + 600, n_state, 0.5) if case["init_state"] else np.zeros(n_state, F32)
    quant = case["quant"]
    if kind == "dense":
        ys, final = run_dense(params, inp, hidden, xs, quant)
    elif kind == "sru":
        ys, final = run_sru(params, inp, hidden, layers, xs, state, quant)
    elif quant == "f32":
        ys, final = run_torch_rnn(kind, params, inp, hidden, layers, xs, state)
    else:
        ys, final = run_quant_rnn(kind, params, inp, hidden, layers, xs, state, quant)
    ys = np.asarray(ys, dtype=F32).reshape(-1, hidden)
    return np.concatenate([ys[case["checked"]].reshape(-1), np.asarray(final, dtype=F32)])


def generate(outdir):
    torch.set_num_threads(1)
    d = outdir / "rnn"
    all_cases = cases()
    for case in all_cases:
        common.write_bin(d / f"{case['name']}.bin", run_case(case))
    common.write_json(d / "cases.json", {"cases": all_cases})
