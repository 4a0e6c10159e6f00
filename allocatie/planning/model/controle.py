"""Independent re-check of a flex capacity plan and what it leads to.

`verifieer_plan` recomputes every rule of the planning model from the arrays
of a `Planuitkomst` and the instance alone, with its own loops and numpy. It
uses nothing of `allocatie.planning.model.bouw` (no builder, no column indices, not
even ``Plan.beschikbaar``): it follows the rules as the docstring of that
module writes them, so a bug in the formulation cannot hide itself.

Checked, with a tolerance ``tol`` relative to the size of the numbers compared
(``|a - b| <= tol * max(1, |a|, |b|, terms)``):

Plan (for an adaptive policy such as the rolling policy, whose outcome carries
one plan per scenario in ``plannen``, each scenario's plan against that
scenario; skipped when the outcome carries no plan at all, i.e. perfect
information):

- orders, closures and moves integral and >= 0; no order arriving after the
  last period; moves only where `Verplaatsing.mag` allows them and arriving
  within the horizon;
- the stock balance (existing modules, orders from ``levertijd`` periods on,
  closures, moves out, moves in from ``duur`` periods on) equals
  ``uitkomst.beschikbaar`` in every scenario;
- the modules closed or moved out (closures plus moves to any region) equal
  ``uitkomst.afname`` in every scenario;
- minimum lifetime: the modules closed or moved out up to ``t`` are at most the
  existing ones, plus those ordered at ``u`` with ``u + levertijd +
  minimale_looptijd <= t``, plus those that arrived by relocation by ``t``;
- the policy (`Beperking`): ``geen_flex`` nothing ordered, closed or moved;
  ``statisch`` orders only in the first period and no closures or moves;
  ``vast`` exactly the given plan.

Availability, per scenario (also for perfect information): integral, >= 0 and
at most ``max_modules``. Modules closed or moved out (``afname``), per
scenario: integral, >= 0 and at least the drop of the availability from the
previous period (existing modules before the first), since arrivals only add.

Second stage, per scenario, region, class (and type) and period: the backlog
balance, nonnegativity of every flow, regular housing plus flex residents
moving on at most the regular supply, the occupancy balance per type and class
(initial occupancy split evenly over the classes the type houses), moving on at
most ``doorstroom`` times last period's occupancy, no flows for a class the
type cannot house, occupancy of a type at most ``plaatsen * beschikbaar``,
residents displaced from a type at most ``plaatsen * afname`` (only the places
of modules that close or leave in that period can displace anyone).

Costs: the first-stage cost per scenario and its parts, the second-stage cost
per scenario and its parts, recomputed from the arrays. Without a plan only
the parts that follow from the availability are checked (running cost and
residual value), and that the first-stage cost is at least their sum (orders,
closures and moves cost nothing negative).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from allocatie.kern.errors import VerificatieFout
from allocatie.kern.taal import nl_getal
from allocatie.planning.gegevens import Planinstantie
from allocatie.planning.model.uitkomst import Planuitkomst

if TYPE_CHECKING:  # the policy's fields only; nothing of the builder
    from allocatie.planning.model.bouw import Beperking

__all__ = ["controleer_plan", "verifieer_plan"]


def _tekst(*waarden: float) -> list[str]:
    """Dutch notation, one decimal or as many (up to 8) as tell the values apart.

    Examples
    --------
    >>> _tekst(120.0, 118.5)
    ['120,0', '118,5']
    >>> _tekst(3.0, 3.0004)
    ['3,0000', '3,0004']
    """
    d = 1
    while d < 8 and len({f"{w:.{d}f}" for w in waarden}) < len({float(w) for w in waarden}):
        d += 1
    return [nl_getal(float(w) + 0.0, d) for w in waarden]


class _Namen:
    """The labels of an instance, to say where a violation is."""

    def __init__(self, inst: Planinstantie) -> None:
        self.s = inst.scenarios.namen
        self.r = tuple(reg.naam for reg in inst.regios)
        self.f = tuple(f.naam for f in inst.flextypen)
        self.k = inst.klassen
        self.t = inst.perioden

    def waar(self, **idx: int) -> str:
        """``scenario s3, regio Utrecht, klasse alleenstaand, periode 2028-I``."""
        delen = []
        if "s" in idx:
            delen.append(f"scenario {self.s[idx['s']]}")
        if "r" in idx:
            delen.append(f"regio {self.r[idx['r']]}")
        if "van" in idx:
            delen.append(f"van regio {self.r[idx['van']]} naar regio {self.r[idx['naar']]}")
        for as_, woord in (("f", "flextype"), ("k", "klasse"), ("t", "periode")):
            if as_ in idx:
                delen.append(f"{woord} {getattr(self, as_)[idx[as_]]}")
        return ", ".join(delen)


def _wijkt(a: np.ndarray, b: np.ndarray, schaal: np.ndarray | float, tol: float) -> np.ndarray:
    """Where ``a`` and ``b`` differ by more than the tolerance at their scale."""
    s = np.maximum(np.maximum(1.0, np.abs(a)), np.maximum(np.abs(b), schaal))
    return np.abs(a - b) > tol * s


def _boven(a: np.ndarray, grens: np.ndarray | float, tol: float) -> np.ndarray:
    """Where ``a`` exceeds ``grens`` by more than the tolerance."""
    g = np.asarray(grens, dtype=float)
    return a - g > tol * np.maximum(1.0, np.maximum(np.abs(a), np.abs(g)))


_ASSEN = {
    "plan": ("r", "f", "t"),
    "verplaats": ("van", "naar", "f", "t"),
    "srft": ("s", "r", "f", "t"),
    "srkt": ("s", "r", "k", "t"),
    "srfkt": ("s", "r", "f", "k", "t"),
}


def _plaatsen(masker: np.ndarray, assen: str) -> list[dict[str, int]]:
    """The index dicts (axis name -> position) where ``masker`` holds."""
    namen = _ASSEN[assen]
    return [dict(zip(namen, map(int, i), strict=True)) for i in np.argwhere(masker)]


def _vormen(inst: Planinstantie, u: Planuitkomst) -> list[str]:
    """Shape mismatches between the outcome and the instance (nothing else is checked then)."""
    s_n, r_n = inst.scenarios.n, len(inst.regios)
    f_n, k_n, t_n = len(inst.flextypen), len(inst.klassen), len(inst.perioden)
    verwacht: dict[str, tuple[int, ...]] = {
        "beschikbaar": (s_n, r_n, f_n, t_n),
        "afname": (s_n, r_n, f_n, t_n),
        "kosten_eerste": (s_n,),
        "kosten_tweede": (s_n,),
        "kansen": (s_n,),
        "achterstand": (s_n, r_n, k_n, t_n),
        "regulier": (s_n, r_n, k_n, t_n),
        "in_flex": (s_n, r_n, f_n, k_n, t_n),
        "bezetting": (s_n, r_n, f_n, k_n, t_n),
        "door": (s_n, r_n, f_n, k_n, t_n),
        "verdrongen": (s_n, r_n, f_n, k_n, t_n),
    }
    vormen = {naam: np.shape(getattr(u, naam)) for naam in verwacht}
    if u.plan is not None:
        verwacht |= {"plan.bestel": (r_n, f_n, t_n), "plan.sluit": (r_n, f_n, t_n)}
        verwacht["plan.verplaats"] = (r_n, r_n, f_n, t_n)
        for naam in ("bestel", "sluit", "verplaats"):
            vormen[f"plan.{naam}"] = np.shape(getattr(u.plan, naam))
    fout = [
        f"{naam} heeft vorm {vormen[naam]}, verwacht {vorm}"
        for naam, vorm in verwacht.items()
        if vormen[naam] != vorm
    ]
    if not fout and not np.allclose(u.kansen, inst.scenarios.kansen, rtol=0, atol=1e-9):
        fout.append("de kansen van de uitkomst wijken af van die van de scenario's")
    return fout


def _voorraad(
    inst: Planinstantie, bestel: np.ndarray, sluit: np.ndarray, verpl: np.ndarray
) -> np.ndarray:
    """Modules available per (region, type, period) from the stock balance, by plain loops."""
    r_n, f_n, t_n = bestel.shape
    duur = inst.verplaatsing.duur
    n = np.zeros((r_n, f_n, t_n))
    for r, reg in enumerate(inst.regios):
        for f, ft in enumerate(inst.flextypen):
            stand = float(reg.bestaand.get(ft.naam, 0))
            for t in range(t_n):
                if t >= ft.levertijd:
                    stand += bestel[r, f, t - ft.levertijd]
                if t >= duur:
                    stand += verpl[:, r, f, t - duur].sum()
                stand -= sluit[r, f, t] + verpl[r, :, f, t].sum()
                n[r, f, t] = stand
    return n


def _plan_regels(
    inst: Planinstantie, u: Planuitkomst, beperking: Beperking | None, tol: float, nm: _Namen
) -> list[str]:
    """The rules on the plan itself: integrality, horizon, relocation, stock, lifetime, policy."""
    assert u.plan is not None
    fout: list[str] = []
    bestel, sluit, verpl = (
        np.asarray(a, dtype=float) for a in (u.plan.bestel, u.plan.sluit, u.plan.verplaats)
    )
    t_n = bestel.shape[2]
    woorden = {"bestel": "bestelling", "sluit": "sluiting", "verplaats": "verplaatsing"}
    for naam, a in (("bestel", bestel), ("sluit", sluit), ("verplaats", verpl)):
        slecht = (np.abs(a - np.round(a)) > tol) | (a < -tol) | ~np.isfinite(a)
        for i in _plaatsen(slecht, "verplaats" if naam == "verplaats" else "plan"):
            (w,) = _tekst(a[tuple(i.values())])
            fout.append(f"{nm.waar(**i)}: {woorden[naam]} {w} is geen geheel getal >= 0")
    laatste = nm.t[-1]
    for f, ft in enumerate(inst.flextypen):
        te_laat = bestel[:, f, :] > tol
        te_laat[:, : max(t_n - ft.levertijd, 0)] = False
        for r, t in np.argwhere(te_laat):
            (w,) = _tekst(bestel[r, f, t])
            fout.append(
                f"{nm.waar(r=r, f=f, t=t)}: bestelling {w} komt na de laatste periode "
                f"{laatste} binnen (levertijd {ft.levertijd})"
            )
    duur = inst.verplaatsing.duur
    for i in _plaatsen(verpl > tol, "verplaats"):
        w = _tekst(verpl[tuple(i.values())])[0]
        if not inst.verplaatsing.mag(nm.r[i["van"]], nm.r[i["naar"]]):
            fout.append(f"{nm.waar(**i)}: verplaatsing {w} is niet toegestaan")
        elif i["t"] + duur > t_n - 1:
            fout.append(
                f"{nm.waar(**i)}: verplaatsing {w} komt na de laatste periode {laatste} aan "
                f"(duur {duur})"
            )

    # the stock balance, the same in every scenario
    n = _voorraad(inst, bestel, sluit, verpl)
    besch = np.asarray(u.beschikbaar, dtype=float)
    for i in _plaatsen(_wijkt(besch, n[None], 0.0, tol), "srft"):
        x, y = _tekst(besch[tuple(i.values())], n[i["r"], i["f"], i["t"]])
        fout.append(f"{nm.waar(**i)}: beschikbaar {x} wijkt af van de voorraadbalans {y}")

    # afname: closures plus moves out (to any region), the same in every scenario
    weg = sluit + verpl.sum(axis=1)
    afname = np.asarray(u.afname, dtype=float)
    for i in _plaatsen(_wijkt(afname, weg[None], 0.0, tol), "srft"):
        x, y = _tekst(afname[tuple(i.values())], weg[i["r"], i["f"], i["t"]])
        fout.append(
            f"{nm.waar(**i)}: afname {x} wijkt af van de sluitingen plus verplaatsingen "
            f"uit de regio ({y})"
        )

    # minimum lifetime
    for r, reg in enumerate(inst.regios):
        for f, ft in enumerate(inst.flextypen):
            for t in range(t_n):
                weg = sluit[r, f, : t + 1].sum() + verpl[r, :, f, : t + 1].sum()
                oud = t - ft.levertijd - ft.minimale_looptijd
                mag = float(reg.bestaand.get(ft.naam, 0))
                mag += bestel[r, f, : oud + 1].sum() if oud >= 0 else 0.0
                mag += verpl[:, r, f, : t - duur + 1].sum() if t >= duur else 0.0
                if _boven(np.array(weg), mag, tol):
                    x, y = _tekst(weg, mag)
                    fout.append(
                        f"{nm.waar(r=r, f=f, t=t)}: {x} modules gesloten of verplaatst tot en met "
                        f"deze periode, maar slechts {y} hebben de minimale looptijd "
                        f"({ft.minimale_looptijd} perioden) erop zitten"
                    )
    if beperking is not None:
        fout += _beleid(beperking, bestel, sluit, verpl, tol, nm)
    return fout


def _plannen_per_scenario(inst: Planinstantie, u: Planuitkomst, tol: float) -> list[str]:
    """The plan rules for an adaptive policy: each scenario's plan against that scenario."""
    s_n = inst.scenarios.n
    if len(u.plannen) != s_n:
        return [f"de uitkomst heeft {len(u.plannen)} plannen, verwacht één per scenario ({s_n})"]
    fout: list[str] = []
    r_n, f_n, t_n = len(inst.regios), len(inst.flextypen), len(inst.perioden)
    for s, plan in enumerate(u.plannen):
        vormen = [np.shape(plan.bestel), np.shape(plan.sluit), np.shape(plan.verplaats)]
        if vormen != [(r_n, f_n, t_n), (r_n, f_n, t_n), (r_n, r_n, f_n, t_n)]:
            fout.append(f"scenario {inst.scenarios.namen[s]}: het plan heeft vormen {vormen}")
            continue
        een = replace(inst, scenarios=inst.scenarios.deel([s]))
        deel = replace(
            u,
            plan=plan,
            plannen=(),
            beschikbaar=np.asarray(u.beschikbaar)[s : s + 1],
            afname=np.asarray(u.afname)[s : s + 1],
        )
        for m in _plan_regels(een, deel, None, tol, _Namen(een)):
            fout.append(
                m if m.startswith("scenario ") else f"scenario {een.scenarios.namen[0]}, {m}"
            )
    return fout


def _beleid(
    beperking: Beperking,
    bestel: np.ndarray,
    sluit: np.ndarray,
    verpl: np.ndarray,
    tol: float,
    nm: _Namen,
) -> list[str]:
    """Violations of the policy restriction."""
    soort = beperking.soort
    verboden: list[tuple[str, np.ndarray, np.ndarray]] = []
    if soort == "geen_flex":
        verboden = [("bestelling", bestel, bestel > tol)]
    elif soort == "statisch":
        laat = bestel > tol
        laat[..., 0] = False
        verboden = [("bestelling na de eerste periode", bestel, laat)]
    elif soort == "vast":
        if beperking.plan is None:
            return ["beleid 'vast' zonder plan om mee te vergelijken"]
        fout = []
        vast = beperking.plan
        for woord, a, b, assen in (
            ("bestelling", bestel, vast.bestel, "plan"),
            ("sluiting", sluit, vast.sluit, "plan"),
            ("verplaatsing", verpl, vast.verplaats, "verplaats"),
        ):
            b = np.asarray(b, dtype=float)
            if a.shape != b.shape:
                fout.append(f"het vaste plan heeft voor {woord} vorm {b.shape}, verwacht {a.shape}")
                continue
            for i in _plaatsen(np.abs(a - b) > tol, assen):
                x, y = _tekst(a[tuple(i.values())], b[tuple(i.values())])
                fout.append(f"{nm.waar(**i)}: {woord} {x} wijkt af van het vaste plan ({y})")
        return fout
    elif soort != "vrij":
        return [f"onbekend beleid '{soort}'; kies uit vrij, geen_flex, statisch, vast"]
    if soort in ("geen_flex", "statisch"):
        verboden += [("sluiting", sluit, sluit > tol), ("verplaatsing", verpl, verpl > tol)]
    fout = []
    for woord, a, masker in verboden:
        for i in _plaatsen(masker, "verplaats" if a.ndim == 4 else "plan"):
            (w,) = _tekst(a[tuple(i.values())])
            fout.append(f"{nm.waar(**i)}: {woord} {w} past niet bij beleid '{soort}'")
    return fout


def _beschikbaarheid(inst: Planinstantie, u: Planuitkomst, tol: float, nm: _Namen) -> list[str]:
    """Availability integral, >= 0 and at most ``max_modules``, in every scenario."""
    fout: list[str] = []
    n = np.asarray(u.beschikbaar, dtype=float)
    maxm = np.array(
        [[reg.max_modules.get(f.naam, np.inf) for f in inst.flextypen] for reg in inst.regios],
        dtype=float,
    )[None, :, :, None]
    for i in _plaatsen(np.abs(n - np.round(n)) > tol * np.maximum(1.0, np.abs(n)), "srft"):
        (w,) = _tekst(n[tuple(i.values())])
        fout.append(f"{nm.waar(**i)}: beschikbaar {w} is geen geheel aantal modules")
    for i in _plaatsen(n < -tol, "srft"):
        (w,) = _tekst(n[tuple(i.values())])
        fout.append(f"{nm.waar(**i)}: beschikbaar {w} is negatief")
    for i in _plaatsen(_boven(n, maxm, tol), "srft"):
        x, y = _tekst(n[tuple(i.values())], maxm[0, i["r"], i["f"], 0])
        fout.append(f"{nm.waar(**i)}: beschikbaar {x} is meer dan het maximum {y} modules")
    return fout


def _afname(inst: Planinstantie, u: Planuitkomst, tol: float, nm: _Namen) -> list[str]:
    """Modules closed or moved out: integral, >= 0, at least the drop in availability."""
    fout: list[str] = []
    a = np.asarray(u.afname, dtype=float)
    for i in _plaatsen(
        (np.abs(a - np.round(a)) > tol * np.maximum(1.0, np.abs(a))) | ~np.isfinite(a), "srft"
    ):
        (w,) = _tekst(a[tuple(i.values())])
        fout.append(f"{nm.waar(**i)}: afname {w} is geen geheel aantal modules")
    for i in _plaatsen(a < -tol, "srft"):
        (w,) = _tekst(a[tuple(i.values())])
        fout.append(f"{nm.waar(**i)}: afname {w} is negatief")
    # N[t] = N[t-1] + arrivals - afname with arrivals >= 0, so afname >= N[t-1] - N[t]
    n = np.asarray(u.beschikbaar, dtype=float)
    n0 = np.array(
        [[float(reg.bestaand.get(f.naam, 0)) for f in inst.flextypen] for reg in inst.regios]
    )
    vorig = np.concatenate([np.broadcast_to(n0[None, :, :, None], n[..., :1].shape),
                            n[..., :-1]], axis=-1)  # fmt: skip
    daling = vorig - n
    for i in _plaatsen(_boven(daling, a, tol), "srft"):
        x, y = _tekst(daling[tuple(i.values())], a[tuple(i.values())])
        fout.append(
            f"{nm.waar(**i)}: beschikbaar daalt met {x} modules, maar de afname is maar {y}"
        )
    return fout


def _begin_bezetting(inst: Planinstantie, compat: np.ndarray) -> np.ndarray:
    """Initial occupancy per (region, type, class): split evenly over the classes housed."""
    z0 = np.zeros((len(inst.regios), len(inst.flextypen), len(inst.klassen)))
    for r, reg in enumerate(inst.regios):
        for f, ft in enumerate(inst.flextypen):
            aantal = int(compat[f].sum())
            for k in range(len(inst.klassen)):
                if compat[f, k]:
                    z0[r, f, k] = float(reg.bezetting.get(ft.naam, 0.0)) / aantal
    return z0


def _tweede_fase(inst: Planinstantie, u: Planuitkomst, tol: float, nm: _Namen) -> list[str]:
    """The second-stage rules in every scenario."""
    fout: list[str] = []
    sc = inst.scenarios
    ach, reg = np.asarray(u.achterstand, float), np.asarray(u.regulier, float)
    inf, bez = np.asarray(u.in_flex, float), np.asarray(u.bezetting, float)
    door, verd = np.asarray(u.door, float), np.asarray(u.verdrongen, float)
    woorden = {
        "achterstand": ("srkt", ach),
        "regulier gehuisvest": ("srkt", reg),
        "instroom in flex": ("srfkt", inf),
        "bezetting": ("srfkt", bez),
        "doorstroom": ("srfkt", door),
        "verdrongen": ("srfkt", verd),
    }
    for woord, (assen, a) in woorden.items():
        for i in _plaatsen((a < -tol) | ~np.isfinite(a), assen):
            (w,) = _tekst(a[tuple(i.values())])
            fout.append(f"{nm.waar(**i)}: {woord} {w} is negatief")

    compat = np.array([[k in f.klassen for k in inst.klassen] for f in inst.flextypen], dtype=bool)
    vreemd = ~compat[None, None, :, :, None]
    for woord in ("instroom in flex", "bezetting", "doorstroom", "verdrongen"):
        a = woorden[woord][1]
        for i in _plaatsen(vreemd & (np.abs(a) > tol), "srfkt"):
            (w,) = _tekst(a[tuple(i.values())])
            f, k = nm.f[i["f"]], nm.k[i["k"]]
            fout.append(f"{nm.waar(**i)}: {woord} {w}, maar flextype {f} huisvest klasse {k} niet")

    # backlog: A[t] = A[t-1] + inflow - regular - sum_f in_flex + sum_f displaced
    instroom = np.moveaxis(sc.instroom, 2, 3)  # (S, R, K, T)
    aanbod = np.moveaxis(sc.aanbod, 2, 3)
    a0 = np.array([[r.achterstand.get(k, 0.0) for k in inst.klassen] for r in inst.regios])
    vorig = np.concatenate([np.broadcast_to(a0[None, :, :, None], ach[..., :1].shape),
                            ach[..., :-1]], axis=-1)  # fmt: skip
    termen = (vorig, instroom, reg, inf.sum(axis=2), verd.sum(axis=2))
    balans = vorig + instroom - reg - inf.sum(axis=2) + verd.sum(axis=2)
    schaal = np.max(np.abs(np.stack(termen)), axis=0)
    for i in _plaatsen(_wijkt(ach, balans, schaal, tol), "srkt"):
        x, y = _tekst(ach[tuple(i.values())], balans[tuple(i.values())])
        fout.append(f"{nm.waar(**i)}: achterstand {x} wijkt af van de balans {y}")

    # regular supply shared by new tenants and flex residents moving on
    gebruikt = reg + door.sum(axis=2)
    for i in _plaatsen(_boven(gebruikt, aanbod, tol), "srkt"):
        x, y = _tekst(gebruikt[tuple(i.values())], aanbod[tuple(i.values())])
        fout.append(
            f"{nm.waar(**i)}: regulier gehuisvest plus doorstroom {x} is meer dan het aanbod {y}"
        )

    # occupancy: Z[t] = Z[t-1] + in - door - displaced, for the classes a type houses
    z0 = _begin_bezetting(inst, compat)
    vorig_z = np.concatenate([np.broadcast_to(z0[None, :, :, :, None], bez[..., :1].shape),
                              bez[..., :-1]], axis=-1)  # fmt: skip
    balans_z = vorig_z + inf - door - verd
    schaal_z = np.max(np.abs(np.stack((vorig_z, inf, door, verd))), axis=0)
    for i in _plaatsen(_wijkt(bez, balans_z, schaal_z, tol) & ~vreemd, "srfkt"):
        x, y = _tekst(bez[tuple(i.values())], balans_z[tuple(i.values())])
        fout.append(f"{nm.waar(**i)}: bezetting {x} wijkt af van de balans {y}")
    grens = inst.doorstroom * vorig_z
    for i in _plaatsen(_boven(door, grens, tol) & ~vreemd, "srfkt"):
        x, y = _tekst(door[tuple(i.values())], grens[tuple(i.values())])
        fout.append(
            f"{nm.waar(**i)}: doorstroom {x} is meer dan {nl_getal(inst.doorstroom, 2)} maal "
            f"de vorige bezetting ({y})"
        )

    # capacity: occupancy of a type at most plaatsen * available modules
    plaatsen = np.array([f.plaatsen for f in inst.flextypen], dtype=float)
    totaal = bez.sum(axis=3)  # (S, R, F, T)
    cap = plaatsen[None, None, :, None] * np.asarray(u.beschikbaar, dtype=float)
    for i in _plaatsen(_boven(totaal, cap, tol), "srft"):
        x, y = _tekst(totaal[tuple(i.values())], cap[tuple(i.values())])
        fout.append(f"{nm.waar(**i)}: bezetting {x} is meer dan de capaciteit {y} plaatsen")

    # displacement: only the places of modules closed or moved out in that period
    verdrongen = verd.sum(axis=3)  # (S, R, F, T)
    vrij = plaatsen[None, None, :, None] * np.asarray(u.afname, dtype=float)
    for i in _plaatsen(_boven(verdrongen, vrij, tol), "srft"):
        x, y = _tekst(verdrongen[tuple(i.values())], vrij[tuple(i.values())])
        fout.append(
            f"{nm.waar(**i)}: verdrongen {x} is meer dan de {y} plaatsen van de modules die in "
            f"deze periode sluiten of vertrekken"
        )
    return fout


def _vergelijk(naam: str, gegeven: float, berekend: float, schaal: float, tol: float) -> list[str]:
    """One message when a reported cost differs from the recomputed one."""
    if not _wijkt(np.array(gegeven), np.array(berekend), schaal, tol):
        return []
    x, y = _tekst(gegeven, berekend)
    return [f"{naam} {x} wijkt af van de herberekende {y}"]


def _kosten(inst: Planinstantie, u: Planuitkomst, tol: float, nm: _Namen) -> list[str]:
    """Costs per scenario and their expected parts, recomputed from the arrays."""
    fout: list[str] = []
    p = np.asarray(u.kansen, dtype=float)
    typen = inst.flextypen
    n = np.asarray(u.beschikbaar, dtype=float)  # (S, R, F, T)
    exploit = np.array([f.exploitatie for f in typen])
    rest = np.array([f.restwaarde for f in typen])
    per_s: dict[str, np.ndarray] = {
        "exploitatie": np.einsum("srft,f->s", n, exploit),
        "restwaarde": -np.einsum("srf,f->s", n[..., -1], rest),
    }
    # the plan of each scenario: one for all, one per scenario (adaptive), or none
    plannen = [u.plan] * len(p) if u.plan is not None else list(u.plannen)
    if len(plannen) == len(p):
        openen = np.array([f.openen for f in typen])
        sluiten = np.array([f.sluiten - f.verkoopwaarde for f in typen])
        per_s["openen"] = np.array([np.einsum("rft,f->", pl.bestel, openen) for pl in plannen])
        per_s["sluiten"] = np.array([np.einsum("rft,f->", pl.sluit, sluiten) for pl in plannen])
        per_s["verplaatsen"] = np.array(
            [float(np.sum(pl.verplaats)) * inst.verplaatsing.netto for pl in plannen]
        )
    schaal_1 = np.abs(np.stack(list(per_s.values()))).sum(axis=0)
    eerste = np.asarray(u.kosten_eerste, dtype=float)
    if len(plannen) == len(p):
        c1 = np.stack(list(per_s.values())).sum(axis=0)
        for s in range(len(p)):
            fout += _vergelijk(
                f"scenario {nm.s[s]}: eerste-fasekosten", eerste[s], c1[s], schaal_1[s], tol
            )
    else:
        ondergrens = per_s["exploitatie"] + per_s["restwaarde"]
        for si in np.nonzero(_boven(ondergrens, eerste, tol))[0]:
            x, y = _tekst(eerste[si], ondergrens[si])
            fout.append(
                f"scenario {nm.s[si]}: eerste-fasekosten {x} zijn lager dan exploitatie min "
                f"restwaarde van de beschikbare modules ({y})"
            )
    delen_1 = u.kosten_eerste_delen
    for deel, v in per_s.items():
        if deel not in delen_1:
            fout.append(f"eerste-fasekosten: deel '{deel}' ontbreekt")
        else:
            fout += _vergelijk(
                f"eerste-fasekosten, deel {deel}:",
                delen_1[deel],
                float(p @ v),
                float(p @ np.abs(v)),
                tol,
            )

    ach = np.asarray(u.achterstand, dtype=float)
    wacht = np.array([inst.kosten.wachten.get(k, 0.0) for k in inst.klassen])
    delen_s = {
        "wachten": np.einsum("srkt,k->s", ach, wacht),
        "verdringing": np.asarray(u.verdrongen, float).sum(axis=(1, 2, 3, 4))
        * inst.kosten.verdringing,
        "eind_achterstand": ach[..., -1].sum(axis=(1, 2)) * inst.kosten.eind_achterstand,
    }
    q = np.stack(list(delen_s.values())).sum(axis=0)
    tweede = np.asarray(u.kosten_tweede, dtype=float)
    for s in range(len(p)):
        fout += _vergelijk(f"scenario {nm.s[s]}: tweede-fasekosten", tweede[s], q[s], q[s], tol)
    delen_2 = u.kosten_tweede_delen
    for deel, v in delen_s.items():
        if deel not in delen_2:
            fout.append(f"tweede-fasekosten: deel '{deel}' ontbreekt")
        else:
            fout += _vergelijk(
                f"tweede-fasekosten, deel {deel}:", delen_2[deel], float(p @ v), float(p @ v), tol
            )
    return fout


def verifieer_plan(
    inst: Planinstantie,
    uitkomst: Planuitkomst,
    *,
    beperking: Beperking | None = None,
    tol: float = 1e-6,
) -> list[str]:
    """Every rule of the planning model that ``uitkomst`` breaks, one Dutch sentence each.

    Parameters
    ----------
    inst
        The instance the outcome belongs to.
    uitkomst
        The outcome to check. With ``plan`` None (perfect information: one plan
        per scenario, not carried) the plan-level rules (integrality of the
        decisions, horizon, relocation, stock balance, afname as closures
        plus moves out, minimum lifetime, policy) are skipped and of the
        first-stage cost only the running cost and residual value are
        checked; everything per scenario is checked.
    beperking
        The policy the plan was made under; None checks no policy.
    tol
        Tolerance relative to the size of the numbers compared.

    Returns
    -------
    list of str
        The violations; empty when the outcome is consistent.

    Examples
    --------
    30 persons arrive in each of two periods; a studio module of 10 places
    ordered now is there next period for 100 + 10 euro and saves 10 persons
    a period of waiting at 20 euro each, so six are ordered: 600 euro of
    waiting in the first period plus 660 for the modules.

    >>> from dataclasses import replace
    >>> from allocatie.planning.gegevens import Flextype, Kosten, Regio, Scenarioset
    >>> from allocatie.planning.model.oplossen import los_plan_op
    >>> sc = Scenarioset(("Utrecht",), ("2027-I", "2027-II"), ("alleenstaand",), ("s1",),
    ...                  np.ones(1), np.full((1, 1, 2, 1), 30.0), np.zeros((1, 1, 2, 1)))
    >>> studio = Flextype("studio", 10, ("alleenstaand",), openen=100, exploitatie=10,
    ...                   sluiten=50, levertijd=1, minimale_looptijd=1)
    >>> inst = Planinstantie((Regio("Utrecht"),), (studio,), Kosten({"alleenstaand": 20}), sc)
    >>> uitkomst = los_plan_op(inst)
    >>> uitkomst.plan.bestel[0, 0].tolist(), float(uitkomst.verwachting)
    ([6.0, 0.0], 1260.0)
    >>> verifieer_plan(inst, uitkomst)
    []
    >>> ach = uitkomst.achterstand.copy()
    >>> ach[0, 0, 0, 1] += 1.5
    >>> for schending in verifieer_plan(inst, replace(uitkomst, achterstand=ach)):
    ...     print(schending)  # doctest: +ELLIPSIS
    scenario s1, regio Utrecht, klasse alleenstaand, periode 2027-II: achterstand 1,5 wijkt af ...
    scenario s1: tweede-fasekosten 600,0 wijkt af van de herberekende 630,0
    tweede-fasekosten, deel wachten: 600,0 wijkt af van de herberekende 630,0
    """
    nm = _Namen(inst)
    fout = _vormen(inst, uitkomst)
    if fout:
        return fout
    if uitkomst.plan is not None:
        fout += _plan_regels(inst, uitkomst, beperking, tol, nm)
    elif uitkomst.plannen:
        fout += _plannen_per_scenario(inst, uitkomst, tol)
    if uitkomst.plan is None and beperking is not None and beperking.soort != "vrij":
        fout.append(
            f"beleid '{beperking.soort}' is niet te controleren: de uitkomst heeft geen plan"
        )
    fout += _beschikbaarheid(inst, uitkomst, tol, nm)
    fout += _afname(inst, uitkomst, tol, nm)
    fout += _tweede_fase(inst, uitkomst, tol, nm)
    fout += _kosten(inst, uitkomst, tol, nm)
    return fout


def controleer_plan(
    inst: Planinstantie,
    uitkomst: Planuitkomst,
    *,
    beperking: Beperking | None = None,
    tol: float = 1e-6,
) -> None:
    """Raise `VerificatieFout` with every violation `verifieer_plan` finds.

    Raises
    ------
    VerificatieFout
        When the outcome breaks a rule; ``schendingen`` lists them all.
    """
    schendingen = verifieer_plan(inst, uitkomst, beperking=beperking, tol=tol)
    if schendingen:
        raise VerificatieFout(schendingen)
