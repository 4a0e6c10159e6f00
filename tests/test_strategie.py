"""The national-scale devices of `strategie.oplossen`: coarse types, greedy start, LP first.

- The coarse model (types that ignore costs) reaches the same optimum as the
  full model on every level before ``kosten``, and `verfijn` splits its
  solutions into feasible full solutions with the same level values.
- `gretige_start` returns a point that satisfies every row and bound.
- The LP by column generation equals the LP over all columns.
- The smart path (``types``) and the plain per-household MIP agree level by
  level (also covered for many cases in test_aggregatie; here on rounds where
  the coarse model is strictly smaller than the full one).
"""

from __future__ import annotations

import numpy as np
import pytest
from bouwers import (
    assert_niveaus_gelijk,
    haalbaar,
    los_niveaus,
    uit_synthetisch,
    willekeurige_ronde,
)

from allocatie.model.bouw import bouw_model, verfijn
from allocatie.model.start import gretige_start
from allocatie.ronde.instance import Instance
from allocatie.solvers import MipProbleem, SolverOpties, Status, kies_backend
from allocatie.strategie import Instellingen
from allocatie.strategie import deelmip as dm
from allocatie.strategie.lp import lp_met_kolomgeneratie
from allocatie.strategie.oplossen import los_op

ZONDER_KOSTEN = ("onbediend", "tekort", "eerlijkheid", "overvulling")


def rondes() -> list[Instance]:
    return [uit_synthetisch(8, 120, seed) for seed in (3, 11)] + [
        willekeurige_ronde(s, gemeenten=(3, 6), huishoudens=(10, 25), opties=(2, 5))
        for s in (1, 2, 5, 8)
    ]


@pytest.mark.parametrize("i", range(6))
def test_grof_model_zelfde_optimum_en_verfijning_haalbaar(i: int) -> None:
    inst = rondes()[i]
    fijn = bouw_model(inst)
    grof = bouw_model(inst, kosten=False)
    assert "kosten" not in grof.doelen
    assert len(grof.typen) <= len(fijn.typen)
    assert grof.typen.aantal.sum() == fijn.typen.aantal.sum() == inst.n_huishoudens
    w_fijn, _ = los_niveaus(fijn, ZONDER_KOSTEN)
    w_grof, v_grof = los_niveaus(grof, ZONDER_KOSTEN)
    np.testing.assert_allclose(w_grof, w_fijn, atol=1e-5)
    v = verfijn(grof, fijn, v_grof)
    haalbaar(fijn, v)
    for naam, w in zip(ZONDER_KOSTEN, w_grof, strict=True):
        assert float(fijn.doelen[naam] @ v) == pytest.approx(w, abs=1e-5)


def test_grof_model_is_echt_grover_op_synthetische_ronde() -> None:
    inst = uit_synthetisch(12, 300, 7)
    assert len(bouw_model(inst, kosten=False).typen) < len(bouw_model(inst).typen)


@pytest.mark.parametrize("i", range(6))
def test_gretige_start_is_haalbaar(i: int) -> None:
    inst = rondes()[i]
    opgave = inst.gemeenten["opgave"].to_numpy(float)
    for model in (bouw_model(inst), bouw_model(inst, kosten=False)):
        v = gretige_start(model, opgave)
        haalbaar(model, v)
        # It places at least as many persons as "nobody placed" and is never worse.
        leeg = model.startoplossing(opgave)
        assert model.doelen["onbediend"] @ v <= model.doelen["onbediend"] @ leeg


def test_gretige_start_plaatst_alles_bij_ruim_aanbod() -> None:
    inst = willekeurige_ronde(4, gemeenten=(3, 3), huishoudens=(6, 6), opties=(4, 4))
    model = bouw_model(inst)
    opgave = inst.gemeenten["opgave"].to_numpy(float)
    v = gretige_start(model, opgave)
    haalbaar(model, v)
    # The greedy places every household that some option can still take at the end.
    w, _ = los_niveaus(model, ("onbediend",))
    assert model.doelen["onbediend"] @ v >= w[0] - 1e-9


def test_kolomgeneratie_geeft_de_volle_lp() -> None:
    inst = uit_synthetisch(12, 300, 7)
    model = bouw_model(inst)
    backend = kies_backend("highs")
    opties = SolverOpties()
    opgave = inst.gemeenten["opgave"].to_numpy(float)
    v = gretige_start(model, opgave)
    # Hold "onbediend" at the greedy start: without it the LP places nobody at cost 0.
    c_onb = model.doelen["onbediend"]
    A, onder, boven = dm.houd_vast(
        model.A, model.rij_onder, model.rij_boven, c_onb, float(c_onb @ v) + 1e-6
    )
    p: MipProbleem = dm.niveauprobleem(model, model.doelen["kosten"], A, onder, boven, v)
    vol = backend.los_lp_op(p, opties, 60)  # type: ignore[attr-defined]
    assert vol.objectief is not None and vol.objectief > 10
    kg = lp_met_kolomgeneratie(backend, p, opties, 60, model.kolommen["x"], Instellingen())
    assert vol.objectief is not None and kg.objectief is not None
    assert kg.objectief == pytest.approx(vol.objectief, rel=1e-7, abs=1e-6)
    assert kg.kolomduaal is not None and kg.x is not None
    # Reduced costs are those of the full LP: none negative at a zero column.
    nul = kg.x[model.kolommen["x"]] < 1e-9
    assert (kg.kolomduaal[model.kolommen["x"]][nul] >= -1e-7).all()


@pytest.mark.parametrize("seed", [3, 11])
def test_slim_pad_en_kale_mip_gelijk(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    inst = uit_synthetisch(8, 120, seed)
    # Force column generation on this small round too.
    slim = los_op(inst, formulering="types", instellingen=Instellingen(kolomgeneratie_vanaf=10))
    kaal = los_op(inst, formulering="huishoudens")
    assert slim.status is Status.OPTIMAAL and kaal.status is Status.OPTIMAAL
    assert_niveaus_gelijk(slim, kaal)
    assert slim.modelgrootte["grove_types"] <= slim.modelgrootte["types"]
