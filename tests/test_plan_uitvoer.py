"""Tests for the outputs of a flex plan: tables, charts, workbook, HTML report, output folder.

A tiny plan (two regions, five half-years, six scenarios, two flex types) is
solved once, serially, and every output is checked against the comparison it
comes from: the stock balance of ``plan.csv`` recomputed from the orders,
closures and moves; the cost parts adding up to the expectation; the policy
order (perfect information lowest, the stochastic plan lowest of the
implementable policies up to the MIP gap); the backlog quantiles ordered; the
charts non-blank PNGs of the promised width; the report self-contained with
the same figures as the tables; the workbook's sheets, headers and formats;
and that a failing independent check refuses the plan.
"""

from __future__ import annotations

import dataclasses
import doctest
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image
from planbouwers import schrijf_klein

from allocatie.io.uitvoermap import MERK
from allocatie.kern.errors import InvoerFout, VerificatieFout
from allocatie.planning.gegevens import Planinstantie
from allocatie.planning.invoer.config import lees_planconfig
from allocatie.planning.invoer.planconfig import Planconfig
from allocatie.planning.invoer.varianten import varianten
from allocatie.planning.uitvoer import rapport as rapport_mod
from allocatie.planning.uitvoer import tabellen as tb
from allocatie.planning.uitvoer.rapport import rapport_html
from allocatie.planning.uitvoer.schrijf import (
    BESTANDEN,
    controleer_vergelijking,
    plan_kop,
    samenvatting,
    schrijf_planuitvoer,
)
from allocatie.planning.uitvoer.vergelijking import Planvergelijking, plan_flexcapaciteit
from allocatie.planning.uitvoer.waaier import teken_capaciteit, teken_waaier
from allocatie.planning.uitvoer.werkboek import BLADEN, schrijf_planwerkboek
from allocatie.reports.html import CSP
from allocatie.reports.htmlopmaak import geheel

Opgelost = tuple[Planconfig, Planvergelijking, list[tuple[str, Planinstantie]]]


@pytest.fixture(scope="module")
def opgelost(tmp_path_factory: pytest.TempPathFactory) -> Opgelost:
    config = lees_planconfig(schrijf_klein(tmp_path_factory.mktemp("plan")))
    var = [(v.naam, v.instantie) for v in varianten(config)]
    vgl = plan_flexcapaciteit(config.instantie, varianten=var, opties=config.solver, workers=1)
    return config, vgl, var


@pytest.fixture(scope="module")
def uitvoer(opgelost: Opgelost, tmp_path_factory: pytest.TempPathFactory) -> Path:
    config, vgl, var = opgelost
    controle = controleer_vergelijking(vgl, var)
    map_ = tmp_path_factory.mktemp("uit") / "plan"
    return schrijf_planuitvoer(vgl, map_, config=config, varianten=var, controle=controle)


def test_doctests() -> None:
    for mod in (tb, rapport_mod):
        assert doctest.testmod(mod).failed == 0, mod.__name__


# --------------------------------------------------------------------------- tables


def test_plan_tabel_voorraadbalans(opgelost: Opgelost) -> None:
    """beschikbaar follows from the existing modules, deliveries, closures and moves."""
    config, vgl, _ = opgelost
    inst = config.instantie
    plan = tb.plan_tabel(vgl)
    perioden = list(inst.perioden)
    assert len(plan) == len(inst.regios) * len(inst.flextypen) * len(perioden)
    for (regio, flextype), d in plan.groupby(["regio", "flextype"], sort=False):
        d = d.set_index("periode").loc[perioden]
        reg = next(r for r in inst.regios if r.naam == regio)
        f = next(f for f in inst.flextypen if f.naam == flextype)
        stand = reg.bestaand.get(flextype, 0)
        besteld = d["besteld"].to_numpy()
        for t, p in enumerate(perioden):
            geleverd = besteld[t - f.levertijd] if t >= f.levertijd else 0
            assert d.loc[p, "geleverd"] == geleverd
            stand += geleverd + d.loc[p, "verplaatst_aan"] - d.loc[p, "gesloten"]
            stand -= d.loc[p, "verplaatst_weg"]
            assert d.loc[p, "beschikbaar"] == stand, (regio, flextype, p)
            assert d.loc[p, "plaatsen"] == stand * f.plaatsen
            assert d.loc[p, "bezetting_verwacht"] <= d.loc[p, "plaatsen"] + 1e-6
    assert plan["verplaatst_weg"].sum() == plan["verplaatst_aan"].sum()
    assert plan["besteld"].sum() > 0  # the tiny plan does order modules


def test_acties_uit_het_plan(opgelost: Opgelost) -> None:
    config, vgl, _ = opgelost
    plan = tb.plan_tabel(vgl)
    acties = tb.acties_tabel(plan, config.instantie)
    assert acties.loc[acties["actie"] == "bestellen", "modules"].sum() == plan["besteld"].sum()
    assert acties.loc[acties["actie"] == "sluiten", "modules"].sum() == plan["gesloten"].sum()
    assert (acties["modules"] > 0).all()


def test_beleid_kosten_en_volgorde(opgelost: Opgelost) -> None:
    _, vgl, _ = opgelost
    b = tb.beleid_tabel(vgl).set_index("beleid")
    assert list(b.index) == [
        "stochastisch",
        "gemiddeld",
        "statisch",
        "geen_flex",
        "perfecte_informatie",
    ]
    delen = b[[f"kosten_{d}" for d in tb.KOSTENDELEN]].sum(axis=1)
    np.testing.assert_allclose(delen, b["verwachting"], rtol=1e-9)
    np.testing.assert_allclose(
        b["kosten_eerste_fase"] + b["kosten_tweede_fase"], b["verwachting"], rtol=1e-9
    )
    np.testing.assert_allclose(b["verschil_doel"], b["doel"] - b.loc["stochastisch", "doel"])
    stoch = b.loc["stochastisch", "doel"]
    gap = float(vgl.opgelost["stochastisch"].gap or 0.0)
    for beleid in ("gemiddeld", "statisch", "geen_flex"):  # implementable: never cheaper
        assert b.loc[beleid, "doel"] >= stoch * (1 - gap) - 1e-6, beleid
    assert b["doel"].idxmin() == "perfecte_informatie"
    assert b.loc["geen_flex", "modules_besteld"] == 0
    assert np.isnan(b.loc["perfecte_informatie", "modules_besteld"])
    assert b["cvar_90"].ge(b["verwachting"] - 1e-6).all()
    assert b.loc["stochastisch", "status"] == "optimaal"
    assert np.isnan(b.loc["geen_flex", "gap"]) and not np.isnan(b.loc["stochastisch", "gap"])
    k = tb.kerncijfers(vgl)
    assert k["vss"] == pytest.approx(b.loc["gemiddeld", "verschil_doel"])
    assert k["evpi"] == pytest.approx(-b.loc["perfecte_informatie", "verschil_doel"])


def test_achterstand_kwantielen(opgelost: Opgelost) -> None:
    config, vgl, _ = opgelost
    a = tb.achterstand_tabel(vgl)
    assert len(a) == len(vgl.uitkomsten) * len(config.instantie.perioden)
    q = a[["p5", "p25", "p50", "p75", "p95"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-9).all()
    assert (a["gemiddeld"] >= a["p5"] - 1e-9).all() and (a["gemiddeld"] <= a["p95"] + 1e-9).all()
    u = vgl.stochastisch
    eind = a[a["beleid"] == "stochastisch"].iloc[-1]
    assert eind["gemiddeld"] == pytest.approx(float(u.kansen @ u.achterstand_totaal()[:, -1]))


def test_gevoeligheid_begint_bij_de_basis(opgelost: Opgelost) -> None:
    _, vgl, var = opgelost
    g = tb.gevoeligheid_tabel(vgl, dict(var))
    b = tb.beleid_tabel(vgl).set_index("beleid").loc["stochastisch"]
    assert list(g["variant"]) == ["basis", "wachtkosten × 0,5", "wachtkosten × 2"]
    assert g.loc[0, "doel"] == b["doel"] and g.loc[0, "verschil_doel"] == 0
    # waiting is dearer: at least as many modules, less waiting
    assert g.loc[2, "modules_besteld"] >= g.loc[0, "modules_besteld"] >= g.loc[1, "modules_besteld"]
    assert g.loc[2, "wachttijd"] <= g.loc[0, "wachttijd"] + 1e-6


def test_parameters_uit_de_toml(opgelost: Opgelost) -> None:
    config, _, _ = opgelost
    p = tb.parameters_tabel(config.ruw)
    rij = p[(p["onderdeel"] == "flextype studio") & (p["parameter"] == "levertijd")]
    assert rij["waarde"].tolist() == [1]
    assert ("regio Zuid", "max_modules.gezinswoning", 6) in list(
        p.itertuples(index=False, name=None)
    )
    assert "personen_per_periode" in " ".join(p["parameter"])


# --------------------------------------------------------------------------- summary, check


def test_samenvatting_is_geldige_json(opgelost: Opgelost) -> None:
    config, vgl, _ = opgelost
    data = samenvatting(vgl, kop=plan_kop(config), controle="geslaagd")
    tekst = json.dumps(data, allow_nan=False)  # NaN would be invalid JSON
    terug = json.loads(tekst)
    assert terug["config_sha256"] == config.sha256
    assert terug["beleid"]["perfecte_informatie"]["modules_besteld"] is None
    assert set(terug) >= {"vss", "waarde_schalen", "waarde_flex", "evpi", "solver", "versies"}
    assert terug["solver"]["status"] == "optimaal" and terug["solver"]["methode"] == "extensief"


def test_controle_weigert_een_fout_plan(opgelost: Opgelost) -> None:
    _, vgl, var = opgelost
    u = vgl.uitkomsten["statisch"]
    ach = u.achterstand.copy()
    ach[0, 0, 0, 1] += 5.0
    kapot = dataclasses.replace(
        vgl, uitkomsten={**vgl.uitkomsten, "statisch": dataclasses.replace(u, achterstand=ach)}
    )
    with pytest.raises(VerificatieFout) as fout:
        controleer_vergelijking(kapot, var)
    assert all(s.startswith("Statisch") for s in fout.value.schendingen)
    goed = controleer_vergelijking(vgl, var)
    assert "5 beleidsregels en 2 varianten nagerekend, geslaagd" in goed
    zonder = controleer_vergelijking(vgl)
    assert "2 varianten zonder instantie niet nagerekend" in zonder


# --------------------------------------------------------------------------- charts


def _pixels(pad: Path) -> np.ndarray:
    with Image.open(pad) as im:
        assert im.format == "PNG"
        return np.asarray(im.convert("RGB"), dtype=float)


@pytest.mark.parametrize("teken", [teken_waaier, teken_capaciteit])
def test_grafieken_zijn_niet_leeg(opgelost: Opgelost, tmp_path: Path, teken) -> None:
    _, vgl, _ = opgelost
    pad = teken(vgl, tmp_path / "g.png")
    px = _pixels(pad)
    assert px.shape[1] == 1500 and 500 <= px.shape[0] <= 1200
    assert px.std() > 20  # not blank
    wit = (px > 250).all(axis=2).mean()
    assert 0.4 < wit < 0.97  # mostly background, but plenty drawn
    assert teken(vgl, tmp_path / "h.png").read_bytes() == pad.read_bytes()  # deterministic
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.png", "h.png"]


def test_waaier_kleuren_per_beleid(opgelost: Opgelost, tmp_path: Path) -> None:
    """Each policy's colour is in the fan chart (its median line)."""
    from allocatie.planning.uitvoer.waaier import BELEIDSKLEUREN

    _, vgl, _ = opgelost
    px = _pixels(teken_waaier(vgl, tmp_path / "w.png")).reshape(-1, 3)
    for beleid in vgl.uitkomsten:
        rgb = np.array([int(BELEIDSKLEUREN[beleid][i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(px - rgb).sum(axis=1) < 12).sum() > 200, beleid


# --------------------------------------------------------------------------- report


class _Pagina(HTMLParser):
    """Every tag with its attributes, and per table the raw values (data-w) of each row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.rijen: dict[str, list[list[float]]] = {}
        self._tabel: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "table":
            self._tabel = a.get("id", "")
            self.rijen[self._tabel] = []
        elif tag == "tr" and self._tabel is not None:
            self.rijen[self._tabel].append([])
        elif tag == "td" and self._tabel is not None and a.get("data-w"):
            self.rijen[self._tabel][-1].append(float(a["data-w"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._tabel = None


def test_rapport_zelfstandig_met_sectie(uitvoer: Path) -> None:
    html = (uitvoer / "rapport.html").read_text(encoding="utf-8")
    p = _Pagina()
    p.feed(html)
    assert '<section id="flexwonen"><h2>Op- en afschalen van flexwonen</h2>' in html
    assert f'content="{CSP}"' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "http://" not in html and "https://" not in html
    bronnen = [a["src"] for t, a in p.tags if t == "img"]
    assert len(bronnen) == 2 and all(b.startswith("data:image/png;base64,") for b in bronnen)
    assert all(t not in ("link", "iframe", "object", "embed") for t, _ in p.tags)
    for zin in ("VSS", "op- en afschalen", "perfecte informatie", "geslaagd"):
        assert zin in html
    ids = {a.get("id") for _, a in p.tags}
    assert set(rapport_mod.ONDERDELEN) <= ids
    assert {"tabel-beleid", "tabel-plan", "tabel-acties", "tabel-gevoeligheid"} <= ids


def test_rapport_cijfers_gelijk_aan_de_tabellen(opgelost: Opgelost) -> None:
    config, vgl, _ = opgelost
    html = rapport_html(vgl, naam=config.naam, ruw=config.ruw, controle="x")
    p = _Pagina()
    p.feed(html)
    beleid = tb.beleid_tabel(vgl)
    rijen = [r for r in p.rijen["tabel-beleid"] if r]  # the header row has no values
    np.testing.assert_allclose([r[0] for r in rijen], beleid["doel"], rtol=1e-9)
    np.testing.assert_allclose([r[1] for r in rijen], beleid["verschil_doel"], atol=1e-3)
    plan = tb.plan_tabel(vgl)
    modules = plan.pivot_table(
        index=["regio", "flextype"], columns="periode", values="beschikbaar", sort=False
    )[list(config.instantie.perioden)]
    modules = modules[(modules > 0).any(axis=1)]
    assert [r for r in p.rijen["tabel-plan"] if r] == modules.to_numpy().tolist()
    totaal = plan.groupby("periode", sort=False)["plaatsen"].sum()
    voet = html[html.index('<table id="tabel-plan"') :].split("<tfoot>")[1].split("</tfoot>")[0]
    assert all(f">{geheel(x)}<" in voet for x in totaal)


# --------------------------------------------------------------------------- workbook


def test_werkboek(opgelost: Opgelost, tmp_path: Path) -> None:
    config, vgl, _ = opgelost
    pad = schrijf_planwerkboek(vgl, tmp_path / "plan.xlsx", kop=plan_kop(config), ruw=config.ruw)
    wb = openpyxl.load_workbook(pad)
    assert wb.sheetnames == list(BLADEN.values())
    ws = wb["Plan"]
    assert ws.freeze_panes == "D2" and list(ws.tables) == ["Tabel_Plan"]  # an Excel Table
    koppen = [c.value for c in ws[1]]
    assert koppen[:3] == ["Regio", "Flextype", "Halfjaar"] and ws["A1"].font.bold
    assert ws.max_row == len(tb.plan_tabel(vgl)) + 1
    beleid = wb["Beleid"]
    assert beleid["B1"].value == "Doel (€)" and beleid["B2"].number_format == "#,##0"
    assert beleid["B2"].value == pytest.approx(vgl.stochastisch.doel)
    samen = {r[0].value: r[1].value for r in wb["Samenvatting"].iter_rows(min_row=2)}
    assert samen["Configuratie (SHA-256)"] == config.sha256
    assert samen["Waarde van de stochastische oplossing, VSS (€)"] == pytest.approx(vgl.vss)
    wb.close()


# --------------------------------------------------------------------------- folder


def test_uitvoermap_compleet_en_atomisch(uitvoer: Path, opgelost: Opgelost) -> None:
    config, vgl, var = opgelost
    assert sorted(p.name for p in uitvoer.iterdir()) == sorted([*BESTANDEN, MERK])
    assert not list(uitvoer.parent.glob(".*.tmp"))
    beleid = pd.read_csv(uitvoer / "beleid.csv")
    data = json.loads((uitvoer / "samenvatting.json").read_text(encoding="utf-8"))
    for kolom in ("doel", "verwachting", "cvar_90", "wachttijd", "achterstand_eind_p90"):
        assert beleid.loc[0, kolom] == pytest.approx(data["beleid"]["stochastisch"][kolom])
    scen = pd.read_csv(uitvoer / "scenarios.csv")
    assert scen["scenario"].nunique() == config.instantie.scenarios.n
    voor = (uitvoer / "plan.csv").read_bytes()
    with pytest.raises(InvoerFout, match="--overschrijf"):
        schrijf_planuitvoer(vgl, uitvoer, config=config, varianten=var)
    assert (uitvoer / "plan.csv").read_bytes() == voor
