"""allocatie: fair, transparent allocation of vergunninghouders over gemeenten and flex housing.

The pipeline, each arrow a function::

    laad_ronde / maak_instance -> Instance -> los_op -> AllocationResult -> verify

Examples
--------
>>> import allocatie
>>> inst = allocatie.laad_ronde("data/voorbeeld")  # doctest: +SKIP
>>> res = allocatie.los_op(inst)  # solved and independently verified  # doctest: +SKIP
>>> res.per_gemeente[["gemeente_code", "opgave", "geplaatst", "tekort"]]  # doctest: +SKIP
>>> res2 = allocatie.los_op(inst, vorige=res)  # a stable re-run  # doctest: +SKIP
>>> res2.verschuivingen  # what moved and why  # doctest: +SKIP
"""

from __future__ import annotations

from allocatie.instance import Instance
from allocatie.laden import laad_ronde, maak_instance
from allocatie.presets import laad_preset
from allocatie.result import AllocationResult
from allocatie.solve import los_op
from allocatie.solvers.base import SolverOpties, Status
from allocatie.verify import verify
from allocatie.versie import VERSIE
from allocatie.vorige import VorigeUitkomst, lees_vorige_uitkomst

__version__ = VERSIE

__all__ = [
    "AllocationResult",
    "Instance",
    "SolverOpties",
    "Status",
    "VorigeUitkomst",
    "laad_preset",
    "laad_ronde",
    "lees_vorige_uitkomst",
    "los_op",
    "maak_instance",
    "verify",
]
