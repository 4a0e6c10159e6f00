"""The determinism contract of `strategie.oplossen` (issue: one allocation, whatever the machine).

- The same round solved with the job beside the main one on a worker thread,
  with deliberately different thread timing (random sleeps in every solve on
  that thread), and strictly sequentially (``threads = 1``) gives byte-identical
  placements, tables and level values: strategy decisions use work, not time.
- A cut by the wall clock sets ``reproduceerbaar`` false, in the result, the
  summary and the level table; a solve within its work budget sets it true.
- A backend without LP duals or a work limit (CBC) gets the plain strategy and
  the result says so (`AllocationResult.strategie`).
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import replace

import pytest
from bouwers import uit_synthetisch

from allocatie import los_op
from allocatie.resultaat.result import AllocationResult
from allocatie.solvers import SolverOpties, kies_backend
from allocatie.solvers.base import LP_DUALEN, WERKLIMIET, BackendUitkomst, Status
from allocatie.strategie import Instellingen
from allocatie.strategie import vangnet as vn


def _vingerafdruk(res: AllocationResult) -> str:
    """A hash of everything the contract covers: the three tables and the level values."""
    h = hashlib.sha256()
    for df in (res.plaatsingen, res.per_gemeente, res.per_optie):
        h.update(df.to_csv(index=False).encode())
    for n in res.niveaus:
        h.update(repr((n.naam, n.status.value, n.waarde, n.grens)).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def ronde() -> object:
    return uit_synthetisch(12, 400, 5)


#: Every level's job beside the main one runs, even on this small round.
ALTIJD_NAAST = Instellingen(naast_vanaf=0)


def _met_gestoorde_draden(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Random sleeps before and after every solve (through the backend every solve uses)."""
    rng = random.Random(seed)
    slot = threading.Lock()
    echt_mip, echt_lp = vn.BewaakteBackend.los_op, vn.BewaakteBackend.los_lp_op

    def slaap() -> None:
        with slot:
            s = rng.uniform(0.0, 0.1)
        time.sleep(s)

    def mip(self: object, *a: object, **k: object) -> object:
        slaap()
        uit = echt_mip(self, *a, **k)  # type: ignore[arg-type]
        slaap()
        return uit

    def lp(self: object, *a: object, **k: object) -> object:
        slaap()
        return echt_lp(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(vn.BewaakteBackend, "los_op", mip)
    monkeypatch.setattr(vn.BewaakteBackend, "los_lp_op", lp)


def test_zelfde_verdeling_bij_andere_draadtiming_en_strikt_na_elkaar(
    ronde: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst = ronde
    opties = replace(inst.solver, tijdslimiet_s=300, gap_relatief=0.005, threads=0)  # type: ignore[attr-defined]
    vingers = []
    for seed in (1, 2):
        with monkeypatch.context() as m:
            _met_gestoorde_draden(m, seed)
            res = los_op(inst, opties, instellingen=ALTIJD_NAAST)  # type: ignore[arg-type]
        assert res.reproduceerbaar
        vingers.append(_vingerafdruk(res))
    sequentieel = los_op(inst, replace(opties, threads=1), instellingen=ALTIJD_NAAST)  # type: ignore[arg-type]
    assert sequentieel.reproduceerbaar
    vingers.append(_vingerafdruk(sequentieel))
    assert len(set(vingers)) == 1, vingers


def test_naast_draaien_echt_gebeurt(ronde: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above only means something if jobs really run beside the main one."""
    draden: set[str] = set()
    echt = vn.BewaakteBackend.los_op

    def mip(self: object, *a: object, **k: object) -> object:
        draden.add(threading.current_thread().name)
        return echt(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(vn.BewaakteBackend, "los_op", mip)
    opties = replace(ronde.solver, tijdslimiet_s=300, gap_relatief=0.005, threads=0)  # type: ignore[attr-defined]
    los_op(ronde, opties, instellingen=ALTIJD_NAAST)  # type: ignore[arg-type]
    assert any(d.startswith("naast") for d in draden), draden


def test_klok_die_ingrijpt_maakt_het_niet_reproduceerbaar(ronde: object) -> None:
    inst = ronde
    ruim = los_op(inst, replace(inst.solver, tijdslimiet_s=300))  # type: ignore[attr-defined]
    assert ruim.reproduceerbaar and not any(n.klok for n in ruim.niveaus)
    assert ruim.samenvatting()["reproduceerbaar"] is True
    krap = los_op(inst, replace(inst.solver, tijdslimiet_s=0.001))  # type: ignore[attr-defined]
    assert not krap.reproduceerbaar
    s = krap.samenvatting()
    assert s["reproduceerbaar"] is False
    assert any(n["klok"] for n in s["niveaus"]) or len(s["niveaus"]) < len(ruim.niveaus)


class _KlokBackend:
    """A backend whose every solve says the clock cut it."""

    naam = "klok"

    def los_op(self, *a: object, **k: object) -> BackendUitkomst:
        return BackendUitkomst(Status.TIJDSLIMIET, None, None, None, None, 0.0, "", klok=True)


def test_klok_van_een_gestopte_zoektocht_telt_niet() -> None:
    """A solve its caller stopped (``afbreken`` set: its result is discarded) does not make
    the solve irreproducible, whatever the clock did to it; any other cut counts."""
    net = vn.Vangnet(time.perf_counter() + 30)
    b = vn.BewaakteBackend(_KlokBackend(), net)  # type: ignore[arg-type]
    gestopt = threading.Event()
    gestopt.set()
    b.los_op(None, SolverOpties(), 1.0, afbreken=gestopt)  # type: ignore[arg-type]
    assert net.keren == 0
    b.los_op(None, SolverOpties(), 1.0, afbreken=threading.Event())  # type: ignore[arg-type]
    b.los_op(None, SolverOpties(), 1.0)  # type: ignore[arg-type]
    assert net.keren == 2


def test_opties_die_gebruikt_zijn_staan_in_het_resultaat(ronde: object) -> None:
    opties = replace(ronde.solver, tijdslimiet_s=123.0, inspanning=0.5, seed=3)  # type: ignore[attr-defined]
    res = los_op(ronde, opties)  # type: ignore[arg-type]
    assert res.opties["tijdslimiet_s"] == 123.0 and res.opties["inspanning"] == 0.5
    assert res.samenvatting()["opties"]["seed"] == 3


def test_cbc_krijgt_de_eenvoudige_strategie_en_dat_staat_erbij() -> None:
    inst = uit_synthetisch(5, 40, 2)
    res = los_op(inst, replace(inst.solver, backend="cbc", tijdslimiet_s=120))
    assert res.strategie and "cbc" in res.strategie[0]
    assert "LP-eerst" in res.strategie[0]
    assert res.samenvatting()["strategie"] == list(res.strategie)
    highs = los_op(inst, replace(inst.solver, tijdslimiet_s=120))
    assert highs.strategie == ()
    assert {LP_DUALEN, WERKLIMIET} <= vn.BewaakteBackend(
        kies_backend("highs"), vn.Vangnet(0)
    ).vermogens


def test_inspanning_wordt_gecontroleerd() -> None:
    from allocatie.kern.errors import ConfiguratieFout

    for fout in (0, -1, float("nan"), float("inf"), True, 5000):
        with pytest.raises(ConfiguratieFout, match="inspanning"):
            SolverOpties(inspanning=fout)  # type: ignore[arg-type]
    w = Instellingen.uit(SolverOpties(inspanning=2))
    assert w.knopen_deel == 2 * Instellingen().knopen_deel
    assert Instellingen.uit(SolverOpties(inspanning=1e-6)).zoekstappen == 1


def test_werkbudget_op_is_geen_tijdslimiet(ronde: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """A level that ends with its gap open because its work budget is used up (not the
    clock) is `werkbudget_op`, and so is the round; it stays reproducible."""
    from allocatie.solvers import Status
    from allocatie.strategie.niveau import NiveauZoektocht

    echt = NiveauZoektocht.los_op

    def gap_open(self: NiveauZoektocht) -> object:
        uit = echt(self)
        return replace(uit, status=Status.TIJDSLIMIET)  # as if the budget ran out

    monkeypatch.setattr(NiveauZoektocht, "los_op", gap_open)
    res = los_op(ronde, replace(ronde.solver, tijdslimiet_s=300))  # type: ignore[attr-defined]
    assert res.reproduceerbaar
    # (a min-max level may still be proven optimal afterwards by the background test)
    statussen = {n.status for n in res.niveaus}
    assert Status.WERKBUDGET in statussen and statussen <= {Status.WERKBUDGET, Status.OPTIMAAL}
    assert res.status is Status.WERKBUDGET and res.status.heeft_oplossing
    assert res.samenvatting()["status"] == "werkbudget_op"
