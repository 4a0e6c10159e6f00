"""Write a round's result: CSV tables, the Excel workbook, map, HTML report, JSON summary
and the round archive.

All files of one run land in one output folder that appears atomically (see
`allocatie.io.atomisch.atomische_map`): an interrupted run leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from allocatie.io.atomisch import atomisch_pad, atomische_map
from allocatie.kern.taal import aantal
from allocatie.kern.voortgang import Voortgang, fase
from allocatie.reports.archief import schrijf_archief
from allocatie.reports.html import schrijf_rapport
from allocatie.reports.kaart import teken_kaart
from allocatie.reports.overzicht import NIVEAUS, niveaus_tabel, rond_af, verklaringen
from allocatie.reports.tekst import csv_veilig
from allocatie.reports.werkboek import schrijf_werkboek
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance

__all__ = [
    "ARCHIEF",
    "TABELLEN",
    "json_tekst",
    "niveaus_tabel",
    "samenvatting",
    "schrijf_csv",
    "schrijf_json",
    "schrijf_uitvoer",
    "schrijf_werkboek",
    "verklaringen",
]

#: Result tables written as CSV, one file each (``verschuivingen`` only on a re-run,
#: ``ruilingen`` only with taakstelling swaps).
TABELLEN = ("per_gemeente", "plaatsingen", "onbediend", "onhaalbaar", "per_optie")
#: File name of the round archive in the output folder.
ARCHIEF = "ronde.gpkg"


def samenvatting(inst: Instance, res: AllocationResult) -> dict[str, Any]:
    """The machine-readable summary of a run, with the round's identity and inputs.

    Each objective level also says what it counts (``eenheid``: ``personen``,
    ``huishoudens``, ``aandeel`` or ``kosten``) and its ``eindwaarde``: its
    value in the final placements, the figure ``aantallen`` counts too (``waarde``
    is the value when the level was solved).
    """
    data = res.samenvatting()
    for n in data["niveaus"]:
        n["eenheid"] = NIVEAUS.get(n["naam"], ("", ""))[1]
        eind = res.doelwaarden.get(n["naam"])
        n["eindwaarde"] = None if eind is None else float(eind)
    return {
        "ronde": inst.naam,
        "periode": inst.periode.label,
        "model": inst.preset.naam,
        "invoer_sha256": dict(inst.hashes),
        **data,
    }


def json_tekst(data: dict[str, Any]) -> str:
    """The JSON text of `schrijf_json` (UTF-8 characters kept, indented, final newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def schrijf_json(data: dict[str, Any], pad: str | Path) -> Path:
    """Write JSON (UTF-8, indented) atomically."""
    pad = Path(pad)
    with atomisch_pad(pad) as tmp:
        tmp.write_text(json_tekst(data), encoding="utf-8")
    return pad


def schrijf_csv(df: pd.DataFrame, pad: Path) -> None:
    """Write a result table as CSV (UTF-8, ``\\n``), safe to open in a spreadsheet.

    A text cell that a spreadsheet would run as a formula (beginning with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
    ``'`` (`allocatie.reports.tekst.csv_veilig`); numbers, and plain numbers
    written as text, stay as they are. `allocatie.invoer.vorige` takes the ``'`` off
    again when it reads ``plaatsingen.csv`` back.
    """
    csv_veilig(df).to_csv(pad, index=False, encoding="utf-8", lineterminator="\n")


def schrijf_uitvoer(
    inst: Instance,
    res: AllocationResult,
    map_: str | Path,
    *,
    overschrijf: bool = False,
    gestart: dt.datetime | None = None,
    klaar: dt.datetime | None = None,
    verklaring: dict[str, pd.DataFrame] | None = None,
    voortgang: Voortgang | None = None,
) -> Path:
    """Write every output of a round into the folder ``map_``, all at once.

    The folder holds the result tables (CSV, see `schrijf_csv`: `TABELLEN`, with
    ``onhaalbaar.csv`` the conflicting criteria of households without any
    option, on a re-run ``verschuivingen.csv``: what moved and why, and with
    taakstelling swaps ``ruilingen.csv``: who hands how many to whom), the
    explanations (`allocatie.resultaat.explain`: ``verklaring.csv``,
    ``verklaring_gemeenten.csv``),
    ``niveaus.csv``, the workbook ``allocatie.xlsx``, ``samenvatting.json``,
    the map ``kaart.png``, the HTML report ``rapport.html`` (with the map
    embedded) and the round archive ``ronde.gpkg``
    (`allocatie.reports.archief.schrijf_archief`).

    Parameters
    ----------
    inst, res
        The round and its (verified) result.
    map_
        The output folder; its parent is created if needed.
    overschrijf
        Replace an existing non-empty folder; without it that is an error.
    gestart, klaar
        Start and end of the run, for the archive's metadata (see
        `allocatie.reports.archief.schrijf_archief`).
    verklaring
        The explanation tables (`allocatie.reports.overzicht.verklaringen`),
        when already computed; computed here otherwise (for a national round
        that takes a while: compute them once when you also show them).
    voortgang
        Receiver of progress events (`allocatie.kern.voortgang`): one phase
        ``uitvoer`` with a phase ``uitvoer:<onderdeel>`` per writer (and
        ``uitvoer:verklaring`` when ``verklaring`` is computed here).

    Returns
    -------
    Path
        The output folder.

    Raises
    ------
    InvoerFout
        When ``map_`` is a file, or exists, is not empty and ``overschrijf``
        is False. When any writer fails (or the run is interrupted) the
        folder does not appear and an existing one is left as it was.
    """
    with fase(voortgang, "uitvoer", "Uitvoer schrijven") as details:
        if verklaring is None:
            with fase(voortgang, "uitvoer:verklaring", "Verklaringen opstellen"):
                verklaring = verklaringen(inst, res)
        with atomische_map(map_, overschrijf=overschrijf) as tmp:
            with fase(voortgang, "uitvoer:tabellen", "Tabellen (CSV)") as d:
                tabellen = TABELLEN + (("verschuivingen",) if res.vorige is not None else ())
                tabellen += ("ruilingen",) if inst.preset.ruil.toegestaan else ()
                # Travel times and costs rounded for users (`rond_af`); the archive
                # keeps the exact values.
                for t in tabellen:
                    schrijf_csv(rond_af(getattr(res, t)), tmp / f"{t}.csv")
                schrijf_csv(niveaus_tabel(res), tmp / "niveaus.csv")
                for naam, df in verklaring.items():
                    schrijf_csv(rond_af(df), tmp / f"{naam}.csv")
                d.append(aantal(len(tabellen) + 1 + len(verklaring), "bestand", "bestanden"))
            with fase(voortgang, "uitvoer:werkboek", "Werkboek (allocatie.xlsx)"):
                schrijf_werkboek(inst, res, tmp / "allocatie.xlsx", verklaring)
            with fase(voortgang, "uitvoer:json", "Samenvatting (samenvatting.json)"):
                schrijf_json(samenvatting(inst, res), tmp / "samenvatting.json")
            with fase(voortgang, "uitvoer:kaart", "Kaart (kaart.png)"):
                teken_kaart(inst, res, tmp / "kaart.png")
            with fase(voortgang, "uitvoer:rapport", "Rapport (rapport.html)"):
                schrijf_rapport(
                    inst,
                    res,
                    tmp / "rapport.html",
                    kaart_png=tmp / "kaart.png",
                    verklaring=verklaring,
                )
            with fase(voortgang, "uitvoer:archief", f"Rondearchief ({ARCHIEF})"):
                schrijf_archief(inst, res, tmp / ARCHIEF, gestart=gestart, klaar=klaar)
            n = sum(1 for _ in tmp.iterdir())
        details.append(f"{aantal(n, 'bestand', 'bestanden')} in {map_}")
    return Path(map_)
