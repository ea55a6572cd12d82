#!/usr/bin/python3
"""Makes examples/data/hello_lstm.json: a tiny LSTM(1, 16) + Linear(16, 1) trained to predict
the next sample of a sine wave, exported with tools/export_torch.py. The file also carries,
under "example", a test sequence and PyTorch's predictions for it, which hello_lstm prints
beside ember's. Usage: /usr/bin/python3 examples/data/make_hello_lstm.py"""
import json
import math
import pathlib
import sys

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tools"))
import export_torch  # noqa: E402


class SinePredictor(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(1, 16)
        self.fc = torch.nn.Linear(16, 1)

    def forward(self, x):
        h, _ = self.lstm(x)
        return self.fc(h)


def wave(n, phase, step=0.3):
    return torch.tensor([math.sin(phase + step * i) for i in range(n + 1)], dtype=torch.float32)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    m = SinePredictor()
    opt = torch.optim.Adam(m.parameters(), lr=0.02)
    for it in range(300):
        w = wave(40, phase=(it * 0.37) % (2 * math.pi))
        x, y = w[:-1].reshape(-1, 1, 1), w[1:].reshape(-1, 1, 1)
        loss = torch.nn.functional.mse_loss(m(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    test = wave(24, phase=1.0)
    with torch.no_grad():
        pred = m(test[:-1].reshape(-1, 1, 1)).reshape(-1)
    out = HERE / "hello_lstm.json"
    export_torch.export(m, json_path=out)
    doc = json.loads(out.read_text())
    doc["example"] = {"inputs": test[:-1].tolist(), "targets": test[1:].tolist(), "torch": pred.tolist(),
                      "train_loss": float(loss)}
    out.write_text(json.dumps(doc) + "\n")
    print(f"wrote {out} (final training loss {float(loss):.2e})")


if __name__ == "__main__":
    main()
