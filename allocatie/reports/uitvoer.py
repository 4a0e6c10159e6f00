"""Write a round's result as CSV tables, one Excel workbook and a JSON summary.

All files of one run land in one output folder that appears atomically (see
`allocatie.io.atomisch.atomische_map`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from allocatie.explain import verklaar, verklaar_gemeenten
from allocatie.instance import Instance
from allocatie.io.atomisch import atomisch_pad, atomische_map
from allocatie.reports.kaart import teken_kaart
from allocatie.result import AllocationResult

#: Sheet / file name -> table, in workbook order.
TABELLEN = ("per_gemeente", "plaatsingen", "onbediend", "per_optie")
BLADNAMEN = {
    "samenvatting": "Samenvatting",
    "per_gemeente": "Per gemeente",
    "plaatsingen": "Plaatsingen",
    "onbediend": "Onbediend",
    "per_optie": "Per optie",
    "niveaus": "Doelniveaus",
    "verklaring": "Verklaring",
    "verklaring_gemeenten": "Verklaring gemeenten",
}


def samenvatting(inst: Instance, res: AllocationResult) -> dict[str, Any]:
    """The machine-readable summary of a run, with the round's identity and inputs."""
    return {
        "ronde": inst.naam,
        "periode": inst.periode.label,
        "model": inst.preset.naam,
        "invoer_sha256": dict(inst.hashes),
        **res.samenvatting(),
    }


def niveaus_tabel(res: AllocationResult) -> pd.DataFrame:
    """One row per objective level: status, value, bound, gap, held limit, time."""
    return pd.DataFrame(
        [
            {
                "niveau": n.naam,
                "status": n.status.value,
                "waarde": n.waarde,
                "grens": n.grens,
                "gap": n.gap,
                "vastgehouden_op": n.vastgehouden,
                "herberekend": res.doelwaarden.get(n.naam),
                "tijd_s": round(n.tijd_s, 3),
            }
            for n in res.niveaus
        ]
    )


def schrijf_json(data: dict[str, Any], pad: str | Path) -> Path:
    """Write JSON (UTF-8, indented) atomically."""
    pad = Path(pad)
    with atomisch_pad(pad) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return pad


def _samenvattingsblad(inst: Instance, res: AllocationResult) -> pd.DataFrame:
    s = res.samenvatting()["aantallen"]
    rijen = [
        ("Ronde", inst.naam),
        ("Periode", inst.periode.label),
        ("Modelpreset", inst.preset.naam),
        ("Status", res.status.value),
        ("Solver", res.solver),
        ("Gap (grootste over de niveaus)", res.gap),
        ("Rekentijd (s)", round(res.wall_s, 2)),
        ("Huishoudens geplaatst", s["huishoudens_geplaatst"]),
        ("Personen geplaatst", s["personen_geplaatst"]),
        ("Huishoudens onbediend", s["huishoudens_onbediend"]),
        ("Personen onbediend", s["personen_onbediend"]),
        ("Resterende opgave (personen)", s["opgave"]),
        ("Tekort op taakstellingen (personen)", s["tekort"]),
        ("Overvulling (personen)", s["overvulling"]),
        *((f"Signaal {i + 1}", t) for i, t in enumerate(res.signalen)),
    ]
    return pd.DataFrame(rijen, columns=["onderwerp", "waarde"])


def verklaringen(inst: Instance, res: AllocationResult) -> dict[str, pd.DataFrame]:
    """The explanation tables: per household and per gemeente with a shortfall."""
    return {
        "verklaring": verklaar(inst, res),
        "verklaring_gemeenten": verklaar_gemeenten(inst, res),
    }


def schrijf_werkboek(
    inst: Instance,
    res: AllocationResult,
    pad: str | Path,
    verklaring: dict[str, pd.DataFrame] | None = None,
) -> Path:
    """One Excel workbook with a sheet per table (bold header, frozen first row).

    ``verklaring`` are the explanation tables (`verklaringen`), computed here if
    not given.
    """
    pad = Path(pad)
    bladen = {
        "samenvatting": _samenvattingsblad(inst, res),
        **{t: getattr(res, t) for t in TABELLEN},
        "niveaus": niveaus_tabel(res),
        **(verklaringen(inst, res) if verklaring is None else verklaring),
    }
    with atomisch_pad(pad) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for sleutel, df in bladen.items():
                naam = BLADNAMEN[sleutel]
                df.to_excel(xw, sheet_name=naam, index=False)
                ws = xw.sheets[naam]
                ws.freeze_panes = "A2"
                for cel in ws[1]:
                    cel.font = Font(bold=True)
                for i, kolom in enumerate(df.columns, start=1):
                    breedte = max([len(str(kolom))] + [len(str(v)) for v in df[kolom].head(200)])
                    ws.column_dimensions[get_column_letter(i)].width = min(60, breedte + 2)
    return pad


def schrijf_uitvoer(
    inst: Instance, res: AllocationResult, map_: str | Path, *, overschrijf: bool = False
) -> Path:
    """Write every table (CSV), the workbook, the map and ``samenvatting.json`` to ``map_``.

    The explanations (`allocatie.explain`) go to ``verklaring.csv``,
    ``verklaring_gemeenten.csv`` and their own sheets.
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
    return Path(map_)
