"""`verify` catches broken results: a correct result, corrupted one way at a time.

The round (derived by hand): gemeenten 1, 2, 3 at 0, 30 and 45 km, need
2, 3 and 2. A (2, works in gemeente 1) fits W1 (1 home for 1-2) and W2 at
30 km, not W3 or F1 at 45 km; C (3) fits W2 and W3; D (1 + 1 nareiziger) fits
all; B (1) fits W1, W2 and flex site F1 (2 units, room for 3 persons), not W3
(2-4 persons). Need 7 = all 7 persons, so shortfall 0 needs gemeente 1 = {A},
2 = {C}, 3 = {B, D}: B only fits F1 there, D then takes W3. Costs: B on a
flex site, 2.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import pytest
from bouwers import BACKENDS, flex, gemeente, huishouden, los, plaatsing, ronde, woning

import allocatie.resultaat.verify as verify_mod
from allocatie.kern.errors import VerificatieFout
from allocatie.resultaat.result import AllocationResult
from allocatie.resultaat.verify import Controle, verify
from allocatie.ronde.instance import Instance

pytestmark = pytest.mark.parametrize("backend", BACKENDS)


def maak(backend: str) -> tuple[Instance, AllocationResult]:
    inst = ronde(
        [gemeente(1), gemeente(2, 30), gemeente(3, 45)],
        {1: 2, 2: 3, 3: 2},
        [
            huishouden("A", 2, werk=1),
            huishouden("B", 1),
            huishouden("C", 3),
            huishouden("D", 1, nareizigers=1),
        ],
        [woning("W1", 1, max_p=2), woning("W2", 2, woningen=2), woning("W3", 3, min_p=2)],
        [flex("F1", 3, 45, 5, eenheden=2, capaciteit=3)],
        backend=backend,
    )
    return inst, los(inst)


def verplaats(inst: Instance, res: AllocationResult, hid: str, oid: str) -> AllocationResult:
    """``res`` with household ``hid`` moved to option ``oid`` (its gemeente follows)."""
    p = res.plaatsingen.copy()
    gemeente_code = inst.opties.set_index("aanbod_id").loc[oid, "gemeente_code"]
    p.loc[p["huishouden_id"] == hid, ["aanbod_id", "gemeente_code"]] = [oid, gemeente_code]
    return replace(res, plaatsingen=p)


def dubbel(inst: Instance, res: AllocationResult) -> AllocationResult:
    p = res.plaatsingen
    return replace(res, plaatsingen=pd.concat([p, p[p["huishouden_id"] == "B"]], ignore_index=True))


def ontbreekt(inst: Instance, res: AllocationResult) -> AllocationResult:
    p = res.plaatsingen
    return replace(res, plaatsingen=p[p["huishouden_id"] != "D"].reset_index(drop=True))


def ook_onbediend(inst: Instance, res: AllocationResult) -> AllocationResult:
    extra = pd.DataFrame({"huishouden_id": ["B"], "personen": [1]})
    return replace(res, onbediend=pd.concat([res.onbediend, extra], ignore_index=True))


def verkeerde_doelwaarde(inst: Instance, res: AllocationResult) -> AllocationResult:
    return replace(res, doelwaarden={**res.doelwaarden, "kosten": 3.0})


def verkeerde_kosten(inst: Instance, res: AllocationResult) -> AllocationResult:
    p = res.plaatsingen.copy()
    p.loc[p["huishouden_id"] == "B", "kosten"] = 0.0
    return replace(res, plaatsingen=p)


BEDERF: dict[str, tuple[Callable[[Instance, AllocationResult], AllocationResult], str]] = {
    "dubbel_geplaatst": (dubbel, "huishouden B is meer dan eens geplaatst"),
    "te_klein": (
        lambda i, r: verplaats(i, r, "C", "W1"),
        "C (3 pers. incl. nareizigers) past niet in W1 (1-2)",
    ),
    "woningen_vol": (
        lambda i, r: verplaats(i, r, "C", "W3"),
        "W3: 2 eenheden gebruikt > 1 beschikbaar",
    ),
    "personen_vol": (lambda i, r: verplaats(i, r, "C", "F1"), "F1: 4 personen > capaciteit 3"),
    "werk_te_ver": (
        lambda i, r: verplaats(i, r, "A", "W3"),
        "A: W3 ligt 45 min (ov) van werk in GM0001 (max 40 min)",
    ),
    "doelwaarde": (verkeerde_doelwaarde, "doelwaarde kosten: gemeld 3.0, herberekend 2.0"),
    "kosten_plaatsing": (verkeerde_kosten, "B: kosten in uitkomst 0.0000 != herberekend 2.0000"),
    "ontbreekt": (ontbreekt, "huishouden D ontbreekt in de uitkomst"),
    "geplaatst_en_onbediend": (ook_onbediend, "huishouden B staat zowel geplaatst als onbediend"),
}


def test_correct_resultaat(backend: str) -> None:
    """The hand-derived optimum passes, with the recomputed level values."""
    inst, res = maak(backend)
    assert plaatsing(res) == {"A": "W1", "B": "F1", "C": "W2", "D": "W3"}
    controle = verify(inst, res)
    assert isinstance(controle, Controle) and controle.ok and controle.schendingen == ()
    assert controle.doelwaarden == pytest.approx(
        {"onbediend": 0, "tekort": 0, "eerlijkheid": 0, "kosten": 2, "overvulling": 0}
    )


@pytest.mark.parametrize("bederf", sorted(BEDERF))
def test_bedorven_resultaat(backend: str, bederf: str) -> None:
    """Each corruption raises `VerificatieFout` naming the household or option;
    with ``strikt=False`` the same violation comes back in the `Controle`."""
    inst, res = maak(backend)
    maak_stuk, melding = BEDERF[bederf]
    stuk = maak_stuk(inst, res)
    with pytest.raises(VerificatieFout) as fout:
        verify(inst, stuk)
    assert any(melding in s for s in fout.value.schendingen), fout.value.schendingen
    assert str(fout.value).startswith("De oplossing doorstaat de onafhankelijke controle niet")
    assert melding in str(fout.value)
    controle = verify(inst, stuk, strikt=False)
    assert not controle.ok
    assert any(melding in s for s in controle.schendingen)


def test_verify_los_van_model(backend: str) -> None:
    """verify imports nothing from allocatie.model (a formulation bug cannot hide itself)."""
    boom = ast.parse(inspect.getsource(verify_mod))
    modules = [
        n.module if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(boom)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    ]
    assert not [m for m in modules if m and m.startswith("allocatie.model")]
