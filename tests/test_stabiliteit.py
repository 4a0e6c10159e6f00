"""Stable re-runs: the level ``stabiliteit`` and the report of what moved and why.

Hand-derived tiny rounds (``bouwers``: one km on the grid is one minute; the test
preset ``standaard`` with werk <= 40 min; a home outside the azc's COA-regio costs
10 per person). Everybody's azc is in gemeente 1 (COA-regio Noord). Unless said
otherwise taakstellingen are 0, so every placement over-fills its gemeente by
its persons and, after ``onbediend`` and ``stabiliteit``, only the spread of the
over-fulfilment and the costs decide.

The preset ``standaard`` ranks ``stabiliteit`` right after ``onbediend``: a re-run
never gives up placing people to keep a placement, and never moves a household
for the shortfall, fairness or costs (models/README.md).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from bouwers import (
    BACKENDS,
    gemeente,
    haalbaar,
    huishouden,
    los,
    los_niveaus,
    plaatsing,
    ronde,
    willekeurige_ronde,
    woning,
)
from typer.testing import CliRunner

from allocatie.cli import app
from allocatie.invoer.laden import laad_ronde
from allocatie.invoer.vorige import VorigeUitkomst, als_vorige, lees_vorige_uitkomst
from allocatie.kern.errors import InvoerFout, VerificatieFout
from allocatie.model.bouw import bouw_model, verfijn
from allocatie.resultaat.result import AllocationResult
from allocatie.resultaat.verify import verify
from allocatie.ronde.instance import Instance
from allocatie.strategie.oplossen import los_op, niveaustappen

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
runner = CliRunner()


def vorig(*rijen: tuple[str, str], onbediend: tuple[str, ...] | None = None) -> VorigeUitkomst:
    """A previous outcome from (huishouden_id, aanbod_id) rows."""
    uit = als_vorige(pd.DataFrame(rijen, columns=["huishouden_id", "aanbod_id"]))
    assert uit is not None
    if onbediend is None:
        return uit
    return replace(uit, onbediend=frozenset(onbediend), onbediend_bekend=True)


def herhaal(inst: Instance, vorige: VorigeUitkomst | AllocationResult) -> AllocationResult:
    """Re-run ``inst`` given ``vorige``; the result passes the independent check."""
    res = los_op(inst, controleer=False, vorige=vorige)
    verify(inst, res)
    return res


def rijen(res: AllocationResult) -> dict[str, dict[str, object]]:
    """Household id -> its row in the table of what moved."""
    return {r["huishouden_id"]: r for r in res.verschuivingen.to_dict(orient="records")}


def twee_gemeenten(backend: str, *hh: dict, **kwargs: object) -> Instance:
    """W1 in gemeente 1 (cost 0), W2 in gemeente 2, 10 km east in COA-regio Oost (cost 10)."""
    return ronde(
        [gemeente(1), gemeente(2, 10, coa="Oost")],
        kwargs.pop("taak", {}),  # type: ignore[arg-type]
        list(hh) or [huishouden("A")],
        kwargs.pop("woningen", [woning("W1", 1), woning("W2", 2)]),  # type: ignore[arg-type]
        backend=backend,
        **kwargs,
    )


@pytest.mark.parametrize("backend", BACKENDS)
class TestHandAfgeleid:
    def test_blijft_in_duurdere_woning(self, backend: str) -> None:
        """Without a previous outcome A goes to W1 (cost 0). Previously in W2: staying costs
        10 but moves nobody (stabiliteit 0 before kosten), so A stays."""
        inst = twee_gemeenten(backend)
        assert plaatsing(los(inst)) == {"A": "W1"}
        res = herhaal(inst, vorig(("A", "W2")))
        assert plaatsing(res) == {"A": "W2"}
        assert res.doelwaarden["stabiliteit"] == 0 and res.doelwaarden["kosten"] == 10
        assert [n.naam for n in res.niveaus] == [
            "onbediend",
            "stabiliteit",
            "tekort",
            "eerlijkheid",
            "overvulling",
            "kosten",
        ]
        assert res.verschuivingen.empty
        assert res.samenvatting()["stabiliteit"]["verschuivingen"] == 0

    def test_optie_verdwenen(self, backend: str) -> None:
        """A was in W3, which is not in the round any more: it must move (to W1, cost 0)."""
        vorige = als_vorige(
            pd.DataFrame(
                [("A", "W3", "GM0002")], columns=["huishouden_id", "aanbod_id", "gemeente_code"]
            )
        )
        assert vorige is not None
        res = herhaal(twee_gemeenten(backend), vorige)
        assert plaatsing(res) == {"A": "W1"}
        assert res.doelwaarden["stabiliteit"] == 1
        r = rijen(res)["A"]
        assert (r["soort"], r["vorige_optie"], r["vorige_gemeente"]) == (
            "verhuist",
            "W3",
            "GM0002",
        )
        assert (r["nieuwe_optie"], r["nieuwe_gemeente"], r["telt_mee"]) == ("W1", "GM0001", True)
        assert r["reden"] == "W3 staat niet meer in het aanbod"
        assert any("bij 1 huishouden staat die optie niet meer" in s for s in res.signalen)

    def test_vastlegging_dwingt_ruil(self, backend: str) -> None:
        """A in W1, B in W2 (one home each, gemeente 1). A is now locked on W2: A must move,
        and W2 has room for one, so B must move too; W1 is free for B. Two moves, no more."""
        inst = ronde(
            [gemeente(1)],
            {},
            [huishouden("A"), huishouden("B")],
            [woning("W1", 1), woning("W2", 1)],
            backend=backend,
            vastleggingen=pd.DataFrame(
                [("A", "W2", "", "vast", "wens")],
                columns=["huishouden_id", "aanbod_id", "gemeente_code", "soort", "toelichting"],
            ),
        )
        res = herhaal(inst, vorig(("A", "W1"), ("B", "W2")))
        assert plaatsing(res) == {"A": "W2", "B": "W1"}
        assert res.doelwaarden["stabiliteit"] == 2
        r = rijen(res)
        assert r["A"]["reden"] == "vastgelegd door regisseur op W2 (wens)"
        assert r["B"]["reden"] == (
            "W2 is vol (geen eenheid meer vrij): de plaats ging naar A (vastgelegd door "
            "regisseur op W2 (wens), kwam van W1)"
        )

    def test_plaatsen_gaat_voor_stabiliteit(self, backend: str) -> None:
        """One home; A (1 person) had it, B (2 persons) is new. Fewest persons unplaced comes
        first: B gets it and A becomes unplaced (stabiliteit 1)."""
        inst = ronde(
            [gemeente(1)],
            {},
            [huishouden("A"), huishouden("B", 2)],
            [woning("W1", 1)],
            backend=backend,
        )
        res = herhaal(inst, vorig(("A", "W1")))
        assert plaatsing(res) == {"B": "W1"}
        assert res.doelwaarden["onbediend"] == 1 and res.doelwaarden["stabiliteit"] == 1
        r = rijen(res)
        assert (r["A"]["soort"], r["A"]["nieuwe_optie"], r["A"]["telt_mee"]) == (
            "onbediend geworden",
            "",
            True,
        )
        assert r["A"]["reden"] == (
            "W1 is vol (geen eenheid meer vrij): de plaats ging naar B (nieuw of eerder onbediend)"
        )
        assert (r["B"]["soort"], r["B"]["telt_mee"]) == ("nieuw geplaatst", False)
        assert r["B"]["reden"] == "nieuw in de ronde of eerder onbediend"

    def test_stabiliteit_voor_tekort(self, backend: str) -> None:
        """Gemeente 2 has a task of 1 and a free home; A is in W1 (gemeente 1, no task).
        Fresh, A goes to W2 (tekort 0). Re-run with ``standaard``: A stays (tekort 1). With
        a preset that ranks ``stabiliteit`` after ``tekort``, A moves to reduce the shortfall."""
        inst = twee_gemeenten(backend, taak={2: 1})
        assert plaatsing(los(inst)) == {"A": "W2"}
        res = herhaal(inst, vorig(("A", "W1")))
        assert plaatsing(res) == {"A": "W1"}
        assert res.doelwaarden["tekort"] == 1 and res.doelwaarden["stabiliteit"] == 0

        volgorde = ("onbediend", "tekort", "stabiliteit", "eerlijkheid", "overvulling", "kosten")
        doel = replace(inst.preset.doel, volgorde=volgorde)
        tekort_eerst = replace(inst, preset=replace(inst.preset, doel=doel))
        res = herhaal(tekort_eerst, vorig(("A", "W1")))
        assert plaatsing(res) == {"A": "W2"}
        assert res.doelwaarden["tekort"] == 0 and res.doelwaarden["stabiliteit"] == 1
        assert rijen(res)["A"]["reden"] == (
            "W1 had nog plaats, maar het huishouden is nodig om het tekort op de "
            "taakstellingen te verkleinen: Gemeente 2 (GM0002) heeft een opgave van 1 persoon "
            "en krijgt er nu 1"
        )

    def test_criterium_gewijzigd(self, backend: str) -> None:
        """A now has a job in gemeente 2, 50 km from W1 (limit 40): W1 no longer admissible."""
        inst = ronde(
            [gemeente(1), gemeente(2, 50)],
            {},
            [huishouden("A", werk=2)],
            [woning("W1", 1), woning("W2", 2)],
            backend=backend,
        )
        res = herhaal(inst, vorig(("A", "W1")))
        assert plaatsing(res) == {"A": "W2"}
        assert (
            rijen(res)["A"]["reden"] == "W1 voldoet niet meer aan werk in GM0002 binnen 40 min (ov)"
        )

    def test_minder_capaciteit(self, backend: str) -> None:
        """A and B shared W1's two homes; now it has one. One of them stays, one moves to W2."""
        inst = ronde(
            [gemeente(1)],
            {},
            [huishouden("A"), huishouden("B")],
            [woning("W1", 1), woning("W2", 1)],
            backend=backend,
        )
        res = herhaal(inst, vorig(("A", "W1"), ("B", "W1")))
        assert res.doelwaarden["stabiliteit"] == 1
        weg = rijen(res)
        assert len(weg) == 1
        ((hid, r),) = weg.items()
        blijft = ({"A", "B"} - {hid}).pop()
        assert plaatsing(res) == {hid: "W2", blijft: "W1"}
        assert r["reden"] == (
            f"W1 heeft minder plaats: het huishouden dat er bleef ({blijft}) vult haar "
            "(geen eenheid meer vrij)"
        )

    def test_vrijgekomen_plaats(self, backend: str) -> None:
        """A had W1 and B was unplaced. A now works in gemeente 2 (W1 is 50 km away): A moves to
        W2, and B, previously unplaced, takes the home A left."""
        inst = ronde(
            [gemeente(1), gemeente(2, 50)],
            {},
            [huishouden("A", werk=2), huishouden("B")],
            [woning("W1", 1), woning("W2", 2)],
            backend=backend,
        )
        res = herhaal(inst, vorig(("A", "W1"), onbediend=("B",)))
        assert plaatsing(res) == {"A": "W2", "B": "W1"}
        assert res.doelwaarden["stabiliteit"] == 1
        r = rijen(res)["B"]
        assert (r["soort"], r["telt_mee"]) == ("nieuw geplaatst", False)
        assert r["reden"] == "was onbediend; plaats in W1 kwam vrij doordat A er niet meer woont"

    def test_preset_zonder_stabiliteit(self, backend: str) -> None:
        """A preset without the level: A moves to the cheaper W1, and the report says why."""
        inst = twee_gemeenten(backend)
        doel = replace(
            inst.preset.doel,
            volgorde=("onbediend", "tekort", "eerlijkheid", "overvulling", "kosten"),
        )
        inst = replace(inst, preset=replace(inst.preset, doel=doel))
        res = herhaal(inst, vorig(("A", "W2")))
        assert plaatsing(res) == {"A": "W1"}
        assert "stabiliteit" not in [n.naam for n in res.niveaus]
        assert any("geen doelniveau 'stabiliteit'" in s for s in res.signalen)
        assert rijen(res)["A"]["reden"] == (
            "W2 had nog plaats, maar de modelpreset 'standaard' heeft geen doelniveau stabiliteit"
        )


# -- exactness: types, coarse model, formulations ------------------------------------------


def _vorige_van(inst: Instance, seed: int) -> VorigeUitkomst:
    """A previous outcome: the round's own optimum with about a third moved or unplaced."""
    rng = np.random.default_rng(seed)
    plaats = plaatsing(los_op(inst))
    opties = inst.opties["aanbod_id"].tolist()
    for hid in inst.huishoudens["huishouden_id"]:
        if rng.random() < 0.35:
            if rng.random() < 0.3:
                plaats.pop(hid, None)
            else:
                plaats[hid] = str(rng.choice(opties))
    return vorig(*plaats.items())


def test_typen_splitsen_op_vorige_optie() -> None:
    """Two identical singles are one type, unless they were at different options before."""
    inst = ronde([gemeente(1)], {}, [huishouden("A"), huishouden("B")], [woning("W1", 1)])
    assert len(bouw_model(inst).typen) == 1
    assert len(bouw_model(inst, vorige=vorig(("A", "W1"), ("B", "W1"))).typen) == 1
    for vorige in (vorig(("A", "W1")), vorig(("A", "W1"), ("B", "W9"))):
        for kosten in (True, False):
            assert len(bouw_model(inst, vorige=vorige, kosten=kosten).typen) == 2


@pytest.mark.parametrize("seed", [1, 2, 5, 8])
def test_grof_model_houdt_stabiliteit_exact(seed: int) -> None:
    """The coarse model (types without costs) separates households by previous option: the
    levels before ``kosten`` (``stabiliteit`` included) have the same optimum as on the full
    model, and `verfijn` keeps their values."""
    inst = willekeurige_ronde(seed, gemeenten=(3, 6), huishoudens=(10, 25), opties=(2, 5))
    vorige = _vorige_van(inst, seed)
    fijn = bouw_model(inst, vorige=vorige)
    grof = bouw_model(inst, vorige=vorige, kosten=False, paren=fijn.paren)
    assert fijn.vorige is not None and grof.vorige is not None
    # Every coarse type holds households with one previous option only.
    for t in range(len(grof.typen)):
        leden = np.flatnonzero(grof.typen.type_van == t)
        assert len(set(fijn.vorige[leden].tolist())) == 1
    niveaus = ("onbediend", "stabiliteit", "tekort", "eerlijkheid", "overvulling")
    w_fijn, _ = los_niveaus(fijn, niveaus)
    w_grof, v_grof = los_niveaus(grof, niveaus)
    np.testing.assert_allclose(w_grof, w_fijn, atol=1e-5)
    v = verfijn(grof, fijn, v_grof)
    haalbaar(fijn, v)
    for naam, w in zip(niveaus, w_grof, strict=True):
        assert float(fijn.doelen[naam] @ v) == pytest.approx(w, abs=1e-5), naam


@pytest.mark.parametrize("seed", [1, 2, 5, 8])
def test_herhaalde_ronde_onbediend_op_model_zonder_vorige(seed: int) -> None:
    """On a re-run the levels before ``stabiliteit`` run on a coarse model without the
    previous outcome (`niveaustappen`): the re-run's types refine its types, so `verfijn` gives a
    feasible point with the same ``onbediend`` in the re-run's coarse and full model, and
    the optimum is the same there."""
    inst = willekeurige_ronde(seed, gemeenten=(3, 6), huishoudens=(10, 25), opties=(2, 5))
    vorige = _vorige_van(inst, seed)
    fijn = bouw_model(inst, vorige=vorige)
    grof = bouw_model(inst, vorige=vorige, kosten=False, paren=fijn.paren)
    volgorde = ("onbediend", "stabiliteit", "tekort", "eerlijkheid", "overvulling", "kosten")
    stappen = niveaustappen(inst, "types", volgorde, 5, fijn, grof, True, vorige)
    zonder, namen = stappen[0]
    assert zonder.vorige is None and namen == ("onbediend",)
    assert [n for _, ns in stappen for n in ns] == list(volgorde)
    assert len(zonder.typen) < len(grof.typen)
    (w,), v = los_niveaus(zonder, ("onbediend",))
    (w_fijn,), _ = los_niveaus(fijn, ("onbediend",))
    assert w == pytest.approx(w_fijn, abs=1e-6)
    for doelmodel in (grof, fijn):
        u = verfijn(zonder, doelmodel, v)
        haalbaar(doelmodel, u)
        assert float(doelmodel.doelen["onbediend"] @ u) == pytest.approx(w, abs=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("seed", [3, 7])
def test_formuleringen_gelijk(backend: str, seed: int) -> None:
    """Types and one-binary-per-pair reach the same value on every level of a re-run."""
    inst = willekeurige_ronde(seed, huishoudens=(8, 15), backend=backend, gap_relatief=0.0)
    vorige = _vorige_van(inst, seed)
    uit = [los_op(inst, formulering=f, vorige=vorige) for f in ("types", "huishoudens")]
    for naam in uit[0].doelwaarden:
        assert uit[1].doelwaarden[naam] == pytest.approx(uit[0].doelwaarden[naam], abs=1e-6)


def test_verify_controleert_stabiliteit() -> None:
    """verify recomputes the level and checks the table of what moved."""
    inst = twee_gemeenten("highs")
    res = herhaal(inst, vorig(("A", "W1")))
    assert res.verschuivingen.empty
    met_fout = replace(res, vorige=vorig(("A", "W2")))  # A "moved", but the table is empty
    controle = verify(inst, met_fout, strikt=False)
    assert any(s.startswith("verschuivingen: 0 rijen") for s in controle.schendingen)
    assert any(s.startswith("doelwaarde stabiliteit") for s in controle.schendingen)
    with pytest.raises(VerificatieFout):
        verify(inst, met_fout)


# -- the example round: a locked re-run changes only what has to change ---------------------


def _kopie(tmp_path: Path) -> Path:
    map_ = tmp_path / "ronde"
    shutil.copytree(VOORBEELD, map_)
    return map_


def _zelfde_behalve(eerst: AllocationResult, daarna: AllocationResult, bewogen: set[str]) -> None:
    """Every household outside ``bewogen`` keeps its placement (or stays unplaced)."""
    a, b = plaatsing(eerst), plaatsing(daarna)
    assert set(rijen(daarna)) == bewogen
    for hid in set(a) | set(b):
        if hid not in bewogen:
            assert a.get(hid) == b.get(hid), hid


@pytest.mark.parametrize("backend", BACKENDS)
def test_voorbeeld_woning_valt_weg(tmp_path: Path, backend: str) -> None:
    """W-GM9001-1 (one home for one person, the only option in GM9001) is withdrawn.

    Its one occupant has to move: stabiliteit >= 1. Every other option keeps all its
    households, and the flex sites F-001 and F-002 still have free units for a single, so
    one move suffices (stabiliteit 1) and placing as many persons as before stays possible
    (with less supply, more is impossible). Nothing else may change. The re-run without
    any change moves nobody.
    """
    inst = laad_ronde(VOORBEELD, backend=backend)
    eerst = los_op(inst)
    assert herhaal(inst, eerst).verschuivingen.empty
    (bewoner,) = eerst.plaatsingen.loc[
        eerst.plaatsingen["aanbod_id"] == "W-GM9001-1", "huishouden_id"
    ]
    map_ = _kopie(tmp_path)
    w = pd.read_csv(map_ / "woningaanbod.csv", dtype=str)
    w.loc[w["aanbod_id"] == "W-GM9001-1", "woningen"] = "0"
    w.to_csv(map_ / "woningaanbod.csv", index=False)
    res = herhaal(laad_ronde(map_, backend=backend), eerst)
    assert res.doelwaarden["stabiliteit"] == 1
    assert res.doelwaarden["onbediend"] == eerst.doelwaarden["onbediend"]
    _zelfde_behalve(eerst, res, {bewoner})
    r = rijen(res)[bewoner]
    assert (r["soort"], r["vorige_optie"], r["telt_mee"]) == ("verhuist", "W-GM9001-1", True)
    assert r["nieuwe_optie"] in {"F-001", "F-002"}
    assert r["reden"] == "W-GM9001-1 heeft geen woningen of eenheden meer voor vergunninghouders"


@pytest.mark.parametrize("backend", BACKENDS)
def test_voorbeeld_extra_vastlegging(tmp_path: Path, backend: str) -> None:
    """A single in W-GM9008-1 is locked on W-GM9011-1 (three homes for one person, all taken
    by singles). The lock moves it, and one of the three singles there must leave: two moves
    is the minimum. Every regular home is full and only the flex sites of over-filled GM9009
    and GM9010 have room, so to keep the shortfall at 38 that single takes the home the
    locked one left (GM9008 and GM9011 each keep their number of persons)."""
    inst = laad_ronde(VOORBEELD, backend=backend)
    eerst = los_op(inst)
    pl = eerst.plaatsingen.set_index("huishouden_id")["aanbod_id"]
    x = str(pl[pl == "W-GM9008-1"].index[0])
    daar = set(pl[pl == "W-GM9011-1"].index)
    assert len(daar) == 3
    map_ = _kopie(tmp_path)
    toml = map_ / "ronde.toml"
    toml.write_text(
        toml.read_text().replace("[solver]", 'vastleggingen = "vastleggingen.csv"\n\n[solver]', 1)
    )
    (map_ / "vastleggingen.csv").write_text(
        "huishouden_id,aanbod_id,gemeente_code,soort,toelichting\n"
        f"{x},W-GM9011-1,,vast,wens van de gemeente\n"
    )
    res = herhaal(laad_ronde(map_, backend=backend), eerst)
    assert res.doelwaarden["stabiliteit"] == 2
    for naam in ("onbediend", "tekort"):
        assert res.doelwaarden[naam] == eerst.doelwaarden[naam]
    r = rijen(res)
    (y,) = set(r) - {x}
    assert y in daar
    _zelfde_behalve(eerst, res, {x, y})
    assert plaatsing(res)[x] == "W-GM9011-1" and plaatsing(res)[y] == "W-GM9008-1"
    assert r[x]["reden"] == "vastgelegd door regisseur op W-GM9011-1 (wens van de gemeente)"
    assert r[y]["reden"].startswith(
        f"W-GM9011-1 is vol (geen eenheid meer vrij): de plaats ging naar {x}"
    )


# -- reading a previous outcome -------------------------------------------------------------


@pytest.fixture(scope="module")
def eerste_uitvoer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of one CLI run of the example round."""
    uit = tmp_path_factory.mktemp("eerste") / "uit"
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--uitvoer", str(uit), "--stil"])
    assert r.exit_code == 0, r.output
    return uit


def test_lezen_uit_map_csv_en_archief(eerste_uitvoer: Path, tmp_path: Path) -> None:
    """The CLI's output folder, its plaatsingen.csv and its ronde.gpkg all read back."""
    uit = eerste_uitvoer
    plaatsingen = pd.read_csv(uit / "plaatsingen.csv", dtype=str)
    uit_map = lees_vorige_uitkomst(uit)
    assert uit_map.onbediend_bekend and uit_map.onbediend == {"HH-000006", "HH-000041"}
    assert uit_map.plaats == dict(
        zip(plaatsingen["huishouden_id"], plaatsingen["aanbod_id"], strict=True)
    )
    assert lees_vorige_uitkomst(uit / "plaatsingen.csv").plaats == uit_map.plaats
    archief = lees_vorige_uitkomst(uit / "ronde.gpkg")
    assert archief.plaats == uit_map.plaats and archief.onbediend == uit_map.onbediend
    los_csv = tmp_path / "p.csv"
    plaatsingen[["huishouden_id", "aanbod_id"]].to_csv(los_csv, index=False)
    alleen = lees_vorige_uitkomst(los_csv)
    assert alleen.plaats == uit_map.plaats and not alleen.onbediend_bekend

    # The CLI re-run: nothing changed, nothing moved; verschuivingen.csv has only its header.
    tweede = tmp_path / "tweede"
    r = runner.invoke(
        app, ["ronde", str(VOORBEELD), "--uitvoer", str(tweede), "--vorige-uitkomst", str(uit)]
    )
    assert r.exit_code == 0, r.output
    assert "Verschuivingen t.o.v. de vorige uitkomst" in r.stdout and ": geen;" in r.stdout
    assert "Herhaalde ronde" in r.stdout
    v = pd.read_csv(tweede / "verschuivingen.csv")
    assert v.empty and list(v.columns)[:3] == ["huishouden_id", "personen", "soort"]


def test_cli_herhaalde_ronde_na_wijziging(eerste_uitvoer: Path, tmp_path: Path) -> None:
    """A home withdrawn, and a household that left the round since: both reported in
    verschuivingen.csv, on stdout, in the workbook and in the HTML report."""
    vorige = tmp_path / "vorige.csv"
    p = pd.read_csv(eerste_uitvoer / "plaatsingen.csv", dtype=str)
    extra = pd.DataFrame([{"huishouden_id": "HH-999999", "aanbod_id": "F-001"}])
    pd.concat([p[["huishouden_id", "aanbod_id"]], extra]).to_csv(vorige, index=False)
    (bewoner,) = p.loc[p["aanbod_id"] == "W-GM9001-1", "huishouden_id"]
    map_ = _kopie(tmp_path)
    w = pd.read_csv(map_ / "woningaanbod.csv", dtype=str)
    w.loc[w["aanbod_id"] == "W-GM9001-1", "woningen"] = "0"
    w.to_csv(map_ / "woningaanbod.csv", index=False)
    uit = tmp_path / "uit"
    r = runner.invoke(
        app, ["ronde", str(map_), "--uitvoer", str(uit), "--vorige-uitkomst", str(vorige)]
    )
    assert r.exit_code == 0, r.output
    assert "Verschuivingen t.o.v. de vorige uitkomst: 1 huishouden verhuist of" in r.stdout
    v = pd.read_csv(uit / "verschuivingen.csv", dtype={"personen": "Int64"})
    assert v["huishouden_id"].tolist() == [bewoner, "HH-999999"]
    assert v["soort"].tolist() == ["verhuist", "niet meer in de ronde"]
    assert v["telt_mee"].tolist() == [True, False] and pd.isna(v["personen"].iat[1])
    wb = openpyxl.load_workbook(uit / "allocatie.xlsx", read_only=True)
    assert wb.sheetnames[3:5] == ["Plaatsingen", "Verschuivingen"]
    rij = [c.value for c in next(wb["Verschuivingen"].iter_rows(min_row=3, max_row=3))]
    assert rij[:3] == ["HH-999999", None, "niet meer in de ronde"]
    wb.close()
    html = (uit / "rapport.html").read_text(encoding="utf-8")
    assert "Verschuivingen t.o.v. de vorige uitkomst (1 verhuist of verliest zijn" in html
    samenvatting = json.loads((uit / "samenvatting.json").read_text(encoding="utf-8"))
    assert samenvatting["stabiliteit"]["verschuivingen"] == 1
    assert samenvatting["stabiliteit"]["niet meer in de ronde"] == 1


KOP = "huishouden_id,aanbod_id\n"


@pytest.mark.parametrize(
    ("inhoud", "rij", "kolom", "waarde", "tekst"),
    [
        ("huishouden_id\nHH-1\n", 1, "aanbod_id", None, "verplichte kolom ontbreekt"),
        (KOP + "HH-1,W1\nHH-1,W2\n", 3, "huishouden_id", "HH-1", "hoogstens één plaatsing"),
        (KOP + "HH-1,\n", 2, "aanbod_id", None, "lege cel"),
    ],
)
def test_foute_vorige_uitkomst(
    tmp_path: Path, inhoud: str, rij: int, kolom: str, waarde: str | None, tekst: str
) -> None:
    pad = tmp_path / "plaatsingen.csv"
    pad.write_text(inhoud)
    with pytest.raises(InvoerFout) as e:
        lees_vorige_uitkomst(pad)
    assert (e.value.bestand, e.value.rij, e.value.kolom, e.value.waarde) == (
        str(pad),
        rij,
        kolom,
        waarde,
    )
    assert tekst in e.value.bericht


def test_vorige_uitkomst_ontbreekt_of_dubbel(tmp_path: Path) -> None:
    with pytest.raises(InvoerFout, match="vorige uitkomst bestaat niet"):
        lees_vorige_uitkomst(tmp_path / "nergens.csv")
    with pytest.raises(InvoerFout, match=r"map zonder plaatsingen\.csv"):
        lees_vorige_uitkomst(tmp_path)
    (tmp_path / "plaatsingen.csv").write_text(KOP + "HH-1,W1\n")
    (tmp_path / "onbediend.csv").write_text("huishouden_id\nHH-2\nHH-1\n")
    with pytest.raises(InvoerFout, match="geplaatst of onbediend") as e:
        lees_vorige_uitkomst(tmp_path)
    assert (e.value.rij, e.value.waarde) == (3, "HH-1")
    r = runner.invoke(
        app,
        ["ronde", str(VOORBEELD), "--uitvoer", str(tmp_path / "u"), "--vorige-uitkomst", "x.csv"],
    )
    assert r.exit_code == 2 and "vorige uitkomst bestaat niet" in r.output
    assert not (tmp_path / "u").exists()
