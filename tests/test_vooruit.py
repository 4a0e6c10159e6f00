"""Work on the second core in `strategie.oplossen`, each device against a plain computation.

- `_gehele_waarde` / `_verwachte_waarde`: which levels take whole values and
  the value a level is expected to reach from its LP bound.
- `_duale_grens`: any row duals bound an LP from below; its own give its value.
- `_Vooruit`: the LP of the next level, started early with a guessed hold,
  hands over the dual bound for the problem the level really left.
- A whole solve with the early LPs reaches the same level values as one
  without, with valid bounds, and really uses them.
- `_Bewijzer`: the min-max test run in the background proves a level optimal
  exactly when no solution is below its value.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from bouwers import twee_gemeenten, uit_synthetisch

from allocatie import los_op
from allocatie.model.bouw import bouw_model
from allocatie.resultaat.result import NiveauUitkomst
from allocatie.solvers import MipProbleem, SolverOpties, Status, kies_backend
from allocatie.solvers.base import BackendUitkomst, LpUitkomst
from allocatie.strategie import Instellingen
from allocatie.strategie import deelmip as dm
from allocatie.strategie import lp as slp
from allocatie.strategie import minmaxzoek as mz
from allocatie.strategie import niveau as nv
from allocatie.strategie import uitvoerder as uv
from allocatie.strategie import vangnet as vn


def test_gehele_waarde_per_niveau() -> None:
    inst = uit_synthetisch(8, 120, 3)
    model = bouw_model(inst)
    d = model.doelen
    assert dm.gehele_waarde(model, d["onbediend"])
    assert dm.gehele_waarde(model, d["tekort"])
    assert not dm.gehele_waarde(model, d["eerlijkheid"])  # a ratio
    assert not dm.gehele_waarde(model, d["overvulling"])
    # Whole weights on a continuous column that is not whole persons: not whole.
    c = np.zeros(model.n_kolommen)
    c[model.kolommen["zmax"]] = 1.0
    assert not dm.gehele_waarde(model, c)
    # Whole columns with a fractional weight: not whole.
    c = d["onbediend"] * 0.5
    assert not dm.gehele_waarde(model, c)


def test_verwachte_waarde() -> None:
    inst = uit_synthetisch(8, 120, 3)
    model = bouw_model(inst)
    d = model.doelen
    assert dm.verwachte_waarde(model, d["tekort"], 2949.88, 0.005, None) == 2950.0
    assert dm.verwachte_waarde(model, d["onbediend"], 142.0, 0.005, None) == 142.0
    assert dm.verwachte_waarde(model, d["onbediend"], 141.9999999, 0.005, None) == 142.0
    # Not whole-valued: the edge of the gap.
    g = dm.verwachte_waarde(model, d["eerlijkheid"], 0.2132, 0.005, None)
    assert g == dm.doelwaarde(0.2132, 0.005)


def _lp_klein(seed: int) -> MipProbleem:
    """A small random LP with rows of both kinds and finite and infinite bounds."""
    rng = np.random.default_rng(seed)
    m, n = 6, 10
    A = sp.csr_array(rng.integers(0, 4, size=(m, n)).astype(float))
    return MipProbleem(
        c=rng.uniform(-1, 3, n),
        A=A,
        rij_onder=np.where(np.arange(m) % 2 == 0, 2.0, -np.inf),
        rij_boven=np.where(np.arange(m) % 2 == 0, np.inf, 20.0),
        kol_onder=np.zeros(n),
        kol_boven=np.where(np.arange(n) % 3 == 0, np.inf, 5.0),
        geheel=np.zeros(n, dtype=bool),
    )


@pytest.mark.parametrize("seed", range(6))
def test_duale_grens(seed: int) -> None:
    backend = kies_backend("highs")
    opties = SolverOpties()
    p = _lp_klein(seed)
    lp = backend.los_lp_op(p, opties, 10)  # type: ignore[attr-defined]
    assert lp.status is Status.OPTIMAAL and lp.rijduaal is not None
    # The LP's own duals: its value.
    grens, _, _ = slp.duale_grens(p, lp.rijduaal)
    assert grens == pytest.approx(lp.objectief, rel=1e-7, abs=1e-7)
    # Bounds of the rows moved both ways: the old duals still bound the new LP,
    # and the bound is tight where the LP stays at the same basis.
    rng = np.random.default_rng(100 + seed)
    for _ in range(5):
        q = replace(p, rij_boven=p.rij_boven + rng.uniform(-3, 3, p.n_rijen))
        nieuw = backend.los_lp_op(q, opties, 10)  # type: ignore[attr-defined]
        if nieuw.status is not Status.OPTIMAAL:
            continue
        g2, _, _ = slp.duale_grens(q, lp.rijduaal)
        assert g2 <= nieuw.objectief + 1e-7
    # Any duals at all give a bound (never above the LP).
    for _ in range(5):
        g3, _, _ = slp.duale_grens(p, rng.normal(size=p.n_rijen))
        assert g3 <= lp.objectief + 1e-7


def _klaar(lp: LpUitkomst) -> Future[LpUitkomst]:
    f: Future[LpUitkomst] = Future()
    f.set_result(lp)
    return f


def test_vooruit_geeft_de_duale_grens_voor_het_echte_probleem() -> None:
    backend = kies_backend("highs")
    p = _lp_klein(1)
    lp = backend.los_lp_op(p, SolverOpties(), 10)  # type: ignore[attr-defined]
    v = slp.Vooruit(_klaar(lp), threading.Event())
    zelfde = v.uitkomst(p)
    assert zelfde is not None and zelfde.objectief == pytest.approx(lp.objectief, abs=1e-7)
    losser = replace(p, rij_boven=p.rij_boven + 5.0)
    echt = backend.los_lp_op(losser, SolverOpties(), 10)  # type: ignore[attr-defined]
    uit = v.uitkomst(losser)
    assert uit is not None and uit.objectief is not None and uit.kolomduaal is not None
    assert uit.objectief <= echt.objectief + 1e-7
    # Reduced costs that fit the bound: c - A^T y.
    np.testing.assert_allclose(
        uit.kolomduaal, np.where(np.abs(d := losser.c - losser.A.T @ uit.rijduaal) < 1e-9, 0, d)
    )
    # An LP that did not finish is never handed over.
    half = LpUitkomst(Status.TIJDSLIMIET, None, None, None, None, 0.1)
    assert slp.Vooruit(_klaar(half), threading.Event()).uitkomst(p) is None


@pytest.mark.parametrize("seed", [3, 11])
def test_vooruit_zelfde_waarden_en_geldige_grenzen(
    seed: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    inst = uit_synthetisch(10, 200, seed)
    opties = replace(inst.solver, tijdslimiet_s=60, gap_relatief=0.0)
    with caplog.at_level(logging.INFO, logger="allocatie"):
        met = los_op(inst, opties)
    assert "eigen waarde" in caplog.text  # the early LPs really ran and were used
    with monkeypatch.context() as m:
        m.setattr(slp.Vooruitloper, "start", lambda *a, **k: False)
        zonder = los_op(inst, opties)
    for a, b in zip(met.niveaus, zonder.niveaus, strict=True):
        assert a.naam == b.naam
        assert a.waarde == pytest.approx(b.waarde, rel=1e-6, abs=1e-6), a.naam
        assert a.grens is not None and a.waarde is not None
        assert a.grens <= a.waarde + 1e-6 * max(1.0, abs(a.waarde)), a.naam


@pytest.mark.parametrize("seed", [1, 4])
def test_vooruit_met_te_krappe_gok_blijft_geldig(
    seed: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A guess at the bare LP bound (below what a level reaches when it has an
    integrality gap): the early LPs are used with their dual bound, which stays
    valid (never above the level's value)."""
    inst = uit_synthetisch(10, 200, seed)
    opties = replace(inst.solver, tijdslimiet_s=60, gap_relatief=0.2)
    monkeypatch.setattr(slp, "verwachte_waarde", lambda model, c, grens, gap, mm: grens)
    with caplog.at_level(logging.INFO, logger="allocatie"):
        res = los_op(inst, opties)
    assert "eigen waarde" in caplog.text
    for a in res.niveaus:
        assert a.grens is not None and a.waarde is not None
        assert a.grens <= a.waarde + 1e-6 * max(1.0, abs(a.waarde)), a.naam


def _niveau(waarde: float) -> NiveauUitkomst:
    return NiveauUitkomst("overvulling", Status.TIJDSLIMIET, waarde, 0.375, 0.1, waarde, 1.0)


def test_bewijzer_bewijst_alleen_een_optimum() -> None:
    p, mm = twee_gemeenten()  # LP 0.375; the best whole split 2 + 1 gives 0.5
    backend = kies_backend("highs")
    opties = SolverOpties()
    b = mz.Bewijzer(backend, opties, deadline=float("inf"))
    try:
        b.start("overvulling", p, mm, 0.5)
        (n,) = b.pas_toe([_niveau(0.5)])
        assert n.status is Status.OPTIMAAL and n.grens == 0.5 and n.gap == 0.0
        # 0.75 (3 + 0) is not optimal: 2 + 1 is below it, so no proof.
        b.start("overvulling", p, mm, 0.75)
        (n,) = b.pas_toe([_niveau(0.75)])
        assert n.status is Status.TIJDSLIMIET and n.grens == 0.375
    finally:
        b.sluit()


def _haalbaar(
    beste: np.ndarray,
    doelwaarde: float | None = None,
    personen: int = 3,
    warm: bool = False,
    stappen: int = 6,
    genoeg: float = -np.inf,
    buiten_bereik: mz.BuitenBereik | None = None,
    hoofd: Future[BackendUitkomst] | None = None,
    voorrang: threading.Event | None = None,
) -> BackendUitkomst:
    """`_minmax_haalbaar` on the two-gemeenten example with ``personen``, every column free;
    ``warm``: with the level's warm LP."""
    p, mm = twee_gemeenten()
    p = replace(
        p,
        rij_onder=np.array([-np.inf, -np.inf, personen]),
        rij_boven=np.array([0.0, 0.0, personen]),
        kol_boven=np.array([np.inf, personen, personen]),
    )
    backend = kies_backend("highs")
    lp = backend.los_lp_op(p, SolverOpties(), 10, warm=True) if warm else None  # type: ignore[attr-defined]
    return mz.minmax_haalbaar(
        backend,
        p,
        SolverOpties(),
        mm,
        beste,
        personen / 8,  # the LP bound: half of the persons in each gemeente
        doelwaarde,
        np.ones(3, dtype=bool),
        slice(0, 0),
        np.zeros(0, dtype=np.int64),
        time.perf_counter() + 10,
        Instellingen(zoekstappen=stappen, knopen_deel=100),
        warm=None if lp is None else lp.warm,
        genoeg=genoeg,
        buiten_bereik=buiten_bereik,
        hoofd=hoofd,
        voorrang=voorrang,
    )


@pytest.mark.parametrize("warm", [False, True])
def test_minmax_haalbaar_vindt_een_punt_onder_de_grenzen(warm: bool) -> None:
    """From 3 + 0 (0.75), any point with both below 0.75 in whole persons: 2 + 1 (0.5)."""
    uit = _haalbaar(np.array([0.75, 3.0, 0.0]), warm=warm)
    assert uit.x is not None and uit.objectief == pytest.approx(0.5)
    assert sorted(uit.x[1:]) == [1.0, 2.0] and uit.x[0] == pytest.approx(0.5)
    # Below 0.5 nothing exists (1 + 1 < 3): no point.
    geen = _haalbaar(uit.x, warm=warm)
    assert geen.x is None
    # Without the warm LP the sub-MIP proves it; with it the LP does, before any MIP.
    assert geen.status is (Status.GEEN_OPLOSSING if warm else Status.ONHAALBAAR)


@pytest.mark.parametrize("warm", [False, True])
def test_minmax_haalbaar_daalt_en_verruimt_een_te_krap_doel(warm: bool) -> None:
    """A first target below the optimum (0.25 < 0.5: 1 + 1 persons) is out of reach:
    it loosens by `HAALBAAR_DOEL` until 2 + 1 fits; nothing is found below 0.5."""
    uit = _haalbaar(np.array([0.75, 3.0, 0.0]), doelwaarde=0.25, warm=warm)
    assert uit.x is not None and uit.objectief == pytest.approx(0.5)


@pytest.mark.parametrize("warm", [False, True])
def test_minmax_haalbaar_daalt_tot_er_niets_onder_ligt(warm: bool) -> None:
    """Six persons from 6 + 0 (1.5): any point below it may be 5 + 1 or 4 + 2; the
    descent goes on until 3 + 3 (0.75), below which nothing exists."""
    uit = _haalbaar(np.array([1.5, 6.0, 0.0]), personen=6, warm=warm)
    assert uit.x is not None and list(uit.x[1:]) == [3.0, 3.0]
    assert uit.objectief == pytest.approx(0.75)


def test_minmax_haalbaar_stopt_na_zijn_stappen_en_bij_genoeg() -> None:
    """The descent is bounded by work, not time: one search finds one point below 1.5 and
    stops there; with ``genoeg`` at 1.25 it stops at the first point at most that value."""
    een = _haalbaar(np.array([1.5, 6.0, 0.0]), personen=6, stappen=1)
    assert een.x is not None and een.objectief < 1.5 and een.objectief > 0.75
    vol = _haalbaar(np.array([1.5, 6.0, 0.0]), personen=6)
    assert vol.objectief == pytest.approx(0.75)
    voorrang = threading.Event()
    genoeg = _haalbaar(np.array([1.5, 6.0, 0.0]), personen=6, genoeg=1.25, voorrang=voorrang)
    assert genoeg.objectief is not None and 0.75 < genoeg.objectief <= 1.25
    assert voorrang.is_set()  # its own point closed the gap: it wins over the main one
    voorrang.clear()
    _haalbaar(np.array([1.5, 6.0, 0.0]), personen=6, voorrang=voorrang)
    assert not voorrang.is_set()  # no ``genoeg``: nothing closes a gap
    # Each run is the same every time (no clock in it).
    assert _haalbaar(np.array([1.5, 6.0, 0.0]), personen=6, stappen=1).objectief == een.objectief


def _tel_deel_mips(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the sub-MIPs of `minmaxzoek` (one entry per call) in the returned list."""
    oproepen: list[int] = []
    echt = dm.los_deel

    def tel(*a: object, **k: object) -> BackendUitkomst:
        oproepen.append(1)
        return echt(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(mz, "los_deel", tel)
    return oproepen


def test_buiten_bereik_kent_elke_krappere_zoektocht() -> None:
    """A proof under bounds ``kb`` covers every search under bounds ``<= kb``, no other;
    a wider proof replaces the ones it covers, and at most `MAX` are kept."""
    bb = mz.BuitenBereik()
    assert not bb.bevat(np.array([1.0, 2.0]))
    bb.voeg_toe(np.array([1.0, 2.0]))
    assert bb.bevat(np.array([1.0, 2.0])) and bb.bevat(np.array([0.0, 2.0]))
    assert not bb.bevat(np.array([1.0, 3.0])) and not bb.bevat(np.array([2.0, 0.0]))
    bb.voeg_toe(np.array([1.0, 3.0]))
    assert len(bb.bewezen) == 1 and bb.bevat(np.array([1.0, 2.5]))
    for i in range(2 * bb.MAX):
        bb.voeg_toe(np.array([10.0 + i, -float(i)]))
    assert len(bb.bewezen) == bb.MAX
    assert bb.bevat(np.array([10.0 + 2 * bb.MAX - 1, -float(2 * bb.MAX - 1)]))


def test_minmax_haalbaar_bewijst_een_zoektocht_maar_een_keer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A second descent of the same level does not prove again what the first proved:
    from 3 + 0 the first finds 2 + 1 and proves nothing below 0.5 (two sub-MIPs); the
    second, from 2 + 1 with the same record, runs none and ends the same way as without."""
    oproepen = _tel_deel_mips(monkeypatch)
    bb = mz.BuitenBereik()
    eerst = _haalbaar(np.array([0.75, 3.0, 0.0]), buiten_bereik=bb)
    assert eerst.x is not None and eerst.objectief == pytest.approx(0.5)
    assert len(oproepen) == 2 and len(bb.bewezen) == 1
    tweede = _haalbaar(eerst.x, buiten_bereik=bb)
    assert len(oproepen) == 2
    zonder = _haalbaar(eerst.x)
    assert len(oproepen) == 3
    assert tweede.status is zonder.status is Status.ONHAALBAAR and tweede.x is zonder.x is None


def test_minmax_haalbaar_gaat_na_zijn_eerste_stap_verder_vanaf_de_hoofd_mip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After its first search the descent takes the point of the sub-MIP beside it when
    that is better: six persons from 6 + 0 (1.5), the main sub-MIP found 3 + 3 (0.75, the
    bound): one search instead of several, and the descent returns its own first point (the
    caller compares it with the main one). A worse or failed main sub-MIP changes nothing."""
    oproepen = _tel_deel_mips(monkeypatch)
    start = np.array([1.5, 6.0, 0.0])

    def klaar(x: np.ndarray | None = None, fout: bool = False) -> Future[BackendUitkomst]:
        f: Future[BackendUitkomst] = Future()
        if fout:
            f.set_exception(RuntimeError("hoofd-MIP"))
        else:
            f.set_result(BackendUitkomst(Status.TIJDSLIMIET, x, None, None, None, 0.0, ""))
        return f

    zonder = _haalbaar(start, personen=6)
    n = len(oproepen)
    assert zonder.objectief == pytest.approx(0.75) and n >= 2
    oproepen.clear()
    met = _haalbaar(start, personen=6, hoofd=klaar(np.array([0.75, 3.0, 3.0])))
    assert len(oproepen) == 1 and met.objectief is not None and met.objectief > 0.75
    # A main point that closes the gap ends the descent at once, without priority.
    oproepen.clear()
    voorrang = threading.Event()
    uit = _haalbaar(
        start,
        personen=6,
        genoeg=0.8,
        hoofd=klaar(np.array([0.75, 3.0, 3.0])),
        voorrang=voorrang,
    )
    assert len(oproepen) == 1 and not voorrang.is_set()
    for hoofd in (klaar(start.copy()), klaar(None), klaar(fout=True)):
        oproepen.clear()
        uit = _haalbaar(start, personen=6, hoofd=hoofd)
        assert uit.objectief == pytest.approx(0.75) and len(oproepen) == n


def test_minmax_haalbaar_stopt_als_de_buurt_de_gap_niet_kan_sluiten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From 3 + 0 (0.75), first target and ``genoeg`` 0.25: the first sub-MIP proves it out
    of reach. With the main sub-MIP's 2 + 1 (0.5) in hand the neighbourhood cannot close the
    gap, so the descent stops (one sub-MIP; without ``genoeg`` it also proves "below 0.5":
    two). With no better point in hand it goes on and finds 2 + 1 itself."""
    oproepen = _tel_deel_mips(monkeypatch)
    start = np.array([0.75, 3.0, 0.0])
    hoofd: Future[BackendUitkomst] = Future()
    hoofd.set_result(
        BackendUitkomst(Status.OPTIMAAL, np.array([0.5, 2.0, 1.0]), None, None, None, 0.0, "")
    )
    aantallen = []
    for genoeg in (0.25, -np.inf):
        oproepen.clear()
        uit = _haalbaar(start, doelwaarde=0.25, genoeg=genoeg, hoofd=hoofd)
        assert uit.x is None
        aantallen.append(len(oproepen))
    assert aantallen == [1, 2]
    oproepen.clear()
    zelf = _haalbaar(start, doelwaarde=0.25, genoeg=0.25)
    assert zelf.objectief == pytest.approx(0.5) and len(oproepen) >= 2


def test_minmax_haalbaar_rondt_een_doel_niet_af_voorbij_genoeg(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Six persons from 6 + 0 (1.5), first target and ``genoeg`` 1.1: rounded up to a
    value the level can take (1.25, 5 + 1) a point there would not be good enough; the
    search asks for at most 1.1 (4 + 2 or 3 + 3) and one search ends the descent."""
    oproepen = _tel_deel_mips(monkeypatch)
    uit = _haalbaar(np.array([1.5, 6.0, 0.0]), doelwaarde=1.1, personen=6, genoeg=1.1)
    assert uit.objectief is not None and uit.objectief <= 1.1
    assert len(oproepen) == 1


def test_minmax_haalbaar_warm_slaat_onbereikbare_doelen_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Targets whose LP in whole persons is infeasible cost no sub-MIP: from 3 + 0 with the
    first target 0.25, the plain descent runs three sub-MIPs (0.25 out of reach, 0.5 found,
    nothing below 0.5), the warm one only the one that finds 2 + 1."""
    oproepen = _tel_deel_mips(monkeypatch)
    aantallen = []
    for warm in (False, True):
        oproepen.clear()
        uit = _haalbaar(np.array([0.75, 3.0, 0.0]), doelwaarde=0.25, warm=warm)
        assert uit.objectief == pytest.approx(0.5)
        aantallen.append(len(oproepen))
    assert aantallen == [3, 1]


def test_bewijzer_begint_niet_na_de_deadline() -> None:
    """A test that only gets its turn after the deadline does not run (no overrun)."""
    p, mm = twee_gemeenten()
    b = mz.Bewijzer(kies_backend("highs"), SolverOpties(), deadline=time.perf_counter() - 1)
    try:
        b.start("overvulling", p, mm, 0.5)
        (n,) = b.pas_toe([_niveau(0.5)])
        assert n.status is Status.TIJDSLIMIET and n.grens == 0.375  # not tested, unchanged
    finally:
        b.sluit()


def _vertraagd(seconden: float, uit: BackendUitkomst) -> Future[BackendUitkomst]:
    """A job beside the main one that ends with ``uit`` after ``seconden`` (another thread)."""
    toekomst: Future[BackendUitkomst] = Future()
    threading.Timer(seconden, toekomst.set_result, args=(uit,)).start()
    return toekomst


@pytest.mark.parametrize("vertraging", [0.0, 0.3])
def test_samen_kiest_zonder_te_kijken_wie_eerst_klaar_is(vertraging: float) -> None:
    """`samen`: the main sub-MIP that reaches the target wins and stops the job beside;
    otherwise the better point, the main one's on a tie, whatever finishes first (the
    job beside here ends at once or late)."""
    p, _ = twee_gemeenten()  # the best whole split 2 + 1 gives 0.5
    backend, opties = kies_backend("highs"), SolverOpties()
    net = vn.Vangnet(time.perf_counter() + 30)
    werk = Instellingen()
    x_goed = np.array([0.5, 2.0, 1.0])
    x_slecht = np.array([0.75, 3.0, 0.0])

    def naast(x: np.ndarray, wachten: bool = True) -> nv.Naast:
        uit = BackendUitkomst(Status.TIJDSLIMIET, x, float(p.c @ x), None, None, 0.0, "naast")
        return nv.Naast(_vertraagd(vertraging, uit), threading.Event(), wachten)

    # The main one reaches the target 0.5: taken, the job beside is told to stop; a job
    # that shares the level's state is waited for, an independent one is not.
    for wachten in (True, False):
        job = naast(x_goed, wachten)
        uit, van_naast = nv.samen(backend, replace(p, doel=0.5), opties, net, werk, job, 0.5)
        assert not van_naast and uit.objectief == pytest.approx(0.5) and job.stop.is_set()
        assert job.toekomst.done() or not wachten
        if vertraging and not wachten:
            assert not job.toekomst.done()  # returned while the stopped job still ran
        job.toekomst.result()
    # Target 0.4 (nothing reaches it): the job beside runs to its end; equal value, so
    # the main one's point.
    job = naast(x_goed)
    uit, van_naast = nv.samen(backend, replace(p, doel=0.4), opties, net, werk, job, 0.4)
    assert not van_naast and uit.objectief == pytest.approx(0.5) and not job.stop.is_set()
    # The job beside better than the main one (a main one that found nothing: a
    # neighbourhood without free columns stays at its start 0.75).
    vast = replace(p, kol_boven=p.kol_onder.copy(), start=x_slecht, doel=0.4)
    vast = replace(vast, kol_onder=x_slecht.copy(), kol_boven=x_slecht.copy())
    uit, van_naast = nv.samen(backend, vast, opties, net, werk, naast(x_goed), 0.4)
    assert van_naast and uit.solver == "naast"

    # A job with priority (the min-max descent) whose own point closed the gap sets its
    # event: that point wins, even over a main sub-MIP that reaches the target (the main
    # one was told to stop). Without the event the main one's point wins as before, and
    # such a job is not stopped (it ends by itself once it sees the main point).
    for zet in (True, False):
        voorrang = threading.Event()
        toekomst: Future[BackendUitkomst] = Future()
        uit_naast = BackendUitkomst(
            Status.TIJDSLIMIET, x_slecht, float(p.c @ x_slecht), None, None, 0.0, "naast"
        )

        def klaar(
            zet: bool, v: threading.Event, f: Future[BackendUitkomst], u: BackendUitkomst
        ) -> None:
            if zet:
                v.set()
            f.set_result(u)

        threading.Timer(vertraging, klaar, args=(zet, voorrang, toekomst, uit_naast)).start()
        job = nv.Naast(toekomst, threading.Event(), True, voorrang=voorrang)
        uit, van_naast = nv.samen(backend, replace(p, doel=0.5), opties, net, werk, job, 0.5)
        assert van_naast is zet and not job.stop.is_set()
        assert uit.solver == "naast" if zet else uit.objectief == pytest.approx(0.5)


def test_direct_voert_uit_als_het_resultaat_nodig_is_en_geeft_fouten_door() -> None:
    """`Direct` (threads = 1) runs each job on the calling thread when its result is first
    asked for (a job may wait for the main line's result); a job nobody asks never runs."""
    d = uv.Direct()
    draad: list[str] = []
    f = d.submit(lambda: draad.append(threading.current_thread().name) or 7)
    assert not f.done() and draad == []
    assert f.result() == 7 and f.done() and draad == [threading.current_thread().name]
    assert f.result() == 7 and len(draad) == 1  # once
    fout = d.submit(lambda: 1 / 0)
    assert isinstance(fout.exception(), ZeroDivisionError)
    hoofd: Future[int] = Future()
    wacht = d.submit(lambda: hoofd.result() + 1)  # would block if it ran at submit
    hoofd.set_result(1)
    assert wacht.result() == 2


def test_heel_niveau_rondt_zijn_grens_naar_boven() -> None:
    """A whole-valued level's LP bound rounded up is its bound: a best value equal to it
    is proven, without the full MIP (nf-11, stabiliteit: 1 against the LP's 0.8)."""
    # min x1 + x2 with 2 x1 + 2 x2 >= 3: LP 1.5, every integer point at least 2.
    probleem = MipProbleem(
        c=np.array([1.0, 1.0]),
        A=sp.csr_array(np.array([[2.0, 2.0]])),
        rij_onder=np.array([3.0]),
        rij_boven=np.array([np.inf]),
        kol_onder=np.zeros(2),
        kol_boven=np.full(2, 5.0),
        geheel=np.ones(2, dtype=bool),
        start=np.array([2.0, 0.0]),
    )
    opties = SolverOpties(tijdslimiet_s=30)
    # No full MIP: only the bound can close the level.
    ins = replace(Instellingen(), volle_mip_nnz=0)

    def zoek(heel: bool) -> BackendUitkomst:
        net = vn.Vangnet(time.perf_counter() + 30)
        backend = vn.BewaakteBackend(kies_backend("highs"), net)
        return nv.NiveauZoektocht(backend, probleem, opties, ins, net, heel=heel).los_op()

    uit = zoek(True)
    assert uit.status is Status.OPTIMAAL and uit.objectief == 2.0 and uit.grens == 2.0
    # Not whole-valued (say, a cost level): the LP bound 1.5 stays, the gap stays open.
    uit = zoek(False)
    assert uit.status is not Status.OPTIMAAL and uit.grens == pytest.approx(1.5)


def test_kostendaling_komt_van_een_dure_start_af() -> None:
    """The cost descent (`NiveauZoektocht.kostendaling`): from an
    expensive start, feasibility searches ``c x <= T`` find cheaper points, each at most
    halfway between the bound and the best value before it."""
    # Three households onto three places, one each; costs: the diagonal cheap.
    kosten = np.array([[1.0, 9.0, 8.0], [7.0, 1.0, 9.0], [9.0, 8.0, 1.0]])
    n = 3
    rijen = []
    for i in range(n):  # each household once
        rijen.append([1.0 if j // n == i else 0.0 for j in range(n * n)])
    for k in range(n):  # each place once
        rijen.append([1.0 if j % n == k else 0.0 for j in range(n * n)])
    start = np.zeros(n * n)
    start[[2, 3, 7]] = 1.0  # 8 + 7 + 8 = 23, the optimum is 3
    probleem = MipProbleem(
        c=kosten.ravel(),
        A=sp.csr_array(np.array(rijen)),
        rij_onder=np.ones(2 * n),
        rij_boven=np.ones(2 * n),
        kol_onder=np.zeros(n * n),
        kol_boven=np.ones(n * n),
        geheel=np.ones(n * n, dtype=bool),
        start=start,
    )
    net = vn.Vangnet(time.perf_counter() + 30)
    backend = vn.BewaakteBackend(kies_backend("highs"), net)
    ins = replace(Instellingen(), kostendaling=True)
    zoek = nv.NiveauZoektocht(backend, probleem, SolverOpties(tijdslimiet_s=30), ins, net)
    zoek.grens = 3.0  # the LP bound (the assignment LP is integral)
    assert zoek.beste_w == 23.0
    assert zoek.kostendaling(np.ones(n * n, dtype=bool))
    # One search per call, for at most 13 (halfway): at least that much is gained.
    assert zoek.beste_w <= 13.0 and zoek.beste is not None
    r = probleem.A @ zoek.beste
    assert np.allclose(r, 1.0) and zoek.beste_w == float(probleem.c @ zoek.beste)
    # Nothing to gain at the bound: no search finds a better point.
    zoek.beste, zoek.beste_w = np.eye(n).ravel(), 3.0
    assert not zoek.kostendaling(np.ones(n * n, dtype=bool))
