"""Builders for tiny allocation rounds in tests (a helper module, see ``conftest.py``).

Gemeenten are placed on a km grid around an RD origin inside the Netherlands,
and `ronde` passes an origin-destination table in which **one km on the grid is
one minute of travel** (0 within a gemeente; an option takes its gemeente's
times), so travel times in tests are read off the coordinates: ``gemeente(2,
30)`` lies 30 minutes from ``gemeente(1, 0)``. The presets are the shipped ones
with the limits and weights the tests were derived with (`testpreset`). Every
builder returns a plain dict (one table row); `ronde` turns them into
DataFrames and calls `maak_instance`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from allocatie.invoer.laden import maak_instance
from allocatie.io.schema import HUISHOUDEN_KOLOMMEN
from allocatie.model.bouw import AllocatieModel
from allocatie.model.minmax import MinMax
from allocatie.resultaat.result import AllocationResult
from allocatie.resultaat.verify import verify
from allocatie.ronde.instance import Instance
from allocatie.ronde.presets import ModelPreset, laad_preset
from allocatie.solvers import MipProbleem, SolverOpties, Status, kies_backend
from allocatie.strategie import deelmip as dm
from allocatie.strategie.oplossen import los_op
from allocatie.synthetic import genereer_ronde

BACKENDS = ("highs", "cbc")
#: RD origin of the test grid (metres); well inside the plausible RD extent.
X0, Y0 = 100_000.0, 400_000.0
NIVEAUS = ("onbediend", "tekort", "eerlijkheid", "overvulling", "kosten")  # standaard

HUISHOUDEN_KOP = list(HUISHOUDEN_KOLOMMEN)
WONING_KOP = [
    "aanbod_id",
    "gemeente_code",
    "min_personen",
    "max_personen",
    "woningen",
    "beschikbaar_vanaf",
    "max_per_woning",
]


def gm(nr: int) -> str:
    """Gemeente code ``GM000nr``."""
    return f"GM{nr:04d}"


def gemeente(
    nr: int,
    x_km: float = 0.0,
    y_km: float = 0.0,
    *,
    coa: str = "Noord",
    provincie: str = "PV20",
    am: str = "AM01",
    inwoners: int = 10_000,
) -> dict[str, Any]:
    """One gemeente row at (x_km, y_km) on the test grid."""
    return {
        "gemeente_code": gm(nr),
        "gemeente_naam": f"Gemeente {nr}",
        "provincie_code": provincie,
        "arbeidsmarktregio_code": am,
        "coa_regio": coa,
        "inwoners": inwoners,
        "x": X0 + 1000.0 * x_km,
        "y": Y0 + 1000.0 * y_km,
    }


def huishouden(
    hid: str,
    personen: int = 1,
    *,
    nareizigers: int = 0,
    azc: int = 1,
    gereed: str = "2025-01-06",
    werk: int | None = None,
    studie: int | None = None,
    familie: int | None = None,
    zorg: int | None = None,
) -> dict[str, Any]:
    """One household row; anchors are gemeente numbers (None = no anchor)."""
    return {
        "huishouden_id": hid,
        "personen": personen,
        "nareizigers": nareizigers,
        "azc_gemeente": gm(azc),
        "gereed_datum": gereed,
        "werk_gemeente": gm(werk) if werk else "",
        "studie_gemeente": gm(studie) if studie else "",
        "familie_gemeente": gm(familie) if familie else "",
        "zorg_gemeente": gm(zorg) if zorg else "",
    }


def woning(
    aid: str,
    gemeente_nr: int,
    *,
    woningen: int = 1,
    min_p: int = 1,
    max_p: int = 4,
    vanaf: str = "2025-01-01",
    delen: int = 1,
) -> dict[str, Any]:
    """One row of regular supply (``delen`` = max_per_woning)."""
    return {
        "aanbod_id": aid,
        "gemeente_code": gm(gemeente_nr),
        "min_personen": min_p,
        "max_personen": max_p,
        "woningen": woningen,
        "beschikbaar_vanaf": vanaf,
        "max_per_woning": delen,
    }


def flex(
    aid: str,
    gemeente_nr: int,
    x_km: float,
    y_km: float = 0.0,
    *,
    eenheden: int,
    capaciteit: int,
    max_p: int = 4,
    min_p: int = 1,
    delen: int = 1,
    aandeel: float = 1.0,
    vanaf: str = "2025-01-01",
    tot: str | None = None,
) -> dict[str, Any]:
    """One flexible site at (x_km, y_km) on the test grid."""
    return {
        "aanbod_id": aid,
        "naam": f"Locatie {aid}",
        "gemeente_code": gm(gemeente_nr),
        "x": X0 + 1000.0 * x_km,
        "y": Y0 + 1000.0 * y_km,
        "eenheden": eenheden,
        "capaciteit_personen": capaciteit,
        "max_aandeel_vh": aandeel,
        "min_personen": min_p,
        "max_personen": max_p,
        "max_per_eenheid": delen,
        "beschikbaar_vanaf": vanaf,
        "beschikbaar_tot": tot,
    }


#: Limits (minutes) and travel weights (per minute) the hand-derived tests use.
TEST_LIMIETEN = {
    "standaard": dict(werk_min=40.0, studie_min=50.0, familie_min=0.0, zorg_min=30.0),
    "werk-eerst": dict(werk_min=30.0, studie_min=40.0, familie_min=0.0, zorg_min=30.0),
    "ruil": dict(werk_min=40.0, studie_min=50.0, familie_min=0.0, zorg_min=30.0),
}
TEST_PER_MINUUT = {"standaard": 1.0, "werk-eerst": 5.0, "ruil": 1.0}


def testpreset(model: str) -> ModelPreset:
    """The shipped preset ``model`` with the test limits and travel weights."""
    p = laad_preset(model)
    return dataclasses.replace(
        p,
        limieten=dataclasses.replace(p.limieten, **TEST_LIMIETEN[model]),
        kosten=dataclasses.replace(
            p.kosten,
            per_minuut_werk=TEST_PER_MINUUT[model],
            per_minuut_studie=TEST_PER_MINUUT[model],
        ),
    )


def grid_reistijden(gem: pd.DataFrame) -> pd.DataFrame:
    """Origin-destination table: minutes = straight-line km between the gemeenten."""
    xy = gem[["x", "y"]].to_numpy(float)
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 1000.0
    codes = gem["gemeente_code"].tolist()
    return pd.DataFrame(
        [
            {"van": a, "naar": b, "minuten": float(d[i, j])}
            for i, a in enumerate(codes)
            for j, b in enumerate(codes)
        ]
    )


def ronde(
    gemeenten: Iterable[Mapping[str, Any]],
    taak: Mapping[int, int | Mapping[str, int]],
    huishoudens: Iterable[Mapping[str, Any]],
    woningen: Iterable[Mapping[str, Any]] = (),
    flexlocaties: Iterable[Mapping[str, Any]] | None = None,
    regio: Iterable[Mapping[str, Any]] | None = None,
    *,
    model: str = "standaard",
    backend: str = "highs",
    periode: str = "2025-I",
    **solver: Any,
) -> Instance:
    """Build an `Instance` through `maak_instance`.

    ``taak`` maps a gemeente number to its taakstelling, or to a dict with
    ``taakstelling`` and optionally ``achterstand``, ``voorsprong``,
    ``gerealiseerd``; gemeenten missing from it get taakstelling 0.
    """
    gem = pd.DataFrame(list(gemeenten))
    rijen = []
    for code in gem["gemeente_code"]:
        t = taak.get(int(code[2:]), 0)
        rij = {"taakstelling": t} if isinstance(t, int) else dict(t)
        rijen.append({"gemeente_code": code, **rij})
    hh = pd.DataFrame(list(huishoudens), columns=HUISHOUDEN_KOP)
    won = pd.DataFrame(list(woningen), columns=WONING_KOP)
    fl = pd.DataFrame(list(flexlocaties)) if flexlocaties is not None else None
    rc = pd.DataFrame(list(regio)) if regio is not None else None
    return maak_instance(
        gemeenten=gem,
        taakstelling=pd.DataFrame(rijen).fillna(0).astype({"taakstelling": int}),
        huishoudens=hh,
        woningaanbod=won,
        flexlocaties=fl,
        regiocapaciteit=rc,
        reistijden=grid_reistijden(gem),
        periode=periode,
        model=testpreset(model),
        backend=backend,
        **solver,
    )


def los(inst: Instance) -> AllocationResult:
    """Solve ``inst`` and check the result independently (raises on any violation)."""
    res = los_op(inst, controleer=False)
    verify(inst, res)
    return res


def plaatsing(res: AllocationResult) -> dict[str, str]:
    """Household id -> aanbod_id of every placed household."""
    return dict(zip(res.plaatsingen["huishouden_id"], res.plaatsingen["aanbod_id"], strict=True))


def niveauwaarden(res: AllocationResult) -> dict[str, float | None]:
    """Level name -> value as solved (the model's objective of that level)."""
    return {n.naam: n.waarde for n in res.niveaus}


def assert_niveaus_gelijk(a: AllocationResult, b: AllocationResult) -> None:
    """Two results reach the same value at every level.

    The recomputed level values (from the placements) must agree within 1e-6.
    A level as solved is the model's objective, which includes auxiliary
    columns (``tekort``, ``over``, ``zmax``) that a solver may return up to its
    feasibility tolerance (1e-6 per row) off: those agree within
    ``1e-6 * max(1, |value|)`` plus that 1e-6.
    """
    assert [n.naam for n in a.niveaus] == [n.naam for n in b.niveaus]
    for naam, waarde in niveauwaarden(a).items():
        assert waarde is not None
        tol = 1e-6 * max(1.0, abs(waarde)) + 1e-6
        assert niveauwaarden(b)[naam] == pytest.approx(waarde, abs=tol), naam
    for naam, waarde in a.doelwaarden.items():
        assert b.doelwaarden[naam] == pytest.approx(waarde, abs=1e-6), naam


def per_gemeente(res: AllocationResult, kolom: str) -> dict[str, int]:
    """Gemeente code -> value of ``kolom`` in the per-gemeente table."""
    g = res.per_gemeente
    return {c: int(v) for c, v in zip(g["gemeente_code"], g[kolom], strict=True)}


def willekeurige_ronde(
    seed: int,
    *,
    gemeenten: tuple[int, int] = (2, 6),
    huishoudens: tuple[int, int] = (1, 15),
    opties: tuple[int, int] = (1, 4),
    model: str = "standaard",
    backend: str = "highs",
    **solver: Any,
) -> Instance:
    """A valid random round from ``numpy.random.default_rng(seed)``.

    ``gemeenten``, ``huishoudens`` and ``opties`` are inclusive ranges of the
    counts: gemeenten within ~60 km in two COA-regio's and two provinces;
    households (some with nareizigers, some with a work, study, family or
    care anchor, ready dates spread over the period); options (regular homes,
    sometimes shareable, and flex sites, some mixed or closing, a few only
    free after the period); a random need with carry-over; sometimes a
    province capacity.
    """
    rng = np.random.default_rng(seed)
    n_g = int(rng.integers(gemeenten[0], gemeenten[1] + 1))
    gem = [
        gemeente(
            i + 1,
            float(rng.uniform(0, 60)),
            float(rng.uniform(0, 40)),
            coa="Noord" if i % 2 == 0 else "Oost",
            provincie="PV20" if i < (n_g + 1) // 2 else "PV21",
        )
        for i in range(n_g)
    ]
    taak: dict[int, dict[str, int]] = {}
    for i in range(1, n_g + 1):
        rij = {"taakstelling": int(rng.integers(0, 8))}
        keuze = int(rng.integers(0, 4))
        if keuze == 1:
            rij["achterstand"] = int(rng.integers(1, 4))
        elif keuze == 2:
            rij["voorsprong"] = int(rng.integers(1, 4))
        elif keuze == 3:
            rij["gerealiseerd"] = int(rng.integers(1, 5))
        taak[i] = rij
    n_h = int(rng.integers(huishoudens[0], huishoudens[1] + 1))
    hh: list[dict[str, Any]] = []
    for j in range(n_h):
        personen = 1 if rng.random() < 0.5 else int(rng.integers(2, 6))
        ankers: dict[str, int] = {}
        for anker in ("werk", "studie", "familie", "zorg"):
            if rng.random() < 0.12:
                ankers[anker] = int(rng.integers(1, n_g + 1))
        maand = int(rng.integers(1, 6))
        hh.append(
            huishouden(
                f"H{j + 1:02d}",
                personen,
                nareizigers=int(rng.integers(1, 3)) if rng.random() < 0.2 else 0,
                azc=int(rng.integers(1, n_g + 1)),
                gereed=f"2025-{maand:02d}-{int(rng.integers(1, 28)):02d}",
                **ankers,
            )
        )
    n_o = int(rng.integers(opties[0], opties[1] + 1))
    won, fl = [], []
    for j in range(n_o):
        g = int(rng.integers(1, n_g + 1))
        vanaf = f"2025-{int(rng.integers(1, 6)) if rng.random() < 0.9 else 7:02d}-01"
        if rng.random() < 0.6:
            mn = int(rng.integers(1, 3))
            won.append(
                woning(
                    f"W{j + 1}",
                    g,
                    woningen=int(rng.integers(0 if rng.random() < 0.1 else 1, 4)),
                    min_p=mn,
                    max_p=mn + int(rng.integers(0, 5)),
                    vanaf=vanaf,
                    delen=int(rng.integers(1, 3)),
                )
            )
        else:
            eenheden = int(rng.integers(1, 8))
            fl.append(
                flex(
                    f"F{j + 1}",
                    g,
                    float(rng.uniform(0, 60)),
                    float(rng.uniform(0, 40)),
                    eenheden=eenheden,
                    capaciteit=int(rng.integers(1, 3 * eenheden + 2)),
                    max_p=int(rng.integers(1, 7)),
                    delen=int(rng.integers(1, 4)),
                    aandeel=float(rng.choice([1.0, 0.5, 0.75])),
                    vanaf=vanaf,
                    tot=f"2025-{int(rng.integers(8, 13)):02d}-01" if rng.random() < 0.3 else None,
                )
            )
    regio = None
    if rng.random() < 0.3:
        maximum = int(rng.integers(0, 8))
        regio = [{"regio_soort": "provincie", "regio_code": "PV20", "max_personen": maximum}]
    return ronde(
        gem,
        taak,
        hh,
        won,
        fl or None,
        regio,
        model=model,
        backend=backend,
        **solver,
    )


# -- generated rounds and plain solves (shared by the strategy tests) --------------------


def uit_synthetisch(n_gemeenten: int, n_huishoudens: int, seed: int, **solver: object) -> Instance:
    """A generated round (`genereer_ronde`) as an `Instance` (travel times estimated)."""
    r = genereer_ronde(n_gemeenten, n_huishoudens, seed=seed)
    return maak_instance(
        gemeenten=r.gemeenten,
        taakstelling=r.taakstelling,
        huishoudens=r.huishoudens,
        woningaanbod=r.woningaanbod,
        flexlocaties=r.flexlocaties,
        regiocapaciteit=r.regiocapaciteit,
        **solver,
    )


def haalbaar(model: AllocatieModel, v: np.ndarray, tol: float = 1e-6) -> None:
    """Every row and column bound of ``model`` holds at ``v``; counts are integral."""
    r = model.A @ v
    assert np.all(r >= model.rij_onder - tol)
    assert np.all(r <= model.rij_boven + tol)
    assert np.all(v >= model.kol_onder - tol)
    assert np.all(v <= model.kol_boven + tol)
    g = model.geheel
    assert np.allclose(v[g], np.round(v[g]), atol=tol)


def los_niveaus(model: AllocatieModel, volgorde: tuple[str, ...]) -> tuple[list[float], np.ndarray]:
    """Plain lexicographic MIP over ``volgorde`` (HiGHS, to optimality); values and point."""
    backend = kies_backend("highs")
    opties = SolverOpties(tijdslimiet_s=60, gap_relatief=0.0)
    A, onder, boven = model.A, model.rij_onder, model.rij_boven
    v: np.ndarray | None = None
    waarden = []
    x = None
    for naam in volgorde:
        c = model.doelen[naam]
        uit = backend.los_op(dm.niveauprobleem(model, c, A, onder, boven, v), opties, 60)
        assert uit.status is Status.OPTIMAAL and uit.x is not None
        x = v = uit.x
        w = float(c @ x)
        waarden.append(w)
        A, onder, boven = dm.houd_vast(A, onder, boven, c, w + 1e-6 * max(1.0, abs(w)))
    assert x is not None
    return waarden, x


def twee_gemeenten() -> tuple[MipProbleem, MinMax]:
    """min z: y1 - 4z <= 0, y2 - 4z <= 0, y1 + y2 = 3; y integer in [0, 3]."""
    A = sp.csr_array(np.array([[-4.0, 1.0, 0.0], [-4.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
    p = MipProbleem(
        c=np.array([1.0, 0.0, 0.0]),
        A=A,
        rij_onder=np.array([-np.inf, -np.inf, 3.0]),
        rij_boven=np.array([0.0, 0.0, 3.0]),
        kol_onder=np.zeros(3),
        kol_boven=np.array([np.inf, 3.0, 3.0]),
        geheel=np.array([False, True, True]),
    )
    mm = MinMax(
        z=0,
        y=np.array([1, 2]),
        a=np.zeros(2),
        b=np.full(2, 4.0),
        x_rij=np.array([], dtype=np.int64),
    )
    return p, mm


def voorbeeld_als_werkboek(voorbeeld: Any, doel: Any) -> Any:
    """``data/voorbeeld`` as one ``ronde.xlsx`` in ``doel`` (gemeenten with x, y).

    Cells are typed as Excel stores them once typed in (numbers, dates, text); the
    gemeenten get the coordinates of their representative points. Returns the workbook.
    """
    import csv
    import datetime as dt
    import re
    from pathlib import Path

    import geopandas as gpd
    import openpyxl

    def waarde(cel: str) -> Any:
        if re.fullmatch(r"-?[0-9]+", cel):
            return int(cel)
        if re.fullmatch(r"-?[0-9]+\.[0-9]+", cel):
            return float(cel)
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cel):
            return dt.datetime.fromisoformat(cel)
        return cel or None

    voorbeeld, doel = Path(voorbeeld), Path(doel)
    wb = openpyxl.Workbook()
    ronde_blad = wb.active
    ronde_blad.title = "ronde"
    for rij in (
        ("sleutel", "waarde"),
        ("naam", "Voorbeeldprovincie 2025-I"),
        ("periode", "2025-I"),
        ("model", "standaard"),
        ("backend", "highs"),
        ("tijdslimiet_s", 60),
    ):
        ronde_blad.append(rij)
    gem = gpd.read_file(voorbeeld / "gemeenten.geojson")
    punt = gem.geometry.representative_point()
    ws = wb.create_sheet("gemeenten")
    kolommen = [c for c in gem.columns if c != "geometry"]
    ws.append([*kolommen, "x", "y"])
    for i in range(len(gem)):
        ws.append([*(waarde(str(gem[c].iloc[i])) for c in kolommen), punt.x[i], punt.y[i]])
    for bron in sorted(voorbeeld.glob("*.csv")):
        ws = wb.create_sheet(bron.stem)
        with bron.open(encoding="utf-8", newline="") as f:
            rijen = list(csv.reader(f))
        ws.append(rijen[0])
        for rij in rijen[1:]:
            ws.append([waarde(c) for c in rij])
    doel.mkdir(parents=True, exist_ok=True)
    wb.save(doel / "ronde.xlsx")
    return doel / "ronde.xlsx"
