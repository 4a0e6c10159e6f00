"""The scenario CSV of a flex plan: read (`lees_scenarios`) and write (`schrijf_scenarios`).

Long format, one row per scenario, period, region and class (``data/SCHEMA.md``,
"Flexplanning: scenario-CSV"). Read through the one CSV reader of allocatie
(`allocatie.io.csvlezer`), so a comma file and a Dutch Excel file (semicolons,
decimal comma) give the same scenarios.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from allocatie.io.atomisch import schrijf_csv_atomisch
from allocatie.io.csvlezer import lees_csv
from allocatie.io.kolommen import onzichtbaar_teken, rijnummer
from allocatie.io.notatie import als_getal, decimaalteken
from allocatie.io.schema import bedoelde_u, beschermd_kenmerk, is_vrije_kolom
from allocatie.kern.errors import InvoerFout
from allocatie.planning.gegevens import Scenarioset

__all__ = ["KOLOMMEN", "lees_scenarios", "schrijf_scenarios"]

#: Columns of the scenario CSV, in the order the writer uses; ``kans`` is optional.
KOLOMMEN: tuple[str, ...] = ("scenario", "kans", "periode", "regio", "klasse", "instroom", "aanbod")
_TOLERANTIE = 1e-6


def _opsomming(namen: Sequence[str], maximum: int = 20) -> str:
    meer = f", ... ({len(namen)} in totaal)" if len(namen) > maximum else ""
    return ", ".join(namen[:maximum]) + meer


def lees_scenarios(
    pad: str | os.PathLike[str],
    *,
    regios: Sequence[str],
    perioden: Sequence[str],
    klassen: Sequence[str],
) -> Scenarioset:
    """Read a scenario CSV in long format (one row per scenario, period, region, class).

    Columns ``scenario, kans, periode, regio, klasse, instroom, aanbod`` in any
    order; ``kans`` is optional (absent: equal probabilities) and, when given,
    repeated on every row of a scenario. Read by the shared reader
    (`allocatie.io.csvlezer.lees_csv`): a comma file with decimal points or a
    semicolon file (Dutch Excel) with decimal commas, decided by the header;
    numbers by `allocatie.io.notatie.als_getal`. Every combination of scenario,
    period, region and class appears exactly once.

    Parameters
    ----------
    pad
        The file.
    regios, perioden, klassen
        The valid labels, in the order of the result's axes.

    Returns
    -------
    Scenarioset
        Scenarios in the order of their first row.

    Raises
    ------
    InvoerFout
        Naming the file and, where one is at fault, the row (header = 1),
        column and value: a missing or unknown column, an empty cell, an unknown
        period, region or class, a number that is not one or is negative, a kans
        outside [0, 1] or differing within a scenario, kansen not summing to 1,
        a duplicate row or a missing combination.

    Examples
    --------
    >>> import tempfile
    >>> pad = Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = pad.write_text("scenario;periode;regio;klasse;instroom;aanbod\\n"
    ...                    "hoog;2027-I;A;alleenstaand;12,5;3\\n")
    >>> s = lees_scenarios(pad, regios=["A"], perioden=["2027-I"], klassen=["alleenstaand"])
    >>> s.namen, s.kansen.tolist(), s.instroom.ravel().tolist()
    (('hoog',), [1.0], [12.5])
    """
    bestand = Path(pad)
    tabel = lees_csv(bestand, kolommen=KOLOMMEN)
    decimaal = decimaalteken(tabel)
    kop = [str(c) for c in tabel.columns]
    rijen: list[list[str]] = tabel.to_numpy(dtype=object).tolist()
    kolom = _kolommen(kop, bestand)
    if not rijen:
        raise InvoerFout("geen scenario's: het bestand heeft alleen een kopregel", bestand=bestand)
    assen = {
        "periode": {p: i for i, p in enumerate(perioden)},
        "regio": {r: i for i, r in enumerate(regios)},
        "klasse": {k: i for i, k in enumerate(klassen)},
    }
    namen: dict[str, int] = {}
    kansen: list[tuple[float, int]] = []  # (kans, spreadsheet row where it was first given)
    plaats: dict[tuple[int, int, int, int], int] = {}  # (s, r, t, k) -> spreadsheet row
    waarden: list[tuple[float, float]] = []
    for i, record in enumerate(rijen):
        rij = rijnummer(i)
        cel = {naam: record[j] for naam, j in kolom.items()}

        def fout(bericht: str, naam: str | None, waarde: object = None, rij: int = rij) -> NoReturn:
            raise InvoerFout(bericht, bestand=bestand, rij=rij, kolom=naam, waarde=waarde)

        for naam, w in cel.items():
            if w == "":
                fout("lege cel; waarde verplicht", naam)
            probleem = onzichtbaar_teken(w)
            if probleem is not None:
                fout(f"{probleem}; verwijder het (de waarde is met escapes getoond)", naam, w)
        index: dict[str, int] = {}
        for naam, bekend in assen.items():
            if cel[naam] not in bekend:
                fout(f"onbekende {naam}; kies uit {_opsomming(list(bekend))}", naam, cel[naam])
            index[naam] = bekend[cel[naam]]
        getal: dict[str, float] = {}
        for naam in ("instroom", "aanbod", "kans"):
            x = als_getal(cel[naam], decimaal) if naam in cel else math.nan
            if isinstance(x, float) and (x < 0 or (naam == "kans" and x > 1)):
                x = "kans moet tussen 0 en 1 liggen" if naam == "kans" else "moet >= 0 zijn"
            if isinstance(x, str):
                fout(x, naam, cel[naam])
            getal[naam] = float(x)
        s = namen.setdefault(cel["scenario"], len(namen))
        if s == len(kansen):
            kansen.append((getal["kans"], rij))
        elif "kans" in cel and getal["kans"] != kansen[s][0]:
            fout(
                f"scenario '{cel['scenario']}' heeft in rij {kansen[s][1]} kans {kansen[s][0]:g}; "
                "geef op elke rij van een scenario dezelfde kans",
                "kans",
                cel["kans"],
            )
        sleutel = (s, index["regio"], index["periode"], index["klasse"])
        if sleutel in plaats:
            fout(
                f"dubbele rij: scenario, periode, regio en klasse staan ook in rij "
                f"{plaats[sleutel]}; elke combinatie mag één keer voorkomen",
                "scenario",
                cel["scenario"],
            )
        plaats[sleutel] = rij
        waarden.append((getal["instroom"], getal["aanbod"]))

    vorm = (len(namen), len(regios), len(perioden), len(klassen))
    instroom, aanbod, gevuld = np.zeros(vorm), np.zeros(vorm), np.zeros(vorm, dtype=bool)
    idx = tuple(np.array(list(plaats), dtype=np.int64).T)
    gevuld[idx] = True
    instroom[idx], aanbod[idx] = np.array(waarden).T
    if not gevuld.all():
        s, r, t, k = (int(x) for x in np.argwhere(~gevuld)[0])
        raise InvoerFout(
            f"ontbrekende combinatie: scenario '{list(namen)[s]}', periode '{perioden[t]}', "
            f"regio '{regios[r]}', klasse '{klassen[k]}' heeft geen rij ({int((~gevuld).sum())} "
            f"van de {gevuld.size} combinaties ontbreken); verwacht één rij per scenario, "
            "periode, regio en klasse",
            bestand=bestand,
        )
    return Scenarioset(
        regios=tuple(regios),
        perioden=tuple(perioden),
        klassen=tuple(klassen),
        namen=tuple(namen),
        kansen=_kansen(namen, [k for k, _ in kansen], "kans" in kolom, bestand),
        instroom=instroom,
        aanbod=aanbod,
    )


def _kolommen(kop: list[str], bestand: Path) -> dict[str, int]:
    """Column name -> position; unknown, repeated and missing columns raise."""
    kolom: dict[str, int] = {}
    for j, naam in enumerate(kop):
        kenmerk = beschermd_kenmerk(naam)
        if kenmerk is not None:
            raise InvoerFout(
                f"beschermd kenmerk ({kenmerk}) in {bestand.name}: nationaliteit, herkomst, "
                "etniciteit, religie en geslacht worden nergens ingelezen; verwijder deze kolom",
                bestand=bestand,
                rij=1,
                kolom=naam,
            )
        if is_vrije_kolom(naam):
            continue  # a note for people (data/SCHEMA.md, "Strikte invoer"): never read
        if naam not in KOLOMMEN:
            raise InvoerFout(
                f"onbekende kolom `{naam}` in {bestand.name}{bedoelde_u(naam, KOLOMMEN)}; geldig "
                f"zijn {', '.join(KOLOMMEN)} (kans is optioneel)",
                bestand=bestand,
                rij=1,
                kolom=naam,
            )
        if naam in kolom:
            raise InvoerFout("dubbele kolom in de kopregel", bestand=bestand, rij=1, kolom=naam)
        kolom[naam] = j
    for naam in KOLOMMEN:
        if naam != "kans" and naam not in kolom:
            raise InvoerFout(
                f"verplichte kolom ontbreekt (aanwezig: {', '.join(kop)}); verwacht de kolommen "
                f"{', '.join(KOLOMMEN)} (kans is optioneel)",
                bestand=bestand,
                rij=1,
                kolom=naam,
            )
    return kolom


def _kansen(namen: Iterable[str], kansen: list[float], gegeven: bool, bestand: Path) -> np.ndarray:
    """The scenario probabilities: as given (summing to 1) or, if not given, equal."""
    if not gegeven:
        return np.full(len(kansen), 1.0 / len(kansen))
    p = np.array(kansen)
    if not math.isclose(p.sum(), 1.0, abs_tol=_TOLERANTIE):
        per = ", ".join(f"{n} {k:g}" for n, k in list(zip(namen, kansen, strict=True))[:10])
        raise InvoerFout(
            f"de kansen van de {len(p)} scenario's tellen op tot {p.sum():.9g}, niet tot 1 "
            f"({per}{', ...' if len(p) > 10 else ''}); pas ze aan of laat de kolom kans weg "
            "voor gelijke kansen",
            bestand=bestand,
            kolom="kans",
        )
    return p


def _tekst_getal(x: float) -> str:
    """Shortest text that reads back as exactly ``x`` (``1200`` rather than ``1200.0``)."""
    t = repr(float(x))
    return t[:-2] if t.endswith(".0") else t


def schrijf_scenarios(scenarioset: Scenarioset, pad: str | os.PathLike[str]) -> Path:
    """Write ``scenarioset`` as a comma-separated scenario CSV, atomically.

    Rows are ordered by scenario, period, region and class; numbers are written
    so that `lees_scenarios` reads back exactly the same values.

    Examples
    --------
    >>> import tempfile
    >>> from allocatie.planning.invoer.scenarios import Basispad, Schokken, genereer_scenarios
    >>> basis = Basispad(("A",), ("2027-I",), [10.0], [1.0], [1.0], [[4.0]], klassen=("alle",))
    >>> pad = schrijf_scenarios(genereer_scenarios(basis, Schokken(sigma=0, kans_korting=0,
    ...     kans_piek=0, sigma_aanbod=0), 1, seed=0), Path(tempfile.mkdtemp()) / "s.csv")
    >>> print(pad.read_text(), end="")
    scenario,kans,periode,regio,klasse,instroom,aanbod
    s001,1,2027-I,A,alle,10,4
    """
    s = scenarioset
    vorm = (s.n, len(s.perioden), len(s.regios), len(s.klassen))
    ii, tt, rr, kk = (a.ravel() for a in np.indices(vorm))
    tabel = pd.DataFrame(
        {
            "scenario": np.array(s.namen, dtype=object)[ii],
            "kans": [_tekst_getal(x) for x in s.kansen[ii]],
            "periode": np.array(s.perioden, dtype=object)[tt],
            "regio": np.array(s.regios, dtype=object)[rr],
            "klasse": np.array(s.klassen, dtype=object)[kk],
            "instroom": [_tekst_getal(x) for x in s.instroom[ii, rr, tt, kk]],
            "aanbod": [_tekst_getal(x) for x in s.aanbod[ii, rr, tt, kk]],
        }
    )
    return schrijf_csv_atomisch(tabel, pad)
