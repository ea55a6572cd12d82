#!/usr/bin/python3
"""Projects trained weight matrices onto permuted block-diagonal structure and exports them
for ember's matvec::block_diagonal<B> (Naous et al., UC Berkeley edge-inference design).

usage: blockdiag_project.py INPUT --blocks B [--keys REGEX] [-o OUT.json] [--orders ORDERS.json]
                            [--masks MASKS.pt]

INPUT   a PyTorch state dict (.pt / .pth, needs torch), a JSON state dict ({"state_dict": {...}}
        or a flat {name: nested list}), or one matrix (.npy).
--keys  which 2-D tensors to project (regex, searched in the name; default: names containing
        "weight"). Others are copied unchanged.
-o      JSON state dict {"state_dict": {...}}: every projected matrix in its *original* row and
        column order with the weights outside the blocks set to 0. ember's pack() recognises
        such a matrix exactly (connected components of its non-zeros) and loses nothing, so any
        layer loads it through the ordinary state-dict path.
--orders JSON {name: {blocks, row_order, col_order, retained_energy, identity_retained, exact}}:
        the permutations, block by block (block b's rows are row_order[start(b) : start(b) +
        extent(b)], extent = R // B + (b < R % B)), for packed_matrix::pack_permuted().
--masks torch file {name: bool mask} to fine-tune with the structure fixed
        (after each optimizer step: `p.data.mul_(mask)`), which recovers most of the accuracy
        the projection costs.

The search is the one ember's C++ pack() runs (include/ember/kernels/block_diagonal_projection.hpp):
exact structure by connected components; else a Kruskal seed on each row's and column's 8
largest weights merged while a group fits one block, packed best-fit decreasing, and the
contiguous split as a second seed; both refined by alternating 2-exchange of rows and columns
between pairs of blocks until no swap gains; the better one is kept. It reports the retained
energy ||W inside the blocks||^2 / ||W||^2 and the same for the unpermuted split.
Needs numpy; torch only for .pt input or --masks.
"""
import argparse
import json
import pathlib
import re
import struct
import sys

import numpy as np


def block_extent(n, blocks, b):
    return n // blocks + (1 if b < n % blocks else 0)


def block_start(n, blocks, b):
    return b * (n // blocks) + min(b, n % blocks)


def contiguous_labels(n, blocks):
    lab = np.empty(n, dtype=np.int64)
    for b in range(blocks):
        s = block_start(n, blocks, b)
        lab[s:s + block_extent(n, blocks, b)] = b
    return lab


def in_block_energy(w2, rb, cb):
    return float(w2[rb[:, None] == cb[None, :]].sum())


class _Dsu:
    def __init__(self, rows, cols):
        self.parent = list(range(rows + cols))
        self.nr = [1] * rows + [0] * cols
        self.nc = [0] * rows + [1] * cols

    def find(self, a):
        p = self.parent
        while p[a] != a:
            p[a] = p[p[a]]
            a = p[a]
        return a

    def unite(self, a, b, max_r, max_c):
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if self.nr[a] + self.nr[b] > max_r or self.nc[a] + self.nc[b] > max_c:
            return
        if self.nr[a] + self.nc[a] < self.nr[b] + self.nc[b]:
            a, b = b, a
        self.parent[b] = a
        self.nr[a] += self.nr[b]
        self.nc[a] += self.nc[b]


def _nonzero_components(nz):
    """Component label of every row and column of the bipartite non-zero graph."""
    rows, cols = nz.shape
    lab_r = np.arange(rows)
    lab_c = np.arange(rows, rows + cols)
    big = rows + cols
    while True:
        new_c = np.minimum(lab_c, np.where(nz, lab_r[:, None], big).min(axis=0, initial=big))
        new_r = np.minimum(lab_r, np.where(nz, new_c[None, :], big).min(axis=1, initial=big))
        if np.array_equal(new_c, lab_c) and np.array_equal(new_r, lab_r):
            return lab_r, lab_c
        lab_r, lab_c = new_r, new_c


def _pack_components(w2, comp_r, comp_c, blocks):
    """Best-fit-decreasing packing of components into blocks, then leftovers one by one."""
    rows, cols = w2.shape
    free_r = [block_extent(rows, blocks, b) for b in range(blocks)]
    free_c = [block_extent(cols, blocks, b) for b in range(blocks)]
    ids = sorted(set(comp_r.tolist()) | set(comp_c.tolist()))
    size = {i: [0, 0] for i in ids}
    for i in comp_r.tolist():
        size[i][0] += 1
    for i in comp_c.tolist():
        size[i][1] += 1
    multi = [i for i in ids if sum(size[i]) >= 2]
    multi.sort(key=lambda i: (-(size[i][0] + size[i][1]), i))
    place = {}
    whole = True
    for i in multi:
        nr, nc = size[i]
        best, best_left = None, None
        for b in range(blocks):
            if free_r[b] < nr or free_c[b] < nc:
                continue
            left = free_r[b] - nr + free_c[b] - nc
            if best is None or left < best_left:
                best, best_left = b, left
        if best is None:
            whole = False
            continue
        place[i] = best
        free_r[best] -= nr
        free_c[best] -= nc
    rb = np.array([place.get(i, -1) for i in comp_r.tolist()], dtype=np.int64)
    cb = np.array([place.get(i, -1) for i in comp_c.tolist()], dtype=np.int64)
    for side in (0, 1):
        own, other, free = (rb, cb, free_r) if side == 0 else (cb, rb, free_c)
        mat = w2 if side == 0 else w2.T
        for i in range(len(own)):
            if own[i] >= 0:
                continue
            placed = other >= 0
            g = np.bincount(other[placed], weights=mat[i, placed], minlength=blocks)
            best = None
            for b in range(blocks):
                if free[b] > 0 and (best is None or g[b] > g[best] or (g[b] == g[best] and free[b] > free[best])):
                    best = b
            own[i] = best
            free[best] -= 1
    return rb, cb, whole


def _exchange(own, gains, blocks, eps):
    """2-exchange of one side against the other, fixed: swap the best movers of each block pair."""
    any_swap = False
    for _ in range(64):
        changed = False
        for a in range(blocks):
            for b in range(a + 1, blocks):
                ma = np.flatnonzero(own == a)
                mb = np.flatnonzero(own == b)
                da = gains[ma, b] - gains[ma, a]
                db = gains[mb, a] - gains[mb, b]
                oa = np.lexsort((ma, -da))
                ob = np.lexsort((mb, -db))
                for k in range(min(len(oa), len(ob))):
                    if da[oa[k]] + db[ob[k]] <= eps:
                        break
                    own[ma[oa[k]]], own[mb[ob[k]]] = b, a
                    changed = True
        if not changed:
            break
        any_swap = True
    return any_swap


def _refine(w2, rb, cb, blocks, eps):
    sweeps = 0
    while sweeps < 100:
        g = w2 @ np.eye(blocks)[cb]
        improved = _exchange(rb, g, blocks, eps)
        g = w2.T @ np.eye(blocks)[rb]
        improved = _exchange(cb, g, blocks, eps) or improved
        if not improved:
            break
        sweeps += 1
    return sweeps + 1


def find_block_partition(w, blocks):
    """Row and column orders (block by block) keeping the most of ||W||^2 in `blocks` blocks."""
    w = np.asarray(w, dtype=np.float32)
    rows, cols = w.shape
    if not 1 <= blocks <= min(rows, cols):
        raise ValueError(f"blocks must be from 1 to min(rows, cols) = {min(rows, cols)}, got {blocks}")
    w2 = w.astype(np.float64) ** 2
    total = float(w2.sum())
    eps = 1e-12 * total
    id_r, id_c = contiguous_labels(rows, blocks), contiguous_labels(cols, blocks)
    id_energy = in_block_energy(w2, id_r, id_c)
    comp_r, comp_c = _nonzero_components(w != 0)
    rb, cb, exact = _pack_components(w2, comp_r, comp_c, blocks)
    sweeps = 0
    if not exact:
        max_r, max_c = block_extent(rows, blocks, 0), block_extent(cols, blocks, 0)
        edges = []
        k = min(8, cols)
        for r in range(rows):
            for c in np.lexsort((np.arange(cols), -w2[r]))[:k]:
                if w2[r, c] > 0:
                    edges.append((-w2[r, c], r, int(c)))
        k = min(8, rows)
        for c in range(cols):
            for r in np.lexsort((np.arange(rows), -w2[:, c]))[:k]:
                if w2[r, c] > 0:
                    edges.append((-w2[r, c], int(r), c))
        edges.sort()
        d = _Dsu(rows, cols)
        for _, r, c in edges:
            d.unite(r, rows + c, max_r, max_c)
        roots = np.array([d.find(i) for i in range(rows + cols)])
        rb, cb, _ = _pack_components(w2, roots[:rows], roots[rows:], blocks)
        sweeps = _refine(w2, rb, cb, blocks, eps) + _refine(w2, id_r, id_c, blocks, eps)
        if in_block_energy(w2, id_r, id_c) > in_block_energy(w2, rb, cb):
            rb, cb = id_r, id_c
    retained = 1.0 if total == 0 or exact else in_block_energy(w2, rb, cb) / total
    row_order = np.concatenate([np.flatnonzero(rb == b) for b in range(blocks)])
    col_order = np.concatenate([np.flatnonzero(cb == b) for b in range(blocks)])
    return {
        "blocks": blocks,
        "row_order": row_order.astype(np.int64).tolist(),
        "col_order": col_order.astype(np.int64).tolist(),
        "retained_energy": retained,
        "identity_retained": id_energy / total if total > 0 else 1.0,
        "exact": bool(exact),
        "sweeps": sweeps,
    }


def block_mask(shape, part):
    """Boolean mask of the weights inside the diagonal blocks, in the original order."""
    rows, cols = shape
    blocks = part["blocks"]
    rb = np.empty(rows, dtype=np.int64)
    cb = np.empty(cols, dtype=np.int64)
    for b in range(blocks):
        s = block_start(rows, blocks, b)
        rb[np.array(part["row_order"][s:s + block_extent(rows, blocks, b)], dtype=np.int64)] = b
        s = block_start(cols, blocks, b)
        cb[np.array(part["col_order"][s:s + block_extent(cols, blocks, b)], dtype=np.int64)] = b
    return rb[:, None] == cb[None, :]


def project(w, blocks):
    """(projected matrix in the original order, partition info)."""
    w = np.asarray(w, dtype=np.float32)
    part = find_block_partition(w, blocks)
    return np.where(block_mask(w.shape, part), w, np.float32(0)), part


def write_test_vector(path, original, projected, part):
    """Binary vector for tests/blockdiag (tests/blockdiag/blockdiag_support.hpp reads it)."""
    rows, cols = original.shape
    with open(path, "wb") as f:
        f.write(b"EMBERBD1")
        f.write(struct.pack("<3I2d", rows, cols, part["blocks"], part["retained_energy"], part["identity_retained"]))
        f.write(np.ascontiguousarray(original, dtype="<f4").tobytes())
        f.write(np.ascontiguousarray(projected, dtype="<f4").tobytes())
        f.write(np.asarray(part["row_order"], dtype="<u4").tobytes())
        f.write(np.asarray(part["col_order"], dtype="<u4").tobytes())


def _load(path):
    p = pathlib.Path(path)
    if p.suffix == ".npy":
        return {"weight": np.load(p)}
    if p.suffix in (".pt", ".pth"):
        import torch  # only here: JSON and .npy work without it
        sd = torch.load(p, map_location="cpu")
        if hasattr(sd, "state_dict"):
            sd = sd.state_dict()
        return {k: v.detach().cpu().numpy() for k, v in sd.items()}
    with open(p) as f:
        doc = json.load(f)
    sd = doc.get("state_dict", doc) if isinstance(doc, dict) else doc
    return {k: np.asarray(v, dtype=np.float32) for k, v in sd.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input")
    ap.add_argument("--blocks", type=int, required=True)
    ap.add_argument("--keys", default="weight")
    ap.add_argument("-o", "--output")
    ap.add_argument("--orders")
    ap.add_argument("--masks")
    a = ap.parse_args(argv)
    sd = _load(a.input)
    key_re = re.compile(a.keys)
    out, orders, masks = {}, {}, {}
    for name, w in sd.items():
        if w.ndim == 2 and key_re.search(name) and a.blocks <= min(w.shape):
            wp, part = project(w, a.blocks)
            out[name] = wp
            orders[name] = part
            masks[name] = block_mask(w.shape, part)
            print(f"{name}: {w.shape[0]}x{w.shape[1]}, {a.blocks} blocks, retained energy "
                  f"{part['retained_energy']:.4f} (unpermuted {part['identity_retained']:.4f})"
                  f"{', exact' if part['exact'] else ''}", file=sys.stderr)
        else:
            out[name] = w
    if not orders:
        print("blockdiag_project: no 2-D tensor matched --keys", file=sys.stderr)
        return 1
    if a.output:
        with open(a.output, "w") as f:
            json.dump({"state_dict": {k: np.asarray(v).tolist() for k, v in out.items()}}, f)
    if a.orders:
        with open(a.orders, "w") as f:
            json.dump(orders, f)
    if a.masks:
        import torch
        torch.save({k: torch.from_numpy(v) for k, v in masks.items()}, a.masks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
