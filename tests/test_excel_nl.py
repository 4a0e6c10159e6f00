"""Files as Dutch Excel saves them give the same results as the plain CSVs (issue 18).

The example round (data/voorbeeld) and the planning example (data/plan/plan-csv.toml)
are converted to Excel-NL CSVs: ``;`` between fields, decimal comma, UTF-8 BOM, CRLF
line ends and dates as ``d-m-jjjj``. Read through the one reader (`allocatie.io.csvlezer`),
they must give the same instance, the same allocation and the same scenarios.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from allocatie import laad_ronde, los_op
from allocatie.planning.invoer.config import lees_planconfig

DATA = Path(__file__).resolve().parents[1] / "data"
_GETAL = re.compile(r"-?[0-9]+\.[0-9]+")
_DATUM = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _excel_nl_cel(cel: str) -> str:
    """A cell as Dutch Excel writes it: decimal comma, dates as d-m-jjjj, text unchanged."""
    if _GETAL.fullmatch(cel):
        return cel.replace(".", ",")
    m = _DATUM.fullmatch(cel)
    if m is not None:
        return f"{int(m.group(3))}-{int(m.group(2))}-{m.group(1)}"
    return cel


def _excel_nl(bron: Path, doel: Path) -> int:
    """Write ``bron`` (a comma CSV) to ``doel`` as Excel-NL; return the cells changed."""
    with bron.open(encoding="utf-8", newline="") as f:
        rijen = list(csv.reader(f))
    uit = io.StringIO(newline="")
    schrijver = csv.writer(uit, delimiter=";", lineterminator="\r\n")
    schrijver.writerow(rijen[0])
    veranderd = 0
    for rij in rijen[1:]:
        nieuw = [_excel_nl_cel(c) for c in rij]
        veranderd += sum(a != b for a, b in zip(rij, nieuw, strict=True))
        schrijver.writerow(nieuw)
    doel.write_bytes(b"\xef\xbb\xbf" + uit.getvalue().encode("utf-8"))
    return veranderd


@pytest.fixture(scope="module")
def excel_ronde(tmp_path_factory: pytest.TempPathFactory) -> Path:
    map_ = tmp_path_factory.mktemp("excel_nl")
    shutil.copy(DATA / "voorbeeld" / "ronde.toml", map_ / "ronde.toml")
    shutil.copy(DATA / "voorbeeld" / "gemeenten.geojson", map_ / "gemeenten.geojson")
    for bron in sorted((DATA / "voorbeeld").glob("*.csv")):
        _excel_nl(bron, map_ / bron.name)
    return map_


def test_omzetting_raakt_getallen_en_datums(excel_ronde: Path) -> None:
    """The converted round really uses the Excel-NL notation (else the test proves nothing)."""
    flex = (excel_ronde / "flexlocaties.csv").read_bytes()
    assert flex.startswith(b"\xef\xbb\xbfaanbod_id;naam;") and b"\r\n" in flex
    tekst = flex.decode("utf-8-sig")
    assert ";0,33;" in tekst and ";19-1-2025;" in tekst and "." not in tekst.split("\r\n")[1]
    huishoudens = (excel_ronde / "huishoudens.csv").read_text(encoding="utf-8-sig")
    assert ";5-1-2025;" in huishoudens and "2025-01" not in huishoudens


def test_excel_nl_ronde_geeft_dezelfde_verdeling(
    excel_ronde: Path, opgelost: tuple[Any, Any]
) -> None:
    inst, res = opgelost
    excel = laad_ronde(excel_ronde)
    for tabel in ("gemeenten", "huishoudens", "opties", "regiocapaciteit"):
        a, b = getattr(inst, tabel), getattr(excel, tabel)
        kolommen = [c for c in a.columns if c != "geometry"]
        pd.testing.assert_frame_equal(
            pd.DataFrame(a[kolommen]), pd.DataFrame(b[kolommen]), obj=tabel
        )
    excel_res = los_op(excel)
    pd.testing.assert_frame_equal(res.plaatsingen, excel_res.plaatsingen)
    pd.testing.assert_frame_equal(res.per_gemeente, excel_res.per_gemeente)
    assert len(res.plaatsingen) > 0


def test_planvoorbeeld_met_puntkomma_en_decimale_komma(tmp_path: Path) -> None:
    shutil.copy(DATA / "plan" / "plan-csv.toml", tmp_path / "plan-csv.toml")
    veranderd = _excel_nl(
        DATA / "plan" / "scenarios-voorbeeld.csv", tmp_path / "scenarios-voorbeeld.csv"
    )
    assert veranderd > 0  # the kansen (0.25, ...) are written with a decimal comma
    kommabestand = lees_planconfig(DATA / "plan" / "plan-csv.toml").instantie.scenarios
    excel = lees_planconfig(tmp_path / "plan-csv.toml").instantie.scenarios
    assert excel.namen == kommabestand.namen
    assert (excel.regios, excel.perioden, excel.klassen) == (
        kommabestand.regios,
        kommabestand.perioden,
        kommabestand.klassen,
    )
    assert np.array_equal(excel.kansen, kommabestand.kansen)
    assert np.array_equal(excel.instroom, kommabestand.instroom)
    assert np.array_equal(excel.aanbod, kommabestand.aanbod)
