"""Reference-vector generators, one module per area (rnn, conv, ...).

Each module defines ``generate(outdir: pathlib.Path) -> None`` writing its cases under
``outdir/<area>/``. Run everything with ``/usr/bin/python3 tools/gen_reference.py``.
"""
