#!/usr/bin/python3
"""Writes every PyTorch reference vector used by the tests into tests/data/.

Usage: /usr/bin/python3 tools/gen_reference.py [area ...]   (default: all areas)
Each area is a module in tools/reference/ with a generate(outdir) function. The output is
committed; CI never runs this script (it needs PyTorch)."""
import importlib
import pathlib
import pkgutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import reference  # noqa: E402


def main(argv):
    out = HERE.parent / "tests" / "data"
    areas = argv or [m.name for m in pkgutil.iter_modules(reference.__path__) if m.name != "common"]
    for area in areas:
        mod = importlib.import_module(f"reference.{area}")
        print(f"gen_reference: {area}")
        mod.generate(out)


if __name__ == "__main__":
    main(sys.argv[1:])
