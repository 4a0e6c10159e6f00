"""Check and write a flex plan: the independent check of every policy, and the output folder.

`controleer_vergelijking` re-checks the outcome of every policy (and every
sensitivity variant) with `allocatie.planning.model.controle.controleer_plan`, code
that shares nothing with the model; a plan that fails is refused
(`VerificatieFout`) before anything is reported. `schrijf_planuitvoer` writes
every output of ``allocatie plan`` into one folder that appears atomically
(`allocatie.io.atomisch.atomische_map`): an interrupted run leaves nothing.

Files (`BESTANDEN`): ``plan.csv``, ``beleid.csv``, ``achterstand.csv``,
``gevoeligheid.csv``, ``verplaatsingen.csv``, ``businesscase.csv``,
``scenarios.csv``, ``samenvatting.json``,
``plan.xlsx``, ``waaier.png``, ``capaciteit.png`` and ``rapport.html``; with
the rolling policy also ``rollend.csv``, ``rollend_halfjaar.csv`` and
``rollend.png`` (`bestanden_van`).
"""

from __future__ import annotations

import math
import platform
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from allocatie.io.atomisch import atomische_map, schrijf_csv_atomisch
from allocatie.kern.errors import VerificatieFout
from allocatie.kern.taal import aantal
from allocatie.kern.versie import VERSIE
from allocatie.kern.voortgang import Voortgang, fase
from allocatie.planning.gegevens import Planinstantie
from allocatie.planning.invoer.scenariobestand import schrijf_scenarios
from allocatie.planning.model.bouw import Beperking
from allocatie.planning.model.controle import controleer_plan
from allocatie.planning.model.uitkomst import BELEIDSTITELS
from allocatie.planning.uitvoer import tabellen as tb
from allocatie.planning.uitvoer.rapport import schrijf_planrapport
from allocatie.planning.uitvoer.vergelijking import Planvergelijking
from allocatie.planning.uitvoer.waaier import teken_capaciteit, teken_rollend, teken_waaier
from allocatie.planning.uitvoer.werkboek import schrijf_planwerkboek
from allocatie.reports.uitvoer import schrijf_json

if TYPE_CHECKING:
    from allocatie.planning.invoer.planconfig import Planconfig

__all__ = [
    "BEPERKINGEN",
    "BESTANDEN",
    "ROLLEND_BESTANDEN",
    "bestanden_van",
    "controleer_vergelijking",
    "plan_kop",
    "samenvatting",
    "schrijf_planuitvoer",
]

#: Every file `schrijf_planuitvoer` writes.
BESTANDEN: tuple[str, ...] = (
    "plan.csv",
    "beleid.csv",
    "achterstand.csv",
    "gevoeligheid.csv",
    "verplaatsingen.csv",
    "businesscase.csv",
    "scenarios.csv",
    "samenvatting.json",
    "plan.xlsx",
    "waaier.png",
    "capaciteit.png",
    "rapport.html",
)


#: The files written only with the rolling policy, each after the file it follows.
ROLLEND_BESTANDEN: tuple[tuple[str, str], ...] = (
    ("businesscase.csv", "rollend.csv"),
    ("rollend.csv", "rollend_halfjaar.csv"),
    ("capaciteit.png", "rollend.png"),
)


def bestanden_van(vgl: Planvergelijking) -> tuple[str, ...]:
    """The files `schrijf_planuitvoer` writes for ``vgl``: `BESTANDEN`, plus `ROLLEND_BESTANDEN`.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> bestanden_van(SimpleNamespace(uitkomsten={"rollend": None}))[5:8]
    ('businesscase.csv', 'rollend.csv', 'rollend_halfjaar.csv')
    """
    namen = list(BESTANDEN)
    if "rollend" in vgl.uitkomsten:
        for na, naam in ROLLEND_BESTANDEN:
            namen.insert(namen.index(na) + 1, naam)
    return tuple(namen)


#: The restriction each policy's plan was made under (perfect information: none to check).
BEPERKINGEN: dict[str, Beperking | None] = {
    "stochastisch": Beperking(),
    "gemiddeld": Beperking(),
    "statisch": Beperking("statisch"),
    "geen_flex": Beperking("geen_flex"),
    "rollend": None,  # one plan per scenario: each checked against its own scenario
    "perfecte_informatie": None,
}


def controleer_vergelijking(
    vgl: Planvergelijking, varianten: Sequence[tuple[str, Planinstantie]] = ()
) -> str:
    """Re-check every policy's and variant's outcome independently; a Dutch line on it.

    Parameters
    ----------
    vgl
        The comparison.
    varianten
        The sensitivity variants ``(name, instance)`` passed to
        `plan_flexcapaciteit`: each variant is checked against its own
        instance (a variant without one here is not checked, and the line
        says so).

    Raises
    ------
    VerificatieFout
        When an outcome breaks a rule of the model; every violation is prefixed
        with the policy or variant it belongs to.
    """
    schendingen: list[str] = []
    for b, u in vgl.uitkomsten.items():
        try:
            controleer_plan(vgl.instantie, u, beperking=BEPERKINGEN.get(b))
        except VerificatieFout as fout:
            schendingen += [f"{BELEIDSTITELS.get(b, b)}: {s}" for s in fout.schendingen]
    per_naam = dict(varianten)
    m = 0
    for v in vgl.varianten:
        if v.naam not in per_naam:  # its instance is needed: a variant changes parameters
            continue
        m += 1
        try:
            controleer_plan(per_naam[v.naam], v.uitkomst, beperking=Beperking())
        except VerificatieFout as fout:
            schendingen += [f"variant '{v.naam}': {s}" for s in fout.schendingen]
    if schendingen:
        raise VerificatieFout(schendingen)
    wat = aantal(len(vgl.uitkomsten), "beleid", "beleidsregels") + (
        f" en {aantal(m, 'variant', 'varianten')}" if m else ""
    )
    rest = len(vgl.varianten) - m
    niet = (
        f" ({aantal(rest, 'variant', 'varianten')} zonder instantie niet nagerekend)"
        if rest
        else ""
    )
    return (
        "Onafhankelijke controle (allocatie.planning.model.controle): "
        f"{wat} nagerekend, geslaagd{niet}."
    )


def plan_kop(config: Planconfig | None) -> dict[str, Any]:
    """The identity of a plan for the outputs: name, TOML file and its SHA-256."""
    if config is None:
        return {"naam": "Flexplan", "config": None, "config_sha256": None}
    return {"naam": config.naam, "config": str(config.pad), "config_sha256": config.sha256}


def _json_waarde(v: Any) -> Any:
    """A value JSON can hold: NaN and infinities become null, numpy scalars Python's."""
    if isinstance(v, Mapping):
        return {str(k): _json_waarde(w) for k, w in v.items()}
    if isinstance(v, list | tuple):
        return [_json_waarde(w) for w in v]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _versies() -> dict[str, str]:
    uit = {"allocatie": VERSIE, "python": platform.python_version()}
    for pakket in ("numpy", "scipy", "pandas", "highspy", "matplotlib", "openpyxl"):
        try:
            uit[pakket] = metadata.version(pakket)
        except metadata.PackageNotFoundError:  # pragma: no cover - optional
            continue
    return uit


def samenvatting(
    vgl: Planvergelijking,
    *,
    kop: Mapping[str, Any] | None = None,
    controle: str = "",
    gevoeligheid: Any = None,
) -> dict[str, Any]:
    """The machine-readable summary (``samenvatting.json``).

    Per policy the row of `allocatie.planning.uitvoer.tabellen.beleid_tabel` (the same
    numbers as ``beleid.csv``), the key figures (VSS, value of scaling and of
    flex, EVPI; null when not computed), the stochastic plan's solver, status,
    gap and time, the sensitivity variants, the plan's identity and the
    software versions.
    """
    s = vgl.stochastisch
    o = vgl.opgelost.get("stochastisch")
    beleid = tb.beleid_tabel(vgl)
    gev = tb.gevoeligheid_tabel(vgl) if gevoeligheid is None else gevoeligheid
    inst = vgl.instantie
    data = {
        **(kop or plan_kop(None)),
        "scenarios": len(s.kansen),
        "perioden": list(inst.perioden),
        "regios": [r.naam for r in inst.regios],
        "flextypen": [f.naam for f in inst.flextypen],
        "risico": {"maat": inst.risico.maat, "alfa": inst.risico.alfa},
        **tb.kerncijfers(vgl),
        "rollend": tb.rollend_tabel(vgl).to_dict(orient="records"),
        "solver": {
            "solver": s.solver,
            "methode": None if o is None else o.methode,
            "status": s.status.value,
            "grens": None if o is None else o.grens,
            "gap": None if o is None else o.gap,
            "tijd_s": s.tijd_s,
        },
        "beleid": {r["beleid"]: r for r in beleid.to_dict(orient="records")},
        "gevoeligheid": gev.to_dict(orient="records"),
        "controle": controle,
        "tijd_s": vgl.tijd_s,
        "workers": vgl.workers,
        "pad": vgl.pad,
        "versies": _versies(),
    }
    return _json_waarde(data)


def schrijf_planuitvoer(
    vgl: Planvergelijking,
    map_: str | Path,
    *,
    config: Planconfig | None = None,
    varianten: Sequence[tuple[str, Planinstantie]] = (),
    controle: str = "",
    overschrijf: bool = False,
    voortgang: Voortgang | None = None,
) -> Path:
    """Write every output of a plan (`BESTANDEN`) into the folder ``map_``, all at once.

    Parameters
    ----------
    vgl
        The comparison, checked (`controleer_vergelijking`).
    map_
        The output folder; its parent is created if needed.
    config
        The plan's configuration: its name, file and SHA-256 for the summary,
        its TOML for the parameter tables.
    varianten
        The sensitivity variants ``(name, instance)``.
    controle
        The Dutch line of `controleer_vergelijking`.
    overschrijf
        Replace an existing non-empty folder that allocatie wrote (see
        `allocatie.io.uitvoermap`); without it that is an error.
    voortgang
        Receiver of progress events: one phase ``plan:uitvoer``.

    Raises
    ------
    InvoerFout
        When ``map_`` is a file, or exists, is not empty and ``overschrijf`` is
        False, or holds files allocatie did not write. When any writer fails the
        folder does not appear.
    """
    kop = plan_kop(config)
    ruw = {} if config is None else config.ruw
    instanties = dict(varianten)
    with fase(voortgang, "plan:uitvoer", "Uitvoer schrijven") as details:
        gev = tb.gevoeligheid_tabel(vgl, instanties)
        with atomische_map(map_, overschrijf=overschrijf) as tmp:
            schrijf_csv_atomisch(tb.plan_tabel(vgl), tmp / "plan.csv")
            schrijf_csv_atomisch(tb.beleid_tabel(vgl), tmp / "beleid.csv")
            schrijf_csv_atomisch(tb.achterstand_tabel(vgl), tmp / "achterstand.csv")
            schrijf_csv_atomisch(gev, tmp / "gevoeligheid.csv")
            schrijf_csv_atomisch(tb.verplaatsingen_tabel(vgl), tmp / "verplaatsingen.csv")
            schrijf_csv_atomisch(tb.businesscase_tabel(vgl), tmp / "businesscase.csv")
            rol = tb.rollend_tabel(vgl)
            if len(rol):
                schrijf_csv_atomisch(rol, tmp / "rollend.csv")
            rollend_png = None
            if "rollend" in vgl.uitkomsten:
                schrijf_csv_atomisch(tb.rollend_halfjaar_tabel(vgl), tmp / "rollend_halfjaar.csv")
                rollend_png = teken_rollend(vgl, tmp / "rollend.png").read_bytes()
            schrijf_scenarios(vgl.instantie.scenarios, tmp / "scenarios.csv")
            schrijf_json(
                samenvatting(vgl, kop=kop, controle=controle, gevoeligheid=gev),
                tmp / "samenvatting.json",
            )
            schrijf_planwerkboek(
                vgl, tmp / "plan.xlsx", kop=kop, ruw=ruw, controle=controle, gevoeligheid=gev
            )
            teken_waaier(vgl, tmp / "waaier.png")
            teken_capaciteit(vgl, tmp / "capaciteit.png")
            schrijf_planrapport(
                vgl,
                tmp / "rapport.html",
                naam=kop["naam"],
                waaier_png=(tmp / "waaier.png").read_bytes(),
                capaciteit_png=(tmp / "capaciteit.png").read_bytes(),
                rollend_png=rollend_png,
                ruw=ruw,
                controle=controle,
                gevoeligheid=gev,
            )
            n = sum(1 for _ in tmp.iterdir())
        details.append(f"{aantal(n, 'bestand', 'bestanden')} in {map_}")
    return Path(map_)
