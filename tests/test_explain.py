"""Explanations (`allocatie.resultaat.explain`) on tiny hand-built rounds and the example round.

All rounds use the test preset ``standaard`` (werk <= 40 min, 1 cost per
minute of work travel, 2 per person on a flex site) and the test grid (one km
is one minute of travel; a home in the anchor gemeente itself is 0 minutes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bouwers import flex, gemeente, huishouden, los, ronde, willekeurige_ronde, woning

from allocatie.invoer.laden import laad_ronde
from allocatie.model.toelaatbaar import criteriummaskers, toelaatbaar
from allocatie.resultaat.explain import KOLOMMEN, verklaar, verklaar_gemeenten
from allocatie.strategie.oplossen import los_op

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld" / "ronde.toml"


def _rij(v: pd.DataFrame, hid: str) -> pd.Series:
    rij = v[v["huishouden_id"] == hid]
    assert len(rij) == 1
    return rij.iloc[0]


def test_alternatief_met_hogere_kosten() -> None:
    # H1 works in gemeente 1: W1 there costs 0, W2 in gemeente 2 (10 km) costs 10.
    inst = ronde(
        [gemeente(1, 0), gemeente(2, 10)],
        {1: 1, 2: 1},
        [huishouden("H1", werk=1)],
        [woning("W1", 1), woning("W2", 2)],
    )
    v = verklaar(inst, los(inst))
    assert list(v.columns) == list(KOLOMMEN)
    r = _rij(v, "H1")
    assert r["geplaatst_in"] == "W1"
    assert r["gemeente_code"] == "GM0001"
    assert r["harde_criteria"] == "werk ≤ 40 min (ov) naar GM0001"
    assert r["kosten"] == pytest.approx(0.0)
    assert r["kosten_werk"] == pytest.approx(0.0)
    assert r["passende_opties"] == 2
    assert r["beste_alternatief"] == "W2"
    assert r["alternatief_kosten"] == pytest.approx(10.0)
    assert r["reden"] == "hogere kosten (+10): werk +10"


def test_alternatief_vol_eenheden() -> None:
    # Two identical households, one home in each gemeente: each alternative is taken.
    inst = ronde(
        [gemeente(1, 0), gemeente(2, 10)],
        {1: 1, 2: 1},
        [huishouden("H1", werk=1), huishouden("H2", werk=1)],
        [woning("W1", 1), woning("W2", 2)],
    )
    v = verklaar(inst, los(inst))
    assert set(v["geplaatst_in"]) == {"W1", "W2"}
    for hid in ("H1", "H2"):
        r = _rij(v, hid)
        assert r["beste_alternatief"] == ({"W1", "W2"} - {r["geplaatst_in"]}).pop()
        assert r["reden"] == "vol: geen eenheid meer vrij"


def test_alternatief_vol_personen() -> None:
    # Flex site F1: 2 units but room for 3 persons; two households of 2. One fits there;
    # the other goes to W2 and F1 (one unit left) has room for only 1 more person.
    inst = ronde(
        [gemeente(1, 0), gemeente(2, 10)],
        {1: 2, 2: 2},
        [huishouden("H1", 2, werk=1), huishouden("H2", 2, werk=1)],
        [woning("W2", 2)],
        [flex("F1", 1, 0.0, eenheden=2, capaciteit=3)],
    )
    v = verklaar(inst, los(inst))
    assert sorted(v["geplaatst_in"]) == ["F1", "W2"]
    in_w2 = v[v["geplaatst_in"] == "W2"].iloc[0]
    assert in_w2["beste_alternatief"] == "F1"
    assert in_w2["reden"] == "vol: nog plaats voor 1 persoon, nodig 2"


def test_onbediend_door_werkcriterium() -> None:
    # The only home lies 50 minutes from the work gemeente (limit 40).
    inst = ronde(
        [gemeente(1, 0), gemeente(2, 50)],
        {2: 1},
        [huishouden("H1", werk=1)],
        [woning("W2", 2)],
    )
    v = verklaar(inst, los(inst))
    r = _rij(v, "H1")
    assert r["geplaatst_in"] == "" and r["passende_opties"] == 0
    assert r["beste_alternatief"] == ""
    assert r["reden"] == (
        "geen passende optie: werk in GM0001 binnen 40 min (ov) laat geen enkele optie toe"
    )


def test_onbediend_door_grootte() -> None:
    inst = ronde(
        [gemeente(1, 0)],
        {1: 5},
        [huishouden("H1", 5)],
        [woning("W1", 1, max_p=4)],
    )
    r = _rij(verklaar(inst, los(inst)), "H1")
    assert r["geplaatst_in"] == ""
    assert r["reden"] == (
        "geen passende optie: woninggrootte (ruimte voor 5 personen) laat geen enkele optie toe"
    )


def test_onbediend_passende_opties_vol() -> None:
    inst = ronde(
        [gemeente(1, 0)],
        {1: 2},
        [huishouden("H1"), huishouden("H2")],
        [woning("W1", 1)],
    )
    v = verklaar(inst, los(inst))
    niet = v[v["geplaatst_in"] == ""]
    assert len(niet) == 1
    r = niet.iloc[0]
    assert r["passende_opties"] == 1
    assert r["beste_alternatief"] == "W1"
    assert r["reden"] == "alle passende opties vol: W1"
    geplaatst = v[v["geplaatst_in"] == "W1"].iloc[0]
    assert geplaatst["beste_alternatief"] == ""
    assert geplaatst["reden"] == "geen alternatief: enige passende optie"


def test_gemeente_tekort_door_aanbod() -> None:
    # Gemeente 1 needs 3 persons but has one home for 1: 2 short for lack of supply.
    inst = ronde(
        [gemeente(1, 0)],
        {1: 3},
        [huishouden("H1")],
        [woning("W1", 1, max_p=1)],
    )
    g = verklaar_gemeenten(inst, los(inst))
    assert list(g["gemeente_code"]) == ["GM0001"]
    assert g["tekort_door_aanbod"].iat[0] == 2
    assert "2 personen door te weinig eigen aanbod" in g["verklaring"].iat[0]


@pytest.mark.parametrize("seed", range(8))
def test_criteria_samen_zijn_toelaatbaar(seed: int) -> None:
    inst = willekeurige_ronde(seed)
    maskers = criteriummaskers(inst)
    samen = np.logical_and.reduce(list(maskers.values()))
    assert (samen == toelaatbaar(inst)).all()


def test_voorbeeldronde() -> None:
    inst = laad_ronde(VOORBEELD)
    res = los_op(inst)
    v = verklaar(inst, res)
    assert list(v["huishouden_id"]) == sorted(inst.huishoudens["huishouden_id"])
    assert v["huishouden_id"].is_unique
    geplaatst = v[v["geplaatst_in"] != ""]
    assert len(geplaatst) == len(res.plaatsingen)
    pl = res.plaatsingen.set_index("huishouden_id")
    assert (geplaatst.set_index("huishouden_id")["geplaatst_in"] == pl["aanbod_id"]).all()
    assert (geplaatst["reden"] != "").all()
    assert ((geplaatst["beste_alternatief"] == "") == (geplaatst["passende_opties"] == 1)).all()
    heeft_alt = geplaatst["beste_alternatief"] != ""
    assert (
        geplaatst.loc[heeft_alt, "beste_alternatief"] != geplaatst.loc[heeft_alt, "geplaatst_in"]
    ).all()
    som = geplaatst[[f"kosten_{d}" for d in ("werk", "studie", "coa_regio", "flex")]].sum(axis=1)
    assert np.allclose(som, geplaatst["kosten"])
    niet = v[v["geplaatst_in"] == ""]
    assert len(niet) == len(res.onbediend)
    assert niet["reden"].str.startswith(("geen passende optie", "alle passende opties vol")).all()
    g = verklaar_gemeenten(inst, res)
    assert set(g["gemeente_code"]) == set(
        res.per_gemeente.loc[res.per_gemeente["tekort"] > 0, "gemeente_code"]
    )
    assert g["verklaring"].str.startswith("Tekort").all()
