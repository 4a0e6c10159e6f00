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
>>> p = allocatie.laad_preset("standaard").met(kosten__per_minuut_werk=1.5)
>>> p.kosten.per_minuut_werk
1.5

The reference with runnable examples is ``docs/api.md``.
"""

from __future__ import annotations

from allocatie.invoer.laden import laad_ronde, maak_instance
from allocatie.invoer.vorige import VorigeUitkomst, lees_vorige_uitkomst
from allocatie.kern.versie import VERSIE
from allocatie.resultaat.result import AllocationResult
from allocatie.resultaat.verify import verify
from allocatie.ronde.instance import Instance
from allocatie.ronde.presets import ModelPreset, laad_preset
from allocatie.solvers.base import SolverOpties, Status
from allocatie.strategie.oplossen import los_op

__version__ = VERSIE

__all__ = [
    "AllocationResult",
    "Instance",
    "ModelPreset",
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
