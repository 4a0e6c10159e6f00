"""Flexible capacity planning under inflow scenarios (op- en afschalen).

A two-stage stochastic MIP over regions and half-years: how many flex modules
to order, close or relocate, where and when, so that persons do not wait for
years and money is not spent on empty units.

The package is split by job, in layers (``pyproject.toml``, contract ``planning``):
`allocatie.planning.uitvoer` (comparison, tables, report, workbook, output folder)
above `allocatie.planning.invoer` (``plan.toml``, scenarios) and
`allocatie.planning.model` (the programme and its solution), which both stand on
`allocatie.planning.gegevens` (the plan's data). The public API is importable from
here; each name is loaded on first use, so that importing one part (e.g. in a
sweep worker) does not load the report and workbook code.

Examples
--------
>>> from allocatie.planning import lees_planconfig, plan_flexcapaciteit
>>> lees_planconfig.__module__
'allocatie.planning.invoer.config'
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> module that defines it.
_API = {
    "Planinstantie": "allocatie.planning.gegevens",
    "Scenarioset": "allocatie.planning.gegevens",
    "Planconfig": "allocatie.planning.invoer.planconfig",
    "lees_planconfig": "allocatie.planning.invoer.config",
    "varianten": "allocatie.planning.invoer.varianten",
    "Basispad": "allocatie.planning.invoer.scenarios",
    "Schokken": "allocatie.planning.invoer.scenarios",
    "genereer_scenarios": "allocatie.planning.invoer.scenarios",
    "perioden": "allocatie.planning.invoer.scenarios",
    "lees_scenarios": "allocatie.planning.invoer.scenariobestand",
    "schrijf_scenarios": "allocatie.planning.invoer.scenariobestand",
    "bouw_planmodel": "allocatie.planning.model.bouw",
    "los_plan_op": "allocatie.planning.model.oplossen",
    "controleer_plan": "allocatie.planning.model.controle",
    "Planvergelijking": "allocatie.planning.uitvoer.vergelijking",
    "plan_flexcapaciteit": "allocatie.planning.uitvoer.vergelijking",
    "controleer_vergelijking": "allocatie.planning.uitvoer.schrijf",
    "schrijf_planuitvoer": "allocatie.planning.uitvoer.schrijf",
}

__all__ = sorted(_API)


def __getattr__(naam: str) -> Any:
    if naam in _API:
        return getattr(importlib.import_module(_API[naam]), naam)
    raise AttributeError(f"module {__name__!r} has no attribute {naam!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
