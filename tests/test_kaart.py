"""Tests for `allocatie.reports.kaart`: the static fulfilment map.

The maps are rendered for real (Agg, no display) and checked as files: a PNG of
a sensible size, written atomically, without warnings. How they look was checked
by eye (docs: the report of the "Real geography" issue).
"""

from __future__ import annotations

import dataclasses
import doctest
import logging
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image

import allocatie
from allocatie.kern.errors import InvoerFout
from allocatie.reports import kaart, kaartelementen, kaartstijl
from allocatie.reports.kaart import (
    BRON_CBS,
    GEEN_OPGAVE,
    KLASSEN,
    teken_kaart,
    teken_vervullingskaart,
    vervullingsklasse,
)

REPO = Path(__file__).resolve().parents[1]
NL2024 = REPO.parent / "shared" / "data" / "nl2024"
PNG_HANDTEKENING = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def voorbeeld() -> tuple[allocatie.Instance, allocatie.AllocationResult]:
    inst = allocatie.laad_ronde(REPO / "data" / "voorbeeld")
    return inst, allocatie.los_op(inst)


def _controleer_png(pad: Path, *, min_px: int = 800) -> tuple[int, int]:
    assert pad.exists()
    assert pad.read_bytes()[:8] == PNG_HANDTEKENING
    with Image.open(pad) as im:
        breedte, hoogte = im.size
    assert min_px <= breedte <= 4000 and min_px <= hoogte <= 4000
    assert 20_000 < pad.stat().st_size < 5_000_000
    assert not list(pad.parent.glob(".*.tmp")), "temporary file left behind"
    return breedte, hoogte


@pytest.mark.parametrize("module", [kaart, kaartstijl, kaartelementen], ids=lambda m: m.__name__)
def test_doctests(module: Any) -> None:
    assert doctest.testmod(module).failed == 0


def test_stijl_zonder_matplotlib() -> None:
    """The classes and colours (used by the SVG map and the tables) need no matplotlib."""
    code = (
        "import sys; import allocatie.reports.kaartstijl, allocatie.reports.svgkaart; "
        "print('matplotlib' in sys.modules)"
    )
    uit = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert uit.strip() == "False"
    assert kaart.KLASSEN is kaartstijl.KLASSEN  # still importable from kaart


def test_vervullingsklasse() -> None:
    """Opgave 8: 1 -> <25%, 2 -> 25-50%, 4 -> 50-75%, 7 -> 75-100%, 8 -> gehaald, 9 -> over."""
    opgave = np.array([8, 8, 8, 8, 8, 8, 0, 0, 4])
    geplaatst = np.array([1, 2, 4, 7, 8, 9, 0, 3, 0])
    assert vervullingsklasse(opgave, geplaatst).tolist() == [0, 1, 2, 3, 4, 5, 6, 6, 0]
    assert KLASSEN[GEEN_OPGAVE].arcering  # "geen opgave" is hatched
    assert len({k.kleur for k in KLASSEN}) == len(KLASSEN)


def test_voorbeeldronde(
    tmp_path: Path,
    voorbeeld: tuple[allocatie.Instance, allocatie.AllocationResult],
    caplog: pytest.LogCaptureFixture,
) -> None:
    inst, res = voorbeeld
    doel = tmp_path / "kaart.png"
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING):
        warnings.simplefilter("error")
        uit = teken_kaart(inst, res, doel)
    assert uit == doel
    breedte, hoogte = _controleer_png(doel)
    assert breedte > hoogte * 0.8  # map plus legend panel
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_zonder_grenzen_punten(
    tmp_path: Path, voorbeeld: tuple[allocatie.Instance, allocatie.AllocationResult]
) -> None:
    inst, res = voorbeeld
    zonder = dataclasses.replace(inst, grenzen=None)
    _controleer_png(teken_kaart(zonder, res, tmp_path / "punten.png", titel="Zonder grenzen"))


def test_bronvermelding(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    voorbeeld: tuple[allocatie.Instance, allocatie.AllocationResult],
) -> None:
    """Fictional codes (GM9xxx) say so; real codes with boundaries credit CBS and Kadaster."""
    gezien: dict[str, Any] = {}

    def vang(gdf: gpd.GeoDataFrame, pad: Path, **kw: Any) -> Path:
        gezien.update(kw, gdf=gdf)
        return Path(pad)

    monkeypatch.setattr(kaart, "teken_vervullingskaart", vang)
    inst, res = voorbeeld
    teken_kaart(inst, res, tmp_path / "a.png")
    assert gezien["bronvermelding"].startswith("Fictieve")
    assert len(gezien["locaties"]) == 3  # the three flex sites
    assert gezien["gdf"]["geplaatst"].sum() == res.per_gemeente["geplaatst"].sum()

    echt = {f"GM90{i:02d}": f"GM03{i:02d}" for i in range(1, 13)}
    gem = inst.gemeenten.assign(gemeente_code=inst.gemeenten["gemeente_code"].map(echt))
    pg = res.per_gemeente.assign(gemeente_code=res.per_gemeente["gemeente_code"].map(echt))
    teken_kaart(
        dataclasses.replace(inst, gemeenten=gem), dataclasses.replace(res, per_gemeente=pg), "x"
    )
    assert gezien["bronvermelding"] == BRON_CBS


def test_map_bestaat_niet(
    tmp_path: Path, voorbeeld: tuple[allocatie.Instance, allocatie.AllocationResult]
) -> None:
    inst, res = voorbeeld
    with pytest.raises(InvoerFout, match="bestaat niet"):
        teken_kaart(inst, res, tmp_path / "geen_map" / "kaart.png")


def test_landelijke_kaart_echte_grenzen(tmp_path: Path) -> None:
    """342 real gemeenten with a made-up fulfilment, through the drawing core."""
    gpkg = NL2024 / "cbsgebiedsindelingen_2024.gpkg"
    if not gpkg.exists():
        pytest.skip(f"echte gegevens ontbreken: {gpkg}")
    g = gpd.read_file(gpkg, layer="gemeente_gegeneraliseerd")
    inw = pd.read_csv(NL2024 / "cbs_inwoners_2024.csv")
    g = g.merge(inw, left_on="statcode", right_on="gemeente_code")
    rng = np.random.default_rng(2024)
    g["opgave"] = np.ceil(15_000 * g["inwoners"] / g["inwoners"].sum()).astype(int)
    g.loc[rng.random(len(g)) < 0.03, "opgave"] = 0
    g["geplaatst"] = np.round(g["opgave"] * rng.uniform(0, 1.4, len(g))).astype(int)
    punt = g.geometry.representative_point()
    i = rng.choice(len(g), 20, replace=False)
    locaties = pd.DataFrame(
        {"x": punt.x.to_numpy()[i], "y": punt.y.to_numpy()[i], "capaciteit_personen": 300}
    )
    locaties["personen"] = rng.integers(0, 300, 20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pad = teken_vervullingskaart(
            g,
            tmp_path / "nl.png",
            locaties=locaties,
            titel="Nederland (fictieve vervulling)",
            bronvermelding=BRON_CBS,
        )
    _controleer_png(pad, min_px=1000)
