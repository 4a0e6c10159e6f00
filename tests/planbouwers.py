"""Builders for small planning instances in tests (a plain module: ``from planbouwers import ...``).

`planinstantie` draws a random but seeded instance: regions with a backlog of
singles, inflow with a random-walk level per scenario, regular supply short
for singles, two flex types (studios for singles, family modules for the other
classes). Sizes are kept small so the extensive form solves in well under a
second, and costs are set so that opening flex pays off in some scenarios and
not in others (the interesting case for a stochastic plan).

`KLEIN` is the text of a tiny ``plan.toml`` (two regions, five half-years, six
scenarios) for the tests of the plan's outputs and CLI; `schrijf_klein` writes
it to a folder.

`voorbeeldplan` reads the shipped example (``data/plan/plan.toml``) with fewer
of its scenarios, and optionally another national inflow path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from allocatie.planning.gegevens import (
    KLASSEN,
    Flextype,
    Kosten,
    Planinstantie,
    Regio,
    Risico,
    Scenarioset,
    Verplaatsing,
)
from allocatie.planning.invoer.config import lees_planconfig
from allocatie.planning.invoer.scenarios import genereer_scenarios
from allocatie.solvers import SolverOpties

#: The shipped planning example.
VOORBEELDPLAN = Path(__file__).resolve().parents[1] / "data" / "plan" / "plan.toml"


def planinstantie(
    seed: int = 0,
    *,
    regios: int = 2,
    perioden: int = 6,
    scenarios: int = 8,
    cvar: bool = False,
    verplaatsing: bool = False,
    doorstroom: float = 0.0,
    max_modules: int | None = None,
) -> Planinstantie:
    """A seeded small planning instance (see the module docstring)."""
    rng = np.random.default_rng(seed)
    r_n, t_n, s_n = regios, perioden, scenarios
    bestaand = rng.integers(0, 3, r_n)
    regs = tuple(
        Regio(
            f"R{i}",
            bestaand={"studio": int(bestaand[i])},
            bezetting={"studio": float(rng.integers(0, 12 * bestaand[i] + 1))},
            achterstand={"alleenstaand": float(rng.integers(0, 60))},
            max_modules={} if max_modules is None else {"studio": max_modules},
        )
        for i in range(r_n)
    )
    basis = rng.uniform(80, 160, r_n)
    niveau = np.exp(np.cumsum(rng.normal(0, 0.25, (s_n, 1, t_n, 1)), axis=2))
    samen = np.array([0.5, 0.3, 0.2])
    instroom = basis[None, :, None, None] * niveau * samen
    tekort = np.array([0.55, 0.9, 0.95])
    aanbod = (
        basis[None, :, None, None] * tekort * samen * np.exp(rng.normal(0, 0.1, (s_n, r_n, t_n, 1)))
    )
    kansen = rng.dirichlet(np.ones(s_n) * 3)
    sc = Scenarioset(
        tuple(r.naam for r in regs),
        tuple(f"P{t}" for t in range(t_n)),
        KLASSEN,
        tuple(f"s{s}" for s in range(s_n)),
        kansen,
        instroom,
        aanbod,
    )
    typen = (
        Flextype("studio", 12, ("alleenstaand",), 9.0e5, 4.0e4, 2.0e5, 4.0e5, 1, 2),
        Flextype("gezinswoning", 16, ("klein", "groot"), 1.2e6, 5.0e4, 3.0e5, 5.0e5, 2, 2),
    )
    return Planinstantie(
        regs,
        typen,
        Kosten({k: 15_000.0 for k in KLASSEN}, 4_000.0, 20_000.0),
        sc,
        Verplaatsing(verplaatsing, 1.5e5, 1),
        doorstroom,
        Risico("cvar", 0.8, 0.5) if cvar else Risico(),
    )


#: A plan small enough to solve every policy in about a second (test_plan_uitvoer, test_cli_plan).
KLEIN = """\
[plan]
naam = "Proefplan"
eerste_periode = "2027-I"
perioden = 5
klassen = ["alleen", "gezin"]
doorstroom = 0.2

[scenarios]
aantal = 6
seed = 7

[scenarios.instroom]
personen_per_periode = [200, 260, 320, 300, 260]
samenstelling = { alleen = 0.6, gezin = 0.4 }

[scenarios.schokken]
sigma = 0.25
kans_piek = 0.2

[kosten]
wachten = 15000
verdringing = 2000
eind_achterstand = 20000

[[flextype]]
naam = "studio"
plaatsen = 10
klassen = ["alleen"]
openen = 400000
exploitatie = 20000
sluiten = 150000
restwaarde = 150000
levertijd = 1
minimale_looptijd = 2

[[flextype]]
naam = "gezinswoning"
plaatsen = 8
klassen = ["gezin"]
openen = 500000
exploitatie = 15000
sluiten = 150000
restwaarde = 200000
levertijd = 2
minimale_looptijd = 2

[verplaatsing]
toegestaan = true
kosten = 60000
duur = 1

[[regio]]
naam = "Noord"
aandeel = 0.4
aanbod = { alleen = 50, gezin = 40 }
achterstand = { alleen = 30 }
bestaand = { studio = 2 }
bezetting = { studio = 15 }

[[regio]]
naam = "Zuid"
aandeel = 0.6
aanbod = { alleen = 70, gezin = 60 }
max_modules = { gezinswoning = 6 }

[solver]
tijdslimiet_s = 20
gap_relatief = 0.001

[sweep]
workers = 1

[[gevoeligheid]]
parameter = "kosten.wachten"
factoren = [0.5, 2]
"""


def schrijf_klein(map_: Path, tekst: str = KLEIN) -> Path:
    """Write the tiny plan as ``plan.toml`` in ``map_``; return its path."""
    pad = map_ / "plan.toml"
    pad.write_text(tekst, encoding="utf-8")
    return pad


def voorbeeldplan(
    scenarios: int, *, instroom: Sequence[float] | None = None
) -> tuple[Planinstantie, SolverOpties]:
    """The shipped example with its first ``scenarios`` scenarios, and its solver options.

    The scenarios are drawn with the example's generator settings and seed, so
    scenario ``i`` is the same as in the full example (`genereer_scenarios`
    seeds each scenario by its index); the probabilities, and the mean path the
    rolling policy forecasts with, are those of the smaller set. ``instroom``
    replaces the national base path (persons per half-year). The file itself
    is read as shipped.
    """
    config = lees_planconfig(VOORBEELDPLAN)
    g = config.generatie
    assert g is not None, "het voorbeeld genereert zijn scenario's"
    basis = g.basis if instroom is None else replace(g.basis, personen=np.asarray(instroom))
    sc = genereer_scenarios(basis, g.schokken, scenarios, g.seed)
    return replace(config.instantie, scenarios=sc), config.solver
