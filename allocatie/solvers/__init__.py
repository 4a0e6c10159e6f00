"""Solver backends: one module per solver; the only place that imports solver packages."""

from __future__ import annotations

from allocatie.kern.errors import SolverFout
from allocatie.solvers.base import (
    BACKEND_NAMEN,
    Backend,
    BackendUitkomst,
    MipProbleem,
    SolverOpties,
    Status,
)

__all__ = [
    "BACKEND_NAMEN",
    "Backend",
    "BackendUitkomst",
    "MipProbleem",
    "SolverOpties",
    "Status",
    "kies_backend",
]


def kies_backend(naam: str) -> Backend:
    """The backend called ``naam`` (imported lazily, so a missing package only hurts its user)."""
    try:
        if naam == "highs":
            from allocatie.solvers.highs import HighsBackend

            return HighsBackend()
        if naam == "cbc":
            from allocatie.solvers.cbc import CbcBackend

            return CbcBackend()
    except ImportError as exc:
        raise SolverFout(f"solver '{naam}' is niet geïnstalleerd: {exc}") from exc
    raise SolverFout(f"onbekende solver '{naam}'; kies uit {', '.join(BACKEND_NAMEN)}")
