"""Names beside region codes: the optional name columns of the gemeenten table are kept.

`allocatie basis` writes ``provincie_naam`` and ``arbeidsmarktregio_naam``; a round
made from it (`allocatie genereer --basis`) carries them, and the loader keeps them
so that reports show "Groningen (AM01)" rather than a bare code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import allocatie
from allocatie.reports.namen import regionamen

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"


def test_namen_in_de_gemeententabel_blijven_behouden(tmp_path: Path) -> None:
    ronde = tmp_path / "ronde"
    shutil.copytree(VOORBEELD, ronde)
    pad = ronde / "gemeenten.geojson"
    data = json.loads(pad.read_text(encoding="utf-8"))
    for f in data["features"]:
        code = f["properties"]["arbeidsmarktregio_code"]
        f["properties"]["arbeidsmarktregio_naam"] = f"Regio van {code}"
        f["properties"]["provincie_naam"] = "Voorbeeldland"
    pad.write_text(json.dumps(data), encoding="utf-8")

    inst = allocatie.laad_ronde(ronde)
    gem = inst.gemeenten
    assert {"provincie_naam", "arbeidsmarktregio_naam"} <= set(gem.columns)
    codes = set(gem["arbeidsmarktregio_code"])
    assert regionamen(gem, "arbeidsmarktregio") == {c: f"Regio van {c}" for c in codes}
    assert set(regionamen(gem, "provincie").values()) == {"Voorbeeldland"}


def test_zonder_namen_geen_extra_kolommen() -> None:
    gem = allocatie.laad_ronde(VOORBEELD).gemeenten
    assert "arbeidsmarktregio_naam" not in gem.columns
