"""Hostile text from the input in every renderer, and CSV formula injection (issue 17).

Names, ids and the round name come from files anyone could have written. Each
scenario below is one defect found at the time, with the expected outcome:

1. ``$x_$`` in a name or title made matplotlib's mathtext fail after the solve
   (the run's result lost): now the map is drawn, ``$`` literally.
2. A control character or a character the font lacks warned (an error under
   ``-W error``) while drawing: now drawn as U+FFFD or a box, without warning.
3. A 500-character name ran across the whole map: now cut with an ellipsis.
4. Bidi overrides and zero-width characters reached the HTML report as is
   (they reorder or hide text): now shown as U+FFFD; the round name sits in
   ``<bdi>``.
5. A very long name stretched the report's tables: now cut to `MAX_NAAM`,
   the full name in the cell's tooltip.
6. The interactive SVG map carried bidi overrides in its tooltips and labels.
7. A control character in the round name went into the workbook's document
   properties: invalid XML that Excel refuses to open without repair.
8. The workbook dropped control characters from cells silently: now U+FFFD,
   and every other character (bidi, ``$``) is kept as data.
9. rich read ``[...]`` in a name as markup (``[/red]`` raised MarkupError):
   `console_tekst` escapes it; the progress display does not read markup.
10. ESC and other control characters in a progress line reached the terminal.
11. CSV cells beginning with ``=``, ``+``, ``-``, ``@``, tab or CR were written
    as is (a spreadsheet runs them as formulas): now with a leading ``'``,
    numbers untouched.
12. The quote must not change what allocatie reads back: ``plaatsingen.csv``
    (``--vorige-uitkomst``) reads back to the original ids.
13. End to end through ``allocatie ronde``: a gemeente and round name with
    ``$x^2$``, ``$x_$``, a bidi override and 500 characters, formula-like ids:
    exit 0 and every output written, the data files holding the originals.
"""

from __future__ import annotations

import dataclasses
import doctest
import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from xml.dom import minidom

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

import allocatie.reports.tekst as tekst_mod
from allocatie.cli import app
from allocatie.cli.voortgang import TerminalVoortgang
from allocatie.invoer.laden import laad_ronde
from allocatie.invoer.vorige import lees_vorige_uitkomst
from allocatie.kern.voortgang import Melding
from allocatie.reports import kaart as kaart_mod
from allocatie.reports.archief import lees_archief
from allocatie.reports.html import rapport_html
from allocatie.reports.kaart import teken_vervullingskaart
from allocatie.reports.tekst import (
    ELLIPS,
    MAX_LABEL,
    MAX_NAAM,
    VERVANGTEKEN,
    console_tekst,
    csv_terug,
    csv_veilig,
    csv_waarde,
    csv_waarde_terug,
    veilige_tekst,
)
from allocatie.reports.uitvoer import schrijf_csv
from allocatie.reports.werkboek import schrijf_werkboek
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance
from allocatie.strategie.oplossen import los_op

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
runner = CliRunner()

#: Characters that must never be shown as they are (control, bidi, zero-width, separators).
VERBORGEN = [
    "\x00",
    "\x07",
    "\x1b",
    "\r",
    "\x7f",
    "\u0085",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u202e",
    "\u2066",
    "\u2028",
    "\ufeff",
]
BIDI = "\u202e"
LANG = "Lang" * 125  # 500 characters


@pytest.fixture(scope="module")
def voorbeeld() -> tuple[Instance, AllocationResult]:
    inst = laad_ronde(VOORBEELD)
    return inst, los_op(inst)


def _vijandig(
    inst: Instance, res: AllocationResult, gemeente: str, ronde: str, flex: str = "F"
) -> tuple[Instance, AllocationResult]:
    """The example with gemeente 0 named ``gemeente``, the round ``ronde``, flex sites ``flex``."""
    code = inst.gemeenten["gemeente_code"].iat[0]
    gem = inst.gemeenten.copy()
    gem.loc[0, "gemeente_naam"] = gemeente
    pg = res.per_gemeente.copy()
    pg.loc[pg["gemeente_code"] == code, "gemeente_naam"] = gemeente
    opties = inst.opties.copy()
    opties.loc[opties["soort"] == "flex", "naam"] = flex
    po = res.per_optie.copy()
    po.loc[po["soort"] == "flex", "naam"] = flex
    return (
        dataclasses.replace(inst, naam=ronde, gemeenten=gem, opties=opties),
        dataclasses.replace(res, per_gemeente=pg, per_optie=po),
    )


def test_doctests() -> None:
    assert doctest.testmod(tekst_mod).failed == 0


# --- veilige_tekst: the one display form ------------------------------------------------


@pytest.mark.parametrize("teken", VERBORGEN, ids=lambda t: f"U+{ord(t):04X}")
def test_verborgen_teken_zichtbaar(teken: str) -> None:
    """Each hidden character becomes U+FFFD; the text around it stays."""
    assert veilige_tekst(f"Ede{teken}Epe") == f"Ede{VERVANGTEKEN}Epe"


def test_gewone_namen_blijven() -> None:
    """Dutch, Frisian and other scripts' names, spaces and ``$`` are shown as they are."""
    for naam in (
        "Súdwest-Fryslân",
        "'s-Hertogenbosch",
        "Noardeast-Fryslân",
        "Ĳsselstein",
        "حلب",
        "Prijs $5",
        "Bergen (NH.)",
    ):
        assert veilige_tekst(naam) == naam


def test_lange_naam_afgekort() -> None:
    kort = veilige_tekst(LANG, MAX_NAAM)
    assert len(kort) == MAX_NAAM and kort.endswith(ELLIPS) and kort[:-1] == LANG[: MAX_NAAM - 1]
    assert veilige_tekst(LANG) == LANG  # no limit: no cut


# --- 1-3: the static map (matplotlib) ----------------------------------------------------


def _gemeenten(namen: list[str]) -> gpd.GeoDataFrame:
    vakken = [shapely.box(i * 5000.0, 0.0, (i + 1) * 5000.0, 5000.0) for i in range(len(namen))]
    return gpd.GeoDataFrame(
        {"gemeente_naam": namen, "opgave": [10] * len(namen), "geplaatst": [5] * len(namen)},
        geometry=vakken,
        crs="EPSG:28992",
    )


@pytest.mark.parametrize("naam", ["$x_$", r"a $\oops$ b", "$x^2$ en $", "Ede $"])
def test_kaart_dollar(naam: str, tmp_path: Path) -> None:
    """1. ``$...$`` in a name and in the title: the PNG is written (was: ValueError)."""
    pad = teken_vervullingskaart(
        _gemeenten([naam, "Epe"]), tmp_path / "k.png", titel=f"Ronde {naam}", ondertitel=naam
    )
    assert pad.read_bytes().startswith(b"\x89PNG")


def test_kaart_verborgen_en_ontbrekende_tekens(tmp_path: Path) -> None:
    """2. Control, bidi and CJK characters draw without a warning (warnings are errors here)."""
    namen = [f"Ede{t}" for t in VERBORGEN] + ["北京"]
    pad = teken_vervullingskaart(
        _gemeenten(namen), tmp_path / "k.png", titel=f"Ronde\x07{BIDI}北京"
    )
    assert pad.stat().st_size > 0


def test_kaart_lange_naam_afgekort(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """3. A 500-character name is labelled with at most `MAX_LABEL` characters."""
    gezien: list[str] = []
    echt = kaart_mod.plaats_labels

    def kijk(*args: object, **kwargs: object) -> int:
        gezien.extend(args[3])  # type: ignore[arg-type]
        return echt(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(kaart_mod, "plaats_labels", kijk)
    teken_vervullingskaart(_gemeenten([LANG, "Epe"]), tmp_path / "k.png")
    naam = gezien[0].split("\n")[0]
    assert len(naam) == MAX_LABEL and naam.endswith(ELLIPS)


# --- 4-6: the HTML report and its SVG map -----------------------------------------------


def test_rapport_zonder_bidi(voorbeeld: tuple[Instance, AllocationResult]) -> None:
    """4. No bidi override or zero-width character reaches the page; the name is in <bdi>."""
    inst, res = _vijandig(
        *voorbeeld, f"Ede{BIDI}edE\u200b\x07", f"Ronde{BIDI}1\u2066", f"Flex{BIDI}\x1b"
    )
    html = rapport_html(inst, res, kaart_png=b"")
    for t in VERBORGEN:
        assert t not in html.replace("\n", ""), f"U+{ord(t):04X}"
    assert f"<h1><bdi>Ronde{VERVANGTEKEN}1{VERVANGTEKEN}</bdi>" in html
    assert f"Ede{VERVANGTEKEN}edE{VERVANGTEKEN}{VERVANGTEKEN}" in html
    assert f"Flex{VERVANGTEKEN}{VERVANGTEKEN}" in html


def test_rapport_lange_naam(voorbeeld: tuple[Instance, AllocationResult]) -> None:
    """5. A 500-character name is cut in the table cell, in full in its tooltip."""
    inst, res = _vijandig(*voorbeeld, LANG, "Ronde")
    html = rapport_html(inst, res, kaart_png=b"")
    kort = LANG[: MAX_NAAM - 1] + ELLIPS
    assert f'<td title="{LANG}">{kort}</td>' in html
    assert f">{LANG}</td>" not in html


def test_svgkaart_zonder_bidi(voorbeeld: tuple[Instance, AllocationResult]) -> None:
    """6. The SVG map's tooltips and labels show the display form; labels are short."""
    inst, res = _vijandig(*voorbeeld, f"{BIDI}{LANG}", "Ronde")
    html = rapport_html(inst, res, kaart_png=b"")
    svg = html[html.index('<svg id="kaart-svg"') : html.index("</svg>")]
    assert BIDI not in svg
    assert f'data-titel="{VERVANGTEKEN}' in svg
    labels = re.findall(r'<text x="[^"]*" y="[^"]*">([^<]*)', svg)
    assert labels and max(len(t) for t in labels) <= MAX_LABEL


# --- 7-8: the workbook ---------------------------------------------------------------------


def test_werkboek_documenteigenschappen(
    voorbeeld: tuple[Instance, AllocationResult], tmp_path: Path
) -> None:
    """7. A control character in the round name: docProps/core.xml stays valid XML."""
    inst, res = _vijandig(*voorbeeld, "Ede", "Ronde\x07\x1b\x00")
    pad = schrijf_werkboek(inst, res, tmp_path / "a.xlsx")
    with zipfile.ZipFile(pad) as z:
        for naam in z.namelist():
            if naam.endswith(".xml"):
                minidom.parseString(z.read(naam))  # raises on an illegal character
    assert openpyxl.load_workbook(pad).properties.title.startswith("Ronde\ufffd")


def test_werkboek_cellen(voorbeeld: tuple[Instance, AllocationResult], tmp_path: Path) -> None:
    """8. Control characters show as U+FFFD in a cell; bidi and ``$`` are kept as data."""
    naam = f"E\x07de {BIDI}$x_$ =1+1"
    inst, res = _vijandig(*voorbeeld, naam, "Ronde")
    pad = schrijf_werkboek(inst, res, tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(pad)
    waarden = [c.value for rij in wb["Per gemeente"].iter_rows() for c in rij]
    assert f"E{VERVANGTEKEN}de {BIDI}$x_$ =1+1" in waarden


# --- 9-10: the console ----------------------------------------------------------------------


@pytest.mark.parametrize("naam", ["[/red]", "[bold]Ede", "Ede [link=file:///etc]x[/link]"])
def test_console_markup(naam: str) -> None:
    """9. A name with rich markup in a table cell prints literally (was: MarkupError/garbled)."""
    uit = io.StringIO()
    tabel = Table("gemeente")
    tabel.add_row(console_tekst(naam))
    Console(file=uit, width=200).print(tabel)
    assert naam in uit.getvalue()


def test_voortgang_zonder_markup_en_stuurtekens() -> None:
    """10. A progress line with markup and ESC prints literally, without the ESC."""
    uit = io.StringIO()
    console = Console(file=uit, width=200, force_terminal=False)
    with TerminalVoortgang(console, live=False) as v:
        v(Melding("x", "Fase [/x]"))
        v(Melding("x", "Fase [/x]", klaar=True, duur_s=0.0, details="map \x1b[2J/uit"))
    tekst = uit.getvalue()
    assert "Fase [/x]" in tekst and "\x1b" not in tekst and f"map {VERVANGTEKEN}[2J/uit" in tekst


# --- 11-12: CSV formula injection -----------------------------------------------------------


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        ("=1+2", "'=1+2"),
        ("+31 6 1234", "'+31 6 1234"),
        ("-HH-1", "'-HH-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # an existing quote: one more, so that reading back is exact
        ("-12", "-12"),  # a plain number written as text stays
        ("-1.5", "-1.5"),
        ("Ede", "Ede"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("", ""),
        (-12, -12),  # numbers are never touched
        (-0.5, -0.5),
    ],
)
def test_csv_waarde(waarde: object, verwacht: object) -> None:
    """11. The OWASP rule on one cell."""
    assert csv_waarde(waarde) == verwacht
    assert csv_waarde_terug(verwacht) == waarde


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1 .,"), max_size=8) | st.text(max_size=8))
def test_csv_terug_exact(waarde: str) -> None:
    """12. Reading back gives exactly what was written, for every text."""
    assert csv_waarde_terug(csv_waarde(waarde)) == waarde


def test_csv_tabel_getallen_blijven(tmp_path: Path) -> None:
    """11. In a table only text cells get the quote; negative numbers stay numbers."""
    df = pd.DataFrame({"id": ["=A", "-B", "C"], "saldo": [-3, 0, 2], "f": [-0.5, None, 1.0]})
    schrijf_csv(df, tmp_path / "t.csv")
    terug = pd.read_csv(tmp_path / "t.csv")
    assert terug["id"].tolist() == ["'=A", "'-B", "C"]
    assert terug["saldo"].tolist() == [-3, 0, 2] and terug["saldo"].dtype.kind == "i"
    assert terug["f"].iloc[0] == -0.5
    pd.testing.assert_frame_equal(csv_terug(csv_veilig(df)), df)


def test_plaatsingen_csv_terug(
    voorbeeld: tuple[Instance, AllocationResult], tmp_path: Path
) -> None:
    """12. plaatsingen.csv with formula-like ids reads back (``--vorige-uitkomst``) exactly."""
    _, res = voorbeeld
    vreemd = {h: p + h for h, p in zip(res.plaatsingen["huishouden_id"], "=+-@" * 99, strict=False)}
    pl = res.plaatsingen.assign(
        huishouden_id=res.plaatsingen["huishouden_id"].map(vreemd),
        aanbod_id="-" + res.plaatsingen["aanbod_id"],
    )
    ob = res.onbediend.assign(huishouden_id="@" + res.onbediend["huishouden_id"])
    schrijf_csv(pl, tmp_path / "plaatsingen.csv")
    schrijf_csv(ob, tmp_path / "onbediend.csv")
    assert "'=HH" in (tmp_path / "plaatsingen.csv").read_text(encoding="utf-8")
    vorige = lees_vorige_uitkomst(tmp_path)
    assert vorige.plaats == dict(zip(pl["huishouden_id"], pl["aanbod_id"], strict=True))
    assert vorige.onbediend == frozenset(ob["huishouden_id"])


# --- 13: end to end through `allocatie ronde` ----------------------------------------------


@pytest.fixture(scope="module")
def vijandige_ronde(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, str]:
    """A copy of the example with hostile names and formula-like ids, run by the CLI.

    Bidi overrides and zero-width characters are refused by the input validator
    (`allocatie.io.schema`); here only what the input accepts: mathtext, a very long
    name, formula-like ids. The renderers get the invisible characters directly above.
    """
    basis = tmp_path_factory.mktemp("weergave")
    map_ = basis / "ronde"
    shutil.copytree(VOORBEELD, map_)
    gj = json.loads((map_ / "gemeenten.geojson").read_text(encoding="utf-8"))
    naam = "Ede $x^2$ $x_$ [/red] edE"
    gj["features"][0]["properties"]["gemeente_naam"] = naam
    gj["features"][1]["properties"]["gemeente_naam"] = LANG
    (map_ / "gemeenten.geojson").write_text(json.dumps(gj, ensure_ascii=False), encoding="utf-8")
    toml = (map_ / "ronde.toml").read_text(encoding="utf-8")
    ronde = "Ronde $x^2$ $x_$ [bold]I-5202"
    toml = toml.replace('naam = "Voorbeeldprovincie 2025-I"', f'naam = "{ronde}"')
    (map_ / "ronde.toml").write_text(toml, encoding="utf-8")
    hh = (map_ / "huishoudens.csv").read_text(encoding="utf-8")
    hh = hh.replace("\nHH-000001,", "\n=HH-000001,").replace("\nHH-000002,", "\n-HH-000002,")
    (map_ / "huishoudens.csv").write_text(hh, encoding="utf-8")
    fl = (map_ / "flexlocaties.csv").read_text(encoding="utf-8")
    fl = fl.replace("\nF-001,Tijdelijk wonen Oldesdam,", '\n@F-001,"=HYPERLINK(""x"") $x_$",')
    (map_ / "flexlocaties.csv").write_text(fl, encoding="utf-8")
    uit = basis / "uit"
    r = runner.invoke(app, ["ronde", str(map_ / "ronde.toml"), "--uitvoer", str(uit)])
    assert r.exit_code == 0, r.output
    return map_, uit, naam, ronde


def test_ronde_vijandige_namen(vijandige_ronde: tuple[Path, Path, str, str]) -> None:
    """13. Exit 0; map, report, workbook, CSVs and archive written."""
    _, uit, _, _ = vijandige_ronde
    bestanden = (
        "kaart.png",
        "rapport.html",
        "allocatie.xlsx",
        "plaatsingen.csv",
        "per_gemeente.csv",
        "per_optie.csv",
        "ronde.gpkg",
        "samenvatting.json",
    )
    for naam in bestanden:
        assert (uit / naam).stat().st_size > 0, naam
    html = (uit / "rapport.html").read_text(encoding="utf-8")
    assert "$x_$" in html
    openpyxl.load_workbook(uit / "allocatie.xlsx").close()


def test_ronde_data_houdt_originelen(vijandige_ronde: tuple[Path, Path, str, str]) -> None:
    """13. The data files keep the original names; the CSV quotes only formula-like ids."""
    _, uit, naam, ronde = vijandige_ronde
    pg = pd.read_csv(uit / "per_gemeente.csv", dtype=str, keep_default_na=False)
    assert naam in pg["gemeente_naam"].tolist() and LANG in pg["gemeente_naam"].tolist()
    pl = pd.read_csv(uit / "plaatsingen.csv", dtype=str, keep_default_na=False)
    ids = set(pl["huishouden_id"]) | set(
        pd.read_csv(uit / "onbediend.csv", dtype=str)["huishouden_id"]
    )
    assert {"'=HH-000001", "'-HH-000002"} <= ids
    assert json.loads((uit / "samenvatting.json").read_text(encoding="utf-8"))["ronde"] == ronde
    archief = lees_archief(uit / "ronde.gpkg")
    assert naam in archief.lagen["invoer_gemeenten"]["gemeente_naam"].tolist()


def test_ronde_herhaling_leest_terug(vijandige_ronde: tuple[Path, Path, str, str]) -> None:
    """12/13. The output folder reads back as the archive does, and a re-run moves no one."""
    map_, uit, _, _ = vijandige_ronde
    uit_csv = lees_vorige_uitkomst(uit)
    uit_gpkg = lees_vorige_uitkomst(uit / "ronde.gpkg")
    assert uit_csv.plaats == uit_gpkg.plaats and uit_csv.onbediend == uit_gpkg.onbediend
    assert "=HH-000001" in uit_csv.plaats or "=HH-000001" in uit_csv.onbediend
    r = runner.invoke(
        app,
        [
            "ronde",
            str(map_ / "ronde.toml"),
            "--uitvoer",
            str(uit.parent / "uit2"),
            "--stil",
            "--vorige-uitkomst",
            str(uit),
        ],
    )
    assert r.exit_code == 0, r.output
    verschoven = pd.read_csv(uit.parent / "uit2" / "verschuivingen.csv")
    assert not verschoven["telt_mee"].astype(bool).any()


def test_ronde_markup_in_naam(tmp_path: Path) -> None:
    """9. ``[/red]`` in a gemeente name must not stop the run (console markup escaped)."""
    map_ = tmp_path / "ronde"
    shutil.copytree(VOORBEELD, map_)
    gj = json.loads((map_ / "gemeenten.geojson").read_text(encoding="utf-8"))
    gj["features"][0]["properties"]["gemeente_naam"] = "Ede [/red]"
    (map_ / "gemeenten.geojson").write_text(json.dumps(gj), encoding="utf-8")
    r = runner.invoke(app, ["ronde", str(map_ / "ronde.toml"), "--uitvoer", str(tmp_path / "u")])
    assert r.exit_code == 0
