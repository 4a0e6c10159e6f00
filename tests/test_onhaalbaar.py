"""Infeasibility diagnosis: households whose hard criteria conflict are named, the rest placed.

Test grid as in ``bouwers`` (one km is one minute by ov), preset ``standaard`` with the
test limits werk <= 40 min and zorg <= 30 min; options open from 2025-01-01 and
households ready on 2025-01-06, so availability never binds unless said.
"""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pandas as pd
import pytest
from bouwers import BACKENDS, gemeente, huishouden, los, plaatsing, ronde, woning

from allocatie.model import onhaalbaar as onhaalbaar_mod
from allocatie.model.bouw import bouw_model
from allocatie.model.onhaalbaar import ONHAALBAAR_KOLOMMEN, minimaal_conflict
from allocatie.resultaat.explain import verklaar
from allocatie.ronde.instance import Instance

#: The conflict of the family of six (criteria in the model's order: size first).
GEZIN = (
    "woninggrootte (ruimte voor 6 personen) laat 1 optie toe, "
    "werk in GM0002 binnen 40 min (ov) laat 2 opties toe, samen 0"
)


def gezin_met_werk(backend: str) -> Instance:
    """A family of six (G6) with a job in gemeente 2; the only large home is 100 km away.

    W1 (gemeente 1, 10 km from the job) and W2 (gemeente 2) take at most 4 persons;
    W3 (gemeente 3, 90 km from the job) takes 8. Werk allows W1 and W2, size only W3:
    together nothing. A (1 person), B (4) and C (5) fit: A and B in W1/W2, C in W3.
    """
    return ronde(
        [gemeente(1), gemeente(2, 10), gemeente(3, 100)],
        {},
        [
            huishouden("G6", 6, werk=2),
            huishouden("A"),
            huishouden("B", 4),
            huishouden("C", 5),
        ],
        [woning("W1", 1), woning("W2", 2), woning("W3", 3, max_p=8)],
        backend=backend,
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_gezin_met_werk_zonder_grote_woning(backend: str) -> None:
    inst = gezin_met_werk(backend)
    res = los(inst)
    # The rest is placed: A and B in the two small homes, C in the large one.
    gekozen = plaatsing(res)
    assert set(gekozen) == {"A", "B", "C"} and gekozen["C"] == "W3"
    assert res.doelwaarden["onbediend"] == 6
    o = res.onhaalbaar
    assert list(o.columns) == list(ONHAALBAAR_KOLOMMEN)
    assert o.to_dict(orient="records") == [
        {
            "huishouden_id": "G6",
            "personen": 6,
            "ruimte": 6,
            "criteria": "grootte, werk",
            "conflict": GEZIN,
            "toelichting": f"G6 (6 personen): {GEZIN}",
        }
    ]
    signaal = [s for s in res.signalen if "geen enkele passende optie" in s]
    assert len(signaal) == 1 and "G6 (6 personen): woninggrootte" in signaal[0]
    assert "de rest wordt gewoon verdeeld" in signaal[0]
    onb = res.onbediend.set_index("huishouden_id")
    assert onb.at["G6", "reden"] == f"geen passende optie: {GEZIN}"
    uitleg = verklaar(inst, res).set_index("huishouden_id")
    assert uitleg.at["G6", "reden"] == f"geen passende optie: {GEZIN}"
    assert res.samenvatting()["onhaalbaar"] == [
        {"huishouden_id": "G6", "criteria": "grootte, werk"}
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_drie_criteria_samen(backend: str) -> None:
    """Each pair of size, werk and zorg is satisfiable, all three together are not.

    Work in gemeente 2 at (40, 0), care in gemeente 3 at (0, 40), 56.6 km apart; gemeente 4
    at (20, 20) lies 28.3 km from both. A (gemeente 2) fits H's size and is near work but
    too far from care; B (gemeente 3) fits and is near care, too far from work; C
    (gemeente 4) is near both but takes one person only. H (3 persons) has no option; the
    minimal conflict is all three, each allowing two options.
    """
    inst = ronde(
        [gemeente(1), gemeente(2, 40), gemeente(3, 0, 40), gemeente(4, 20, 20)],
        {},
        [huishouden("H", 3, werk=2, zorg=3), huishouden("E")],
        [woning("A", 2), woning("B", 3), woning("C", 4, max_p=1)],
        backend=backend,
    )
    res = los(inst)
    assert set(plaatsing(res)) == {"E"}
    r = res.onhaalbaar.iloc[0]
    assert (r["huishouden_id"], r["criteria"]) == ("H", "grootte, werk, zorg")
    assert r["conflict"] == (
        "woninggrootte (ruimte voor 3 personen) laat 2 opties toe, werk in GM0002 binnen 40 "
        "min (ov) laat 2 opties toe, zorg in GM0003 binnen 30 min (ov) laat 2 opties toe, "
        "samen 0"
    )


def test_vastlegging_in_het_conflict() -> None:
    """Locked on a home that is too small: the conflict is the lock and the size."""
    inst = ronde(
        [gemeente(1)],
        {},
        [huishouden("A", 3)],
        [woning("W1", 1, max_p=2), woning("W2", 1)],
        vastleggingen=pd.DataFrame(
            [("A", "W1", "", "vast")],
            columns=["huishouden_id", "aanbod_id", "gemeente_code", "soort"],
        ),
    )
    o = bouw_model(inst).onhaalbaar
    assert o is not None
    assert o["conflict"].tolist() == [
        "woninggrootte (ruimte voor 3 personen) laat 1 optie toe, vastgelegd door regisseur "
        "op W1 laat 1 optie toe, samen 0"
    ]


def test_nareizigers_en_geen_aanbod() -> None:
    """Room for persons plus nareizigers; a round without options: size alone."""
    inst = ronde([gemeente(1)], {}, [huishouden("A", 2, nareizigers=3)], [])
    o = bouw_model(inst).onhaalbaar
    assert o is not None
    assert o["toelichting"].tolist() == [
        "A (2 personen, 3 nareizigers verwacht): woninggrootte (ruimte voor 5 personen) laat "
        "geen enkele optie toe"
    ]


def test_niets_onhaalbaar_geeft_lege_tabel() -> None:
    inst = ronde([gemeente(1)], {}, [huishouden("A")], [woning("W1", 1)])
    res = los(inst)
    assert res.onhaalbaar.empty and list(res.onhaalbaar.columns) == list(ONHAALBAAR_KOLOMMEN)
    assert bouw_model(inst, kosten=False).onhaalbaar is None  # the coarse model has none


def test_minimaal_conflict_is_kleinste_en_minimaal() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        namen = [f"c{i}" for i in range(int(rng.integers(1, 6)))]
        maskers = {c: rng.random(6) < 0.6 for c in namen}
        conflict = minimaal_conflict(maskers)
        samen = np.logical_and.reduce(list(maskers.values()))
        if samen.any():
            assert conflict == ()
            continue
        assert conflict and not np.logical_and.reduce([maskers[c] for c in conflict]).any()
        # Minimal: without any one of them, some option satisfies the rest.
        for weg in conflict:
            rest = [maskers[c] for c in conflict if c != weg]
            assert not rest or np.logical_and.reduce(rest).any()
        # Smallest: no smaller set conflicts.
        for k in range(1, len(conflict)):
            for combi in itertools.combinations(namen, k):
                assert np.logical_and.reduce([maskers[c] for c in combi]).any()


def test_doctests() -> None:
    assert doctest.testmod(onhaalbaar_mod).failed == 0
