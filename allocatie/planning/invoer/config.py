"""Read a flex capacity plan (``plan.toml``) into a `Planconfig`.

The file format is documented in ``data/SCHEMA.md`` ("Flexplanning") and
commented in ``data/plan/plan.toml``. Loading is strict: an unknown section
or key is a `ConfiguratieFout` naming the file and the key (a typo must not be
ignored), and so is every value outside its range. Scenarios come from a CSV
next to the TOML (`allocatie.planning.invoer.scenariobestand.lees_scenarios`) or
from the generator (`allocatie.planning.invoer.scenarios.genereer_scenarios`). The
TOML is read by the shared strict reader (`allocatie.io.tomllezer`); the plan's
parts are in `allocatie.planning.invoer.planconfig`, its sensitivity variants in
`allocatie.planning.invoer.varianten` (every variant is checked on reading).

Examples
--------
>>> from allocatie.kern.meegeleverd import planvoorbeeld_map
>>> pad = planvoorbeeld_map() / "plan.toml"
>>> config = lees_planconfig(pad)
>>> config.instantie.scenarios.instroom.shape  # (scenarios, regions, periods, classes)
(100, 12, 10, 3)
>>> len(varianten(config)) > 0
True
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

import numpy as np

from allocatie.io.tomllezer import TomlLezer, in_bestand, lees_toml
from allocatie.planning.gegevens import (
    KLASSEN,
    MAX_PERIODEN,
    Flextype,
    Kosten,
    Planinstantie,
    Regio,
    Risico,
    Scenarioset,
    Verplaatsing,
)
from allocatie.planning.invoer.planconfig import (
    BELEIDEN,
    BELEIDEN_MOGELIJK,
    PARAMETERS,
    Generatie,
    Gevoeligheid,
    Planconfig,
    Sweep,
    controleer_omvang,
)
from allocatie.planning.invoer.scenariobestand import lees_scenarios
from allocatie.planning.invoer.scenarios import Basispad, Schokken, genereer_scenarios, perioden
from allocatie.planning.invoer.varianten import varianten
from allocatie.solvers.base import SolverOpties

__all__ = ["lees_planconfig"]

#: Comparison policies a plan can be set against (``[beleid] vergelijk``).

_ALLEEN_FACTOR = {"scenarios.instroom", "scenarios.aanbod"}
_ALLEEN_WAARDE = {"scenarios.seed"}

_SECTIES = {
    "plan": {"naam", "eerste_periode", "perioden", "klassen", "doorstroom"},
    "scenarios": {"bestand", "aantal", "seed", "instroom", "schokken"},
    "kosten": {f.name for f in fields(Kosten)},
    "risico": {f.name for f in fields(Risico)},
    "flextype": {f.name for f in fields(Flextype)},
    "verplaatsing": {f.name for f in fields(Verplaatsing)},
    "regio": {"naam", "aandeel", "aanbod", "achterstand", "bestaand", "bezetting", "max_modules"},
    "solver": {f.name for f in fields(SolverOpties)},
    "sweep": {"workers", "scheduler"},
    "beleid": {"vergelijk"},
    "gevoeligheid": {"parameter", "flextype", "factoren", "waarden"},
}
_LIJSTEN = {"flextype", "regio", "gevoeligheid"}  # arrays of tables: [[...]]


# --------------------------------------------------------------------------- checks


_in = in_bestand


class _Lezer(TomlLezer):
    """The shared strict TOML access (`allocatie.io.tomllezer.TomlLezer`) plus plan tables."""

    def __init__(self, pad: Path) -> None:
        super().__init__(pad)
        self.pad: Path = pad

    def per_naam(
        self, waarde: object, sleutel: str, namen: tuple[str, ...], *, alle: bool = False
    ) -> dict[str, float]:
        """A table name -> number (e.g. class -> persons); ``alle``: every name must be there."""
        tabel = self.tabel(waarde, sleutel, set(namen))
        for k in namen if alle else ():
            if k not in tabel:
                raise self.fout(f"noem elke klasse: {', '.join(namen)}", f"{sleutel}.{k}")
        return {k: self.getal(v, f"{sleutel}.{k}") for k, v in tabel.items()}

    def per_periode(self, waarde: object, sleutel: str, aantal: int) -> list[float]:
        """One number for every period, or a list of ``aantal`` numbers."""
        if isinstance(waarde, list):
            if len(waarde) != aantal:
                raise self.fout(
                    f"verwacht één getal of een lijst van {aantal} getallen (één per periode)",
                    sleutel,
                    waarde,
                )
            return [self.getal(w, f"{sleutel}[{i + 1}]") for i, w in enumerate(waarde)]
        return [self.getal(waarde, sleutel)] * aantal


# --------------------------------------------------------------------------- sections


def _regio(lz: _Lezer, tabel: dict[str, Any], i: int, klassen: tuple[str, ...]) -> Regio:
    naam = lz.tekst(lz.verplicht(tabel, "naam", f"regio[{i + 1}]"), f"regio[{i + 1}].naam")
    pre = f"regio.{naam}"
    delen: dict[str, Any] = {}
    for deel in ("bestaand", "bezetting", "max_modules"):
        if deel in tabel:
            tab = lz.tabel(tabel[deel], f"{pre}.{deel}")
            delen[deel] = {
                k: lz.geheel(v, f"{pre}.{deel}.{k}")
                if deel != "bezetting"
                else lz.getal(v, f"{pre}.{deel}.{k}")
                for k, v in tab.items()
            }
    if "achterstand" in tabel:
        delen["achterstand"] = lz.per_naam(tabel["achterstand"], f"{pre}.achterstand", klassen)
    with _in(lz.pad):
        return Regio(naam=naam, **delen)


def _flextype(lz: _Lezer, tabel: dict[str, Any], i: int, klassen: tuple[str, ...]) -> Flextype:
    naam = lz.tekst(lz.verplicht(tabel, "naam", f"flextype[{i + 1}]"), f"flextype[{i + 1}].naam")
    pre = f"flextype.{naam}"
    waarden: dict[str, Any] = {"naam": naam}
    for veld in fields(Flextype):
        if veld.name not in tabel:
            if veld.default is MISSING and veld.default_factory is MISSING:
                raise lz.fout("verplichte sleutel ontbreekt", f"{pre}.{veld.name}")
            continue
        w, sleutel = tabel[veld.name], f"{pre}.{veld.name}"
        if veld.name == "klassen":
            waarden["klassen"] = lz.namen(w, sleutel, klassen)
        elif veld.name in ("levertijd", "minimale_looptijd", "exploitatietermijn"):
            waarden[veld.name] = lz.geheel(w, sleutel)
        elif veld.name != "naam":
            waarden[veld.name] = lz.getal(
                w, sleutel, minimum=1e-9 if veld.name == "plaatsen" else 0
            )
    with _in(lz.pad):
        return Flextype(**waarden)


def _kosten(lz: _Lezer, tabel: dict[str, Any], klassen: tuple[str, ...]) -> Kosten:
    wachten = lz.verplicht(tabel, "wachten", "kosten")
    if isinstance(wachten, dict):
        per_klasse = lz.per_naam(wachten, "kosten.wachten", klassen, alle=True)
    else:
        per_klasse = dict.fromkeys(klassen, lz.getal(wachten, "kosten.wachten"))
    overig = {
        k: lz.getal(tabel[k], f"kosten.{k}")
        for k in ("verdringing", "eind_achterstand")
        if k in tabel
    }
    return Kosten(wachten=per_klasse, **overig)


def _risico(lz: _Lezer, tabel: dict[str, Any]) -> Risico:
    waarden: dict[str, Any] = {}
    if "maat" in tabel:
        waarden["maat"] = lz.tekst(tabel["maat"], "risico.maat")
    for k in ("alfa", "gewicht"):
        if k in tabel:
            waarden[k] = lz.getal(tabel[k], f"risico.{k}", maximum=1.0)
    with _in(lz.pad):
        return Risico(**waarden)


def _verplaatsing(lz: _Lezer, tabel: dict[str, Any], regios: tuple[str, ...]) -> Verplaatsing:
    waarden: dict[str, Any] = {}
    if "toegestaan" in tabel:
        if not isinstance(tabel["toegestaan"], bool):
            raise lz.fout("verwacht true of false", "verplaatsing.toegestaan", tabel["toegestaan"])
        waarden["toegestaan"] = tabel["toegestaan"]
    for k in ("kosten", "subsidie"):
        if k in tabel:
            waarden[k] = lz.getal(tabel[k], f"verplaatsing.{k}")
    if "duur" in tabel:
        waarden["duur"] = lz.geheel(tabel["duur"], "verplaatsing.duur")
    if "paren" in tabel:
        paren: list[tuple[str, str]] = []
        lijst = tabel["paren"]
        for paar in lijst if isinstance(lijst, list) else [lijst]:
            if not (isinstance(paar, list) and len(paar) == 2 and paar[0] != paar[1]):
                raise lz.fout(
                    "verwacht een lijst van paren van twee verschillende regio's, bijv. "
                    '[["Groningen", "Drenthe"]]',
                    "verplaatsing.paren",
                    paar,
                )
            a, b = lz.namen(paar, "verplaatsing.paren", regios)
            paren += [(a, b), (b, a)]  # a pair allows moves both ways
        waarden["paren"] = tuple(dict.fromkeys(paren))
    with _in(lz.pad):
        return Verplaatsing(**waarden)


def _scenarios(
    lz: _Lezer,
    data: dict[str, Any],
    regios: tuple[str, ...],
    labels: tuple[str, ...],
    klassen: tuple[str, ...],
) -> tuple[Scenarioset, Generatie | None, Path | None]:
    tabel = lz.verplicht(data, "scenarios")
    regiotabellen: list[dict[str, Any]] = data.get("regio", [])
    if "bestand" in tabel:
        for k in sorted(set(tabel) - {"bestand"}):
            raise lz.fout(
                "met 'bestand' komen de scenario's uit een CSV; laat deze sleutel weg of "
                "verwijder 'bestand' om scenario's te genereren",
                f"scenarios.{k}",
            )
        for r in regiotabellen:
            for k in ("aandeel", "aanbod"):
                if k in r:
                    raise lz.fout(
                        "wordt alleen gebruikt bij gegenereerde scenario's; met [scenarios] "
                        "bestand staat het aanbod in de scenario-CSV: verwijder deze sleutel",
                        f"regio.{r.get('naam')}.{k}",
                    )
        csv = lz.pad.parent / lz.tekst(tabel["bestand"], "scenarios.bestand")
        set_ = lees_scenarios(csv, regios=regios, perioden=labels, klassen=klassen)
        controleer_omvang(
            set_.n, len(labels), len(regios), len(klassen), pad=lz.pad, sleutel="scenarios.bestand"
        )
        return set_, None, csv
    aantal = lz.geheel(lz.verplicht(tabel, "aantal", "scenarios"), "scenarios.aantal", minimum=1)
    controleer_omvang(
        aantal, len(labels), len(regios), len(klassen), pad=lz.pad, sleutel="scenarios.aantal"
    )
    seed = lz.geheel(lz.verplicht(tabel, "seed", "scenarios"), "scenarios.seed")
    instroom = lz.tabel(
        lz.verplicht(tabel, "instroom", "scenarios"),
        "scenarios.instroom",
        {"personen_per_periode", "samenstelling"},
    )
    personen = lz.per_periode(
        lz.verplicht(instroom, "personen_per_periode", "scenarios.instroom"),
        "scenarios.instroom.personen_per_periode",
        len(labels),
    )
    sleutel = "scenarios.instroom.samenstelling"
    mix = lz.per_naam(
        lz.verplicht(instroom, "samenstelling", "scenarios.instroom"), sleutel, klassen, alle=True
    )
    if not math.isclose(sum(mix.values()), 1.0, abs_tol=1e-6):
        raise lz.fout(f"de aandelen tellen op tot {sum(mix.values()):.6g}; verwacht 1", sleutel)
    schokken_tabel = lz.tabel(
        tabel.get("schokken", {}), "scenarios.schokken", {f.name for f in fields(Schokken)}
    )
    with _in(lz.pad, "scenarios."):
        schokken = Schokken(**schokken_tabel)
    aandelen, aanbod = [], []
    for r, naam in zip(regiotabellen, regios, strict=True):
        pre = f"regio.{naam}"
        aandelen.append(lz.getal(lz.verplicht(r, "aandeel", pre), f"{pre}.aandeel", maximum=1.0))
        tab = lz.tabel(lz.verplicht(r, "aanbod", pre), f"{pre}.aanbod", set(klassen))
        for k in klassen:
            if k not in tab:
                raise lz.fout(f"noem elke klasse: {', '.join(klassen)}", f"{pre}.aanbod.{k}")
        aanbod.append([lz.per_periode(tab[k], f"{pre}.aanbod.{k}", len(labels)) for k in klassen])
    if not math.isclose(sum(aandelen), 1.0, abs_tol=1e-6):
        raise lz.fout(
            f"de aandelen van de regio's tellen op tot {sum(aandelen):.6g}; ze moeten samen 1 "
            "zijn (pas er een of meer aan)",
            "regio.aandeel",
        )
    with _in(lz.pad, "scenarios."):
        basis = Basispad(
            regios=regios,
            perioden=labels,
            personen=np.array(personen),
            aandelen=np.array(aandelen),
            samenstelling=np.array([mix[k] for k in klassen]),
            aanbod=np.array(aanbod).transpose(0, 2, 1),  # (R, K, T) -> (R, T, K)
            klassen=klassen,
        )
        set_ = genereer_scenarios(basis, schokken, aantal, seed)
    return set_, Generatie(basis, schokken, aantal, seed), None


def _gevoeligheid(
    lz: _Lezer, tabel: dict[str, Any], i: int, typen: tuple[str, ...]
) -> Gevoeligheid:
    pre = f"gevoeligheid[{i + 1}]"
    parameter = lz.tekst(lz.verplicht(tabel, "parameter", pre), f"{pre}.parameter")
    if parameter not in PARAMETERS:
        raise lz.fout(
            f"onbekende parameter; kies uit {', '.join(PARAMETERS)}", f"{pre}.parameter", parameter
        )
    flextype = None
    if "flextype" in tabel:
        if not parameter.startswith("flextype."):
            raise lz.fout("alleen bij een parameter flextype.*", f"{pre}.flextype")
        flextype = lz.namen([tabel["flextype"]], f"{pre}.flextype", typen)[0]
    if ("factoren" in tabel) == ("waarden" in tabel):
        raise lz.fout("geef óf factoren (vermenigvuldigen) óf waarden (vervangen)", pre)
    soort = "factoren" if "factoren" in tabel else "waarden"
    lijst = tabel[soort]
    if soort == "waarden" and parameter in _ALLEEN_FACTOR:
        raise lz.fout("deze parameter kent alleen factoren", f"{pre}.waarden")
    if soort == "factoren" and parameter in _ALLEEN_WAARDE:
        raise lz.fout("deze parameter kent alleen waarden", f"{pre}.factoren")
    if not isinstance(lijst, list) or not lijst:
        raise lz.fout("verwacht een lijst met getallen", f"{pre}.{soort}", lijst)
    getallen = tuple(lz.getal(w, f"{pre}.{soort}") for w in lijst)
    return Gevoeligheid(parameter, flextype, **{soort: getallen})


# --------------------------------------------------------------------------- reading


def lees_planconfig(pad: str | os.PathLike[str]) -> Planconfig:
    """Read and check ``plan.toml`` (format: ``data/SCHEMA.md``).

    Raises
    ------
    ConfiguratieFout
        Naming the file and the dotted key: a missing file, invalid TOML, an
        unknown section or key, a missing key or a value out of range.
    InvoerFout
        From the scenario CSV, naming that file, row, column and value.
    """
    bestand = Path(pad)
    data, inhoud = lees_toml(bestand, soort="planbestand")
    lz = _Lezer(bestand)
    lz.secties(data, _SECTIES, lijsten=_LIJSTEN)
    for sectie, waarde in data.items():
        if sectie in _LIJSTEN:
            for i, t in enumerate(waarde):
                lz.tabel(t, f"{sectie}[{i + 1}]", _SECTIES[sectie])
        else:
            lz.tabel(waarde, sectie, _SECTIES[sectie])

    plan = lz.verplicht(data, "plan")
    naam = lz.tekst(lz.verplicht(plan, "naam", "plan"), "plan.naam")
    aantal = lz.geheel(lz.verplicht(plan, "perioden", "plan"), "plan.perioden", minimum=1)
    if aantal > MAX_PERIODEN:
        raise lz.fout(
            f"verwacht hoogstens {MAX_PERIODEN} perioden ({MAX_PERIODEN // 2} jaar)",
            "plan.perioden",
            aantal,
        )
    with _in(bestand, "plan.eerste_periode"):
        labels = perioden(lz.verplicht(plan, "eerste_periode", "plan"), aantal)
    klassen = lz.namen(plan["klassen"], "plan.klassen", None) if "klassen" in plan else KLASSEN
    doorstroom = lz.getal(plan.get("doorstroom", 0.0), "plan.doorstroom", maximum=1.0)

    if not data.get("regio"):
        raise lz.fout("noem minstens één regio met een tabel [[regio]]", "regio")
    regios = tuple(_regio(lz, t, i, klassen) for i, t in enumerate(data["regio"]))
    typen = tuple(_flextype(lz, t, i, klassen) for i, t in enumerate(data.get("flextype", [])))
    namen = tuple(r.naam for r in regios)
    for soort, lijst in (("regio", namen), ("flextype", tuple(f.naam for f in typen))):
        for i, n in enumerate(lijst):
            if n in lijst[:i]:
                raise lz.fout(
                    f"deze naam komt twee keer voor; elke {soort} heeft een eigen naam",
                    f"{soort}[{i + 1}].naam",
                    n,
                )
    per_type = {f.naam: f for f in typen}
    for r in regios:
        for deel in ("bestaand", "bezetting", "max_modules"):
            for t in getattr(r, deel):
                if t not in per_type:
                    bekend = ", ".join(per_type) or "(geen [[flextype]])"
                    raise lz.fout(
                        f"onbekend flextype; kies uit {bekend}",
                        f"regio.{r.naam}.{deel}.{t}",
                    )
        for t, personen in r.bezetting.items():
            f = per_type[t]
            if personen > r.bestaand.get(t, 0) * f.plaatsen:
                raise lz.fout(
                    f"meer bewoners dan plaatsen in de bestaande modules "
                    f"({r.bestaand.get(t, 0)} × {f.plaatsen:g})",
                    f"regio.{r.naam}.bezetting.{t}",
                    personen,
                )
    scenarioset, generatie, csv = _scenarios(lz, data, namen, labels, klassen)
    with _in(bestand):
        instantie = Planinstantie(
            regios=regios,
            flextypen=typen,
            kosten=_kosten(lz, lz.verplicht(data, "kosten"), klassen),
            scenarios=scenarioset,
            verplaatsing=_verplaatsing(lz, data.get("verplaatsing", {}), namen),
            doorstroom=doorstroom,
            risico=_risico(lz, data.get("risico", {})),
        )
        solver = SolverOpties(**data.get("solver", {}))
    sweep_tabel = data.get("sweep", {})
    sweep = Sweep(
        workers=lz.geheel(sweep_tabel.get("workers", 0), "sweep.workers"),
        scheduler=lz.tekst(sweep_tabel["scheduler"], "sweep.scheduler")
        if "scheduler" in sweep_tabel
        else None,
    )
    beleid_tabel = data.get("beleid", {})
    beleid = (
        lz.namen(beleid_tabel["vergelijk"], "beleid.vergelijk", BELEIDEN_MOGELIJK)
        if "vergelijk" in beleid_tabel
        else BELEIDEN
    )
    specs = tuple(
        _gevoeligheid(lz, t, i, tuple(f.naam for f in typen))
        for i, t in enumerate(data.get("gevoeligheid", []))
    )
    config = Planconfig(
        naam=naam,
        instantie=instantie,
        solver=solver,
        sweep=sweep,
        beleid=beleid,
        gevoeligheid=specs,
        pad=bestand,
        sha256=hashlib.sha256(inhoud).hexdigest(),
        ruw=data,
        generatie=generatie,
        scenariobestand=csv,
    )
    varianten(config)  # every variant must be valid: report it now, with the file
    return config
