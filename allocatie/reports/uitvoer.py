"""Write a round's result: CSV tables, the Excel workbook, map, HTML report, JSON summary.

All files of one run land in one output folder that appears atomically (see
`allocatie.io.atomisch.atomische_map`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from allocatie.instance import Instance
from allocatie.io.atomisch import atomisch_pad, atomische_map
from allocatie.reports.html import schrijf_rapport
from allocatie.reports.kaart import teken_kaart
from allocatie.reports.overzicht import niveaus_tabel, verklaringen
from allocatie.reports.werkboek import schrijf_werkboek
from allocatie.result import AllocationResult

__all__ = [
    "TABELLEN",
    "niveaus_tabel",
    "samenvatting",
    "schrijf_json",
    "schrijf_uitvoer",
    "schrijf_werkboek",
    "verklaringen",
]

#: Result tables written as CSV, one file each.
TABELLEN = ("per_gemeente", "plaatsingen", "onbediend", "per_optie")


def samenvatting(inst: Instance, res: AllocationResult) -> dict[str, Any]:
    """The machine-readable summary of a run, with the round's identity and inputs."""
    return {
        "ronde": inst.naam,
        "periode": inst.periode.label,
        "model": inst.preset.naam,
        "invoer_sha256": dict(inst.hashes),
        **res.samenvatting(),
    }


def schrijf_json(data: dict[str, Any], pad: str | Path) -> Path:
    """Write JSON (UTF-8, indented) atomically."""
    pad = Path(pad)
    with atomisch_pad(pad) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return pad


def schrijf_uitvoer(
    inst: Instance, res: AllocationResult, map_: str | Path, *, overschrijf: bool = False
) -> Path:
    """Write every table (CSV), the workbook, the map, the report and ``samenvatting.json``.

    The explanations (`allocatie.explain`) go to ``verklaring.csv``,
    ``verklaring_gemeenten.csv``, the workbook and the HTML report
    (``rapport.html``, with ``kaart.png`` embedded).
    """
    verklaring = verklaringen(inst, res)
    with atomische_map(map_, overschrijf=overschrijf) as tmp:
        for t in TABELLEN:
            getattr(res, t).to_csv(
                tmp / f"{t}.csv", index=False, encoding="utf-8", lineterminator="\n"
            )
        niveaus_tabel(res).to_csv(tmp / "niveaus.csv", index=False, lineterminator="\n")
        for naam, df in verklaring.items():
            df.to_csv(tmp / f"{naam}.csv", index=False, encoding="utf-8", lineterminator="\n")
        schrijf_werkboek(inst, res, tmp / "allocatie.xlsx", verklaring)
        schrijf_json(samenvatting(inst, res), tmp / "samenvatting.json")
        teken_kaart(inst, res, tmp / "kaart.png")
        schrijf_rapport(
            inst, res, tmp / "rapport.html", kaart_png=tmp / "kaart.png", verklaring=verklaring
        )
    return Path(map_)
