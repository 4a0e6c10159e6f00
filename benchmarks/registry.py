"""Registry of benchmark instance families: name, tier, size, seed, builder and runs.

A family describes one round (the example round, or a synthetic round of a given
size and seed) and which runs are made on it: pairs of formulation and backend
through the Python API, and backends for the end-to-end CLI. Its builder writes the
round folder (``ronde.toml`` + tables) that every phase starts from.

Families on the real 2024 geography read the CBS/PDOK files in
``../shared/data/nl2024`` (relative to the project root). Without them such a
family is skipped with a message; ``nationaal-30000`` falls back to a fictional
territory of the same number of gemeenten and says so in its records.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
"""The project root (the folder holding ``pyproject.toml``)."""

NL2024 = PROJECT.parent / "shared" / "data" / "nl2024"
"""The real 2024 reference data, next to the project (never copied into it)."""

GPKG = NL2024 / "cbsgebiedsindelingen_2024.gpkg"
INWONERS = NL2024 / "cbs_inwoners_2024.csv"

VOORBEELD = PROJECT / "data" / "voorbeeld"

TIERS = ("smoke", "full")

FORMULERINGEN = ("types", "huishoudens")
"""``types``: the aggregated formulation; ``huishoudens``: the naive per-household baseline."""

BACKENDS = ("highs", "cbc")

ALLE = tuple((f, b) for b in BACKENDS for f in FORMULERINGEN)
"""Both formulations on both backends."""


def echte_data_aanwezig() -> bool:
    """True when the real 2024 geography is available."""
    return GPKG.is_file() and INWONERS.is_file()


def reden_echte_data_ontbreekt() -> str:
    """The Dutch message shown when a family needs the real geography and it is absent."""
    return (
        f"echte geografie 2024 ontbreekt ({NL2024.relative_to(PROJECT.parent)} naast de "
        "projectmap, met cbsgebiedsindelingen_2024.gpkg en cbs_inwoners_2024.csv)"
    )


@dataclass(frozen=True)
class Bouwsel:
    """What a builder produced: the round folder and the geography it stands on."""

    map: Path
    geografie: str  # "voorbeeld", "fictief" or "echt"


@dataclass(frozen=True)
class Familie:
    """One instance family of the suite.

    Attributes
    ----------
    naam
        Short name used on the command line and in the report.
    tier
        ``smoke`` (CI, a few minutes) or ``full`` (by hand).
    beschrijving
        One Dutch line for the report.
    huishoudens, gemeenten, flex
        Size of the round (``gemeenten`` None: all gemeenten of the real geography).
    seed
        Seed of the generator; the same seed gives the same round.
    geografie
        ``voorbeeld``, ``fictief``, ``echt`` (skipped without the real data) or
        ``echt-of-fictief`` (fictional fallback without the real data).
    vg
        National number of the period for the taakstelling formula (None: the
        taakstellingen sum to about the persons waiting).
    tijdslimiet_s
        Default solver time limit per run (all lexicographic levels together).
    bouwer
        Writes (or locates) the round folder: ``bouwer(familie, doel) -> Bouwsel``.
    runs
        ``(formulering, backend)`` pairs run through the Python API.
    cli_backends
        Backends of the end-to-end CLI runs (default formulation).
    """

    naam: str
    tier: str
    beschrijving: str
    huishoudens: int
    gemeenten: int | None
    flex: int | None
    seed: int
    geografie: str
    vg: int | None
    tijdslimiet_s: float
    bouwer: Callable[[Familie, Path], Bouwsel] = field(repr=False)
    runs: tuple[tuple[str, str], ...] = ALLE
    cli_backends: tuple[str, ...] = BACKENDS

    def reden_overslaan(self) -> str | None:
        """Why this family cannot run here (None when it can)."""
        if self.geografie == "echt" and not echte_data_aanwezig():
            return reden_echte_data_ontbreekt()
        return None

    def bouw(self, doel: Path) -> Bouwsel:
        """Write (or locate) the round folder; ``doel`` is a folder that may be created."""
        return self.bouwer(self, doel)


def _bouw_voorbeeld(familie: Familie, doel: Path) -> Bouwsel:
    """The example round shipped in ``data/voorbeeld`` (read in place)."""
    return Bouwsel(VOORBEELD, "voorbeeld")


def _echte_basis():  # -> geopandas.GeoDataFrame (imported lazily: the registry stays light)
    from allocatie.spatial import GeografieWaarschuwing, bouw_basistabel

    with warnings.catch_warnings():  # twijfelgevallen (Kerkrade) are known and harmless here
        warnings.simplefilter("ignore", GeografieWaarschuwing)
        return bouw_basistabel(GPKG, GPKG, GPKG, INWONERS)


def _bouw_synthetisch(familie: Familie, doel: Path) -> Bouwsel:
    """A synthetic round (`allocatie.synthetic.genereer_ronde`), written as a round folder."""
    from allocatie.io.rondemap import schrijf_rondemap
    from allocatie.synthetic import genereer_ronde

    echt = familie.geografie == "echt" or (
        familie.geografie == "echt-of-fictief" and echte_data_aanwezig()
    )
    if echt:
        tabellen = genereer_ronde(
            None,
            familie.huishoudens,
            familie.flex,
            seed=familie.seed,
            periode="2025-I",
            basis=_echte_basis(),
            vg=familie.vg,
        )
    else:
        tabellen = genereer_ronde(
            familie.gemeenten,
            familie.huishoudens,
            familie.flex,
            seed=familie.seed,
            periode="2025-I",
            vg=familie.vg,
        )
    schrijf_rondemap(
        tabellen,
        doel,
        naam=f"Benchmark {familie.naam}",
        periode="2025-I",
        overschrijf=True,
    )
    return Bouwsel(doel, "echt" if echt else "fictief")


FAMILIES: tuple[Familie, ...] = (
    Familie(
        naam="voorbeeld",
        tier="smoke",
        beschrijving="voorbeeldronde uit data/voorbeeld (12 gemeenten, 150 huishoudens)",
        huishoudens=150,
        gemeenten=12,
        flex=3,
        seed=0,
        geografie="voorbeeld",
        vg=None,
        tijdslimiet_s=20.0,
        bouwer=_bouw_voorbeeld,
    ),
    Familie(
        naam="klein-12x300",
        tier="smoke",
        beschrijving="synthetisch, fictief gebied: 12 gemeenten, 300 huishoudens, 3 flexlocaties",
        huishoudens=300,
        gemeenten=12,
        flex=3,
        seed=1,
        geografie="fictief",
        vg=None,
        tijdslimiet_s=20.0,
        bouwer=_bouw_synthetisch,
    ),
    Familie(
        naam="provincie-50x500",
        tier="full",
        beschrijving=(
            "synthetisch, fictieve provincie: 50 gemeenten, 500 huishoudens, 12 flexlocaties"
        ),
        huishoudens=500,
        gemeenten=50,
        flex=12,
        seed=2,
        geografie="fictief",
        vg=None,
        tijdslimiet_s=300.0,
        cli_backends=("highs",),
        bouwer=_bouw_synthetisch,
    ),
    Familie(
        naam="nationaal-8000",
        tier="full",
        beschrijving=(
            "nationaal halfjaar op de echte geografie 2024: 342 gemeenten, 8.000 huishoudens, "
            "150 flexlocaties, VG 15.000"
        ),
        huishoudens=8000,
        gemeenten=None,
        flex=150,
        seed=3,
        geografie="echt",
        vg=15_000,
        tijdslimiet_s=300.0,
        cli_backends=("highs",),
        bouwer=_bouw_synthetisch,
    ),
    Familie(
        naam="nationaal-30000",
        tier="full",
        beschrijving=(
            "30.000 huishoudens, 400 flexlocaties over 342 gemeenten (echte geografie 2024; "
            "zonder die data een fictief gebied van 342 gemeenten)"
        ),
        huishoudens=30_000,
        gemeenten=342,
        flex=400,
        seed=4,
        geografie="echt-of-fictief",
        vg=None,
        tijdslimiet_s=300.0,
        runs=(("types", "highs"), ("huishoudens", "highs"), ("types", "cbc")),
        cli_backends=("highs",),
        bouwer=_bouw_synthetisch,
    ),
)


def families(tier: str | None = None, namen: list[str] | None = None) -> list[Familie]:
    """Families of a tier, or by name.

    Parameters
    ----------
    tier
        ``smoke`` or ``full``: the families of that tier. Ignored when ``namen``
        is given (names select from every tier).
    namen
        Only these families, in registry order. An unknown name raises ``KeyError``.
    """
    bekend = {f.naam for f in FAMILIES}
    if namen:
        onbekend = [n for n in namen if n not in bekend]
        if onbekend:
            raise KeyError(
                f"onbekende familie(s): {', '.join(onbekend)}; "
                f"bekend zijn: {', '.join(sorted(bekend))}"
            )
    if namen:
        return [f for f in FAMILIES if f.naam in namen]
    return [f for f in FAMILIES if tier is None or f.tier == tier]


def familie(naam: str) -> Familie:
    """The family called ``naam``."""
    return families(namen=[naam])[0]
