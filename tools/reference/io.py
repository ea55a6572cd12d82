"""Loader test data (tests/io): one small real PyTorch model exported by tools/export_torch.py
as JSON, binary blob and C++ header, with the outputs PyTorch computes for a short input.

The model is {"lstm": LSTM(3, 4, num_layers=2), "fc": Linear(4, 2)} with torch's own seeded
initialisation; inputs are common.uniform(7, 5 * 3)."""
import json
import pathlib
import sys

import numpy as np
import torch

from . import common

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import export_torch  # noqa: E402


class LstmFc(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 4, num_layers=2)
        self.fc = torch.nn.Linear(4, 2)

    def forward(self, x):
        h, _ = self.lstm(x)
        return h, self.fc(h)


def generate(outdir):
    d = outdir / "io"
    d.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(1234)
    m = LstmFc()
    export_torch.export(m, json_path=d / "lstm_fc.json", header_path=d / "lstm_fc.hpp",
                        blob_path=d / "lstm_fc.blob", namespace="lstm_fc", source="tools/reference/io.py")
    xs = common.uniform(7, 5 * 3, 1.0)
    with torch.no_grad():
        h, y = m(torch.from_numpy(xs).reshape(5, 1, 3))
    expected = {"inputs": xs.tolist(), "lstm": h.reshape(-1).tolist(), "fc": y.reshape(-1).tolist()}
    (d / "lstm_fc_expected.json").write_text(json.dumps(expected) + "\n")
