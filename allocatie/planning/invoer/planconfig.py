"""The parsed flex capacity plan: `Planconfig` and its parts, the policies and parameters.

`allocatie.planning.invoer.config.lees_planconfig` builds a `Planconfig` from
``plan.toml``; `allocatie.planning.invoer.varianten.varianten` turns its
``[[gevoeligheid]]`` entries into `Variant` instances.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allocatie.kern.errors import ConfiguratieFout
from allocatie.planning.gegevens import Planinstantie
from allocatie.planning.invoer.scenarios import Basispad, Schokken
from allocatie.solvers.base import SolverOpties

__all__ = [
    "BELEIDEN",
    "BELEIDEN_MOGELIJK",
    "MAX_SCENARIOCELLEN",
    "PARAMETERS",
    "Generatie",
    "Gevoeligheid",
    "Planconfig",
    "Sweep",
    "Variant",
    "controleer_omvang",
]

#: Comparison policies run when ``[beleid] vergelijk`` is not given.
BELEIDEN: tuple[str, ...] = ("gemiddeld", "geen_flex", "statisch", "perfecte_informatie")
#: Every comparison policy ``[beleid] vergelijk`` may name: the defaults and the rolling
#: policy (one MIP per scenario and half-year, so only when asked for).
BELEIDEN_MOGELIJK: tuple[str, ...] = (*BELEIDEN, "rollend")

#: Parameters a ``[[gevoeligheid]]`` entry may vary, with their Dutch name in variant names.
PARAMETERS: dict[str, str] = {
    "kosten.wachten": "wachtkosten",
    "kosten.verdringing": "verdringingskosten",
    "kosten.eind_achterstand": "kosten eindachterstand",
    "doorstroom": "doorstroom",
    "flextype.plaatsen": "plaatsen",
    "flextype.openen": "openingskosten",
    "flextype.exploitatie": "exploitatiekosten",
    "flextype.sluiten": "sluitingskosten",
    "flextype.restwaarde": "restwaarde",
    "flextype.verkoopwaarde": "verkoopwaarde",
    "flextype.levertijd": "levertijd",
    "flextype.minimale_looptijd": "minimale looptijd",
    "verplaatsing.kosten": "verplaatsingskosten",
    "verplaatsing.subsidie": "subsidie herplaatsing",
    "verplaatsing.duur": "verplaatsingsduur",
    "risico.alfa": "alfa",
    "risico.gewicht": "gewicht CVaR",
    "scenarios.instroom": "instroom",
    "scenarios.aanbod": "regulier aanbod",
    "scenarios.seed": "scenarioseed",
}

#: Largest scenario set a plan holds: scenarios x periods x regions x classes. Inflow and
#: supply take 16 bytes per cell (about 32 MB here) and the model grows with it; beyond
#: this the generator and the solver would run for many minutes or run out of memory.
MAX_SCENARIOCELLEN = 2_000_000


def _getal_nl_geheel(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def controleer_omvang(
    aantal: int, perioden: int, regios: int, klassen: int, *, pad: Path | None, sleutel: str
) -> None:
    """Refuse a scenario set larger than `MAX_SCENARIOCELLEN`, with the estimate.

    Raises
    ------
    ConfiguratieFout
        Naming the file and ``sleutel`` (``scenarios.aantal`` or ``scenarios.bestand``).
    """
    cellen = aantal * perioden * regios * klassen
    if cellen <= MAX_SCENARIOCELLEN:
        return
    mb = cellen * 16 / 1e6
    raise ConfiguratieFout(
        f"te groot om door te rekenen: {_getal_nl_geheel(aantal)} scenario's × {perioden} "
        f"perioden × {regios} regio's × {klassen} klassen = {_getal_nl_geheel(cellen)} "
        f"waarden (alleen instroom en aanbod al ca. {_getal_nl_geheel(round(mb))} MB, het model "
        f"nog veel meer); het maximum is {_getal_nl_geheel(MAX_SCENARIOCELLEN)}. Neem minder "
        "scenario's, perioden of regio's",
        bestand=pad,
        kolom=sleutel,
        waarde=aantal,
    )


@dataclass(frozen=True)
class Sweep:
    """How many independent solves run in parallel.

    Attributes
    ----------
    workers
        Number of local worker processes; 0 lets the sweep choose.
    scheduler
        Address of a Dask scheduler (``tcp://host:8786``); None runs locally.
    """

    workers: int = 0
    scheduler: str | None = None


@dataclass(frozen=True)
class Gevoeligheid:
    """One ``[[gevoeligheid]]`` entry: a parameter multiplied by factors or set to values.

    Exactly one of ``factoren`` and ``waarden`` is non-empty; ``flextype``
    restricts a ``flextype.*`` parameter to one type.
    """

    parameter: str
    flextype: str | None = None
    factoren: tuple[float, ...] = ()
    waarden: tuple[float, ...] = ()


@dataclass(frozen=True, eq=False)
class Generatie:
    """The generator settings of ``[scenarios]``, kept to draw fresh scenarios later."""

    basis: Basispad
    schokken: Schokken
    aantal: int
    seed: int


@dataclass(frozen=True, eq=False)
class Planconfig:
    """A parsed ``plan.toml``.

    Attributes
    ----------
    naam
        Plan name (``[plan] naam``).
    instantie
        The planning instance, scenarios included.
    solver, sweep
        Solver settings and parallelism.
    beleid
        Comparison policies to run (`BELEIDEN`).
    gevoeligheid
        The sensitivity entries; `varianten` turns them into instances.
    pad, sha256
        The TOML file and the SHA-256 of its bytes.
    ruw
        The TOML as parsed (for the report's parameter table).
    generatie
        The generator settings, when the scenarios were generated.
    scenariobestand
        The scenario CSV, when they were read from one.
    """

    naam: str
    instantie: Planinstantie
    solver: SolverOpties
    sweep: Sweep
    beleid: tuple[str, ...]
    gevoeligheid: tuple[Gevoeligheid, ...]
    pad: Path
    sha256: str
    ruw: Mapping[str, Any]
    generatie: Generatie | None = None
    scenariobestand: Path | None = None


@dataclass(frozen=True, eq=False)
class Variant:
    """One sensitivity variant: a readable Dutch name and the changed instance."""

    naam: str
    instantie: Planinstantie
    parameter: str = ""
    flextype: str | None = None
    factor: float | None = None
    waarde: float | None = None
