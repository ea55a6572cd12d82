"""Block-diagonal projection vectors (tests/data/blockdiag/): a small nn.Linear trained on a
teacher with hidden permuted block structure, projected by tools/blockdiag_project.py. The
C++ tests check that the export loads without loss and that pack() finds as much."""
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))
import blockdiag_project  # noqa: E402


def trained_linear(rows, cols, blocks, seed=0, steps=400):
    import numpy as np
    import torch
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    rp, cp = torch.randperm(rows, generator=g), torch.randperm(cols, generator=g)
    mask = torch.zeros(rows, cols)
    for b in range(blocks):
        rs = blockdiag_project.block_start(rows, blocks, b)
        cs = blockdiag_project.block_start(cols, blocks, b)
        r = rp[rs:rs + blockdiag_project.block_extent(rows, blocks, b)]
        c = cp[cs:cs + blockdiag_project.block_extent(cols, blocks, b)]
        mask[r[:, None], c[None, :]] = 1
    teacher = torch.randn(rows, cols, generator=g) * (mask + 0.25 * (1 - mask)) / cols ** 0.5
    student = torch.nn.Linear(cols, rows)
    opt = torch.optim.Adam(student.parameters(), lr=1e-2)
    for _ in range(steps):
        x = torch.randn(256, cols, generator=g)
        y = x @ teacher.T + 0.05 * torch.randn(256, rows, generator=g)
        loss = torch.nn.functional.mse_loss(student(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return student.weight.detach().numpy().astype(np.float32)


def generate(outdir):
    out = pathlib.Path(outdir) / "blockdiag"
    out.mkdir(parents=True, exist_ok=True)
    w = trained_linear(48, 40, 4)
    wp, part = blockdiag_project.project(w, 4)
    blockdiag_project.write_test_vector(out / "linear_48x40_b4.bin", w, wp, part)
    print(f"  linear_48x40_b4: retained {part['retained_energy']:.4f}, "
          f"unpermuted {part['identity_retained']:.4f}")
