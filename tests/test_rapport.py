"""Tests for `allocatie.reports.html`: the self-contained HTML report of a round.

The report of the example round is parsed with the standard library's HTML
parser: its sections (the summary first), that it refers to nothing outside
itself, that every table's figures equal the result's, names beside codes, and
that the map is there once with one path per gemeente (and province borders
when there are several provinces). When Chromium is installed, a real headless
browser renders the page to a screenshot (not blank, the map's colours present)
and runs the page's script (tooltip, zoom, sorting, search, provincie filter,
printing) and prints a national report (real 2024 geography) to PDF: at most
`MAX_AFDRUK` A4 pages; skipped otherwise.
"""

from __future__ import annotations

import dataclasses
import doctest
import json
import re
import shutil
import subprocess
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import allocatie
from allocatie.io.rondemap import schrijf_rondemap
from allocatie.io.uitvoermap import MERK
from allocatie.kern.taal import nl_getal
from allocatie.reports import svgkaart
from allocatie.reports.html import (
    BIJLAGE,
    CSP,
    SECTIES,
    bijlage_pad,
    rapport_html,
    schrijf_rapport,
)
from allocatie.reports.htmlopmaak import AFDRUK
from allocatie.reports.htmlsamenvatting import BEGRIPPEN
from allocatie.reports.kaart import KLASSEN, vervullingsklasse
from allocatie.reports.uitvoer import schrijf_uitvoer
from allocatie.spatial import GeografieWaarschuwing, bouw_basistabel
from allocatie.synthetic import genereer_ronde

REPO = Path(__file__).resolve().parents[1]
NL2024 = REPO.parent / "shared" / "data" / "nl2024"
#: The printed report of a national round is at most this many A4 pages.
MAX_AFDRUK = 6
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
        #: Visible text per section id (scripts and styles left out).
        self.teksten: dict[str, list[str]] = {}

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
        elif self.secties:
            self.teksten.setdefault(self.secties[-1], []).append(data)

    def tekst(self, sectie: str) -> str:
        """The text of a section, whitespace collapsed."""
        return " ".join("".join(self.teksten.get(sectie, [])).split())

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


@pytest.fixture(scope="module")
def bijlage(rapport: Path) -> Pagina:
    return _lees(bijlage_pad(rapport).read_text(encoding="utf-8"))


#: The example round split over two real provinces (the first half Groningen).
TWEE = {"PV20": "Groningen", "PV21": "Fryslân"}


def _twee_provincies(voorbeeld: Voorbeeld) -> Voorbeeld:
    inst, res = voorbeeld
    gem = inst.gemeenten.copy()
    helft = len(gem) // 2
    gem["provincie_code"] = ["PV20"] * helft + ["PV21"] * (len(gem) - helft)
    return dataclasses.replace(inst, gemeenten=gem), res


@pytest.fixture(scope="module")
def twee(voorbeeld: Voorbeeld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    inst, res = _twee_provincies(voorbeeld)
    return schrijf_rapport(inst, res, tmp_path_factory.mktemp("twee") / "rapport.html")


def test_doctests() -> None:
    assert doctest.testmod(svgkaart).failed == 0


def test_secties(pagina: Pagina) -> None:
    assert pagina.secties == list(SECTIES)
    assert pagina.secties[0] == "samenvatting"  # the summary opens the report
    assert {s: "".join(k) for s, k in pagina.koppen.items()} == SECTIES
    nav = [a["href"] for t, a in pagina.tags if t == "a"]
    assert nav == [f"#{s}" for s in SECTIES]
    # What prints is the summary, the provinces, the map and the glossary; the rest is
    # marked for the screen only (and printed from the annex).
    klassen = {a["id"]: a.get("class", "") for t, a in pagina.tags if t == "section"}
    assert {s for s, k in klassen.items() if k != "scherm"} == set(AFDRUK)
    assert AFDRUK == ("samenvatting", "provincies", "kaart", "begrippen")
    body = next(a for t, a in pagina.tags if t == "body")
    assert body["class"] == "rapport"


def test_bijlage(bijlage: Pagina, pagina: Pagina) -> None:
    """The annex holds every full table, with the same figures as the report's screen."""
    assert bijlage.secties == list(BIJLAGE)
    assert next(a for t, a in bijlage.tags if t == "body")["class"] == "bijlage"
    for t in ("tabel-gemeenten", "tabel-flex", "tabel-huishoudens", "tabel-parameters"):
        assert bijlage.tabellen[t] == pagina.tabellen[t], t
    hrefs = [a["href"] for t, a in bijlage.tags if t == "a"]
    assert hrefs == ["rapport.html", *(f"#{s}" for s in BIJLAGE)]
    assert not [a for t, a in bijlage.tags if t in ("img", "link", "iframe")]
    assert [a for t, a in bijlage.tags if t == "script"] == [{}]


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


def test_kaart_een_keer(pagina: Pagina, voorbeeld: Voorbeeld, tmp_path: Path) -> None:
    """The map is there once, as SVG; a given kaart.png is not embedded a second time."""
    assert not [a for t, a in pagina.tags if t == "img"]
    assert [a.get("id") for t, a in pagina.tags if t == "svg" and "id" in a] == ["kaart-svg"]
    inst, res = voorbeeld
    eigen = tmp_path / "k.png"
    Image.new("RGB", (40, 30), "#b2182b").save(eigen)
    tekst = schrijf_rapport(inst, res, tmp_path / "r.html", kaart_png=eigen).read_text()
    assert "data:image/png" not in tekst
    # One province: no borders drawn.
    assert not [a for t, a in pagina.tags if a.get("class") == "provinciegrens"]


#: Words of the solver that the summary must not use.
JARGON = ("solver", "gap", "status", "tijdslimiet", "optimaal", "lexicografisch", "niveau")


def test_samenvatting(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    _, res = voorbeeld
    a = res.samenvatting()["aantallen"]
    assert list(pagina.kaartjes) == ["Opgave", "Geplaatst", "Wachten nog", "Tekort"]
    assert pagina.kaartjes["Opgave"] == nl_getal(a["opgave"])
    assert pagina.kaartjes["Geplaatst"] == nl_getal(a["personen_geplaatst"])
    assert pagina.kaartjes["Wachten nog"] == nl_getal(a["personen_onbediend"])
    assert pagina.kaartjes["Tekort"] == nl_getal(a["tekort"])
    tekst = pagina.tekst("samenvatting")
    for kop in (
        "Wat is gevraagd",
        "Wat is geplaatst",
        "Welke gemeenten tekortkomen, en waarom",
        "Wat vraagt een besluit",
    ):
        assert kop in tekst
    g = res.per_gemeente
    assert f"taakstelling {nl_getal(int(g['taakstelling'].sum()))}" in tekst
    assert f"{nl_getal(int(g['achterstand'].sum()))} personen achterstand" in tekst
    assert f"opgave van {nl_getal(a['opgave'])} personen" in tekst
    # Why gemeenten stay short: own supply too small against the avoidable rest.
    door = g[(g["tekort"] > 0) & (g["tekort"] <= g["tekort_door_aanbod"])]
    assert f"Bij {len(door)} gemeenten komt dat alleen doordat het eigen aanbod" in tekst
    # What needs a decision: the household without any option, the over-filled gemeenten.
    assert len(res.onhaalbaar) == 1
    assert "1 huishouden (1 persoon) heeft geen enkele passende woning of plek" in tekst
    over = g[g["overvulling"] > 0]
    assert f"{len(over)} gemeenten krijgen meer personen dan hun opgave" in tekst
    for naam in over["gemeente_naam"]:
        assert naam in tekst
    for woord in JARGON:
        assert woord not in tekst.lower(), woord
    assert "onbekend" not in tekst
    assert "PV99" not in tekst  # one province: gemeenten without it


def test_samenvatting_tijdslimiet(voorbeeld: Voorbeeld) -> None:
    """A clock-limited result is a point of decision, in plain words."""
    inst, res = voorbeeld
    klok = dataclasses.replace(res, reproduceerbaar=False, status=allocatie.Status.TIJDSLIMIET)
    tekst = _lees(rapport_html(inst, klok)).tekst("samenvatting")
    assert "De rekentijd was op voordat het rekenwerk klaar was" in tekst
    assert "opnieuw rekenen kan een (iets) andere verdeling geven" in tekst
    for woord in JARGON:
        assert woord not in tekst.lower(), woord
    # The screen's account of the computation says it too.
    assert "opnieuw rekenen kan een andere verdeling geven" in _lees(
        rapport_html(inst, klok)
    ).tekst("solver")


def test_provincies_en_begrippen(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    _, res = voorbeeld
    blokken = [a for t, a in pagina.tags if t == "div" and a.get("class") == "provincie"]
    assert [b["data-provincie"] for b in blokken] == ["PV99"]
    tekst = pagina.tekst("provincies")
    g = res.per_gemeente
    assert f"opgave {nl_getal(int(g['opgave'].sum()))} personen" in tekst
    begrippen = pagina.tekst("begrippen")
    for term in ("Taakstelling", "Opgave", "Overvulling", "Eerlijkheid", "Tekort"):
        assert term in BEGRIPPEN and term in begrippen
    assert "Voorbeeld: opgave 10, geplaatst 32" in begrippen  # overvulling explained


def test_namen_naast_codes(twee: Path, voorbeeld: Voorbeeld) -> None:
    """Province names stand beside their codes; the map draws the province borders."""
    p = _lees(twee.read_text(encoding="utf-8"))
    inst, _ = _twee_provincies(voorbeeld)
    code = dict(zip(inst.gemeenten["gemeente_code"], inst.gemeenten["provincie_code"], strict=True))
    rijen = p.tabel("tabel-gemeenten")
    assert [r["Provincie"][0] for r in rijen] == [TWEE[code[r["Code"][0]]] for r in rijen]
    rij_attr = [a for t, a in p.tags if t == "tr" and a.get("id", "").startswith("g-")]
    assert [a["data-provincie"] for a in rij_attr] == [code[a["id"][2:]] for a in rij_attr]
    koppen = [a.get("data-provincie") for t, a in p.tags if t == "div" and "data-provincie" in a]
    assert koppen == ["PV21", "PV20"]  # Fryslân before Groningen: by name
    tekst = p.tekst("provincies")
    assert "Groningen (PV20)" in tekst and "Fryslân (PV21)" in tekst
    regio = p.tabel("tabel-regio-provincie")
    assert [(r["Naam"][0], r["Code"][0]) for r in regio] == [
        ("Groningen", "PV20"),
        ("Fryslân", "PV21"),
    ]
    # The filter offers the provinces by name.
    keuze = [a for t, a in p.tags if t == "select"]
    assert [a["data-tabel"] for a in keuze] == ["tabel-gemeenten", "tabel-eerlijkheid"]
    opties = [a.get("value") for t, a in p.tags if t == "option"]
    assert opties[:3] == ["", "PV21", "PV20"]
    grenzen = [a for t, a in p.tags if t == "path" and a.get("class") == "provinciegrens"]
    assert [g["data-provincie"] for g in grenzen] == ["PV20", "PV21"]
    assert all(g["d"].startswith("M") and g["fill"] == "none" for g in grenzen)
    gemeente = [a for t, a in p.tags if t == "path" and a.get("class") == "gemeente"]
    assert gemeente[0]["data-regels"].startswith("Provincie: Groningen")
    # The summary names each gemeente with the largest shortfall with its province.
    _, res = voorbeeld
    samenvatting = p.tekst("samenvatting")
    met = res.per_gemeente[res.per_gemeente["tekort"] > 0]
    for r in met.itertuples(index=False):
        assert f"{r.gemeente_naam} ({TWEE[code[r.gemeente_code]]})" in samenvatting


def test_tabel_gemeenten(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    _, res = voorbeeld
    rijen = pagina.tabel("tabel-gemeenten")
    g = res.per_gemeente
    assert [r["Code"][0] for r in rijen] == g["gemeente_code"].tolist()
    assert [r["Gemeente"][0] for r in rijen] == g["gemeente_naam"].tolist()
    assert {r["Provincie"][0] for r in rijen} == {"PV99"}  # a fictional code keeps its code
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
    assert [r["Code"][0] for r in provincie] == ["PV99"]
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
    dts = {a["id"] for t, a in pagina.tags if t == "dt" and "id" in a}
    g = res.per_gemeente
    assert dts == {f"v-{c}" for c in g.loc[g["tekort"] > 0, "gemeente_code"]}
    details = [a for t, a in pagina.tags if t == "details"]
    assert len(details) == 1 and "open" not in details[0]


def test_parameters_en_solver(pagina: Pagina, voorbeeld: Voorbeeld) -> None:
    inst, res = voorbeeld
    niveaus = pagina.tabel("tabel-niveaus")
    assert [r["Doel"][0] for r in niveaus] == [n.naam for n in res.niveaus]
    assert {r["Uitkomst"][0] for r in niveaus} <= {"beste bewezen", "rekenwerk op"}
    for r, n in zip(niveaus, res.niveaus, strict=True):
        assert _w(r["Bereikt"]) == pytest.approx(n.waarde)
        assert _w(r["Beste denkbare"]) == pytest.approx(n.grens)
        assert _w(r["Afstand tot het beste"]) == pytest.approx(n.gap)
        assert r["Afstand tot het beste"][0].endswith("%")
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
    assert rapport.exists() and (uit / "rapport-bijlage.html").exists()
    assert (uit / "kaart.png").read_bytes().startswith(PNG)
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
    var zoek = document.querySelector('input.zoek[data-tabel="tabel-huishoudens"]');
    zoek.value = "ZOEKTERM"; zoek.dispatchEvent(new Event("input"));
    uit.zichtbaar = Array.prototype.filter.call(
      document.querySelectorAll("#tabel-huishoudens tbody tr"),
      function (t) { return !t.hidden && getComputedStyle(t).display !== "none"; }).length;
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


_FILTERSCRIPT = """<script>
window.addEventListener("load", function () {
  var uit = {};
  try {
    var zichtbaar = function () {
      return Array.prototype.filter.call(
        document.querySelectorAll("#tabel-gemeenten tbody tr"),
        function (t) { return getComputedStyle(t).display !== "none"; }
      ).map(function (t) { return t.id; });
    };
    var telling = document.querySelector('span.telling[data-tabel="tabel-gemeenten"]');
    uit.begin = telling.textContent;
    var keuze = document.querySelector('select.filter[data-tabel="tabel-gemeenten"]');
    keuze.value = "PV20"; keuze.dispatchEvent(new Event("change"));
    uit.groningen = zichtbaar();
    uit.telling = telling.textContent;
    var zoek = document.querySelector('input.zoek[data-tabel="tabel-gemeenten"]');
    zoek.value = "NAAM"; zoek.dispatchEvent(new Event("input"));
    uit.beide = zichtbaar();
    keuze.value = "PV21"; keuze.dispatchEvent(new Event("change"));
    uit.elders = zichtbaar();
    keuze.value = ""; keuze.dispatchEvent(new Event("change"));
    zoek.value = ""; zoek.dispatchEvent(new Event("input"));
    uit.alles = zichtbaar().length;
    uit.eind = telling.textContent;
  } catch (e) { uit.fout = String(e); }
  var pre = document.createElement("pre");
  pre.id = "testuitkomst";
  pre.textContent = JSON.stringify(uit);
  document.body.appendChild(pre);
});
</script></body>"""


def _uitkomst(r: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    begin = r.stdout.find('<pre id="testuitkomst">')
    assert begin >= 0, r.stderr[-2000:]
    tekst = r.stdout[begin + len('<pre id="testuitkomst">') : r.stdout.find("</pre>", begin)]
    uit: dict[str, Any] = json.loads(
        tekst.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    assert "fout" not in uit, uit
    return uit


@browser
def test_filter_in_browser(twee: Path, voorbeeld: Voorbeeld, tmp_path: Path) -> None:
    """The gemeente table's provincie choice and search box work together in Chromium."""
    inst, _ = _twee_provincies(voorbeeld)
    g = inst.gemeenten
    groningen = [f"g-{c}" for c in g.loc[g["provincie_code"] == "PV20", "gemeente_code"]]
    naam = g["gemeente_naam"].iloc[0]  # in Groningen
    test = tmp_path / "test.html"
    test.write_text(
        twee.read_text(encoding="utf-8").replace(
            "</body>", _FILTERSCRIPT.replace("NAAM", naam.lower())
        ),
        encoding="utf-8",
    )
    uit = _uitkomst(
        _browser(
            tmp_path,
            "--window-size=1280,1600",
            "--virtual-time-budget=5000",
            "--dump-dom",
            test.as_uri(),
        )
    )
    n = len(g)
    assert uit["begin"] == f"{n} gemeenten"
    assert uit["groningen"] == groningen
    assert uit["telling"] == f"{len(groningen)} van {n} gemeenten"
    assert uit["beide"] == [f"g-{g['gemeente_code'].iloc[0]}"]
    assert uit["elders"] == []
    assert uit["alles"] == n and uit["eind"] == f"{n} gemeenten"


def _pdf(tmp_path: Path, html: Path, naam: str) -> tuple[int, bytes]:
    """Print a page to PDF with Chromium: (number of pages, the PDF)."""
    pdf = tmp_path / naam
    r = _browser(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    assert pdf.exists(), r.stderr[-2000:]
    data = pdf.read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data)), data


@pytest.fixture(scope="module")
def landelijk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a national round on the real 2024 geography (342 gemeenten)."""
    gpkg = NL2024 / "cbsgebiedsindelingen_2024.gpkg"
    inwoners = NL2024 / "cbs_inwoners_2024.csv"
    if not (gpkg.exists() and inwoners.exists()):
        pytest.skip(f"echte data ontbreekt: {NL2024}")
    with warnings.catch_warnings():  # twijfelgevallen are tested in test_spatial_basis
        warnings.simplefilter("ignore", GeografieWaarschuwing)
        basis = bouw_basistabel(gpkg, gpkg, gpkg, inwoners)
    map_ = tmp_path_factory.mktemp("landelijk")
    r = genereer_ronde(None, 400, 20, seed=1, periode="2025-I", basis=basis, vg=15_000)
    inst = allocatie.laad_ronde(
        schrijf_rondemap(r, map_ / "ronde", naam="Nederland", periode="2025-I")
    )
    assert len(inst.gemeenten) == 342
    return schrijf_rapport(inst, allocatie.los_op(inst), map_ / "rapport.html")


@browser
def test_landelijk_afdrukken(landelijk: Path, tmp_path: Path) -> None:
    """A national report prints on a few A4 pages; the annex holds the long tables."""
    p = _lees(landelijk.read_text(encoding="utf-8"))
    assert len(p.tabel("tabel-gemeenten")) == 342
    blokken = [a for t, a in p.tags if t == "div" and a.get("class") == "provincie"]
    assert len(blokken) == 12
    tekst = p.tekst("provincies")
    assert "Groningen (PV20)" in tekst and "Noord-Brabant (PV30)" in tekst
    grenzen = [a for t, a in p.tags if t == "path" and a.get("class") == "provinciegrens"]
    assert len(grenzen) == 12
    for woord in JARGON:
        assert woord not in p.tekst("samenvatting").lower(), woord
    pagina_s, _ = _pdf(tmp_path, landelijk, "rapport.pdf")
    assert 1 <= pagina_s <= MAX_AFDRUK, pagina_s
    # The same count on the annex shows what the print leaves out: all tables, many pages.
    bijlage_s, _ = _pdf(tmp_path, bijlage_pad(landelijk), "bijlage.pdf")
    assert bijlage_s > 3 * MAX_AFDRUK, bijlage_s
