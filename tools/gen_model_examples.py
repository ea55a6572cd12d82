#!/usr/bin/python3
"""Makes the exported models the examples and tests/model run (CI needs no torch):
  examples/data/kws_gru.hpp        GRU(40, 64) + Linear(64, 12), the GRU int8 in ember
  examples/data/crnn_conv_gru.hpp  CausalConv1d(16, 24, 3) + BatchNorm1d + ReLU -> GRU(24, 32)
                                   -> Linear(32, 5); also as .json (state dict + architecture)
  examples/data/export_and_run.hpp LSTM(6, 24) -> SRU(24, 24) -> Linear(24, 4)
  examples/data/cnn2d.hpp          Conv2d(1, 4, 3) + BatchNorm2d + ReLU -> Flatten -> Linear
Each header holds the model type, constexpr weights and, in `example_input` and
`torch_output`, a test sequence and PyTorch's outputs for it (time-major, row-major).
Weights are random (seeded) and rounded to 4 decimals so the headers stay small; batch-norm
statistics are made non-trivial so the folding is tested.
Usage: /usr/bin/python3 tools/gen_model_examples.py"""
import pathlib
import sys

import torch
import torch.nn as nn

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import export_torch  # noqa: E402
from export_torch import SRU, CausalConv1d, _float_text  # noqa: E402

OUT = HERE.parent / "examples" / "data"


def _round(m):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.round(p * 1e4) / 1e4)
        for name, b in m.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.round(torch.randn_like(b) * 1e3 * 0.1) / 1e3)
            elif name.endswith("running_var"):
                b.copy_(torch.round((torch.rand_like(b) + 0.5) * 1e3) / 1e3)


def _array(name, values):
    return f"inline constexpr float {name}[] = {{{','.join(_float_text(v) + 'f' for v in values)}}};"


class KwsGru(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(40, 64)
        self.fc = nn.Linear(64, 12)

    def forward(self, x):  # (T, 40) -> (T, 12)
        return self.fc(self.gru(x.unsqueeze(1))[0].squeeze(1))


class Crnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = CausalConv1d(16, 24, 3)
        self.bn = nn.BatchNorm1d(24)
        self.relu = nn.ReLU()
        self.gru = nn.GRU(24, 32)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):  # (T, 16) time-major; the convolution wants (1, C, T)
        y = self.relu(self.bn(self.conv(x.t().unsqueeze(0)))).squeeze(0).t()
        return self.fc(self.gru(y.unsqueeze(1))[0].squeeze(1))


class LstmSru(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(6, 24)
        self.sru = SRU(24, 24)
        self.fc = nn.Linear(24, 4)

    def forward(self, x):
        h = self.lstm(x.unsqueeze(1))[0].squeeze(1)
        return self.fc(self.sru(h)[0])


class Cnn2d(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.relu = nn.ReLU()
        self.flat = nn.Flatten(0)
        self.fc = nn.Linear(4 * 6 * 6, 3)

    def forward(self, x):  # one (1, 6, 6) frame per step
        return torch.stack([self.fc(self.flat(self.relu(self.bn(self.conv(f.reshape(1, 1, 6, 6))))))
                            for f in x])


def make(name, module, steps, in_size, policies=None, input_shape=None, doc="", json=False):
    _round(module)
    module.eval()
    x = torch.round(torch.sin(torch.arange(steps * in_size, dtype=torch.float32) * 0.37) * 1e3) / 1e3
    x = x.reshape(steps, in_size)
    with torch.no_grad():
        y = module(x)
    extra = "\n".join([f"// {doc}" if doc else "", f"inline constexpr unsigned long example_steps = {steps};",
                       _array("example_input", x.reshape(-1).tolist()),
                       _array("torch_output", y.reshape(-1).tolist())])
    export_torch.export(module, header_path=OUT / f"{name}.hpp", namespace=name, source=type(module).__name__,
                        model=True, policies=policies, input_shape=input_shape, extra=extra,
                        json_path=OUT / f"{name}.json" if json else None)
    print(f"{name}: {(OUT / f'{name}.hpp').stat().st_size} bytes")


def main():
    torch.manual_seed(11)
    torch.set_num_threads(1)
    make("kws_gru", KwsGru(), 20, 40, {"gru": "ember::policy<ember::quant::int8>"},
         doc="20 frames of synthetic 40-band features; torch_output is PyTorch's fp32 model")
    make("crnn_conv_gru", Crnn(), 24, 16, json=True)
    make("export_and_run", LstmSru(), 12, 6)
    make("cnn2d", Cnn2d(), 3, 36, input_shape=(1, 6, 6))


if __name__ == "__main__":
    main()
