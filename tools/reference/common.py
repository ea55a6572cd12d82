"""Shared pieces of the reference generators: the deterministic weight generator that C++
tests reproduce exactly (so large weights need not be committed) and the file writers."""
import json
import pathlib
import struct

MASK64 = (1 << 64) - 1


def splitmix64(state):
    """One splitmix64 step: returns (new_state, 64-bit output). Mirrors tests/reference_data.hpp."""
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def uniform(seed, n, scale=1.0):
    """n float32 values in [-scale, scale): (2 * (z >> 40) / 2^24 - 1) * scale, computed
    in float32 exactly as the C++ twin does (both operands are exact, one rounding)."""
    import numpy as np
    out = np.empty(n, dtype=np.float32)
    state = seed & MASK64
    s = np.float32(scale)
    for i in range(n):
        state, z = splitmix64(state)
        u = np.float32((z >> 40) * 2.0 ** -23 - 1.0)  # exact in float32: 24-bit integer / 2^23 - 1
        out[i] = np.float32(u * s)
    return out


def write_bin(path, array):
    """Raw little-endian float32."""
    import numpy as np
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.asarray(array, dtype='<f4').tofile(path)


def write_json(path, obj):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1, sort_keys=True) + "\n")
