"""Tests for `allocatie.reports.qgisstijl`: QGIS styles stored in the round archive.

The archive of the example round (with boundaries) and of a round without them
(gemeenten as points) is written for real; its ``layer_styles`` table is read
back with sqlite3 and each style parsed as XML.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from bouwers import flex, gemeente, huishouden, los, ronde, woning

import allocatie
from allocatie.reports.archief import lees_archief, schrijf_archief
from allocatie.reports.kaartstijl import KLASSEN, vervullingsklasse
from allocatie.reports.qgisstijl import STIJLLAGEN, klasse_regels, qml, velden_in_qml

REPO = Path(__file__).resolve().parents[1]


def _stijlen(pad: Path) -> dict[str, tuple[str, str, int, str]]:
    with sqlite3.connect(pad) as db:
        rijen = db.execute(
            "SELECT f_table_name, f_geometry_column, styleQML, useAsDefault, f_table_schema "
            "FROM layer_styles"
        ).fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rijen}


@pytest.fixture(scope="module")
def archief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inst = allocatie.laad_ronde(REPO / "data" / "voorbeeld", model="ruil")
    res = allocatie.los_op(inst)
    return schrijf_archief(inst, res, tmp_path_factory.mktemp("qgis") / "ronde.gpkg")


def test_stijl_per_kaartlaag(archief: Path) -> None:
    """One default style per map layer; the QML parses and names only the layer's columns."""
    stijlen = _stijlen(archief)
    kaartlagen = {str(n) for n, t in pyogrio.list_layers(archief) if t is not None}
    assert set(stijlen) == kaartlagen == set(STIJLLAGEN)
    with sqlite3.connect(archief) as db:
        geomkolom = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
    for laag, (kolom, tekst, standaard, schema) in stijlen.items():
        assert kolom == geomkolom[laag] and standaard == 1 and schema == ""
        wortel = ET.fromstring(tekst.split("\n", 1)[1])
        assert wortel.tag == "qgis" and wortel.find("renderer-v2") is not None
        kolommen = set(pyogrio.read_info(archief, layer=laag)["fields"])
        velden = velden_in_qml(tekst)
        assert velden and velden <= kolommen, laag
    # The gemeenten of the result are coloured per fulfilment class, with the map's colours.
    wortel = ET.fromstring(stijlen["resultaat_gemeenten"][1].split("\n", 1)[1])
    regels = wortel.findall(".//rule")
    assert [r.get("label") for r in regels] == [k.label for k in KLASSEN]
    kleuren = [p.get("v") for p in wortel.findall(".//symbol/layer/prop") if p.get("k") == "color"]
    assert kleuren[0] == "178,24,43,255" and len(set(kleuren)) == len(KLASSEN)
    assert {s.get("type") for s in wortel.iter("symbol")} == {"fill"}
    # Flex sites are points.
    flex_qml = ET.fromstring(stijlen["resultaat_flexlocaties"][1].split("\n", 1)[1])
    assert {s.get("type") for s in flex_qml.iter("symbol")} == {"marker"}


def test_archief_leest_nog(archief: Path) -> None:
    """The extra table does not disturb reading the archive back."""
    a = lees_archief(archief)
    assert "layer_styles" not in a.lagen
    assert len(a.lagen["resultaat_gemeenten"]) == 12


def test_klassen_als_kaart() -> None:
    """The filter of each class selects exactly the gemeenten `vervullingsklasse` puts there:
    each rule evaluated on a grid of opgave and placed (a tiny evaluator for the few operators
    the rules use, via Python's ``eval`` with QGIS's column quotes turned into names)."""
    opgave, geplaatst = np.meshgrid(np.arange(0, 9), np.arange(0, 12))
    opgave, geplaatst = opgave.ravel(), geplaatst.ravel()
    verwacht = vervullingsklasse(opgave, geplaatst)
    regels = [
        r.replace('"opgave_na_ruil"', "o")
        .replace('"geplaatst"', "g")
        .replace(" AND ", " and ")
        .replace(" = ", " == ")
        .replace("coalesce(o, 0)", "o")
        for r in klasse_regels()
    ]
    for o, g, k in zip(opgave.tolist(), geplaatst.tolist(), verwacht.tolist(), strict=True):
        raak = [i for i, r in enumerate(regels) if eval(r, {}, {"o": o, "g": g})]
        assert raak == [k], (o, g)


def test_gemeenten_als_punten(tmp_path: Path) -> None:
    """Without boundaries the gemeenten are points; their style draws circles."""
    inst = ronde(
        [gemeente(1), gemeente(2, 10)],
        {1: 2, 2: 0},
        [huishouden("H1", 1)],
        [woning("W1", 1, max_p=1)],
        [flex("F1", 2, 10, eenheden=1, capaciteit=2)],
    )
    pad = schrijf_archief(inst, los(inst), tmp_path / "p.gpkg")
    stijlen = _stijlen(pad)
    assert set(stijlen) == set(STIJLLAGEN)
    wortel = ET.fromstring(stijlen["resultaat_gemeenten"][1].split("\n", 1)[1])
    assert {s.get("type") for s in wortel.iter("symbol")} == {"marker"}


def test_onbekende_laag() -> None:
    with pytest.raises(ValueError, match="geen kaartstijl"):
        qml("invoer_huishoudens", "vlak")


_QGIS_SCRIPT = """
import sys
from qgis.core import QgsApplication, QgsExpression, QgsFeatureRequest, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
for laag in sys.argv[2:]:
    vl = QgsVectorLayer(f"{sys.argv[1]}|layername={laag}", laag, "ogr")
    _, ok = vl.loadDefaultStyle()
    r = vl.renderer()
    aantallen = []
    if r.type() == "RuleRenderer":
        for regel in r.rootRule().children():
            if regel.filterExpression() != "ELSE":
                verzoek = QgsFeatureRequest(QgsExpression(regel.filterExpression()))
                aantallen.append(str(sum(1 for _ in vl.getFeatures(verzoek))))
    print(laag, vl.isValid(), ok, r.type(), ",".join(aantallen), flush=True)
# PyQGIS may crash tearing down layers that outlive exitQgis(): leave without teardown.
import os
os._exit(0)
"""


def _qgis_python() -> str | None:
    """A Python that imports QGIS (Debian's python3-qgis), or None."""
    import os
    import subprocess

    for kandidaat in (os.environ.get("QGIS_PYTHON"), "/usr/bin/python3"):
        if kandidaat and Path(kandidaat).exists():
            r = subprocess.run([kandidaat, "-c", "import qgis.core"], capture_output=True)
            if r.returncode == 0:
                return kandidaat
    return None


def test_qgis_laadt_de_stijlen(archief: Path) -> None:
    """QGIS itself (when installed) loads each layer's default style from the archive, and
    the classes of the gemeenten count what `vervullingsklasse` counts."""
    import os
    import subprocess

    python = _qgis_python()
    if python is None:
        pytest.skip("QGIS (python3-qgis) niet geïnstalleerd")
    r = subprocess.run(
        [python, "-c", _QGIS_SCRIPT, str(archief), *STIJLLAGEN],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    uit = {regel.split()[0]: regel.split()[1:] for regel in r.stdout.splitlines() if regel}
    assert set(uit) == set(STIJLLAGEN)
    for laag, (geldig, geladen, *_) in uit.items():
        assert (geldig, geladen) == ("True", "True"), laag
    assert uit["resultaat_gemeenten"][2] == "RuleRenderer"
    g = lees_archief(archief).lagen["resultaat_gemeenten"]
    klasse = vervullingsklasse(g["opgave_na_ruil"].to_numpy(), g["geplaatst"].to_numpy())
    verwacht = [int((klasse == k).sum()) for k in range(len(KLASSEN))]
    assert uit["resultaat_gemeenten"][3] == ",".join(map(str, verwacht))
