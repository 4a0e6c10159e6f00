"""The tables of a flex plan: pure functions of a `Planvergelijking`.

Every output of ``allocatie plan`` (CSV, workbook, HTML report, JSON summary,
terminal overview) reads its figures from these tables, so they cannot
disagree. Column names are Dutch and stable (they are the CSV headers);
amounts are euro, persons are real numbers (expected values over scenarios),
modules whole numbers.

- `plan_tabel`: the stochastic plan per region, flex type and period
  (``plan.csv``);
- `beleid_tabel`: per policy its objective, cost parts, waiting and backlog
  (``beleid.csv``);
- `achterstand_tabel`: quantiles of the national backlog per policy and
  period (``achterstand.csv``, the fan chart);
- `gevoeligheid_tabel`: the stochastic plan under each sensitivity variant
  (``gevoeligheid.csv``);
- `kerncijfers`: VSS, value of scaling and of flex, EVPI;
- `verplaatsingen_tabel`: every relocation of every policy, with its origin
  and destination (``verplaatsingen.csv``);
- `businesscase_tabel`: per policy and flex type the costs of its modules
  (``businesscase.csv``), with the write-off over the exploitation period;
- `rollend_tabel`: what the rolling policy saves against the static plan, no
  new flex and the stochastic plan, paired over scenarios with a t-interval
  (``rollend.csv``);
- `rollend_halfjaar_tabel`: the rolling policy per half-year over the
  scenarios: its places (quantiles), and the modules delivered, closed and
  moved (``rollend_halfjaar.csv``, ``rollend.png``); `rollend_afschalen`
  sums up where and how often it scales down.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from allocatie.planning.gegevens import Planinstantie
from allocatie.planning.model.bouw import Plan
from allocatie.planning.model.uitkomst import Planuitkomst, kwantielen_per_periode
from allocatie.planning.uitvoer.vergelijking import ROLLEND_TEGEN, Opgelost, Planvergelijking

__all__ = [
    "ALFA_CVAR",
    "KOSTENDELEN",
    "KWANTIELEN",
    "ROLLEND_HALFJAAR",
    "achterstand_tabel",
    "acties_tabel",
    "beleid_rij",
    "beleid_tabel",
    "businesscase_tabel",
    "gevoeligheid_tabel",
    "kerncijfers",
    "parameters_tabel",
    "plan_tabel",
    "rollend_afschalen",
    "rollend_halfjaar_tabel",
    "rollend_tabel",
    "verplaatsingen_tabel",
]

#: Quantiles of the backlog fan (``achterstand.csv``, the fan chart).
KWANTIELEN: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
#: The tail of the reported CVaR (the mean of the worst 10% of scenarios).
ALFA_CVAR = 0.9
#: Expected cost parts in report order: first stage, then second stage.
KOSTENDELEN: tuple[str, ...] = (
    "openen",
    "exploitatie",
    "sluiten",
    "verplaatsen",
    "restwaarde",
    "wachten",
    "verdringing",
    "eind_achterstand",
)


def _geheel(a: np.ndarray, naam: str) -> np.ndarray:
    """Round module counts that the solver returns as floats (integral up to tolerance)."""
    r = np.rint(a)
    if a.size and float(np.max(np.abs(a - r))) > 1e-4:
        raise ValueError(f"{naam}: geen gehele aantallen modules")
    return r.astype(np.int64)


def plan_tabel(vgl: Planvergelijking, beleid: str = "stochastisch") -> pd.DataFrame:
    """The plan of ``beleid`` per region, flex type and period (``plan.csv``).

    Columns: ``regio``, ``flextype``, ``periode``; modules ``besteld``
    (ordered in this period), ``geleverd`` (orders arriving: ordered
    ``levertijd`` periods earlier), ``gesloten``, ``verplaatst_weg`` (leaving
    the region in this period), ``verplaatst_aan`` (arriving from another
    region, available from this period), ``beschikbaar`` (available in this
    period); ``plaatsen`` (= beschikbaar × persons per module) and
    ``bezetting_verwacht`` (expected persons living in them at the end of the
    period). The stock balance holds row by row::

        beschikbaar[t] = beschikbaar[t-1] + geleverd[t] + verplaatst_aan[t]
                         - gesloten[t] - verplaatst_weg[t]

    with ``beschikbaar[-1]`` the existing modules (``[[regio]] bestaand``).
    """
    inst = vgl.instantie
    u = vgl.uitkomsten[beleid]
    if u.plan is None:
        raise ValueError(f"beleid '{beleid}' heeft geen plan (één plan per scenario)")
    plan: Plan = u.plan
    r_n, f_n, t_n = plan.bestel.shape
    duur = inst.verplaatsing.duur
    geleverd = np.zeros_like(plan.bestel)
    for fi, f in enumerate(inst.flextypen):
        if f.levertijd < t_n:
            geleverd[:, fi, f.levertijd :] = plan.bestel[:, fi, : t_n - f.levertijd]
    weg = plan.verplaats.sum(axis=1)  # (from, F, T)
    aan = np.zeros_like(plan.bestel)
    if duur < t_n:
        aan[:, :, duur:] = plan.verplaats.sum(axis=0)[:, :, : t_n - duur]
    beschikbaar = _geheel(u.beschikbaar[0], "beschikbaar")
    plaatsen = np.array([f.plaatsen for f in inst.flextypen])[None, :, None]
    bezetting = np.einsum("s,srfkt->rft", u.kansen, u.bezetting)
    rr, ff, tt = (a.ravel() for a in np.indices((r_n, f_n, t_n)))
    return pd.DataFrame(
        {
            "regio": np.array([r.naam for r in inst.regios], dtype=object)[rr],
            "flextype": np.array([f.naam for f in inst.flextypen], dtype=object)[ff],
            "periode": np.array(inst.perioden, dtype=object)[tt],
            "besteld": _geheel(plan.bestel, "besteld").ravel(),
            "geleverd": _geheel(geleverd, "geleverd").ravel(),
            "gesloten": _geheel(plan.sluit, "gesloten").ravel(),
            "verplaatst_weg": _geheel(weg, "verplaatst_weg").ravel(),
            "verplaatst_aan": _geheel(aan, "verplaatst_aan").ravel(),
            "beschikbaar": beschikbaar.ravel(),
            "plaatsen": (beschikbaar * plaatsen).ravel().astype(float),
            "bezetting_verwacht": bezetting.ravel(),
        }
    )


def _modules(u: Planuitkomst) -> tuple[float, float]:
    """New modules ordered and closed (expected over scenarios for a plan per scenario).

    NaN when the outcome carries no plan (perfect information).
    """
    if u.plan is not None:
        return float(u.plan.bestel.sum()), float(u.plan.sluit.sum())
    if len(u.plannen) == len(u.kansen):
        besteld = np.array([p.bestel.sum() for p in u.plannen])
        gesloten = np.array([p.sluit.sum() for p in u.plannen])
        return float(u.kansen @ besteld), float(u.kansen @ gesloten)
    return math.nan, math.nan


def beleid_rij(
    u: Planuitkomst, inst: Planinstantie, opgelost: Opgelost | None = None
) -> dict[str, Any]:
    """One row of `beleid_tabel`: a policy's (or a variant's) figures.

    ``opgelost`` is how the policy's plan was found (`Planvergelijking.opgelost`):
    its method, bound and gap. Without it (no new flex, perfect information:
    nothing was optimised over all scenarios at once) bound and gap are NaN.

    ``cvar_90`` is the mean total cost of the worst 10% of scenarios;
    ``wachttijd`` the expected person-half-years spent waiting; the
    ``achterstand_eind_*`` columns the national backlog (persons) at the end
    of the last period: its mean, median and 90th percentile over scenarios.
    """
    eind = u.achterstand_totaal()[:, -1]
    p50, p90 = u.achterstand_kwantielen((0.5, 0.9))[:, -1]
    besteld, gesloten = _modules(u)
    delen = {**u.kosten_eerste_delen, **u.kosten_tweede_delen}
    return {
        "beleid": u.beleid,
        "titel": u.titel,
        "doel": u.doel,
        "verwachting": u.verwachting,
        "cvar_90": u.cvar(ALFA_CVAR),
        "kosten_eerste_fase": float(u.kansen @ u.kosten_eerste),
        "kosten_tweede_fase": float(u.kansen @ u.kosten_tweede),
        **{f"kosten_{d}": float(delen.get(d, 0.0)) for d in KOSTENDELEN},
        "wachttijd": u.wachttijd_persoonperioden(),
        "achterstand_eind_gemiddeld": float(u.kansen @ eind),
        "achterstand_eind_p50": float(p50),
        "achterstand_eind_p90": float(p90),
        "modules_besteld": besteld,
        "modules_gesloten": gesloten,
        "modules_piek": float(u.kansen @ u.beschikbaar.sum(axis=(1, 2)).max(axis=1)),
        "status": u.status.value,
        "methode": "" if opgelost is None else opgelost.methode,
        "grens": math.nan if opgelost is None or opgelost.grens is None else opgelost.grens,
        "gap": math.nan if opgelost is None or opgelost.gap is None else opgelost.gap,
        "solver": u.solver,
        "tijd_s": float(u.tijd_s),
        "scenarios": len(u.kansen),
        "perioden": len(inst.perioden),
    }


def beleid_tabel(vgl: Planvergelijking) -> pd.DataFrame:
    """Per policy (stochastic plan first) its figures (``beleid.csv``); see `beleid_rij`.

    ``verschil_doel`` is the policy's objective minus the stochastic plan's:
    what the stochastic plan saves against it (negative only for perfect
    information, the lower bound).
    """
    rijen = [beleid_rij(u, vgl.instantie, vgl.opgelost.get(b)) for b, u in vgl.uitkomsten.items()]
    df = pd.DataFrame(rijen)
    df.insert(3, "verschil_doel", df["doel"] - vgl.stochastisch.doel)
    return df


def achterstand_tabel(vgl: Planvergelijking) -> pd.DataFrame:
    """Quantiles (`KWANTIELEN`) and mean of the national backlog per policy and period.

    Columns ``beleid``, ``titel``, ``periode``, ``p5``, ``p25``, ``p50``,
    ``p75``, ``p95``, ``gemiddeld`` (persons waiting at the end of the period).
    """
    delen = []
    for b, u in vgl.uitkomsten.items():
        q = u.achterstand_kwantielen(KWANTIELEN)
        df = pd.DataFrame(
            {
                "beleid": b,
                "titel": u.titel,
                "periode": list(vgl.instantie.perioden),
                **{f"p{round(100 * k)}": q[i] for i, k in enumerate(KWANTIELEN)},
                "gemiddeld": u.kansen @ u.achterstand_totaal(),
            }
        )
        delen.append(df)
    return pd.concat(delen, ignore_index=True)


def gevoeligheid_tabel(
    vgl: Planvergelijking, instanties: dict[str, Planinstantie] | None = None
) -> pd.DataFrame:
    """The stochastic plan of the base and of each sensitivity variant (``gevoeligheid.csv``).

    The first row is the base (``variant`` = ``"basis"``); ``verschil_doel``
    and ``verschil_modules`` compare each variant with it. A variant's costs
    are under its own parameters (a doubled waiting cost doubles the cost of
    the same backlog), so the difference says how much the parameter matters,
    not which plan is better. ``instanties`` gives a variant's instance by
    name (for its number of periods); the base instance is used otherwise.
    """
    instanties = instanties or {}
    basis = beleid_rij(vgl.stochastisch, vgl.instantie, vgl.opgelost.get("stochastisch"))
    rijen = [{"variant": "basis", **basis}]
    for i, v in enumerate(vgl.varianten):
        vinst = instanties.get(v.naam, vgl.instantie)
        rijen.append(
            {"variant": v.naam, **beleid_rij(v.uitkomst, vinst, vgl.opgelost.get(f"variant:{i}"))}
        )
    df = pd.DataFrame(rijen)
    kolommen = [
        "variant",
        "doel",
        "verwachting",
        "cvar_90",
        "kosten_eerste_fase",
        "kosten_tweede_fase",
        "wachttijd",
        "achterstand_eind_p50",
        "achterstand_eind_p90",
        "modules_besteld",
        "modules_gesloten",
        "status",
        "gap",
    ]
    df = df[kolommen].copy()
    df.insert(2, "verschil_doel", df["doel"] - basis["doel"])
    verschil = df["modules_besteld"] - basis["modules_besteld"]
    df.insert(int(df.columns.get_loc("modules_gesloten")), "verschil_modules", verschil)
    return df


def kerncijfers(vgl: Planvergelijking) -> dict[str, float | None]:
    """VSS, value of scaling, value of flex and EVPI (euro; None when not computed)."""
    return {
        "vss": vgl.vss,
        "waarde_schalen": vgl.waarde_schalen,
        "waarde_flex": vgl.waarde_flex,
        "evpi": vgl.evpi,
    }


def _plannen(u: Planuitkomst) -> list[Plan]:
    """The plan of each scenario: the one plan, one per scenario, or none (empty)."""
    if u.plan is not None:
        return [u.plan] * len(u.kansen)
    return list(u.plannen) if len(u.plannen) == len(u.kansen) else []


_VERPLAATSKOLOMMEN = ["beleid", "titel", "flextype", "van", "naar", "vertrek", "aankomst",
                      "modules", "kans"]  # fmt: skip


def verplaatsingen_tabel(vgl: Planvergelijking) -> pd.DataFrame:
    """Every relocation of every policy with a plan (``verplaatsingen.csv``).

    One row per policy, flex type, origin region ``van``, destination region
    ``naar`` and period of leaving ``vertrek``; ``aankomst`` is the period
    from which the modules are available at the destination (``vertrek`` plus
    ``[verplaatsing] duur``). ``modules`` is the expected number moved over
    the scenarios and ``kans`` the probability that the move happens at all:
    1 for a plan that is the same in every scenario, the share of scenarios
    for the rolling policy. Empty (with the columns) when nothing moves.
    """
    inst = vgl.instantie
    regios = [r.naam for r in inst.regios]
    perioden = list(inst.perioden)
    duur = inst.verplaatsing.duur
    rijen = []
    for b, u in vgl.uitkomsten.items():
        plannen = _plannen(u)
        if not plannen:
            continue
        m = np.stack([p.verplaats for p in plannen])  # (S, R, R, F, T)
        verwacht = np.einsum("s,sabft->abft", u.kansen, m)
        kans = np.einsum("s,sabft->abft", u.kansen, (m > 0.5).astype(float))
        for a, c, f, t in np.argwhere(kans > 0):
            rijen.append(
                {
                    "beleid": b,
                    "titel": u.titel,
                    "flextype": inst.flextypen[f].naam,
                    "van": regios[a],
                    "naar": regios[c],
                    "vertrek": perioden[t],
                    "aankomst": perioden[t + duur] if t + duur < len(perioden) else "",
                    "modules": float(verwacht[a, c, f, t]),
                    "kans": float(kans[a, c, f, t]),
                }
            )
    return pd.DataFrame(rijen, columns=_VERPLAATSKOLOMMEN)


def businesscase_tabel(vgl: Planvergelijking) -> pd.DataFrame:
    """Per policy with a plan and per flex type: what its modules cost (``businesscase.csv``).

    The elements of the government's standard model for movable homes (BZK
    "Rekenmodel flexwonen"), expected over the scenarios and within the
    horizon (euro): ``openen`` (investment), ``exploitatie``, ``sluiten``,
    ``verkoopwaarde`` (negative: what closed modules fetch),
    ``verplaatsen_bruto`` (``[verplaatsing] kosten`` per move), ``subsidie``
    (``[verplaatsing] subsidie`` per move, negative: the contribution of the
    "Regeling Tegemoetkoming Herplaatsing Flexwoningen"), ``restwaarde``
    (negative: the value of the modules still standing at the end) and
    ``netto``, their sum; their sums over the flex types are the policy's
    first-stage cost parts. Beside them the volumes (``modules_besteld``,
    ``verplaatsingen``, ``module_halfjaren`` available, ``bewoner_halfjaren``
    housed) and ``netto_per_bewoner_halfjaar``.

    Per module, independent of the plan: ``afschrijving_per_halfjaar`` =
    (``openen`` - ``restwaarde``) / ``exploitatietermijn`` and
    ``kosten_per_plaats_per_jaar`` = 2 × (afschrijving + exploitatie per
    half-year) / places, the yardstick of the standard model.
    """
    inst = vgl.instantie
    vp = inst.verplaatsing
    rijen = []
    for b, u in vgl.uitkomsten.items():
        plannen = _plannen(u)
        if not plannen:
            continue
        p = u.kansen
        for fi, f in enumerate(inst.flextypen):
            besteld = p @ np.array([pl.bestel[:, fi].sum() for pl in plannen])
            gesloten = p @ np.array([pl.sluit[:, fi].sum() for pl in plannen])
            verplaatst = p @ np.array([pl.verplaats[:, :, fi].sum() for pl in plannen])
            halfjaren = float(p @ u.beschikbaar[:, :, fi].sum(axis=(1, 2)))
            bewoners = float(p @ u.bezetting[:, :, fi].sum(axis=(1, 2, 3)))
            eind = float(p @ u.beschikbaar[:, :, fi, -1].sum(axis=1))
            delen = {
                "openen": f.openen * besteld,
                "exploitatie": f.exploitatie * halfjaren,
                "sluiten": f.sluiten * gesloten,
                "verkoopwaarde": 0.0 - f.verkoopwaarde * gesloten,
                "verplaatsen_bruto": vp.kosten * verplaatst,
                "subsidie": 0.0 - vp.subsidie * verplaatst,
                "restwaarde": 0.0 - f.restwaarde * eind,
            }
            netto = float(sum(delen.values()))
            afschrijving = (f.openen - f.restwaarde) / f.exploitatietermijn
            rijen.append(
                {
                    "beleid": b,
                    "titel": u.titel,
                    "flextype": f.naam,
                    "modules_besteld": float(besteld),
                    "modules_gesloten": float(gesloten),
                    "verplaatsingen": float(verplaatst),
                    "module_halfjaren": halfjaren,
                    "bewoner_halfjaren": bewoners,
                    **{k: float(v) for k, v in delen.items()},
                    "netto": netto,
                    "netto_per_bewoner_halfjaar": netto / bewoners if bewoners > 0 else math.nan,
                    "exploitatietermijn": f.exploitatietermijn,
                    "afschrijving_per_halfjaar": afschrijving,
                    "kosten_per_plaats_per_jaar": 2.0 * (afschrijving + f.exploitatie) / f.plaatsen,
                }
            )
    return pd.DataFrame(rijen)


def rollend_tabel(vgl: Planvergelijking, niveau: float = 0.95) -> pd.DataFrame:
    """What the rolling policy saves against other policies (``rollend.csv``); empty without it.

    One row per policy in `ROLLEND_TEGEN` that was run: ``tegen`` (its key),
    ``titel``, ``verschil`` (its expected total cost minus the rolling
    policy's, euro; positive = rolling is cheaper), ``onder`` and ``boven``
    (the paired t-interval at ``niveau``, NaN with fewer than two scenarios),
    ``niveau`` and ``scenarios``. Expected cost, not the CVaR objective: the
    interval is over the scenarios' paired differences.
    """
    rijen = []
    for b in ROLLEND_TEGEN:
        iv = vgl.rollend_tegen(b, niveau)
        if iv is None:
            continue
        rijen.append(
            {
                "tegen": b,
                "titel": vgl.uitkomsten[b].titel,
                "verschil": iv.verschil,
                "onder": math.nan if iv.onder is None else iv.onder,
                "boven": math.nan if iv.boven is None else iv.boven,
                "niveau": iv.niveau,
                "scenarios": iv.n,
            }
        )
    kolommen = ["tegen", "titel", "verschil", "onder", "boven", "niveau", "scenarios"]
    return pd.DataFrame(rijen, columns=kolommen)


#: Columns of `rollend_halfjaar_tabel`.
ROLLEND_HALFJAAR: tuple[str, ...] = (
    "periode",
    *(f"plaatsen_p{round(100 * q)}" for q in KWANTIELEN),
    "plaatsen_gemiddeld",
    "besteld",
    "geleverd",
    "gesloten",
    "verplaatst",
    "kans_sluiten",
    "kans_daling",
)


def _rollend_per_scenario(vgl: Planvergelijking) -> dict[str, np.ndarray] | None:
    """Per scenario and half-year: national places and modules ordered, delivered, closed, moved."""
    u = vgl.uitkomsten.get("rollend")
    if u is None or not u.plannen:
        return None
    typen = vgl.instantie.flextypen
    plaatsen = np.array([f.plaatsen for f in typen], dtype=float)
    bestel = np.stack([p.bestel.sum(axis=0) for p in u.plannen])  # (S, F, T)
    geleverd = np.zeros_like(bestel)
    t_n = bestel.shape[-1]
    for fi, f in enumerate(typen):
        if f.levertijd < t_n:
            geleverd[:, fi, f.levertijd :] = bestel[:, fi, : t_n - f.levertijd]
    return {
        "plaatsen": np.einsum("srft,f->st", u.beschikbaar, plaatsen),
        "besteld": bestel.sum(axis=1),
        "geleverd": geleverd.sum(axis=1),
        "gesloten": np.stack([p.sluit.sum(axis=(0, 1)) for p in u.plannen]),
        "verplaatst": np.stack([p.verplaats.sum(axis=(0, 1, 2)) for p in u.plannen]),
    }


def rollend_halfjaar_tabel(vgl: Planvergelijking) -> pd.DataFrame:
    """The rolling policy per half-year over the scenarios (``rollend_halfjaar.csv``).

    Empty (with the columns `ROLLEND_HALFJAAR`) without the rolling policy.
    One row per half-year: ``periode``; the national flex places (modules x
    places per module) over the scenarios, ``plaatsen_p5`` ... ``plaatsen_p95``
    (probability-weighted quantiles, `KWANTIELEN`) and ``plaatsen_gemiddeld``;
    the expected number of modules per scenario ``besteld`` (ordered in the
    half-year), ``geleverd`` (new modules available from it), ``gesloten`` and
    ``verplaatst`` (leaving a region for another); the share of the scenarios
    (by probability) in which modules close in the half-year
    (``kans_sluiten``) and in which there are fewer places than the half-year
    before (``kans_daling``; a module on its way to another region counts as
    gone).
    """
    per = _rollend_per_scenario(vgl)
    if per is None:
        return pd.DataFrame(columns=list(ROLLEND_HALFJAAR))
    p = vgl.uitkomsten["rollend"].kansen
    cap = per["plaatsen"]
    q = kwantielen_per_periode(cap, p, KWANTIELEN)
    daling = np.zeros(cap.shape, dtype=bool)
    daling[:, 1:] = cap[:, 1:] < cap[:, :-1]
    data: dict[str, Any] = {"periode": list(vgl.instantie.perioden)}
    for qi, k in enumerate(KWANTIELEN):
        data[f"plaatsen_p{round(100 * k)}"] = q[qi]
    data["plaatsen_gemiddeld"] = p @ cap
    for naam in ("besteld", "geleverd", "gesloten", "verplaatst"):
        data[naam] = p @ per[naam]
    data["kans_sluiten"] = p @ (per["gesloten"] > 0)
    data["kans_daling"] = p @ daling
    return pd.DataFrame(data, columns=list(ROLLEND_HALFJAAR))


def rollend_afschalen(vgl: Planvergelijking) -> dict[str, Any] | None:
    """Where and how often the rolling policy scales down; None without it.

    ``kans_sluiten``: share of the scenarios (by probability) in which it
    closes modules at all; ``gesloten``: expected modules closed per
    scenario; ``meeste_sluiten``: the half-year in which the most scenarios
    close modules, with that share (``kans_meeste``); ``kans_eind_lager``:
    share of the scenarios with fewer places in the last half-year than at
    their highest; ``piek_mediaan``, ``piek_periode``: the highest median of
    the places and its half-year; ``eind_mediaan``: the median in the last
    half-year.
    """
    per = _rollend_per_scenario(vgl)
    if per is None:
        return None
    p = vgl.uitkomsten["rollend"].kansen
    perioden = vgl.instantie.perioden
    cap, sluit = per["plaatsen"], per["gesloten"]
    per_t = p @ (sluit > 0)
    t_meest = int(np.argmax(per_t))
    med = kwantielen_per_periode(cap, p, (0.5,))[0]
    t_piek = int(np.argmax(med))
    return {
        "kans_sluiten": float(p @ (sluit.sum(axis=1) > 0)),
        "gesloten": float(p @ sluit.sum(axis=1)),
        "meeste_sluiten": perioden[t_meest],
        "kans_meeste": float(per_t[t_meest]),
        "kans_eind_lager": float(p @ (cap[:, -1] < cap.max(axis=1))),
        "piek_mediaan": float(med[t_piek]),
        "piek_periode": perioden[t_piek],
        "eind_mediaan": float(med[-1]),
    }


def _tekst(waarde: Any) -> Any:
    """A TOML value for one table cell: numbers and text as they are, lists joined."""
    if isinstance(waarde, list):
        return ", ".join(str(_tekst(w)) for w in waarde)
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    return waarde


def parameters_tabel(ruw: Mapping[str, Any]) -> pd.DataFrame:
    """The plan's parameters as read from its TOML: one row per value.

    Columns ``onderdeel`` (the section; a ``[[regio]]``, ``[[flextype]]`` or
    ``[[gevoeligheid]]`` entry by its name or number), ``parameter`` (the key,
    dotted below nested tables) and ``waarde`` (lists joined with commas).

    Examples
    --------
    >>> parameters_tabel({"plan": {"naam": "P", "perioden": 4},
    ...                   "regio": [{"naam": "A", "aanbod": {"alleen": 5}}]}).values.tolist()
    [['plan', 'naam', 'P'], ['plan', 'perioden', 4], ['regio A', 'aanbod.alleen', 5]]
    """
    rijen: list[tuple[str, str, Any]] = []

    def plat(onderdeel: str, prefix: str, tabel: Mapping[str, Any]) -> None:
        for sleutel, waarde in tabel.items():
            naam = f"{prefix}{sleutel}"
            if isinstance(waarde, Mapping):
                plat(onderdeel, f"{naam}.", waarde)
            elif isinstance(waarde, list) and waarde and isinstance(waarde[0], Mapping):
                for i, deel in enumerate(waarde, start=1):
                    plat(onderdeel, f"{naam}[{i}].", deel)
            else:
                rijen.append((onderdeel, naam, _tekst(waarde)))

    for sectie, inhoud in ruw.items():
        if isinstance(inhoud, list):
            for i, deel in enumerate(inhoud, start=1):
                label = deel.get("naam", i) if isinstance(deel, Mapping) else i
                sleutels = {k: v for k, v in deel.items() if k != "naam"}
                plat(f"{sectie} {label}", "", sleutels)
        elif isinstance(inhoud, Mapping):
            plat(sectie, "", inhoud)
        else:
            rijen.append(("", sectie, _tekst(inhoud)))
    return pd.DataFrame(rijen, columns=["onderdeel", "parameter", "waarde"])


def acties_tabel(plan: pd.DataFrame, inst: Planinstantie) -> pd.DataFrame:
    """What the plan does, one row per action: order, close or move modules.

    From `plan_tabel`: columns ``periode``, ``regio``, ``flextype``, ``actie``
    (``bestellen``, ``sluiten``, ``verplaatsen``), ``modules``, ``plaatsen`` and
    ``beschikbaar_vanaf`` (the period an order or a move arrives; for a
    closure the period it is gone). Moves are listed at the region they leave.
    """
    typen = {f.naam: f for f in inst.flextypen}
    perioden = list(inst.perioden)
    duur = inst.verplaatsing.duur
    rijen = []
    for r in plan.itertuples(index=False):
        t = perioden.index(r.periode)
        f = typen[r.flextype]
        for actie, n, vanaf in (
            ("bestellen", r.besteld, t + f.levertijd),
            ("sluiten", r.gesloten, t),
            ("verplaatsen", r.verplaatst_weg, t + duur),
        ):
            if n:
                rijen.append(
                    {
                        "periode": r.periode,
                        "regio": r.regio,
                        "flextype": r.flextype,
                        "actie": actie,
                        "modules": int(n),
                        "plaatsen": float(n * f.plaatsen),
                        "beschikbaar_vanaf": perioden[vanaf] if vanaf < len(perioden) else "",
                    }
                )
    kolommen = ["periode", "regio", "flextype", "actie", "modules", "plaatsen"]
    df = pd.DataFrame(rijen, columns=[*kolommen, "beschikbaar_vanaf"])
    volgorde = {p: i for i, p in enumerate(perioden)}
    return df.sort_values(
        ["periode", "regio", "flextype"],
        key=lambda s: s.map(volgorde) if s.name == "periode" else s,
    ).reset_index(drop=True)
