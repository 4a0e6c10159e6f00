"""Benchmark suite: instance registry, per-phase drivers and a JSON/Markdown report.

Run from the project root::

    .venv/bin/python -m benchmarks.run --tier smoke
    .venv/bin/python -m benchmarks.run --tier full

See ``benchmarks/README.md`` (Dutch) for what is measured and how.
"""

from __future__ import annotations
