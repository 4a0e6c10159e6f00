"""Registry of benchmark instance families: name, tier, size, seed, builder and runs.

A family describes one round (the example round, or a synthetic round of a given
size and seed) and which runs are made on it: pairs of formulation and backend
through the Python API, and backends for the end-to-end CLI. Its builder writes the
round folder (``ronde.toml`` + tables) that every phase starts from.

Families on the real 2024 geography read the CBS/PDOK files in
``../shared/data/nl2024`` (relative to the project root), or in the folder named
by the environment variable ``ALLOCATIE_NL2024`` (or ``--nl2024`` of
``benchmarks.run``). Without them such a family is skipped with a message;
``nationaal-30000`` falls back to a fictional territory of the same number of
gemeenten and says so in its records.

Benchmark families of several rounds (issue 16)
-----------------------------------------------
A *groep* is a family of many rounds ("leden", members), each a `Familie` of
its own with ``groep`` set; naming the groep on the command line selects all
its members. Members are generated with the project's own generator, the
command ``allocatie genereer`` (``--basis`` on the real geography, whose base
table ``allocatie basis`` builds once and caches as ``rondes/basis.gpkg`` in the
output folder). A member may name another member in ``vorige_van``: it is then
solved with that member's outcome (its first run's ``plaatsingen.csv``) as
``vorige`` (a re-run with ``--vorige-uitkomst``); the referenced member is run
first, also when it was not selected.

``nationaal-familie`` (`NATIONAAL_FAMILIE`) varies seed, VG (13,000 / 15,000 /
17,700 / 21,200), households (6,000-12,000), flexible sites (100-250), preset
(standaard, werk-eerst, ruil), with and without ``regiocapaciteit``, and has one
re-run with a previous outcome. ``nationaal-30000-familie`` has three seeds of
30,000 households. ``familie-smoke`` is two tiny fictional rounds (CI) that run
the same generator, hashing and re-run plumbing without the real data.

Held-out seeds
    The members with seeds 101, 102 and 103 (``nf-12``, ``nf-13``, ``nf-14``;
    ``uitgehouden=True``) and seed 32 of ``nationaal-30000-familie`` are held
    out: they must not be used while tuning the solver. Tune on the other
    members; report the held-out ones as the test of "rounds nobody tuned for".
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.familie import Streefwaarden

#: The national family's targets (issue 16), the default of every family.
NATIONALE_DOELEN = Streefwaarden()

PROJECT = Path(__file__).resolve().parents[1]
"""The project root (the folder holding ``pyproject.toml``)."""

NL2024_STANDAARD = PROJECT.parent / "shared" / "data" / "nl2024"
"""Default folder of the real 2024 reference data, next to the project (never copied into it)."""

NL2024_ENV = "ALLOCATIE_NL2024"
"""Environment variable naming another folder with the real 2024 reference data."""

NL2024 = Path(os.environ.get(NL2024_ENV) or NL2024_STANDAARD)
"""The real 2024 reference data (never copied into the project)."""

GPKG = NL2024 / "cbsgebiedsindelingen_2024.gpkg"
INWONERS = NL2024 / "cbs_inwoners_2024.csv"


def zet_nl2024(map_: Path) -> None:
    """Use the real 2024 reference data in ``map_`` (here and in child processes)."""
    global NL2024, GPKG, INWONERS
    NL2024 = Path(map_).resolve()
    GPKG = NL2024 / "cbsgebiedsindelingen_2024.gpkg"
    INWONERS = NL2024 / "cbs_inwoners_2024.csv"
    os.environ[NL2024_ENV] = str(NL2024)


VOORBEELD = PROJECT / "data" / "voorbeeld"

TIERS = ("smoke", "full", "familie")
"""``smoke`` (CI), ``full`` (by hand, about an hour) and ``familie`` (the national
benchmark families of issue 16: many rounds, each run several times; hours)."""

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
    try:
        waar = f"{NL2024.relative_to(PROJECT.parent)} naast de projectmap"
    except ValueError:
        waar = str(NL2024)
    return (
        f"echte geografie 2024 ontbreekt ({waar}, met cbsgebiedsindelingen_2024.gpkg en "
        f"cbs_inwoners_2024.csv; geef een andere map met --nl2024 of {NL2024_ENV})"
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
    groep
        The benchmark family of many rounds this round is a member of (None: a
        family on its own). Members are run ``--herhalingen`` times and under load.
    preset
        Model preset the round is solved with (None: that of ``ronde.toml``).
    regiocapaciteit
        Passed to the generator (``--regiocapaciteit``): cap the
        arbeidsmarktregio with the largest need at this share of it (None: no cap).
    vorige_van
        Name of the member whose outcome (first run) is ``vorige`` of this one.
    uitgehouden
        A held-out member: not to be used while tuning the solver.
    periode
        Half-year of the generated round.
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
    groep: str | None = None
    preset: str | None = None
    regiocapaciteit: float | None = None
    vorige_van: str | None = None
    uitgehouden: bool = False
    periode: str = "2025-I"
    streefwaarden: Streefwaarden = NATIONALE_DOELEN

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


CLI = "from allocatie.cli import app; app()"
"""The project's command line, run as ``python -c CLI ...`` (no installed script needed)."""


def _cli(args: list[str]) -> None:
    """Run ``allocatie ARGS`` in a child process; ``RuntimeError`` with its stderr on failure."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", CLI, *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"allocatie {args[0]} mislukt (exitcode {proc.returncode}): "
            f"{(proc.stderr or proc.stdout).strip()[-1500:]}"
        )


def basis_opdracht(uitvoer: Path) -> list[str]:
    """``allocatie basis`` on the real 2024 geography, writing the base table ``uitvoer``."""
    return [
        "basis",
        "--gemeenten",
        str(GPKG),
        "--provincies",
        str(GPKG),
        "--arbeidsmarktregios",
        str(GPKG),
        "--inwoners",
        str(INWONERS),
        "--uitvoer",
        str(uitvoer),
        "--stil",
    ]


def genereer_opdracht(familie: Familie, doel: Path, basis: Path | None) -> list[str]:
    """``allocatie genereer`` writing member ``familie`` to ``doel`` (``basis``: real geography)."""
    args = ["genereer", "--uitvoer", str(doel), "--huishoudens", str(familie.huishoudens)]
    if basis is not None:
        args += ["--basis", str(basis)]
    else:
        args += ["--gemeenten", str(familie.gemeenten)]
    if familie.flex is not None:
        args += ["--flex", str(familie.flex)]
    if familie.vg is not None:
        args += ["--vg", str(familie.vg)]
    if familie.regiocapaciteit is not None:
        args += ["--regiocapaciteit", str(familie.regiocapaciteit)]
    args += [
        "--seed",
        str(familie.seed),
        "--periode",
        familie.periode,
        "--naam",
        f"Benchmark {familie.naam}",
        "--tijdslimiet",
        str(round(familie.tijdslimiet_s)),
        "--overschrijf",
        "--stil",
    ]
    return args


def zet_preset(map_: Path, preset: str) -> None:
    """Write ``preset`` as ``[ronde] model`` in the round folder's ``ronde.toml``."""
    import re

    toml = map_ / "ronde.toml"
    tekst, n = re.subn(
        r'^model = ".*"$', f'model = "{preset}"', toml.read_text(encoding="utf-8"), flags=re.M
    )
    if n != 1:
        raise RuntimeError(f"geen regel 'model = ...' in {toml}")
    toml.write_text(tekst, encoding="utf-8")


def _bouw_via_genereer(familie: Familie, doel: Path) -> Bouwsel:
    """A member round written by ``allocatie genereer`` (the base table cached next to it).

    On the real geography the base table ``allocatie basis`` builds is cached as
    ``basis.gpkg`` in the parent of ``doel`` (the output folder's ``rondes/``), and
    a round folder whose ``genereer.json`` holds the same command is reused.
    """
    import json

    echt = familie.geografie == "echt"
    basis = None
    if echt:
        basis = doel.parent / "basis.gpkg"
        if not basis.is_file():
            basis.parent.mkdir(parents=True, exist_ok=True)
            _cli(basis_opdracht(basis))
    args = genereer_opdracht(familie, doel, basis)
    stempel = {"opdracht": args, "preset": familie.preset}
    stempelpad = doel / "genereer.json"
    if (
        stempelpad.is_file()
        and (doel / "ronde.toml").is_file()
        and json.loads(stempelpad.read_text(encoding="utf-8")) == stempel
    ):
        return Bouwsel(doel, "echt" if echt else "fictief")  # cached from an earlier run
    _cli(args)
    if familie.preset is not None:
        zet_preset(doel, familie.preset)
    stempelpad.write_text(json.dumps(stempel, ensure_ascii=False, indent=1), encoding="utf-8")
    return Bouwsel(doel, "echt" if echt else "fictief")


def _komma(x: float) -> str:
    """``0.8`` as ``0,8`` (Dutch decimal comma)."""
    return f"{x:g}".replace(".", ",")


def _lid(
    groep: str,
    naam: str,
    seed: int,
    huishoudens: int,
    flex: int,
    vg: int | None,
    preset: str = "standaard",
    *,
    regiocapaciteit: float | None = None,
    vorige_van: str | None = None,
    uitgehouden: bool = False,
    baseline: bool = False,
    tijdslimiet_s: float = 60.0,
    tier: str = "familie",
    streefwaarden: Streefwaarden = NATIONALE_DOELEN,
) -> Familie:
    """A member of a national benchmark family on the real 2024 geography."""
    delen = [
        f"seed {seed}",
        f"{huishoudens:,} huishoudens".replace(",", "."),
        f"{flex} flexlocaties",
        "VG " + (f"{vg:,}".replace(",", ".") if vg is not None else "≈ wachtenden"),
        f"preset {preset}",
    ]
    if regiocapaciteit is not None:
        delen.append(f"regiocapaciteit {_komma(regiocapaciteit)}")
    if vorige_van is not None:
        delen.append(f"herhaalde ronde met de uitkomst van {vorige_van} als vorige uitkomst")
    if uitgehouden:
        delen.append("uitgehouden (niet gebruikt bij het afstellen)")
    return Familie(
        naam=naam,
        tier=tier,
        beschrijving=f"{groep}, echte geografie 2024: " + ", ".join(delen),
        huishoudens=huishoudens,
        gemeenten=None,
        flex=flex,
        seed=seed,
        geografie="echt",
        vg=vg,
        tijdslimiet_s=tijdslimiet_s,
        bouwer=_bouw_via_genereer,
        runs=(("types", "highs"), ("huishoudens", "highs")) if baseline else (("types", "highs"),),
        cli_backends=(),
        groep=groep,
        preset=preset,
        regiocapaciteit=regiocapaciteit,
        vorige_van=vorige_van,
        uitgehouden=uitgehouden,
        streefwaarden=streefwaarden,
    )


_NF = "nationaal-familie"
NATIONAAL_FAMILIE: tuple[Familie, ...] = (
    # Tuned-on members: every VG, 6,000-12,000 households, 100-250 flexible sites, the
    # three presets, with and without regiocapaciteit. nf-01 carries the naive baseline.
    _lid(_NF, "nf-01", 11, 6_000, 100, 13_000, baseline=True),
    _lid(_NF, "nf-02", 12, 8_000, 150, 15_000),
    _lid(_NF, "nf-03", 13, 10_000, 200, 17_700),
    _lid(_NF, "nf-04", 14, 12_000, 250, 21_200),
    _lid(_NF, "nf-05", 15, 8_000, 150, 15_000, regiocapaciteit=0.8),
    _lid(_NF, "nf-06", 16, 10_000, 200, 21_200, regiocapaciteit=0.7),
    _lid(_NF, "nf-07", 17, 7_000, 120, 13_000, "werk-eerst"),
    _lid(_NF, "nf-08", 18, 11_000, 220, 17_700, "werk-eerst", regiocapaciteit=0.8),
    _lid(_NF, "nf-09", 19, 9_000, 180, 15_000, "ruil"),
    _lid(_NF, "nf-10", 20, 12_000, 250, 21_200, "ruil", regiocapaciteit=0.8),
    # The re-run: nf-02's round (same seed, households, homes and sites) with a
    # regiocapaciteit added, solved with nf-02's outcome as the previous one.
    _lid(_NF, "nf-11", 12, 8_000, 150, 15_000, regiocapaciteit=0.8, vorige_van="nf-02"),
    # Held out (seeds 101-103): never used while tuning.
    _lid(_NF, "nf-12", 101, 9_500, 170, 17_700, uitgehouden=True),
    _lid(_NF, "nf-13", 102, 11_500, 130, 13_000, "werk-eerst", regiocapaciteit=0.9,
         uitgehouden=True),
    _lid(_NF, "nf-14", 103, 6_500, 240, 21_200, "ruil", uitgehouden=True),
)  # fmt: skip
"""The national benchmark family of issue 16 (see the module text; held out: nf-12..nf-14)."""

_N30 = "nationaal-30000-familie"
#: Issue 16's target for 30,000 households: every level within 1% in 300 s (no memory target).
_N30_DOEL = Streefwaarden(gap=0.01, tijd_s=300.0, piek_mb=None)
NATIONAAL_30000_FAMILIE: tuple[Familie, ...] = (
    _lid(_N30, "n30-01", 4, 30_000, 400, None, tijdslimiet_s=300.0, streefwaarden=_N30_DOEL),
    _lid(_N30, "n30-02", 31, 30_000, 400, None, tijdslimiet_s=300.0, streefwaarden=_N30_DOEL),
    _lid(_N30, "n30-03", 32, 30_000, 400, None, tijdslimiet_s=300.0, uitgehouden=True,
         streefwaarden=_N30_DOEL),
)  # fmt: skip
"""Three seeds of 30,000 households (n30-01: the round of ``nationaal-30000``; 32 held out)."""


def _smoke_lid(
    naam: str, seed: int, preset: str, regiocapaciteit: float | None, vorige_van: str | None
) -> Familie:
    return Familie(
        naam=naam,
        tier="smoke",
        beschrijving=(
            f"familie-smoke, fictief gebied: 10 gemeenten, 100 huishoudens, 3 flexlocaties, "
            f"seed {seed}, preset {preset}"
            + ("" if regiocapaciteit is None else f", regiocapaciteit {_komma(regiocapaciteit)}")
            + (f", met de uitkomst van {vorige_van} als vorige uitkomst" if vorige_van else "")
        ),
        huishoudens=100,
        gemeenten=10,
        flex=3,
        seed=seed,
        geografie="fictief",
        vg=None,
        tijdslimiet_s=20.0,
        bouwer=_bouw_via_genereer,
        runs=(("types", "highs"),),
        cli_backends=(),
        groep="familie-smoke",
        preset=preset,
        regiocapaciteit=regiocapaciteit,
        vorige_van=vorige_van,
    )


FAMILIE_SMOKE: tuple[Familie, ...] = (
    _smoke_lid("fs-01", 5, "standaard", None, None),
    _smoke_lid("fs-02", 5, "ruil", 0.8, "fs-01"),
)
"""Two tiny fictional rounds: the family's generator, hashing and re-run in CI (no real data)."""


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
    *FAMILIE_SMOKE,
    *NATIONAAL_FAMILIE,
    *NATIONAAL_30000_FAMILIE,
)


def groepen() -> dict[str, list[Familie]]:
    """The benchmark families of many rounds: groep name -> its members, in registry order."""
    uit: dict[str, list[Familie]] = {}
    for f in FAMILIES:
        if f.groep is not None:
            uit.setdefault(f.groep, []).append(f)
    return uit


def families(tier: str | None = None, namen: list[str] | None = None) -> list[Familie]:
    """Families of a tier, or by name.

    Parameters
    ----------
    tier
        ``smoke``, ``full`` or ``familie``: the families of that tier. Ignored when
        ``namen`` is given (names select from every tier).
    namen
        Only these families, in registry order. The name of a groep (e.g.
        ``nationaal-familie``) selects all its members; a member whose
        ``vorige_van`` is not selected brings that member along (it runs first).
        An unknown name raises ``KeyError``.
    """
    per_groep = groepen()
    bekend = {f.naam for f in FAMILIES} | set(per_groep)
    if namen:
        onbekend = [n for n in namen if n not in bekend]
        if onbekend:
            raise KeyError(
                f"onbekende familie(s): {', '.join(onbekend)}; "
                f"bekend zijn: {', '.join(sorted(bekend))}"
            )
        gekozen = {n for n in namen if n not in per_groep}
        for n in namen:
            gekozen |= {f.naam for f in per_groep.get(n, [])}
    else:
        gekozen = {f.naam for f in FAMILIES if tier is None or f.tier == tier}
    erbij = {f.vorige_van for f in FAMILIES if f.naam in gekozen and f.vorige_van}
    while erbij - gekozen:  # the members whose outcome a re-run needs
        gekozen |= erbij
        erbij = {f.vorige_van for f in FAMILIES if f.naam in gekozen and f.vorige_van}
    return [f for f in FAMILIES if f.naam in gekozen]


def familie(naam: str) -> Familie:
    """The family (or member) called ``naam``; ``KeyError`` when there is none."""
    for f in FAMILIES:
        if f.naam == naam:
            return f
    families(namen=[naam])  # raises the Dutch KeyError (also for a groep name)
    raise KeyError(f"'{naam}' is een groep van families, geen enkele familie")
