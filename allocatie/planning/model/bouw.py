"""The two-stage stochastic MIP of flexible capacity, built as sparse arrays.

First stage (one plan for every scenario; here-and-now), per region ``r``,
flex type ``f`` and period ``t``:

- ``bestel[r,f,t]`` (integer) modules ordered in ``t``, available from
  ``t + levertijd``; orders that would arrive after the horizon are not created;
- ``sluit[r,f,t]`` (integer) modules closed at the start of ``t``;
- ``verplaats[r,r2,f,t]`` (integer, only where relocation is allowed) modules
  leaving ``r`` in ``t``, available in ``r2`` from ``t + duur``;
- ``beschikbaar[r,f,t]`` modules available in ``t`` (stock balance; integral
  because the flows are), at most ``max_modules``.

Minimum lifetime: at every ``t`` the modules closed or moved out so far are at
most the existing ones plus those ordered early enough to have been in use
``minimale_looptijd`` periods by ``t`` plus those that arrived by relocation
(a relocated module has served its time). This is exact when the oldest
modules leave first, which is never worse.

Second stage, per scenario ``s`` (persons, continuous), per size class ``k``:

- ``achterstand[s,r,k,t]`` persons waiting at the end of ``t``
  (= previous + inflow - housed regularly - housed in flex + displaced);
- ``regulier[s,r,k,t]`` housed in regular homes, together with the flex
  residents moving on (``doorstroom``) at most the regular supply;
- ``in_flex``, ``bezetting``, ``door`` and ``verdrongen`` per ``(f, k)`` the
  type can house: entries, occupancy at the end of ``t``, residents moving on
  to a regular home (at most ``doorstroom`` times last period's occupancy), and
  residents displaced because capacity shrinks (back to the backlog, at
  ``kosten.verdringing`` each; per type and period at most ``plaatsen`` times
  the modules closed or moved out in that period, so displacement is never a
  way around the ``doorstroom`` limit); occupancy of a type at most
  ``plaatsen * beschikbaar``.

The second stage sees the plan through two arrays per (region, type,
period): ``beschikbaar`` and ``afname`` (modules closed or moved out), the
linking variables of the Benders decomposition.

Objective: first-stage cost (opening, running per available module and
period, early closure, relocation, minus the residual value of the modules
available in the last period) plus the risk measure of the second-stage cost
``Q_s`` (waiting cost per person and period, displacement, backlog left at the
end): the expectation, or ``(1-λ) E[Q] + λ CVaR_α(Q)`` with the Rockafellar-
Uryasev rows ``u_s >= Q_s - η``, ``u_s >= 0``.

Policies restrict the first stage through column bounds only (`Beperking`):
no new flex, a static plan (ordered in the first period, never closed or
moved) or a fixed plan (evaluation). ``Beperking.tot`` additionally fixes the
decisions of the periods before ``tot`` to those of ``Beperking.plan``: the
realised part of a rolling-horizon re-plan (`allocatie.planning.model.rollend`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from allocatie.planning.gegevens import Planinstantie
from allocatie.solvers.base import MipProbleem
from allocatie.solvers.opbouw import Kolombouwer, Rijenbouwer

ONEINDIG = float("inf")


@dataclass(frozen=True)
class Plan:
    """First-stage decisions (modules), arrays over (region, type, period).

    ``verplaats`` has shape (R, R, F, T): from, to, type, period of leaving.
    """

    bestel: np.ndarray
    sluit: np.ndarray
    verplaats: np.ndarray

    def afname(self) -> np.ndarray:
        """Modules closed or moved out per (region, type, period)."""
        return self.sluit + self.verplaats.sum(axis=1)

    @staticmethod
    def leeg(inst: Planinstantie) -> Plan:
        """The plan that does nothing (no orders, closures or moves)."""
        r, f, t = len(inst.regios), len(inst.flextypen), len(inst.perioden)
        return Plan(np.zeros((r, f, t)), np.zeros((r, f, t)), np.zeros((r, r, f, t)))

    def beschikbaar(self, inst: Planinstantie) -> np.ndarray:
        """Modules available per (region, type, period), from the stock balance."""
        r_n, f_n, t_n = self.bestel.shape
        uit = np.zeros((r_n, f_n, t_n))
        for fi, ft in enumerate(inst.flextypen):
            stand = np.array([reg.bestaand.get(ft.naam, 0) for reg in inst.regios], dtype=float)
            for t in range(t_n):
                stand = stand - self.sluit[:, fi, t] - self.verplaats[:, :, fi, t].sum(axis=1)
                if t - ft.levertijd >= 0:
                    stand = stand + self.bestel[:, fi, t - ft.levertijd]
                ta = t - inst.verplaatsing.duur
                if ta >= 0:
                    stand = stand + self.verplaats[:, :, fi, ta].sum(axis=0)
                uit[:, fi, t] = stand
        return uit


@dataclass(frozen=True)
class Beperking:
    """A restriction of the first stage (a policy).

    ``soort``: ``"vrij"`` (the stochastic plan), ``"geen_flex"`` (nothing
    ordered, closed or moved), ``"statisch"`` (orders only in the first
    period, never closed or moved) or ``"vast"`` (exactly ``plan``).

    ``tot`` > 0 fixes the orders, closures and moves of the periods
    ``0 .. tot - 1`` to those of ``plan`` (decisions already taken; the rest
    stays free within ``soort``).
    """

    soort: str = "vrij"
    plan: Plan | None = None
    tot: int = 0


@dataclass(frozen=True)
class Planmodel:
    """The built model and the column indices to read a solution back.

    Index arrays hold -1 where a column is absent (e.g. the second-stage blocks
    of a master problem).
    """

    probleem: MipProbleem
    bestel: np.ndarray  # (R, F, T)
    sluit: np.ndarray  # (R, F, T)
    verplaats: np.ndarray  # (R, R, F, T)
    beschikbaar: np.ndarray  # (R, F, T)
    afname: np.ndarray  # (R, F, T) modules closed or moved out
    achterstand: np.ndarray  # (S, R, K, T)
    regulier: np.ndarray  # (S, R, K, T)
    in_flex: np.ndarray  # (S, R, F, K, T)
    bezetting: np.ndarray  # (S, R, F, K, T)
    door: np.ndarray  # (S, R, F, K, T)
    verdrongen: np.ndarray  # (S, R, F, K, T)
    q_kosten: sp.csr_array  # (S, n): Q_s = q_kosten[s] @ x
    q_regio: sp.csr_array  # (S*R, n): Q_{s,r} = q_regio[s*R + r] @ x
    eerste_kosten: np.ndarray  # (n,): first-stage cost = eerste_kosten @ x
    capaciteit: np.ndarray  # (S, R, F, T) rows "occupancy <= plaatsen * beschikbaar"
    verdringing: np.ndarray  # (S, R, F, T) rows "displaced <= plaatsen * afname"
    theta: np.ndarray  # (S, R) Benders estimates of Q_{s,r} (master only)
    eta: int  # CVaR threshold column, -1 when not CVaR


def _vastgelegd(
    beperking: Beperking,
    bestel_mask: np.ndarray,
    verpl_mask: np.ndarray,
    grenzen: tuple[float | np.ndarray, ...],
) -> tuple[np.ndarray, ...]:
    """Column bounds with the decisions of periods ``< beperking.tot`` fixed to its plan."""
    p = beperking.plan
    if p is None:
        raise ValueError("een beperking met 'tot' vraagt een plan")
    t_n = bestel_mask.shape[-1]
    if not 0 <= beperking.tot <= t_n:
        raise ValueError(f"tot {beperking.tot} ligt buiten de horizon (0..{t_n})")
    verleden = np.arange(t_n) < beperking.tot
    buiten = ((p.bestel != 0) & ~bestel_mask)[..., verleden]
    buiten_m = ((p.verplaats != 0) & ~verpl_mask)[..., verleden]
    if buiten.any() or buiten_m.any():
        raise ValueError(
            "het vastgelegde deel bestelt na de horizon of verplaatst waar het niet mag "
            f"({int(buiten.sum())} bestellingen, {int(buiten_m.sum())} verplaatsingen)"
        )
    lo_b, hi_b, lo_s, hi_s, lo_m, hi_m = grenzen
    uit = []
    for lo, hi, vast in (
        (lo_b, hi_b, p.bestel),
        (lo_s, hi_s, p.sluit),
        (lo_m, hi_m, p.verplaats),
    ):
        vorm = np.shape(vast)
        uit.append(np.where(verleden, vast, np.broadcast_to(lo, vorm)))
        uit.append(np.where(verleden, vast, np.broadcast_to(hi, vorm)))
    return tuple(uit)


def _eerste_fase(
    inst: Planinstantie,
    beperking: Beperking,
    kol: Kolombouwer,
    rij: Rijenbouwer,
    vast: tuple[np.ndarray, np.ndarray] | None,
) -> dict[str, np.ndarray]:
    """First-stage columns and rows; with ``vast`` = (availability, afname) only those, fixed."""
    r_n, f_n, t_n = len(inst.regios), len(inst.flextypen), len(inst.perioden)
    if vast is not None:
        leeg = np.full((r_n, f_n, t_n), -1, dtype=np.int64)
        n_vast, a_vast = vast
        return {
            "bestel": leeg,
            "sluit": leeg,
            "verplaats": np.full((r_n, r_n, f_n, t_n), -1, dtype=np.int64),
            "beschikbaar": kol.blok((r_n, f_n, t_n), lo=n_vast, hi=n_vast),
            "afname": kol.blok((r_n, f_n, t_n), lo=a_vast, hi=a_vast),
        }
    typen = inst.flextypen
    lever = np.array([f.levertijd for f in typen])
    looptijd = np.array([f.minimale_looptijd for f in typen])
    duur = inst.verplaatsing.duur
    t_idx = np.arange(t_n)
    bestel_mask = (t_idx[None, None, :] + lever[None, :, None] <= t_n - 1) & np.ones(
        (r_n, 1, 1), dtype=bool
    )
    paren = np.array(
        [[inst.verplaatsing.mag(a.naam, b.naam) for b in inst.regios] for a in inst.regios],
        dtype=bool,
    ).reshape(r_n, r_n, 1, 1)
    verpl_mask = paren & (t_idx + duur <= t_n - 1)[None, None, None, :]
    verpl_mask = np.broadcast_to(verpl_mask, (r_n, r_n, f_n, t_n))

    hi_b: float | np.ndarray = ONEINDIG
    hi_s: float | np.ndarray = ONEINDIG
    hi_m: float | np.ndarray = ONEINDIG
    lo_b: float | np.ndarray = 0.0
    lo_s: float | np.ndarray = 0.0
    lo_m: float | np.ndarray = 0.0
    if beperking.soort == "geen_flex":
        hi_b = hi_s = hi_m = 0.0
    elif beperking.soort == "statisch":
        hi_b = np.where(t_idx == 0, ONEINDIG, 0.0)[None, None, :]
        hi_s = hi_m = 0.0
    elif beperking.soort == "vast":
        if beperking.plan is None:
            raise ValueError("Beperking 'vast' vraagt een plan")
        p = beperking.plan
        buiten = (p.bestel != 0) & ~bestel_mask
        buiten_m = (p.verplaats != 0) & ~verpl_mask
        if buiten.any() or buiten_m.any():
            raise ValueError(
                "het plan bestelt na de horizon of verplaatst waar het niet mag "
                f"({int(buiten.sum())} bestellingen, {int(buiten_m.sum())} verplaatsingen)"
            )
        lo_b = hi_b = p.bestel
        lo_s = hi_s = p.sluit
        lo_m = hi_m = p.verplaats
    elif beperking.soort != "vrij":
        raise ValueError(f"onbekende beperking {beperking.soort!r}")
    if beperking.tot > 0 and beperking.soort != "vast":
        lo_b, hi_b, lo_s, hi_s, lo_m, hi_m = _vastgelegd(
            beperking, bestel_mask, verpl_mask, (lo_b, hi_b, lo_s, hi_s, lo_m, hi_m)
        )

    maxm = np.array(
        [[reg.max_modules.get(f.naam, ONEINDIG) for f in typen] for reg in inst.regios],
        dtype=float,
    ).reshape(r_n, f_n, 1)
    bestaand = np.array(
        [[reg.bestaand.get(f.naam, 0) for f in typen] for reg in inst.regios], dtype=float
    )
    c_bestel = kol.blok((r_n, f_n, t_n), mask=bestel_mask, lo=lo_b, hi=hi_b, geheel=True)
    c_sluit = kol.blok((r_n, f_n, t_n), lo=lo_s, hi=hi_s, geheel=True)
    c_verpl = kol.blok((r_n, r_n, f_n, t_n), mask=verpl_mask, lo=lo_m, hi=hi_m, geheel=True)
    c_besch = kol.blok((r_n, f_n, t_n), hi=maxm)
    c_afname = kol.blok((r_n, f_n, t_n))
    naar = np.moveaxis(c_verpl, 1, 0)  # (to, from, F, T)

    # afname = closures + moves out (what may displace residents)
    afn = rij.nieuw((r_n, f_n, t_n), lo=0.0, hi=0.0)
    rij.term(afn, c_afname, 1.0)
    rij.term(afn, c_sluit, -1.0)
    rij.term(afn[:, None], c_verpl, -1.0)

    # stock: N[t] - N[t-1] - B[t-L] + S[t] + out[t] - in[t-duur] = bestaand (t=0) / 0
    rechts = np.where(t_idx == 0, bestaand[:, :, None], 0.0)
    voorraad = rij.nieuw((r_n, f_n, t_n), lo=rechts, hi=rechts)
    rij.term(voorraad, c_besch, 1.0)
    rij.term(voorraad[:, :, 1:], c_besch[:, :, :-1], -1.0)
    rij.term(voorraad, c_sluit, 1.0)
    for fi in range(f_n):
        lv = int(lever[fi])
        if lv < t_n:
            rij.term(voorraad[:, fi, lv:], c_bestel[:, fi, : t_n - lv], -1.0)
    rij.term(voorraad[:, None, :, :], c_verpl, 1.0)  # leaving r (axis 0 = from)
    if duur < t_n:
        rij.term(voorraad[:, None, :, duur:], naar[:, :, :, : t_n - duur], -1.0)

    # minimum lifetime: cum(S + out)[t] - cum(B)[t-L-Lmin] - cum(in)[t-duur] <= bestaand
    leeftijd = rij.nieuw((r_n, f_n, t_n), lo=-ONEINDIG, hi=bestaand[:, :, None])
    for t in range(t_n):
        rij.term(leeftijd[:, :, t : t + 1], c_sluit[:, :, : t + 1], 1.0)
        rij.term(leeftijd[:, None, :, t : t + 1], c_verpl[:, :, :, : t + 1], 1.0)
        for fi in range(f_n):
            laatste = t - int(lever[fi]) - int(looptijd[fi])
            if laatste >= 0:
                rij.term(leeftijd[:, fi, t : t + 1], c_bestel[:, fi, : laatste + 1], -1.0)
        if t - duur >= 0:
            rij.term(leeftijd[:, None, :, t : t + 1], naar[:, :, :, : t - duur + 1], -1.0)
    return {
        "bestel": c_bestel,
        "sluit": c_sluit,
        "verplaats": c_verpl,
        "beschikbaar": c_besch,
        "afname": c_afname,
    }


def _tweede_fase(
    inst: Planinstantie,
    kol: Kolombouwer,
    rij: Rijenbouwer,
    c_besch: np.ndarray,
    c_afname: np.ndarray,
) -> tuple[dict[str, np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Second-stage columns and rows of every scenario.

    Returns the column indices and the cost triplets ``(s*R + r, column, euro)``
    of each scenario-region's cost ``Q_{s,r}``.
    """
    sc = inst.scenarios
    typen = inst.flextypen
    s_n, r_n, t_n, k_n = sc.instroom.shape
    f_n = len(typen)
    klassen = sc.klassen
    compat = np.array([[k in f.klassen for k in klassen] for f in typen], dtype=bool)  # (F,K)
    fk = np.broadcast_to(compat[None, None, :, :, None], (s_n, r_n, f_n, k_n, t_n))
    instroom = np.moveaxis(sc.instroom, 2, 3)  # (S,R,K,T)
    aanbod = np.moveaxis(sc.aanbod, 2, 3)
    ach0 = np.array([[reg.achterstand.get(k, 0.0) for k in klassen] for reg in inst.regios])
    # initial occupancy split evenly over the classes a type houses
    bez0 = np.zeros((r_n, f_n, k_n))
    for ri, reg in enumerate(inst.regios):
        for fi, f in enumerate(typen):
            b = float(reg.bezetting.get(f.naam, 0.0))
            if b:
                bez0[ri, fi, compat[fi]] = b / compat[fi].sum()
    rho = inst.doorstroom

    c_ach = kol.blok((s_n, r_n, k_n, t_n))
    c_reg = kol.blok((s_n, r_n, k_n, t_n), hi=aanbod if rho == 0 else ONEINDIG)
    c_in = kol.blok((s_n, r_n, f_n, k_n, t_n), mask=fk)
    c_bez = kol.blok((s_n, r_n, f_n, k_n, t_n), mask=fk)
    geen = np.zeros_like(fk)
    c_door = kol.blok((s_n, r_n, f_n, k_n, t_n), mask=fk if rho > 0 else geen)
    c_verd = kol.blok((s_n, r_n, f_n, k_n, t_n), mask=fk)

    # backlog balance
    rechts = instroom.copy()
    rechts[..., 0] += ach0[None]
    bal = rij.nieuw((s_n, r_n, k_n, t_n), lo=rechts, hi=rechts)
    rij.term(bal, c_ach, 1.0)
    rij.term(bal[..., 1:], c_ach[..., :-1], -1.0)
    rij.term(bal, c_reg, 1.0)
    rij.term(bal[:, :, None], c_in, 1.0)
    rij.term(bal[:, :, None], c_verd, -1.0)

    # occupancy balance: Z[t] - Z[t-1] - I[t] + D[t] + U[t] = Z0 (t = 0); rows of a
    # class a type cannot house are empty with right-hand side 0
    z0 = np.zeros((s_n, r_n, f_n, k_n, t_n))
    z0[..., 0] = bez0[None]
    occ = rij.nieuw((s_n, r_n, f_n, k_n, t_n), lo=z0, hi=z0)
    rij.term(occ, c_bez, 1.0)
    rij.term(occ[..., 1:], c_bez[..., :-1], -1.0)
    rij.term(occ, c_in, -1.0)
    rij.term(occ, c_door, 1.0)
    rij.term(occ, c_verd, 1.0)

    # capacity: sum_k Z - plaatsen * N <= 0
    plaatsen = np.array([f.plaatsen for f in typen], dtype=float)
    cap = rij.nieuw((s_n, r_n, f_n, t_n), lo=-ONEINDIG, hi=0.0)
    rij.term(cap[:, :, :, None, :], c_bez, 1.0)
    rij.term(cap, c_besch[None], -plaatsen[None, None, :, None])

    # displacement only where modules close or move out: sum_k U - plaatsen * afname <= 0
    verd = rij.nieuw((s_n, r_n, f_n, t_n), lo=-ONEINDIG, hi=0.0)
    rij.term(verd[:, :, :, None, :], c_verd, 1.0)
    rij.term(verd, c_afname[None], -plaatsen[None, None, :, None])

    if rho > 0:
        # regular supply shared by new tenants and flex residents moving on
        aan = rij.nieuw((s_n, r_n, k_n, t_n), lo=-ONEINDIG, hi=aanbod)
        rij.term(aan, c_reg, 1.0)
        rij.term(aan[:, :, None], c_door, 1.0)
        # D[t] <= rho * Z[t-1]  (Z[-1] = Z0)
        door_hi = np.zeros((s_n, r_n, f_n, k_n, t_n))
        door_hi[..., 0] = rho * bez0[None]
        drow = rij.nieuw((s_n, r_n, f_n, k_n, t_n), lo=-ONEINDIG, hi=door_hi)
        rij.term(drow, c_door, 1.0)
        rij.term(drow[..., 1:], c_bez[..., :-1], -rho)

    wacht = np.array([inst.kosten.wachten.get(k, 0.0) for k in klassen], dtype=float)
    w_ach = np.broadcast_to(wacht[None, None, :, None], c_ach.shape).copy()
    w_ach[..., -1] += inst.kosten.eind_achterstand
    q: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for idx, w in ((c_ach, w_ach), (c_verd, inst.kosten.verdringing)):
        sr = np.arange(s_n * r_n).reshape((s_n, r_n) + (1,) * (idx.ndim - 2))
        sr_b = np.broadcast_to(sr, idx.shape)
        wb = np.broadcast_to(np.asarray(w, dtype=float), idx.shape)
        m = (idx >= 0) & (wb != 0)
        q.append((sr_b[m], idx[m], wb[m]))
    idx_uit = {
        "achterstand": c_ach,
        "regulier": c_reg,
        "in_flex": c_in,
        "bezetting": c_bez,
        "door": c_door,
        "verdrongen": c_verd,
        "capaciteit": cap,
        "verdringing": verd,
    }
    return idx_uit, q


def bouw_planmodel(
    inst: Planinstantie,
    beperking: Beperking | None = None,
    *,
    deel: str = "alles",
    beschikbaar: np.ndarray | None = None,
    afname: np.ndarray | None = None,
) -> Planmodel:
    """Build the stochastic programme of ``inst`` as sparse arrays.

    Parameters
    ----------
    deel
        ``"alles"``: the extensive form (both stages, every scenario).
        ``"meester"``: the first stage with one estimate ``theta[s, r]`` >= 0
        of each scenario-region's second-stage cost (Benders cuts are added by
        the caller). ``"sub"``: the second stage only, with the availability
        fixed to ``beschikbaar`` and ``afname`` (R, F, T each) and the sum of
        the scenarios' costs as objective (unweighted, so row duals are
        derivatives of each scenario's cost).
    """
    beperking = beperking or Beperking()
    sc = inst.scenarios
    s_n, r_n, t_n, k_n = sc.instroom.shape
    f_n = len(inst.flextypen)
    typen = inst.flextypen
    kol = Kolombouwer()
    rij = Rijenbouwer()
    if deel not in ("alles", "meester", "sub"):
        raise ValueError(f"onbekend deel {deel!r}")
    vast = None
    if deel == "sub":
        if beschikbaar is None or afname is None:
            raise ValueError("deel 'sub' vraagt beschikbaarheid en afname")
        vast = (beschikbaar, afname)

    eerste_idx = _eerste_fase(inst, beperking, kol, rij, vast)
    c_besch = eerste_idx["beschikbaar"]
    leeg5 = np.full((s_n, r_n, f_n, k_n, t_n), -1, dtype=np.int64)
    leeg4 = np.full((s_n, r_n, k_n, t_n), -1, dtype=np.int64)
    tweede_idx = {
        "achterstand": leeg4,
        "regulier": leeg4,
        "in_flex": leeg5,
        "bezetting": leeg5,
        "door": leeg5,
        "verdrongen": leeg5,
        "capaciteit": np.full((s_n, r_n, f_n, t_n), -1, dtype=np.int64),
        "verdringing": np.full((s_n, r_n, f_n, t_n), -1, dtype=np.int64),
    }
    theta = np.full((s_n, r_n), -1, dtype=np.int64)
    if deel == "meester":
        theta = kol.blok((s_n, r_n))
        sr = np.arange(s_n * r_n)
        q_trip = [(sr, theta.ravel(), np.ones(s_n * r_n))]
    else:
        tweede_idx, q_trip = _tweede_fase(inst, kol, rij, c_besch, eerste_idx["afname"])

    # --- costs ---------------------------------------------------------------
    c = np.zeros(kol.n)
    if deel != "sub":
        openen = np.array([f.openen for f in typen])[None, :, None]
        exploit = np.array([f.exploitatie for f in typen])[None, :, None]
        sluiten = np.array([f.sluiten_netto for f in typen])[None, :, None]
        rest = np.array([f.restwaarde for f in typen])[None, :]
        kol.kosten(c, eerste_idx["bestel"], openen)
        kol.kosten(c, c_besch, exploit)
        kol.kosten(c, c_besch[:, :, -1], -rest)
        kol.kosten(c, eerste_idx["sluit"], sluiten)
        kol.kosten(c, eerste_idx["verplaats"], inst.verplaatsing.netto)
    eerste = c.copy()
    n_zonder_risico = kol.n

    p = sc.kansen
    risico = inst.risico
    eta = -1
    cvar = risico.maat == "cvar" and deel != "sub"
    if cvar:
        c_eta = kol.blok((1,), lo=-ONEINDIG)
        c_u = kol.blok((s_n,))
        eta = int(c_eta[0])
    n = kol.n
    qr = np.concatenate([t[0] for t in q_trip])
    qk = np.concatenate([t[1] for t in q_trip])
    qv = np.concatenate([t[2] for t in q_trip])
    q_regio = sp.csr_array((qv, (qr, qk)), shape=(s_n * r_n, n))
    q = sp.csr_array((qv, (qr // r_n, qk)), shape=(s_n, n))
    extra = np.zeros(n - n_zonder_risico)
    c = np.concatenate([c, extra])
    eerste = np.concatenate([eerste, extra])
    if cvar:
        lam, alfa = risico.gewicht, risico.alfa
        # u_s - Q_s + eta >= 0
        cv = rij.nieuw((s_n,), lo=0.0, hi=ONEINDIG)
        qc = q.tocoo()
        rij.term(cv[qc.row], qc.col, -qc.data)
        rij.term(cv, c_u, 1.0)
        rij.term(cv, np.full(s_n, eta), 1.0)
        c[eta] += lam
        c[c_u] += lam * p / (1.0 - alfa)
        c = c + q.T @ ((1.0 - lam) * p)
    elif deel == "sub":
        # unweighted: the row duals of scenario s are then derivatives of Q_s itself
        c = c + q.T @ np.ones(s_n)
    else:
        c = c + q.T @ p

    probleem = MipProbleem(
        c=c,
        A=rij.matrix(n),
        rij_onder=rij.onder,
        rij_boven=rij.boven,
        kol_onder=kol.onder,
        kol_boven=kol.boven,
        geheel=kol.geheel,
    )
    return Planmodel(
        probleem=probleem,
        **eerste_idx,
        **{k: v for k, v in tweede_idx.items() if k not in ("capaciteit", "verdringing")},
        q_kosten=q,
        q_regio=q_regio,
        eerste_kosten=eerste,
        capaciteit=tweede_idx["capaciteit"],
        verdringing=tweede_idx["verdringing"],
        theta=theta,
        eta=eta,
    )


def waarden(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """The solution values of the columns ``idx`` (0 where absent)."""
    uit = np.zeros(idx.shape)
    m = idx >= 0
    uit[m] = x[idx[m]]
    return uit
