"""Tests for `allocatie.reports.html`: the self-contained HTML report of a round.

The report of the example round is parsed with the standard library's HTML
parser: its sections, that it refers to nothing outside itself, that every
table's figures equal the result's, and that the interactive map has one path
per gemeente. When Chromium is installed, a real headless browser renders the
page to a screenshot (not blank, the map's colours present) and runs the page's
script (tooltip, zoom, sorting, search, printing); skipped otherwise.
"""

from __future__ import annotations

import base64
import dataclasses
import doctest
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import allocatie
from allocatie.io.uitvoermap import MERK
from allocatie.kern.taal import nl_getal
from allocatie.reports import svgkaart
from allocatie.reports.html import CSP, SECTIES, rapport_html, schrijf_rapport
from allocatie.reports.kaart import KLASSEN, vervullingsklasse
from allocatie.reports.uitvoer import schrijf_uitvoer

REPO = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"
Voorbeeld = tuple[allocatie.Instance, allocatie.AllocationResult]


class Pagina(HTMLParser):
    """What the tests need from a page: every tag with its attributes, tables, texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.tabellen: dict[str, dict[str, list[list[tuple[str, dict[str, str]]]]]] = {}
        self._tabel: str | None = None
        self._deel = "tbody"
        self._rij: list[tuple[str, dict[str, str]]] | None = None
        self._cel: tuple[list[str], dict[str, str]] | None = None
        self.koppen: dict[str, list[str]] = {}
        self._kop: list[str] | None = None
        self.secties: list[str] = []
        self.kaartjes: dict[str, str] = {}
        self._kaartje: str | None = None
        self._getal: list[str] | None = None
        self.stijl: list[str] = []
        self._in_stijl = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "table":
            self._tabel = a.get("id", f"tabel{len(self.tabellen)}")
            self.tabellen[self._tabel] = {"thead": [], "tbody": [], "tfoot": []}
        elif tag in ("thead", "tbody", "tfoot"):
            self._deel = tag
        elif tag == "tr" and self._tabel is not None:
            self._rij = []
        elif tag in ("td", "th") and self._rij is not None:
            self._cel = ([], a)
        elif tag == "section":
            self.secties.append(a.get("id", ""))
        elif tag == "h2":
            self._kop = []
        elif tag == "div" and a.get("class") == "kaartje":
            self._kaartje = a["data-sleutel"]
        elif tag == "div" and a.get("class") == "getal" and self._kaartje:
            self._getal = []
        elif tag == "style":
            self._in_stijl = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cel is not None and self._rij is not None:
            self._rij.append(("".join(self._cel[0]).strip(), self._cel[1]))
            self._cel = None
        elif tag == "tr" and self._rij is not None and self._tabel is not None:
            self.tabellen[self._tabel][self._deel].append(self._rij)
            self._rij = None
        elif tag == "table":
            self._tabel = None
        elif tag == "h2" and self._kop is not None:
            self.koppen[self.secties[-1]] = self._kop
            self._kop = None
        elif tag == "div" and self._getal is not None and self._kaartje:
            self.kaartjes[self._kaartje] = "".join(self._getal)
            self._getal = None
            self._kaartje = None
        elif tag == "style":
            self._in_stijl = False

    def handle_data(self, data: str) -> None:
        if self._cel is not None:
            self._cel[0].append(data)
        if self._kop is not None:
            self._kop.append(data)
        if self._getal is not None:
            self._getal.append(data)
        if self._in_stijl:
            self.stijl.append(data)

    def tabel(self, id_: str) -> list[dict[str, tuple[str, dict[str, str]]]]:
        """Body rows of a table as dicts header -> (text, attributes)."""
        t = self.tabellen[id_]
        koppen = [tekst for tekst, _ in t["thead"][0]]
        return [dict(zip(koppen, rij, strict=True)) for rij in t["tbody"]]


def _lees(html: str) -> Pagina:
    p = Pagina()
    p.feed(html)
    p.close()
    return p


def _w(cel: tuple[str, dict[str, str]]) -> float:
    return float(cel[1]["data-w"])


@pytest.fixture(scope="module")
def voorbeeld() -> Voorbeeld:
    inst = allocatie.laad_ronde(REPO / "data" / "voorbeeld")
    return inst, allocatie.los_op(inst)


@pytest.fixture(scope="module")
def rapport(voorbeeld: Voorbeeld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    inst, res = voorbeeld
    return schrijf_rapport(inst, res, tmp_path_factory.mktemp("rapport") / "rapport.html")


@pytest.fixture(scope="module")
def pagina(rapport: Path) -> Pagina:
    return _lees(rapport.read_text(encoding="utf-8"))


def test_doctests() -> None:
    assert doctest.testmod(svgkaart).failed == 0


def test_secties(pagina: Pagina) -> None:
    assert pagina.secties == list(SECTIES)
    assert {s: "".join(k) for s, k in pagina.koppen.items()} == SECTIES
    nav = [a["href"] for t, a in pagina.tags if t == "a"]
    assert nav == [f"#{s}" for s in SECTIES]


def test_geen_externe_verwijzingen(rapport: Path, pagina: Pagina) -> None:
    """Nothing is loaded from elsewhere: no URLs, no linked files, a strict CSP."""
    tekst = rapport.read_text(encoding="utf-8")
    assert "http://" not in tekst and "https://" not in tekst
    assert "@import" not in tekst
    for tag, attrs in pagina.tags:
        assert tag not in ("link", "iframe", "object", "embed", "base", "frame"), tag
        if tag == "script":
            assert "src" not in attrs
        for naam in ("src", "href", "xlink:href", "action", "poster", "srcset", "data"):
            if naam in attrs:
                waarde = attrs[naam]
                assert waarde.startswith(("#", "data:")), (tag, naam, waarde[:60])
    css = "".join(pagina.stijl)
    assert "url(" not in css.replace("url(#", "")
    meta = [a for t, a in pagina.tags if t == "meta" and a.get("http-equiv")]
    assert meta == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert "default-src 'none'" in CSP


def test_statische_kaart_ingebed(pagina: Pagina, voorbeeld: Voorbeeld, tmp_path: Path) -> None:
    imgs = [a for t, a in pagina.tags if t == "img"]
    assert len(imgs) == 1
    kop, data = imgs[0]["src"].split(",", 1)
    assert kop == "data:image/png;base64"
    png = base64.b64decode(data)
    assert png.startswith(PNG) and len(png) > 20_000
    assert imgs[0]["alt"]
    # A given PNG is embedded as it is.
    inst, res = voorbeeld
    eigen = tmp_path / "k.png"
    Image.new("RGB", (40, 30), "#b2182b").save(eigen)
    p = _lees(schrijf_rapport(inst, res, tmp_path / "r.html", kaart_png=eigen).read_text())
    src = next(a["src"] for t, a in p.tags if t == "img")
    assert base64.b64decode(src.split(",", 1)[1]) == eigen.read_bytes()


def test_samenvatting(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    _, res = voorbeeld
    a = res.samenvatting()["aantallen"]
    assert pagina.kaartjes["Geplaatst"] == nl_getal(a["personen_geplaatst"])
    assert pagina.kaartjes["Onbediend"] == nl_getal(a["personen_onbediend"])
    assert pagina.kaartjes["Resterende opgave"] == nl_getal(a["opgave"])
    assert pagina.kaartjes["Tekort"] == nl_getal(a["tekort"])
    assert pagina.kaartjes["Overvulling"] == nl_getal(a["overvulling"])
    assert pagina.kaartjes["Solver"] == res.status.value
    niveaus = pagina.tabel("tabel-niveaus")
    assert [r["Niveau"][0] for r in niveaus] == [n.naam for n in res.niveaus]
    assert [r["Status"][0] for r in niveaus] == [n.status.value for n in res.niveaus]
    for r, n in zip(niveaus, res.niveaus, strict=True):
        assert _w(r["Waarde"]) == pytest.approx(n.waarde)
        assert _w(r["Grens"]) == pytest.approx(n.grens)
        assert _w(r["Gap"]) == pytest.approx(n.gap)
        assert r["Gap"][0].endswith("%")


def test_tabel_gemeenten(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    _, res = voorbeeld
    rijen = pagina.tabel("tabel-gemeenten")
    g = res.per_gemeente
    assert [r["Code"][0] for r in rijen] == g["gemeente_code"].tolist()
    assert [r["Gemeente"][0] for r in rijen] == g["gemeente_naam"].tolist()
    for kop, kolom in [
        ("Taakstelling", "taakstelling"),
        ("Achterstand", "achterstand"),
        ("Voorsprong", "voorsprong"),
        ("Gerealiseerd", "gerealiseerd"),
        ("Opgave", "opgave"),
        ("Geplaatst", "geplaatst"),
        ("Tekort", "tekort"),
        ("Overvulling", "overvulling"),
        ("Saldo", "saldo"),
    ]:
        assert [_w(r[kop]) for r in rijen] == g[kolom].astype(float).tolist(), kop
        assert [r[kop][0] for r in rijen] == [nl_getal(x) for x in g[kolom]], kop
    assert [_w(r["Tekort %"]) for r in rijen] == pytest.approx(g["relatief_tekort"].tolist())
    # Each row can be jumped to from the map.
    assert [r["Code"][1] for r in rijen] == [{}] * len(g)
    ids = {a["id"] for t, a in pagina.tags if t == "tr" and a.get("id", "").startswith("g-")}
    assert ids == {f"g-{c}" for c in g["gemeente_code"]}
    # Totals row.
    voet = pagina.tabellen["tabel-gemeenten"]["tfoot"][0]
    koppen = [t for t, _ in pagina.tabellen["tabel-gemeenten"]["thead"][0]]
    totaal = dict(zip(koppen, (t for t, _ in voet), strict=True))
    assert totaal["Geplaatst"] == nl_getal(int(res.plaatsingen["personen"].sum()))
    assert totaal["Tekort"] == nl_getal(int(g["tekort"].sum()))


def test_tabel_flex(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    inst, res = voorbeeld
    rijen = pagina.tabel("tabel-flex")
    po = res.per_optie[res.per_optie["soort"] == "flex"]
    assert [r["Locatie"][0] for r in rijen] == po["aanbod_id"].tolist()
    assert [_w(r["Eenheden bezet"]) for r in rijen] == po["eenheden_gebruikt"].tolist()
    assert [_w(r["Geplaatst (personen)"]) for r in rijen] == po["personen"].tolist()
    assert [_w(r["Bezetting"]) for r in rijen] == pytest.approx(
        (po["personen"] / po["capaciteit_personen"]).tolist()
    )
    maximum = inst.opties.set_index("aanbod_id").loc[po["aanbod_id"], "max_aandeel_vh"]
    assert [_w(r["Max. aandeel"]) for r in rijen] == pytest.approx(maximum.tolist())


def test_eerlijkheid(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    inst, res = voorbeeld
    g = res.per_gemeente
    met = g[g["tekort"] > 0]
    rijen = pagina.tabel("tabel-eerlijkheid")
    assert sorted(r["Gemeente"][0] for r in rijen) == sorted(met["gemeente_naam"])
    relatief = [_w(r["Tekort % van opgave"]) for r in rijen]
    assert relatief == sorted(relatief, reverse=True)
    inwoners = dict(zip(inst.gemeenten["gemeente_naam"], inst.gemeenten["inwoners"], strict=True))
    tekort = dict(zip(g["gemeente_naam"], g["tekort"], strict=True))
    for r in rijen:
        naam = r["Gemeente"][0]
        assert _w(r["Tekort per 10.000 inwoners"]) == pytest.approx(
            tekort[naam] / inwoners[naam] * 1e4
        )
    provincie = pagina.tabel("tabel-regio-provincie")
    assert [r["Regio"][0] for r in provincie] == ["PV99"]
    assert _w(provincie[0]["Tekort"]) == g["tekort"].sum()
    assert _w(provincie[0]["Tekort % van opgave"]) == pytest.approx(
        g["tekort"].sum() / g["opgave"].sum()
    )
    diagrammen = [a for t, a in pagina.tags if t == "svg" and a.get("class") == "diagram"]
    assert len(diagrammen) == 1  # one province: a table, no chart
    staven = [a for t, a in pagina.tags if t == "rect" and a.get("fill") == "#b2182b"]
    assert len(staven) == int((met["tekort_door_aanbod"] > 0).sum())


def test_verklaring(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    inst, res = voorbeeld
    alle = pagina.tabel("tabel-huishoudens")
    assert [r["Huishouden"][0] for r in alle] == sorted(inst.huishoudens["huishouden_id"])
    geplaatst = dict(
        zip(res.plaatsingen["huishouden_id"], res.plaatsingen["aanbod_id"], strict=True)
    )
    assert {r["Huishouden"][0]: r["Geplaatst in"][0] for r in alle if r["Geplaatst in"][0]} == (
        geplaatst
    )
    niet = pagina.tabel("tabel-onbediend")
    assert [r["Huishouden"][0] for r in niet] == res.onbediend["huishouden_id"].tolist()
    assert all(r["Waarom onbediend"][0] for r in niet)
    dts = {a["id"] for t, a in pagina.tags if t == "dt"}
    g = res.per_gemeente
    assert dts == {f"v-{c}" for c in g.loc[g["tekort"] > 0, "gemeente_code"]}
    details = [a for t, a in pagina.tags if t == "details"]
    assert len(details) == 1 and "open" not in details[0]


def test_parameters_en_solver(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    inst, res = voorbeeld
    rijen = pagina.tabellen["tabel-parameters"]["tbody"]
    waarde = {(r[0][0], r[1][0]): r[2][0] for r in rijen}
    assert waarde[("Modelpreset", "naam")] == inst.preset.naam
    assert waarde[("Limieten", "reistijd werk")] == f"{nl_getal(inst.preset.limieten.werk_min)} min"
    assert waarde[("Doel", "volgorde")] == " → ".join(inst.preset.doel.volgorde)
    assert waarde[("Solver", "backend")] == inst.solver.backend
    assert waarde[("Invoer (SHA-256)", "gemeenten")] == inst.hashes["gemeenten"]
    solver = {r[0][0]: r[1] for r in pagina.tabellen["tabel-solver"]["tbody"]}
    assert solver["solver"][0] == res.solver
    assert _w(solver["variabelen"]) == res.modelgrootte["variabelen"]
    assert _w(solver["restricties (rijen)"]) == res.modelgrootte["rijen"]


def _paden(pagina: Pagina) -> list[dict[str, str]]:
    return [a for t, a in pagina.tags if t == "path" and a.get("class") == "gemeente"]


def test_kaart_svg(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    inst, res = voorbeeld
    paden = _paden(pagina)
    assert len(paden) == len(inst.gemeenten)
    assert [p["data-code"] for p in paden] == inst.gemeenten["gemeente_code"].tolist()
    g = res.per_gemeente
    klasse = vervullingsklasse(g["opgave"].to_numpy(), g["geplaatst"].to_numpy())
    assert [p["fill"] for p in paden] == [KLASSEN[k].kleur for k in klasse]
    assert all(p["d"].startswith("M") and p["d"].endswith("Z") for p in paden)
    # Tooltip text carries the figures of the gemeente.
    for p, r in zip(paden, g.itertuples(index=False), strict=True):
        assert p["data-titel"] == f"{r.gemeente_naam} ({r.gemeente_code})"
        assert f"Opgave: {nl_getal(r.opgave)}" in p["data-regels"]
    flex = [a for t, a in pagina.tags if t == "g" and a.get("class") == "flex"]
    assert [f["data-id"] for f in flex] == ["F-001", "F-002", "F-003"]
    svg = next(a for t, a in pagina.tags if t == "svg" and a.get("id") == "kaart-svg")
    b, h = (float(x) for x in svg["viewbox"].split()[2:])
    assert b == svgkaart.BREEDTE and 0.5 * b < h < 2 * b


def test_kaart_zonder_grenzen_en_escape(voorbeeld: Voorbeeld) -> None:
    """Without boundaries every gemeente is a square path; names are escaped."""
    inst, res = voorbeeld
    naam = 'A&B <script>alert("x")</script>'
    gem = inst.gemeenten.copy()
    gem.loc[0, "gemeente_naam"] = naam
    pg = res.per_gemeente.copy()
    pg.loc[0, "gemeente_naam"] = naam
    zonder = dataclasses.replace(inst, grenzen=None, gemeenten=gem)
    html = rapport_html(zonder, dataclasses.replace(res, per_gemeente=pg))
    assert "<script>alert" not in html
    p = _lees(html)
    paden = _paden(p)
    assert len(paden) == len(inst.gemeenten)
    assert all(pad["d"].count("h") == 2 and pad["d"].count("v") == 1 for pad in paden)
    assert paden[0]["data-titel"].startswith(naam)
    assert p.tabel("tabel-gemeenten")[0]["Gemeente"][0] == naam
    assert sum(1 for t, _ in p.tags if t == "script") == 1


def test_schrijf_uitvoer_met_rapport(voorbeeld: Voorbeeld, tmp_path: Path) -> None:
    inst, res = voorbeeld
    uit = schrijf_uitvoer(inst, res, tmp_path / "uit")
    rapport = uit / "rapport.html"
    assert rapport.exists()
    src = next(a["src"] for t, a in _lees(rapport.read_text()).tags if t == "img")
    assert base64.b64decode(src.split(",", 1)[1]) == (uit / "kaart.png").read_bytes()
    assert [p.name for p in uit.glob(".*")] == [MERK]  # only the output marker


# --------------------------------------------------------------------------------------
# A real browser (Chromium, headless)
# --------------------------------------------------------------------------------------


def _chromium() -> str | None:
    for naam in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        pad = shutil.which(naam)
        if pad:
            return pad
    return None


def _browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    chromium = _chromium()
    assert chromium is not None
    return subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",  # tests may run as root in a container
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={tmp_path / 'profiel'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


browser = pytest.mark.skipif(_chromium() is None, reason="Chromium niet geïnstalleerd")


@browser
def test_schermafdruk(rapport: Path, tmp_path: Path) -> None:
    """Chromium renders the page: a screenshot that is not blank and shows the map."""
    shot = tmp_path / "rapport.png"
    r = _browser(tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", rapport.as_uri())
    assert shot.exists(), r.stderr[-2000:]
    with Image.open(shot) as im:
        assert im.size == (1280, 2400)
        rgb = np.asarray(im.convert("RGB")).reshape(-1, 3)
    niet_wit = (rgb < 245).any(axis=1).mean()
    assert niet_wit > 0.10, "screenshot is (almost) blank"
    kleuren = {tuple(c) for c in np.unique(rgb[::7], axis=0)}
    assert len(kleuren) > 100
    # The fulfilment colours of the map are on the page (the map is at the top).
    aanwezig = {tuple(int(k.kleur[i : i + 2], 16) for i in (1, 3, 5)) for k in KLASSEN[:6]}
    gezien = aanwezig & {tuple(int(v) for v in c) for c in rgb[::3]}
    assert len(gezien) >= 3, gezien


_TESTSCRIPT = """<script>
window.addEventListener("load", function () {
  var uit = {};
  try {
    var svg = document.getElementById("kaart-svg");
    var p = svg.querySelector(".gemeente");
    var r = p.getBoundingClientRect();
    var o = {bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2,
             pointerId: 1, button: 0};
    p.dispatchEvent(new PointerEvent("pointermove", o));
    var tip = document.querySelector(".tooltip");
    uit.tip = tip.style.display === "block" ? tip.textContent : "";
    uit.titels = svg.querySelectorAll("title").length;
    var vb = svg.getAttribute("viewBox");
    document.querySelector('button[data-zoom="in"]').click();
    uit.ingezoomd = svg.getAttribute("viewBox") !== vb;
    document.querySelector('button[data-zoom="reset"]').click();
    uit.terug = svg.getAttribute("viewBox") === vb;
    var koppen = document.querySelectorAll("#tabel-gemeenten thead th");
    var i = Array.prototype.findIndex.call(koppen, function (k) {
      return k.textContent === "Tekort"; });
    koppen[i].click(); koppen[i].click();
    uit.gesorteerd = Array.prototype.map.call(
      document.querySelectorAll("#tabel-gemeenten tbody tr"),
      function (t) { return parseFloat(t.cells[i].getAttribute("data-w")); });
    p.dispatchEvent(new PointerEvent("pointerdown", Object.assign({buttons: 1}, o)));
    p.dispatchEvent(new PointerEvent("pointerup", o));
    uit.uitgelicht = (document.querySelector("tr.uitgelicht") || {}).id || "";
    var zoek = document.querySelector("input.zoek");
    zoek.value = "ZOEKTERM"; zoek.dispatchEvent(new Event("input"));
    uit.zichtbaar = Array.prototype.filter.call(
      document.querySelectorAll("#tabel-huishoudens tbody tr"),
      function (t) { return t.style.display !== "none"; }).length;
    window.dispatchEvent(new Event("beforeprint"));
    uit.open = document.querySelectorAll("details[open]").length;
  } catch (e) { uit.fout = String(e); }
  var pre = document.createElement("pre");
  pre.id = "testuitkomst";
  pre.textContent = JSON.stringify(uit);
  document.body.appendChild(pre);
});
</script></body>"""


@browser
def test_script_in_browser(rapport: Path, voorbeeld: Voorbeeld, tmp_path: Path) -> None:
    """The page's script works in Chromium: tooltip, zoom, sort, jump to row, search, print."""
    _, res = voorbeeld
    eerste = res.plaatsingen["huishouden_id"].iloc[0]
    pagina = rapport.read_text(encoding="utf-8").replace(
        "</body>", _TESTSCRIPT.replace("ZOEKTERM", eerste)
    )
    test = tmp_path / "test.html"
    test.write_text(pagina, encoding="utf-8")
    r = _browser(
        tmp_path,
        "--window-size=1280,1600",
        "--virtual-time-budget=5000",
        "--dump-dom",
        test.as_uri(),
    )
    begin = r.stdout.find('<pre id="testuitkomst">')
    assert begin >= 0, r.stderr[-2000:]
    tekst = r.stdout[begin + len('<pre id="testuitkomst">') : r.stdout.find("</pre>", begin)]
    uit: dict[str, Any] = json.loads(
        tekst.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    assert "fout" not in uit, uit
    g = res.per_gemeente.iloc[0]
    assert uit["tip"].startswith(f"{g['gemeente_naam']} ({g['gemeente_code']})")
    assert f"Opgave: {nl_getal(g['opgave'])}" in uit["tip"]
    assert uit["titels"] == 0  # native tooltips replaced by the script's
    assert uit["ingezoomd"] and uit["terug"]
    assert uit["gesorteerd"] == sorted(res.per_gemeente["tekort"].astype(float), reverse=True)
    assert uit["uitgelicht"] == f"g-{g['gemeente_code']}"
    assert uit["zichtbaar"] == 1
    assert uit["open"] == 1
